"""GET /export/{format} and the read-only /sparql endpoint on the hand-worked graph."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from small_graphs import build_cross_border_graph

from api.app import create_app
from api.settings import Settings
from graph.store import GraphStore

ASK_LICENCE = (
    "PREFIX mvkg: <https://mvkg.example.org/ns#> ASK { ?r mvkg:subtype ?s . "
    'FILTER(STR(?s) = "licensing") }'
)


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    build_cross_border_graph(store)
    with TestClient(create_app(Settings(), store=store)) as test_client:
        yield test_client


def test_exports_in_every_format(client: TestClient, tmp_path: object) -> None:
    turtle = client.get("/export/turtle")
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 50
    graphml = client.get("/export/graphml", params={"label": ["Organisation"]})
    assert graphml.status_code == 200
    path = tmp_path / "g.graphml"  # type: ignore[operator]
    path.write_bytes(graphml.content)
    loaded = nx.read_graphml(path)
    assert loaded.number_of_nodes() == 7  # the seven organisations
    nodes_csv = client.get("/export/csv-nodes", params={"country": ["DK"]})
    assert nodes_csv.text.count("\n") >= 4  # header + d1 d2 d3 (+ the project, not filtered)
    assert client.get("/export/jsonld").status_code == 200
    missing = client.get("/export/xlsx")
    assert missing.status_code == 404 and "turtle" in missing.json()["detail"]


def test_sparql_get_and_post(client: TestClient) -> None:
    select = client.get(
        "/sparql",
        params={
            "query": "PREFIX schema: <https://schema.org/> "
            "SELECT ?name WHERE { ?o schema:name ?name } ORDER BY ?name LIMIT 3"
        },
    )
    assert select.status_code == 200, select.text
    names = [b["name"]["value"] for b in select.json()["results"]["bindings"]]
    assert names == sorted(names) and len(names) == 3
    posted = client.post(
        "/sparql", content=ASK_LICENCE, headers={"content-type": "application/sparql-query"}
    )
    assert posted.status_code == 200, posted.text
    assert "boolean" in posted.json()
    form = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert form.json()["boolean"] is True


def test_sparql_refuses_updates_and_says_why(client: TestClient) -> None:
    update = client.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"})
    assert update.status_code == 422
    assert update.headers["content-type"].startswith("application/problem+json")
    form = client.post("/sparql", data={"update": "DELETE WHERE { ?s ?p ?o }"})
    assert form.status_code == 422 and "read-only" in form.json()["detail"]
    assert client.get("/sparql", params={"query": "x" * 30_000}).status_code == 422
