"""What the tooltips say: plain-text facts about organisations, groups and links.

Values stay plain text here. The page escapes them for the JSON block, and the browser script
writes them with textContent, so a name like `<img src=x onerror=…>` is shown, never parsed. URLs
are kept only when they are absolute http(s) URLs (the script checks again before linking).
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from graph.analytics.evidence import EvidenceItem, RelationLookup, evidence_of
from graph.analytics.links import (
    A_TO_B,
    B_TO_A,
    CO_PARTICIPATION,
    HOME_COUNTRIES,
    Contribution,
    Link,
    LinkGraph,
)
from graph.model import Organisation, Relation
from viz.drawing import GROUP, ORG, MapEdge, MapNode
from viz.measures import Measures

EVIDENCE_PER_LINK = 3  # evidence items per link in its tooltip, newest first
EVIDENCE_CHARS = 500  # a sentence longer than this is cut (the source link has it all)
TOP_MEMBERS = 8  # members a group's tooltip names
LOOKUP_BATCH = 5_000  # relation ids per store lookup
MAX_URL = 2_000


# ---------------------------------------------------------------------------- organisations


def org_node(
    org: Organisation,
    group: str,
    measures: Measures,
    *,
    pinned: bool = False,
    hop: int | None = None,
) -> MapNode:
    anchor = (org.lat, org.lon) if org.lat is not None and org.lon is not None else None
    return MapNode(
        id=org.id,
        name=org.name,
        what=ORG,
        group=group,
        kind=org.kind.value,
        value=measures.value(org.id),
        country=org.country,
        place=org.city,
        anchor=anchor,
        pinned=pinned,
        hop=hop,
        info=org_info(org, measures),
    )


def org_info(org: Organisation, measures: Measures) -> dict[str, Any]:
    where = ", ".join(p for p in (org.city, org.region, org.country) if p)
    return _compact(
        {
            "t": ORG,
            "name": org.name,
            "id": org.id,
            "kind": org.kind.value.replace("_", " "),
            "where": where or "location unknown",
            "ids": [[k, v] for k, v in sorted(org.identifiers.items())],
            "website": safe_url(org.website),
            "topics": [t.replace("_", " ") for t in org.topics],
            "measures": measures.rows(org.id),
        }
    )


# ---------------------------------------------------------------------------- groups


def group_info(
    name: str, members: list[Organisation], measures: Measures, internal: int, how: str
) -> dict[str, Any]:
    """A group's tooltip: its size, its mix of countries and kinds, its leading members."""
    countries = Counter(m.country or "unknown" for m in members)
    kinds = Counter(m.kind.value.replace("_", " ") for m in members)
    ranked = sorted(members, key=lambda m: (-measures.value(m.id), m.name.casefold(), m.id))
    return _compact(
        {
            "t": GROUP,
            "name": name,
            "how": how,
            "members": len(members),
            "internal": internal,
            "countries": [[c, n] for c, n in countries.most_common()],
            "kinds": [[k, n] for k, n in kinds.most_common()],
            "top": [m.name for m in ranked[:TOP_MEMBERS]],
            "more": max(0, len(members) - TOP_MEMBERS),
        }
    )


def group_edge_info(name_a: str, name_b: str, links: list[Link], cross: int) -> dict[str, Any]:
    types = Counter(t for link in links for t in link.types)
    return _compact(
        {
            "t": GROUP,
            "a": name_a,
            "b": name_b,
            "links": len(links),
            "cross": cross,
            "types": [[t.replace("_", " "), n] for t, n in types.most_common()],
        }
    )


# ---------------------------------------------------------------------------- links


def link_edge(links: LinkGraph, key: tuple[str, str], edge_id: str) -> MapEdge:
    link = links.links[key]
    a, b = links.orgs[link.a], links.orgs[link.b]
    direction = link.direction
    arrow = "a->b" if direction == A_TO_B else "b->a" if direction == B_TO_A else None
    cross = int(is_cross_border(a.country, b.country))
    return MapEdge(
        id=edge_id,
        a=link.a,
        b=link.b,
        what=ORG,
        weight=link.weight,
        stated=any(c.type != CO_PARTICIPATION for c in link.contributions),
        arrow=arrow,
        cross=cross,
    )


def link_info(link: Link, a: Organisation, b: Organisation, arrow: str | None) -> dict[str, Any]:
    direction = None
    if arrow == "a->b":
        direction = f"{a.name} → {b.name}"
    elif arrow == "b->a":
        direction = f"{b.name} → {a.name}"
    return _compact(
        {
            "t": ORG,
            "a": a.name,
            "b": b.name,
            "cross": is_cross_border(a.country, b.country),
            "types": [t.replace("_", " ") for t in link.types],
            "layers": [x.replace("_", " ") for x in link.layers],
            "first": link.first_seen,
            "last": link.last_seen,
            "weight": link.weight,
            "confidence": link.confidence,
            "direction": direction,
        }
    )


def is_cross_border(x: str | None, y: str | None) -> bool:
    """Does a link join Denmark and Sweden (across the Øresund)?"""
    return x != y and x in HOME_COUNTRIES and y in HOME_COUNTRIES


def describe_links(edges: list[MapEdge], links: LinkGraph, lookup: RelationLookup) -> None:
    """Tooltips of the drawn organisation links: their facts and up to EVIDENCE_PER_LINK
    evidence items, read in a few batched lookups. Done after the edge cap, for drawn links only.

    Only the newest contributions are read: a link made of 200 shared publications needs three
    examples and a count, not 200 sentences in the page.
    """
    chosen: dict[str, Link] = {}
    for edge in edges:
        link = links.link(edge.a, edge.b) if edge.what == ORG else None
        if link is None:
            continue
        a, b = links.orgs[link.a], links.orgs[link.b]
        edge.info = link_info(link, a, b, edge.arrow)
        edge.info["reasons"] = len(link.contributions)
        chosen[edge.id] = Link(link.a, link.b, _newest(link))
    relations = _lookup_all(lookup, [r for link in chosen.values() for r in link.relations])
    from_cache = _cached(relations)
    by_id = {edge.id: edge for edge in edges}
    for edge_id, link in chosen.items():
        items = evidence_of(links, [link], from_cache)[:EVIDENCE_PER_LINK]
        if items:
            by_id[edge_id].info["evidence"] = [_evidence(item) for item in items]


def _newest(link: Link) -> list[Contribution]:
    """The newest contributions whose relations can give EVIDENCE_PER_LINK items (a shared
    project has two relations, one per participant), so no more relations are read than shown."""
    newest = sorted(link.contributions, key=lambda c: c.end or c.start or "", reverse=True)
    chosen, relations = [], 0
    for item in newest:
        if relations >= EVIDENCE_PER_LINK:
            break
        chosen.append(item)
        relations += len(item.relations)
    return chosen


def _lookup_all(lookup: RelationLookup, ids: list[str]) -> dict[str, Relation]:
    unique = sorted(set(ids))
    found: dict[str, Relation] = {}
    for start in range(0, len(unique), LOOKUP_BATCH):
        found.update(lookup(unique[start : start + LOOKUP_BATCH]))
    return found


def _cached(relations: dict[str, Relation]) -> RelationLookup:
    return lambda ids: {i: relations[i] for i in ids if i in relations}


def _evidence(item: EvidenceItem) -> dict[str, Any]:
    text = item.text or ""
    if len(text) > EVIDENCE_CHARS:
        text = text[: EVIDENCE_CHARS - 1].rstrip() + "…"
    return _compact(
        {
            "text": text or None,
            "date": item.date,
            "type": item.type.replace("_", " "),
            "source": item.source,
            "url": safe_url(item.url),
            "project": item.project.name if item.project else None,
        }
    )


# ---------------------------------------------------------------------------- helpers


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL without spaces or control characters."""
    if not url or len(url) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Without empty values: smaller pages, and the script shows only what is known."""
    return {k: v for k, v in values.items() if not (v is None or v is False or v == "" or v == [])}
