"""RDF export and import: round trips between the stores, SHACL shapes, the published queries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

from graph.interchange.errors import InterchangeError
from graph.interchange.rdf import (
    DEFAULT_BASE,
    MVKG,
    from_rdf,
    graph_from,
    id_from_uri,
    node_uri,
    parse,
    serialize,
    to_rdf,
)
from graph.interchange.sparql import run_sparql
from graph.model import (
    CollabType,
    Document,
    Evidence,
    Node,
    Organisation,
    OrgKind,
    Relation,
    RelType,
    Topic,
)
from graph.store.base import GraphFilter, GraphStore
from graph.store.sqlite import SqliteStore
from ingest.demo import load_demo

DATA = files("graph.interchange") / "data"


def _query(name: str) -> str:
    return (DATA / "queries" / f"{name}.rq").read_text(encoding="utf-8")


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "demo.db")
    load_demo(store=store)
    yield store
    store.close()


# ---------------------------------------------------------------------------- URIs


@pytest.mark.parametrize("node_id", ["org:ror:035b05819", "doc:a/b c%d", "topic:æøå", "x#y?z"])
def test_node_uris_encode_safely_and_decode_exactly(node_id: str) -> None:
    uri = node_uri(node_id)
    assert not any(ch in str(uri)[len(DEFAULT_BASE) :] for ch in "/ #?")
    assert id_from_uri(uri) == node_id


def test_a_base_that_cannot_prefix_uris_is_refused(demo_store: SqliteStore) -> None:
    with pytest.raises(InterchangeError, match="base"):
        to_rdf(demo_store, base="mvkg")


# ---------------------------------------------------------------------------- round trips


def _round_trip(source: GraphStore, target: GraphStore, fmt: str = "turtle") -> None:
    first = to_rdf(source)
    counts = from_rdf(parse(serialize(first, fmt), fmt), target)
    assert counts["nodes"] == sum(source.counts().nodes.values())
    assert counts["relations"] == sum(source.counts().relations.values())
    second = to_rdf(target)
    assert isomorphic(first, second)
    assert target.counts().to_dict() == source.counts().to_dict()


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_round_trip_sqlite_to_sqlite_in_every_format(
    demo_store: SqliteStore, tmp_path: Path, fmt: str
) -> None:
    target = SqliteStore(tmp_path / f"copy-{fmt}.db")
    try:
        _round_trip(demo_store, target, fmt)
    finally:
        target.close()


@pytest.mark.neo4j
def test_round_trip_sqlite_to_neo4j(demo_store: SqliteStore, neo4j_store: GraphStore) -> None:
    _round_trip(demo_store, neo4j_store)


@pytest.mark.neo4j
def test_round_trip_neo4j_to_sqlite(neo4j_store: GraphStore, tmp_path: Path) -> None:
    load_demo(store=neo4j_store)
    target = SqliteStore(tmp_path / "back.db")
    try:
        _round_trip(neo4j_store, target)
    finally:
        target.close()


def test_every_relation_and_evidence_field_survives(tmp_path: Path) -> None:
    nodes, relations = _small_graph()
    source, target = SqliteStore(tmp_path / "a.db"), SqliteStore(tmp_path / "b.db")
    try:
        source.upsert_nodes(nodes)
        source.upsert_relations(relations)
        from_rdf(parse(serialize(to_rdf(source), "turtle")), target)
        ids = [r.id for r in relations]
        assert target.get_relations(ids) == source.get_relations(ids)
        assert target.get_nodes(n.id for n in nodes) == source.get_nodes(n.id for n in nodes)
    finally:
        source.close()
        target.close()


def test_filtered_export_keeps_only_the_filtered_part(demo_store: SqliteStore) -> None:
    flt = GraphFilter.of(relation_types=["COLLABORATES_WITH"], labels=["Organisation"])
    graph = to_rdf(demo_store, flt)
    types = {str(o) for o in graph.objects(None, MVKG.relationType)}
    assert types == {"COLLABORATES_WITH"}
    assert not list(graph.subjects(None, MVKG.Topic))
    expected = len(demo_store.projection(flt).edges)
    assert len(set(graph.subjects(MVKG.relationType, None))) == expected


def test_json_ld_uses_the_published_context(demo_store: SqliteStore) -> None:
    document = json.loads(serialize(to_rdf(demo_store), "json-ld"))
    published = json.loads((DATA / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == published["@context"]


def test_unknown_format_is_refused_with_the_choices() -> None:
    with pytest.raises(InterchangeError, match="turtle"):
        serialize(Graph(), "rdfxml-ish")


def test_malformed_input_is_an_interchange_error() -> None:
    with pytest.raises(InterchangeError, match="cannot read"):
        parse("<a> <b> .", "turtle")


# ---------------------------------------------------------------------------- SHACL


def _validate(graph: Graph) -> tuple[bool, Graph]:
    from pyshacl import validate

    shapes = Graph().parse(data=(DATA / "shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    conforms, report, _ = validate(graph, shacl_graph=shapes, inference="none")
    return conforms, report


def test_demo_export_conforms_to_the_shapes(demo_store: SqliteStore) -> None:
    # Every demo organisation has a country; if one lacked it, that is a sh:Warning (see
    # shapes.ttl), which pyshacl also reports as non-conforming.
    assert "unknown" not in demo_store.counts().organisations_by_country
    conforms, report = _validate(to_rdf(demo_store))
    assert conforms, report.serialize(format="turtle")


def test_shapes_flag_missing_country_as_warning_and_missing_provenance(
    demo_store: SqliteStore,
) -> None:
    from rdflib.namespace import RDF

    SH = "http://www.w3.org/ns/shacl#"
    graph = to_rdf(demo_store)
    graph.add((node_uri("org:xx:nowhere"), RDF.type, MVKG.Organisation))
    graph.add((node_uri("org:xx:nowhere"), URIRef("https://schema.org/name"), _lit("Nowhere")))
    bare = node_uri("rel:no-provenance")
    graph.add((bare, RDF.type, MVKG.Relation))
    graph.add((bare, MVKG.source, node_uri("org:xx:nowhere")))
    graph.add((bare, MVKG.target, node_uri("org:xx:nowhere")))
    graph.add((bare, MVKG.relationType, _lit("COLLABORATES_WITH")))
    conforms, report = _validate(graph)
    assert not conforms
    results = {
        (
            str(report.value(r, URIRef(SH + "focusNode"))),
            str(report.value(r, URIRef(SH + "resultSeverity"))),
        )
        for r in report.subjects(URIRef(SH + "focusNode"), None)
    }
    assert results == {
        (str(node_uri("org:xx:nowhere")), SH + "Warning"),
        (str(bare), SH + "Violation"),
    }


def _lit(text: str) -> Literal:
    return Literal(text)


# ---------------------------------------------------------------------------- SPARQL


def _small_graph() -> tuple[list[Node], list[Relation]]:
    novo = Organisation("Novo Nordisk", kind=OrgKind.COMPANY, country="DK")
    lund = Organisation("Lund University", kind=OrgKind.UNIVERSITY, country="SE")
    ku = Organisation("University of Copenhagen", kind=OrgKind.UNIVERSITY, country="DK")
    diabetes, oncology = Topic("Diabetes"), Topic("Oncology")
    press = Document(
        url="https://example.org/press/1", title="Novo and Lund team up", published="2024-03-01"
    )
    news = Document(url="https://example.org/news/2", title="Diabetes alliance grows")
    registry = Document(url="https://example.org/registry", title="Grant registry")

    def ev(doc: Document, text: str, date: str | None = None, confidence: float = 0.9) -> Evidence:
        return Evidence(
            source=doc.id,
            text=text,
            date=date,
            confidence=confidence,
            extractor="nlp-rel",
            extractor_version="2.1",
        )

    relations = [
        Relation(
            RelType.COLLABORATES_WITH,
            novo.id,
            lund.id,
            subtype=CollabType.RESEARCH_COLLABORATION,
            evidence=[
                ev(
                    press,
                    "Novo Nordisk and Lund University start a diabetes programme.",
                    "2024-03-01",
                ),
                ev(news, "Lund and Novo expand their alliance.", "2024-06", 0.7),
            ],
        ),
        Relation(
            RelType.COLLABORATES_WITH,
            novo.id,
            ku.id,
            subtype=CollabType.FUNDING,
            start="2020",
            evidence=[ev(registry, "Grant 17 from Novo Nordisk to KU.", "2020", 1.0)],
        ),
        *(
            Relation(
                RelType.ACTIVE_IN,
                org.id,
                topic.id,
                evidence=[ev(registry, f"{org.name}: {topic.name}")],
            )
            for org, topic in ((novo, diabetes), (lund, diabetes), (ku, diabetes), (lund, oncology))
        ),
    ]
    return [novo, lund, ku, diabetes, oncology, press, news, registry], relations


@pytest.fixture
def small_rdf() -> Graph:
    nodes, relations = _small_graph()
    return graph_from(nodes, relations)


def _rows(result: dict[str, Any]) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]


def test_query_cross_border_collaborations(small_rdf: Graph) -> None:
    rows = _rows(run_sparql(small_rdf, _query("cross_border_collaborations")))
    found = sorted((r["a"], r["b"], r["subtype"], r["title"], r["date"]) for r in rows)
    assert found == [
        (
            "Novo Nordisk",
            "Lund University",
            "research_collaboration",
            "Diabetes alliance grows",
            "2024-06",
        ),
        (
            "Novo Nordisk",
            "Lund University",
            "research_collaboration",
            "Novo and Lund team up",
            "2024-03-01",
        ),
    ]
    assert {(r["aCountry"], r["bCountry"]) for r in rows} == {("DK", "SE")}


def test_query_organisations_per_topic_and_country(small_rdf: Graph) -> None:
    rows = _rows(run_sparql(small_rdf, _query("organisations_per_topic_country")))
    assert [(r["topic"], r["country"], int(r["organisations"])) for r in rows] == [
        ("Diabetes", "DK", 2),
        ("Diabetes", "SE", 1),
        ("Oncology", "SE", 1),
    ]


def test_query_documents_behind_one_link(small_rdf: Graph) -> None:
    rows = _rows(run_sparql(small_rdf, _query("documents_behind_link")))
    assert sorted((r["title"], r["extractor"], float(r["confidence"])) for r in rows) == [
        ("Diabetes alliance grows", "nlp-rel", 0.7),
        ("Novo and Lund team up", "nlp-rel", 0.9),
    ]
    assert {r["type"] for r in rows} == {"COLLABORATES_WITH"}


def test_every_relation_node_has_provenance(small_rdf: Graph) -> None:
    for rel in small_rdf.subjects(None, MVKG.Relation):
        evidence = list(small_rdf.objects(rel, MVKG.evidence))
        assert evidence and all(small_rdf.value(e, PROV.wasDerivedFrom) for e in evidence)


def test_turtle_writer_round_trips_awkward_terms() -> None:
    from rdflib import BNode

    graph = Graph()
    subject = URIRef("https://mvkg.example.org/id/doc:a%2Fb")
    awkward = [
        Literal('quote " and \\ backslash\nnew line\ttab'),
        Literal("Malmö", lang="sv"),
        Literal("2024", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
        Literal(True),
        URIRef("https://example.org/x?y=1&z=<2>".replace("<", "%3C").replace(">", "%3E")),
        BNode("b1"),
    ]
    for value in awkward:
        graph.add((subject, MVKG.note, value))
    graph.add((BNode("b1"), MVKG.note, Literal("inside")))
    assert isomorphic(parse(serialize(graph, "turtle"), "turtle"), graph)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_streamed_export_equals_the_graph_export(demo_store: SqliteStore, fmt: str) -> None:
    import io

    from graph.interchange.rdf import write_rdf

    out = io.StringIO()
    flt = GraphFilter.of(countries=["SE", "DK"])
    write_rdf(demo_store, out, fmt, flt, batch_size=7)
    assert isomorphic(parse(out.getvalue(), fmt), to_rdf(demo_store, flt))
