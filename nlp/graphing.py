"""What an extraction means for the graph: mentions, people with roles, collaborations, topics.

A news Extract (one Document from `ingest.news`) goes through the Extractor and comes back
with the organisations it mentions (linked ones keep their graph id; new ones get a country when
the text gives one), MENTIONED_IN relations to the document, people with HAS_ROLE, typed
COLLABORATES_WITH relations with the sentence as evidence, and ACTIVE_IN relations from the
organisations of a collaboration to the topics of its sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from graph.errors import GraphError
from graph.model import (
    Document,
    Evidence,
    Node,
    Organisation,
    OrgKind,
    Person,
    Project,
    Relation,
    RelType,
    Topic,
)
from ingest.kinds import kind_from_name
from nlp.topics import tag_topics, topic_node

if TYPE_CHECKING:
    from ingest.base import Extract
    from nlp.pipeline import Extraction, Extractor, PersonMention, RelationMention

EXTRACTOR = "mvkg-nlp"
_TRAILING = re.compile(r"[\s.,;:'\u2019]+$")


class NewsToGraph:
    """Turns news Extracts (Documents) into Extracts with what the text says, for the pipeline."""

    def __init__(self, extractor: Extractor, *, batch_size: int = 32) -> None:
        self.extractor = extractor
        self.batch_size = batch_size

    def __call__(self, extracts: Iterable[Extract]) -> Iterator[Extract]:
        batch: list[Extract] = []
        for extract in extracts:
            batch.append(extract)
            if len(batch) >= self.batch_size:
                yield from self._run(batch)
                batch = []
        yield from self._run(batch)

    def _run(self, batch: list[Extract]) -> Iterator[Extract]:
        docs = [_document(extract) for extract in batch]
        items = [(d.id if d else None, _readable(d), d.language if d else None) for d in docs]
        extractions = self.extractor.extract_many(items)
        for extract, doc, extraction in zip(batch, docs, extractions, strict=True):
            if doc is not None and doc.text and getattr(extraction, "error", None) is None:
                nodes, relations = graph_of(extraction, doc, version=self.extractor.version)
                extract.nodes.extend(nodes)
                extract.relations.extend(relations)
            yield extract


def _readable(doc: Document | None) -> str:
    """Title and text: headlines often state the deal ("Genmab Completes Acquisition of …")."""
    if doc is None or not doc.text:
        return ""
    if doc.title and doc.title.strip() not in doc.text:
        return f"{doc.title.strip().rstrip('.')}.\n\n{doc.text}"
    return doc.text


def _document(extract: Extract) -> Document | None:
    return next((n for n in extract.nodes if isinstance(n, Document)), None)


def graph_of(
    extraction: Extraction, doc: Document, *, version: str
) -> tuple[list[Node], list[Relation]]:
    """Nodes and relations that one document's extraction adds to the graph."""
    built = _DocumentGraph(doc, version)
    built.add_organisations(extraction)
    for person in extraction.persons:
        built.add_person(person)
    for rel in extraction.relations:
        built.add_collaboration(rel)
    return built.nodes, built.relations


class _DocumentGraph:
    """Collects what one document states, with the document as the source of all evidence."""

    def __init__(self, doc: Document, version: str) -> None:
        self.doc, self.version = doc, version
        self.nodes: list[Node] = []
        self.relations: list[Relation] = []
        self.org_ids: dict[str, str] = {}  # mention text or linked name -> node id

    def evidence(self, text: str, confidence: float) -> Evidence:
        return Evidence(
            source=self.doc.id,
            text=text[:5_000],
            date=self.doc.published,
            confidence=round(min(max(confidence, 0.0), 1.0), 4),
            extractor=EXTRACTOR,
            extractor_version=self.version,
            url=self.doc.url,
        )

    def add_organisations(self, extraction: Extraction) -> None:
        first_mention: dict[str, str] = {}
        for mention in extraction.orgs:
            org_id = mention.entity_id or self._new_org(mention.text, mention.country)
            if org_id is None:
                continue
            self.org_ids[mention.text] = org_id
            self.org_ids.setdefault(mention.name, org_id)
            first_mention.setdefault(org_id, mention.text)
        for org_id, text in first_mention.items():
            self.relations.append(
                Relation(type=RelType.MENTIONED_IN, source=org_id, target=self.doc.id,
                         evidence=[self.evidence(text, 0.9)])
            )  # fmt: skip

    def _new_org(self, text: str, country: str | None) -> str | None:
        name = _TRAILING.sub("", text).strip()
        if len(name) < 2:
            return None
        try:
            kind = kind_from_name(name, default=OrgKind.OTHER)
            org = Organisation(name=name, country=country, kind=kind, sources=("news",))
        except GraphError:
            return None
        self.nodes.append(org)
        return org.id

    def add_person(self, person: PersonMention) -> None:
        try:
            node = Person(name=person.text.strip())
        except GraphError:
            return  # not a name we may store (contact details) or not a name at all
        self.nodes.append(node)
        org_id = self.org_ids.get(person.org) if person.org else None
        if org_id is None:
            return
        stated = f"{person.text}, {person.role or 'member'} of {person.org}"
        self.relations.append(
            Relation(type=RelType.HAS_ROLE, source=node.id, target=org_id,
                     role=person.role or None, evidence=[self.evidence(stated, 0.8)])
        )  # fmt: skip

    def add_collaboration(self, rel: RelationMention) -> None:
        a, b = self.org_ids.get(rel.a), self.org_ids.get(rel.b)
        if a is None or b is None or a == b:
            return
        try:
            self.relations.append(
                Relation(type=RelType.COLLABORATES_WITH, source=a, target=b, subtype=rel.type,
                         evidence=[self.evidence(rel.evidence, rel.confidence)])
            )  # fmt: skip
        except GraphError:
            return
        # The organisations of a collaboration are active in the topics of its sentence.
        for hit in tag_topics(rel.evidence, language=self.doc.language):
            topic = topic_node(hit.slug)
            self.nodes.append(topic)
            self.relations.extend(
                Relation(type=RelType.ACTIVE_IN, source=org_id, target=topic.id,
                         evidence=[self.evidence(rel.evidence, 0.7)])
                for org_id in (a, b)
            )  # fmt: skip


class RegistryTopics:
    """Tags registry records' descriptive texts (project and trial titles, trial conditions)
    with the topic vocabulary, so that topics come from every source, not only the news.

    Each project of a record gets ACTIVE_IN to the topics of its texts; so does each
    organisation that takes part in it in the same record, with the text as evidence.
    """

    def __call__(self, extracts: Iterable[Extract]) -> Iterator[Extract]:
        for extract in extracts:
            self._tag(extract)
            yield extract

    def _tag(self, extract: Extract) -> None:
        projects = [n for n in extract.nodes if isinstance(n, Project)]
        if not projects:
            return
        texts = [p.name for p in projects] + [n.name for n in extract.nodes if isinstance(n, Topic)]
        text = " . ".join(texts)[:10_000]
        participants = {r.source for r in extract.relations if r.type is RelType.PARTICIPATES_IN}
        for hit in tag_topics(text):
            topic = topic_node(hit.slug)
            extract.nodes.append(topic)
            evidence = Evidence(
                source=extract.record,
                text=f"{hit.text}: {text[:300]}",
                confidence=0.6,
                extractor="mvkg-topics",
                extractor_version="1",
            )
            for node_id in [p.id for p in projects] + sorted(participants):
                extract.relations.append(
                    Relation(type=RelType.ACTIVE_IN, source=node_id, target=topic.id,
                             evidence=[evidence])
                )  # fmt: skip
