"""Cross-border opportunities and their holdout evaluation, worked out by hand, on both stores.

Organisations: a1 (DK; oncology, diabetes), a2 (DK; oncology), b1 (SE; oncology),
b2 (SE; diabetes), and two partners abroad without topics, p1 (DE) and p2 (NO).
Oncology has three organisations (idf 1/ln 5 = 0.621335), diabetes two (1/ln 4 = 0.721348).

Ranking graph:

    a1 -- p1, a1 -- p2, b1 -- p1, b1 -- p2, a2 -- p1, b2 -- p2, a2 -- b1 (already linked)

p1 and p2 have three partners each, so a shared one is worth 1/ln 3 = 0.910239.
"""

from __future__ import annotations

import math

import pytest

from graph.analytics import opportunities as opportunities_module
from graph.analytics.links import LinkGraph
from graph.analytics.opportunities import TOPIC_WEIGHT, evaluate_opportunities, opportunities
from graph.errors import ValidationError
from graph.model import Evidence, Organisation, Relation
from graph.store import GraphStore

ONE_PARTNER = 1 / math.log(3)
ONCOLOGY = 1 / math.log(5)
DIABETES = 1 / math.log(4)


def _org(name: str, country: str, *topics: str) -> Organisation:
    return Organisation(name=name, kind="company", country=country, topics=topics)


A1 = _org("Alpha A/S", "DK", "oncology", "diabetes")
A2 = _org("Aqua A/S", "DK", "oncology")
B1 = _org("Beta AB", "SE", "oncology")
B2 = _org("Bravo AB", "SE", "diabetes")
P1 = _org("Partner One GmbH", "DE")
P2 = _org("Partner Two AS", "NO")


def _collab(a: Organisation, b: Organisation, *dates: str | None) -> Relation:
    return Relation(
        type="COLLABORATES_WITH",
        source=a.id,
        target=b.id,
        subtype="partnership",
        evidence=[
            Evidence(
                source=f"doc:{i}",
                text=f"{a.name} and {b.name} work together",
                date=date,
                extractor="test",
                extractor_version="1",
            )
            for i, date in enumerate(dates or (None,))
        ],
    )


def _graph(store: GraphStore, relations: list[Relation]) -> LinkGraph:
    store.upsert_nodes([A1, A2, B1, B2, P1, P2])
    store.upsert_relations(relations)
    return LinkGraph.from_store(store)


@pytest.fixture
def links(store: GraphStore) -> LinkGraph:
    return _graph(
        store,
        [
            _collab(A1, P1),
            _collab(A1, P2),
            _collab(B1, P1),
            _collab(B1, P2),
            _collab(A2, P1),
            _collab(B2, P2),
            _collab(A2, B1),
        ],
    )


def test_pair_with_two_shared_partners_ranks_first(links: LinkGraph) -> None:
    result = opportunities(links)
    assert result.sides == ["DK", "SE"]
    pairs = [(o.a.id, o.b.id) for o in result.opportunities]
    # a1-b1: partners p1 and p2, topic oncology. a1-b2: partner p2, topic diabetes.
    # a2-b2 share nothing (no candidate); a2-b1 are linked already.
    assert pairs == [(A1.id, B1.id), (A1.id, B2.id)]
    assert result.candidate_pairs == 2

    best, second = result.opportunities
    assert best.adamic_adar == pytest.approx(2 * ONE_PARTNER, abs=1e-6)  # 1.820478
    assert best.topic_score == pytest.approx(ONCOLOGY, abs=1e-6)
    assert best.score == pytest.approx(2 * ONE_PARTNER + TOPIC_WEIGHT * ONCOLOGY, abs=1e-6)
    assert best.score == pytest.approx(2.131146, abs=1e-6)
    assert second.score == pytest.approx(ONE_PARTNER + TOPIC_WEIGHT * DIABETES, abs=1e-6)
    assert best.shared_partner_count == 2
    # Both partners have three partners; equally telling, so by id (org:de:… before org:no:…).
    assert [p.id for p in best.shared_partners] == [P1.id, P2.id]
    assert best.shared_topics == ["oncology"]
    assert best.reason == (
        "Alpha A/S (DK) and Beta AB (SE) are not linked yet, but both work with "
        "Partner One GmbH and Partner Two AS, and both are active in oncology."
    )
    assert second.shared_topics == ["diabetes"] and [p.id for p in second.shared_partners] == [
        P2.id
    ]


def test_linked_pairs_never_appear(links: LinkGraph) -> None:
    everything = opportunities(links, limit=1000)
    linked = {(a, b) for a, b in links.links} | {(b, a) for a, b in links.links}
    assert all((o.a.id, o.b.id) not in linked for o in everything.opportunities)
    # a2-b1 share p1 and oncology, and would score 1.221, but they are linked.
    assert (A2.id, B1.id) in linked


def test_skipped_hubs_still_count_in_scores(
    links: LinkGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With at most one side-A x side-B pair per partner, p1 (a1 a2 x b1) and p2 (a1 x b1 b2) are
    # both "hubs" and find no pairs; the topic candidates of a1 (two partners) still find a1-b1
    # and a1-b2, and their scores count both partners as before.
    monkeypatch.setattr(opportunities_module, "MAX_PARTNER_PAIRS", 1)
    result = opportunities(links)
    assert [(o.a.id, o.b.id, o.shared_partner_count) for o in result.opportunities] == [
        (A1.id, B1.id, 2),
        (A1.id, B2.id, 1),
    ]
    assert result.opportunities[0].score == pytest.approx(2.131146, abs=1e-6)


def test_caps_threshold_and_sides(links: LinkGraph) -> None:
    # a1 is in both pairs: one per organisation keeps only the better.
    capped = opportunities(links, per_org=1)
    assert [(o.a.id, o.b.id) for o in capped.opportunities] == [(A1.id, B1.id)]
    strong = opportunities(links, min_score=1.5)
    assert [o.b.id for o in strong.opportunities] == [B1.id]
    assert len(opportunities(links, limit=1).opportunities) == 1
    swapped = opportunities(links, sides=("SE", "DK"))
    assert (swapped.opportunities[0].a.id, swapped.opportunities[0].b.id) == (B1.id, A1.id)
    for bad in ({"limit": 0}, {"per_org": 0}, {"min_score": -1}, {"sides": ("DK", "DK")}):
        with pytest.raises(ValidationError):
            opportunities(links, **bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- holdout

# Dated graph: the ranking graph's partner links in 2018 (a2-b1 left out), then in 2020
# a1-b1 and a2-b2 (new across) and a1-a2 (new, inside DK). b1-p1 is seen in 2018 and again in
# 2021: it has a contribution before the split, so it is not new.


@pytest.fixture
def dated(store: GraphStore) -> LinkGraph:
    return _graph(
        store,
        [
            _collab(A1, P1, "2018-03-01"),
            _collab(A1, P2, "2018-04-01"),
            _collab(B1, P1, "2018-05-01", "2021-05-01"),
            _collab(B1, P2, "2018-06-01"),
            _collab(A2, P1, "2018-07-01"),
            _collab(B2, P2, "2018-08-01"),
            _collab(A1, B1, "2020-02-01"),
            _collab(A2, B2, "2020-03-01"),
            _collab(A1, A2, "2020-04-01"),
        ],
    )


def test_holdout_evaluation_by_hand(dated: LinkGraph) -> None:
    result = evaluate_opportunities(dated, split_year=2020, k=(1, 3, 10))
    assert result.split_year == 2020
    assert result.training_links == 6 and result.held_out_links == 3
    assert result.new_cross_links == 2  # a1-b1, a2-b2
    # Before 2020 the predictions are a1-b1 (2.131), a1-b2 (1.271) and a2-b1 (one partner p1
    # plus oncology: 0.910 + 0.311 = 1.221); a2-b2 share nothing.
    assert result.candidate_pairs == 3
    # No DK-SE link before 2020: all 2 x 2 cross pairs are open, and 2 of them come true.
    assert result.unlinked_cross_pairs == 4
    assert result.baseline_precision == pytest.approx(0.5)
    at = {r.k: r for r in result.at_k}
    assert (at[1].predicted, at[1].hits, at[1].precision, at[1].lift) == (1, 1, 1.0, 2.0)
    assert (at[3].predicted, at[3].hits) == (3, 1)
    assert at[3].precision == pytest.approx(1 / 3, abs=1e-6)
    assert at[3].lift == pytest.approx(2 / 3, abs=1e-4)
    assert (at[10].predicted, at[10].hits) == (3, 1)  # only three predictions to make
    assert [(h.rank, h.a.id, h.b.id, h.first_seen) for h in result.hits] == [
        (1, A1.id, B1.id, "2020-02-01")
    ]


def test_holdout_default_split_and_bad_years(dated: LinkGraph) -> None:
    # Links are first seen in 2018 (six) and 2020 (three): the only split that leaves some
    # links to learn from is 2020.
    assert evaluate_opportunities(dated).split_year == 2020
    with pytest.raises(ValidationError, match="no links to learn from"):
        evaluate_opportunities(dated, split_year=2018)
    with pytest.raises(ValidationError, match="no links to test on"):
        evaluate_opportunities(dated, split_year=2023)
    with pytest.raises(ValidationError, match="k must be positive"):
        evaluate_opportunities(dated, k=(0,))


def test_holdout_needs_dates(links: LinkGraph) -> None:
    with pytest.raises(ValidationError, match="needs dated links"):
        evaluate_opportunities(links)
