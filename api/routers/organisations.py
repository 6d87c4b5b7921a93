"""Organisations: search and list them, read one's profile, its links with their evidence and
its neighbourhood."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, StringConstraints

from api.deps import StoreDep
from api.models import (
    DEFAULT_PAGE_SIZE,
    EdgeOut,
    EvidenceOut,
    Limit,
    NodeRef,
    Offset,
    Page,
    edge_out,
    missing_ref,
    name_key,
    node_ref,
    shown_evidence,
)
from api.reads import direct_links, direction, other_end, typed_node
from api.state import NodeListsDep
from graph.model import Node, Organisation, OrgKind, RelType
from graph.store import GraphFilter
from graph.store.base import MAX_SEARCH_RESULTS

router = APIRouter(prefix="/organisations", tags=["organisations"])

LISTING = "/organisations?q=NAME"
MAX_NEIGHBOURHOOD_HOPS = 3
_NOT_FOUND = {
    404: {
        "description": "No organisation has this id",
        "content": {"application/problem+json": {}},
    }
}


class LinkType(StrEnum):
    """The relations between an organisation and its partners, parents and projects."""

    COLLABORATES_WITH = RelType.COLLABORATES_WITH.value
    SUBSIDIARY_OF = RelType.SUBSIDIARY_OF.value
    PARTICIPATES_IN = RelType.PARTICIPATES_IN.value


# ---------------------------------------------------------------------------- models


class OrganisationSummary(BaseModel):
    id: str = Field(examples=["org:dk:genmab"])
    name: str = Field(examples=["Genmab"])
    kind: OrgKind = Field(examples=[OrgKind.COMPANY])
    country: str | None = Field(description="ISO 3166 alpha-2", examples=["DK"])
    region: str | None = Field(examples=["Capital Region"])
    city: str | None = Field(examples=["Copenhagen"])
    score: float | None = Field(
        None, description="Search relevance, higher is better (only when searching with q)"
    )


class OrganisationPage(Page):
    items: list[OrganisationSummary]


class RoleHolder(BaseModel):
    person: NodeRef
    role: str | None = Field(description="The title the sources give", examples=["CEO"])
    relation_id: str = Field(
        description="The HAS_ROLE relation; its evidence is on GET /people/{id}",
        examples=["rel:3f1c0e5d2a9b8c7d6e5f"],
    )
    confidence: float = Field(ge=0, le=1, examples=[0.8])


class OrganisationProfile(BaseModel):
    id: str = Field(examples=["org:dk:genmab"])
    name: str = Field(examples=["Genmab"])
    aliases: list[str] = Field(examples=[["Genmab A/S"]])
    identifiers: dict[str, str] = Field(
        description="Registry identifiers by scheme (ror, lei, cvr, se_orgnr, pic, …)",
        examples=[{"cvr": "21023884"}],
    )
    kind: OrgKind = Field(examples=[OrgKind.COMPANY])
    country: str | None = Field(examples=["DK"])
    region: str | None = Field(examples=["Capital Region"])
    city: str | None = Field(examples=["Copenhagen"])
    lat: float | None = Field(examples=[55.6761])
    lon: float | None = Field(examples=[12.5683])
    website: str | None = Field(examples=["https://www.genmab.com"])
    topics: list[str] = Field(
        description="Topics from its records and from its ACTIVE_IN relations",
        examples=[["oncology", "antibodies"]],
    )
    sources: list[str] = Field(description="Datasets that state it", examples=[["demo", "ror"]])
    link_counts: dict[str, int] = Field(
        description="Its direct relations by type",
        examples=[{"COLLABORATES_WITH": 2, "ACTIVE_IN": 2, "MENTIONED_IN": 1, "LOCATED_IN": 1}],
    )
    people: list[RoleHolder] = Field(description="People with a role here (HAS_ROLE)")


class Link(BaseModel):
    """One direct relation of the organisation, with the evidence behind it."""

    id: str = Field(examples=["rel:8aaa9e8502dfceeaf767"])
    type: LinkType = Field(examples=[LinkType.COLLABORATES_WITH])
    subtype: str | None = Field(
        description="Kind of collaboration (partnership, licensing, acquisition, …)",
        examples=["acquisition"],
    )
    role: str | None = Field(
        description="The organisation's role in a project", examples=["coordinator"]
    )
    direction: str = Field(
        description="'outgoing': this organisation is the relation's source (the acquirer, "
        "licensor, investor, funder, supplier; the subsidiary of SUBSIDIARY_OF; the "
        "participant); 'incoming': it is the target; 'undirected': a symmetric fact",
        examples=["outgoing"],
    )
    other: NodeRef = Field(description="The node at the other end")
    start: str | None = Field(examples=["2020-01-01"])
    end: str | None = Field(examples=[None])
    first_seen: str | None = Field(
        description="Earliest date of its evidence or start", examples=["2024-05-21"]
    )
    last_seen: str | None = Field(examples=["2024-05-21"])
    confidence: float = Field(ge=0, le=1, examples=[1.0])
    corroboration: int = Field(description="How many distinct sources state it", examples=[2])
    evidence_total: int = Field(description="Pieces of evidence stored", examples=[2])
    evidence: list[EvidenceOut] = Field(
        description="The evidence, newest first (at most 20 pieces)"
    )


class LinkPage(Page):
    organisation: NodeRef
    items: list[Link]


class Neighbourhood(BaseModel):
    center: str = Field(examples=["org:dk:genmab"])
    hops: int = Field(examples=[1])
    nodes: list[NodeRef]
    edges: list[EdgeOut]
    truncated: bool = Field(description="True when `limit` stopped the walk", examples=[False])


# ---------------------------------------------------------------------------- routes


OrgId = Annotated[
    str, Path(description="The organisation's id", examples=["org:dk:genmab"], max_length=500)
]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
IsoDate = Annotated[
    str | None,
    Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", examples=["2020-01-01"]),
]


@router.get("", response_model=OrganisationPage)
def list_organisations(
    store: StoreDep,
    lists: NodeListsDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description=f"Name or alias to search for (prefixes match, diacritics are folded); "
            f"results in order of relevance, the best {MAX_SEARCH_RESULTS} at most",
            examples=["novo"],
        ),
    ] = None,
    country: Annotated[
        list[CountryCode] | None,
        Query(description="ISO 3166 alpha-2 code; repeat for several", examples=[["DK", "SE"]]),
    ] = None,
    kind: Annotated[list[OrgKind] | None, Query(description="Repeat for several")] = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    offset: Offset = 0,
) -> OrganisationPage:
    """Organisations by name (with `q`), or all of them sorted by name, filtered by country
    and kind."""
    countries = {c.upper() for c in country or ()}
    kinds = set(kind or ())
    if q and q.strip():
        hits = store.search(q, labels=["Organisation"], limit=MAX_SEARCH_RESULTS)
        rows = [
            _summary(h.node).model_copy(update={"score": h.score})
            for h in hits
            if isinstance(h.node, Organisation)
        ]
    else:
        rows = lists.get(store, "Organisation", _summary, _by_name)
    matching = [
        r
        for r in rows
        if (not countries or r.country in countries) and (not kinds or r.kind in kinds)
    ]
    return OrganisationPage(
        total=len(matching), limit=limit, offset=offset, items=matching[offset : offset + limit]
    )


@router.get("/{org_id}", response_model=OrganisationProfile, responses=_NOT_FOUND)
def get_organisation(org_id: OrgId, store: StoreDep) -> OrganisationProfile:
    """Everything stored about one organisation, with counts of its links and its people."""
    org = typed_node(store, org_id, Organisation, LISTING)
    around = direct_links(store, org_id, GraphFilter())
    topics = dict.fromkeys(org.topics)
    people: list[RoleHolder] = []
    for edge in around.edges:
        other = around.nodes.get(other_end(edge, org_id))
        if edge.type == RelType.ACTIVE_IN and other is not None and other.label == "Topic":
            topics.setdefault(other.name, None)
        if edge.type == RelType.HAS_ROLE and edge.target == org_id and other is not None:
            people.append(
                RoleHolder(
                    person=node_ref(other),
                    role=edge.role,
                    relation_id=edge.id,
                    confidence=edge.confidence,
                )
            )
    people.sort(key=lambda p: (name_key(p.person.name), p.role or ""))
    return OrganisationProfile(
        id=org.id,
        name=org.name,
        aliases=list(org.aliases),
        identifiers=org.identifiers,
        kind=org.kind,
        country=org.country,
        region=org.region,
        city=org.city,
        lat=org.lat,
        lon=org.lon,
        website=org.website,
        topics=list(topics),
        sources=list(org.sources),
        link_counts=dict(sorted(Counter(e.type for e in around.edges).items())),
        people=people,
    )


@router.get("/{org_id}/links", response_model=LinkPage, responses=_NOT_FOUND)
def get_organisation_links(
    org_id: OrgId,
    store: StoreDep,
    types: Annotated[
        list[LinkType] | None,
        Query(alias="type", description="Relation types to include (all three by default)"),
    ] = None,
    min_confidence: Annotated[float, Query(ge=0, le=1)] = 0.0,
    since: IsoDate = None,
    until: IsoDate = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    offset: Offset = 0,
) -> LinkPage:
    """Its collaborations, parents and subsidiaries, and projects, each with the evidence
    that states it (sentence, source, date, url, extractor, confidence).

    `since`/`until` keep relations whose evidence dates overlap the interval; undated
    relations are left out as soon as either is given."""
    org = typed_node(store, org_id, Organisation, LISTING)
    flt = GraphFilter.of(
        relation_types=[t.value for t in types or LinkType],
        min_confidence=min_confidence,
        since=since,
        until=until,
    )
    around = direct_links(store, org_id, flt)
    edges = sorted(
        around.edges,
        key=lambda e: (e.type, _sort_name(around.nodes.get(other_end(e, org_id))), e.id),
    )
    page = edges[offset : offset + limit]
    relations = store.get_relations(e.id for e in page)
    items = []
    for edge in page:
        other_id = other_end(edge, org_id)
        other = around.nodes.get(other_id)
        relation = relations.get(edge.id)
        items.append(
            Link(
                id=edge.id,
                type=LinkType(edge.type),
                subtype=edge.subtype,
                role=edge.role,
                direction=direction(edge, org_id),
                other=node_ref(other) if other is not None else missing_ref(other_id),
                start=edge.start,
                end=edge.end,
                first_seen=edge.first_seen,
                last_seen=edge.last_seen,
                confidence=edge.confidence,
                corroboration=edge.corroboration,
                evidence_total=len(relation.evidence) if relation else 0,
                evidence=shown_evidence(relation),
            )
        )
    return LinkPage(
        organisation=node_ref(org), total=len(edges), limit=limit, offset=offset, items=items
    )


@router.get("/{org_id}/neighbours", response_model=Neighbourhood, responses=_NOT_FOUND)
def get_organisation_neighbours(
    org_id: OrgId,
    store: StoreDep,
    hops: Annotated[int, Query(ge=1, le=MAX_NEIGHBOURHOOD_HOPS)] = 1,
    types: Annotated[
        list[RelType] | None,
        Query(description="Relation types to walk along (all by default); repeat for several"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5_000, description="Most nodes returned")] = 500,
) -> Neighbourhood:
    """Nodes and edges (without evidence) within `hops` steps, breadth first."""
    typed_node(store, org_id, Organisation, LISTING)
    flt = GraphFilter.of(relation_types=[t.value for t in types or ()])
    sub = store.neighbours(org_id, hops=hops, graph_filter=flt, limit=limit)
    nodes = sorted(sub.nodes.values(), key=lambda n: (n.id != org_id, n.label, _sort_name(n)))
    return Neighbourhood(
        center=org_id,
        hops=hops,
        nodes=[node_ref(n) for n in nodes],
        edges=[edge_out(e) for e in sorted(sub.edges, key=lambda e: e.id)],
        truncated=len(sub.nodes) >= limit,
    )


# ---------------------------------------------------------------------------- helpers


def _summary(node: Node) -> OrganisationSummary:
    if not isinstance(node, Organisation):
        raise TypeError(f"{node.id} is a {node.label}, not an Organisation")
    return OrganisationSummary(
        id=node.id,
        name=node.name,
        kind=node.kind,
        country=node.country,
        region=node.region,
        city=node.city,
    )


def _by_name(row: OrganisationSummary) -> tuple[str, str]:
    return (name_key(row.name), row.id)


def _sort_name(node: Node | None) -> str:
    return name_key(node.name) if node is not None else ""
