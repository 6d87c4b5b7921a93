"""The Interreg loader on the real Swedish partner file and on broken files of our own."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from graph.model import Organisation, Person, Project, RelType
from ingest.base import Extract
from ingest.interreg import load_interreg
from ingest.kinds import kind_from_name as guess_org_kind
from ingest.report import IngestReport

SAMPLE = SHARED_DATA / "interreg" / "interregbarometern_rawdata.json"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interreg"
OKS = "Öresund-Kattegat-Skagerrak"
REPROUNION = "ReproUnion - Platform for Driving Reproductive Health Innovation"
# Rows of the real file with no organisation name (organisationsnamn is null).
NAMELESS_ROWS = [
    453,
    459,
    474,
    486,
    511,
    512,
    571,
    572,
    573,
    575,
    579,
    580,
    632,
    651,
    738,
    1005,
    1058,
]


def _load(path: Path) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="interreg")
    return list(load_interreg(path, report)), report


@pytest.fixture(scope="module")
def sample() -> tuple[list[Extract], IngestReport]:
    if not SAMPLE.is_file():
        pytest.skip(f"shared sample missing: {SAMPLE}")
    return _load(SAMPLE)


def _org(extract: Extract) -> Organisation:
    return next(n for n in extract.nodes if isinstance(n, Organisation))


def _project(extract: Extract) -> Project:
    return next(n for n in extract.nodes if isinstance(n, Project))


def test_every_row_is_read_and_nameless_partners_are_rejected(sample) -> None:
    extracts, report = sample
    assert report.read == 1196
    assert report.accepted == 1179 == len(extracts)
    assert report.rejected == 17
    assert [r.where for r in report.rejects] == [
        f"interregbarometern_rawdata.json#{i}" for i in NAMELESS_ROWS
    ]
    assert {r.reason for r in report.rejects} == {
        "no organisation name: field 'organisationsnamn' is missing or empty"
    }


def test_counts_by_programme_county_and_project(sample) -> None:
    extracts, _ = sample
    programmes = Counter(_project(e).programme for e in extracts)
    # ÖKS has 204 rows; rows 1005 and 1058 have no partner name.
    assert programmes[OKS] == 202
    assert programmes["Baltic Sea Region"] == 307 - 6
    assert programmes["AURORA"] == 213
    oks_projects = {_project(e).id for e in extracts if _project(e).programme == OKS}
    assert len(oks_projects) == 72
    assert len({_project(e).id for e in extracts}) == 585
    # Skåne län: 219 rows, 98 in ÖKS (SOURCES.md); rows 738 and 1005 (both Skåne) are rejected.
    skane = [e for e in extracts if _org(e).region == "Skåne län"]
    assert len(skane) == 217
    assert sum(_project(e).programme == OKS for e in skane) == 97
    assert {738, 1005} <= set(NAMELESS_ROWS)
    assert Counter(_org(e).country for e in extracts) == {"SE": 1179}


def test_reprounion_with_its_swedish_partners(sample) -> None:
    extracts, _ = sample
    rows = [e for e in extracts if _project(e).name == REPROUNION]
    assert len(rows) == 3
    assert len({_project(e).id for e in rows}) == 1  # one Project node for the project
    project = _project(rows[0])
    assert project.kind == "interreg"
    assert project.programme == OKS
    assert (project.start, project.end) == ("2023-09-01", "2026-08-31")
    assert project.identifiers == {"interreg": f"{OKS}/{REPROUNION}"}
    partners = {
        _org(e).name: (_org(e).kind.value, _org(e).country, e.relations[0].role) for e in rows
    }
    assert partners == {
        "Lunds Universitet": ("university", "SE", "lead_partner"),
        "Malmö Universitet": ("university", "SE", "partner"),
        "LU Holding AB": ("company", "SE", "partner"),
    }
    lund = next(e for e in rows if _org(e).name == "Lunds Universitet")
    assert lund.record == f"interreg:{OKS}:{REPROUNION}:986"
    relation = lund.relations[0]
    assert relation.type == RelType.PARTICIPATES_IN
    assert (relation.source, relation.target) == (_org(lund).id, project.id)
    assert relation.evidence[0].source == lund.record
    assert relation.evidence[0].extractor == "interreg"


def test_roles_and_kinds_over_the_whole_file(sample) -> None:
    extracts, _ = sample
    roles = Counter(e.relations[0].role for e in extracts)
    assert roles == {"partner": 824, "lead_partner": 188, "associated_partner": 167}
    kinds = {_org(e).name: _org(e).kind.value for e in extracts}
    # Every row of an organisation gives it the same kind.
    assert len({(_org(e).name, _org(e).kind) for e in extracts}) == len(kinds)
    assert kinds["Region Skåne"] == "public_agency"
    assert kinds["Malmö stad"] == "public_agency"
    assert kinds["Länsstyrelsen Skåne"] == "public_agency"
    assert kinds["Karolinska Universitetssjukhuset"] == "hospital"
    assert kinds["Medicon Village Innovation AB"] == "company"
    assert kinds["Innovation Skåne"] == "cluster_org"  # from the partner type
    assert kinds["European Spallation Source ERIC"] == "research_institute"
    assert kinds["Stiftelsen Tem Vid Lunds Universitet"] == "foundation"
    assert kinds["SVERIGEFINSKA FOLKHÖGSKOLAN"] == "other"  # a folk high school, no university


def test_every_relation_points_at_nodes_of_its_extract(sample) -> None:
    extracts, _ = sample
    for extract in extracts:
        ids = {n.id for n in extract.nodes}
        for relation in extract.relations:
            assert {relation.source, relation.target} <= ids
            assert relation.evidence and relation.evidence[0].source == extract.record


def test_impossible_days_become_months(sample) -> None:
    extracts, _ = sample
    apriora = {_project(e).end for e in extracts if _project(e).name == "APRIORA"}
    assert apriora == {"2027-02"}  # the file says 2027-02-31
    consideration = {_project(e).end for e in extracts if _project(e).name == "CONSIDERATION"}
    assert consideration == {"2026-09"}  # the file says 2026-09-31


def test_no_people_are_made(sample) -> None:
    extracts, _ = sample
    assert not [n for e in extracts for n in e.nodes if isinstance(n, Person)]


def test_broken_rows_are_rejected_and_the_rest_is_kept() -> None:
    extracts, report = _load(FIXTURES / "partners.json")
    assert (report.read, report.accepted, report.rejected) == (9, 5, 4)
    assert [(r.where, r.reason) for r in report.rejects] == [
        (
            "partners.json#3",
            "unknown country 'Atlantis': give an ISO 3166 code or a country name",
        ),
        ("partners.json#4", "no organisation name: field 'organisationsnamn' is missing or empty"),
        (
            "partners.json#5",
            "unknown partner role 'XX': expected LP (lead partner), PP (partner) or "
            "AP (associated partner)",
        ),
        (
            "partners.json#6",
            "Project.start must be an ISO date (YYYY-MM-DD, YYYY-MM or YYYY), got '2023-13-01'",
        ),
    ]
    by_name = {_org(e).name: e for e in extracts}
    assert _org(by_name["Region Hovedstaden"]).country == "DK"  # "Danmark"
    assert by_name["Innovation Skåne"].relations[0].role == "associated_partner"
    shared = {_project(by_name[n]).id for n in ("Lunds Universitet", "Testbolaget Medicon AB")}
    assert len(shared) == 1


def test_truncated_file_is_one_reject_naming_the_position() -> None:
    extracts, report = _load(FIXTURES / "truncated.json")
    assert extracts == []
    assert (report.read, report.rejected) == (1, 1)
    reject = report.rejects[0]
    assert reject.where.startswith("truncated.json line ")
    assert "truncated" in reject.reason


def test_file_in_the_wrong_encoding_is_one_reject() -> None:
    extracts, report = _load(FIXTURES / "latin1.json")
    assert extracts == []
    assert [(r.where, r.reason[:40]) for r in report.rejects] == [
        ("latin1.json line 4", "not UTF-8: byte 0xd6 at offset 30 cannot")
    ]


def test_a_folder_is_read_file_by_file_in_sorted_order() -> None:
    extracts, report = _load(FIXTURES)
    assert len(extracts) == 5
    assert (report.read, report.accepted, report.rejected) == (11, 5, 6)
    assert [r.where.split(" ")[0].split("#")[0] for r in report.rejects] == [
        "latin1.json",
        "partners.json",
        "partners.json",
        "partners.json",
        "partners.json",
        "truncated.json",
    ]


def test_top_level_object_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "object.json"
    path.write_text(json.dumps({"rows": []}), encoding="utf-8")
    extracts, report = _load(path)
    assert extracts == []
    assert report.rejects[0].reason == "expected a JSON array of partner rows at the top level"


def test_loading_twice_gives_identical_output() -> None:
    first, _ = _load(SAMPLE if SAMPLE.is_file() else FIXTURES / "partners.json")
    second, _ = _load(SAMPLE if SAMPLE.is_file() else FIXTURES / "partners.json")
    assert repr(first) == repr(second)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Lunds universitet", "university"),
        ("Högskolan Kristianstad", "university"),
        ("Sunderby folkhögskola", None),
        ("Skånes universitetssjukhus", "hospital"),
        ("Helsingborgs lasarett", "hospital"),
        ("Region Skåne", "public_agency"),
        ("Västra Götalandsregionen", "public_agency"),
        ("Malmö kommun", "public_agency"),
        ("Länsstyrelsen i Skåne län", "public_agency"),
        ("Trafikverket", "public_agency"),
        ("Camurus AB", "company"),
        ("Novo Nordisk A/S", "company"),
        ("Novo Nordisk Fonden", "foundation"),
        ("MIRANOVA FONDSMÆGLERSELSKAB A/S", "company"),
        ("Teknologisk Institut", "research_institute"),
        ("Business Region Göteborg", None),
    ],
)
def test_guess_org_kind(name: str, kind: str | None) -> None:
    guessed = guess_org_kind(name)
    assert (guessed.value if guessed else None) == kind
