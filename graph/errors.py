"""Exceptions of the graph package. Only `api/` maps them to HTTP status codes."""

from __future__ import annotations


class GraphError(Exception):
    """Base of every error raised by `graph`; the message says how to fix the cause."""


class ValidationError(GraphError, ValueError):
    """A node or relation breaks the domain model (bad kind, country, date, size…)."""


class StoreConfigError(GraphError):
    """A store URL or store setting cannot be used."""


class StoreUnavailableError(GraphError):
    """The store cannot be reached (server down, wrong password, file not writable)."""


class DanglingRelationError(GraphError):
    """Relations point at nodes that are not in the store."""

    def __init__(self, missing: dict[str, list[str]]) -> None:
        self.missing = missing
        shown = ", ".join(f"{rel} -> {sorted(ids)}" for rel, ids in list(missing.items())[:5])
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        super().__init__(
            f"{len(missing)} relation(s) refer to nodes that are not in the store: {shown}{more}. "
            "Upsert the nodes before the relations that use them."
        )


class NotFoundError(GraphError, LookupError):
    """No node or relation has the given id."""
