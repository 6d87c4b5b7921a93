"""Leiden communities on graphs whose communities are obvious, on both stores.

Two-clique graph: clique A = a1 a2 a3 a4 (DK) and a5 (SE), all 10 pairs linked; clique B = b1 b2
b3 b4 b5 (SE), all 10 pairs linked; one cross-border bridge a1 (DK) -- b1 (SE). Inside clique A,
a5's four links to the Danes cross the border. One of clique A's links is a licence (directed)
and one comes from co-participation in a project, as the store would give them.
"""

from __future__ import annotations

import itertools
import random

import pytest

from graph.analytics.communities import communities
from graph.analytics.links import LinkGraph
from graph.analytics.results import OrgRef
from graph.errors import ValidationError
from graph.model import Evidence, Organisation, Project, Relation, RelType
from graph.store import GraphStore
from graph.store.base import Edge, Subgraph


def _evidence(source: str) -> list[Evidence]:
    return [Evidence(source=source, text=f"stated by {source}", date="2022-06-01")]


def _org(key: str, country: str) -> Organisation:
    return Organisation(name=f"Org {key}", kind="university", country=country, id=f"org:t:{key}")


def _collab(a: str, b: str, subtype: str = "research_collaboration") -> Relation:
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
        evidence=_evidence(f"registry:{project.name}"),
    )


@pytest.fixture
def two_cliques(store: GraphStore) -> LinkGraph:
    clique_a = ["a1", "a2", "a3", "a4", "a5"]
    clique_b = ["b1", "b2", "b3", "b4", "b5"]
    countries = dict.fromkeys(["a1", "a2", "a3", "a4"], "DK") | dict.fromkeys(
        ["a5", *clique_b], "SE"
    )
    project = Project(name="Shared trial", kind="trial")
    store.upsert_nodes([*(_org(k, c) for k, c in countries.items()), project])
    relations = [_participates("a1", project), _participates("a2", project)]  # a1 -- a2
    for x, y in itertools.combinations(clique_a, 2):
        if (x, y) == ("a1", "a2"):
            continue
        relations.append(_collab(x, y, "licensing" if (x, y) == ("a3", "a4") else "partnership"))
    relations += [_collab(x, y) for x, y in itertools.combinations(clique_b, 2)]
    relations.append(_collab("a1", "b1"))
    store.upsert_relations(relations)
    return LinkGraph.from_store(store)


def _keys(refs: list[OrgRef]) -> list[str]:
    return [r.id.removeprefix("org:t:") for r in refs]


def test_two_cliques_by_hand(two_cliques: LinkGraph) -> None:
    assert len(two_cliques.links) == 21
    result = communities(two_cliques)
    assert result.sides == ("DK", "SE")
    assert result.communities_found == 2
    first, second = result.communities
    # Equal sizes: the tie goes to the community whose first member id is smaller (a1 < b1).
    assert (first.id, first.size, second.id, second.size) == (0, 5, 1, 5)
    # Fewer than 10 members, so the top members are all of them.
    assert set(_keys(first.top_members)) == {"a1", "a2", "a3", "a4", "a5"}
    assert first.groups == {"DK": 4, "SE": 1}
    assert (first.largest_group, first.largest_group_share) == ("DK", 0.8)
    assert first.spans_border and not second.spans_border
    assert second.groups == {"SE": 5} and second.largest_group_share == 1.0
    # Each clique has 5 * 4 / 2 = 10 internal links; in A, a5's 4 links to Danes cross.
    assert (first.internal_links, first.cross_border_links) == (10, 4)
    assert (second.internal_links, second.cross_border_links) == (10, 0)
    # Top member by degree: a1 and b1 have 4 + 1 (the bridge).
    assert _keys(first.top_members)[0] == "a1" and _keys(second.top_members)[0] == "b1"
    assert result.spanning_border == 1
    assert result.cross_border_links_within == 4
    assert result.cross_border_links_between == 1  # the bridge a1 -- b1
    assert [(p.a, p.b, p.links) for p in result.between] == [(0, 1, 1)]
    # Modularity: 21 links of weight 1, each community has 10 internal links and degree sum
    # 4 * 5 + 1 = 21, so Q = 2 * (10/21 - (21/42)^2) = 20/21 - 1/2 = 19/42.
    assert result.modularity == pytest.approx(19 / 42)
    assert result.scope.organisations == 10 and result.scope.links == 21


def test_limit_and_bad_parameters(two_cliques: LinkGraph) -> None:
    result = communities(two_cliques, limit=1)
    assert len(result.communities) == 1 and result.communities_found == 2
    assert result.spanning_border == 1  # counted over all communities, not just those shown
    with pytest.raises(ValidationError, match="limit must be at least 1"):
        communities(two_cliques, limit=0)
    with pytest.raises(ValidationError, match="resolution must be positive"):
        communities(two_cliques, resolution=0)
    with pytest.raises(ValidationError, match="two different groups"):
        communities(two_cliques, sides=("SE", "SE"))


def _ring_of_groups(seed: int) -> LinkGraph:
    """300 organisations in 12 loosely joined groups: enough ties for Leiden's randomness."""
    rng = random.Random(seed)
    n, blocks = 300, 12
    orgs = {
        f"o{i:04d}": Organisation(name=f"o{i}", country=rng.choice(["DK", "SE"]), id=f"o{i:04d}")
        for i in range(n)
    }
    pairs = set()
    for a, b in itertools.combinations(range(n), 2):
        same = a % blocks == b % blocks
        if rng.random() < (0.15 if same else 0.01):
            pairs.add((a, b))
    edges = [
        Edge(id=f"r{k}", type="COLLABORATES_WITH", source=f"o{a:04d}", target=f"o{b:04d}")
        for k, (a, b) in enumerate(sorted(pairs))
    ]
    return LinkGraph.from_subgraph(Subgraph(nodes=dict(orgs), edges=edges))


def test_same_seed_same_communities_and_global_random_untouched() -> None:
    links = _ring_of_groups(seed=3)
    random.seed(12345)
    state = random.getstate()
    first = communities(links, seed=5, limit=100)
    assert random.getstate() == state  # Leiden drew from its own generator
    second = communities(links, seed=5, limit=100)
    assert first == second
    assert first.communities_found >= 2 and first.modularity > 0.3
    # Most of the 12 planted groups are found (sizes around 25).
    assert sum(1 for c in first.communities if c.size >= 15) >= 8


def test_empty_graph() -> None:
    result = communities(LinkGraph(orgs={}, projects={}, links={}))
    assert result.communities == [] and result.communities_found == 0
