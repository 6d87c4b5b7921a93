"""Fixtures shared by the suite: the stores under test and the real Neo4j test server.

Neo4j: if NEO4J_URI is set (with NEO4J_USER / NEO4J_PASSWORD), the tests use that server;
otherwise they build and start the embedded launcher in tests/neo4j_launcher once per session.
Without Java or Maven the Neo4j tests skip with a reason, unless MVKG_REQUIRE_NEO4J=1 (set by
.ci/run), which turns that skip into a failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

sys.path.append(str(TESTS_DIR))  # for neo4j_server; after the real packages

from graph.store import GraphStore, open_store  # noqa: E402
from graph.store.sqlite import SqliteStore  # noqa: E402


def _neo4j_required() -> bool:
    return os.environ.get("MVKG_REQUIRE_NEO4J", "") in ("1", "true", "yes")


@pytest.fixture(scope="session")
def neo4j_url() -> Iterator[str]:
    """A bolt:// URL with credentials of a real Neo4j 5.26, up for the whole session."""
    external = os.environ.get("NEO4J_URI")
    if external:
        from urllib.parse import quote, urlsplit

        parts = urlsplit(external)
        user = quote(os.environ.get("NEO4J_USER", "neo4j"), safe="")
        password = quote(os.environ.get("NEO4J_PASSWORD", ""), safe="")
        yield f"{parts.scheme}://{user}:{password}@{parts.netloc}"
        return
    from neo4j_server import Neo4jTestServer, Neo4jUnavailable

    server = Neo4jTestServer()
    try:
        server.start()
    except Neo4jUnavailable as exc:
        if _neo4j_required():
            pytest.fail(f"Neo4j is required here (MVKG_REQUIRE_NEO4J=1) but unavailable: {exc}")
        pytest.skip(f"Neo4j test server unavailable: {exc}")
    try:
        host_port = server.uri.split("://", 1)[1]
        yield f"bolt://{server.user}:{server.password}@{host_port}"
    finally:
        server.stop()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "graph.db")
    yield store
    store.close()


@pytest.fixture
def neo4j_store(neo4j_url: str) -> Iterator[GraphStore]:
    store = open_store(neo4j_url)
    store.clear()
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    """Every contract test runs once per store."""
    return request.getfixturevalue(f"{request.param}_store")
