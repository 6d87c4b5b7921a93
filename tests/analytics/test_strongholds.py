"""Common strongholds on a graph small enough to work out by hand, on both stores.

Organisations and their topics (d4 has none, so it is not in the specialisation base):

    DK: d1 (oncology, diabetes), d2 (oncology), d3 (diabetes), d4 (-)
    SE: s1 (oncology), s2 (oncology, neuro), s3 (diabetes)
    US: u1 (oncology)

Links:

    d1 -- d2  partnership             2019-05-01   oncology, inside DK
    d1 -- s1  research collaboration  2020-03-01   oncology, across
    s1 -- s2  partnership             2021-04-01   oncology, inside SE
    d2 -- s2  project P (topic neuro) 2021-01..12  oncology (both ends) and neuro (project)
    d3 -- s3  partnership             2022-06-01   diabetes, across
    d1 -- u1  partnership             2020-09-01   oncology, but touches neither side pair
    d4 -- s3  partnership             2022-01-01   no topic (d4 has none)

Seven organisations have topics: three on each side and u1.
"""

from __future__ import annotations

import math

import pytest

from graph.analytics.links import LinkGraph
from graph.analytics.strongholds import strongholds
from graph.errors import ValidationError
from graph.model import Evidence, Organisation, Project, Relation
from graph.store import GraphStore


def _ev(text: str, date: str | None) -> Evidence:
    return Evidence(
        source="doc:test", text=text, date=date, extractor="test", extractor_version="1"
    )


def _collab(a: Organisation, b: Organisation, subtype: str, date: str) -> Relation:
    return Relation(
        type="COLLABORATES_WITH",
        source=a.id,
        target=b.id,
        subtype=subtype,
        evidence=[_ev(f"{a.name} and {b.name} work together", date)],
    )


def _takes_part(org: Organisation, project: Project) -> Relation:
    return Relation(
        type="PARTICIPATES_IN",
        source=org.id,
        target=project.id,
        evidence=[_ev(f"{org.name} takes part in {project.name}", None)],
    )


@pytest.fixture
def links(store: GraphStore) -> LinkGraph:
    def org(name: str, country: str, *topics: str) -> Organisation:
        return Organisation(name=name, kind="company", country=country, topics=topics)

    d1 = org("D1 A/S", "DK", "oncology", "diabetes")
    d2 = org("D2 A/S", "DK", "oncology")
    d3 = org("D3 A/S", "DK", "diabetes")
    d4 = org("D4 A/S", "DK")
    s1 = org("S1 AB", "SE", "oncology")
    s2 = org("S2 AB", "SE", "oncology", "neuro")
    s3 = org("S3 AB", "SE", "diabetes")
    u1 = org("U1 Inc", "US", "oncology")
    project = Project(
        name="Project P", kind="eu_project", start="2021-01", end="2021-12", topics=("neuro",)
    )
    store.upsert_nodes([d1, d2, d3, d4, s1, s2, s3, u1, project])
    store.upsert_relations(
        [
            _collab(d1, d2, "partnership", "2019-05-01"),
            _collab(d1, s1, "research_collaboration", "2020-03-01"),
            _collab(s1, s2, "partnership", "2021-04-01"),
            _takes_part(d2, project),
            _takes_part(s2, project),
            _collab(d3, s3, "partnership", "2022-06-01"),
            _collab(d1, u1, "partnership", "2020-09-01"),
            _collab(d4, s3, "partnership", "2022-01-01"),
        ]
    )
    return LinkGraph.from_store(store)


def test_strongholds_by_hand(links: LinkGraph) -> None:
    result = strongholds(links)
    assert result.sides == ["DK", "SE"]
    assert (result.organisations_a, result.organisations_b) == (3, 3)
    assert result.organisations_with_topics == 7
    assert result.topics_total == 3 and result.common_strongholds == 1
    assert [t.topic for t in result.topics] == ["oncology", "diabetes", "neuro"]

    oncology, diabetes, neuro = result.topics
    # Oncology: d1 d2 | s1 s2 | and u1: 5 of 7. LQ on each side (2/3) / (5/7) = 0.9333.
    assert (oncology.organisations_a, oncology.organisations_b) == (2, 2)
    assert oncology.organisations_total == 5
    assert oncology.specialisation_a == oncology.specialisation_b == pytest.approx(0.9333)
    # Inside DK d1-d2, inside SE s1-s2, across d1-s1 and d2-s2 (both ends in oncology);
    # d1-u1 is oncology too but does not lie between or inside the two sides.
    assert (oncology.links_within_a, oncology.links_within_b, oncology.links_across) == (1, 1, 2)
    assert oncology.organisations_tied_across == 4  # d1 s1 d2 s2
    assert oncology.strong_on_both_sides and oncology.tied_across and oncology.common_stronghold
    # sqrt(2 * 2) * log2(2 + 2) = 2 * 2
    assert oncology.score == pytest.approx(4.0)
    # 2019: d1-d2 new (active d1 d2); 2020: d1-s1 new and across (d1 s1);
    # 2021: s1-s2 and d2-s2 new, d2-s2 across (active s1 s2 d2).
    assert [
        (y.year, y.new_links, y.new_cross_links, y.organisations_active) for y in oncology.growth
    ] == [(2019, 1, 0, 2), (2020, 1, 1, 2), (2021, 2, 1, 3)]

    # Diabetes: d1 d3 | s3: strong in DK only, tied across by d3-s3, so not common.
    assert (diabetes.organisations_a, diabetes.organisations_b, diabetes.links_across) == (2, 1, 1)
    assert diabetes.specialisation_a == pytest.approx(round((2 / 3) / (3 / 7), 4))  # 1.5556
    assert diabetes.specialisation_b == pytest.approx(round((1 / 3) / (3 / 7), 4))  # 0.7778
    assert diabetes.tied_across and not diabetes.strong_on_both_sides
    assert not diabetes.common_stronghold
    assert diabetes.score == pytest.approx(round(math.sqrt(2) * math.log2(3), 4))  # 2.2416

    # Neuro: only s2 is active in it, but project P (topic neuro) ties d2 and s2 across.
    assert (neuro.organisations_a, neuro.organisations_b, neuro.links_across) == (0, 1, 1)
    assert neuro.specialisation_a == 0.0
    assert neuro.specialisation_b == pytest.approx(round((1 / 3) / (1 / 7), 4))  # 2.3333
    assert neuro.score == 0.0


def test_strongholds_threshold_sides_and_limit(links: LinkGraph) -> None:
    # With one organisation per side enough, diabetes becomes a common stronghold too.
    loose = strongholds(links, min_organisations=1)
    assert [(t.topic, t.common_stronghold) for t in loose.topics] == [
        ("oncology", True),
        ("diabetes", True),
        ("neuro", False),
    ]
    # Swapped sides swap the per-side columns.
    swapped = strongholds(links, sides=("SE", "DK"))
    diabetes = next(t for t in swapped.topics if t.topic == "diabetes")
    assert (diabetes.organisations_a, diabetes.organisations_b) == (1, 2)
    # The limit cuts the list, not the totals.
    first = strongholds(links, limit=1)
    assert [t.topic for t in first.topics] == ["oncology"] and first.topics_total == 3


def test_strongholds_rejects_bad_parameters(links: LinkGraph) -> None:
    with pytest.raises(ValidationError, match="two different groups"):
        strongholds(links, sides=("DK", "DK"))
    with pytest.raises(ValidationError, match="sides must be two groups"):
        strongholds(links, sides=("DK",))
    with pytest.raises(ValidationError, match="say which two groups"):
        strongholds(links, grouping="kind")
    with pytest.raises(ValidationError, match="unknown grouping"):
        strongholds(links, grouping="planet")
    with pytest.raises(ValidationError, match="min_organisations"):
        strongholds(links, min_organisations=0)
    with pytest.raises(ValidationError, match="limit"):
        strongholds(links, limit=0)
