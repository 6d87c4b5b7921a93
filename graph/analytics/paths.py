"""How two organisations are connected: shortest chains of links, with evidence for every hop."""

from __future__ import annotations

import itertools

from pydantic import BaseModel, Field

from graph.analytics.evidence import LinkView, RelationLookup, link_view
from graph.analytics.links import LinkGraph
from graph.analytics.network import Network
from graph.analytics.results import OrgRef, Scope
from graph.errors import NotFoundError, ValidationError

MAX_PATHS = 20


class Path(BaseModel):
    organisations: list[OrgRef]
    hops: list[LinkView] = Field(description="one link per hop, oriented along the path")
    crosses_border: bool = Field(description="some hop joins two different countries")


class Paths(BaseModel):
    source: OrgRef
    target: OrgRef
    length: int | None = Field(description="hops on a shortest path; null when not connected")
    paths: list[Path] = Field(description="the k shortest simple paths, shortest first")
    scope: Scope


def paths(
    links: LinkGraph,
    lookup: RelationLookup | None,
    *,
    source: str,
    target: str,
    max_paths: int = 5,
    max_evidence: int = 3,
) -> Paths:
    """The shortest chains of links from `source` to `target` (up to `max_paths`)."""
    if not 1 <= max_paths <= MAX_PATHS:
        raise ValidationError(f"max_paths must be between 1 and {MAX_PATHS}, got {max_paths}")
    for org_id in (source, target):
        if org_id not in links.orgs:
            raise NotFoundError(
                f"no organisation {org_id!r} in the analysed graph; look its id up with "
                "GET /organisations?q=… or check the filters"
            )
    if source == target:
        raise ValidationError("source and target are the same organisation")
    found = _shortest(links, source, target, max_paths)
    chosen = found
    return Paths(
        source=OrgRef.of(links.orgs[source]),
        target=OrgRef.of(links.orgs[target]),
        length=len(found[0]) - 1 if found else None,
        paths=[_path(links, ids, lookup, max_evidence) for ids in chosen],
        scope=Scope.of(links, "country"),
    )


def _shortest(links: LinkGraph, source: str, target: str, k: int) -> list[list[str]]:
    """The k shortest simple paths (Yen), shortest first; all shortest paths can be
    exponentially many, so they are never enumerated."""
    if source not in links.linked_orgs() or target not in links.linked_orgs():
        return []
    network = Network.of(links)
    found = network.graph.get_k_shortest_paths(network.index[source], to=network.index[target], k=k)
    as_ids = [[network.ids[v] for v in path] for path in found if path]
    # Deterministic order: by length, then by the names along the way.
    return sorted(as_ids, key=lambda ids: (len(ids), [links.orgs[i].name.casefold() for i in ids]))


def _path(
    links: LinkGraph, ids: list[str], lookup: RelationLookup | None, max_evidence: int
) -> Path:
    hops = []
    for x, y in itertools.pairwise(ids):
        link = links.link(x, y)
        assert link is not None  # a shortest path only walks existing links
        hops.append(link_view(links, link, lookup, first=x, max_evidence=max_evidence))
    countries = [links.orgs[i].country for i in ids]
    return Path(
        organisations=[OrgRef.of(links.orgs[i]) for i in ids],
        hops=hops,
        crosses_border=any(a and b and a != b for a, b in itertools.pairwise(countries)),
    )
