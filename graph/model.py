"""The domain model: nodes, relations and the evidence behind every relation.

Plain slotted dataclasses rather than pydantic models: loaders build hundreds of thousands of
them and the stores' write paths are measured in rows per second. Validation happens once, in
`__post_init__`, with messages that say which value is wrong and what is allowed.

Privacy: `Person` has a name and nothing else. Roles live on HAS_ROLE relations; contact details
have no field anywhere in the model, and names that look like contact details are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import ClassVar, TypeVar

from graph.errors import ValidationError
from graph.normalize import normalise_name, short_hash, slugify

MAX_NAME_LENGTH = 10_000
MAX_TEXT_LENGTH = 1_000_000
MAX_EVIDENCE_LENGTH = 5_000
MAX_LIST_LENGTH = 500

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SCHEME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?:\+|00)?\d[\d\s().-]{6,}\d")

E = TypeVar("E", bound=StrEnum)


class OrgKind(StrEnum):
    COMPANY = "company"
    UNIVERSITY = "university"
    HOSPITAL = "hospital"
    RESEARCH_INSTITUTE = "research_institute"
    PUBLIC_AGENCY = "public_agency"
    INVESTOR = "investor"
    FOUNDATION = "foundation"
    CLUSTER_ORG = "cluster_org"
    OTHER = "other"


class ProjectKind(StrEnum):
    EU_PROJECT = "eu_project"
    INTERREG = "interreg"
    TRIAL = "trial"
    PUBLICATION = "publication"
    CONSORTIUM = "consortium"
    OTHER = "other"


class DocumentKind(StrEnum):
    NEWS = "news"
    REGISTRY_RECORD = "registry_record"


class PlaceKind(StrEnum):
    CITY = "city"
    REGION = "region"
    COUNTRY = "country"


class RelType(StrEnum):
    COLLABORATES_WITH = "COLLABORATES_WITH"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    HAS_ROLE = "HAS_ROLE"
    SUBSIDIARY_OF = "SUBSIDIARY_OF"
    LOCATED_IN = "LOCATED_IN"
    MENTIONED_IN = "MENTIONED_IN"
    ACTIVE_IN = "ACTIVE_IN"


class CollabType(StrEnum):
    PARTNERSHIP = "partnership"
    LICENSING = "licensing"
    ACQUISITION = "acquisition"
    INVESTMENT = "investment"
    RESEARCH_COLLABORATION = "research_collaboration"
    FUNDING = "funding"
    SUPPLY = "supply"
    OTHER = "other"


# Collaboration types whose direction carries meaning: licensor -> licensee, acquirer ->
# acquired, investor -> investee, funder -> funded, supplier -> customer.
DIRECTED_COLLAB_TYPES = frozenset(
    {
        CollabType.LICENSING,
        CollabType.ACQUISITION,
        CollabType.INVESTMENT,
        CollabType.FUNDING,
        CollabType.SUPPLY,
    }
)

# Which node labels each relation type connects, checked when a relation is written.
RELATION_ENDPOINTS: dict[RelType, tuple[frozenset[str], frozenset[str]]] = {
    RelType.COLLABORATES_WITH: (frozenset({"Organisation"}), frozenset({"Organisation"})),
    RelType.PARTICIPATES_IN: (frozenset({"Organisation"}), frozenset({"Project"})),
    RelType.HAS_ROLE: (frozenset({"Person"}), frozenset({"Organisation"})),
    RelType.SUBSIDIARY_OF: (frozenset({"Organisation"}), frozenset({"Organisation"})),
    RelType.LOCATED_IN: (frozenset({"Organisation", "Place", "Project"}), frozenset({"Place"})),
    RelType.MENTIONED_IN: (
        frozenset({"Organisation", "Person", "Place", "Project", "Topic"}),
        frozenset({"Document"}),
    ),
    RelType.ACTIVE_IN: (frozenset({"Organisation", "Project"}), frozenset({"Topic"})),
}


# ---------------------------------------------------------------------------- validation


def _require_name(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} must be a non-empty string, got {value!r}")
    if len(value) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"{what} is {len(value)} characters long; the limit is {MAX_NAME_LENGTH}"
        )
    return value


def _optional_text(value: str | None, what: str, limit: int = MAX_NAME_LENGTH) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be a string, got {type(value).__name__}")
    if len(value) > limit:
        raise ValidationError(f"{what} is {len(value)} characters long; the limit is {limit}")
    return value


def _country(value: str | None, what: str = "country") -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise ValidationError(
            f"{what} must be an ISO 3166 alpha-2 code in upper case (DK, SE, …), got {value!r}"
        )
    return value


def _enum(enum: type[E], value: str | E, what: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = " | ".join(member.value for member in enum)
        raise ValidationError(f"{what} must be one of {allowed}, got {value!r}") from None


def _iso_date(value: str | date | None, what: str) -> str | None:
    """Dates are kept as ISO strings (YYYY, YYYY-MM or YYYY-MM-DD), which sort correctly."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        parts = [int(p) for p in value.split("-")]
        try:
            date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            pass
        else:
            return value
    raise ValidationError(
        f"{what} must be an ISO date (YYYY-MM-DD, YYYY-MM or YYYY), got {value!r}"
    )


def _coordinate(value: float | None, low: float, high: float, what: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} must be a number, got {value!r}") from None
    if not low <= number <= high:
        raise ValidationError(f"{what} must be between {low} and {high}, got {number}")
    return number


def _string_tuple(values: tuple[str, ...] | list[str], what: str) -> tuple[str, ...]:
    """De-duplicated, order-preserving tuple of non-empty strings."""
    if isinstance(values, str):
        raise ValidationError(f"{what} must be a list of strings, not one string")
    seen: dict[str, None] = {}
    for item in values:
        text = _optional_text(item, f"an entry of {what}")
        if text is not None:
            seen.setdefault(text.strip(), None)
    if len(seen) > MAX_LIST_LENGTH:
        raise ValidationError(f"{what} has {len(seen)} entries; the limit is {MAX_LIST_LENGTH}")
    return tuple(seen)


def _identifiers(values: dict[str, str], what: str) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for scheme, value in values.items():
        if not isinstance(scheme, str) or not _SCHEME.match(scheme):
            raise ValidationError(
                f"{what}: identifier scheme must be lower-case letters, digits or _, got {scheme!r}"
            )
        text = _optional_text(
            None if value is None else str(value).strip(), f"{what}.{scheme}", 500
        )
        if text:
            cleaned[scheme] = text
    return dict(sorted(cleaned.items()))


def _refuse_contact_details(name: str, what: str) -> None:
    if _EMAIL.search(name) or _PHONE.search(name):
        raise ValidationError(
            f"{what} looks like it holds an e-mail address or phone number; "
            "people are stored with name and role only"
        )


# ---------------------------------------------------------------------------- nodes


@dataclass(slots=True)
class Organisation:
    name: str
    kind: OrgKind = OrgKind.OTHER
    country: str | None = None
    region: str | None = None
    city: str | None = None
    lat: float | None = None
    lon: float | None = None
    website: str | None = None
    aliases: tuple[str, ...] = ()
    identifiers: dict[str, str] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    id: str = ""

    label: ClassVar[str] = "Organisation"

    def __post_init__(self) -> None:
        self.name = _require_name(self.name, "Organisation.name").strip()
        self.kind = _enum(OrgKind, self.kind, "Organisation.kind")
        self.country = _country(self.country, "Organisation.country")
        self.region = _optional_text(self.region, "Organisation.region")
        self.city = _optional_text(self.city, "Organisation.city")
        self.lat = _coordinate(self.lat, -90, 90, "Organisation.lat")
        self.lon = _coordinate(self.lon, -180, 180, "Organisation.lon")
        self.website = _optional_text(self.website, "Organisation.website", 2_000)
        self.aliases = tuple(a for a in _string_tuple(self.aliases, "aliases") if a != self.name)
        self.identifiers = _identifiers(self.identifiers, "Organisation.identifiers")
        self.topics = _string_tuple(self.topics, "Organisation.topics")
        # Which datasets state this organisation (ror, ctgov, cordis, demo, news…).
        self.sources = _string_tuple(self.sources, "Organisation.sources")
        self.id = self.id or organisation_id(self.name, self.country, self.identifiers)


@dataclass(slots=True)
class Person:
    name: str
    id: str = ""

    label: ClassVar[str] = "Person"

    def __post_init__(self) -> None:
        self.name = _require_name(self.name, "Person.name").strip()
        _refuse_contact_details(self.name, "Person.name")
        self.id = self.id or person_id(self.name)


@dataclass(slots=True)
class Project:
    name: str
    kind: ProjectKind = ProjectKind.OTHER
    programme: str | None = None
    start: str | None = None
    end: str | None = None
    url: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    id: str = ""

    label: ClassVar[str] = "Project"

    def __post_init__(self) -> None:
        self.name = _require_name(self.name, "Project.name").strip()
        self.kind = _enum(ProjectKind, self.kind, "Project.kind")
        self.programme = _optional_text(self.programme, "Project.programme")
        self.start = _iso_date(self.start, "Project.start")
        self.end = _iso_date(self.end, "Project.end")
        self.url = _optional_text(self.url, "Project.url", 2_000)
        self.identifiers = _identifiers(self.identifiers, "Project.identifiers")
        self.topics = _string_tuple(self.topics, "Project.topics")
        self.id = self.id or project_id(self.name, self.identifiers)


@dataclass(slots=True)
class Document:
    """A news item or a registry record: the source that evidence points to."""

    url: str | None = None
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    language: str | None = None
    kind: DocumentKind = DocumentKind.NEWS
    content_hash: str | None = None
    text: str | None = None
    illustrative: bool = False
    id: str = ""

    label: ClassVar[str] = "Document"

    def __post_init__(self) -> None:
        self.url = _optional_text(self.url, "Document.url", 2_000)
        self.title = _optional_text(self.title, "Document.title")
        self.published = _iso_date(self.published, "Document.published")
        self.publisher = _optional_text(self.publisher, "Document.publisher")
        self.language = _optional_text(self.language, "Document.language", 16)
        self.kind = _enum(DocumentKind, self.kind, "Document.kind")
        self.text = _optional_text(self.text, "Document.text", MAX_TEXT_LENGTH)
        if self.content_hash is None and self.text:
            self.content_hash = short_hash(" ".join(self.text.split()), length=40)
        if not (self.url or self.content_hash or self.id):
            raise ValidationError("a Document needs a url, a text or an explicit id")
        self.id = self.id or document_id(self.url, self.content_hash)

    @property
    def name(self) -> str:
        return self.title or self.url or self.id


@dataclass(slots=True)
class Place:
    name: str
    kind: PlaceKind = PlaceKind.CITY
    country: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    id: str = ""

    label: ClassVar[str] = "Place"

    def __post_init__(self) -> None:
        self.name = _require_name(self.name, "Place.name").strip()
        self.kind = _enum(PlaceKind, self.kind, "Place.kind")
        self.country = _country(self.country, "Place.country")
        self.region = _optional_text(self.region, "Place.region")
        self.lat = _coordinate(self.lat, -90, 90, "Place.lat")
        self.lon = _coordinate(self.lon, -180, 180, "Place.lon")
        self.id = self.id or place_id(self.name, self.kind, self.country)


@dataclass(slots=True)
class Topic:
    name: str
    scheme: str | None = None
    id: str = ""

    label: ClassVar[str] = "Topic"

    def __post_init__(self) -> None:
        self.name = _require_name(self.name, "Topic.name").strip()
        self.scheme = _optional_text(self.scheme, "Topic.scheme", 64)
        self.id = self.id or topic_id(self.name)


Node = Organisation | Person | Project | Document | Place | Topic
NODE_TYPES: dict[str, type[Node]] = {
    cls.label: cls for cls in (Organisation, Person, Project, Document, Place, Topic)
}


# ---------------------------------------------------------------------------- relations


@dataclass(slots=True)
class Evidence:
    """One source's support for a relation: a sentence of a document, or a registry record key."""

    source: str
    text: str | None = None
    date: str | None = None
    confidence: float = 1.0
    extractor: str = "unknown"
    extractor_version: str = "0"
    url: str | None = None

    def __post_init__(self) -> None:
        self.source = _require_name(self.source, "Evidence.source")
        self.text = _optional_text(self.text, "Evidence.text", MAX_EVIDENCE_LENGTH)
        self.date = _iso_date(self.date, "Evidence.date")
        if not isinstance(self.confidence, int | float) or not 0.0 <= self.confidence <= 1.0:
            raise ValidationError(f"Evidence.confidence must be in [0, 1], got {self.confidence!r}")
        self.confidence = float(self.confidence)
        self.extractor = _require_name(self.extractor, "Evidence.extractor")
        self.extractor_version = _require_name(
            str(self.extractor_version), "Evidence.extractor_version"
        )
        self.url = _optional_text(self.url, "Evidence.url", 2_000)

    @property
    def id(self) -> str:
        """The same source saying the same thing is one piece of evidence, however often read."""
        return short_hash(self.source, self.text or "", length=16)


@dataclass(slots=True)
class Relation:
    """A typed edge. One fact is one relation; each source that states it adds an Evidence."""

    type: RelType
    source: str
    target: str
    subtype: CollabType | None = None
    role: str | None = None
    start: str | None = None
    end: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    id: str = ""

    def __post_init__(self) -> None:
        self.type = _enum(RelType, self.type, "Relation.type")
        self.source = _require_name(self.source, "Relation.source")
        self.target = _require_name(self.target, "Relation.target")
        if self.type is RelType.COLLABORATES_WITH:
            self.subtype = _enum(CollabType, self.subtype or CollabType.OTHER, "Relation.subtype")
            if self.source == self.target:
                raise ValidationError(
                    f"an organisation cannot collaborate with itself ({self.source})"
                )
            if not self.directed and self.target < self.source:
                # Undirected facts are stored in one canonical orientation, so that "A with B"
                # and "B with A" from two sources become one relation.
                self.source, self.target = self.target, self.source
        elif self.subtype is not None:
            raise ValidationError(
                f"Relation.subtype is only for COLLABORATES_WITH, not {self.type}"
            )
        self.role = _optional_text(self.role, "Relation.role", 500)
        self.start = _iso_date(self.start, "Relation.start")
        self.end = _iso_date(self.end, "Relation.end")
        if not self.evidence:
            raise ValidationError(
                f"{self.type} {self.source} -> {self.target} has no evidence; every relation "
                "needs provenance (a document or registry record)"
            )
        self.evidence = merge_evidence([], self.evidence)
        self.id = self.id or relation_id(
            self.type, self.source, self.target, self.subtype, self.role
        )

    @property
    def directed(self) -> bool:
        if self.type is RelType.COLLABORATES_WITH:
            return self.subtype in DIRECTED_COLLAB_TYPES
        return True

    def summary(self) -> EvidenceSummary:
        """Confidence, corroboration, sources and dates of the evidence, in one pass."""
        best_per_source: dict[str, float] = {}
        first, last = self.start, self.end
        for ev in self.evidence:
            if ev.confidence > best_per_source.get(ev.source, -1.0):
                best_per_source[ev.source] = ev.confidence
            if ev.date:
                first = ev.date if first is None or ev.date < first else first
                last = ev.date if last is None or ev.date > last else last
        # Noisy-OR over distinct sources: independent sources that agree raise confidence.
        doubt = 1.0
        for value in best_per_source.values():
            doubt *= 1.0 - value
        return EvidenceSummary(
            confidence=round(1.0 - doubt, 6),
            corroboration=len(best_per_source),
            sources=sorted(best_per_source),
            first_seen=first if first is not None else last,
            last_seen=last if last is not None else first,
        )

    @property
    def confidence(self) -> float:
        return self.summary().confidence

    @property
    def corroboration(self) -> int:
        """How many distinct sources state this relation."""
        return self.summary().corroboration

    @property
    def sources(self) -> list[str]:
        return self.summary().sources

    @property
    def first_seen(self) -> str | None:
        return self.summary().first_seen

    @property
    def last_seen(self) -> str | None:
        return self.summary().last_seen


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    confidence: float
    corroboration: int
    sources: list[str]
    first_seen: str | None
    last_seen: str | None


def merge_evidence(existing: list[Evidence], incoming: list[Evidence]) -> list[Evidence]:
    """Union by evidence id, keeping the first copy seen; order is stable."""
    merged: dict[str, Evidence] = {}
    for ev in (*existing, *incoming):
        merged.setdefault(ev.id, ev)
    return list(merged.values())


# ---------------------------------------------------------------------------- ids

# Registry identifiers in order of preference for an organisation's id. An organisation that
# gains a better identifier later keeps its first id; entity resolution links the two.
ORG_ID_SCHEMES: tuple[str, ...] = ("ror", "lei", "cvr", "se_orgnr", "pic", "wikidata", "grid")


def organisation_id(name: str, country: str | None, identifiers: dict[str, str]) -> str:
    for scheme in ORG_ID_SCHEMES:
        value = identifiers.get(scheme)
        if value:
            return f"org:{scheme}:{slugify(value, max_length=40)}"
    return f"org:{(country or 'xx').lower()}:{slugify(name)}"


def person_id(name: str) -> str:
    return f"person:{slugify(name)}"


def project_id(name: str, identifiers: dict[str, str]) -> str:
    for scheme, value in sorted(identifiers.items()):
        return f"project:{scheme}:{slugify(value, max_length=40)}"
    return f"project:{slugify(name)}"


def document_id(url: str | None, content_hash: str | None) -> str:
    # The text decides when there is one: the same article under two URLs (syndication,
    # tracking parameters) is one document; a URL alone identifies items without text.
    key = f"hash:{content_hash}" if content_hash else (url or "").strip()
    return f"doc:{short_hash(key, length=20)}"


def place_id(name: str, kind: PlaceKind, country: str | None) -> str:
    return f"place:{(country or 'xx').lower()}:{kind.value}:{slugify(name)}"


def topic_id(name: str) -> str:
    return f"topic:{slugify(name)}"


def relation_id(
    rel_type: RelType,
    source: str,
    target: str,
    subtype: CollabType | None,
    role: str | None,
) -> str:
    # A participation's role is an attribute (an organisation takes part in a project once);
    # a person's title is part of the fact (CEO, later chair: two roles).
    qualifier = normalise_name(role) if rel_type is RelType.HAS_ROLE and role else ""
    digest = short_hash(rel_type.value, source, target, subtype.value if subtype else "", qualifier)
    return f"rel:{digest}"


# ---------------------------------------------------------------------------- identity


@dataclass(frozen=True, slots=True)
class Merge:
    """Why a source's organisation record became part of an existing organisation node.

    `merged_id` is the id the record would have had on its own; `snapshot` is that record as
    it came in (flat properties), so that the merge can be undone; `rule` says which step of
    entity resolution matched (identifier:<scheme>, name_country, name_only, fuzzy) and `score`
    how strongly (1.0 for exact rules, the rapidfuzz ratio / 100 for fuzzy).
    """

    canonical_id: str
    merged_id: str
    merged_name: str
    rule: str
    score: float
    sources: tuple[str, ...] = ()
    record: str | None = None
    snapshot: dict[str, object] = field(default_factory=dict, compare=False)
    undone: bool = False

    @property
    def id(self) -> str:
        return "merge:" + short_hash(self.canonical_id, self.merged_id, length=16)
