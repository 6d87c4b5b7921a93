"""Which organisations and links each kind of map shows, before any size limit applies."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

from graph.analytics.links import HOME_COUNTRIES, LinkGraph
from graph.analytics.paths import Paths
from graph.analytics.service import Analytics
from graph.analytics.strongholds import link_topics
from graph.model import Organisation
from viz.errors import MapRequestError, UnknownOrganisationError, UnknownTopicError

Key = tuple[str, str]
PATHS_SHOWN = 5  # k shortest paths on a path map


@dataclass(slots=True)
class Selection:
    """Organisations and links a map is about, and how to describe them.

    `pinned` organisations stay on the map whatever the size limit (an ego's centre, a path's
    ends). `hops` is each organisation's distance from the centre or the path's source.
    """

    title: str
    subject: str
    orgs: list[str]
    links: list[Key]
    pinned: frozenset[str] = frozenset()
    hops: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def ecosystem(links: LinkGraph, topic: str | None) -> Selection:
    keys = _links_among(links, _topic_orgs(links, topic)) if topic else sorted(links.links)
    title = "Medicon Valley ecosystem" + (f": {_topic_name(topic)}" if topic else "")
    subject = "organisations with links" + (f" active in {_topic_name(topic)}" if topic else "")
    return _with_linked_only(title, subject, keys)


def cross_border(links: LinkGraph, topic: str | None) -> Selection:
    # Without a country filter the map is the Øresund: Denmark and Sweden only. Organisations
    # abroad appear (south of the map) when the filter names their countries.
    countries = links.link_filter.countries or frozenset(HOME_COUNTRIES)
    orgs = {i for i, o in links.orgs.items() if o.country in countries}
    if topic:
        orgs &= _topic_orgs(links, topic)
    keys = _links_among(links, orgs)
    shown = (
        "Danish and Swedish organisations"
        if countries == frozenset(HOME_COUNTRIES)
        else f"organisations in {', '.join(sorted(countries))}"
    )
    title = "Cross-border links across the Øresund" + (f": {_topic_name(topic)}" if topic else "")
    subject = f"{shown} with links" + (f", active in {_topic_name(topic)}" if topic else "")
    return _with_linked_only(title, subject, keys)


def ego(analytics: Analytics, links: LinkGraph, centre: str, hops: int) -> Selection:
    org = organisation(analytics, links, centre, "org")
    distance = {centre: 0}
    queue = deque([centre])
    adjacency = links.adjacency()
    while queue:
        current = queue.popleft()
        if distance[current] == hops:
            continue
        for other in adjacency.get(current, ()):
            if other not in distance:
                distance[other] = distance[current] + 1
                queue.append(other)
    keys = _links_among(links, set(distance))
    reach = "1 hop" if hops == 1 else f"{hops} hops"
    notes = [] if keys else [f"{org.name} has no links under these filters."]
    return Selection(
        title=f"Around {org.name} ({reach})",
        subject=f"{org.name} and the organisations within {reach} of it",
        orgs=sorted(distance, key=lambda i: (distance[i], i)),
        links=keys,
        pinned=frozenset({centre}),
        hops=distance,
        notes=notes,
    )


def stronghold(links: LinkGraph, topic: str, sides: tuple[str, str]) -> Selection:
    """The topic's organisations on both sides and the links that count for the topic there
    (both ends active in it, or a shared project about it), as the strongholds measure counts."""
    members = {i for i in _topic_orgs(links, topic) if links.orgs[i].country in sides}
    topics_of = {i: frozenset(o.topics) for i, o in links.orgs.items()}
    keys = []
    for key, link in links.links.items():
        a, b = links.orgs[key[0]], links.orgs[key[1]]
        on_sides = a.country in sides and b.country in sides
        if on_sides and topic in link_topics(link, topics_of, links.projects):
            keys.append(key)
    orgs = members | {i for key in keys for i in key}
    counts = {side: sum(1 for i in orgs if links.orgs[i].country == side) for side in sides}
    across = sum(1 for a, b in keys if links.orgs[a].country != links.orgs[b].country)
    name = _topic_name(topic)
    return Selection(
        title=f"Stronghold: {name} on both sides of the Øresund",
        subject=f"organisations in {sides[0]} and {sides[1]} active in {name} and their links "
        "about it",
        orgs=sorted(orgs),
        links=sorted(keys),
        notes=[
            f"{name.capitalize()}: {counts[sides[0]]:,} organisations in {sides[0]}, "
            f"{counts[sides[1]]:,} in {sides[1]}, {across:,} links across the border, "
            f"{len(keys) - across:,} within a country."
        ],
    )


def path(
    analytics: Analytics, links: LinkGraph, source: str, target: str, result: Paths
) -> Selection:
    """The organisations and links on the k shortest paths (`result` from the paths measure)."""
    first = organisation(analytics, links, source, "org")
    last = organisation(analytics, links, target, "target")
    hops: dict[str, int] = {}
    keys: set[Key] = set()
    for found in result.paths:
        ids = [o.id for o in found.organisations]
        for index, org_id in enumerate(ids):
            hops[org_id] = min(hops.get(org_id, index), index)
        for x, y in itertools.pairwise(ids):
            keys.add((x, y) if x < y else (y, x))
    if hops:  # the target in the last column, however short its shortest path
        hops[target] = max(len(found.organisations) - 1 for found in result.paths)
    notes = []
    if not result.paths:
        hops = {source: 0, target: 1}
        notes.append(f"{first.name} and {last.name} are not connected under these filters.")
    else:
        shown = len(result.paths)
        notes.append(
            f"{'The shortest path' if shown == 1 else f'The {shown} shortest paths'}: "
            f"{result.length} hop{'s' if result.length != 1 else ''} at the shortest."
        )
    return Selection(
        title=f"How {first.name} and {last.name} are connected",
        subject=f"the shortest chains of links from {first.name} to {last.name}",
        orgs=sorted(hops, key=lambda i: (hops[i], i)),
        links=sorted(keys),
        pinned=frozenset({source, target}),
        hops=hops,
        notes=notes,
    )


# ---------------------------------------------------------------------------- checks


def known_topics(links: LinkGraph) -> list[str]:
    found = {t for o in links.orgs.values() for t in o.topics}
    found |= {t for p in links.projects.values() for t in p.topics}
    return sorted(found)


def check_topic(links: LinkGraph, topic: str) -> str:
    """The topic as the graph spells it (case and spaces forgiven), or an error naming them."""
    topics = known_topics(links)
    wanted = topic.strip().casefold().replace(" ", "_").replace("-", "_")
    for known in topics:
        if known.casefold() == wanted:
            return known
    shown = ", ".join(topics[:40]) + (" …" if len(topics) > 40 else "")
    raise UnknownTopicError(
        f"unknown topic {topic!r}: no organisation or project under these filters has it; "
        f"use one of: {shown or 'none (the graph has no topics)'}"
    )


def organisation(analytics: Analytics, links: LinkGraph, org_id: str, role: str) -> Organisation:
    if org_id in links.orgs:
        return links.orgs[org_id]
    node = analytics.store.get_node(org_id)
    if isinstance(node, Organisation):
        raise UnknownOrganisationError(
            f"{role} {org_id!r} ({node.name}, {node.kind.value}, {node.country or 'no country'}) "
            "is excluded by the filter's kinds or countries; widen the filter to map it"
        )
    hint = _suggestions(analytics, org_id)
    raise UnknownOrganisationError(
        f"{role} {org_id!r} is not an organisation in the graph; give an organisation id such "
        f"as 'org:ror:035b05819' (look it up with GET /organisations?q=<name>){hint}"
    )


def _suggestions(analytics: Analytics, text: str) -> str:
    """ "; did you mean …" from a name search, when the caller gave a name instead of an id."""
    try:
        hits = analytics.store.search(text, labels=["Organisation"], limit=3)
    except Exception:  # a suggestion must never hide the real error
        return ""
    if not hits:
        return ""
    return "; did you mean " + ", ".join(f"{h.node.id} ({h.node.name})" for h in hits) + "?"


def check_pair(source: str | None, target: str | None) -> None:
    if not source or not target:
        raise MapRequestError(
            "a path map needs two organisations: org (the source) and target, as ids"
        )
    if source == target:
        raise MapRequestError("a path map needs two different organisations (org and target)")


# ---------------------------------------------------------------------------- helpers


def _topic_orgs(links: LinkGraph, topic: str) -> set[str]:
    return {i for i, o in links.orgs.items() if topic in o.topics}


def _topic_name(topic: str | None) -> str:
    return (topic or "").replace("_", " ")


def _links_among(links: LinkGraph, orgs: set[str]) -> list[Key]:
    return sorted(k for k in links.links if k[0] in orgs and k[1] in orgs)


def _with_linked_only(title: str, subject: str, keys: list[Key]) -> Selection:
    """Organisations with at least one of the selected links: isolated ones say nothing on a
    map of links (the caption counts every organisation the filter keeps)."""
    linked = {i for key in keys for i in key}
    return Selection(title=title, subject=subject, orgs=sorted(linked), links=keys)
