"""The registry samples through the whole ingest: counts, resolution across sources,
idempotence, on the embedded store (and the key parts on Neo4j)."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from graph.analytics.border import border_matrix, cross_border_links
from graph.analytics.links import LinkGraph
from graph.model import Organisation
from graph.store import GraphFilter, GraphStore
from ingest.pipeline import ingest_paths

SAMPLES = {
    "ror": [SHARED_DATA / "ror" / "v1", SHARED_DATA / "ror" / "v2"],
    "ctgov": [SHARED_DATA / "clinicaltrials_gov" / "legacy_xml"],
    "cordis": [SHARED_DATA / "cordis_derived"],
    "gleif": [SHARED_DATA / "gleif"],
    "cvr": [SHARED_DATA / "cvr"],
    "openalex": [SHARED_DATA / "openalex"],
    "interreg": [SHARED_DATA / "interreg"],
    "eufunds": [SHARED_DATA / "eu_structural_funds"],
}
DERIVED = SHARED_DATA / "cordis_derived" / "eunets_h2020_participations_dk_se_projects.csv"


def load(store: GraphStore, *sources: str) -> dict[str, int]:
    rejected = {}
    for source in sources:
        report = ingest_paths(source=source, paths=SAMPLES[source], store=store)
        rejected[source] = report.rejected
    return rejected


def test_every_sample_twice_leaves_the_graph_unchanged(sqlite_store: GraphStore) -> None:
    first_rejects = load(sqlite_store, *SAMPLES)
    counts = sqlite_store.counts().to_dict()
    merges = len(sqlite_store.merges())
    second_rejects = load(sqlite_store, *SAMPLES)
    assert sqlite_store.counts().to_dict() == counts
    assert len(sqlite_store.merges()) == merges
    assert first_rejects == second_rejects
    assert first_rejects["interreg"] == 17 and sum(first_rejects.values()) == 17
    assert counts["nodes"]["Organisation"] > 9_000


def test_one_organisation_from_three_sources_is_one_node(sqlite_store: GraphStore) -> None:
    load(sqlite_store, "ror", "ctgov", "eufunds")
    sdu = sqlite_store.get_node("org:ror:03yrrjy16")  # University of Southern Denmark
    assert isinstance(sdu, Organisation)
    assert sdu.identifiers["ror"] == "03yrrjy16" and sdu.identifiers["cvr"] == "29283958"
    assert {"ror", "ctgov", "eufunds"} <= set(sdu.sources)
    hits = sqlite_store.search("Syddansk Universitet", labels=["Organisation"])
    assert [h.node.id for h in hits][:1] == ["org:ror:03yrrjy16"]
    sus = sqlite_store.get_node("org:ror:02z31g829")  # Skåne University Hospital, ROR and trials
    assert isinstance(sus, Organisation) and {"ror", "ctgov"} <= set(sus.sources)
    assert sus.region == "Skåne"
    rules = {m.rule for m in sqlite_store.merges()}
    assert {"name_country", "name_only"} <= rules


def _pairs_from_csv() -> tuple[set[str], set[str], set[frozenset[str]]]:
    """Projects, PICs and DK-SE PIC pairs sharing a project, counted straight from the CSV."""
    members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    pics: set[str] = set()
    with DERIVED.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            pics.add(row["pic"])
            members[row["rcn"]][row["country"]].add(row["pic"])
    pairs = {
        frozenset((dk, se))
        for by_country in members.values()
        for dk, se in itertools.product(by_country.get("DK", ()), by_country.get("SE", ()))
        if dk != se
    }
    return set(members), pics, pairs


def _pairs_from_store(store: GraphStore) -> set[frozenset[str]]:
    graph = store.projection(GraphFilter.of(relation_types=["PARTICIPATES_IN"]))
    members: dict[str, list[Organisation]] = defaultdict(list)
    for edge in graph.edges:
        org = graph.nodes[edge.source]
        assert isinstance(org, Organisation)
        members[edge.target].append(org)
    return {
        frozenset((a.identifiers["pic"], b.identifiers["pic"]))
        for orgs in members.values()
        for a, b in itertools.product(orgs, orgs)
        if a.country == "DK" and b.country == "SE" and a.id != b.id
    }


@pytest.mark.parametrize("which", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_h2020_participations(which: str, request: pytest.FixtureRequest) -> None:
    store: GraphStore = request.getfixturevalue(f"{which}_store")
    projects, pics, pairs = _pairs_from_csv()
    assert (len(projects), len(pics)) == (590, 5_353)
    report = ingest_paths(source="cordis", paths=SAMPLES["cordis"], store=store)
    assert report.rejected == 0 and report.read == 13_764
    counts = store.counts()
    assert counts.nodes["Project"] == 590 and counts.nodes["Organisation"] == 5_353
    assert _pairs_from_store(store) == pairs
    assert len(pairs) == 1_036
    # The analytics count the same DK-SE links as the independent count from the CSV.
    links = LinkGraph.from_store(store)
    matrix = {(p.a, p.b): p for p in border_matrix(links).pairs}
    assert matrix[("DK", "SE")].links == 1_036
    listed = cross_border_links(links, None, limit=1_000, offset=1_000)
    assert listed.total == 1_036 and len(listed.links) == 36


@pytest.mark.neo4j
def test_ror_sample_on_neo4j_matches_sqlite(
    neo4j_store: GraphStore, sqlite_store: GraphStore
) -> None:
    for store in (neo4j_store, sqlite_store):
        load(store, "ror", "interreg")
        load(store, "ror")
    assert neo4j_store.counts().to_dict() == sqlite_store.counts().to_dict()
    assert {m.id for m in neo4j_store.merges()} == {m.id for m in sqlite_store.merges()}


def test_broken_inputs_are_rejected_with_where_and_why(
    sqlite_store: GraphStore, tmp_path: Path
) -> None:
    import json

    header = '"projectID";"organisationID";"name";"country";"role";"activityType"\n'
    good = tmp_path / "organization.csv"
    good.write_text(
        header
        + '"101000001";"999999991";"Lunds universitet";"SE";"coordinator";"HES"\n'
        + '"101000001";"999999992";"Atlantis Bio";"Atlantis";"participant";"PRC"\n'
        + '"101000001";"999999993";"Koebenhavns Universitet";"DK";"participant";"HES"\n',
        encoding="utf-8",
    )
    latin1 = tmp_path / "latin1" / "organization.csv"
    latin1.parent.mkdir()
    latin1.write_bytes(
        (header + '"101000002";"999999994";"K\xf8ge Kommune";"DK";"participant";"PUB"\n').encode(
            "latin-1"
        )
    )
    rejects = tmp_path / "rejects.jsonl"
    report = ingest_paths(
        source="cordis", paths=[good, latin1], store=sqlite_store, rejects_file=rejects
    )
    lines = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert report.rejected == len(lines) == 2
    assert lines[0]["where"] == "organization.csv line 3" and "Atlantis" in lines[0]["reason"]
    assert "organization.csv" in lines[1]["where"] and "UTF-8" in lines[1]["reason"]
    assert {
        n.name
        for n in sqlite_store.projection(GraphFilter.of(labels=["Organisation"])).nodes.values()
    } == {"Lunds universitet", "Koebenhavns Universitet"}


def test_registry_texts_get_topics_from_the_vocabulary(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from graph.store import open_store

    url = f"sqlite:///{tmp_path}/g.db"
    result = CliRunner().invoke(app, ["ingest", "ctgov", str(SAMPLES["ctgov"][0]), "--store", url])
    assert result.exit_code == 0, result.output
    with open_store(url) as store:
        graph = store.projection(GraphFilter.of(relation_types=["ACTIVE_IN"]))
        by_topic = {
            graph.nodes[e.target].id
            for e in graph.edges
            if graph.nodes[e.source].label == "Organisation"
        }
        assert {"topic:oncology", "topic:cardiovascular"} <= by_topic
        sus = [
            e
            for e in graph.edges
            if e.source == "org:ror:02z31g829" or graph.nodes[e.source].name.startswith("Skåne")
        ]
        assert all(e.sources and e.sources[0].startswith("ctgov:NCT") for e in sus)
