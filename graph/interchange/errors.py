"""Errors of the interchange package; all are `ValidationError`s, so the API maps them to 4xx."""

from __future__ import annotations

from graph.errors import ValidationError


class InterchangeError(ValidationError):
    """An export or import cannot be done as asked (unknown format, malformed RDF…)."""


class QueryRefused(InterchangeError):
    """A SPARQL request is not a read-only query, or exceeds a size, row or time bound."""
