"""Research Organization Registry (ROR) records, schema v1 and v2, to organisations.

Input: one JSON file holding one record, a JSON array of records (the shape of the ROR data
dump), or a directory of per-record files (read in sorted order). The schema is detected per
record: v2 has a `names` list with `types`; v1 has `name`, `addresses` and `country`.

Decisions, so that a reader of the graph knows what a ROR fact means here:
- `withdrawn` records are duplicates or mistakes that ROR keeps only to redirect their id. They
  are counted as read but are neither accepted nor rejected (they are not errors), and yield
  nothing; `include_withdrawn=True` keeps them. `active` and `inactive` records are kept.
- `parent` -> SUBSIDIARY_OF (this -> parent), `child` -> SUBSIDIARY_OF (child -> this),
  `related` -> COLLABORATES_WITH (subtype other). `predecessor`/`successor` say that one
  organisation replaced another, which no relation type of the model means; they are skipped.
- A relationship target that was not yielded earlier in this run gets a minimal node built from
  the relationship's `label` and id (country unknown, kind guessed from the name), so that the
  relation has both ends. The target's own record, if it comes later, fills in the rest: the
  store keeps the newer non-empty values. The big universities (Lund University 012a77v79,
  University of Copenhagen 035b05819) are only relationship targets in the samples. Caveat:
  a stub loaded in a LATER run than its full record replaces the record's kind with the
  guessed one (the store's merge treats every kind as non-empty).
- ISNI values are stored without spaces (16 characters), the other ids as ROR writes them.

Organisation types: `kind_from_types` maps ROR's type vocabulary, which OpenAlex shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.model import CollabType, Evidence, Node, Organisation, OrgKind, Relation, RelType
from ingest.base import Extract, record_evidence
from ingest.countries import to_alpha2
from ingest.errors import RecordError
from ingest.kinds import kind_from_name
from ingest.readers import RECORD_ERRORS, input_files, iter_json_values, reason_of
from ingest.report import IngestReport

EXTRACTOR = "ror"
ROR_URL = "https://ror.org/"
_ROR_ID = re.compile(r"^0[a-z0-9]{6}[0-9]{2}$")
_EXTERNAL_SCHEMES = {"grid": "grid", "isni": "isni", "wikidata": "wikidata", "fundref": "fundref"}

# ---------------------------------------------------------------------------- kinds

# Registry types in order of precedence: a university that also funds research is a university.
_TYPE_KINDS: tuple[tuple[str, OrgKind], ...] = (
    ("education", OrgKind.UNIVERSITY),
    ("healthcare", OrgKind.HOSPITAL),
    ("company", OrgKind.COMPANY),
    ("government", OrgKind.PUBLIC_AGENCY),
)
_FACILITY_TYPES = frozenset({"facility", "archive"})


def kind_from_types(types: list[str] | tuple[str, ...], name: str) -> OrgKind:
    """The model's kind for ROR (and OpenAlex) organisation types, which share one vocabulary.

    education -> university, healthcare -> hospital, company -> company, government ->
    public_agency; then foundation if the name says so (ROR files foundations under nonprofit,
    funder, other and even facility); then facility/archive -> research_institute; else other.
    Of the name only a foundation is taken (ROR has no type for it); every other kind comes
    from the types alone.
    """
    lowered = {str(t).strip().lower() for t in types}
    for source_type, kind in _TYPE_KINDS:
        if source_type in lowered:
            return kind
    if kind_from_name(name) is OrgKind.FOUNDATION:
        return OrgKind.FOUNDATION
    if lowered & _FACILITY_TYPES:
        return OrgKind.RESEARCH_INSTITUTE
    return OrgKind.OTHER


# ---------------------------------------------------------------------------- records


@dataclass(slots=True)
class RorLink:
    """One entry of a record's `relationships`, schema-independent."""

    type: str
    ror_id: str
    label: str


@dataclass(slots=True)
class RorRecord:
    """What the loader uses of a ROR record, schema-independent."""

    ror_id: str
    name: str
    status: str
    types: list[str]
    aliases: list[str]
    country: str | None
    city: str | None
    lat: float | None
    lon: float | None
    website: str | None
    identifiers: dict[str, str]
    links: list[RorLink] = field(default_factory=list)
    modified: str | None = None


def ror_id(value: Any, where: str) -> str:
    """The bare 9-character ROR id of `https://ror.org/0abcdef12` or `0abcdef12`."""
    if not isinstance(value, str) or not value.strip():
        raise RecordError(where, f"ROR id must be a non-empty string, got {value!r}")
    bare = value.strip().removeprefix(ROR_URL).removeprefix("http://ror.org/").lower()
    if not _ROR_ID.match(bare):
        raise RecordError(where, f"not a ROR id: {value!r} (expected https://ror.org/0xxxxxx00)")
    return bare


def _first(value: Any) -> str | None:
    """ROR's `all` is a list, or in old v1 records a bare string."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, str) and v), None)
    return None


def _external_id(scheme: str, preferred: Any, every: Any) -> str | None:
    value = preferred if isinstance(preferred, str) and preferred else _first(every)
    if value and scheme == "isni":
        value = value.replace(" ", "")
    return value


def _strings(values: Any) -> list[str]:
    return [v for v in values or [] if isinstance(v, str) and v.strip()]


def _parse_v2(raw: dict[str, Any], where: str) -> RorRecord:
    names = raw.get("names") or []
    display = next((n.get("value") for n in names if "ror_display" in (n.get("types") or [])), None)
    if not display:
        raise RecordError(where, "schema v2 record has no name of type ror_display")
    aliases = [
        n.get("value")
        for n in names
        if {"alias", "label", "acronym"} & set(n.get("types") or []) and n.get("value")
    ]
    location = (raw.get("locations") or [{}])[0] or {}
    geo = location.get("geonames_details") or {}
    identifiers = {}
    for ext in raw.get("external_ids") or []:
        scheme = _EXTERNAL_SCHEMES.get(str(ext.get("type", "")).lower())
        value = scheme and _external_id(scheme, ext.get("preferred"), ext.get("all"))
        if scheme and value:
            identifiers[scheme] = value
    website = next(
        (link.get("value") for link in raw.get("links") or [] if link.get("type") == "website"),
        None,
    )
    modified = ((raw.get("admin") or {}).get("last_modified") or {}).get("date")
    return RorRecord(
        ror_id=ror_id(raw.get("id"), where),
        name=display,
        status=str(raw.get("status") or "active").lower(),
        types=_strings(raw.get("types")),
        aliases=aliases,
        country=to_alpha2(geo.get("country_code"), where=where),
        city=geo.get("name") or None,
        lat=geo.get("lat"),
        lon=geo.get("lng"),
        website=website or None,
        identifiers=identifiers,
        links=_links(raw, where),
        modified=modified,
    )


def _parse_v1(raw: dict[str, Any], where: str) -> RorRecord:
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError(where, "schema v1 record has no name")
    address = (raw.get("addresses") or [{}])[0] or {}
    identifiers = {}
    for key, ext in (raw.get("external_ids") or {}).items():
        scheme = _EXTERNAL_SCHEMES.get(key.lower())
        value = scheme and _external_id(scheme, ext.get("preferred"), ext.get("all"))
        if scheme and value:
            identifiers[scheme] = value
    aliases = [
        *_strings(raw.get("aliases")),
        *_strings(raw.get("acronyms")),
        *(label.get("label") for label in raw.get("labels") or [] if label.get("label")),
    ]
    return RorRecord(
        ror_id=ror_id(raw.get("id"), where),
        name=name,
        status=str(raw.get("status") or "active").lower(),
        types=_strings(raw.get("types")),
        aliases=aliases,
        country=to_alpha2((raw.get("country") or {}).get("country_code"), where=where),
        city=address.get("city") or None,
        lat=address.get("lat"),
        lon=address.get("lng"),
        website=_first(raw.get("links")),
        identifiers=identifiers,
        links=_links(raw, where),
    )


def _links(raw: dict[str, Any], where: str) -> list[RorLink]:
    links = []
    for rel in raw.get("relationships") or []:
        label = rel.get("label")
        if not isinstance(label, str) or not label.strip():
            raise RecordError(where, f"relationship to {rel.get('id')!r} has no label")
        links.append(RorLink(str(rel.get("type", "")).lower(), ror_id(rel.get("id"), where), label))
    return links


def parse_record(raw: Any, where: str) -> RorRecord:
    """A ROR record of either schema; RecordError says what is wrong with it."""
    if not isinstance(raw, dict):
        raise RecordError(where, f"a ROR record must be a JSON object, got {type(raw).__name__}")
    if isinstance(raw.get("names"), list):
        return _parse_v2(raw, where)
    if "name" in raw:
        return _parse_v1(raw, where)
    raise RecordError(where, "neither ROR schema v2 (`names`) nor v1 (`name`): no name found")


# ---------------------------------------------------------------------------- extracts


def _organisation(record: RorRecord) -> Organisation:
    return Organisation(
        name=record.name,
        kind=kind_from_types(record.types, record.name),
        country=record.country,
        city=record.city,
        lat=record.lat,
        lon=record.lon,
        website=record.website,
        aliases=tuple(record.aliases),
        identifiers={"ror": record.ror_id, **record.identifiers},
        sources=(EXTRACTOR,),
    )


def _stub(link: RorLink) -> Organisation:
    """A relationship target known only by its label and id."""
    return Organisation(
        name=link.label,
        kind=kind_from_name(link.label, OrgKind.OTHER),
        identifiers={"ror": link.ror_id},
        sources=(EXTRACTOR,),
    )


def _relation(
    record: RorRecord, org: Organisation, link: RorLink, target: Organisation
) -> Relation:
    key = f"ror:{record.ror_id}"

    def evidence(text: str) -> list[Evidence]:
        url = ROR_URL + record.ror_id
        return [record_evidence(key, extractor=EXTRACTOR, text=text, date=record.modified, url=url)]

    if link.type == "parent":
        return Relation(
            type=RelType.SUBSIDIARY_OF,
            source=org.id,
            target=target.id,
            evidence=evidence(f"ROR lists {link.label} as the parent of {record.name}"),
        )
    if link.type == "child":
        return Relation(
            type=RelType.SUBSIDIARY_OF,
            source=target.id,
            target=org.id,
            evidence=evidence(f"ROR lists {link.label} as a child of {record.name}"),
        )
    return Relation(
        type=RelType.COLLABORATES_WITH,
        subtype=CollabType.OTHER,
        source=org.id,
        target=target.id,
        evidence=evidence(f"ROR lists {record.name} and {link.label} as related"),
    )


def build_extract(record: RorRecord, where: str, seen: set[str]) -> Extract:
    """The record's organisation, its relationships, and nodes for targets not yet yielded."""
    org = _organisation(record)
    nodes: list[Node] = [org]
    relations: list[Relation] = []
    for link in record.links:
        if link.type not in ("parent", "child", "related") or link.ror_id == record.ror_id:
            continue  # predecessor/successor: no relation type means "replaced by"
        target = _stub(link)
        if target.id not in seen and all(n.id != target.id for n in nodes):
            nodes.append(target)
        relations.append(_relation(record, org, link, target))
    return Extract(record=f"ror:{record.ror_id}", where=where, nodes=nodes, relations=relations)


def load_ror(
    path: Path, report: IngestReport, *, include_withdrawn: bool = False
) -> Iterator[Extract]:
    """Stream ROR records (v1 or v2) from a JSON file, a JSON array, or a directory of files."""
    seen: set[str] = set()
    for where, raw in iter_json_records(path, report):
        report.read += 1
        try:
            record = parse_record(raw, where)
            if record.status == "withdrawn" and not include_withdrawn:
                continue  # read, neither accepted nor rejected: see the module docstring
            extract = build_extract(record, where, seen)
        except RECORD_ERRORS as exc:
            report.reject(where, reason_of(exc))
            continue
        seen.update(node.id for node in extract.nodes)
        report.accepted += 1
        yield extract


def iter_json_records(path: Path, report: IngestReport) -> Iterator[tuple[str, Any]]:
    """(where, value) for each element of a top-level array, or the one top-level value.

    A file that cannot be decoded or parsed is one read and rejected record naming the file and
    position; the elements before the fault have been yielded already.
    """
    for file in input_files(path, (".json",)):
        try:
            for index, line, value in iter_json_values(file):
                yield (file.name if index is None else f"{file.name}#{index} (line {line})"), value
        except RecordError as exc:
            report.read += 1
            report.reject(exc.where, exc.reason)
