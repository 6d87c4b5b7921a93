"""GLEIF legal entity identifiers (LEI) and their parent relationships, to organisations.

Two layouts are read:
- GLEIF API v1 responses (JSON:API): `data` is one `lei-records` object or a list of them.
  The file name (or the `links` of a list response) says whether the records are an entity's
  relatives: `direct-parent_<LEI>.json` / `ultimate-parent_<LEI>.json` hold the parent of
  <LEI>; `direct-children_<LEI>.json` / `ultimate-children_<LEI>.json` hold its children.
- The golden-copy CSV files (LEI-CDF 3.1 level 1: `LEI`, `Entity.LegalName`, …; level 2
  relationship records: `Relationship.StartNode.NodeID`, `Relationship.EndNode.NodeID`,
  `Relationship.RelationshipType`, …), streamed row by row.
A directory is read in sorted order, entity files before relationship files, so that the
relationships find their entities already yielded.

Decisions:
- Consolidation (level 2) is SUBSIDIARY_OF, child -> parent, for IS_DIRECTLY_CONSOLIDATED_BY,
  IS_ULTIMATELY_CONSOLIDATED_BY and IS_INTERNATIONAL_BRANCH_OF. Direct and ultimate parent
  are one relation when they are the same entity, with one piece of evidence for each. The
  evidence source is the relationship record's key, `gleif:<child LEI>/<type>`, named after the
  API path, so the API and the CSV state the same fact with the same evidence.
- Fund relationships (IS_FUND-MANAGED_BY, IS_SUBFUND_OF, IS_FEEDER_TO) are not ownership; such
  rows, and entities or relationships whose registration is ANNULLED or DUPLICATE (registered
  by mistake or twice), are read but neither accepted nor rejected, and yield nothing.
- An LEI that a relationship names but that was not yielded earlier in this run gets a stub
  node: `Organisation(name="LEI <code>", kind=company, identifiers={"lei": code})`. The LEI
  matches the real record whenever that is loaded (before or after); the stub's name then
  becomes an alias. Load entities and relationships in one run (a directory) to avoid stubs.
- The registration number (`registeredAs`) is a `se_orgnr` (NNNNNN-NNNN) in Sweden and a `cvr`
  (8 digits) in Denmark; elsewhere `registration` = "<registration authority id>:<number>",
  because bare numbers of different registers would look like one identifier.
- LEIs are checked (20 characters, ISO 17442 check digits): a bad LEI is a reject.
- Country and city are those of the legal address (headquarters address if there is none).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.model import Node, Organisation, OrgKind, Relation, RelType, organisation_id
from ingest.base import Extract, record_evidence
from ingest.countries import to_alpha2
from ingest.errors import RecordError
from ingest.kinds import kind_from_name
from ingest.readers import RECORD_ERRORS, input_files, read_json_file, reason_of
from ingest.report import IngestReport

EXTRACTOR = "gleif"
API_URL = "https://api.gleif.org/api/v1/lei-records/"
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_RELATIVES_FILE = re.compile(r"^(direct|ultimate)-(parent|children)_([A-Z0-9]{20})(?![A-Z0-9])")
_RELATIVES_LINK = re.compile(r"/lei-records/([A-Z0-9]{20})/(direct|ultimate)-(parent|children)")
SKIPPED_REGISTRATIONS = frozenset({"ANNULLED", "DUPLICATE"})

# Level-2 relationship types that mean "belongs to", and the API path naming each.
RELATIONSHIP_TYPES: dict[str, str] = {
    "IS_DIRECTLY_CONSOLIDATED_BY": "direct-parent-relationship",
    "IS_ULTIMATELY_CONSOLIDATED_BY": "ultimate-parent-relationship",
    "IS_INTERNATIONAL_BRANCH_OF": "international-branch-relationship",
}
FUND_RELATIONSHIP_TYPES = frozenset({"IS_FUND-MANAGED_BY", "IS_SUBFUND_OF", "IS_FEEDER_TO"})
_CATEGORY_KINDS = {
    "FUND": OrgKind.INVESTOR,
    "RESIDENT_GOVERNMENT_ENTITY": OrgKind.PUBLIC_AGENCY,
    "INTERNATIONAL_ORGANIZATION": OrgKind.OTHER,
}

# Golden-copy CSV columns (LEI-CDF 3.1 level 1 and relationship record level 2).
L1_LEI = "LEI"
L2_START = "Relationship.StartNode.NodeID"
_L1_COLUMNS = {
    "name": "Entity.LegalName",
    "legal_city": "Entity.LegalAddress.City",
    "legal_country": "Entity.LegalAddress.Country",
    "hq_city": "Entity.HeadquartersAddress.City",
    "hq_country": "Entity.HeadquartersAddress.Country",
    "authority": "Entity.RegistrationAuthority.RegistrationAuthorityID",
    "registered_as": "Entity.RegistrationAuthority.RegistrationAuthorityEntityID",
    "jurisdiction": "Entity.LegalJurisdiction",
    "category": "Entity.EntityCategory",
    "entity_status": "Entity.EntityStatus",
    "registration_status": "Registration.RegistrationStatus",
}
_OTHER_NAME = re.compile(
    r"^Entity\.(?:OtherEntityNames\.OtherEntityName|"
    r"TransliteratedOtherEntityNames\.TransliteratedOtherEntityName)\.\d+$"
)
_PERIOD = re.compile(r"^Relationship\.RelationshipPeriods\.RelationshipPeriod\.(\d+)\.PeriodType$")


# ---------------------------------------------------------------------------- records


def lei_code(value: Any, where: str) -> str:
    """A checked LEI: 18 characters and two ISO 7064 (mod 97-10) check digits."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if not _LEI.match(code):
        raise RecordError(where, f"not an LEI: {value!r} (20 letters and digits)")
    if int("".join(str(int(ch, 36)) for ch in code)) % 97 != 1:
        raise RecordError(where, f"LEI {code} has wrong check digits")
    return code


@dataclass(slots=True)
class _Entity:
    """What the loader uses of a level-1 record, from the API or the CSV."""

    lei: str
    name: str
    aliases: list[str]
    city: str | None
    country: str | None
    authority: str | None
    registered_as: str | None
    jurisdiction: str | None
    category: str | None
    registration_status: str


@dataclass(slots=True)
class _Link:
    """A level-2 relationship: `child` belongs to `parent`."""

    child: str
    parent: str
    type: str
    start: str | None = None
    end: str | None = None
    stated: str | None = None

    @property
    def key(self) -> str:
        return f"gleif:{self.child}/{RELATIONSHIP_TYPES[self.type]}"


@dataclass(slots=True)
class _Run:
    """LEIs yielded as nodes so far in this run: relationships need nodes for both ends."""

    seen: set[str] = field(default_factory=set)

    def stubs(self, *leis: str) -> list[Node]:
        return [
            Organisation(
                name=f"LEI {lei}",
                kind=OrgKind.COMPANY,
                identifiers={"lei": lei},
                sources=(EXTRACTOR,),
            )
            for lei in dict.fromkeys(leis)
            if lei not in self.seen
        ]

    def commit(self, extract: Extract) -> None:
        for node in extract.nodes:
            if isinstance(node, Organisation) and "lei" in node.identifiers:
                self.seen.add(node.identifiers["lei"])


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _day(value: Any) -> str | None:
    """`2025-05-15` of `2025-05-15T00:00:00Z`."""
    text = _text(value)
    return text[:10] if text and len(text) >= 10 else None


def registration_ids(entity: _Entity) -> dict[str, str]:
    value = entity.registered_as
    if not value:
        return {}
    country = (entity.jurisdiction or entity.country or "")[:2].upper()
    digits = re.sub(r"\D", "", value)
    plain = re.fullmatch(r"(?:SE|DK)?[\d\s-]+", value.upper()) is not None
    if country == "SE" and plain and len(digits) == 10:
        return {"se_orgnr": f"{digits[:6]}-{digits[6:]}"}
    if country == "DK" and plain and len(digits) == 8:
        return {"cvr": digits}
    return {"registration": f"{entity.authority}:{value}" if entity.authority else value}


def organisation(entity: _Entity, where: str) -> Organisation:
    category = (entity.category or "").upper()
    default = _CATEGORY_KINDS.get(category, OrgKind.COMPANY)
    return Organisation(
        name=entity.name,
        kind=default if category in _CATEGORY_KINDS else kind_from_name(entity.name, default),
        country=to_alpha2(entity.country, where=where),
        city=entity.city,
        aliases=tuple(entity.aliases),
        identifiers={"lei": entity.lei, **registration_ids(entity)},
        sources=(EXTRACTOR,),
    )


def subsidiary_relation(link: _Link) -> Relation:
    evidence = record_evidence(
        link.key,
        extractor=EXTRACTOR,
        text=f"GLEIF: {link.child} {link.type} {link.parent}",
        date=link.stated,
        url=f"{API_URL}{link.child}/{RELATIONSHIP_TYPES[link.type]}",
    )
    return Relation(
        type=RelType.SUBSIDIARY_OF,
        source=organisation_id("", None, {"lei": link.child}),
        target=organisation_id("", None, {"lei": link.parent}),
        start=link.start,
        end=link.end,
        evidence=[evidence],
    )


# ---------------------------------------------------------------------------- loader


def load_gleif(path: Path, report: IngestReport) -> Iterator[Extract]:
    """Stream LEI records and parent relationships from API JSON or golden-copy CSV files."""
    run = _Run()
    for file in sorted(input_files(path, (".json", ".csv")), key=_file_order):
        reader = _read_csv if file.name.lower().endswith(".csv") else _read_api_json
        for extract in reader(file, report, run):
            run.commit(extract)
            yield extract


def _file_order(file: Path) -> tuple[int, str]:
    """Entity files first, then relationship files, each group by name."""
    if _RELATIVES_FILE.match(file.name):
        return 1, file.name
    if file.name.lower().endswith(".csv"):
        try:
            with file.open(encoding="utf-8-sig", errors="replace") as handle:
                header = handle.readline()
        except OSError:
            return 0, file.name
        return (1 if L2_START in header else 0), file.name
    return 0, file.name


def _accept(
    report: IngestReport, where: str, build: Callable[..., Extract | None], *args: Any
) -> Extract | None:
    """Build one record's extract; a reject on failure, None (not accepted) when skipped."""
    report.read += 1
    try:
        extract: Extract | None = build(*args)
    except RECORD_ERRORS as exc:
        report.reject(where, reason_of(exc))
        return None
    if extract is not None:
        report.accepted += 1
    return extract


# ---------------------------------------------------------------------------- API JSON


def _read_api_json(file: Path, report: IngestReport, run: _Run) -> Iterator[Extract]:
    document = read_json_file(file, report, streamed=True)
    if document is None:
        return
    if not isinstance(document, dict) or "data" not in document:
        report.read += 1
        report.reject(file.name, "not a GLEIF API response: no top-level `data`")
        return
    relatives = _relatives(file.name, document)
    stated = _day(((document.get("meta") or {}).get("goldenCopy") or {}).get("publishDate"))
    data = document["data"]
    items = list(enumerate(data)) if isinstance(data, list) else [(None, data)]
    for index, item in items:
        where = file.name if index is None else f"{file.name}#data[{index}]"
        extract = _accept(report, where, _api_extract, item, where, relatives, stated, run)
        if extract is not None:
            yield extract


def _relatives(name: str, document: dict[str, Any]) -> tuple[str, str, str] | None:
    """(direct|ultimate, parent|children, anchor LEI) from the file name or the links."""
    found = _RELATIVES_FILE.match(name)
    if found:
        return found.group(1), found.group(2), found.group(3)
    for link in (document.get("links") or {}).values():
        match = _RELATIVES_LINK.search(link) if isinstance(link, str) else None
        if match:
            return match.group(2), match.group(3), match.group(1)
    return None


def _api_entity(item: Any, where: str) -> _Entity:
    if not isinstance(item, dict):
        raise RecordError(where, f"a GLEIF record must be a JSON object, got {type(item).__name__}")
    if item.get("type") != "lei-records":
        raise RecordError(where, f"unsupported GLEIF resource type {item.get('type')!r}")
    attributes = item.get("attributes") or {}
    entity = attributes.get("entity") or {}
    name = _text((entity.get("legalName") or {}).get("name"))
    if name is None:
        raise RecordError(where, "record has no entity.legalName.name")
    address = entity.get("legalAddress") or entity.get("headquartersAddress") or {}
    others = [*(entity.get("otherNames") or []), *(entity.get("transliteratedOtherNames") or [])]
    return _Entity(
        lei=lei_code(attributes.get("lei") or item.get("id"), where),
        name=name,
        aliases=[n["name"] for n in others if _text(n.get("name"))],
        city=_text(address.get("city")),
        country=_text(address.get("country")),
        authority=_text((entity.get("registeredAt") or {}).get("id")),
        registered_as=_text(entity.get("registeredAs")),
        jurisdiction=_text(entity.get("jurisdiction")),
        category=_text(entity.get("category")),
        registration_status=(
            _text((attributes.get("registration") or {}).get("status")) or ""
        ).upper(),
    )


def _api_extract(
    item: Any,
    where: str,
    relatives: tuple[str, str, str] | None,
    stated: str | None,
    run: _Run,
) -> Extract | None:
    entity = _api_entity(item, where)
    if entity.registration_status in SKIPPED_REGISTRATIONS:
        return None
    org = organisation(entity, where)
    nodes: list[Node] = [org]
    relations: list[Relation] = []
    if relatives is not None:
        depth, direction, anchor = relatives
        child, parent = (anchor, entity.lei) if direction == "parent" else (entity.lei, anchor)
        if child == parent:
            raise RecordError(where, f"{entity.lei} is listed as its own {direction}")
        rel_type = (
            "IS_DIRECTLY_CONSOLIDATED_BY" if depth == "direct" else "IS_ULTIMATELY_CONSOLIDATED_BY"
        )
        nodes += run.stubs(anchor)
        relations.append(subsidiary_relation(_Link(child, parent, rel_type, stated=stated)))
    return Extract(record=f"gleif:{entity.lei}", where=where, nodes=nodes, relations=relations)


# ---------------------------------------------------------------------------- golden-copy CSV


def _read_csv(file: Path, report: IngestReport, run: _Run) -> Iterator[Extract]:
    line = 1
    try:
        # Bytes that are not UTF-8 become surrogates, so that one bad row is one reject.
        with file.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or not ({L1_LEI, L2_START} & set(header)):
                raise RecordError(
                    f"{file.name} line 1",
                    f"not a GLEIF golden-copy CSV: no {L1_LEI} or {L2_START} column",
                )
            columns = _Columns(header)
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                where = f"{file.name} line {line}"
                extract = _accept(report, where, columns.extract, row, where, run)
                if extract is not None:
                    yield extract
    except RecordError as exc:
        report.read += 1
        report.reject(exc.where, exc.reason)
    except (csv.Error, OSError) as exc:
        # The rest of the file cannot be read reliably: one reject where reading stopped.
        report.read += 1
        report.reject(f"{file.name} line {line + 1}", f"cannot read the file on: {exc}")


class _Columns:
    """Column positions of one golden-copy CSV header, computed once per file."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.index = {name: i for i, name in enumerate(header)}
        self.level2 = L2_START in self.index
        self.other_names = [i for i, name in enumerate(header) if _OTHER_NAME.match(name)]
        self.periods = sorted(
            (int(m.group(1)), i) for i, name in enumerate(header) if (m := _PERIOD.match(name))
        )

    def get(self, row: list[str], column: str) -> str | None:
        i = self.index.get(column)
        return _text(row[i]) if i is not None else None

    def extract(self, row: list[str], where: str, run: _Run) -> Extract | None:
        if len(row) != len(self.header):
            raise RecordError(
                where, f"row has {len(row)} fields, the header has {len(self.header)}"
            )
        try:
            "".join(row).encode("utf-8")
        except UnicodeEncodeError as exc:
            byte = ord(exc.object[exc.start]) - 0xDC00
            raise RecordError(where, f"not UTF-8 text: byte 0x{byte:02x} in this row") from None
        return self._link(row, where, run) if self.level2 else self._entity(row, where)

    def _entity(self, row: list[str], where: str) -> Extract | None:
        get = self.get
        name = get(row, _L1_COLUMNS["name"])
        if name is None:
            raise RecordError(where, f"no {_L1_COLUMNS['name']}")
        legal_country = get(row, _L1_COLUMNS["legal_country"])
        entity = _Entity(
            lei=lei_code(get(row, L1_LEI), where),
            name=name,
            aliases=[row[i].strip() for i in self.other_names if row[i].strip()],
            city=get(row, _L1_COLUMNS["legal_city"] if legal_country else _L1_COLUMNS["hq_city"]),
            country=legal_country or get(row, _L1_COLUMNS["hq_country"]),
            authority=get(row, _L1_COLUMNS["authority"]),
            registered_as=get(row, _L1_COLUMNS["registered_as"]),
            jurisdiction=get(row, _L1_COLUMNS["jurisdiction"]),
            category=get(row, _L1_COLUMNS["category"]),
            registration_status=(get(row, _L1_COLUMNS["registration_status"]) or "").upper(),
        )
        if entity.registration_status in SKIPPED_REGISTRATIONS:
            return None
        org = organisation(entity, where)
        return Extract(record=f"gleif:{entity.lei}", where=where, nodes=[org])

    def _link(self, row: list[str], where: str, run: _Run) -> Extract | None:
        get = self.get
        rel_type = (get(row, "Relationship.RelationshipType") or "").upper()
        status = (get(row, "Registration.RegistrationStatus") or "").upper()
        if rel_type in FUND_RELATIONSHIP_TYPES or status in SKIPPED_REGISTRATIONS:
            return None
        if rel_type not in RELATIONSHIP_TYPES:
            raise RecordError(where, f"unknown Relationship.RelationshipType {rel_type!r}")
        for end in ("StartNode", "EndNode"):
            id_type = get(row, f"Relationship.{end}.NodeIDType")
            if id_type and id_type.upper() != "LEI":
                raise RecordError(where, f"Relationship.{end}.NodeIDType is {id_type!r}, not LEI")
        child = lei_code(get(row, L2_START), where)
        parent = lei_code(get(row, "Relationship.EndNode.NodeID"), where)
        if child == parent:
            raise RecordError(where, f"{child} is related to itself")
        start, end = self._period(row)
        active = (get(row, "Relationship.RelationshipStatus") or "ACTIVE").upper() == "ACTIVE"
        link = _Link(
            child,
            parent,
            rel_type,
            start=start,
            end=None if active else end,
            stated=_day(get(row, "Registration.LastUpdateDate")),
        )
        return Extract(
            record=link.key,
            where=where,
            nodes=run.stubs(child, parent),
            relations=[subsidiary_relation(link)],
        )

    def _period(self, row: list[str]) -> tuple[str | None, str | None]:
        """Start and end of the RELATIONSHIP_PERIOD (not the accounting or filing period)."""
        for number, i in self.periods:
            if row[i].strip().upper() == "RELATIONSHIP_PERIOD":
                prefix = f"Relationship.RelationshipPeriods.RelationshipPeriod.{number}."
                return _day(self.get(row, prefix + "StartDate")), _day(
                    self.get(row, prefix + "EndDate")
                )
        return None, None
