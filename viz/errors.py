"""Errors of the map renderer.

Each one is also a `graph.errors` error, so callers that already map those (the API turns
ValidationError into 422 and NotFoundError into 404, the CLI prints any GraphError) need nothing
new. The message says how to fix the request.
"""

from __future__ import annotations

from graph.errors import GraphError, NotFoundError, ValidationError


class VizError(GraphError):
    """Base of every error raised while building a map."""


class MapRequestError(VizError, ValidationError):
    """The map request is inconsistent: unknown kind or measure, a missing organisation…"""


class UnknownOrganisationError(VizError, NotFoundError):
    """An organisation id the request names is not in the graph (or the filters exclude it)."""


class UnknownTopicError(MapRequestError):
    """The topic the request names is not used by any organisation or project."""


class AssetError(VizError):
    """A file the map embeds (vis-network from pyvis, our template) is missing or unsafe."""
