"""The HTTP service: /health really queries the store, errors are problem+json, settings refuse
unsafe defaults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError as SettingsError

from api.app import create_app
from api.settings import Settings
from graph.model import Organisation


def client_for(store_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=store_url, _env_file=None))) as client:  # type: ignore[call-arg]
        yield client


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    url = (
        f"sqlite:///{tmp_path}/graph.db"
        if request.param == "sqlite"
        else request.getfixturevalue("neo4j_url")
    )
    yield from client_for(url)


def test_health_queries_the_store_and_names_it(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["store"] in ("sqlite", "neo4j")
    assert body["details"]["store"] == body["store"]
    if body["store"] == "neo4j":
        assert body["details"]["version"].startswith("5.26")
        assert ":***@" in body["url"]  # the password is never shown
    else:
        assert body["details"]["journal_mode"] == "wal"


def test_stats_reflect_writes(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    store.clear()
    version = client.get("/health").json()["graph_version"]
    store.upsert_nodes([Organisation(name="Lund University", country="SE", kind="university")])
    assert client.get("/stats").json()["organisations_by_country"] == {"SE": 1}
    assert client.get("/health").json()["graph_version"] > version


def test_docs_and_openapi(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/health", "/stats"} <= set(spec["paths"])


def test_errors_are_problem_json(client: TestClient) -> None:
    response = client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_health_says_503_when_the_store_is_gone(tmp_path: Path) -> None:
    for client in client_for(f"sqlite:///{tmp_path}/graph.db"):
        client.app.state.store.close()  # type: ignore[attr-defined]
        (tmp_path / "graph.db").unlink()
        (tmp_path / "graph.db").mkdir()  # the path is now a folder: SQLite cannot open it
        response = client.get("/health")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"host": "0.0.0.0"}, "MVKG_API_KEYS"),
        ({"api_keys": "short"}, "shorter than 16"),
        ({"store": "neo4j://neo4j:neo4j@localhost:7687"}, "weak Neo4j password"),
        ({"store": "neo4j://neo4j:password@localhost:7687"}, "weak Neo4j password"),
    ],
)
def test_settings_refuse_unsafe_values(values: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MVKG_STORE", "sqlite:////tmp/x.db")
    monkeypatch.setenv("MVKG_API_KEYS", "a" * 20 + ", " + "b" * 20)
    monkeypatch.setenv("MVKG_HOST", "0.0.0.0")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.store == "sqlite:////tmp/x.db"
    assert settings.api_keys == ["a" * 20, "b" * 20]
