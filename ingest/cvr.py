"""Danish company register (CVR): "Vrvirksomhed" documents of Erhvervsstyrelsen's Elasticsearch.

Input: a search response (`hits.hits[]._source.Vrvirksomhed`), a JSON array of such hits, or a
folder of response files (read in sorted order). One hit is one record, keyed `cvr:<8 digits>`.

Per company: the Organisation (current name, earlier names and secondary names as aliases, town
and country of the current address, kind from the company form, CVR number and industry code as
identifiers, website). Its participants (`deltagerRelation`):

* people (`enhedstype` PERSON) become `Person(name)` with one HAS_ROLE per function they hold or
  held (`FUNKTION`: "direktør", "bestyrelsesmedlem", "formand", "reel ejer"…), with the period
  as start/end. Nothing else about a person is read: not the address, not the ownership share,
  not the unit number.
* companies (`enhedstype` VIRKSOMHED) in the legal owners' register (EJERREGISTER / LEGALE
  EJERE) become Organisations (name, CVR from `forretningsnoegle`). A stake of at least 50 % of
  capital or votes, the register's lowest majority band, makes the owned company a
  SUBSIDIARY_OF the owner; a smaller stake is a directed COLLABORATES_WITH of subtype
  investment (owner -> owned). Stakes are registered in bands (5 %, 10 %, … 50 %, 66.67 %,
  90 %, 100 %), written as fractions ("0.05", "1.0").
* other participants (auditors, founders, general partners, companies sitting on a board) are
  not modelled: no relation type says "audits" or "founded", and HAS_ROLE is for people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ValidationError
from graph.model import (
    CollabType,
    Evidence,
    Organisation,
    OrgKind,
    Person,
    Relation,
    RelType,
)
from ingest.base import Extract, record_evidence
from ingest.countries import to_alpha2
from ingest.errors import RecordError
from ingest.kinds import kind_from_name
from ingest.places import danish_town
from ingest.readers import RECORD_ERRORS, input_files, read_json_file, reason_of
from ingest.report import IngestReport

EXTRACTOR = "cvr"
CVR_URL = "https://datacvr.virk.dk/enhed/virksomhed/{cvr}"
# The lowest band of the owners' register that is a majority (the bands are 50-66.66 %, …).
MAJORITY = 0.5
OWNER_REGISTERS = frozenset({"EJERREGISTER", "LEGALE EJERE"})
SHARE_ATTRIBUTES = frozenset({"EJERANDEL_PROCENT", "EJERANDEL_STEMMERET_PROCENT"})

_CVR = re.compile(r"^\d{8}$")


# ---------------------------------------------------------------------------- loader


def load_cvr(path: Path, report: IngestReport) -> Iterator[Extract]:
    """Stream the companies of a CVR search response file (or a folder of them)."""
    for file in input_files(path, (".json",), recursive=True):
        document = read_json_file(file, report)
        if document is None:
            continue
        hits = _hits(document)
        if hits is None:
            report.read += 1
            report.reject(
                file.name, "no company documents: expected hits.hits[] (an Elasticsearch response)"
            )
            continue
        for index, hit in enumerate(hits):
            where = f"{file.name}#hits[{index}]"
            report.read += 1
            try:
                extract = _company_extract(hit, where)
            except RECORD_ERRORS as exc:
                report.reject(where, reason_of(exc))
                continue
            report.accepted += 1
            yield extract


def _hits(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        hits = document.get("hits")
        if isinstance(hits, dict) and isinstance(hits.get("hits"), list):
            return hits["hits"]
        if "_source" in document:
            return [document]
    return None


# ---------------------------------------------------------------------------- one company


@dataclass(slots=True)
class _Span:
    """The union of a relation's periods: earliest start, latest end, open if any is open."""

    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    open: bool = False
    seen: bool = False

    def add(self, period: dict[str, Any] | None) -> None:
        period = period or {}
        self.seen = True
        start, end = _day(period.get("gyldigFra")), _day(period.get("gyldigTil"))
        if start:
            self.starts.append(start)
        if end:
            self.ends.append(end)
        else:
            self.open = True

    @property
    def start(self) -> str | None:
        return min(self.starts, default=None)

    @property
    def end(self) -> str | None:
        return None if self.open else max(self.ends, default=None)


@dataclass(slots=True)
class _Ownership:
    """What the owners' register says about one owning company: when it held a majority, when
    a minority stake."""

    owner: Organisation
    majority: _Span = field(default_factory=_Span)
    minority: _Span = field(default_factory=_Span)


def _company_extract(hit: Any, where: str) -> Extract:
    company = _company(hit, where)
    cvr = _cvr_number(company.get("cvrNummer"), where)
    record = f"cvr:{cvr}"
    org = _organisation(company, cvr, where)
    extract = Extract(record=record, where=where, nodes=[org])

    people: dict[tuple[str, str], tuple[Person, _Span]] = {}
    owners: dict[str, _Ownership] = {}
    for relation in _list(company.get("deltagerRelation")):
        participant = (relation or {}).get("deltager") or {}
        organisations = _list(relation.get("organisationer"))
        kind = participant.get("enhedstype")
        if kind == "PERSON":
            _collect_roles(participant, organisations, people)
        elif kind == "VIRKSOMHED":
            _collect_ownership(participant, organisations, owners, where)

    def evidence(text: str) -> list[Evidence]:
        return [
            record_evidence(
                record, extractor=EXTRACTOR, text=f"CVR {cvr}: {text}", url=CVR_URL.format(cvr=cvr)
            )
        ]

    for (_, role), (person, span) in sorted(people.items()):
        if person.id not in {node.id for node in extract.nodes}:
            extract.nodes.append(person)
        extract.relations.append(
            Relation(
                type=RelType.HAS_ROLE,
                source=person.id,
                target=org.id,
                role=role,
                start=span.start,
                end=span.end,
                evidence=evidence(f"{person.name}, {role}, {org.name}"),
            )
        )
    for key in sorted(owners):
        owner, majority, minority = owners[key].owner, owners[key].majority, owners[key].minority
        extract.nodes.append(owner)
        if majority.seen:
            extract.relations.append(
                Relation(
                    type=RelType.SUBSIDIARY_OF,
                    source=org.id,
                    target=owner.id,
                    start=majority.start,
                    end=majority.end,
                    evidence=evidence(f"{owner.name} owns a majority of {org.name}"),
                )
            )
        if minority.seen:
            extract.relations.append(
                Relation(
                    type=RelType.COLLABORATES_WITH,
                    subtype=CollabType.INVESTMENT,
                    source=owner.id,
                    target=org.id,
                    start=minority.start,
                    end=minority.end,
                    evidence=evidence(f"{owner.name} owns a minority stake in {org.name}"),
                )
            )
    return extract


def _company(hit: Any, where: str) -> dict[str, Any]:
    source = hit.get("_source") if isinstance(hit, dict) else None
    company = source.get("Vrvirksomhed") if isinstance(source, dict) else None
    if not isinstance(company, dict):
        raise RecordError(where, "no company document: expected _source.Vrvirksomhed")
    return company


def _cvr_number(value: Any, where: str) -> str:
    text = str(value).strip() if isinstance(value, int | str) else ""
    if not _CVR.match(text):
        raise RecordError(where, f"cvrNummer must be 8 digits, got {value!r}")
    return text


def _organisation(company: dict[str, Any], cvr: str, where: str) -> Organisation:
    meta = company.get("virksomhedMetadata") or {}
    names = _list(company.get("navne"))
    name = _clean((meta.get("nyesteNavn") or {}).get("navn")) or _current_name(names)
    if not name:
        raise RecordError(where, "the company has no name (nyesteNavn and navne are empty)")
    address = meta.get("nyesteBeliggenhedsadresse") or _current(
        _list(company.get("beliggenhedsadresse"))
    )
    address = address or {}
    industry = meta.get("nyesteHovedbranche") or _current(_list(company.get("hovedbranche")))
    form = meta.get("nyesteVirksomhedsform") or _current(_list(company.get("virksomhedsform")))
    return Organisation(
        name=name,
        kind=_kind_from_form(form, name),
        country=to_alpha2(address.get("landekode"), where=where) or "DK",
        city=danish_town(address.get("postdistrikt"))
        or _title((address.get("kommune") or {}).get("kommuneNavn")),
        website=_website(company),
        aliases=tuple(
            alias
            for alias in (_clean(n.get("navn")) for n in [*names, *_list(company.get("binavne"))])
            if alias
        ),
        identifiers={"cvr": cvr, "branchekode": (industry or {}).get("branchekode")},
        sources=(EXTRACTOR,),
    )


def _kind_from_form(form: dict[str, Any] | None, name: str) -> OrgKind:
    """Company form -> kind: (erhvervsdrivende) fond -> foundation, kommune/region/state ->
    public agency, any selskab/virksomhed -> company, forening/institution -> other."""
    text = " ".join(str((form or {}).get(k) or "") for k in ("langBeskrivelse", "kortBeskrivelse"))
    text = text.lower()
    if not text.strip():
        return kind_from_name(name, OrgKind.COMPANY)
    if re.search(r"\bfond\b", text):
        return OrgKind.FOUNDATION
    if re.search(r"kommune|\bregion\b|statslig|offentlig|folkekirke", text):
        return OrgKind.PUBLIC_AGENCY
    if re.search(r"selskab|virksomhed|interessentskab", text):
        return OrgKind.COMPANY
    return OrgKind.OTHER


def _website(company: dict[str, Any]) -> str | None:
    current = _current(_list(company.get("hjemmeside")))
    return _clean((current or {}).get("kontaktoplysning"))


# ---------------------------------------------------------------------------- participants


def _collect_roles(
    participant: dict[str, Any],
    organisations: list[Any],
    people: dict[tuple[str, str], tuple[Person, _Span]],
) -> None:
    """One HAS_ROLE per (person, function); the periods of repeated terms are united."""
    name = _current_name(_list(participant.get("navne")))
    if not name:
        return
    try:
        person = Person(name=name)
    except ValidationError:
        # A "name" the model refuses (it looks like a phone number or e-mail) is not a name;
        # the company stays, this participant is left out.
        return
    for role, period in _member_values(organisations, "FUNKTION"):
        _, span = people.setdefault((person.id, role.lower()), (person, _Span()))
        span.add(period)


def _collect_ownership(
    participant: dict[str, Any],
    organisations: list[Any],
    owners: dict[str, _Ownership],
    where: str,
) -> None:
    registers = [
        org
        for org in organisations
        if isinstance(org, dict)
        and org.get("hovedtype") == "REGISTER"
        and {_clean(n.get("navn")) for n in _list(org.get("organisationsNavn"))} & OWNER_REGISTERS
    ]
    if not registers:
        return
    owner = _participant_organisation(participant, where)
    if owner is None:
        return
    ownership = owners.setdefault(owner.id, _Ownership(owner))
    stated = False
    for value, period in _member_values(registers, *SHARE_ATTRIBUTES):
        share = _share(value)
        if share is not None:
            stated = True
            (ownership.majority if share >= MAJORITY else ownership.minority).add(period)
    if not stated:
        # In the owners' register without a stake: ownership, but no majority shown.
        ownership.minority.add(None)


def _participant_organisation(participant: dict[str, Any], where: str) -> Organisation | None:
    names = _list(participant.get("navne"))
    name = _current_name(names)
    if not name:
        return None
    key = str(participant.get("forretningsnoegle") or "").strip()
    cvr = key if _CVR.match(key) else None
    address = _current(_list(participant.get("beliggenhedsadresse"))) or {}
    country = to_alpha2(address.get("landekode"), where=where) or ("DK" if cvr else None)
    return Organisation(
        name=name,
        kind=kind_from_name(name, OrgKind.COMPANY),
        country=country,
        aliases=tuple(alias for alias in (_clean(n.get("navn")) for n in names) if alias),
        identifiers={"cvr": cvr} if cvr else {},
        sources=(EXTRACTOR,),
    )


# ---------------------------------------------------------------------------- small helpers


def _member_values(
    organisations: list[Any], *types: str
) -> Iterable[tuple[str, dict[str, Any] | None]]:
    """(value, period) of every member attribute of the given types, in document order."""
    for org in organisations:
        for member in _list((org or {}).get("medlemsData")):
            for attribute in _list((member or {}).get("attributter")):
                if (attribute or {}).get("type") not in types:
                    continue
                for value in _list(attribute.get("vaerdier")):
                    text = _clean((value or {}).get("vaerdi"))
                    if text:
                        yield text, value.get("periode")


def _share(value: str) -> float | None:
    try:
        share = float(value.replace(",", "."))
    except ValueError:
        return None
    return share / 100 if share > 1 else share


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _clean(value: Any) -> str | None:
    """Text with runs of white space collapsed (CVR pads old names with spaces)."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _title(value: Any) -> str | None:
    text = _clean(value)
    return text.title() if text else None


def _day(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and value else None


def _current(entries: list[Any]) -> dict[str, Any] | None:
    """The entry whose period is open, else the one that started last."""
    dated = [e for e in entries if isinstance(e, dict)]
    if not dated:
        return None
    open_entries = [e for e in dated if not (e.get("periode") or {}).get("gyldigTil")]
    pool = open_entries or dated
    return max(pool, key=lambda e: (e.get("periode") or {}).get("gyldigFra") or "")


def _current_name(names: list[Any]) -> str | None:
    return _clean((_current(names) or {}).get("navn"))
