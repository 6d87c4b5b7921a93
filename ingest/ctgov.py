"""ClinicalTrials.gov: trials with their sponsors, collaborators, sites, conditions and officials.

Two formats, each read into one neutral `_Study` so that the mapping to the graph exists once:
- legacy AllPublicXML (`NCT….xml`, one `<clinical_study>` per file, public.xsd);
- the API v2 JSON: one study `{"protocolSection": …}` or a page `{"studies": […], …}`.
A path may be a file or a directory, walked recursively in sorted order (*.xml and *.json).

Mapping: trial -> Project(kind=trial, identifiers={"nct": …}); lead sponsor, collaborators and
sites -> Organisation with PARTICIPATES_IN (role lead_sponsor / collaborator / site); conditions
-> Topic with ACTIVE_IN from the trial; officials and responsible investigators -> Person with
HAS_ROLE, but only when the record ties them to an organisation (an affiliation, or the site
they are listed at). A person is stored with a name only: phone numbers and e-mail addresses of
contacts are never read.

Decisions the samples forced (see the tests for the counts they give):
- A location without a facility name names no organisation and is skipped.
- Sponsors hide their sites behind placeholders ("Research Site", "Novartis Investigative Site",
  "Local Institution"); such a site becomes "<placeholder>, <city>" so that all AstraZeneca
  research sites of a country do not melt into one organisation.
- ClinicalTrials.gov still lists dissolved countries: "Former Yugoslavia" and "Former Serbia and
  Montenegro" have no ISO code today (the site is kept with country None); "Macedonia, The Former
  Yugoslav Republic of" is MK. Any other country that is not known rejects the record.
- A sponsor's country is only known when its name ends in one (", Denmark"); the suffix is then
  moved from the name to the country and the full name kept as an alias.

XML is parsed with `xml.etree.ElementTree.XMLParser`; documents with a DTD (`<!DOCTYPE`,
`<!ENTITY`) are refused, which rules out entity-expansion attacks.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.model import (
    Node,
    Organisation,
    OrgKind,
    Person,
    Project,
    ProjectKind,
    Relation,
    RelType,
    Topic,
)
from graph.normalize import normalise_name
from ingest.base import Extract, participation, record_evidence
from ingest.countries import to_alpha2
from ingest.errors import RecordError
from ingest.kinds import kind_from_name
from ingest.readers import RECORD_ERRORS, input_files, reason_of
from ingest.report import IngestReport

EXTRACTOR = "ctgov"
SOURCE = "ctgov"
STUDY_URL = "https://clinicaltrials.gov/study/{}"
_SUFFIXES = (".xml", ".json")
_NCT = re.compile(r"^NCT\d{8}$")
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)

# Roles, strongest first: an organisation that is both lead sponsor and a site is the sponsor.
ROLE_ORDER = ("lead_sponsor", "collaborator", "site")

# Sponsor classes: legacy XML writes Industry / NIH / U.S. Fed / Other, API v2 writes INDUSTRY,
# NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG, OTHER, UNKNOWN.
_CLASS_KINDS = {
    "INDUSTRY": OrgKind.COMPANY,
    "NIH": OrgKind.PUBLIC_AGENCY,
    "FED": OrgKind.PUBLIC_AGENCY,
    "U_S_FED": OrgKind.PUBLIC_AGENCY,
    "OTHER_GOV": OrgKind.PUBLIC_AGENCY,
}

# "Research Site", "GSK Investigational Site", "Local Institution", "Site 12": not a name.
_PLACEHOLDER = re.compile(
    r"^(?:.{0,40}\s)?(?:investigat\w*|research|clinical|study|trial)\s+sites?$"
    r"|^local institution$|^sites?(?:\s+\w+)?$",
    re.IGNORECASE,
)
_SITE_NUMBER = re.compile(r"^\d+(?:[./-]\d+)+\s+")  # "511.77.46001 Boehringer Ingelheim …"
_CONTACT = re.compile(r"@|\d[\d\s().-]{6,}\d")
# Words that show an "official" is a function or a company, not a person.
_NOT_A_PERSON = re.compile(
    r"\b(?:study|director|chair|monitor|manager|clinical|trials?|medical|investigators?|"
    r"pharmaceuticals?|pharma|sciences?|operations|sites?|department|hospital|university|"
    r"research|group|center|centre|institute|contact|information|team|call|inc|ltd|gmbh|"
    r"corporation|company)\b",
    re.IGNORECASE,
)
# Countries that ClinicalTrials.gov still lists although they are dissolved or renamed.
_HISTORIC_COUNTRIES: dict[str, str | None] = {
    "former yugoslavia": None,
    "former serbia and montenegro": None,
    "serbia and montenegro": None,
    "netherlands antilles": None,
    "macedonia the former yugoslav republic of": "MK",
}
# Months by their first three letters: "September", "Sept" and "Sep" are all 9.
_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {abbreviation: number for number, abbreviation in enumerate(_ABBR, start=1)}
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
# Site people with these API v2 contact roles are investigators; CONTACT / BACKUP are not.
_INVESTIGATOR_ROLES = {
    "PRINCIPAL_INVESTIGATOR",
    "SUB_INVESTIGATOR",
    "STUDY_CHAIR",
    "STUDY_DIRECTOR",
}


# ---------------------------------------------------------------------------- the neutral study


@dataclass(slots=True)
class _Party:
    name: str
    cls: str = ""


@dataclass(slots=True)
class _Site:
    name: str
    city: str
    country: str
    lat: float | None = None
    lon: float | None = None
    investigators: list[tuple[str, str]] = field(default_factory=list)  # (name, role)


@dataclass(slots=True)
class _Official:
    name: str
    role: str
    affiliation: str


@dataclass(slots=True)
class _Study:
    nct: str
    title: str
    start: str = ""
    end: str = ""
    url: str = ""
    lead: _Party | None = None
    collaborators: list[_Party] = field(default_factory=list)
    sites: list[_Site] = field(default_factory=list)
    officials: list[_Official] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- entry point


def load_ctgov(path: Path, report: IngestReport) -> Iterator[Extract]:
    """Stream ClinicalTrials.gov studies from one file or a directory of files."""
    if path.is_dir():
        for file in input_files(path, _SUFFIXES, recursive=True):
            yield from _load_file(file, file.relative_to(path).as_posix(), report)
    else:
        yield from _load_file(path, path.name, report)


def _load_file(path: Path, name: str, report: IngestReport) -> Iterator[Extract]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        _reject_file(report, name, f"cannot be read: {exc}")
        return
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if head == b"<":
        yield from _load_xml(data, name, report)
    elif head in (b"{", b"["):
        yield from _load_json(data, name, report)
    elif not head:
        _reject_file(report, name, "the file is empty")
    else:
        _reject_file(report, name, "neither XML (legacy AllPublicXML) nor JSON (API v2)")


def _reject_file(report: IngestReport, name: str, reason: str) -> None:
    # A file that cannot be used counts as one record read and rejected, so that
    # read == accepted + rejected holds for every load.
    report.read += 1
    report.reject(name, reason)


def _load_xml(data: bytes, name: str, report: IngestReport) -> Iterator[Extract]:
    if _DTD.search(data):
        _reject_file(
            report,
            name,
            "the document declares a DTD (<!DOCTYPE or <!ENTITY); refused, because entity "
            "expansion can exhaust memory, and AllPublicXML records have no DTD",
        )
        return
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        _reject_file(
            report, name, f"not well-formed XML at line {line}, column {column}: {_xml_error(exc)}"
        )
        return
    yield from _accept(report, name, lambda: _legacy_study(root, name))


def _load_json(data: bytes, name: str, report: IngestReport) -> Iterator[Extract]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        _reject_file(report, name, f"not UTF-8 at byte {exc.start}: {exc.reason}")
        return
    except json.JSONDecodeError as exc:
        _reject_file(
            report, name, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        )
        return
    if isinstance(document, dict) and "protocolSection" in document:
        yield from _accept(report, name, lambda: _v2_study(document, name))
        return
    studies = document.get("studies") if isinstance(document, dict) else document
    if not isinstance(studies, list):
        _reject_file(
            report,
            name,
            "not a ClinicalTrials.gov API v2 study ({'protocolSection': …}) or page "
            "({'studies': [...]})",
        )
        return
    for index, study in enumerate(studies):
        where = f"{name}#{index}"
        yield from _accept(report, where, lambda s=study, w=where: _v2_study(s, w))


def _accept(report: IngestReport, where: str, read: Any) -> Iterator[Extract]:
    """Count one record; yield its Extract, or reject it with the reason."""
    report.read += 1
    try:
        extract = _extract(read(), where)
    except RECORD_ERRORS as exc:
        report.reject(where, reason_of(exc))
        return
    report.accepted += 1
    yield extract


# ---------------------------------------------------------------------------- legacy XML


def _legacy_study(root: ET.Element, where: str) -> _Study:
    if root.tag != "clinical_study":
        raise RecordError(where, f"root element is <{root.tag}>, expected <clinical_study>")

    def text(element: ET.Element | None, path: str) -> str:
        return " ".join((element.findtext(path) or "").split()) if element is not None else ""

    nct = text(root, "id_info/nct_id")
    study = _Study(
        nct=nct,
        title=text(root, "brief_title") or text(root, "official_title"),
        start=text(root, "start_date"),
        end=text(root, "completion_date") or text(root, "primary_completion_date"),
        url=text(root, "required_header/url"),
    )
    lead = root.find("sponsors/lead_sponsor")
    if lead is not None:
        study.lead = _Party(text(lead, "agency"), text(lead, "agency_class"))
    for collaborator in root.findall("sponsors/collaborator"):
        study.collaborators.append(
            _Party(text(collaborator, "agency"), text(collaborator, "agency_class"))
        )
    for location in root.findall("location"):
        facility = location.find("facility")
        site = _Site(
            name=text(facility, "name"),
            city=text(facility, "address/city"),
            country=text(facility, "address/country"),
        )
        # location/contact holds phone and e-mail: never read. location/investigator is a role.
        for investigator in location.findall("investigator"):
            site.investigators.append((text(investigator, "last_name"), text(investigator, "role")))
        study.sites.append(site)
    for official in root.findall("overall_official"):
        study.officials.append(
            _Official(
                text(official, "last_name"), text(official, "role"), text(official, "affiliation")
            )
        )
    party = root.find("responsible_party")
    if party is not None and text(party, "investigator_full_name"):
        study.officials.append(
            _Official(
                text(party, "investigator_full_name"),
                text(party, "responsible_party_type") or "responsible party",
                text(party, "investigator_affiliation"),
            )
        )
    study.conditions = [" ".join((c.text or "").split()) for c in root.findall("condition")]
    return study


# ---------------------------------------------------------------------------- API v2 JSON


def _v2_study(document: Any, where: str) -> _Study:
    if not isinstance(document, dict):
        raise RecordError(where, f"a study must be a JSON object, got {type(document).__name__}")
    protocol = _obj(document.get("protocolSection"), "protocolSection", where, required=True)
    ident = _obj(protocol.get("identificationModule"), "identificationModule", where)
    status = _obj(protocol.get("statusModule"), "statusModule", where)
    sponsors = _obj(protocol.get("sponsorCollaboratorsModule"), "sponsorCollaboratorsModule", where)
    contacts = _obj(protocol.get("contactsLocationsModule"), "contactsLocationsModule", where)
    conditions = _obj(protocol.get("conditionsModule"), "conditionsModule", where)

    def date(struct: str) -> str:
        return _str(_obj(status.get(struct), struct, where).get("date"))

    nct = _str(ident.get("nctId"))
    study = _Study(
        nct=nct,
        title=_str(ident.get("briefTitle")) or _str(ident.get("officialTitle")),
        start=date("startDateStruct"),
        end=date("completionDateStruct") or date("primaryCompletionDateStruct"),
        url=STUDY_URL.format(nct) if nct else "",
    )
    lead = _obj(sponsors.get("leadSponsor"), "leadSponsor", where)
    if lead:
        study.lead = _Party(_str(lead.get("name")), _str(lead.get("class")))
    for item in _list(sponsors.get("collaborators"), "collaborators", where):
        collaborator = _obj(item, "collaborators[]", where)
        study.collaborators.append(
            _Party(_str(collaborator.get("name")), _str(collaborator.get("class")))
        )
    for item in _list(contacts.get("locations"), "locations", where):
        location = _obj(item, "locations[]", where)
        point = _obj(location.get("geoPoint"), "geoPoint", where)
        site = _Site(
            name=_str(location.get("facility")),
            city=_str(location.get("city")),
            country=_str(location.get("country")),
            lat=point.get("lat"),
            lon=point.get("lon"),
        )
        for person in _list(location.get("contacts"), "locations[].contacts", where):
            contact = _obj(person, "locations[].contacts[]", where)
            role = _str(contact.get("role"))
            if role.upper() in _INVESTIGATOR_ROLES:  # name and role only: never phone / e-mail
                site.investigators.append((_str(contact.get("name")), role))
        study.sites.append(site)
    for item in _list(contacts.get("overallOfficials"), "overallOfficials", where):
        official = _obj(item, "overallOfficials[]", where)
        study.officials.append(
            _Official(
                _str(official.get("name")),
                _str(official.get("role")),
                _str(official.get("affiliation")),
            )
        )
    party = _obj(sponsors.get("responsibleParty"), "responsibleParty", where)
    if _str(party.get("investigatorFullName")):
        study.officials.append(
            _Official(
                _str(party.get("investigatorFullName")),
                _str(party.get("type")) or "responsible party",
                _str(party.get("investigatorAffiliation")),
            )
        )
    study.conditions = [_str(c) for c in _list(conditions.get("conditions"), "conditions", where)]
    return study


def _obj(value: Any, what: str, where: str, *, required: bool = False) -> dict[str, Any]:
    if value is None:
        if required:
            raise RecordError(where, f"missing {what}")
        return {}
    if not isinstance(value, dict):
        raise RecordError(where, f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def _list(value: Any, what: str, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(where, f"{what} must be a JSON array, got {type(value).__name__}")
    return value


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__} {value!r}")
    return " ".join(value.split())


# ---------------------------------------------------------------------------- to the graph


class _Collector:
    """One record's nodes and relations, each once (a facility may be listed twice)."""

    def __init__(self, key: str, project: Project) -> None:
        self.key, self.project = key, project
        self.nodes: dict[str, Node] = {project.id: project}
        self.roles: dict[str, list[str]] = {}  # organisation id -> its roles in the trial
        self.relations: dict[str, Relation] = {}

    def node(self, node: Node) -> Node:
        return self.nodes.setdefault(node.id, node)

    def participates(self, org: Organisation, role: str) -> Organisation:
        kept = self.node(org)
        roles = self.roles.setdefault(kept.id, [])
        if role not in roles:
            roles.append(role)
        return kept  # type: ignore[return-value]

    def relation(self, relation: Relation) -> None:
        self.relations.setdefault(relation.id, relation)

    def evidence(self, text: str) -> list[Any]:
        return [
            record_evidence(
                self.key,
                extractor=EXTRACTOR,
                text=text,
                date=self.project.start,
                url=self.project.url,
            )
        ]

    def extract(self, where: str) -> Extract:
        participations = []
        for org_id, roles in self.roles.items():
            roles.sort(key=ROLE_ORDER.index)
            org: Organisation = self.nodes[org_id]  # type: ignore[assignment]
            said = " and ".join(role.replace("_", " ") for role in roles)
            participations.append(
                participation(
                    org,
                    self.project,
                    role=roles[0],
                    record=self.key,
                    extractor=EXTRACTOR,
                    text=f"{org.name} is {said} of {self.project_label}",
                    url=self.project.url,
                )
            )
        return Extract(
            record=self.key,
            where=where,
            nodes=list(self.nodes.values()),
            relations=participations + list(self.relations.values()),
        )

    @property
    def project_label(self) -> str:
        return f"{self.project.identifiers['nct']} ({self.project.name})"


def _extract(study: _Study, where: str) -> Extract:
    if not _NCT.match(study.nct):
        raise RecordError(where, f"missing or malformed NCT number {study.nct!r}")
    if not study.title:
        raise RecordError(where, f"{study.nct} has neither a brief nor an official title")
    project = Project(
        name=study.title,
        kind=ProjectKind.TRIAL,
        start=_date(study.start, "start date", where),
        end=_date(study.end, "completion date", where),
        url=study.url or STUDY_URL.format(study.nct),
        identifiers={"nct": study.nct},
        topics=tuple(study.conditions),
    )
    out = _Collector(f"ctgov:{study.nct}", project)
    if study.lead is not None and not _individual(study.lead, study.officials):
        sponsor = _sponsor(study.lead)
        if sponsor is not None:
            out.participates(sponsor, "lead_sponsor")
    for party in study.collaborators:
        collaborator = _sponsor(party)
        if collaborator is not None:
            out.participates(collaborator, "collaborator")
    site_orgs: list[tuple[Organisation, _Site]] = []
    for site in study.sites:
        org = _site(site, where)
        if org is not None:
            site_orgs.append((out.participates(org, "site"), site))
    _people(out, study, site_orgs)
    for condition in project.topics:
        topic = out.node(Topic(name=condition, scheme="ctgov_condition"))
        out.relation(
            Relation(
                type=RelType.ACTIVE_IN,
                source=project.id,
                target=topic.id,
                evidence=out.evidence(f"{out.project_label} studies {condition}"),
            )
        )
    return out.extract(where)


def _sponsor(party: _Party) -> Organisation | None:
    if not party.name or _CONTACT.search(party.name):
        return None
    name, country = _split_country(party.name)
    cls = re.sub(r"[^A-Z]+", "_", party.cls.upper()).strip("_")
    return Organisation(
        name=name,
        kind=_CLASS_KINDS.get(cls) or kind_from_name(name, OrgKind.OTHER),
        country=country,
        aliases=(party.name,),
        sources=(SOURCE,),
    )


def _individual(sponsor: _Party, officials: list[_Official]) -> bool:
    """A sponsor-investigator sponsors as a person: no organisation; the person is kept by
    name with a role at their affiliation, like any other official."""
    if sponsor.cls.upper() == "INDIV":
        return True
    key = normalise_name(sponsor.name)
    return any(
        normalise_name(official.name.split(",")[0]) == key and "sponsor" in official.role.lower()
        for official in officials
    )


def _site(site: _Site, where: str) -> Organisation | None:
    name = _SITE_NUMBER.sub("", site.name).strip()
    if not name or _CONTACT.search(name):
        return None  # no facility name: the record names no organisation here
    placeholder = bool(_PLACEHOLDER.match(name))
    if placeholder:
        if not site.city:
            return None
        name = f"{name}, {site.city}"
    return Organisation(
        name=name,
        kind=OrgKind.OTHER if placeholder else kind_from_name(name, OrgKind.OTHER),
        country=_country(site.country, where),
        city=site.city or None,
        lat=site.lat,
        lon=site.lon,
        # No alias: entity resolution matches on aliases, and "Research Site" or a sponsor's
        # site number would join unrelated sites.
        sources=(SOURCE,),
    )


def _people(out: _Collector, study: _Study, sites: list[tuple[Organisation, _Site]]) -> None:
    """Officials and site investigators -> Person + HAS_ROLE, when tied to an organisation."""
    known: dict[str, Organisation] = {}
    for node in out.nodes.values():
        if isinstance(node, Organisation):
            for name in (node.name, *node.aliases):
                known.setdefault(normalise_name(name), node)
    for official in study.officials:
        name = _person_name(official.name, known)
        if name and normalise_name(name) == normalise_name(_split_country(official.affiliation)[0]):
            name = None  # "Boehringer Ingelheim", affiliated with Boehringer Ingelheim
        org = _affiliation(official.affiliation, known) if name else None
        if name and org is not None:
            _has_role(out, name, official.role, org)
    for org, site in sites:
        for raw_name, role in site.investigators:
            name = _person_name(raw_name, known)
            if name:
                _has_role(out, name, role, org)


def _has_role(out: _Collector, name: str, raw_role: str, org: Organisation) -> None:
    org = out.node(org)  # type: ignore[assignment]
    person = out.node(Person(name=name))
    role = " ".join(re.sub(r"[_-]+", " ", raw_role).lower().split()) or "official"
    out.relation(
        Relation(
            type=RelType.HAS_ROLE,
            source=person.id,
            target=org.id,
            role=role,
            start=out.project.start,
            end=out.project.end,
            evidence=out.evidence(f"{name}, {role} of {out.project_label}, at {org.name}"),
        )
    )


def _affiliation(text: str, known: dict[str, Organisation]) -> Organisation | None:
    """The organisation an official is affiliated with: one of the record's, or a new one."""
    if not text or _CONTACT.search(text) or _PLACEHOLDER.match(text):
        return None
    name, country = _split_country(text)
    for candidate in (text, name):
        org = known.get(normalise_name(candidate))
        if org is not None:
            return org
    org = Organisation(
        name=name,
        kind=kind_from_name(name, OrgKind.OTHER),
        country=country,
        aliases=(text,),
        sources=(SOURCE,),
    )
    known[normalise_name(name)] = org
    return org


def _person_name(raw: str, known: dict[str, Any]) -> str | None:
    """The person's name without degrees ("Ulf Petersson, MD, PhD"), or None if it is none."""
    name = raw.split(",")[0].strip()
    if (
        len(name.split()) < 2
        or any(ch.isdigit() for ch in name)
        or "@" in name
        or "&" in name
        or _NOT_A_PERSON.search(name)
        or normalise_name(name) in known  # "Boehringer Ingelheim" as official of itself
    ):
        return None
    return name


# ---------------------------------------------------------------------------- values


def _country_key(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _country(value: str, where: str) -> str | None:
    key = _country_key(value)
    if key in _HISTORIC_COUNTRIES:
        return _HISTORIC_COUNTRIES[key]
    return to_alpha2(value or None, where=where)


def _split_country(text: str) -> tuple[str, str | None]:
    """("Rigshospitalet, Denmark") -> ("Rigshospitalet", "DK"); other names unchanged."""
    head, sep, tail = text.rpartition(",")
    tail = tail.strip()
    if not sep or not head.strip() or not (len(tail) > 3 or tail.upper() in ("UK", "USA")):
        return text, None
    try:
        country = _country(tail, "name")
    except RecordError:
        return text, None
    return (head.strip(), country) if country else (text, None)


def _date(value: str, what: str, where: str) -> str | None:
    """ "September 1998" -> "1998-09", "June 29, 1999" -> "1999-06-29", ISO kept."""
    if not value:
        return None
    if _ISO.match(value):
        return value
    full = _MONTH_DAY_YEAR.match(value)
    if full and _month(full.group(1)):
        return f"{full.group(3)}-{_month(full.group(1)):02d}-{int(full.group(2)):02d}"
    short = _MONTH_YEAR.match(value)
    if short and _month(short.group(1)):
        return f"{short.group(2)}-{_month(short.group(1)):02d}"
    raise RecordError(
        where, f"{what} {value!r} is not a date ('September 1998', 'June 29, 1999' or ISO)"
    )


def _month(word: str) -> int:
    return _MONTHS.get(word[:3].lower(), 0) if len(word) >= 3 else 0


def _xml_error(exc: ET.ParseError) -> str:
    """expat's message without the position it appends (the reason names it already)."""
    return str(exc).split(": line ")[0]
