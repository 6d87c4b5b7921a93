"""From a selection to what is drawn: every organisation, the top ones, or groups of them.

A browser draws a few thousand nodes and edges smoothly; tens of thousands make it crawl. So a
selection larger than the request's `max_nodes` is reduced, and the caption says how:

- "top": the `max_nodes` organisations with the highest size measure (for an ego map: nearest to
  the centre first); links among them are drawn.
- "community" / "city" / "kind": one node per Leiden community, per city, or per country and
  kind, sized by its members; one edge per pair of groups, as wide as the links it stands for.
  More groups than `max_nodes`: the largest are kept.

Then at most MAX_EDGES edges are drawn (see _cap_edges); the layout still uses all links.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from statistics import fmean

import igraph as ig

from graph.analytics.links import LinkGraph
from graph.model import Organisation
from viz.details import group_edge_info, group_info, is_cross_border, link_edge, org_node
from viz.drawing import GROUP, Drawing, MapEdge, MapNode
from viz.measures import Measures
from viz.select import Key, Selection

AGGREGATIONS = ("top", "community", "city", "kind")
# Edges drawn at most. Measured in headless Chromium on 2 cores: 1,500 nodes and 6,000 straight
# edges with physics off are ready in 1-1.6 s (5-6 MB page) and redraw a frame in 25-55 ms.
MAX_EDGES = 6_000
GROUP_EDGES_PER_NODE, GROUP_EDGES_MIN = 4, 40  # edges drawn between groups: 4 per group
COMMUNITY_SEED = 0


def build(
    selection: Selection,
    links: LinkGraph,
    measures: Measures,
    *,
    grouping: str,
    max_nodes: int,
    aggregate: str,
    cross_first: bool = False,
    max_edges: int | None = None,
) -> Drawing:
    group = links.grouper(grouping)
    total = len(selection.orgs)
    if total <= max_nodes:
        drawing = _organisations(selection, selection.orgs, links, measures, group)
    elif aggregate == "top" or selection.hops:
        # Ego and path maps keep organisations: grouping the neighbours of one organisation would
        # hide exactly what such a map is asked for.
        kept = _top(selection, measures, max_nodes)
        drawing = _organisations(selection, kept, links, measures, group)
        order = "nearest first, then by " if selection.hops else "by "
        drawing.aggregated.append(
            f"{total:,} organisations exceed the map's limit of {max_nodes:,}: only the "
            f"{len(kept):,} top ones ({order}{measures.size_by}) are shown"
        )
    else:
        drawing = _groups(selection, links, measures, group, aggregate, max_nodes)
    limit = MAX_EDGES if max_edges is None else max_edges
    grouped = any(n.what == GROUP for n in drawing.nodes)
    if grouped:
        # Groups are few and nearly all linked to each other: a readable map shows each
        # group's strongest ties, not every pair.
        limit = min(limit, max(GROUP_EDGES_MIN, GROUP_EDGES_PER_NODE * len(drawing.nodes)))
    _cap_edges(
        drawing, selection.pinned, limit, cross_first, "group" if grouped else "organisation"
    )
    return drawing


# ---------------------------------------------------------------------------- organisations


def _organisations(
    selection: Selection,
    kept: list[str],
    links: LinkGraph,
    measures: Measures,
    group: Callable[[str], str],
) -> Drawing:
    chosen = set(kept)
    nodes = [
        org_node(
            links.orgs[i],
            group(i),
            measures,
            pinned=i in selection.pinned,
            hop=selection.hops.get(i),
        )
        for i in kept
    ]
    keys = [k for k in selection.links if k[0] in chosen and k[1] in chosen]
    edges = [link_edge(links, key, f"e{n}") for n, key in enumerate(keys)]
    return Drawing(nodes=nodes, edges=edges)


def _top(selection: Selection, measures: Measures, limit: int) -> list[str]:
    def rank(org_id: str) -> tuple:
        return (
            org_id not in selection.pinned,
            selection.hops.get(org_id, 0),
            -measures.value(org_id),
            -measures.degree.get(org_id, 0),
            org_id,
        )

    return sorted(selection.orgs, key=rank)[:limit]


# ---------------------------------------------------------------------------- groups


def _groups(
    selection: Selection,
    links: LinkGraph,
    measures: Measures,
    group: Callable[[str], str],
    aggregate: str,
    max_nodes: int,
) -> Drawing:
    orgs = links.orgs
    keys = _group_keys(selection, links, aggregate)
    members: dict[str, list[Organisation]] = defaultdict(list)
    for org_id, key in keys.items():
        members[key].append(orgs[org_id])
    ranked = sorted(members, key=lambda k: (k not in selection.pinned, -len(members[k]), k))
    kept = set(ranked[:max_nodes])
    internal: Counter[str] = Counter()
    between: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for a, b in selection.links:
        ga, gb = keys[a], keys[b]
        if ga not in kept or gb not in kept:
            continue
        if ga == gb:
            internal[ga] += 1
        else:
            between[(ga, gb) if ga < gb else (gb, ga)].append((a, b))
    nodes = []
    for key in ranked[: len(kept)]:
        if key in selection.pinned:
            nodes.append(org_node(orgs[key], group(key), measures, pinned=True))
        else:
            nodes.append(_group_node(key, members[key], measures, group, internal[key], aggregate))
    names = {n.id: n.name for n in nodes}
    edges = [
        _group_edge(f"e{n}", pair, found, links, names)
        for n, (pair, found) in enumerate(sorted(between.items()))
    ]
    drawing = Drawing(nodes=nodes, edges=edges)
    shown = sum(len(members[k]) for k in kept)
    what = {"community": "Leiden community", "city": "city", "kind": "country and kind"}[aggregate]
    text = (
        f"{len(selection.orgs):,} organisations exceed the map's limit of {max_nodes:,}: they "
        f"are drawn as {len(members):,} groups, one per {what}, sized by members"
    )
    if len(kept) < len(members):
        text += (
            f"; only the {len(kept):,} largest groups are shown "
            f"({shown:,} organisations, {len(selection.orgs) - shown:,} left out)"
        )
    drawing.aggregated.append(text)
    return drawing


def _group_keys(selection: Selection, links: LinkGraph, aggregate: str) -> dict[str, str]:
    """Each selected organisation's group id (pinned organisations are their own group)."""
    if aggregate == "community":
        keys = _communities(selection)
    else:
        keys = {}
        for org_id in selection.orgs:
            org = links.orgs[org_id]
            country = org.country or "?"
            if aggregate == "city":
                keys[org_id] = f"group:city:{country}:{org.city or '?'}"
            else:
                keys[org_id] = f"group:kind:{country}:{org.kind.value}"
    for org_id in selection.pinned:
        keys[org_id] = org_id
    return keys


def _communities(selection: Selection) -> dict[str, str]:
    """Leiden (modularity) communities of the selected organisations, numbered by size.

    igraph draws from Python's `random`; a private generator keeps the result reproducible
    without touching the global one (as graph.analytics.communities does).
    """
    ids = selection.orgs
    index = {org_id: n for n, org_id in enumerate(ids)}
    graph = ig.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b in selection.links])
    ig.set_random_number_generator(random.Random(COMMUNITY_SEED))
    try:
        membership = graph.community_leiden(objective_function="modularity", n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    sizes = Counter(membership.membership)
    order = sorted(sizes, key=lambda c: (-sizes[c], c))
    rank = {c: r for r, c in enumerate(order)}
    return {
        org_id: f"group:community:{rank[c] + 1}"
        for org_id, c in zip(ids, membership.membership, strict=True)
    }


def _group_node(
    key: str,
    members: list[Organisation],
    measures: Measures,
    group: Callable[[str], str],
    internal: int,
    aggregate: str,
) -> MapNode:
    colours = Counter(group(m.id) for m in members)
    countries = Counter(m.country for m in members)
    country = countries.most_common(1)[0][0]
    located = [(m.lat, m.lon) for m in members if m.lat is not None and m.lon is not None]
    anchor = (fmean(p[0] for p in located), fmean(p[1] for p in located)) if located else None
    name, kind, place = _group_name(key, members, measures, aggregate)
    return MapNode(
        id=key,
        name=name,
        what=GROUP,
        group=colours.most_common(1)[0][0],
        kind=kind,
        value=float(len(members)),
        country=country,
        place=place,
        anchor=anchor,
        members=len(members),
        info=group_info(name, members, measures, internal, aggregate),
    )


def _group_name(
    key: str, members: list[Organisation], measures: Measures, aggregate: str
) -> tuple[str, str, str | None]:
    """(label, kind for the shape, place) of a group."""
    parts = key.split(":", 3)
    count = f"{len(members):,}"
    if aggregate == "city":
        country, city = parts[2], parts[3]
        place = None if city == "?" else city
        where = f"{city}, {country}" if place else f"{country}, location unknown"
        return f"{where} ({count})", GROUP, place
    if aggregate == "kind":
        country, kind = parts[2], parts[3]
        return f"{country} · {kind.replace('_', ' ')} ({count})", kind, None
    lead = max(members, key=lambda m: (measures.value(m.id), m.name))
    short = lead.name if len(lead.name) <= 28 else lead.name[:27].rstrip() + "…"
    return f"#{parts[2]} {short} +{len(members) - 1:,}", GROUP, None


def _group_edge(
    edge_id: str,
    pair: tuple[str, str],
    found: list[Key],
    links: LinkGraph,
    names: dict[str, str],
) -> MapEdge:
    chosen = [links.links[k] for k in found]
    cross = sum(
        1 for a, b in found if is_cross_border(links.orgs[a].country, links.orgs[b].country)
    )
    return MapEdge(
        id=edge_id,
        a=pair[0],
        b=pair[1],
        what=GROUP,
        weight=float(len(found)),
        stated=any(t != "co_participation" for link in chosen for t in link.types),
        links=len(found),
        cross=cross,
        info=group_edge_info(names[pair[0]], names[pair[1]], chosen, cross),
    )


# ---------------------------------------------------------------------------- edges


def _cap_edges(
    drawing: Drawing, pinned: frozenset[str], limit: int, cross_first: bool, noun: str
) -> None:
    """At most `limit` edges: first each node's strongest link (so the cap leaves no node
    stranded), then by rank: the pinned organisations' links, links across the Øresund (on
    maps about the border), the heaviest."""
    total = len(drawing.edges)
    if total <= limit:
        return
    drawing.layout_pairs = drawing.edges_as_pairs()

    def rank(edge: MapEdge) -> tuple:
        touches = edge.a in pinned or edge.b in pinned
        return (not touches, -edge.cross if cross_first else 0, -edge.weight, edge.id)

    ranked = sorted(drawing.edges, key=rank)
    kept: dict[str, MapEdge] = {}
    linked: set[str] = set()
    for edge in ranked:
        if edge.a not in linked or edge.b not in linked:
            kept[edge.id] = edge
            linked.update((edge.a, edge.b))
    for edge in ranked:
        if len(kept) >= limit:
            break
        kept.setdefault(edge.id, edge)
    drawing.edges = sorted(kept.values(), key=rank)[:limit]
    order = "links across the Øresund, then " if cross_first else ""
    drawing.aggregated.append(
        f"only {limit:,} of the {total:,} links among them are drawn (each {noun}'s "
        f"strongest first, then {order}the heaviest); the layout uses all of them"
    )
