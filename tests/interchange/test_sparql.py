"""The read-only SPARQL runner: result shapes, refusals and bounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from graph.interchange import sparql
from graph.interchange.errors import QueryRefused
from graph.interchange.sparql import MAX_QUERY_CHARS, run_sparql


@pytest.fixture
def graph() -> Graph:
    g = Graph()
    for i in range(50):
        g.add((URIRef(f"http://x/{i}"), URIRef("http://x/p"), Literal(i)))
    return g


def test_select_gives_sparql_json(graph: Graph) -> None:
    result = run_sparql(
        graph, "SELECT ?s ?o WHERE { ?s <http://x/p> ?o FILTER(?o < 2) } ORDER BY ?o"
    )
    assert result["head"] == {"vars": ["s", "o"]}
    first = result["results"]["bindings"][0]
    assert first["s"] == {"type": "uri", "value": "http://x/0"}
    assert first["o"]["type"] == "literal" and first["o"]["value"] == "0"
    assert first["o"]["datatype"].endswith("#integer")
    assert len(result["results"]["bindings"]) == 2


def test_ask_and_construct(graph: Graph) -> None:
    assert run_sparql(graph, "ASK { <http://x/3> ?p ?o }")["boolean"] is True
    built = run_sparql(
        graph, "CONSTRUCT { ?s <http://x/q> ?o } WHERE { ?s <http://x/p> ?o } LIMIT 3"
    )
    assert built["triples"] == 3
    assert len(Graph().parse(data=built["turtle"], format="turtle")) == 3


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://x/g>",
        "CREATE GRAPH <http://x/g>",
    ],
)
def test_updates_are_refused_and_change_nothing(graph: Graph, update: str) -> None:
    before = len(graph)
    with pytest.raises(QueryRefused, match="read-only"):
        run_sparql(graph, update)
    assert len(graph) == before


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT WHERE", "not a valid"),
        ("   ", "empty"),
    ],
)
def test_remote_access_and_garbage_are_refused(graph: Graph, query: str, reason: str) -> None:
    with pytest.raises(QueryRefused, match=reason):
        run_sparql(graph, query)


def test_query_size_is_bounded(graph: Graph) -> None:
    query = "SELECT * WHERE { ?s ?p ?o }" + " " * MAX_QUERY_CHARS
    with pytest.raises(QueryRefused, match="characters"):
        run_sparql(graph, query)


def test_rows_are_bounded(graph: Graph) -> None:
    with pytest.raises(QueryRefused, match="more than 10 rows"):
        run_sparql(graph, "SELECT * WHERE { ?s ?p ?o }", max_rows=10)
    assert (
        len(
            run_sparql(graph, "SELECT * WHERE { ?s ?p ?o } LIMIT 10", max_rows=10)["results"][
                "bindings"
            ]
        )
        == 10
    )


def test_time_is_bounded(graph: Graph) -> None:
    # A cross product of 50^4 rows takes far longer than 50 ms to enumerate.
    query = "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h }"
    with pytest.raises(QueryRefused, match="longer than"):
        run_sparql(graph, query, timeout_s=0.05, max_rows=10**9)


def test_errors_are_validation_errors() -> None:
    from graph.errors import ValidationError

    assert issubclass(sparql.QueryRefused, ValidationError)


def test_rdf_view_is_rebuilt_only_after_a_write(tmp_path: Path) -> None:
    from graph.interchange.sparql import RdfView
    from graph.model import Organisation
    from graph.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "g.db")
    try:
        store.upsert_nodes([Organisation("Lund University", country="SE")])
        view = RdfView()
        first = view.graph(store)
        assert view.graph(store) is first
        store.upsert_nodes([Organisation("Novo Nordisk", country="DK")])
        second = view.graph(store)
        assert second is not first
        result = run_sparql(
            second,
            "SELECT (COUNT(?o) AS ?n) WHERE { ?o a <https://mvkg.example.org/ns#Organisation> }",
        )
        assert result["results"]["bindings"][0]["n"]["value"] == "2"
    finally:
        store.close()
