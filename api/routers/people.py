"""People: search and list them, and read one's roles with the evidence for each.

People are stored with a name and their roles only; the model has no field for contact details
and refuses names that look like them, so nothing else can be returned here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.deps import StoreDep
from api.models import (
    DEFAULT_PAGE_SIZE,
    EvidenceOut,
    Limit,
    NodeRef,
    Offset,
    Page,
    missing_ref,
    name_key,
    node_ref,
    shown_evidence,
)
from api.reads import direct_links, typed_node
from api.state import NodeListsDep
from graph.model import Node, Person, RelType
from graph.store import GraphFilter
from graph.store.base import MAX_SEARCH_RESULTS

router = APIRouter(prefix="/people", tags=["people"])

LISTING = "/people?q=NAME"


class PersonSummary(BaseModel):
    id: str = Field(examples=["person:jan-van-de-winkel"])
    name: str = Field(examples=["Jan van de Winkel"])
    score: float | None = Field(
        None, description="Search relevance, higher is better (only when searching with q)"
    )


class PersonPage(Page):
    items: list[PersonSummary]


class Role(BaseModel):
    relation_id: str = Field(examples=["rel:3f1c0e5d2a9b8c7d6e5f"])
    organisation: NodeRef
    role: str | None = Field(description="The title the sources give", examples=["CEO"])
    first_seen: str | None = Field(examples=["2024-05-21"])
    last_seen: str | None = Field(examples=["2024-05-21"])
    confidence: float = Field(ge=0, le=1, examples=[0.8])
    evidence_total: int = Field(examples=[1])
    evidence: list[EvidenceOut] = Field(
        description="The evidence, newest first (at most 20 pieces)"
    )


class PersonProfile(BaseModel):
    id: str = Field(examples=["person:jan-van-de-winkel"])
    name: str = Field(examples=["Jan van de Winkel"])
    roles: list[Role]


@router.get("", response_model=PersonPage)
def list_people(
    store: StoreDep,
    lists: NodeListsDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description=f"Name to search for; results in order of relevance, the best "
            f"{MAX_SEARCH_RESULTS} at most. Without it, everyone sorted by name.",
            examples=["winkel"],
        ),
    ] = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    offset: Offset = 0,
) -> PersonPage:
    """People named in the graph's sources (with a role at an organisation when one is
    stated)."""
    if q and q.strip():
        hits = store.search(q, labels=["Person"], limit=MAX_SEARCH_RESULTS)
        rows = [
            _summary(h.node).model_copy(update={"score": h.score})
            for h in hits
            if isinstance(h.node, Person)
        ]
    else:
        rows = lists.get(store, "Person", _summary, _by_name)
    return PersonPage(
        total=len(rows), limit=limit, offset=offset, items=rows[offset : offset + limit]
    )


@router.get(
    "/{person_id}",
    response_model=PersonProfile,
    responses={
        404: {"description": "No person has this id", "content": {"application/problem+json": {}}}
    },
)
def get_person(
    person_id: Annotated[str, Path(max_length=500, examples=["person:jan-van-de-winkel"])],
    store: StoreDep,
) -> PersonProfile:
    """A person's roles: the organisation, the title and the evidence for each."""
    person = typed_node(store, person_id, Person, LISTING)
    around = direct_links(store, person_id, GraphFilter.of(relation_types=[RelType.HAS_ROLE.value]))
    edges = [e for e in around.edges if e.source == person_id]
    relations = store.get_relations(e.id for e in edges)
    roles = []
    for edge in edges:
        org = around.nodes.get(edge.target)
        relation = relations.get(edge.id)
        roles.append(
            Role(
                relation_id=edge.id,
                organisation=node_ref(org) if org is not None else missing_ref(edge.target),
                role=edge.role,
                first_seen=edge.first_seen,
                last_seen=edge.last_seen,
                confidence=edge.confidence,
                evidence_total=len(relation.evidence) if relation else 0,
                evidence=shown_evidence(relation),
            )
        )
    roles.sort(key=lambda r: (name_key(r.organisation.name), r.role or "", r.relation_id))
    return PersonProfile(id=person.id, name=person.name, roles=roles)


def _summary(node: Node) -> PersonSummary:
    return PersonSummary(id=node.id, name=node.name)


def _by_name(row: PersonSummary) -> tuple[str, str]:
    return (name_key(row.name), row.id)
