"""Who brokers between the two halves of the cluster: Gould-Fernandez roles and betweenness.

Two views of brokerage answer different questions. Gould-Fernandez counts say *what kind* of
broker an organisation is, from its immediate neighbourhood: does it link its own country to
the other one (representative, gatekeeper), two outsiders (consultant, liaison) or its own
people (coordinator)? Betweenness says *how much* of the network's shortest paths run through
it; "border betweenness" restricts that to the paths between the two sides (Denmark and Sweden
by default), which is the cross-border question this project asks.

Everything here is computed in C (igraph) or vectorised numpy, so it stays fast on the full
graph: no Python loop runs over pairs of neighbours.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
from pydantic import BaseModel, Field

from graph.analytics.links import A_TO_B, B_TO_A, LinkGraph, resolve_sides
from graph.analytics.network import Network
from graph.analytics.results import OrgRef, Scope
from graph.errors import ValidationError

ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")
COORDINATOR, GATEKEEPER, REPRESENTATIVE, CONSULTANT, LIAISON = range(len(ROLES))

# Exact betweenness is O(vertices x links) and runs twice (plain, and border from the smaller
# side). Measured with `betweenness()` (both measures) on Barabasi-Albert graphs with 2 and 4
# links per new vertex (sparse and hub-dominated, like the link graph), 2-core machine under
# load, exact vs 500 sampled sources:
#   2 000 vertices: 0.29 s / 0.36 s exact, 0.10 s / 0.14 s sampled
#   3 000 vertices: 0.59 s / 1.00 s exact, 0.15 s / 0.25 s sampled
#   4 000 vertices: 1.10 s / 1.60 s exact, 0.22 s / 0.33 s sampled
#   5 000 vertices: 1.76 s / 2.50 s exact, 0.30 s / 0.39 s sampled
#   8 000 vertices: 4.94 s / 7.01 s exact, 0.53 s / 0.70 s sampled
# (plain betweenness alone: 7.4 s at 10 000 vertices, 30-57 s at 20 000, 308 s at 40 000).
# Exact passes 1 s at about 3 000 vertices, hence the threshold. Sampled values were within
# 0.016 (absolute, on shares up to 0.21) of exact, and 17-20 of the exact top 20 stayed there.
# Sampled, 30 000 vertices and 90 000 links take 3.7 s for both measures.
APPROXIMATE_ABOVE = 3_000
DEFAULT_SAMPLES = 500

SORT_FIELDS = (
    "border_betweenness",
    "betweenness",
    "degree",
    "cross_border_degree",
    "total_brokerage",
    *ROLES,
)


# ---------------------------------------------------------------------------- result models


class Broker(BaseModel):
    """One organisation's brokerage: its position on paths and its Gould-Fernandez roles."""

    org: OrgRef
    group: str = Field(examples=["DK"])
    degree: int = Field(description="organisations it is linked to")
    cross_border_degree: int = Field(
        description="links to the other side (0 for organisations on neither side)"
    )
    betweenness: float = Field(
        description="share of all shortest paths between other organisations through it"
    )
    border_betweenness: float = Field(
        description="share of shortest paths between side A and side B through it"
    )
    coordinator: int = 0
    gatekeeper: int = 0
    representative: int = 0
    consultant: int = 0
    liaison: int = 0
    total_brokerage: int = 0


class BrokersResult(BaseModel):
    """The top brokers by one measure, with what they were computed on."""

    scope: Scope
    sides: tuple[str, str] = Field(examples=[("DK", "SE")])
    sort: str = Field(default="border_betweenness")
    approximate: bool = Field(
        default=False, description="betweenness estimated from sampled sources (large graphs)"
    )
    samples: int | None = Field(default=None, description="sampled sources when approximate")
    brokers: list[Broker] = Field(default_factory=list)


@dataclass(slots=True)
class Betweenness:
    """Plain and border betweenness per organisation id, and how they were computed."""

    betweenness: dict[str, float]
    border_betweenness: dict[str, float]
    sides: tuple[str, str]
    approximate: bool
    samples: int | None


# ---------------------------------------------------------------------------- Gould-Fernandez


def gould_fernandez(links: LinkGraph, *, grouping: str = "country") -> dict[str, dict[str, int]]:
    """Gould-Fernandez brokerage counts per organisation (every linked one, zeros included).

    Arcs: a link whose direction is BOTH gives arcs both ways; A_TO_B gives a→b only and B_TO_A
    b→a only (a licensor licenses *to* a licensee; information or money flows one way).
    Broker b of an ordered pair (a, c), a ≠ c, counts when arcs a→b and b→c exist and there is
    no arc a→c (the statnet/UCINET convention: a broker is needed only where a and c are not
    directly tied that way). The role depends on the groups g():

    - coordinator:    g(a) = g(b) = g(c)   (brokers inside its own group)
    - representative: g(a) = g(b) ≠ g(c)   (speaks for its group to another)
    - gatekeeper:     g(a) ≠ g(b) = g(c)   (lets an outsider into its group)
    - consultant:     g(a) = g(c) ≠ g(b)   (a.k.a. itinerant: serves another group)
    - liaison:        all three differ     (between two groups neither of them its own)

    An undirected open path a-b-c therefore counts twice, once per direction: with
    g(a) = g(b) ≠ g(c) it gives b one representative and one gatekeeper.

    Why it is fast: open pairs are never enumerated. Per broker, all (in-neighbour,
    out-neighbour) pairs by group follow from counts of neighbours per group (minus the a = c
    pairs that reciprocated arcs create); the closed ones are then subtracted, and every closed
    triple lies on a triangle, which igraph enumerates in C.
    """
    network = Network.of(links)
    n = len(network.ids)
    if n == 0:
        return {}
    codes = _group_codes(network.ids, links.grouper(grouping))
    src, dst = _arcs(links, network)
    counts = _open_pair_counts(src, dst, codes, n)
    _subtract_closed(counts, network.graph, src, dst, codes)
    return {
        org_id: {role: int(counts[i, r]) for r, role in enumerate(ROLES)}
        for i, org_id in enumerate(network.ids)
    }


def _group_codes(ids: Sequence[str], group: Callable[[str], str]) -> np.ndarray:
    """Each vertex's group as a small integer (the codes only need to compare equal)."""
    codes: dict[str, int] = {}
    return np.fromiter(
        (codes.setdefault(group(i), len(codes)) for i in ids), dtype=np.int64, count=len(ids)
    )


def _arcs(links: LinkGraph, network: Network) -> tuple[np.ndarray, np.ndarray]:
    """(sources, targets) of the arcs: both ways for undirected links, one way for directed."""
    index = network.index
    m = len(links.links)
    a = np.empty(m, dtype=np.int64)
    b = np.empty(m, dtype=np.int64)
    d = np.empty(m, dtype=np.int64)
    for k, ((x, y), link) in enumerate(links.links.items()):
        a[k], b[k], d[k] = index[x], index[y], link.direction
    forward = (d & A_TO_B) != 0
    backward = (d & B_TO_A) != 0
    return np.concatenate([a[forward], b[backward]]), np.concatenate([b[forward], a[backward]])


def _open_pair_counts(src: np.ndarray, dst: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Per broker and role: pairs (a, c), a ≠ c, with a→b and b→c, closed or not.

    With IN[b, x] in-neighbours and OUT[b, y] out-neighbours of b in groups x and y, there are
    IN[b, x] · OUT[b, y] such pairs, less REC[b, x] (reciprocated neighbours, a = c) when
    x = y. Summing over the groups each role allows gives closed forms that need only the
    counts in b's own group, the totals, and Σx IN[b, x] · OUT[b, x].
    """
    same_in = codes[src] == codes[dst]  # arc x→b with g(x) = g(b), seen from b = dst
    in_tot = np.bincount(dst, minlength=n)
    out_tot = np.bincount(src, minlength=n)
    in_same = np.bincount(dst[same_in], minlength=n)
    out_same = np.bincount(src[same_in], minlength=n)
    rec_tot, rec_same = _reciprocated(src, dst, codes, n)
    cross_all = _in_out_product_by_group(src, dst, codes, n)
    cross_other = cross_all - in_same * out_same  # Σ over groups x ≠ g(b)

    counts = np.zeros((n, len(ROLES)), dtype=np.int64)
    counts[:, COORDINATOR] = in_same * out_same - rec_same
    counts[:, REPRESENTATIVE] = in_same * (out_tot - out_same)
    counts[:, GATEKEEPER] = (in_tot - in_same) * out_same
    counts[:, CONSULTANT] = cross_other - (rec_tot - rec_same)
    counts[:, LIAISON] = (in_tot - in_same) * (out_tot - out_same) - cross_other
    return counts


def _reciprocated(
    src: np.ndarray, dst: np.ndarray, codes: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per vertex: neighbours tied both ways, all of them and those of its own group."""
    keys = _arc_keys(src, dst, n)
    back = _has_arc(np.sort(keys), dst, src, n)
    rec_tot = np.bincount(src[back], minlength=n)
    rec_same = np.bincount(src[back & (codes[src] == codes[dst])], minlength=n)
    return rec_tot, rec_same


def _in_out_product_by_group(
    src: np.ndarray, dst: np.ndarray, codes: np.ndarray, n: int
) -> np.ndarray:
    """Σx IN[b, x] · OUT[b, x] per vertex b, from sparse (vertex, group) counts.

    Sparse because a dense vertices x groups matrix can be large (a hundred thousand
    organisations across a hundred countries).
    """
    groups = int(codes.max()) + 1
    in_keys, in_counts = np.unique(dst * groups + codes[src], return_counts=True)
    out_keys, out_counts = np.unique(src * groups + codes[dst], return_counts=True)
    common, i, o = np.intersect1d(in_keys, out_keys, assume_unique=True, return_indices=True)
    products = in_counts[i].astype(np.int64) * out_counts[o].astype(np.int64)
    return np.bincount(common // groups, weights=products, minlength=n).astype(np.int64)


def _subtract_closed(
    counts: np.ndarray, graph: ig.Graph, src: np.ndarray, dst: np.ndarray, codes: np.ndarray
) -> None:
    """Remove pairs with a direct arc a→c: each lies on a triangle, tried in all 6 orders.

    The 6 possible arcs of every triangle are looked up once (binary search in the sorted arc
    keys) and then combined for each order (a, b, c).
    """
    listed = graph.list_triangles()
    if not listed:
        return
    # fromiter over a flat chain is about twice as fast as asarray on a list of tuples.
    flat = itertools.chain.from_iterable(listed)
    triangles = np.fromiter(flat, dtype=np.int64, count=3 * len(listed)).reshape(-1, 3)
    del listed
    if len(src) == 2 * graph.ecount() and _all_reciprocated(src, dst):
        _subtract_closed_undirected(counts, triangles, codes)
        return
    n = graph.vcount()
    keys = np.sort(_arc_keys(src, dst, n))
    arc = {
        (i, j): _has_arc(keys, triangles[:, i], triangles[:, j], n)
        for i, j in itertools.permutations(range(3), 2)
    }
    for i, j, k in itertools.permutations(range(3)):
        closed = arc[i, j] & arc[j, k] & arc[i, k]
        a, b, c = triangles[closed, i], triangles[closed, j], triangles[closed, k]
        roles = _roles(codes[a], codes[b], codes[c])
        counts -= np.bincount(b * len(ROLES) + roles, minlength=counts.size).reshape(counts.shape)


def _all_reciprocated(src: np.ndarray, dst: np.ndarray) -> bool:
    """Whether every arc a→b has its b→a (all links undirected)."""
    forward = np.sort(src.astype(np.int64) * (1 << 32) + dst)
    backward = np.sort(dst.astype(np.int64) * (1 << 32) + src)
    return bool(np.array_equal(forward, backward))


def _subtract_closed_undirected(
    counts: np.ndarray, triangles: np.ndarray, codes: np.ndarray
) -> None:
    """The fast path when every link runs both ways: all 6 orders of a triangle are closed.

    For each choice of middle b, the orders (a, b, c) and (c, b, a) give the same role, except
    that representative and gatekeeper swap; so one pass per middle counts both orders.
    """
    groups = codes[triangles]
    size = counts.shape[0]
    for middle in range(3):
        i, k = (x for x in range(3) if x != middle)
        ga, gb, gc = groups[:, i], groups[:, middle], groups[:, k]
        b = triangles[:, middle]
        same_ab, same_cb, same_ac = ga == gb, gc == gb, ga == gc
        both_orders = {
            COORDINATOR: (same_ab & same_cb, 2),
            REPRESENTATIVE: (same_ab ^ same_cb, 1),
            GATEKEEPER: (same_ab ^ same_cb, 1),
            CONSULTANT: (same_ac & ~same_ab, 2),
            LIAISON: (~same_ab & ~same_cb & ~same_ac, 2),
        }
        for role, (mask, times) in both_orders.items():
            counts[:, role] -= times * np.bincount(b[mask], minlength=size)


def _roles(ga: np.ndarray, gb: np.ndarray, gc: np.ndarray) -> np.ndarray:
    """The Gould-Fernandez role of broker b for each (a, b, c), from the three groups."""
    return np.select(
        [
            (ga == gb) & (gb == gc),
            (ga == gb) & (gb != gc),
            (ga != gb) & (gb == gc),
            (ga == gc) & (ga != gb),
        ],
        [COORDINATOR, REPRESENTATIVE, GATEKEEPER, CONSULTANT],
        default=LIAISON,
    )


def _arc_keys(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    return src.astype(np.int64) * n + dst.astype(np.int64)


def _has_arc(sorted_keys: np.ndarray, src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """Whether each arc src→dst exists, by binary search in the sorted arc keys."""
    wanted = _arc_keys(src, dst, n)
    if len(sorted_keys) == 0:
        return np.zeros(len(wanted), dtype=bool)
    at = np.searchsorted(sorted_keys, wanted)
    found = np.zeros(len(wanted), dtype=bool)
    inside = at < len(sorted_keys)
    found[inside] = sorted_keys[at[inside]] == wanted[inside]
    return found


# ---------------------------------------------------------------------------- betweenness


def betweenness(
    links: LinkGraph,
    *,
    grouping: str = "country",
    sides: Sequence[str] | None = None,
    approximate_above: int = APPROXIMATE_ABOVE,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
) -> Betweenness:
    """Plain and border betweenness (unweighted, undirected), both as shares in [0, 1].

    Plain betweenness is normalised by the (n-1)(n-2)/2 pairs of other organisations. Border
    betweenness of v is the sum over pairs (s in side A, t in side B) of the share of shortest
    s-t paths through v, divided by the number of such pairs that are connected at all, so it
    reads "this share of cross-border routes runs through v" (endpoints count 0 on their own
    pairs). Link weights are ignored on purpose: a weight counts shared projects, not distance.

    Above `approximate_above` vertices exact betweenness takes seconds to minutes, so both are
    estimated from `samples` randomly chosen sources (Brandes & Pich 2007) and rescaled; the
    border measure samples the smaller side. The result says whether it is approximate.
    """
    pair = resolve_sides(links, grouping, sides)
    if approximate_above < 1 or samples < 1:
        raise ValidationError(
            f"approximate_above ({approximate_above}) and samples ({samples}) must be at least "
            "1; use the defaults unless you measured otherwise"
        )
    network = Network.of(links)
    graph, n = network.graph, len(network.ids)
    group = links.grouper(grouping)
    groups = [group(i) for i in network.ids]
    side_a = [v for v, g in enumerate(groups) if g == pair[0]]
    side_b = [v for v, g in enumerate(groups) if g == pair[1]]
    approximate = n > approximate_above and n > samples
    rng = np.random.default_rng(seed)
    plain = _plain_betweenness(graph, samples if approximate else None, rng)
    border = _border_betweenness(graph, side_a, side_b, samples if approximate else None, rng)
    return Betweenness(
        betweenness=dict(zip(network.ids, plain.tolist(), strict=True)),
        border_betweenness=dict(zip(network.ids, border.tolist(), strict=True)),
        sides=pair,
        approximate=approximate,
        samples=samples if approximate else None,
    )


def _plain_betweenness(
    graph: ig.Graph, samples: int | None, rng: np.random.Generator
) -> np.ndarray:
    n = graph.vcount()
    if n < 3:
        return np.zeros(n)
    if samples is None:
        raw = np.asarray(graph.betweenness(directed=False), dtype=float)
    else:
        # igraph gives each (source, target) pair half a path when undirected, exactly as the
        # full count does; n / k scales the k sampled sources up to all n.
        pivots = rng.choice(n, size=samples, replace=False).tolist()
        raw = np.asarray(graph.betweenness(directed=False, sources=pivots), dtype=float)
        raw *= n / samples
    return raw / ((n - 1) * (n - 2) / 2)


def _border_betweenness(
    graph: ig.Graph,
    side_a: list[int],
    side_b: list[int],
    samples: int | None,
    rng: np.random.Generator,
) -> np.ndarray:
    n = graph.vcount()
    pairs = _connected_pairs(graph, side_a, side_b)
    if pairs == 0:
        return np.zeros(n)
    sources, targets = sorted((side_a, side_b), key=len)  # one BFS per source
    scale = 2.0  # igraph counts an undirected source-target pair as half a path
    if samples is not None and len(sources) > samples:
        scale *= len(sources) / samples
        sources = sorted(rng.choice(sources, size=samples, replace=False).tolist())
    raw = graph.betweenness(directed=False, sources=sources, targets=targets)
    return np.asarray(raw, dtype=float) * scale / pairs


def _connected_pairs(graph: ig.Graph, side_a: list[int], side_b: list[int]) -> int:
    """How many (side A, side B) pairs have a path between them: Σ per component |A|·|B|."""
    if not side_a or not side_b:
        return 0
    membership = np.asarray(graph.connected_components().membership)
    size = int(membership.max()) + 1
    per_a = np.bincount(membership[side_a], minlength=size)
    per_b = np.bincount(membership[side_b], minlength=size)
    return int(per_a @ per_b)


# ---------------------------------------------------------------------------- brokers


def brokers(
    links: LinkGraph,
    *,
    grouping: str = "country",
    sides: Sequence[str] | None = None,
    limit: int = 50,
    sort: str = "border_betweenness",
) -> BrokersResult:
    """The organisations that broker most, by `sort`, with every brokerage measure side by side.

    Ties are broken by total brokerage, then degree, then name, so the ranking is stable.
    """
    if sort not in SORT_FIELDS:
        raise ValidationError(f"unknown sort {sort!r}; use one of {list(SORT_FIELDS)}")
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, got {limit}")
    between = betweenness(links, grouping=grouping, sides=sides)
    roles = gould_fernandez(links, grouping=grouping)
    rows = _rows(links, grouping, between, roles)
    rows.sort(
        key=lambda r: (-getattr(r, sort), -r.total_brokerage, -r.degree, r.org.name, r.org.id)
    )
    return BrokersResult(
        scope=Scope.of(links, grouping),
        sides=between.sides,
        sort=sort,
        approximate=between.approximate,
        samples=between.samples,
        brokers=rows[:limit],
    )


def top_cross_border_brokers(
    links: LinkGraph,
    *,
    grouping: str = "country",
    sides: Sequence[str] | None = None,
    limit: int = 10,
) -> list[Broker]:
    """The organisations most cross-border shortest paths run through, for a short summary."""
    result = brokers(links, grouping=grouping, sides=sides, limit=limit, sort="border_betweenness")
    return result.brokers


def _rows(
    links: LinkGraph,
    grouping: str,
    between: Betweenness,
    roles: dict[str, dict[str, int]],
) -> list[Broker]:
    group = links.grouper(grouping)
    sides = between.sides
    degree: dict[str, int] = dict.fromkeys(between.betweenness, 0)
    cross: dict[str, int] = dict.fromkeys(between.betweenness, 0)
    other = {sides[0]: sides[1], sides[1]: sides[0]}
    for a, b in links.links:
        degree[a] += 1
        degree[b] += 1
        ga, gb = group(a), group(b)
        if other.get(ga) == gb:
            cross[a] += 1
            cross[b] += 1
    rows = []
    for org_id, value in between.betweenness.items():
        counts = roles.get(org_id, dict.fromkeys(ROLES, 0))
        rows.append(
            Broker(
                org=OrgRef.of(links.orgs[org_id]),
                group=group(org_id),
                degree=degree[org_id],
                cross_border_degree=cross[org_id],
                betweenness=value,
                border_betweenness=between.border_betweenness[org_id],
                total_brokerage=sum(counts.values()),
                **counts,
            )
        )
    return rows
