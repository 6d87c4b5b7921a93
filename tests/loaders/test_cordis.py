"""The CORDIS loader against fixtures in the published layouts and the real derived H2020 table."""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from graph.model import Organisation, OrgKind, Person, Project, ProjectKind, RelType, Topic
from ingest.base import Extract
from ingest.cordis import load_cordis
from ingest.report import IngestReport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cordis"
DERIVED = SHARED_DATA / "cordis_derived" / "eunets_h2020_participations_dk_se_projects.csv"


def load(path: Path) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="cordis")
    return list(load_cordis(path, report)), report


def organisations(extracts: list[Extract]) -> dict[str, Organisation]:
    return {n.id: n for e in extracts for n in e.nodes if isinstance(n, Organisation)}


def projects(extracts: list[Extract]) -> dict[str, Project]:
    return {n.id: n for e in extracts for n in e.nodes if isinstance(n, Project)}


def rejects(report: IngestReport) -> dict[str, str]:
    return {r.where: r.reason for r in report.rejects}


def snapshot(extracts: list[Extract]) -> list[tuple[str, str, list[str], list[str]]]:
    return [(e.record, e.where, [repr(n) for n in e.nodes], [repr(r) for r in e.relations])
            for e in extracts]  # fmt: skip


# ---------------------------------------------------------------------------- project.csv


def test_project_csv_yields_projects_topics_and_rejects_an_impossible_date() -> None:
    extracts, report = load(FIXTURES / "project.csv")

    assert (report.read, report.accepted, report.rejected) == (3, 2, 1)
    # The first project's objective spans two lines, so the second record starts on line 4.
    assert [(e.record, e.where) for e in extracts] == [
        ("cordis:project:999101", "project.csv line 2"),
        ("cordis:project:101999102", "project.csv line 4"),
    ]
    assert rejects(report) == {
        "project.csv line 5": "Project.start must be an ISO date (YYYY-MM-DD, YYYY-MM or YYYY), "
        "got '2021-13-45'"
    }
    found = projects(extracts)
    orebridge = found["project:cordis:999101"]
    assert orebridge.name == "OREBRIDGE"
    assert orebridge.kind is ProjectKind.EU_PROJECT
    assert orebridge.programme == "H2020"
    assert (orebridge.start, orebridge.end) == ("2020-01-01", "2023-12-31")
    assert orebridge.identifiers == {"cordis": "999101", "cordis_rcn": "999201"}
    assert orebridge.url == "https://cordis.europa.eu/project/id/999101"
    assert orebridge.topics == ("SC1-BHC-08-2019",)
    assert found["project:cordis:101999102"].programme == "HORIZON"

    first = extracts[0]
    topic = next(n for n in first.nodes if isinstance(n, Topic))
    assert (topic.id, topic.scheme) == ("topic:sc1-bhc-08-2019", "cordis_topic")
    (relation,) = first.relations
    assert (relation.type, relation.source, relation.target) == (
        RelType.ACTIVE_IN,
        "project:cordis:999101",
        "topic:sc1-bhc-08-2019",
    )
    assert relation.evidence[0].source == "cordis:project:999101"
    assert "Oresund bridge for translational oncology" in (relation.evidence[0].text or "")


# ---------------------------------------------------------------------------- organization.csv


def test_organization_csv_maps_organisations_roles_and_countries() -> None:
    extracts, report = load(FIXTURES / "organization.csv")

    assert (report.read, report.accepted, report.rejected) == (11, 9, 2)
    assert rejects(report) == {
        "organization.csv line 10": "unknown country 'XZ': give an ISO 3166 code or a country name",
        "organization.csv line 11": "the row has 9 fields but the header has 25: a truncated or "
        "misaligned row",
    }
    # The row after the two broken ones is still read.
    assert extracts[-1].record == "cordis:project:101999102:pic:999990020"

    orgs = organisations(extracts)
    lund = orgs["org:pic:999990011"]
    assert lund.name == "LUNDS UNIVERSITET"
    assert lund.aliases == ("ULUND",)
    assert (lund.kind, lund.country, lund.city) == (OrgKind.UNIVERSITY, "SE", "LUND")
    assert (lund.lat, lund.lon) == (55.7112, 13.2033)
    assert lund.website == "http://www.lu.se"
    assert lund.identifiers == {"pic": "999990011"}
    assert lund.sources == ("cordis",)
    expected = {
        "org:pic:999990012": ("KOBENHAVNS UNIVERSITET", OrgKind.UNIVERSITY, "DK"),
        "org:pic:999990013": ("REGION HOVEDSTADEN", OrgKind.PUBLIC_AGENCY, "DK"),
        # PUB by activity type, a hospital by name.
        "org:pic:999990014": ("SKANES UNIVERSITETSSJUKHUS", OrgKind.HOSPITAL, "SE"),
        "org:pic:999990015": ("THE UNIVERSITY OF EDINBURGH", OrgKind.UNIVERSITY, "GB"),  # UK
        "org:pic:999990016": (
            "ETHNIKO KAI KAPODISTRIAKO PANEPISTIMIO ATHINON",
            OrgKind.UNIVERSITY,
            "GR",  # EL
        ),
        "org:pic:999990017": ("NOVO NORDISK FONDEN", OrgKind.FOUNDATION, "DK"),  # OTH + Fonden
        "org:pic:999990020": ("KAROLINSKA INSTITUTET", OrgKind.UNIVERSITY, "SE"),
    }
    for org_id, (name, kind, country) in expected.items():
        assert (orgs[org_id].name, orgs[org_id].kind, orgs[org_id].country) == (
            name,
            kind,
            country,
        )
    assert set(orgs) == {"org:pic:999990011", *expected}

    participations = {
        (e.record, r.source, r.target, r.role)
        for e in extracts
        for r in e.relations
        if r.type is RelType.PARTICIPATES_IN
    }
    assert participations == {
        ("cordis:project:999101:pic:999990011", "org:pic:999990011", "project:cordis:999101", "coordinator"),
        ("cordis:project:999101:pic:999990012", "org:pic:999990012", "project:cordis:999101", "participant"),
        ("cordis:project:999101:pic:999990013", "org:pic:999990013", "project:cordis:999101", "participant"),
        ("cordis:project:999101:pic:999990014", "org:pic:999990014", "project:cordis:999101", "third_party"),
        ("cordis:project:999101:pic:999990015", "org:pic:999990015", "project:cordis:999101", "associated_partner"),
        ("cordis:project:101999102:pic:999990016", "org:pic:999990016", "project:cordis:101999102", "participant"),
        ("cordis:project:101999102:pic:999990011", "org:pic:999990011", "project:cordis:101999102", "coordinator"),
        ("cordis:project:101999102:pic:999990017", "org:pic:999990017", "project:cordis:101999102", "participant"),
        ("cordis:project:101999102:pic:999990020", "org:pic:999990020", "project:cordis:101999102", "participant"),
    }  # fmt: skip
    # No pairwise ties between co-participants: they meet at the Project node.
    assert {r.type for e in extracts for r in e.relations} == {RelType.PARTICIPATES_IN}


def test_organisation_rows_carry_the_project_node_they_point_at() -> None:
    extracts, _ = load(FIXTURES / "organization.csv")
    for extract in extracts:
        ids = {node.id for node in extract.nodes}
        assert all(r.source in ids and r.target in ids for r in extract.relations)
    minimal = projects(extracts)["project:cordis:999101"]
    assert (minimal.name, minimal.kind, minimal.identifiers) == (
        "OREBRIDGE",
        ProjectKind.EU_PROJECT,
        {"cordis": "999101"},
    )
    # The same id as the project row of project.csv, so the pipeline merges the two.
    assert "project:cordis:999101" in projects(load(FIXTURES / "project.csv")[0])


def test_decimal_comma_contribution_is_read_as_a_number() -> None:
    extracts, _ = load(FIXTURES / "organization.csv")
    texts = {e.record: e.relations[0].evidence[0].text for e in extracts}
    assert texts["cordis:project:999101:pic:999990012"] == (
        "KOBENHAVNS UNIVERSITET (PIC 999990012) is participant in CORDIS project OREBRIDGE "
        "(999101); EC contribution 987654.32 EUR"
    )
    assert texts["cordis:project:101999102:pic:999990016"].endswith("321000.50 EUR")
    assert texts["cordis:project:999101:pic:999990014"].startswith(
        "SKANES UNIVERSITETSSJUKHUS (PIC 999990014) is third party in"
    )
    evidence = extracts[0].relations[0].evidence[0]
    assert (evidence.source, evidence.extractor, evidence.date) == (
        "cordis:project:999101:pic:999990011",
        "cordis",
        "2022-08-25",
    )


# ---------------------------------------------------------------------------- broken files


def test_file_in_the_wrong_encoding_is_one_reject_naming_the_line() -> None:
    extracts, report = load(FIXTURES / "organization_latin1.csv")
    assert extracts == []
    assert (report.read, report.accepted, report.rejected) == (1, 0, 1)
    assert rejects(report) == {
        "organization_latin1.csv": "line 3: byte 0xd8 is not valid UTF-8; CORDIS files are "
        "UTF-8 (re-save the file as UTF-8)"
    }


def test_truncated_file_keeps_the_records_before_the_cut() -> None:
    extracts, report = load(FIXTURES / "project_truncated.csv")
    assert [e.record for e in extracts] == ["cordis:project:999101"]
    assert (report.read, report.accepted, report.rejected) == (2, 1, 1)
    assert rejects(report) == {
        "project_truncated.csv line 4": "malformed CSV (unbalanced quotes or a truncated "
        "file?): unexpected end of data"
    }


def test_unrecognised_empty_and_missing_files_are_rejected(tmp_path: Path) -> None:
    extracts, report = load(FIXTURES / "unknown_layout.csv")
    assert extracts == []
    assert report.rejects[0].where == "unknown_layout.csv"
    assert report.rejects[0].reason.startswith("the header is not that of a CORDIS project.csv")

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    extracts, report = load(empty)
    assert (extracts, rejects(report)) == ([], {"empty.csv": "the file is empty: no header row"})

    extracts, report = load(tmp_path / "absent.csv")
    assert extracts == [] and report.rejected == 1
    assert report.rejects[0].reason.startswith("cannot be read: [Errno 2]")


# ---------------------------------------------------------------------------- derived table


def test_derived_fixture_handles_na_uk_el_and_broken_rows() -> None:
    extracts, report = load(FIXTURES / "derived_h2020.csv")
    assert (report.read, report.accepted, report.rejected) == (8, 5, 3)
    assert rejects(report) == {
        "derived_h2020.csv line 5": "unknown country 'QQ': give an ISO 3166 code or a country name",
        "derived_h2020.csv line 6": "PIC 'not-a-pic' is not a participant identification code",
        "derived_h2020.csv line 7": "the row has 5 fields but the header has 15: a truncated or "
        "misaligned row",
    }
    orgs = organisations(extracts)
    assert {o.identifiers["pic"]: (o.name, o.kind, o.country) for o in orgs.values()} == {
        "999990031": ("PIC 999990031", OrgKind.UNIVERSITY, "DK"),
        "999990032": ("PIC 999990032", OrgKind.RESEARCH_INSTITUTE, "SE"),
        "999990033": ("PIC 999990033", OrgKind.COMPANY, None),  # NA: R's missing value
        "999990035": ("PIC 999990035", OrgKind.OTHER, "GR"),
        "999990036": ("PIC 999990036", OrgKind.UNIVERSITY, "GB"),
    }
    project = projects(extracts)["project:cordis_rcn:999301"]
    assert (project.name, project.programme, project.start, project.end) == (
        "H2020 project rcn 999301",
        "H2020",
        "2019-01-01",
        "2022-12-31",
    )
    assert project.identifiers == {"cordis_rcn": "999301"}
    first = extracts[0].relations[0]
    assert (first.role, first.start, first.end) == ("coordinator", "2019-01-01", "2022-12-31")
    assert first.evidence[0].source == "cordis:rcn:999301:pic:999990031"


def test_gzipped_file_gives_the_same_output(tmp_path: Path) -> None:
    plain = FIXTURES / "derived_h2020.csv"
    packed = tmp_path / "derived_h2020.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    unpacked_extracts, _ = load(plain)
    packed_extracts, packed_report = load(packed)
    assert snapshot(packed_extracts) == [
        (record, where.replace("derived_h2020.csv", "derived_h2020.csv.gz"), nodes, relations)
        for record, where, nodes, relations in snapshot(unpacked_extracts)
    ]
    assert (packed_report.read, packed_report.accepted, packed_report.rejected) == (8, 5, 3)


@pytest.fixture(scope="module")
def derived() -> tuple[list[Extract], IngestReport]:
    return load(DERIVED)


def test_derived_sample_counts(derived: tuple[list[Extract], IngestReport]) -> None:
    extracts, report = derived
    assert (report.read, report.accepted, report.rejected) == (13_764, 13_764, 0)
    assert len(projects(extracts)) == 590
    orgs = organisations(extracts)
    assert len(orgs) == 5_353
    countries = Counter(o.country for o in orgs.values())
    assert (countries["DK"], countries["SE"], countries[None]) == (287, 290, 2)
    assert countries["GB"] == 413 and "UK" not in countries and "EL" not in countries
    roles = Counter(r.role for e in extracts for r in e.relations)
    assert roles == {"participant": 12_638, "coordinator": 590, "partner": 536}
    participations = Counter(
        orgs[r.source].country for e in extracts for r in e.relations if r.source in orgs
    )
    assert (participations["DK"], participations["SE"]) == (909, 968)


def test_derived_sample_dk_se_pairs_match_an_independent_count(
    derived: tuple[list[Extract], IngestReport],
) -> None:
    # Independently of the loader: straight from the CSV with the csv module.
    by_project: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"DK": set(), "SE": set()})
    with DERIVED.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["country"] in ("DK", "SE"):
                by_project[row["rcn"]][row["country"]].add(row["pic"])
    expected = {
        frozenset((dk, se))
        for members in by_project.values()
        for dk in members["DK"]
        for se in members["SE"]
    }
    assert len(by_project) == 590  # every project of the cut has a DK and an SE participant

    # From the loader's output, through the PARTICIPATES_IN relations only.
    extracts, _ = derived
    country: dict[str, str | None] = {}
    members_of: dict[str, set[str]] = defaultdict(set)
    for extract in extracts:
        nodes = {n.id: n for n in extract.nodes}
        for relation in extract.relations:
            assert relation.type is RelType.PARTICIPATES_IN
            org = nodes[relation.source]
            assert isinstance(org, Organisation)
            pic = org.identifiers["pic"]
            country[pic] = org.country
            members_of[relation.target].add(pic)
    found = {
        frozenset((a, b))
        for members in members_of.values()
        for a in members
        if country[a] == "DK"
        for b in members
        if country[b] == "SE"
    }
    assert found == expected
    assert len(found) == 1_036  # unordered (DK PIC, SE PIC) pairs sharing a project


def test_no_people_and_deterministic_output(derived: tuple[list[Extract], IngestReport]) -> None:
    for path in (FIXTURES / "organization.csv", FIXTURES / "project.csv"):
        first, _ = load(path)
        second, _ = load(path)
        assert snapshot(first) == snapshot(second)
        assert not any(isinstance(n, Person) for e in first for n in e.nodes)
    again, _ = load(DERIVED)
    assert snapshot(again) == snapshot(derived[0])
