"""The store contract: one test body, run against every store (SQLite and a real Neo4j)."""

from __future__ import annotations

import pytest

from graph.errors import DanglingRelationError, ValidationError
from graph.model import (
    Document,
    Evidence,
    Organisation,
    Person,
    Project,
    Relation,
    RelType,
    Topic,
)
from graph.store import GraphFilter, GraphStore

NASTY_NAMES = [
    "Quote \"double\" and 'single' A/S",
    "Back\\slash \\n \\\\ AB",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE nodes; --",
    "x'}) MATCH (n) DETACH DELETE n //",
    "Unicode: Københavns Ærø Malmö Ω 東京 🧬",
    "Z" * 10_000,
]


def ev(
    source: str, text: str = "", *, date: str | None = "2024-03-01", confidence: float = 0.8
) -> Evidence:
    return Evidence(
        source=source,
        text=text or f"evidence from {source}",
        date=date,
        confidence=confidence,
        extractor="test",
        extractor_version="1",
    )


@pytest.fixture
def orgs() -> dict[str, Organisation]:
    return {
        "ku": Organisation(
            name="Københavns Universitet",
            kind="university",
            country="DK",
            city="Copenhagen",
            aliases=("University of Copenhagen", "UCPH"),
            identifiers={"ror": "035b05819"},
            topics=("diabetes",),
        ),
        "lu": Organisation(
            name="Lund University",
            kind="university",
            country="SE",
            city="Lund",
            aliases=("Lunds universitet",),
            identifiers={"ror": "012a77v79"},
        ),
        "novo": Organisation(
            name="Novo Nordisk A/S", kind="company", country="DK", city="Bagsværd"
        ),
        "camurus": Organisation(name="Camurus AB", kind="company", country="SE", city="Lund"),
        "fund": Organisation(name="Novo Nordisk Foundation", kind="foundation", country="DK"),
        "us": Organisation(name="Pfizer Inc", kind="company", country="US"),
    }


def collab(a: Organisation, b: Organisation, subtype: str, *evidence: Evidence) -> Relation:
    return Relation(
        type="COLLABORATES_WITH",
        source=a.id,
        target=b.id,
        subtype=subtype,
        evidence=list(evidence) or [ev("doc:a")],
    )


@pytest.fixture
def loaded(store: GraphStore, orgs: dict[str, Organisation]) -> GraphStore:
    o = orgs
    project = Project(name="ReproUnion", kind="interreg", start="2016-01-01")
    store.upsert_nodes([*o.values(), project, Topic(name="diabetes")])
    store.upsert_relations(
        [
            collab(
                o["ku"],
                o["lu"],
                "research_collaboration",
                ev("doc:1", date="2019-05-01", confidence=0.9),
            ),
            collab(
                o["novo"], o["camurus"], "licensing", ev("doc:2", date="2023-02-01", confidence=0.7)
            ),
            collab(o["fund"], o["lu"], "funding", ev("doc:3", date="2021-01-01", confidence=0.4)),
            collab(o["us"], o["novo"], "partnership", ev("doc:4", date=None, confidence=0.95)),
            Relation(
                type="PARTICIPATES_IN",
                source=o["ku"].id,
                target=project.id,
                role="partner",
                evidence=[ev("interreg:1", date="2016-01-01")],
            ),
            Relation(
                type="PARTICIPATES_IN",
                source=o["lu"].id,
                target=project.id,
                role="coordinator",
                evidence=[ev("interreg:1", date="2016-01-01")],
            ),
            Relation(
                type="ACTIVE_IN", source=o["ku"].id, target="topic:diabetes", evidence=[ev("demo")]
            ),
        ]
    )
    return store


# ---------------------------------------------------------------------------- idempotence


def test_upserting_the_same_batch_twice_changes_no_count(
    loaded: GraphStore, orgs: dict[str, Organisation]
) -> None:
    before = loaded.counts().to_dict()
    loaded.upsert_nodes(orgs.values())
    loaded.upsert_relations(
        [
            collab(
                orgs["ku"],
                orgs["lu"],
                "research_collaboration",
                ev("doc:1", date="2019-05-01", confidence=0.9),
            )
        ]
    )
    assert loaded.counts().to_dict() == before
    assert before["nodes"] == {"Organisation": 6, "Project": 1, "Topic": 1}
    assert before["relations"] == {"COLLABORATES_WITH": 4, "PARTICIPATES_IN": 2, "ACTIVE_IN": 1}
    assert before["organisations_by_country"] == {"DK": 3, "SE": 2, "US": 1}


def test_the_same_fact_from_two_sources_is_one_relation_with_two_evidence(
    store: GraphStore, orgs: dict[str, Organisation]
) -> None:
    ku, lu = orgs["ku"], orgs["lu"]
    store.upsert_nodes([ku, lu])
    # Stated once in each direction: an undirected type, so the same fact.
    store.upsert_relations(
        [collab(ku, lu, "research_collaboration", ev("doc:news-1", confidence=0.6))]
    )
    store.upsert_relations(
        [collab(lu, ku, "research_collaboration", ev("ror:record", confidence=0.5))]
    )
    store.upsert_relations(
        [collab(lu, ku, "research_collaboration", ev("ror:record", confidence=0.5))]
    )

    assert store.counts().relations == {"COLLABORATES_WITH": 1}
    (edge,) = store.projection().edges
    relation = store.get_relation(edge.id)
    assert relation is not None
    assert sorted(e.source for e in relation.evidence) == ["doc:news-1", "ror:record"]
    assert relation.corroboration == 2 == edge.corroboration
    assert edge.confidence == pytest.approx(1 - 0.4 * 0.5)
    assert edge.sources == ("doc:news-1", "ror:record")


def test_directed_types_keep_direction(store: GraphStore, orgs: dict[str, Organisation]) -> None:
    store.upsert_nodes([orgs["novo"], orgs["camurus"]])
    store.upsert_relations(
        [
            collab(orgs["novo"], orgs["camurus"], "acquisition", ev("d1")),
            collab(orgs["camurus"], orgs["novo"], "acquisition", ev("d2")),
        ]
    )
    edges = {(e.source, e.target) for e in store.projection().edges}
    assert edges == {(orgs["novo"].id, orgs["camurus"].id), (orgs["camurus"].id, orgs["novo"].id)}
    assert all(e.directed for e in store.projection().edges)


def test_ids_are_stable_and_readable(store: GraphStore, orgs: dict[str, Organisation]) -> None:
    assert orgs["ku"].id == "org:ror:035b05819"
    assert orgs["novo"].id == "org:dk:novo-nordisk"
    assert Organisation(name="NOVO NORDISK", country="DK").id == orgs["novo"].id
    rel = collab(orgs["ku"], orgs["lu"], "partnership", ev("x"))
    assert rel.id == collab(orgs["lu"], orgs["ku"], "partnership", ev("y")).id
    store.upsert_nodes([orgs["ku"]])
    assert store.get_node("org:ror:035b05819") == orgs["ku"]


def test_merging_keeps_first_name_and_unions_aliases_and_identifiers(store: GraphStore) -> None:
    first = Organisation(name="Genmab A/S", country="DK", kind="company", aliases=("Genmab",))
    second = Organisation(
        name="GENMAB", country="DK", city="Copenhagen", identifiers={"cvr": "21023884"}, id=first.id
    )
    store.upsert_nodes([first])
    store.upsert_nodes([second])
    stored = store.get_node(first.id)
    assert isinstance(stored, Organisation)
    assert stored.name == "Genmab A/S"
    assert stored.aliases == ("Genmab", "GENMAB")
    assert stored.city == "Copenhagen"
    assert stored.identifiers == {"cvr": "21023884"}
    store.upsert_nodes([second])
    assert store.get_node(first.id) == stored


def test_version_grows_with_every_write(store: GraphStore, orgs: dict[str, Organisation]) -> None:
    before = store.version()
    store.upsert_nodes([orgs["ku"]])
    assert store.version() > before


# ---------------------------------------------------------------------------- safety


@pytest.mark.parametrize("name", NASTY_NAMES, ids=lambda n: n[:20])
def test_hostile_names_round_trip_unchanged(store: GraphStore, name: str) -> None:
    org = Organisation(name=name, country="DK", aliases=(name[::-1][:200],))
    person = Person(name=name[:300])
    doc = Document(url="https://example.org/x?q=" + name[:100], title=name, text=name)
    store.upsert_nodes([org, person, doc])
    store.upsert_relations(
        [
            Relation(
                type="MENTIONED_IN",
                source=org.id,
                target=doc.id,
                evidence=[ev(doc.id, text=name[:5000])],
            )
        ]
    )
    assert store.get_node(org.id) == org
    assert store.get_node(person.id) == person
    assert store.get_node(doc.id) == doc
    (edge,) = store.projection().edges
    relation = store.get_relation(edge.id)
    assert relation is not None and relation.evidence[0].text == name[:5000]
    store.search(name[:400])  # never a syntax error, whatever the text
    assert store.counts().nodes == {"Document": 1, "Organisation": 1, "Person": 1}


def test_dangling_relations_are_refused_and_nothing_of_the_batch_is_written(
    store: GraphStore, orgs: dict[str, Organisation]
) -> None:
    store.upsert_nodes([orgs["ku"]])
    good = collab(
        orgs["ku"], orgs["ku"].__class__(name="Other", country="SE"), "partnership", ev("d")
    )
    with pytest.raises(DanglingRelationError, match="Upsert the nodes before"):
        store.upsert_relations([good])
    assert store.counts().relations == {}


def test_relation_endpoints_must_have_the_right_labels(
    store: GraphStore, orgs: dict[str, Organisation]
) -> None:
    person = Person(name="Lars Fruergaard Jørgensen")
    store.upsert_nodes([orgs["novo"], person])
    with pytest.raises(ValidationError, match="cannot go from a Organisation"):
        store.upsert_relations(
            [
                Relation(
                    type="HAS_ROLE",
                    source=orgs["novo"].id,
                    target=person.id,
                    role="CEO",
                    evidence=[ev("d")],
                )
            ]
        )


# ---------------------------------------------------------------------------- reads


def test_get_missing_things_returns_none(store: GraphStore) -> None:
    assert store.get_node("org:dk:nothing") is None
    assert store.get_relation("rel:nothing") is None
    assert store.neighbours("org:dk:nothing").nodes == {}
    assert store.get_relations(["rel:nothing"]) == {}


def test_nodes_lists_nodes_of_labels_without_relations(loaded: GraphStore) -> None:
    projected = loaded.projection().nodes
    orgs = loaded.nodes(["Organisation"])
    assert {n.id for n in orgs} == {i for i, n in projected.items() if n.label == "Organisation"}
    assert {n.id for n in loaded.nodes()} == set(projected)
    with pytest.raises(ValidationError, match="labels"):
        loaded.nodes(["Planet"])


def test_get_relations_reads_several_with_their_evidence(loaded: GraphStore) -> None:
    edges = [e for e in loaded.projection().edges if e.type == "COLLABORATES_WITH"][:3]
    found = loaded.get_relations([e.id for e in edges] + ["rel:nothing", edges[0].id])
    assert sorted(found) == sorted(e.id for e in edges)
    assert all(r.evidence and r.id == i for i, r in found.items())


def test_search_folds_diacritics_and_finds_aliases_and_prefixes(loaded: GraphStore) -> None:
    def names(text: str, **kw: object) -> list[str]:
        return [hit.node.name for hit in loaded.search(text, **kw)]  # type: ignore[arg-type]

    assert names("Københavns Universitet")[0] == "Københavns Universitet"
    assert names("kobenhavns")[0] == "Københavns Universitet"
    assert names("Koebenhavns")[0] == "Københavns Universitet"
    assert names("UCPH") == ["Københavns Universitet"]
    assert names("lunds univ") == ["Lund University"]
    assert "Novo Nordisk Foundation" in names("novo")
    assert names("repro", labels=["Project"]) == ["ReproUnion"]
    assert names("repro", labels=["Organisation"]) == []
    assert names("   ") == []


def test_neighbours_within_hops_and_filters(
    loaded: GraphStore, orgs: dict[str, Organisation]
) -> None:
    ku = orgs["ku"].id
    one = loaded.neighbours(ku, hops=1)
    assert set(one.nodes) == {ku, orgs["lu"].id, "project:reprounion", "topic:diabetes"}
    two = loaded.neighbours(ku, hops=2)
    assert orgs["fund"].id in two.nodes
    only_collab = loaded.neighbours(
        ku, hops=2, graph_filter=GraphFilter.of(relation_types=["COLLABORATES_WITH"])
    )
    assert set(only_collab.nodes) == {ku, orgs["lu"].id, orgs["fund"].id}
    assert {e.type for e in only_collab.edges} == {"COLLABORATES_WITH"}
    danish = loaded.neighbours(
        ku, hops=3, graph_filter=GraphFilter.of(countries=["DK"], labels=["Organisation"])
    )
    assert set(danish.nodes) == {ku}
    confident = loaded.neighbours(ku, hops=2, graph_filter=GraphFilter.of(min_confidence=0.5))
    assert orgs["fund"].id not in confident.nodes
    capped = loaded.neighbours(ku, hops=2, limit=2)
    assert len(capped.nodes) == 2
    with pytest.raises(ValidationError):
        loaded.neighbours(ku, hops=9)


def test_projection_filters(loaded: GraphStore, orgs: dict[str, Organisation]) -> None:
    everything = loaded.projection()
    assert len(everything.nodes) == 8 and len(everything.edges) == 7

    orgs_only = loaded.projection(GraphFilter.of(labels=["Organisation"]))
    assert len(orgs_only.nodes) == 6 and {e.type for e in orgs_only.edges} == {"COLLABORATES_WITH"}

    region = loaded.projection(GraphFilter.of(labels=["Organisation"], countries=["DK", "SE"]))
    assert set(region.nodes) == {o.id for k, o in orgs.items() if k != "us"}
    assert len(region.edges) == 3

    companies = loaded.projection(GraphFilter.of(kinds=["company"]))
    assert {n.name for n in companies.nodes.values() if n.label == "Organisation"} == {
        "Novo Nordisk A/S",
        "Camurus AB",
        "Pfizer Inc",
    }

    recent = loaded.projection(
        GraphFilter.of(relation_types=["COLLABORATES_WITH"], since="2021", until="2023-12-31")
    )
    assert {e.subtype for e in recent.edges} == {"licensing", "funding"}

    sure = loaded.projection(
        GraphFilter.of(relation_types=["COLLABORATES_WITH"], min_confidence=0.8)
    )
    assert {e.subtype for e in sure.edges} == {"research_collaboration", "partnership"}

    licensing = loaded.projection(GraphFilter.of(subtypes=["licensing"], labels=["Organisation"]))
    (edge,) = licensing.edges
    assert (edge.source, edge.target, edge.directed) == (orgs["novo"].id, orgs["camurus"].id, True)
    assert edge.first_seen == "2023-02-01"

    with pytest.raises(ValidationError, match="unknown kinds"):
        GraphFilter.of(kinds=["spaceship"])


def test_participation_keeps_its_role(loaded: GraphStore) -> None:
    roles = {
        e.source: e.role
        for e in loaded.projection(GraphFilter.of(relation_types=["PARTICIPATES_IN"])).edges
    }
    assert roles == {"org:ror:035b05819": "partner", "org:ror:012a77v79": "coordinator"}


def test_counts_shape(loaded: GraphStore) -> None:
    counts = loaded.counts().to_dict()
    assert set(counts) == {"nodes", "relations", "organisations_by_country"}
    assert list(counts["organisations_by_country"]) == ["DK", "SE", "US"]


def test_health_queries_the_store(store: GraphStore) -> None:
    health = store.health()
    assert health["store"] == store.kind


def test_clear_empties_the_graph(loaded: GraphStore) -> None:
    loaded.clear()
    assert loaded.counts().nodes == {} and loaded.counts().relations == {}


def test_large_batches_are_split_and_all_written(store: GraphStore) -> None:
    nodes = [Organisation(name=f"Company {i}", country="SE") for i in range(2_500)]
    assert store.upsert_nodes(nodes, batch_size=1_000) == 2_500
    rels = [collab(nodes[i], nodes[i + 1], "supply", ev(f"doc:{i}")) for i in range(2_000)]
    assert store.upsert_relations(rels, batch_size=700) == 2_000
    assert store.counts().relations == {"COLLABORATES_WITH": 2_000}
    assert RelType.COLLABORATES_WITH.value in store.counts().relations


# ---------------------------------------------------------------------------- merges


def test_merges_are_kept_listed_and_undone(store: GraphStore) -> None:
    from graph.codec import node_to_props
    from graph.model import Merge

    canonical = Organisation(name="Lund University", country="SE", identifiers={"ror": "012a77v79"})
    record = Organisation(
        name="Lunds universitet",
        country="SE",
        identifiers={"se_orgnr": "2021003211"},
        sources=("interreg",),
    )
    merged = Organisation(
        name="Lund University",
        country="SE",
        aliases=("Lunds universitet",),
        identifiers={"ror": "012a77v79", "se_orgnr": "2021003211"},
        id=canonical.id,
    )
    store.upsert_nodes([canonical, merged])
    merge = Merge(
        canonical_id=canonical.id,
        merged_id=record.id,
        merged_name=record.name,
        rule="name_country",
        score=1.0,
        sources=("interreg",),
        record="interreg:1",
        snapshot=node_to_props(record),
    )
    assert store.record_merges([merge, merge]) == 2
    store.record_merges([merge])
    (listed,) = store.merges()
    assert (listed.id, listed.rule, listed.sources, listed.undone) == (
        merge.id,
        "name_country",
        ("interreg",),
        False,
    )

    undone = store.undo_merge(merge.id)
    assert undone.undone and store.merges()[0].undone
    assert store.merges(include_undone=False) == []
    split = store.get_node(record.id)
    assert isinstance(split, Organisation) and split.identifiers == {"se_orgnr": "2021003211"}
    back = store.get_node(canonical.id)
    assert isinstance(back, Organisation)
    assert back.identifiers == {"ror": "012a77v79"} and "Lunds universitet" not in back.aliases
    # Recording the same merge again (a re-ingest) does not revive it.
    store.record_merges([merge])
    assert store.merges()[0].undone
    with pytest.raises(LookupError):
        store.undo_merge("merge:nothing")
