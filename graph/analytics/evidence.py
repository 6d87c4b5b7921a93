"""The evidence behind a link: the sentences and records of the relations that make it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field

from graph.analytics.links import Link, LinkGraph
from graph.analytics.results import OrgRef
from graph.model import Relation

# Reads relations with their evidence by id (the store's `get_relations`).
RelationLookup = Callable[[Iterable[str]], dict[str, Relation]]


class ProjectRef(BaseModel):
    id: str = Field(
        examples=["project:halric-hanseatic-life-science-research-infrastructu-a4cc9200"]
    )
    name: str = Field(examples=["HALRIC"])
    kind: str = Field(examples=["interreg"])
    start: str | None = Field(default=None, examples=["2023-04-01"])
    end: str | None = Field(default=None, examples=["2026-03-31"])


class EvidenceItem(BaseModel):
    """One source's support for one contribution to a link."""

    relation: str = Field(description="id of the relation that carries this evidence")
    type: str = Field(description="link type of the contribution", examples=["licensing"])
    layer: str = Field(examples=["news"])
    project: ProjectRef | None = Field(
        default=None, description="the shared project, for co-participation"
    )
    source: str = Field(description="document or registry record", examples=["doc:9f2c…"])
    text: str | None = Field(default=None, description="the sentence or record text")
    date: str | None = None
    url: str | None = None
    extractor: str = Field(default="unknown", examples=["mvkg-nlp"])
    confidence: float = 1.0


class LinkView(BaseModel):
    """A link between two organisations with its types, dates and evidence."""

    a: OrgRef
    b: OrgRef
    types: list[str] = Field(examples=[["research_collaboration", "co_participation"]])
    layers: list[str] = Field(examples=[["news", "eu_projects"]])
    weight: int = Field(description="relations and shared projects that make the link")
    confidence: float = Field(description="noisy-OR of the contributions' confidences")
    first_seen: str | None = Field(default=None, examples=["2019-03-01"])
    last_seen: str | None = Field(default=None, examples=["2024-06-30"])
    evidence: list[EvidenceItem] = Field(default_factory=list)
    evidence_total: int = Field(default=0, description="evidence items before the cap")


def link_view(
    links: LinkGraph,
    link: Link,
    lookup: RelationLookup | None,
    *,
    first: str | None = None,
    max_evidence: int = 5,
) -> LinkView:
    """The link as results show it, `first` (an end's id) as `a`, with up to `max_evidence`
    pieces of evidence read through `lookup` (none when `lookup` is None)."""
    a, b = (link.a, link.b) if first in (None, link.a) else (link.b, link.a)
    items = evidence_of(links, [link], lookup) if lookup else []
    return LinkView(
        a=OrgRef.of(links.orgs[a]),
        b=OrgRef.of(links.orgs[b]),
        types=link.types,
        layers=link.layers,
        weight=link.weight,
        confidence=link.confidence,
        first_seen=link.first_seen,
        last_seen=link.last_seen,
        evidence=items[:max_evidence],
        evidence_total=len(items),
    )


def evidence_of(
    links: LinkGraph, selected: list[Link], lookup: RelationLookup
) -> list[EvidenceItem]:
    """Every evidence item of the selected links, the newest first, read in one lookup."""
    relations = lookup([r for link in selected for r in link.relations])
    items: list[EvidenceItem] = []
    for link in selected:
        for contribution in link.contributions:
            project = _project_ref(links, contribution.project)
            for relation_id in contribution.relations:
                relation = relations.get(relation_id)
                if relation is None:
                    continue
                for ev in relation.evidence:
                    items.append(
                        EvidenceItem(
                            relation=relation_id,
                            type=contribution.type,
                            layer=contribution.layer,
                            project=project,
                            source=ev.source,
                            text=ev.text,
                            date=ev.date,
                            url=ev.url,
                            extractor=ev.extractor,
                            confidence=ev.confidence,
                        )
                    )
    # One record often backs both participations of a shared project: show it once.
    unique = {(i.source, i.text, i.project.id if i.project else i.relation): i for i in items}
    return sorted(unique.values(), key=lambda i: (i.date or "", i.confidence), reverse=True)


def _project_ref(links: LinkGraph, project_id: str | None) -> ProjectRef | None:
    project = links.projects.get(project_id) if project_id else None
    if project is None:
        return None
    return ProjectRef(
        id=project.id,
        name=project.name,
        kind=project.kind.value,
        start=project.start,
        end=project.end,
    )
