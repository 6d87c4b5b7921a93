"""Stores of the graph. `open_store(url)` picks one from a URL; callers depend on `GraphStore`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from graph.errors import StoreConfigError
from graph.store.base import Counts, Edge, GraphFilter, GraphStore, SearchHit, Subgraph

__all__ = [
    "Counts",
    "Edge",
    "GraphFilter",
    "GraphStore",
    "SearchHit",
    "Subgraph",
    "open_store",
    "redact_url",
]

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def open_store(url: str) -> GraphStore:
    """Open the store a URL names.

    - `sqlite:///relative/path.db`, `sqlite:////absolute/path.db`: the embedded store;
    - `neo4j://user:password@host:7687`, `bolt://…` (and their `+s` / `+ssc` forms): Neo4j.
    """
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        from graph.store.sqlite import SqliteStore

        return SqliteStore(sqlite_path(url))
    if scheme in NEO4J_SCHEMES:
        from graph.store.neo4j import Neo4jStore

        return Neo4jStore(url)
    raise StoreConfigError(
        f"unknown store URL {redact_url(url)!r}: use sqlite:///path/to/graph.db (embedded, "
        "the default) or neo4j://user:password@host:7687"
    )


def sqlite_path(url: str) -> Path:
    """sqlite:///mvkg-data/graph.db -> mvkg-data/graph.db; sqlite:////tmp/g.db -> /tmp/g.db."""
    parts = urlsplit(url)
    if parts.netloc:
        raise StoreConfigError(
            f"{url!r} has a host part; write sqlite:///relative/path.db or sqlite:////abs/path.db"
        )
    path = unquote(parts.path)[1:]
    if not path:
        raise StoreConfigError(f"{url!r} names no file; write sqlite:///path/to/graph.db")
    return Path(path)


def redact_url(url: str) -> str:
    """The URL with its password replaced, for logs, errors and /health."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
