"""OpenAlex API responses (works, institutions, authors) to projects, organisations and people.

Input: a JSON file holding one entity, a list response (`{"meta": …, "results": [...]}`), or a
JSON array of entities; JSON Lines (`.jsonl`, optionally gzipped `.gz`, the layout of the
OpenAlex snapshot) with one entity per line; or a directory of such files, in sorted order. The
entity type comes from the id: W… work, I… institution, A… author.

- A work is a Project (kind publication, identifiers openalex/doi/pmid, start = publication
  date). Each distinct institution of its authorships is an Organisation that PARTICIPATES_IN
  the work (role `author_institution`), so co-authoring institutions meet through the work, never
  through pairwise relations. Its primary topic and concepts scoring at least 0.5 (at most 5,
  best first) are Topics the work is ACTIVE_IN. Authors of a work are not stored.
- An institution is an Organisation with its place; its `associated_institutions` become
  SUBSIDIARY_OF (parent/child) or COLLABORATES_WITH subtype other (related), as in ROR.
- An author is a Person with a name only (no ORCID, nothing else), who HAS_ROLE `affiliated
  author` at each institution of `affiliations`, from the first to the last year listed.
Organisation types share ROR's vocabulary and mapping (`ingest.ror.kind_from_types`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.model import (
    CollabType,
    Evidence,
    Node,
    Organisation,
    Person,
    Project,
    ProjectKind,
    Relation,
    RelType,
    Topic,
)
from ingest.base import Extract, participation, record_evidence
from ingest.countries import to_alpha2
from ingest.errors import RecordError
from ingest.readers import RECORD_ERRORS, input_files, iter_json_values, reason_of
from ingest.report import IngestReport
from ingest.ror import kind_from_types, ror_id

EXTRACTOR = "openalex"
OPENALEX_URL = "https://openalex.org/"
DOI_URL = "https://doi.org/"
TOPIC_MIN_SCORE = 0.5
TOPIC_MAX = 5
AUTHOR_ROLE = "affiliated author"
SUFFIXES = (".json", ".jsonl", ".gz")


def load_openalex(path: Path, report: IngestReport) -> Iterator[Extract]:
    """Stream OpenAlex works, institutions and authors from a file or a directory of files."""
    for where, raw in _entities(path, report):
        report.read += 1
        try:
            extract = extract_entity(raw, where)
        except RECORD_ERRORS as exc:
            report.reject(where, reason_of(exc))
            continue
        report.accepted += 1
        yield extract


def extract_entity(raw: Any, where: str) -> Extract:
    """One work, institution or author; the id's first letter says which."""
    if not isinstance(raw, dict):
        raise RecordError(
            where, f"an OpenAlex entity must be a JSON object, got {type(raw).__name__}"
        )
    entity = short_id(raw.get("id"), where)
    builders = {"W": _work, "I": _institution, "A": _author}
    builder = builders.get(entity[0])
    if builder is None:
        raise RecordError(
            where,
            f"unsupported OpenAlex entity {entity}: only works (W), institutions (I) and "
            "authors (A) are loaded",
        )
    return builder(raw, entity, where)


# ---------------------------------------------------------------------------- ids


def short_id(value: Any, where: str, prefix: str | None = None) -> str:
    """`W2741809807` from `https://openalex.org/W2741809807` (or the bare id)."""
    if not isinstance(value, str) or not value.strip():
        raise RecordError(where, f"OpenAlex id must be a non-empty string, got {value!r}")
    bare = value.strip().rsplit("/", 1)[-1].upper()
    if len(bare) < 2 or not bare[0].isalpha() or not bare[1:].isdigit():
        raise RecordError(
            where, f"not an OpenAlex id: {value!r} (expected https://openalex.org/W123)"
        )
    if prefix and bare[0] != prefix:
        raise RecordError(where, f"expected an OpenAlex id starting with {prefix}, got {value!r}")
    return bare


def _doi(value: Any) -> str | None:
    """A bare, lower-case DOI (DOIs are case-insensitive)."""
    if not isinstance(value, str) or not value.strip():
        return None
    bare = value.strip()
    for prefix in (DOI_URL, "http://doi.org/", "https://dx.doi.org/", "doi:"):
        bare = bare.removeprefix(prefix)
    return bare.lower()


def _tail(value: Any) -> str | None:
    """The last path segment of a URL-valued id (pmid, wikidata)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().rstrip("/").rsplit("/", 1)[-1]


def _day(value: Any) -> str | None:
    """`2026-03-18` of `2026-03-18T06:01:04`."""
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


def _evidence(key: str, entity: str, text: str, date: str | None) -> list[Evidence]:
    return [
        record_evidence(key, extractor=EXTRACTOR, text=text, date=date, url=OPENALEX_URL + entity)
    ]


# ---------------------------------------------------------------------------- organisations


def dehydrated_institution(inst: Any, where: str) -> Organisation:
    """An institution as works, authors and institutions embed it (id, name, ror, country, type)."""
    if not isinstance(inst, dict):
        raise RecordError(where, f"an institution must be a JSON object, got {type(inst).__name__}")
    name = inst.get("display_name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError(where, f"institution {inst.get('id')!r} has no display_name")
    identifiers = {
        "openalex": short_id(inst["id"], where, "I") if inst.get("id") else None,
        "ror": ror_id(inst["ror"], where) if inst.get("ror") else None,
    }
    return Organisation(
        name=name,
        kind=kind_from_types([inst.get("type") or ""], name),
        country=to_alpha2(inst.get("country_code"), where=where),
        identifiers={k: v for k, v in identifiers.items() if v},
        sources=(EXTRACTOR,),
    )


def _distinct(orgs: list[Organisation]) -> list[Organisation]:
    """One organisation per id, first seen first (authors share institutions)."""
    first: dict[str, Organisation] = {}
    for org in orgs:
        first.setdefault(org.id, org)
    return list(first.values())


# ---------------------------------------------------------------------------- works


def work_topics(raw: dict[str, Any]) -> list[tuple[str, float]]:
    """The primary topic and the concepts scoring >= 0.5, best first, at most 5, no repeats."""
    candidates: list[tuple[str, float]] = []
    primary = raw.get("primary_topic")
    if isinstance(primary, dict) and primary.get("display_name"):
        candidates.append((primary["display_name"], float(primary.get("score") or 0.0)))
    concepts = [
        (c["display_name"], float(c.get("score") or 0.0))
        for c in raw.get("concepts") or []
        if c.get("display_name")
    ]
    candidates += sorted(concepts, key=lambda item: -item[1])
    chosen: dict[str, tuple[str, float]] = {}
    for name, score in candidates:
        if score >= TOPIC_MIN_SCORE and len(chosen) < TOPIC_MAX:
            chosen.setdefault(name.strip().casefold(), (name.strip(), score))
    return list(chosen.values())


def _work(raw: dict[str, Any], entity: str, where: str) -> Extract:
    key = f"openalex:{entity}"
    title = raw.get("title") or raw.get("display_name")
    if not isinstance(title, str) or not title.strip():
        raise RecordError(where, f"work {entity} has no title")
    ids = raw.get("ids") or {}
    doi = _doi(raw.get("doi") or ids.get("doi"))
    year = raw.get("publication_year")
    date = raw.get("publication_date") or (str(year) if year else None)
    topics = work_topics(raw)
    project = Project(
        name=title,
        kind=ProjectKind.PUBLICATION,
        start=date,
        url=DOI_URL + doi if doi else OPENALEX_URL + entity,
        identifiers={"openalex": entity, "doi": doi, "pmid": _tail(ids.get("pmid"))},
        topics=tuple(name for name, _ in topics),
    )
    orgs = _distinct(
        [
            dehydrated_institution(inst, where)
            for authorship in raw.get("authorships") or []
            for inst in authorship.get("institutions") or []
        ]
    )
    nodes: list[Node] = [project, *orgs]
    relations = [
        participation(
            org,
            project,
            role="author_institution",
            record=key,
            extractor=EXTRACTOR,
            text=f"OpenAlex lists {org.name} as an author affiliation of {entity}",
            url=OPENALEX_URL + entity,
        )
        for org in orgs
    ]
    for name, score in topics:
        topic = Topic(name=name, scheme=EXTRACTOR)
        nodes.append(topic)
        text = f"OpenAlex classifies {entity} under {name} (score {score:.2f})"
        relations.append(
            Relation(
                type=RelType.ACTIVE_IN,
                source=project.id,
                target=topic.id,
                evidence=_evidence(key, entity, text, date),
            )
        )
    return Extract(record=key, where=where, nodes=nodes, relations=relations)


# ---------------------------------------------------------------------------- institutions


def _institution(raw: dict[str, Any], entity: str, where: str) -> Extract:
    key = f"openalex:{entity}"
    name = raw.get("display_name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError(where, f"institution {entity} has no display_name")
    geo = raw.get("geo") or {}
    ids = raw.get("ids") or {}
    ror = raw.get("ror") or ids.get("ror")
    identifiers = {
        "openalex": entity,
        "ror": ror_id(ror, where) if ror else None,
        "grid": ids.get("grid"),
        "wikidata": _tail(ids.get("wikidata")),
    }
    org = Organisation(
        name=name,
        kind=kind_from_types([raw.get("type") or ""], name),
        country=to_alpha2(geo.get("country_code") or raw.get("country_code"), where=where),
        city=geo.get("city") or None,
        lat=geo.get("latitude"),
        lon=geo.get("longitude"),
        website=raw.get("homepage_url") or None,
        aliases=(
            *(raw.get("display_name_alternatives") or []),
            *(raw.get("display_name_acronyms") or []),
        ),
        identifiers={k: v for k, v in identifiers.items() if v},
        sources=(EXTRACTOR,),
    )
    date = _day(raw.get("updated_date"))
    nodes: list[Node] = [org]
    relations: list[Relation] = []
    for assoc in raw.get("associated_institutions") or []:
        other = dehydrated_institution(assoc, where)
        if other.id == org.id:
            continue
        if other.id not in {n.id for n in nodes}:
            nodes.append(other)
        relations.append(
            _association(org, other, str(assoc.get("relationship", "")), key, entity, date)
        )
    return Extract(record=key, where=where, nodes=nodes, relations=relations)


def _association(
    org: Organisation, other: Organisation, kind: str, key: str, entity: str, date: str | None
) -> Relation:
    kind = kind.lower()
    if kind == "parent":
        text = f"OpenAlex lists {other.name} as the parent of {org.name}"
        return Relation(
            type=RelType.SUBSIDIARY_OF,
            source=org.id,
            target=other.id,
            evidence=_evidence(key, entity, text, date),
        )
    if kind == "child":
        text = f"OpenAlex lists {other.name} as a child of {org.name}"
        return Relation(
            type=RelType.SUBSIDIARY_OF,
            source=other.id,
            target=org.id,
            evidence=_evidence(key, entity, text, date),
        )
    text = f"OpenAlex lists {org.name} and {other.name} as related"
    return Relation(
        type=RelType.COLLABORATES_WITH,
        subtype=CollabType.OTHER,
        source=org.id,
        target=other.id,
        evidence=_evidence(key, entity, text, date),
    )


# ---------------------------------------------------------------------------- authors


def _author(raw: dict[str, Any], entity: str, where: str) -> Extract:
    key = f"openalex:{entity}"
    name = raw.get("display_name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError(where, f"author {entity} has no display_name")
    person = Person(name=name)  # a name only: ORCID and the rest are not stored
    date = _day(raw.get("updated_date"))
    nodes: list[Node] = [person]
    relations: list[Relation] = []
    for affiliation in raw.get("affiliations") or []:
        org = dehydrated_institution(affiliation.get("institution"), where)
        years = sorted(int(y) for y in affiliation.get("years") or [])
        span = f" ({years[0]} to {years[-1]})" if years else ""
        if org.id not in {n.id for n in nodes}:
            nodes.append(org)
        relations.append(
            Relation(
                type=RelType.HAS_ROLE,
                source=person.id,
                target=org.id,
                role=AUTHOR_ROLE,
                start=str(years[0]) if years else None,
                end=str(years[-1]) if years else None,
                evidence=_evidence(
                    key, entity, f"OpenAlex lists {name} as affiliated with {org.name}{span}", date
                ),
            )
        )
    return Extract(record=key, where=where, nodes=nodes, relations=relations)


# ---------------------------------------------------------------------------- input


def _entities(path: Path, report: IngestReport) -> Iterator[tuple[str, Any]]:
    for file in input_files(path, SUFFIXES):
        if file.name.endswith((".jsonl", ".gz")):
            yield from _json_lines(file, report)
        else:
            yield from _json_document(file, report)


def _json_document(file: Path, report: IngestReport) -> Iterator[tuple[str, Any]]:
    """A single entity, a list response's `results`, or a top-level array of entities."""
    try:
        for index, _line, value in iter_json_values(file):
            if index is not None:
                yield f"{file.name}#{index}", value
            elif isinstance(value, dict) and isinstance(value.get("results"), list):
                for number, result in enumerate(value["results"]):
                    yield f"{file.name}#results[{number}]", result
            else:
                yield file.name, value
    except RecordError as exc:
        report.read += 1
        report.reject(exc.where, exc.reason)


def _json_lines(file: Path, report: IngestReport) -> Iterator[tuple[str, Any]]:
    """One entity per line. A line that is not UTF-8 or not JSON is one rejected record; a file
    that cannot be read on (not gzip, a cut gzip stream) is one reject at the line it stopped."""
    opener = gzip.open if file.name.endswith(".gz") else open
    number = 0
    try:
        with opener(file, "rb") as handle:
            for number, raw_line in enumerate(handle, start=1):
                if not raw_line.strip():
                    continue
                where = f"{file.name} line {number}"
                try:
                    value = json.loads(raw_line.decode("utf-8-sig"))
                except UnicodeDecodeError as exc:
                    report.read += 1
                    byte = exc.object[exc.start]
                    report.reject(
                        where, f"not UTF-8 text: byte 0x{byte:02x} at column {exc.start + 1}"
                    )
                    continue
                except json.JSONDecodeError as exc:
                    report.read += 1
                    report.reject(where, f"invalid JSON: {exc.msg} (column {exc.colno})")
                    continue
                yield where, value
    except (OSError, EOFError) as exc:
        report.read += 1
        report.reject(f"{file.name} line {number + 1}", f"cannot read the file: {exc}")
