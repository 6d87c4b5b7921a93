"""The bundled demo: real organisations of both sides, loads without rejects, idempotent on both
stores, and free of contact details."""

from __future__ import annotations

import re
from collections import Counter

from graph.model import Document, Organisation
from graph.store import GraphFilter, GraphStore
from ingest.demo import DEMO_FILES, demo_data_dir, load_demo, read_demo

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+\d{2}\s?)?\(?\d{2,4}\)?[\s-]\d{2,4}[\s-]\d{2,4}(?:[\s-]\d{2,4})?")


def test_demo_reads_without_rejects_and_covers_both_sides() -> None:
    demo = read_demo(demo_data_dir())
    assert demo.report.rejected == 0, demo.report.rejects
    orgs = [n for n in demo.nodes if isinstance(n, Organisation)]
    assert 60 <= len(orgs) <= 150
    countries = Counter(o.country for o in orgs)
    assert countries["DK"] >= 30 and countries["SE"] >= 30
    kinds = {o.kind.value for o in orgs}
    assert {"university", "hospital", "company", "investor", "foundation", "cluster_org"} <= kinds
    placed = [o for o in orgs if o.country in ("DK", "SE") and o.city and o.lat and o.lon]
    assert len(placed) >= 0.9 * (countries["DK"] + countries["SE"])
    by_id = {o.id: o for o in orgs}
    cross_border = [
        r
        for r in demo.relations
        if r.type == "COLLABORATES_WITH"
        and {by_id[r.source].country, by_id[r.target].country} == {"DK", "SE"}
    ]
    assert len(cross_border) >= 10


def test_news_items_are_marked_illustrative_and_in_three_languages() -> None:
    from ingest.news import load_news
    from ingest.report import IngestReport

    report = IngestReport(source="news")
    extracts = list(load_news(demo_data_dir() / "news.jsonl", report))
    assert report.rejected == 0
    docs = [n for e in extracts for n in e.nodes if isinstance(n, Document)]
    assert len(docs) >= 12
    assert {d.language for d in docs} == {"en", "da", "sv"}
    for doc in docs:
        assert doc.illustrative
        assert doc.url and doc.url.startswith("https://example.org/mvkg-demo/")


def test_demo_files_hold_no_contact_details() -> None:
    for name in DEMO_FILES:
        text = (demo_data_dir() / name).read_text(encoding="utf-8")
        assert not EMAIL.search(text), name
        without_dates = re.sub(r"\d{4}-\d{2}-\d{2}|\d+\.\d+", " ", text)
        assert not PHONE.search(without_dates), (name, PHONE.search(without_dates))


def test_loading_the_demo_twice_changes_nothing(store: GraphStore) -> None:
    first = load_demo(store=store)
    counts = store.counts().to_dict()
    second = load_demo(store=store)
    assert store.counts().to_dict() == counts
    assert first.rejected == second.rejected == 0
    org_rows = (demo_data_dir() / "organisations.csv").read_text(encoding="utf-8").count("\n") - 1
    assert counts["nodes"]["Organisation"] == org_rows
    # The demo's cross-border ties are there with their evidence.
    region = store.projection(
        GraphFilter.of(
            labels=["Organisation"], countries=["DK", "SE"], relation_types=["COLLABORATES_WITH"]
        )
    )
    dk_se = [
        e
        for e in region.edges
        if {region.nodes[e.source].country, region.nodes[e.target].country} == {"DK", "SE"}
    ]  # type: ignore[union-attr]
    assert dk_se
    relation = store.get_relation(dk_se[0].id)
    assert relation is not None and relation.evidence[0].text
