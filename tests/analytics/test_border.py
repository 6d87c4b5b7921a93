"""Border matrix, cross-border links, E-I index, paths, trends and the cached service on the
hand-worked graph of tests/small_graphs.py (its docstring draws it), on both stores."""

from __future__ import annotations

import pytest
from small_graphs import build_cross_border_graph, collab, org

from graph.analytics.border import border_matrix, cross_border_links, ei_index
from graph.analytics.links import LinkFilter, LinkGraph
from graph.analytics.paths import paths
from graph.analytics.trends import trends
from graph.errors import NotFoundError, ValidationError
from graph.model import (
    CollabType,
)
from graph.store import GraphStore


@pytest.fixture
def small(store: GraphStore) -> GraphStore:
    return build_cross_border_graph(store)


def _pairs(result: object) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    return {
        (p.a, p.b): (p.links, p.organisations_a, p.organisations_b, p.weight)
        for p in result.pairs  # type: ignore[attr-defined]
    }


def test_border_matrix_by_hand(small: GraphStore) -> None:
    result = border_matrix(LinkGraph.from_store(small))
    assert result.groups == ["DK", "SE", "US", "unknown"]
    assert _pairs(result) == {
        # d1-s1, d2-s1, d3-s1, d3-s2: DK side d1 d2 d3, SE side s1 s2
        ("DK", "SE"): (4, 3, 2, 4),
        ("DK", "DK"): (2, 3, 3, 2),  # d1-d2, d2-d3
        ("SE", "SE"): (1, 2, 2, 2),  # s1-s2, made by a partnership and by project P
        ("DK", "US"): (1, 1, 1, 1),  # u1 -> d1
        ("DK", "unknown"): (1, 1, 1, 1),  # d3-x1
    }
    assert result.scope.links == 9 and result.scope.organisations == 7


def test_border_matrix_filters_and_years(small: GraphStore) -> None:
    links = LinkGraph.from_store(small)
    # From 2021: d1-s1 (2021), d2-s1 (2022) and project P (to 2021-12-31): d3-s1, d3-s2, s1-s2.
    since = border_matrix(links.restricted(LinkFilter.of(since="2021")))
    assert _pairs(since) == {("DK", "SE"): (4, 3, 2, 4), ("SE", "SE"): (1, 2, 2, 1)}
    # News layer only (direct collaborations, not ownership or projects): d1-s1, d2-s1.
    news = border_matrix(links.restricted(LinkFilter.of(layers=["news"])))
    assert _pairs(news)[("DK", "SE")] == (2, 2, 1, 2)
    # Only the licensing type.
    licensing = border_matrix(links.restricted(LinkFilter.of(types=["licensing"])))
    assert _pairs(licensing) == {("DK", "SE"): (1, 1, 1, 1)}
    # Per year: in 2019, d1-d2 (DK-DK) and project P's d3-s1, d3-s2 (DK-SE) and s1-s2 (SE-SE).
    per_year = border_matrix(links, per_year=True)
    y2019 = next(y for y in per_year.years if y.year == 2019)
    assert _pairs(y2019) == {
        ("DK", "SE"): (2, 1, 2, 2),
        ("DK", "DK"): (1, 2, 2, 1),
        ("SE", "SE"): (1, 2, 2, 1),
    }
    assert [y.year for y in per_year.years] == [2018, 2019, 2020, 2021, 2022]


def test_border_matrix_by_region_and_kind(small: GraphStore) -> None:
    links = LinkGraph.from_store(small)
    # No organisation has a cluster region, so all fall "elsewhere"; all are companies.
    assert _pairs(border_matrix(links, grouping="region")) == {
        ("elsewhere", "elsewhere"): (9, 7, 7, 10)
    }
    assert border_matrix(links, grouping="kind").groups == ["company"]
    with pytest.raises(ValidationError, match="grouping"):
        border_matrix(links, grouping="planet")


def test_e_i_index_by_hand(small: GraphStore) -> None:
    result = ei_index(LinkGraph.from_store(small))
    # d3-x1 has an end of unknown country: left out. Of the other 8 links, internal:
    # d1-d2, d2-d3, s1-s2 (3); external: d1-s1, d2-s1, d3-s1, d3-s2, d1-u1 (5).
    assert (result.internal, result.external, result.excluded_links) == (3, 5, 1)
    assert result.ei == pytest.approx((5 - 3) / 8)
    # Six organisations (DK 3, SE 2, US 1): 15 possible pairs, 3 + 1 + 0 = 4 inside groups.
    assert result.expected == pytest.approx(round((11 - 4) / 15, 4))
    groups = {g.group: (g.internal, g.external, g.ei) for g in result.groups}
    assert groups["DK"] == (2, 5, pytest.approx(round(3 / 7, 4)))
    assert groups["SE"] == (1, 4, pytest.approx(3 / 5))
    assert groups["US"] == (0, 1, 1.0)
    orgs = {o.organisation.id: (o.internal, o.external, o.ei) for o in result.organisations}
    assert orgs["org:t:d1"] == (1, 2, pytest.approx(round(1 / 3, 4)))  # d2 | s1, u1
    assert orgs["org:t:s1"] == (1, 3, pytest.approx(0.5))  # s2 | d1, d2, d3
    assert orgs["org:t:u1"] == (0, 1, 1.0)
    assert result.organisations_total == 6


def test_cross_border_links_carry_their_evidence(small: GraphStore) -> None:
    links = LinkGraph.from_store(small)
    result = cross_border_links(links, small.get_relations, sides=("DK", "SE"), sort="name")
    assert result.total == 4
    assert [(v.a.id, v.b.id) for v in result.links] == [
        ("org:t:d1", "org:t:s1"),
        ("org:t:d2", "org:t:s1"),
        ("org:t:d3", "org:t:s1"),
        ("org:t:d3", "org:t:s2"),
    ]
    licence = result.links[1]
    assert licence.types == ["licensing"] and licence.first_seen == "2022-02-02"
    assert licence.evidence[0].text == "Org D2 and Org S1 work together (licensing)."
    assert licence.evidence[0].source == "doc:test-d2-s1"
    shared = result.links[2]
    assert shared.types == ["co_participation"] and shared.layers == ["eu_projects"]
    assert {e.project.name for e in shared.evidence if e.project} == {"Project P"}
    assert (shared.first_seen, shared.last_seen) == ("2019-01-01", "2021-12-31")
    # The other order of the groups puts the Swedish organisation first.
    swapped = cross_border_links(links, None, sides=("SE", "DK"), limit=1)
    assert swapped.links[0].a.country == "SE" and swapped.links[0].evidence == []
    with pytest.raises(ValidationError, match="limit"):
        cross_border_links(links, None, limit=0)


def test_paths_with_evidence_for_every_hop(small: GraphStore) -> None:
    links = LinkGraph.from_store(small)
    result = paths(links, small.get_relations, source="org:t:u1", target="org:t:s2")
    # u1 -> d1 -> s1 -> s2 is the only chain of three hops (u1 has one link, d1 reaches s2 only
    # through s1 or through d2/d3).
    assert result.length == 3
    first = result.paths[0]
    assert [o.id for o in first.organisations] == ["org:t:u1", "org:t:d1", "org:t:s1", "org:t:s2"]
    assert first.crosses_border
    assert [h.a.id for h in first.hops] == ["org:t:u1", "org:t:d1", "org:t:s1"]
    assert all(h.evidence for h in first.hops)
    assert first.hops[0].types == ["investment"]
    assert all(len(p.organisations) - 1 >= 3 for p in result.paths)
    with pytest.raises(NotFoundError):
        paths(links, None, source="org:t:nobody", target="org:t:s2")


def test_trends_by_hand(small: GraphStore) -> None:
    result = trends(LinkGraph.from_store(small))
    years = {y.year: y for y in result.years}
    # Cross-border links first seen: d3-s1, d3-s2 in 2019 (project P), d1-s1 2021, d2-s1 2022.
    assert {y: t.new_cross_border_links for y, t in years.items()} == {
        2018: 0, 2019: 2, 2020: 2 - 2, 2021: 1, 2022: 1,
    }  # fmt: skip
    # Active in 2021: project P's d3-s1, d3-s2, and d1-s1.
    assert years[2021].cross_border_links == 3
    assert (years[2021].organisations_a, years[2021].organisations_b) == (2, 2)
    assert result.undated_links == 1  # d3-x1


def test_service_caches_per_version_and_a_write_makes_results_stale(small: GraphStore) -> None:
    from graph.analytics.service import Analytics

    analytics = Analytics(small)
    first = analytics.run("border-matrix")
    assert analytics.run("border-matrix") is first and analytics.hits == 1
    small.upsert_nodes([org("s3", "SE")])
    small.upsert_relations([collab("d1", "s3", CollabType.PARTNERSHIP, "2023-01-01")])
    again = analytics.run("border-matrix")
    assert again is not first
    assert _pairs(again)[("DK", "SE")][0] == 5
    filtered = analytics.run("border-matrix", link_filter=LinkFilter.of(layers=["eu_projects"]))
    assert _pairs(filtered) == {("DK", "SE"): (2, 1, 2, 2), ("SE", "SE"): (1, 2, 2, 1)}
    with pytest.raises(ValidationError, match="unknown measure"):
        analytics.run("gravity")
    with pytest.raises(ValidationError, match="does not take"):
        analytics.run("border-matrix", source="org:t:d1")
