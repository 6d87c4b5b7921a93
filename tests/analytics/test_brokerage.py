"""Gould-Fernandez roles, betweenness and border betweenness, worked out by hand on both stores.

Role graph (DK: dk1 dk2 dk3 dk4; SE: se1 se2 se3; NO: no1):

    dk4 -- dk1      partnership
    dk1 -> dk2      licensing (directed: only the arc dk1 -> dk2)
    dk2 -> se1      licensing (directed: only the arc dk2 -> se1)
    se1 -- dk3      partnership
    se1 -- se3      partnership
    dk3 -- se3      research collaboration      (closes the triangle se1 dk3 se3)
    dk3 -- no1      co-participation in project P1
    no1 -- se2      co-participation in project P2

Bridge graph: triangles d1 d2 d3 (DK) and s1 s2 s3 (SE), joined only through the Danish
broker b: d1 -- b -- s1.
"""

from __future__ import annotations

import itertools
import random

import pytest

from graph.analytics.brokerage import (
    ROLES,
    betweenness,
    brokers,
    gould_fernandez,
    top_cross_border_brokers,
)
from graph.analytics.links import A_TO_B, B_TO_A, LinkGraph
from graph.errors import ValidationError
from graph.model import Evidence, Organisation, Project, Relation, RelType
from graph.store import GraphStore
from graph.store.base import Edge, Subgraph


def _evidence(source: str) -> list[Evidence]:
    return [Evidence(source=source, text=f"stated by {source}", date="2023-01-01")]


def _org(key: str, country: str) -> Organisation:
    return Organisation(name=f"Org {key}", kind="company", country=country, id=f"org:t:{key}")


def _collab(a: str, b: str, subtype: str) -> Relation:
    return Relation(
        type=RelType.COLLABORATES_WITH,
        source=f"org:t:{a}",
        target=f"org:t:{b}",
        subtype=subtype,
        evidence=_evidence(f"doc:{a}-{b}"),
    )


def _participates(a: str, project: Project) -> Relation:
    return Relation(
        type=RelType.PARTICIPATES_IN,
        source=f"org:t:{a}",
        target=project.id,
        role="partner",
        evidence=_evidence(f"registry:{project.name}"),
    )


def _roles(**counts: int) -> dict[str, int]:
    return {role: counts.get(role, 0) for role in ROLES}


@pytest.fixture
def role_graph(store: GraphStore) -> LinkGraph:
    countries = {"dk1": "DK", "dk2": "DK", "dk3": "DK", "dk4": "DK"}
    countries |= {"se1": "SE", "se2": "SE", "se3": "SE", "no1": "NO"}
    p1 = Project(name="P1", kind="eu_project")
    p2 = Project(name="P2", kind="interreg")
    store.upsert_nodes([*(_org(k, c) for k, c in countries.items()), p1, p2])
    store.upsert_relations(
        [
            _collab("dk4", "dk1", "partnership"),
            _collab("dk1", "dk2", "licensing"),
            _collab("dk2", "se1", "licensing"),
            _collab("se1", "dk3", "partnership"),
            _collab("se1", "se3", "partnership"),
            _collab("dk3", "se3", "research_collaboration"),
            _participates("dk3", p1),
            _participates("no1", p1),
            _participates("no1", p2),
            _participates("se2", p2),
        ]
    )
    return LinkGraph.from_store(store)


@pytest.fixture
def bridge_graph(store: GraphStore) -> LinkGraph:
    countries = {"d1": "DK", "d2": "DK", "d3": "DK", "b": "DK", "s1": "SE", "s2": "SE"}
    countries["s3"] = "SE"
    store.upsert_nodes([_org(k, c) for k, c in countries.items()])
    pairs = [("d1", "d2"), ("d2", "d3"), ("d1", "d3"), ("s1", "s2"), ("s2", "s3"), ("s1", "s3")]
    pairs += [("d1", "b"), ("b", "s1")]
    store.upsert_relations([_collab(x, y, "partnership") for x, y in pairs])
    return LinkGraph.from_store(store)


def _by_key(values: dict[str, object]) -> dict[str, object]:
    return {org_id.removeprefix("org:t:"): value for org_id, value in values.items()}


# ---------------------------------------------------------------------------- Gould-Fernandez


def test_gould_fernandez_roles_by_hand(role_graph: LinkGraph) -> None:
    assert len(role_graph.links) == 8
    roles = _by_key(gould_fernandez(role_graph))
    assert roles == {
        # in {dk4}, out {dk4, dk2}: (dk4, dk2) is DK DK DK and dk4 -/-> dk2 -> 1 coordinator.
        "dk1": _roles(coordinator=1),
        # Directed: in {dk1}, out {se1}: only (dk1, se1), DK DK SE -> 1 representative. Were the
        # licences undirected, (se1, dk1) would add a gatekeeper; one-way arcs forbid it.
        "dk2": _roles(representative=1),
        # in {dk2, dk3, se3}, out {dk3, se3}:
        #   (dk2, dk3) DK SE DK, no arc dk2 -> dk3        -> consultant
        #   (dk2, se3) DK SE SE, no arc dk2 -> se3        -> gatekeeper
        #   (dk3, se3) and (se3, dk3): closed by dk3 -- se3 -> not counted
        "se1": _roles(consultant=1, gatekeeper=1),
        # in = out = {se1, se3, no1}; the 6 ordered pairs less the 2 closed (se1, se3),
        # (se3, se1) leave (se1, no1), (no1, se1), (se3, no1), (no1, se3): SE DK NO -> 4 liaison.
        "dk3": _roles(liaison=4),
        # in = out = {dk3, se2}: (dk3, se2) and (se2, dk3), DK NO SE -> 2 liaison.
        "no1": _roles(liaison=2),
        # in = out = {se1, dk3}: both orders closed by se1 -- dk3.
        "se3": _roles(),
        # One neighbour (or, for dk4, a = c): nothing to broker.
        "dk4": _roles(),
        "se2": _roles(),
    }


def test_undirected_open_path_counts_once_in_each_direction(bridge_graph: LinkGraph) -> None:
    roles = _by_key(gould_fernandez(bridge_graph))
    # b: (d1, s1) DK DK SE -> representative; (s1, d1) SE DK DK -> gatekeeper.
    assert roles["b"] == _roles(representative=1, gatekeeper=1)
    # d1: neighbours d2 d3 b (all DK); (d2, d3) and (d3, d2) closed; (d2, b), (b, d2), (d3, b),
    # (b, d3) open -> 4 coordinator.
    assert roles["d1"] == _roles(coordinator=4)
    # s1: neighbours s2 s3 (SE) and b (DK): (s2, b), (s3, b) SE SE DK -> 2 representative;
    # (b, s2), (b, s3) DK SE SE -> 2 gatekeeper.
    assert roles["s1"] == _roles(representative=2, gatekeeper=2)
    assert roles["d2"] == roles["s3"] == _roles()


def _random_link_graph(
    seed: int, n: int, m: int, countries: tuple[str, ...], *, directed: bool = True
) -> LinkGraph:
    """A random graph as the store would project it; about a third of the links directed
    (none with `directed=False`)."""
    rng = random.Random(seed)
    orgs = {
        f"o{i:05d}": Organisation(name=f"o{i}", country=rng.choice(countries), id=f"o{i:05d}")
        for i in range(n)
    }
    ids = sorted(orgs)
    chosen: set[tuple[str, str]] = set()
    while len(chosen) < m:
        a, b = rng.sample(ids, 2)
        if (a, b) not in chosen and (b, a) not in chosen:
            chosen.add((a, b))
    edges = [
        Edge(
            id=f"r{k}",
            type=RelType.COLLABORATES_WITH.value,
            source=a,
            target=b,
            subtype=rng.choice(["licensing", "partnership", "partnership"])
            if directed
            else "partnership",
        )
        for k, (a, b) in enumerate(sorted(chosen))
    ]
    return LinkGraph.from_subgraph(Subgraph(nodes=dict(orgs), edges=edges))


def _naive_gould_fernandez(links: LinkGraph) -> dict[str, dict[str, int]]:
    """The definition, literally: every ordered triple of distinct organisations."""
    arcs = set()
    for (a, b), link in links.links.items():
        if link.direction & A_TO_B:
            arcs.add((a, b))
        if link.direction & B_TO_A:
            arcs.add((b, a))
    group = links.grouper("country")
    counts = {org_id: _roles() for org_id in links.linked_orgs()}
    for a, b, c in itertools.permutations(sorted(links.linked_orgs()), 3):
        if (a, b) in arcs and (b, c) in arcs and (a, c) not in arcs:
            ga, gb, gc = group(a), group(b), group(c)
            if ga == gb == gc:
                role = "coordinator"
            elif ga == gb:
                role = "representative"
            elif gb == gc:
                role = "gatekeeper"
            elif ga == gc:
                role = "consultant"
            else:
                role = "liaison"
            counts[b][role] += 1
    return counts


@pytest.mark.parametrize("seed", range(6))
def test_gould_fernandez_equals_the_naive_triple_loop(seed: int) -> None:
    # Dense enough for many triangles (closed triads) and reciprocated and one-way arcs.
    links = _random_link_graph(seed, n=24, m=90, countries=("DK", "SE", "NO", "DE"))
    fast = gould_fernandez(links)
    assert fast == _naive_gould_fernandez(links)
    assert {role for counts in fast.values() for role, v in counts.items() if v} == set(ROLES)


@pytest.mark.parametrize("seed", range(3))
def test_gould_fernandez_fast_path_for_undirected_graphs_equals_the_naive_loop(seed: int) -> None:
    links = _random_link_graph(seed, n=24, m=90, countries=("DK", "SE", "NO"), directed=False)
    assert all(link.direction == 3 for link in links.links.values())
    assert gould_fernandez(links) == _naive_gould_fernandez(links)


def test_gould_fernandez_on_an_empty_graph() -> None:
    assert gould_fernandez(LinkGraph(orgs={}, projects={}, links={})) == {}


# ---------------------------------------------------------------------------- betweenness


def test_betweenness_and_border_betweenness_by_hand(bridge_graph: LinkGraph) -> None:
    result = betweenness(bridge_graph)
    plain = _by_key(result.betweenness)
    border = _by_key(result.border_betweenness)
    assert not result.approximate and result.samples is None
    assert result.sides == ("DK", "SE")
    # 7 organisations: (7-1)(7-2)/2 = 15 pairs not involving a given one.
    # b lies on the only path of the 3 x 3 pairs {d1,d2,d3} x {s1,s2,s3}: 9 / 15.
    assert plain["b"] == pytest.approx(9 / 15)
    # d1 lies on every path from d2 and d3 to b, s1, s2, s3: 2 x 4 = 8 pairs -> 8 / 15; s1 alike.
    assert plain["d1"] == pytest.approx(8 / 15)
    assert plain["s1"] == pytest.approx(8 / 15)
    assert plain["d2"] == plain["s3"] == 0
    # Border: DK side {d1, d2, d3, b}, SE side {s1, s2, s3}, all connected: 4 x 3 = 12 pairs.
    # b: the 9 pairs (d_i, s_j) -> 9 / 12. d1: (d2, s_j), (d3, s_j) -> 6 / 12.
    # s1: (d_i, s2), (d_i, s3), (b, s2), (b, s3) -> 8 / 12.
    assert border["b"] == pytest.approx(9 / 12)
    assert border["d1"] == pytest.approx(6 / 12)
    assert border["s1"] == pytest.approx(8 / 12)
    assert border["d2"] == border["s2"] == 0


def test_brokers_table_by_hand(bridge_graph: LinkGraph) -> None:
    result = brokers(bridge_graph, limit=3)
    assert result.sides == ("DK", "SE") and result.sort == "border_betweenness"
    assert result.scope.organisations == 7 and result.scope.links == 8
    assert [r.org.id.removeprefix("org:t:") for r in result.brokers] == ["b", "s1", "d1"]
    top = result.brokers[0]
    assert top.group == "DK" and top.degree == 2
    assert top.cross_border_degree == 1  # b -- s1; d1 -- b stays in Denmark
    assert (top.representative, top.gatekeeper, top.total_brokerage) == (1, 1, 2)
    assert top.border_betweenness == pytest.approx(0.75)
    by_total = brokers(bridge_graph, sort="total_brokerage", limit=1)
    # d1 (4 coordinator) and s1 (2 representative + 2 gatekeeper) both broker 4 pairs and have
    # degree 3; the tie goes by name: "Org d1" < "Org s1".
    assert by_total.brokers[0].org.id == "org:t:d1"
    summary = top_cross_border_brokers(bridge_graph, limit=2)
    assert [b.org.id for b in summary] == ["org:t:b", "org:t:s1"]


def test_other_sides_and_cross_border_degree(role_graph: LinkGraph) -> None:
    result = brokers(role_graph, sides=["DK", "NO"], sort="cross_border_degree", limit=20)
    assert result.sides == ("DK", "NO")
    degrees = {r.org.id.removeprefix("org:t:"): r.cross_border_degree for r in result.brokers}
    assert degrees == {"dk3": 1, "no1": 1} | dict.fromkeys(
        ["dk1", "dk2", "dk4", "se1", "se2", "se3"], 0
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sort": "fame"}, "unknown sort"),
        ({"limit": 0}, "limit must be at least 1"),
        ({"sides": ("DK", "DK")}, "two different groups"),
        ({"grouping": "kind"}, "say which two groups"),
        ({"grouping": "planet"}, "unknown grouping"),
    ],
)
def test_bad_parameters_say_how_to_fix_them(
    bridge_graph: LinkGraph, kwargs: dict, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        brokers(bridge_graph, **kwargs)


def test_bad_sampling_parameters(bridge_graph: LinkGraph) -> None:
    with pytest.raises(ValidationError, match="at least 1"):
        betweenness(bridge_graph, samples=0)


# ---------------------------------------------------------------------------- approximation


def _clustered_link_graph(seed: int) -> LinkGraph:
    """600 organisations: a hub-dominated (preferential attachment) graph, DK, SE and others."""
    rng = random.Random(seed)
    n = 600
    countries = ("DK", "DK", "SE", "SE", "NO", "DE")
    orgs = {
        f"o{i:04d}": Organisation(name=f"o{i}", country=rng.choice(countries), id=f"o{i:04d}")
        for i in range(n)
    }
    ends: list[int] = [0, 1]
    pairs = {(0, 1)}
    for v in range(2, n):
        for target in {rng.choice(ends) for _ in range(2)}:
            pairs.add((target, v))
            ends += [target, v]
    edges = [
        Edge(id=f"r{k}", type="COLLABORATES_WITH", source=f"o{a:04d}", target=f"o{b:04d}")
        for k, (a, b) in enumerate(sorted(pairs))
    ]
    return LinkGraph.from_subgraph(Subgraph(nodes=dict(orgs), edges=edges))


def test_sampled_betweenness_is_close_to_exact() -> None:
    links = _clustered_link_graph(seed=7)
    exact = betweenness(links)
    # 150 sources of 600 for plain betweenness; of about 200 on each side for the border one.
    approx = betweenness(links, approximate_above=100, samples=150, seed=1)
    assert not exact.approximate
    assert approx.approximate and approx.samples == 150
    for measure in ("betweenness", "border_betweenness"):
        e, a = getattr(exact, measure), getattr(approx, measure)
        top_exact = sorted(e, key=e.get, reverse=True)[:10]
        top_approx = set(sorted(a, key=a.get, reverse=True)[:10])
        # The hubs stand out: the sampled top ten keeps most of the exact one, and no value is
        # off by more than a few points on shares that reach well above 0.1.
        assert len(top_approx & set(top_exact)) >= 7, measure
        assert max(e.values()) > 0.1
        assert max(abs(e[k] - a[k]) for k in e) < 0.06, measure
    again = betweenness(links, approximate_above=100, samples=150, seed=1)
    assert again.betweenness == approx.betweenness  # the seed fixes the sample
