"""The ClinicalTrials.gov loader against the real legacy XML sample and API v2 fixtures."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_DATA

from graph.model import Organisation, OrgKind, Person, Project, ProjectKind, RelType, Topic
from ingest.base import Extract
from ingest.ctgov import load_ctgov
from ingest.report import IngestReport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ctgov"
LEGACY = SHARED_DATA / "clinicaltrials_gov" / "legacy_xml"


def load(path: Path) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="ctgov")
    return list(load_ctgov(path, report)), report


def by_record(extracts: list[Extract]) -> dict[str, Extract]:
    return {e.record: e for e in extracts}


def nodes_of(extract: Extract, cls: type) -> dict[str, Any]:
    return {n.id: n for n in extract.nodes if isinstance(n, cls)}


def participations(extract: Extract) -> dict[str, str | None]:
    return {r.source: r.role for r in extract.relations if r.type is RelType.PARTICIPATES_IN}


def roles(extract: Extract) -> set[tuple[str, str | None, str]]:
    return {(r.source, r.role, r.target) for r in extract.relations if r.type is RelType.HAS_ROLE}


def snapshot(extracts: list[Extract]) -> list[tuple[str, str, list[str], list[str]]]:
    return [(e.record, e.where, [repr(n) for n in e.nodes], [repr(r) for r in e.relations])
            for e in extracts]  # fmt: skip


def strings(value: Any) -> list[str]:
    """Every string inside nodes, relations and their evidence."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in strings(getattr(value, f.name))]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item)]
    return []


# ---------------------------------------------------------------------------- the real sample


@pytest.fixture(scope="module")
def legacy() -> tuple[list[Extract], IngestReport]:
    return load(LEGACY)


def _independent_facts() -> dict[str, set[str]]:
    """From the XML itself, without the loader: which trials have DK / SE sites, collaborators."""
    facts: dict[str, set[str]] = defaultdict(set)
    for path in sorted(LEGACY.rglob("*.xml")):
        root = ET.parse(path).getroot()
        nct = root.findtext("id_info/nct_id") or ""
        facts["all"].add(nct)
        for location in root.findall("location"):
            country = location.findtext("facility/address/country")
            named = bool((location.findtext("facility/name") or "").strip())
            for code, name in (("DK", "Denmark"), ("SE", "Sweden")):
                if country == name:
                    facts[code].add(nct)
                    if named:
                        facts[f"{code} named"].add(nct)
        if root.findall("sponsors/collaborator"):
            facts["collaborator"].add(nct)
    return facts


def test_legacy_sample_counts(legacy: tuple[list[Extract], IngestReport]) -> None:
    extracts, report = legacy
    assert (report.read, report.accepted, report.rejected) == (99, 99, 0)
    projects = [n for e in extracts for n in e.nodes if isinstance(n, Project)]
    assert len(projects) == 99
    assert all(p.kind is ProjectKind.TRIAL and re.match(r"^NCT\d{8}$", p.identifiers["nct"])
               for p in projects)  # fmt: skip
    assert [e.where for e in extracts][:2] == [
        "NCT0000xxxx/NCT00000132.xml",
        "NCT0000xxxx/NCT00001038.xml",
    ]
    relations = Counter((r.type, r.role) for e in extracts for r in e.relations)
    assert relations[(RelType.PARTICIPATES_IN, "site")] == 5_093
    assert relations[(RelType.PARTICIPATES_IN, "collaborator")] == 58
    # 99 trials, one of them sponsored by a sponsor-investigator (a person, not an organisation).
    assert relations[(RelType.PARTICIPATES_IN, "lead_sponsor")] == 98


def test_legacy_sample_dk_se_sites_and_collaborators(
    legacy: tuple[list[Extract], IngestReport],
) -> None:
    facts = _independent_facts()
    # The facts SOURCES.md states, recounted from the XML.
    assert len(facts["all"]) == 99
    assert (len(facts["DK"]), len(facts["SE"]), len(facts["DK"] & facts["SE"])) == (62, 49, 12)
    assert len(facts["collaborator"]) == 29

    extracts, _ = legacy
    with_site: dict[str, set[str]] = defaultdict(set)
    with_collaborator: set[str] = set()
    for extract in extracts:
        nct = extract.record.removeprefix("ctgov:")
        orgs = nodes_of(extract, Organisation)
        for org_id, role in participations(extract).items():
            if role == "site":
                with_site[orgs[org_id].country].add(nct)
            elif role == "collaborator":
                with_collaborator.add(nct)
    assert with_collaborator == facts["collaborator"]
    # A location without a facility name names no organisation; those are the only DK/SE
    # sites the loader leaves out, so it finds 60 of the 62 DK trials and 45 of the 49 SE ones.
    assert with_site["DK"] == facts["DK named"]
    assert with_site["SE"] == facts["SE named"]
    assert facts["DK"] - with_site["DK"] == {"NCT00460512", "NCT00492986"}
    assert facts["SE"] - with_site["SE"] == {
        "NCT00460512",
        "NCT00492635",
        "NCT00492986",
        "NCT00499200",
    }
    assert (len(with_site["DK"]), len(with_site["SE"])) == (60, 45)
    assert len(with_site["DK"] & with_site["SE"]) == 10


def test_one_legacy_record_in_detail(legacy: tuple[list[Extract], IngestReport]) -> None:
    extract = by_record(legacy[0])["ctgov:NCT00494793"]
    assert extract.where == "NCT0049xxxx/NCT00494793.xml"
    (project,) = nodes_of(extract, Project).values()
    assert project.name == "Vacuum Assisted Wound Closure (VAWC) and Mesh Mediated Fascial Traction"
    assert project.identifiers == {"nct": "NCT00494793"}
    assert (project.start, project.end) == ("2006-04-01", "2015-04-01")
    assert project.url == "https://clinicaltrials.gov/show/NCT00494793"
    assert project.topics == ("Open Abdomen", "Fascial Closure")

    orgs = nodes_of(extract, Organisation)
    sponsor = orgs["org:xx:skane-university-hospital"]
    assert (sponsor.name, sponsor.kind, sponsor.country) == (
        "Skane University Hospital",
        OrgKind.HOSPITAL,
        None,  # the record does not say where its sponsor is
    )
    assert orgs["org:xx:kci-europe-holding-b-v"].kind is OrgKind.COMPANY  # class Industry
    assert orgs["org:xx:the-swedish-research-council"].kind is OrgKind.OTHER
    malmo = orgs["org:se:department-of-surgery-malmo-university-hospital"]
    assert (malmo.kind, malmo.country, malmo.city) == (OrgKind.HOSPITAL, "SE", "Malmö")
    assert participations(extract) == {
        "org:xx:skane-university-hospital": "lead_sponsor",
        "org:xx:uppsala-university-hospital": "collaborator",
        "org:xx:gavle-hospital": "collaborator",
        "org:xx:falu-hospital": "collaborator",
        "org:xx:kci-europe-holding-b-v": "collaborator",
        "org:xx:the-swedish-research-council": "collaborator",
        "org:se:department-of-surgery-falu-hospital": "site",
        "org:se:department-of-surgery-gavle-hospital": "site",
        "org:se:department-of-surgery-malmo-university-hospital": "site",
        "org:se:department-of-vascular-surgery-malmo-university-hospital": "site",
        "org:se:department-of-surgery-uppsala-university-hospital": "site",
    }
    # "Ulf Petersson, MD, PhD" of "Department of Surgery, Malmö University Hospital, Sweden"
    # is the site; as responsible party he is affiliated with the sponsor.
    assert [p.name for p in nodes_of(extract, Person).values()] == ["Ulf Petersson"]
    assert roles(extract) == {
        (
            "person:ulf-petersson",
            "principal investigator",
            "org:se:department-of-surgery-malmo-university-hospital",
        ),
        ("person:ulf-petersson", "principal investigator", "org:xx:skane-university-hospital"),
    }
    evidence = extract.relations[0].evidence[0]
    assert (evidence.source, evidence.extractor, evidence.date, evidence.url) == (
        "ctgov:NCT00494793",
        "ctgov",
        "2006-04-01",
        "https://clinicaltrials.gov/show/NCT00494793",
    )
    assert {t.name for t in nodes_of(extract, Topic).values()} == {
        "Open Abdomen",
        "Fascial Closure",
    }


def test_legacy_quirks(legacy: tuple[list[Extract], IngestReport]) -> None:
    records = by_record(legacy[0])
    # Dissolved countries: the Belgrade site is kept without a country, Skopje is MK.
    yugoslav = nodes_of(records["ctgov:NCT00002823"], Organisation)
    belgrade = [o for o in yugoslav.values() if o.city == "Belgrade"]
    assert [(o.name, o.country) for o in belgrade] == [("Institute for Lung Diseases", None)]
    assert any(o.city == "Skopje" and o.country == "MK" for o in yugoslav.values())
    # Placeholder site names are qualified by their city; the site number is dropped.
    boehringer = nodes_of(records["ctgov:NCT00491829"], Organisation)
    assert "org:se:boehringer-ingelheim-investigational-site-lund" in boehringer
    assert "org:se:junoenheten-kvinnohalsan-kvinnokliniken" in boehringer
    assert not any(o.aliases for o in boehringer.values() if o.name.startswith("Boehringer"))
    # "Boehringer Ingelheim" as official of itself is no person.
    assert nodes_of(records["ctgov:NCT00491829"], Person) == {}
    # A sponsor-investigator sponsors as a person.
    individual = records["ctgov:NCT00493272"]
    assert "lead_sponsor" not in participations(individual).values()
    assert (
        "person:christian-fenger-eriksen",
        "sponsor investigator",
        "org:xx:aarhus-university-hospital",
    ) in roles(individual)
    # The sponsor's country is read from "Rigshospitalet, Denmark".
    rigs = nodes_of(records["ctgov:NCT00003732"], Organisation)["org:dk:rigshospitalet"]
    assert (rigs.name, rigs.country, rigs.aliases) == (
        "Rigshospitalet",
        "DK",
        ("Rigshospitalet, Denmark",),
    )


def test_legacy_people_have_names_only(legacy: tuple[list[Extract], IngestReport]) -> None:
    extracts, _ = legacy
    people = {n.name for e in extracts for n in e.nodes if isinstance(n, Person)}
    assert len(people) == 102
    assert not any(re.search(r"@|\d", name) for name in people)
    # Functions and companies named as officials are not people.
    assert people.isdisjoint(
        {"Novartis", "Bayer Study Director", "Medical Monitor", "GSK Clinical Trials"}
    )
    # The one overall_contact's e-mail / phone (and every e-mail in the sample) is not stored.
    everything = " ".join(s for e in extracts for x in (*e.nodes, *e.relations) for s in strings(x))
    assert "@" not in everything
    assert "MedInfoNord" not in everything  # an affiliation that is an e-mail address


def test_legacy_sample_is_deterministic(legacy: tuple[list[Extract], IngestReport]) -> None:
    again, _ = load(LEGACY)
    assert snapshot(again) == snapshot(legacy[0])


# ---------------------------------------------------------------------------- fixtures


def test_fixture_directory_counts_and_rejects() -> None:
    extracts, report = load(FIXTURES)
    assert (report.read, report.accepted, report.rejected) == (12, 4, 8)
    assert [(e.record, e.where) for e in extracts] == [
        ("ctgov:NCT99000010", "legacy/NCT99000010.xml"),
        ("ctgov:NCT99000001", "v2/page.json#0"),
        ("ctgov:NCT99000002", "v2/page.json#1"),
        ("ctgov:NCT99000005", "v2/single_study.json"),
    ]
    reasons = {r.where: r.reason for r in report.rejects}
    assert reasons == {
        "legacy/NCT99000011_doctype.xml": "the document declares a DTD (<!DOCTYPE or <!ENTITY); "
        "refused, because entity expansion can exhaust memory, and AllPublicXML records have "
        "no DTD",
        "legacy/NCT99000012_no_nct.xml": "missing or malformed NCT number ''",
        "legacy/NCT99000013_unknown_country.xml": "unknown country 'Atlantis': give an ISO 3166 "
        "code or a country name",
        "legacy/NCT99000014_truncated.xml": "not well-formed XML at line 14, column 89: "
        "unclosed token",
        "v2/latin1.json": "not UTF-8 at byte 86: invalid start byte",
        "v2/page.json#2": "missing or malformed NCT number ''",
        "v2/page.json#3": "unknown country 'Atlantis': give an ISO 3166 code or a country name",
        "v2/page_truncated.json": "invalid JSON at line 110, column 27: Unterminated string "
        "starting at",
    }


def test_single_file_paths_and_a_file_that_is_neither(tmp_path: Path) -> None:
    extracts, report = load(FIXTURES / "v2" / "single_study.json")
    assert [e.where for e in extracts] == ["single_study.json"]
    assert (report.read, report.accepted) == (1, 1)
    other = tmp_path / "notes.xml"
    other.write_text("just text", encoding="utf-8")
    extracts, report = load(other)
    assert extracts == []
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("notes.xml", "neither XML (legacy AllPublicXML) nor JSON (API v2)")
    ]
    wrong_root = tmp_path / "wrong.xml"
    wrong_root.write_text("<study><nct_id>NCT99000099</nct_id></study>", encoding="utf-8")
    _, report = load(wrong_root)
    assert report.rejects[0].reason == "root element is <study>, expected <clinical_study>"


def test_v2_study_in_detail() -> None:
    extract = by_record(load(FIXTURES / "v2" / "page.json")[0])["ctgov:NCT99000001"]
    (project,) = nodes_of(extract, Project).values()
    assert (project.name, project.start, project.end) == (
        "Oresund Heart Failure Trial",
        "2023-03-15",
        "2026-06",
    )
    assert project.url == "https://clinicaltrials.gov/study/NCT99000001"
    orgs = nodes_of(extract, Organisation)
    expected = {
        # The lead sponsor "Rigshospitalet, Denmark" is also the Copenhagen site.
        "org:dk:rigshospitalet": ("Rigshospitalet", OrgKind.HOSPITAL, "DK", "lead_sponsor"),
        "org:xx:skane-university-hospital": (
            "Skåne University Hospital",
            OrgKind.HOSPITAL,
            None,
            "collaborator",
        ),
        "org:xx:novo-nordisk": ("Novo Nordisk A/S", OrgKind.COMPANY, None, "collaborator"),
        "org:xx:danish-medicines-agency": (
            "Danish Medicines Agency",
            OrgKind.PUBLIC_AGENCY,  # OTHER_GOV
            None,
            "collaborator",
        ),
        "org:xx:novo-nordisk-fonden": (
            "Novo Nordisk Fonden",
            OrgKind.FOUNDATION,
            None,
            "collaborator",
        ),
        "org:se:skanes-universitetssjukhus-lund": (
            "Skånes universitetssjukhus Lund",
            OrgKind.HOSPITAL,
            "SE",
            "site",
        ),
        "org:se:research-site-malmo": ("Research Site, Malmö", OrgKind.OTHER, "SE", "site"),
    }
    found = participations(extract)
    assert {
        org_id: (orgs[org_id].name, orgs[org_id].kind, orgs[org_id].country, role)
        for org_id, role in found.items()
    } == expected  # the Helsingborg location has no facility name: no organisation
    lund = orgs["org:se:skanes-universitetssjukhus-lund"]
    assert (lund.city, lund.lat, lund.lon) == ("Lund", 55.70584, 13.19321)
    both = next(r for r in extract.relations if r.source == "org:dk:rigshospitalet")
    assert both.evidence[0].text == (
        "Rigshospitalet is lead sponsor and site of NCT99000001 (Oresund Heart Failure Trial)"
    )
    assert roles(extract) == {
        ("person:karen-eksempel", "principal investigator", "org:dk:rigshospitalet"),
        ("person:jens-eksempel", "principal investigator", "org:dk:rigshospitalet"),
        ("person:anna-exempel", "principal investigator", "org:se:skanes-universitetssjukhus-lund"),
    }
    assert {t.name for t in nodes_of(extract, Topic).values()} == {
        "Heart Failure",
        "Type 2 Diabetes",
    }
    active = {(r.source, r.target) for r in extract.relations if r.type is RelType.ACTIVE_IN}
    assert active == {
        ("project:nct:nct99000001", "topic:heart-failure"),
        ("project:nct:nct99000001", "topic:type-2-diabetes"),
    }
    # Every relation points at a node of the same extract.
    ids = {n.id for n in extract.nodes}
    assert all(r.source in ids and r.target in ids for r in extract.relations)


def test_dates_and_fallback_to_primary_completion() -> None:
    records = by_record(load(FIXTURES)[0])
    legacy = nodes_of(records["ctgov:NCT99000010"], Project)["project:nct:nct99000010"]
    assert (legacy.start, legacy.end) == ("1998-09", "2001-06-29")  # "September 1998"
    short = nodes_of(records["ctgov:NCT99000002"], Project)["project:nct:nct99000002"]
    assert (short.start, short.end) == ("2021-05", "2022-01")


def test_sponsor_investigator_and_historic_country_in_fixtures() -> None:
    records = by_record(load(FIXTURES)[0])
    single = records["ctgov:NCT99000005"]
    assert participations(single) == {"org:dk:aarhus-university-hospital": "site"}
    assert roles(single) == {
        ("person:mette-eksempel", "sponsor investigator", "org:dk:aarhus-university-hospital")
    }
    legacy = records["ctgov:NCT99000010"]
    orgs = nodes_of(legacy, Organisation)
    serbia = orgs["org:xx:clinical-center-of-serbia"]
    assert (serbia.country, serbia.city) == (None, "Belgrade")  # "Former Yugoslavia"
    assert roles(legacy) == {
        (
            "person:lars-exempel",
            "study chair",
            "org:xx:lund-university",
        ),  # "Lund University, Sweden"
        ("person:per-exempel", "principal investigator", "org:se:skane-university-hospital"),
    }


def test_no_person_carries_contact_details() -> None:
    extracts, _ = load(FIXTURES)
    people = {n.name for e in extracts for n in e.nodes if isinstance(n, Person)}
    # Contacts who are only contacts (Ole, Eva) are not stored; officials and investigators are,
    # by name; "Clinical Transparency Office" is a function, not a person.
    assert people == {
        "Lars Exempel",
        "Per Exempel",
        "Karen Eksempel",
        "Jens Eksempel",
        "Anna Exempel",
        "Mette Eksempel",
    }
    everything = " ".join(s for e in extracts for x in (*e.nodes, *e.relations) for s in strings(x))
    for secret in ("example.org", "@", "+45", "+46", "35 45", "46 222"):
        assert secret not in everything


def test_fixtures_are_deterministic() -> None:
    first, _ = load(FIXTURES)
    second, _ = load(FIXTURES)
    assert snapshot(first) == snapshot(second)
