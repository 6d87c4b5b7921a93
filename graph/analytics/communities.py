"""Communities of organisations that work together, and whether they span the border.

Leiden (modularity objective, links weighted by how many relations and shared projects make
them) finds groups of organisations that are linked more among themselves than chance would
give. For a cross-border cluster the interesting question is which of those communities mix
Danish and Swedish members, and how many cross-border links run inside communities versus
between them: integration shows as mixed communities, a border as communities on one side
only, joined by a few links.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence

import igraph as ig
from pydantic import BaseModel, Field

from graph.analytics.links import LinkGraph, resolve_sides
from graph.analytics.network import Network
from graph.analytics.results import OrgRef, Scope
from graph.errors import ValidationError

TOP_MEMBERS = 10


class Community(BaseModel):
    """One community: who is in it, where they are from, and how it is linked across the border."""

    id: int = Field(description="rank by size, 0 for the largest")
    size: int
    groups: dict[str, int] = Field(
        description="members per group, largest first", examples=[{"DK": 12, "SE": 5}]
    )
    largest_group: str = Field(examples=["DK"])
    largest_group_share: float = Field(description="share of members in the largest group")
    spans_border: bool = Field(description="has members on both sides")
    internal_links: int = Field(description="links between members")
    cross_border_links: int = Field(description="links between members on opposite sides")
    top_members: list[OrgRef] = Field(description=f"up to {TOP_MEMBERS}, by degree")


class CommunityLink(BaseModel):
    """Cross-border links between two communities (ids as in `communities`, a < b)."""

    a: int
    b: int
    links: int


class CommunitiesResult(BaseModel):
    """Leiden communities of the link graph, the largest first."""

    scope: Scope
    sides: tuple[str, str] = Field(examples=[("DK", "SE")])
    resolution: float = 1.0
    seed: int = 0
    modularity: float = Field(
        default=0.0,
        description="weighted modularity at resolution 1, comparable across resolutions",
    )
    communities_found: int = Field(default=0, description="all communities, before the limit")
    spanning_border: int = Field(default=0, description="communities with members on both sides")
    cross_border_links_within: int = Field(
        default=0, description="cross-border links inside communities"
    )
    cross_border_links_between: int = Field(
        default=0, description="cross-border links between different communities"
    )
    between: list[CommunityLink] = Field(
        default_factory=list, description="community pairs joined by cross-border links, most first"
    )
    communities: list[Community] = Field(default_factory=list)


def communities(
    links: LinkGraph,
    *,
    grouping: str = "country",
    sides: Sequence[str] | None = None,
    resolution: float = 1.0,
    seed: int = 0,
    limit: int = 50,
) -> CommunitiesResult:
    """Leiden communities (modularity, weighted), the `limit` largest, with their border mix.

    The same `seed` gives the same communities; Python's global `random` state is left as it
    was. Higher `resolution` gives more, smaller communities.
    """
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, got {limit}")
    if not resolution > 0:
        raise ValidationError(
            f"resolution must be positive (1.0 is plain modularity), got {resolution}"
        )
    pair = resolve_sides(links, grouping, sides)
    network = Network.of(links)
    result = CommunitiesResult(
        scope=Scope.of(links, grouping),
        sides=pair,
        resolution=resolution,
        seed=seed,
    )
    if not network.ids:
        return result
    membership = _ranked(_leiden(network.graph, resolution, seed), network.ids)
    group = links.grouper(grouping)
    members = [[network.ids[v] for v in vertices] for vertices in _members(membership)]
    internal, cross_within, cross_between = _link_counts(links, network, membership, group, pair)
    result.modularity = network.graph.modularity(membership, weights="weight")
    result.communities_found = len(members)
    result.spanning_border = sum(_spans(ids, group, pair) for ids in members)
    result.cross_border_links_within = sum(cross_within.values())
    result.cross_border_links_between = sum(cross_between.values())
    result.between = [
        CommunityLink(a=a, b=b, links=count)
        for (a, b), count in sorted(cross_between.items(), key=lambda kv: (-kv[1], kv[0]))
    ][:limit]
    degree = dict(zip(network.ids, network.graph.degree(), strict=True))
    result.communities = [
        _community(c, ids, links, group, pair, degree, internal[c], cross_within[c])
        for c, ids in enumerate(members[:limit])
    ]
    return result


def _leiden(graph: ig.Graph, resolution: float, seed: int) -> list[int]:
    """Leiden membership, reproducible for `seed`.

    igraph draws from Python's `random` module by default; a private `random.Random(seed)`
    makes the run reproducible without reseeding (or consuming) the global generator, which
    other code may rely on. The default is restored even if Leiden fails.
    """
    ig.set_random_number_generator(random.Random(seed))
    try:
        clustering = graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
    return list(clustering.membership)


def _ranked(membership: list[int], ids: list[str]) -> list[int]:
    """Renumber communities by size (largest 0), ties by their first member's id: stable ids."""
    sizes = Counter(membership)
    first: dict[int, str] = {}
    for v, c in enumerate(membership):
        first.setdefault(c, ids[v])  # ids are sorted, so the first seen is the smallest
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    rank = {c: r for r, c in enumerate(order)}
    return [rank[c] for c in membership]


def _members(membership: list[int]) -> list[list[int]]:
    """The vertices of each community, by community id."""
    members: list[list[int]] = [[] for _ in range(max(membership) + 1)]
    for v, c in enumerate(membership):
        members[c].append(v)
    return members


def _spans(member_ids: list[str], group: Callable[[str], str], sides: tuple[str, str]) -> bool:
    found = {group(org_id) for org_id in member_ids}
    return sides[0] in found and sides[1] in found


def _link_counts(
    links: LinkGraph,
    network: Network,
    membership: list[int],
    group: Callable[[str], str],
    sides: tuple[str, str],
) -> tuple[Counter[int], Counter[int], Counter[tuple[int, int]]]:
    """Internal links and cross-border links within each community and between communities."""
    internal: Counter[int] = Counter()
    cross_within: Counter[int] = Counter()
    cross_between: Counter[tuple[int, int]] = Counter()
    border = {sides, (sides[1], sides[0])}
    for a, b in links.links:
        ca, cb = membership[network.index[a]], membership[network.index[b]]
        crosses = (group(a), group(b)) in border
        if ca == cb:
            internal[ca] += 1
            cross_within[ca] += crosses
        elif crosses:
            cross_between[(min(ca, cb), max(ca, cb))] += 1
    return internal, cross_within, cross_between


def _community(
    community_id: int,
    member_ids: list[str],
    links: LinkGraph,
    group: Callable[[str], str],
    sides: tuple[str, str],
    degree: dict[str, int],
    internal: int,
    cross_border: int,
) -> Community:
    counts = Counter(group(org_id) for org_id in member_ids)
    groups = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    largest = next(iter(groups))
    top = sorted(member_ids, key=lambda org_id: (-degree[org_id], org_id))[:TOP_MEMBERS]
    return Community(
        id=community_id,
        size=len(member_ids),
        groups=groups,
        largest_group=largest,
        largest_group_share=round(groups[largest] / len(member_ids), 4),
        spans_border=sides[0] in groups and sides[1] in groups,
        internal_links=internal,
        cross_border_links=cross_border,
        top_members=[OrgRef.of(links.orgs[org_id]) for org_id in top],
    )
