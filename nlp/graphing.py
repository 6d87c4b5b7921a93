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

if TYPE_CHECKING:
    from ingest.base import Extract
    from nlp.pipeline import Extraction, Extractor

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
        items = []
        for extract in batch:
            doc = _document(extract)
            items.append((doc.id if doc else None, _readable(doc), doc.language if doc else None))
        for extract, extraction in zip(batch, self.extractor.extract_many(items), strict=True):
            doc = _document(extract)
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
    nodes: list[Node] = []
    relations: list[Relation] = []
    org_ids: dict[str, str] = {}

    def evidence(text: str, confidence: float) -> Evidence:
        return Evidence(
            source=doc.id,
            text=text[:5_000],
            date=doc.published,
            confidence=round(min(max(confidence, 0.0), 1.0), 4),
            extractor=EXTRACTOR,
            extractor_version=version,
            url=doc.url,
        )

    for mention in extraction.orgs:
        org_id = mention.entity_id or _new_org(mention.text, mention.country, nodes)
        if org_id is None:
            continue
        org_ids[mention.text] = org_id
        org_ids.setdefault(mention.name, org_id)
    for org_id in dict.fromkeys(org_ids.values()):
        mentioned = next(m.text for m in extraction.orgs if org_ids.get(m.text) == org_id)
        relations.append(
            Relation(type=RelType.MENTIONED_IN, source=org_id, target=doc.id,
                     evidence=[evidence(mentioned, 0.9)])
        )  # fmt: skip
    for person in extraction.persons:
        _add_person(person, org_ids, nodes, relations, evidence)
    for rel in extraction.relations:
        a, b = org_ids.get(rel.a), org_ids.get(rel.b)
        if a is None or b is None or a == b:
            continue
        try:
            relations.append(
                Relation(type=RelType.COLLABORATES_WITH, source=a, target=b, subtype=rel.type,
                         evidence=[evidence(rel.evidence, rel.confidence)])
            )  # fmt: skip
        except GraphError:
            continue
        relations.extend(_topics_of(rel.evidence, (a, b), doc.language, nodes, evidence))
    return nodes, relations


def _new_org(text: str, country: str | None, nodes: list[Node]) -> str | None:
    name = _TRAILING.sub("", text).strip()
    if len(name) < 2:
        return None
    try:
        kind = kind_from_name(name, default=OrgKind.OTHER)
        org = Organisation(name=name, country=country, kind=kind, sources=("news",))
    except GraphError:
        return None
    nodes.append(org)
    return org.id


def _add_person(person, org_ids, nodes, relations, evidence) -> None:  # type: ignore[no-untyped-def]
    try:
        node = Person(name=person.text.strip())
    except GraphError:
        return  # not a name we may store (contact details) or not a name at all
    nodes.append(node)
    org_id = org_ids.get(person.org) if person.org else None
    if org_id is None:
        return
    relations.append(
        Relation(type=RelType.HAS_ROLE, source=node.id, target=org_id, role=person.role or None,
                 evidence=[evidence(f"{person.text}, {person.role or 'member'} of {person.org}", 0.8)])
    )  # fmt: skip


def _topics_of(sentence, org_ids, language, nodes, evidence) -> list[Relation]:  # type: ignore[no-untyped-def]
    try:
        from nlp.topics import tag_topics, topic_node
    except ImportError:
        return []
    found = []
    for hit in tag_topics(sentence, language=language):
        topic = topic_node(hit.slug)
        nodes.append(topic)
        found.extend(
            Relation(type=RelType.ACTIVE_IN, source=org_id, target=topic.id,
                     evidence=[evidence(sentence, 0.7)])
            for org_id in org_ids
        )  # fmt: skip
    return found


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
        from nlp.topics import tag_topics, topic_node

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
