"""Documents (news items, registry records): list and search them, and read one with what was
extracted from it: the nodes it mentions and the relations whose evidence it is."""

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
from api.reads import document_facts, typed_node
from api.state import NodeListsDep
from graph.model import Document, DocumentKind, Node, Relation
from graph.store.base import MAX_SEARCH_RESULTS

router = APIRouter(prefix="/documents", tags=["documents"])

LISTING = "/documents?q=TITLE"
MAX_TEXT_SHOWN = 20_000


class DocumentMeta(BaseModel):
    id: str = Field(examples=["doc:2ec3591ea9170b8a4eb3"])
    title: str | None = Field(examples=["Genmab completes acquisition of ProfoundBio"])
    url: str | None = Field(
        examples=["https://example.org/mvkg-demo/news/genmab-completes-profoundbio"]
    )
    published: str | None = Field(description="ISO date", examples=["2024-05-21"])
    publisher: str | None = Field(examples=["mvkg demo desk"])
    language: str | None = Field(examples=["en"])
    kind: DocumentKind = Field(examples=[DocumentKind.NEWS])
    illustrative: bool = Field(
        description="True for the demo's illustrative items (not real articles)",
        examples=[False],
    )


class DocumentSummary(DocumentMeta):
    score: float | None = Field(
        None, description="Search relevance, higher is better (only when searching with q)"
    )


class DocumentPage(Page):
    items: list[DocumentSummary]


class Mentions(BaseModel):
    """The nodes the document mentions (MENTIONED_IN), and the people given a role in it."""

    organisations: list[NodeRef]
    people: list[NodeRef]
    places: list[NodeRef]
    topics: list[NodeRef]
    projects: list[NodeRef]


class ExtractedRelation(BaseModel):
    """A relation this document is evidence for, with the sentences of this document."""

    id: str = Field(examples=["rel:8aaa9e8502dfceeaf767"])
    type: str = Field(examples=["COLLABORATES_WITH"])
    subtype: str | None = Field(examples=["acquisition"])
    role: str | None = Field(description="A person's title (HAS_ROLE)", examples=[None])
    directed: bool = Field(examples=[True])
    source: NodeRef
    target: NodeRef
    evidence: list[EvidenceOut] = Field(description="The evidence from this document")


class DocumentDetail(DocumentMeta):
    content_hash: str | None = Field(
        description="Hash of the normalised text, which identifies the document"
    )
    text: str | None = Field(description=f"The text, its first {MAX_TEXT_SHOWN:,} characters")
    text_length: int = Field(description="Characters in the whole text", examples=[412])
    truncated: bool = Field(description="True when `text` is not the whole text")
    mentions: Mentions
    relations: list[ExtractedRelation]
    relations_total: int = Field(
        description="Relations citing this document (at most 500 are listed)", examples=[3]
    )


@router.get("", response_model=DocumentPage)
def list_documents(
    store: StoreDep,
    lists: NodeListsDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description=f"Words of the title to search for; results in order of relevance, "
            f"the best {MAX_SEARCH_RESULTS} at most. Without it, newest first.",
            examples=["acquisition"],
        ),
    ] = None,
    kind: Annotated[DocumentKind | None, Query(description="news or registry_record")] = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    offset: Offset = 0,
) -> DocumentPage:
    """Documents with their metadata (not their text: read one for that)."""
    if q and q.strip():
        hits = store.search(q, labels=["Document"], limit=MAX_SEARCH_RESULTS)
        rows = [
            _summary(h.node).model_copy(update={"score": h.score})
            for h in hits
            if isinstance(h.node, Document)
        ]
    else:
        rows = lists.get(store, "Document", _summary, _newest_first)
    matching = [r for r in rows if kind is None or r.kind == kind]
    return DocumentPage(
        total=len(matching), limit=limit, offset=offset, items=matching[offset : offset + limit]
    )


@router.get(
    "/{doc_id}",
    response_model=DocumentDetail,
    responses={
        404: {
            "description": "No document has this id",
            "content": {"application/problem+json": {}},
        }
    },
)
def get_document(
    doc_id: Annotated[str, Path(max_length=500, examples=["doc:2ec3591ea9170b8a4eb3"])],
    store: StoreDep,
) -> DocumentDetail:
    """A document's metadata and text, the nodes it mentions and the relations it is evidence
    for (with its sentences)."""
    doc = typed_node(store, doc_id, Document, LISTING)
    facts = document_facts(store, doc_id)
    text = doc.text or ""
    return DocumentDetail(
        **_summary(doc).model_dump(exclude={"score"}),
        content_hash=doc.content_hash,
        text=text[:MAX_TEXT_SHOWN] if doc.text is not None else None,
        text_length=len(text),
        truncated=len(text) > MAX_TEXT_SHOWN,
        mentions=_mentions(facts.mentioned, facts.relations, facts.nodes),
        relations=[_extracted(r, doc_id, facts.nodes) for r in facts.relations],
        relations_total=facts.relations_total,
    )


def _mentions(mentioned: list[Node], relations: list[Relation], nodes: dict[str, Node]) -> Mentions:
    by_label: dict[str, dict[str, Node]] = {}
    for node in mentioned:
        by_label.setdefault(node.label, {})[node.id] = node
    # People are not MENTIONED_IN a document; a role stated in it names them.
    for relation in relations:
        for node_id in (relation.source, relation.target):
            node = nodes.get(node_id)
            if node is not None and node.label == "Person":
                by_label.setdefault("Person", {})[node.id] = node

    def refs(label: str) -> list[NodeRef]:
        found = by_label.get(label, {}).values()
        return [node_ref(n) for n in sorted(found, key=lambda n: (name_key(n.name), n.id))]

    return Mentions(
        organisations=refs("Organisation"),
        people=refs("Person"),
        places=refs("Place"),
        topics=refs("Topic"),
        projects=refs("Project"),
    )


def _extracted(relation: Relation, doc_id: str, nodes: dict[str, Node]) -> ExtractedRelation:
    def ref(node_id: str) -> NodeRef:
        node = nodes.get(node_id)
        return node_ref(node) if node is not None else missing_ref(node_id)

    return ExtractedRelation(
        id=relation.id,
        type=relation.type.value,
        subtype=relation.subtype.value if relation.subtype else None,
        role=relation.role,
        directed=relation.directed,
        source=ref(relation.source),
        target=ref(relation.target),
        evidence=shown_evidence(relation, source=doc_id),
    )


def _summary(node: Node) -> DocumentSummary:
    if not isinstance(node, Document):
        raise TypeError(f"{node.id} is a {node.label}, not a Document")
    return DocumentSummary(
        id=node.id,
        title=node.title,
        url=node.url,
        published=node.published,
        publisher=node.publisher,
        language=node.language,
        kind=node.kind,
        illustrative=node.illustrative,
    )


def _newest_first(row: DocumentSummary) -> tuple[int, str, str]:
    """Newest first (2024 before 2023-12-31: a year alone sorts as its first day), undated
    last; then by title."""
    day = int((row.published or "0").replace("-", "").ljust(8, "0"))
    return (-day, name_key(row.title or row.url or ""), row.id)
