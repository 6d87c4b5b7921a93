"""Response models shared by the resource routers: pages, node references, edges, evidence.

Each router defines the models of its own resource; what several of them return (a reference
to another node, an edge, a piece of evidence, the paging fields) lives here, with the functions
that build them from the domain model.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from graph.model import Evidence, Node, Relation
from graph.normalize import strip_accents
from graph.store import Edge

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
# Evidence shown per relation; `evidence_total` says how many pieces there are.
MAX_EVIDENCE_SHOWN = 20

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, Query(ge=0, description="Items to skip before the page")]


class Page(BaseModel):
    """The paging fields of every list; subclasses add `items`."""

    total: int = Field(description="How many items match, over all pages", examples=[137])
    limit: int = Field(description="Page size asked for", examples=[DEFAULT_PAGE_SIZE])
    offset: int = Field(description="Items skipped before this page", examples=[0])


class NodeRef(BaseModel):
    """Another node, named: enough to show it and to follow it."""

    id: str = Field(examples=["org:dk:genmab"])
    label: str = Field(
        description="Organisation, Person, Project, Document, Place or Topic",
        examples=["Organisation"],
    )
    name: str = Field(examples=["Genmab"])
    kind: str | None = Field(
        None, description="Kind of organisation, project, document or place", examples=["company"]
    )
    country: str | None = Field(None, description="ISO 3166 alpha-2", examples=["DK"])


class EvidenceOut(BaseModel):
    """One source's support for a relation."""

    source: str = Field(
        description="The document id (news) or registry record key that states the fact",
        examples=["doc:2ec3591ea9170b8a4eb3"],
    )
    sentence: str | None = Field(
        description="The sentence that states it (news), or the record's text (registries)",
        examples=["Genmab has completed its acquisition of ProfoundBio."],
    )
    date: str | None = Field(description="When the source said it (ISO)", examples=["2024-05-21"])
    url: str | None = Field(
        description="Where the source can be read",
        examples=["https://example.org/mvkg-demo/news/genmab-completes-profoundbio"],
    )
    extractor: str = Field(description="What produced this evidence", examples=["mvkg-nlp"])
    extractor_version: str = Field(examples=["mvkg-nlp 1.0 / en_core_web_sm 3.8.0"])
    confidence: float = Field(ge=0, le=1, examples=[0.9])


class EdgeOut(BaseModel):
    """A relation without its evidence."""

    id: str = Field(examples=["rel:8aaa9e8502dfceeaf767"])
    type: str = Field(examples=["COLLABORATES_WITH"])
    source: str = Field(examples=["org:dk:genmab"])
    target: str = Field(examples=["org:us:profoundbio"])
    directed: bool = Field(
        description="False for symmetric facts (a partnership); True otherwise", examples=[True]
    )
    subtype: str | None = Field(None, examples=["acquisition"])
    role: str | None = Field(None, description="A person's title, a participant's role")
    start: str | None = None
    end: str | None = None
    first_seen: str | None = Field(None, examples=["2024-05-21"])
    last_seen: str | None = Field(None, examples=["2024-05-21"])
    confidence: float = Field(
        ge=0, le=1, description="Noisy-OR over the sources that state it", examples=[1.0]
    )
    corroboration: int = Field(description="How many distinct sources state it", examples=[2])


def node_ref(node: Node) -> NodeRef:
    kind = getattr(node, "kind", None)
    return NodeRef(
        id=node.id,
        label=node.label,
        name=node.name,
        kind=None if kind is None else str(kind),
        country=getattr(node, "country", None),
    )


def missing_ref(node_id: str) -> NodeRef:
    """A reference to a node that a relation names but that was not read (not expected)."""
    return NodeRef(id=node_id, label="unknown", name=node_id)


def evidence_out(evidence: Evidence) -> EvidenceOut:
    return EvidenceOut(
        source=evidence.source,
        sentence=evidence.text,
        date=evidence.date,
        url=evidence.url,
        extractor=evidence.extractor,
        extractor_version=evidence.extractor_version,
        confidence=evidence.confidence,
    )


def shown_evidence(relation: Relation | None, *, source: str | None = None) -> list[EvidenceOut]:
    """The relation's evidence (of one source when given), newest first, at most
    MAX_EVIDENCE_SHOWN pieces."""
    if relation is None:
        return []
    items = [e for e in relation.evidence if source is None or e.source == source]
    items.sort(key=lambda e: (e.date or "", e.confidence), reverse=True)
    return [evidence_out(e) for e in items[:MAX_EVIDENCE_SHOWN]]


def edge_out(edge: Edge) -> EdgeOut:
    return EdgeOut(
        id=edge.id,
        type=edge.type,
        source=edge.source,
        target=edge.target,
        directed=edge.directed,
        subtype=edge.subtype,
        role=edge.role,
        start=edge.start,
        end=edge.end,
        first_seen=edge.first_seen,
        last_seen=edge.last_seen,
        confidence=edge.confidence,
        corroboration=edge.corroboration,
    )


def name_key(name: str) -> str:
    """How names sort: case and accents ignored ("Åke" with "Ake", "Øresund" with "Oresund")."""
    return strip_accents(name)
