"""The /analysis endpoints on the hand-worked cross-border graph (tests/small_graphs.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from small_graphs import build_cross_border_graph, collab, org

from api.app import create_app
from api.settings import Settings
from graph.model import CollabType
from graph.store import GraphStore


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    build_cross_border_graph(store)
    app = create_app(Settings(), store=store)
    with TestClient(app) as test_client:
        yield test_client


def _pairs(body: dict) -> dict[tuple[str, str], int]:
    return {(p["a"], p["b"]): p["links"] for p in body["pairs"]}


def test_every_measure_is_listed_and_answers(client: TestClient) -> None:
    listed = client.get("/analysis").json()
    assert len(listed) == 11
    for measure in listed:
        params = "?source=org:t:d1&target=org:t:s2" if measure["name"] == "paths" else ""
        response = client.get(measure["path"] + params)
        assert response.status_code == 200, (measure["name"], response.text)


def test_border_matrix_with_filters(client: TestClient) -> None:
    body = client.get("/analysis/border-matrix").json()
    assert _pairs(body)[("DK", "SE")] == 4
    assert body["groups"] == ["DK", "SE", "US", "unknown"]
    news = client.get("/analysis/border-matrix", params={"layer": "news"}).json()
    assert _pairs(news)[("DK", "SE")] == 2
    both = client.get(
        "/analysis/border-matrix", params=[("type", "licensing"), ("type", "co_participation")]
    ).json()
    assert _pairs(both)[("DK", "SE")] == 3  # d2-s1 licensing, d3-s1 and d3-s2 through project P
    recent = client.get("/analysis/border-matrix", params={"since": "2021", "per_year": True})
    assert [y["year"] for y in recent.json()["years"]] == [2021, 2022]


def test_bad_filters_are_problems_that_say_what_to_do(client: TestClient) -> None:
    response = client.get("/analysis/border-matrix", params={"layer": "gossip"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "layers" in response.json()["detail"] and "news" in response.json()["detail"]
    response = client.get("/analysis/border-matrix", params={"since": "last year"})
    assert response.status_code == 422 and "ISO" in response.json()["detail"]
    response = client.get("/analysis/cross-border", params={"limit": 0})
    assert response.status_code == 422
    response = client.get("/analysis/paths", params={"source": "org:t:none", "target": "org:t:s1"})
    assert response.status_code == 404 and "org:t:none" in response.json()["detail"]


def test_cross_border_links_with_evidence_and_paging(client: TestClient) -> None:
    body = client.get(
        "/analysis/cross-border", params={"a": "SE", "b": "DK", "sort": "name"}
    ).json()
    assert body["total"] == 4
    assert all(link["a"]["country"] == "SE" for link in body["links"])
    assert all(link["evidence"] for link in body["links"])
    page = client.get("/analysis/cross-border", params={"limit": 3, "offset": 3}).json()
    assert len(page["links"]) == 1 and page["total"] == 4


def test_results_are_cached_until_a_write(client: TestClient, store: GraphStore) -> None:
    analytics = client.app.state.analytics  # type: ignore[attr-defined]
    client.get("/analysis/border-matrix")
    hits = analytics.hits
    assert _pairs(client.get("/analysis/border-matrix").json())[("DK", "SE")] == 4
    assert analytics.hits == hits + 1
    store.upsert_nodes([org("s3", "SE")])
    store.upsert_relations([collab("d1", "s3", CollabType.PARTNERSHIP, "2023-01-01")])
    assert _pairs(client.get("/analysis/border-matrix").json())[("DK", "SE")] == 5


def test_openapi_documents_the_measures_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for name in ("border-matrix", "cross-border", "brokers", "paths", "trends", "reach"):
        assert f"/analysis/{name}" in spec["paths"]
    pair = spec["components"]["schemas"]["GroupPair"]["properties"]
    assert pair["a"]["examples"] == ["DK"]
