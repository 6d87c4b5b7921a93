"""News through the whole system: loader, extraction, graph; and `mvkg extract` as a user
runs it. Real spaCy, real stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.services import build_demo, news_transform
from graph.model import Document, Organisation
from graph.store import GraphFilter, GraphStore
from ingest.pipeline import ingest_paths
from ingest.report import IngestReport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news"
EXAMPLE = (
    "Novo Nordisk and Lund University have entered into a research collaboration on type 2 "
    "diabetes. Camurus AB, based in Lund, signed a licensing agreement with Genmab A/S. CEO Lars "
    "Fruergaard Jørgensen said the partnerships strengthen the Medicon Valley cluster."
)
runner = CliRunner()


def ingest_news(store: GraphStore, *paths: Path) -> IngestReport:
    # The gazetteer comes from the graph: seed it with two organisations the text names.
    store.upsert_nodes(
        [
            Organisation(
                name="Novo Nordisk A/S", country="DK", kind="company", aliases=("Novo Nordisk",)
            ),
            Organisation(name="Lund University", country="SE", kind="university"),
        ]
    )
    return ingest_paths(
        source="news", paths=list(paths), store=store, transform=news_transform(store)
    )


def test_the_same_article_twice_is_one_document_and_no_new_relation(
    sqlite_store: GraphStore, tmp_path: Path
) -> None:
    article = tmp_path / "article.jsonl"
    article.write_text(
        json.dumps({"url": "https://example.org/a", "title": "Deal", "text": EXAMPLE}) + "\n",
        encoding="utf-8",
    )
    copy = tmp_path / "copy.jsonl"
    copy.write_text(
        json.dumps({"url": "https://example.org/a?utm=x", "title": "Deal", "text": EXAMPLE}) + "\n",
        encoding="utf-8",
    )
    ingest_news(sqlite_store, article)
    first = sqlite_store.counts().to_dict()
    ingest_news(sqlite_store, article, copy)
    assert sqlite_store.counts().to_dict() == first
    assert first["nodes"]["Document"] == 1
    edges = sqlite_store.projection(GraphFilter.of(relation_types=["COLLABORATES_WITH"])).edges
    assert {e.subtype for e in edges} == {"research_collaboration", "licensing"}
    assert all(e.corroboration == 1 for e in edges)


def test_collaborations_carry_the_sentence_and_the_document(
    sqlite_store: GraphStore, tmp_path: Path
) -> None:
    article = tmp_path / "a.jsonl"
    article.write_text(
        json.dumps({"url": "https://example.org/b", "published": "2024-03-01", "text": EXAMPLE})
        + "\n",
        encoding="utf-8",
    )
    ingest_news(sqlite_store, article)
    graph = sqlite_store.projection(GraphFilter.of(relation_types=["COLLABORATES_WITH"]))
    (licence,) = [e for e in graph.edges if e.subtype == "licensing"]
    relation = sqlite_store.get_relation(licence.id)
    assert relation is not None
    (evidence,) = relation.evidence
    assert evidence.text and "licensing agreement" in evidence.text
    assert evidence.extractor == "mvkg-nlp" and evidence.date == "2024-03-01"
    doc = sqlite_store.get_node(evidence.source)
    assert isinstance(doc, Document) and doc.url == "https://example.org/b"
    names = {graph.nodes[licence.source].name, graph.nodes[licence.target].name}
    assert names == {"Camurus AB", "Genmab A/S"}
    people = sqlite_store.projection(GraphFilter.of(labels=["Person"])).nodes
    assert [p.name for p in people.values()] == ["Lars Fruergaard Jørgensen"]


def test_broken_inputs_never_stop_the_batch(sqlite_store: GraphStore) -> None:
    report = ingest_news(sqlite_store, FIXTURES)
    assert report.accepted >= 10
    assert report.rejected >= 3  # bad XML, the entity bomb, the empty text…
    reasons = " ".join(r.reason for r in report.rejects)
    assert "DOCTYPE" in reasons or "ENTITY" in reasons


@pytest.mark.neo4j
def test_news_on_neo4j(neo4j_store: GraphStore, tmp_path: Path) -> None:
    article = tmp_path / "a.jsonl"
    article.write_text(
        json.dumps({"url": "https://example.org/c", "text": EXAMPLE}) + "\n", encoding="utf-8"
    )
    ingest_news(neo4j_store, article)
    ingest_news(neo4j_store, article)
    counts = neo4j_store.counts().to_dict()
    assert counts["nodes"]["Document"] == 1
    assert counts["relations"]["COLLABORATES_WITH"] == 2


def test_demo_builds_collaborations_from_its_news(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    reports, counts = build_demo(store_url=url)
    news = next(r for r in reports if r.source == "news")
    assert news.accepted == 15 and news.rejected == 0
    from graph.store import open_store

    with open_store(url) as store:
        graph = store.projection(GraphFilter.of(relation_types=["COLLABORATES_WITH"]))
        from_news = [
            e
            for e in graph.edges
            if any(s.startswith("doc:") and s != "doc:mvkg-demo-dataset" for s in e.sources)
        ]
        assert len(from_news) >= 8
        deal = [
            e
            for e in from_news
            if e.subtype == "acquisition" and graph.nodes[e.source].name == "Genmab"
        ]
        assert deal and graph.nodes[deal[0].target].name == "ProfoundBio"
    assert counts["nodes"]["Person"] >= 5


def test_extract_command_follows_the_contract(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"id": "ex", "text": EXAMPLE}),
                "{not json",
                json.dumps({"id": "empty", "text": ""}),
                json.dumps({"id": "fr", "text": "La société française Servier rachète Symphogen."}),
                json.dumps({"id": "huge", "text": "Genmab A/S. " * 200_000}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line.get("id") for line in lines] == ["ex", None, "empty", "fr", "huge"]
    example = lines[0]
    assert set(example) == {"id", "language", "orgs", "persons", "places", "relations"}
    assert {o["text"] for o in example["orgs"]} >= {
        "Novo Nordisk",
        "Lund University",
        "Camurus AB",
        "Genmab A/S",
    }
    assert all(EXAMPLE[o["start"] : o["end"]] == o["text"] for o in example["orgs"])
    assert {(r["a"], r["b"], r["type"]) for r in example["relations"]} >= {
        ("Camurus AB", "Genmab A/S", "licensing")
    }
    assert [(p["text"], p["role"]) for p in example["persons"]] == [
        ("Lars Fruergaard Jørgensen", "CEO")
    ]
    assert "Lund" in {p["text"] for p in example["places"]}
    assert "error" in lines[1] and "line 2" in lines[1]["error"]
    assert lines[2]["orgs"] == [] and lines[2]["relations"] == []
    assert "orgs" in lines[3]
    assert ("error" in lines[4] and "1,000,000" in lines[4]["error"]) or "limit" in lines[4][
        "error"
    ]
