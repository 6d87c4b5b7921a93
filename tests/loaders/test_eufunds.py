"""The structural-funds loader on the three real files and on broken files of our own."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from graph.model import Organisation, Person, Project, RelType
from ingest.base import Extract
from ingest.eufunds import (
    decode_text,
    load_eufunds,
    parse_amount,
    split_partners,
    utm32_to_wgs84,
)
from ingest.report import IngestReport

DATA = SHARED_DATA / "eu_structural_funds"
DK2014 = DATA / "dk" / "ERDF_Denmark_2014-2020.original.csv"
DK2007 = DATA / "dk" / "ERDF_Denmark_2007-2013.csv"
SE2014 = DATA / "se" / "Sweden_all_funds_2014-2020.json"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eufunds"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
MISSING = "UPPGIFT SAKNAS"  # "not given", the projektbank's placeholder


def _load(path: Path) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="eufunds")
    return list(load_eufunds(path, report)), report


@pytest.fixture(scope="module")
def dk2014() -> tuple[list[Extract], IngestReport]:
    if not DK2014.is_file():
        pytest.skip(f"shared sample missing: {DK2014}")
    return _load(DK2014)


@pytest.fixture(scope="module")
def dk2007() -> tuple[list[Extract], IngestReport]:
    if not DK2007.is_file():
        pytest.skip(f"shared sample missing: {DK2007}")
    return _load(DK2007)


@pytest.fixture(scope="module")
def se2014() -> tuple[list[Extract], IngestReport]:
    if not SE2014.is_file():
        pytest.skip(f"shared sample missing: {SE2014}")
    return _load(SE2014)


def _project(extract: Extract) -> Project:
    project = extract.nodes[0]
    assert isinstance(project, Project)
    return project


def _beneficiary(extract: Extract) -> Organisation:
    org = extract.nodes[1]
    assert isinstance(org, Organisation)
    assert extract.relations[0].role == "beneficiary"
    assert extract.relations[0].source == org.id
    return org


def _partners(extract: Extract) -> list[str]:
    names = {n.id: n.name for n in extract.nodes}
    return [names[r.source] for r in extract.relations if r.role == "partner"]


# ---------------------------------------------------------------------------- real files


def test_dk2014_all_107_projects_no_row_is_misaligned(dk2014) -> None:
    extracts, report = dk2014
    # All 107 rows have their 19 fields in place. 13 hold an allocation pool in the Region
    # column (National pulje 5, Bæredygtig, grøn byudvikling 6, EURES 2) and are kept.
    assert (report.read, report.accepted, report.rejected) == (107, 107, 0)
    assert report.rejects == []
    projects = [_project(e) for e in extracts]
    assert len({p.id for p in projects}) == 107
    assert Counter(p.programme for p in projects) == {
        "ERDF Denmark 2014-2020": 57,
        "ESF Denmark 2014-2020": 50,
    }
    first = extracts[0]
    assert first.where == "ERDF_Denmark_2014-2020.original.csv line 2"
    assert first.record == f"eufunds:dk:{_project(first).identifiers['eufunds_dk']}"
    assert _project(first).name == "Vækst 2.0"  # ISO-8859-1 read right
    assert (_project(first).start, _project(first).end) == ("2014-04-24", "2017-02-28")
    assert [e.where.split(" line ")[1] for e in extracts[:3]] == ["2", "22", "28"]


def test_dk2014_beneficiaries_partners_and_coordinates(dk2014) -> None:
    extracts, _ = dk2014
    dtu = [e for e in extracts if _beneficiary(e).name == "Danmarks Tekniske Universitet"]
    assert len(dtu) == 2
    org = _beneficiary(dtu[0])
    assert (org.kind.value, org.country, org.city) == ("university", "DK", "Kongens Lyngby")
    assert org.lat == pytest.approx(55.7887, abs=0.001)
    assert org.lon == pytest.approx(12.5232, abs=0.001)
    bornholm = next(e for e in extracts if _beneficiary(e).name == "Bornholms Regionskommune")
    assert _beneficiary(bornholm).kind == "public_agency"
    assert _beneficiary(bornholm).lon == pytest.approx(14.73, abs=0.01)  # Rønne
    assert _partners(bornholm) == []  # only listed itself, twice
    slagelse = [e for e in extracts if _project(e).name == "Slagelse bygger om med grøn fornuft"]
    assert len({_project(e).id for e in slagelse}) == 2  # two operations, two priority axes
    roles = Counter(r.role for e in extracts for r in e.relations)
    assert roles == {"beneficiary": 107, "partner": 213}
    capnova = next(e for e in extracts if _beneficiary(e).name == "CAPNOVA")
    assert _partners(capnova)[:2] == ["Danmarks Tekniske Universitet", "Københavns Universitet"]
    partner = next(n for n in capnova.nodes[2:] if n.name == "Københavns Universitet")
    assert (partner.country, partner.kind.value) == (None, "university")


def test_dk2007_all_598_projects_with_cvr(dk2007) -> None:
    extracts, report = dk2007
    assert (report.read, report.accepted, report.rejected) == (598, 598, 0)
    assert len({_project(e).id for e in extracts}) == 598
    assert Counter(_project(e).programme for e in extracts) == {
        "ERDF Denmark 2007-2013": 345,
        "ESF Denmark 2007-2013": 253,
    }
    beneficiaries = [_beneficiary(e) for e in extracts]
    assert all(o.country == "DK" and len(o.identifiers["cvr"]) == 8 for o in beneficiaries)
    aau = [o for o in beneficiaries if o.identifiers["cvr"] == "29102384"]
    assert len(aau) == 38
    assert {(o.name, o.kind.value, o.id) for o in aau} == {
        ("Aalborg Universitet", "university", "org:cvr:29102384")
    }
    # "Aalborg Øst" is Aalborg; one project is at the Copenhagen campus in Ballerup.
    assert Counter(o.city for o in aau) == {"Aalborg": 37, "Ballerup": 1}
    first = extracts[0]
    assert _project(first).name == "Det Danske Seafood Center"
    assert (_project(first).start, _project(first).end) == ("2007-07-18", "2011-12-31")
    assert _beneficiary(first).kind == "foundation"  # Den Erhvervsdrivende Fond …
    assert _beneficiary(first).city == "Nykøbing M"
    roles = Counter(r.role for e in extracts for r in e.relations)
    assert roles == {"beneficiary": 598, "partner": 2027}


def test_se2014_all_374_projects(se2014) -> None:
    extracts, report = se2014
    assert (report.read, report.accepted, report.rejected) == (374, 374, 0)
    assert [e.record for e in extracts[:2]] == ["eufunds:se:20200940", "eufunds:se:20201077"]
    assert len({_project(e).id for e in extracts}) == 374
    programmes = Counter(_project(e).programme for e in extracts)
    assert programmes["ERDF Sweden 2014-2020, Skåne-Blekinge"] == 45
    assert programmes["ERDF Sweden 2014-2020, Nationellt regionalfondsprogram"] == 17
    beneficiaries = {_beneficiary(e).name: _beneficiary(e) for e in extracts}
    assert len(beneficiaries) == 221
    assert {o.country for o in beneficiaries.values()} == {"SE"}
    assert beneficiaries["Lunds Universitet"].kind == "university"
    assert beneficiaries["Skåne Läns Landsting"].kind == "public_agency"
    assert beneficiaries["Länsstyrelsen i Skåne län"].kind == "public_agency"
    assert beneficiaries["Innovation Skåne AB"].kind == "company"
    assert beneficiaries["Stift Drivhuset"].kind == "foundation"
    first = extracts[0]
    assert _project(first).identifiers == {"eufunds_se": "20200940"}
    assert first.relations[0].evidence[0].url == (
        "http://projektbank.tillvaxtverket.se/projektbanken2020#page=eruf"
    )


def test_no_phone_or_email_of_the_source_ends_up_in_the_extracts(dk2014, se2014) -> None:
    dk_extracts, _ = dk2014
    se_extracts, _ = se2014
    text = repr(dk_extracts) + repr(se_extracts)
    contacts: set[str] = set()
    for item in json.loads(SE2014.read_text(encoding="utf-8")):
        contacts |= {item["telnr"], item["e-post"], item["projektledare"]} - {MISSING, ""}
    with DK2014.open(encoding="iso-8859-1", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            for contact in row["Kontaktperson / Contacts"].splitlines():
                contacts |= {part.strip(" .") for part in contact.split(",") if part.strip(" .")}
    phones = {c for c in contacts if re.fullmatch(r"[+\d][\d\s-]{5,}", c)}
    emails = {c for c in contacts if EMAIL.search(c)}
    assert len(phones) > 300 and len(emails) > 350
    assert not [c for c in contacts if len(c) >= 5 and c in text]
    assert not EMAIL.search(text)
    assert not [n for e in dk_extracts + se_extracts for n in e.nodes if isinstance(n, Person)]


def test_every_relation_points_at_nodes_of_its_extract(dk2014, dk2007, se2014) -> None:
    for extracts, _ in (dk2014, dk2007, se2014):
        for extract in extracts:
            ids = [n.id for n in extract.nodes]
            assert len(ids) == len(set(ids))
            for relation in extract.relations:
                assert relation.type == RelType.PARTICIPATES_IN
                assert {relation.source, relation.target} <= set(ids)
                assert relation.evidence[0].source == extract.record


def test_the_shared_folder_is_read_whole() -> None:
    if not DATA.is_dir():
        pytest.skip(f"shared samples missing: {DATA}")
    extracts, report = _load(DATA)
    assert (report.read, report.accepted, report.rejected) == (1079, 1079, 0)
    assert len(extracts) == 107 + 598 + 374


def test_loading_twice_gives_identical_output() -> None:
    path = DATA if DATA.is_dir() else FIXTURES
    assert repr(_load(path)) == repr(_load(path))


# ---------------------------------------------------------------------------- our fixtures


def test_misaligned_2014_rows_are_rejected_naming_their_line() -> None:
    extracts, report = _load(FIXTURES / "dk2014_rows.csv")
    assert (report.read, report.accepted, report.rejected) == (5, 2, 3)
    assert [(r.where, r.reason) for r in report.rejects] == [
        (
            "dk2014_rows.csv line 7",
            "column 'Region / Region' holds 'Styrket innovation i SMVer' where a Danish "
            "region or allocation pool belongs: the row looks misaligned",
        ),
        (
            "dk2014_rows.csv line 9",
            "20 fields where the header has 19: the row is misaligned (a ';' or quote inside "
            "an unquoted field?)",
        ),
        (
            "dk2014_rows.csv line 10",
            "column 'Startdato / Operation start date' holds 'Nordjylland' where a date like "
            "31.12.2017 belongs: the row looks misaligned",
        ),
    ]
    first, second = extracts
    assert first.where == "dk2014_rows.csv line 2"
    assert _project(first).name == "Biotek Vækst Øresund"
    assert _beneficiary(first).name == "Danmarks Tekniske Universitet"
    # The beneficiary listed among the partners is not its own partner.
    assert _partners(first) == ["Københavns Universitet", "Novo Nordisk A/S"]
    assert second.where == "dk2014_rows.csv line 11"
    assert _project(second).programme == "ESF Denmark 2014-2020"
    assert _beneficiary(second).city == "Odense"
    for secret in ("jte@dtu.example.dk", "45 25 25 25", "Jens Testesen", "Dorthe Telefon"):
        assert secret not in repr(extracts)


def test_2007_rows_with_bad_cvr_or_scheme_are_rejected() -> None:
    extracts, report = _load(FIXTURES / "dk2007_rows.csv")
    assert (report.read, report.accepted, report.rejected) == (5, 3, 2)
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("dk2007_rows.csv line 3", "column 'cvr' holds '12AB5678', not an 8-digit CVR number"),
        (
            "dk2007_rows.csv line 4",
            "column 'ordning' holds 'XYZ' where a scheme code like ERDFN or ESFH belongs: "
            "the row looks misaligned",
        ),
    ]
    assert [e.where for e in extracts] == [
        "dk2007_rows.csv line 2",
        "dk2007_rows.csv line 5",  # a quoted description over two lines
        "dk2007_rows.csv line 7",
    ]
    assert _partners(extracts[0]) == [
        "Aalborg Kommune",
        "Nordvestjysk Erhvervsråd V.M.B.A",
        "P. Fournaise A/S",
    ]
    medicon = _beneficiary(extracts[1])
    assert (medicon.identifiers, medicon.country, medicon.city) == ({}, "DK", "København")


def test_swedish_rows_with_missing_fields_are_rejected_and_contacts_dropped() -> None:
    extracts, report = _load(FIXTURES / "se_projects.json")
    assert (report.read, report.accepted, report.rejected) == (4, 2, 2)
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("se_projects.json#1", "no beneficiary: field 'stödmottagare' is missing or empty"),
        ("se_projects.json#2", "'ärende-id' must be a number, got 'abc'"),
    ]
    assert [e.record for e in extracts] == ["eufunds:se:20201234", "eufunds:se:20201236"]
    text = repr(extracts)
    for secret in ("Karin Kontakt", "046-222 00 00", "karin.kontakt", "Lisa Ledare", "070-123"):
        assert secret not in text


def test_unreadable_files_are_one_reject_each() -> None:
    cases = {
        "se_truncated.json": (
            "se_truncated.json line 28 column 22",
            "invalid JSON: the file ends in the middle of the JSON (truncated?)",
        ),
        "se_latin1.json": (
            "se_latin1.json line 4",
            "not UTF-8: byte 0xe4 at offset 89 cannot be decoded (JSON files must be UTF-8; "
            "re-export the file as UTF-8)",
        ),
        "utf16.csv": ("utf16.csv", "binary or UTF-16 data: expected a CSV text file"),
    }
    for name, expected in cases.items():
        extracts, report = _load(FIXTURES / name)
        assert extracts == []
        assert (report.read, report.rejected) == (1, 1)
        assert (report.rejects[0].where, report.rejects[0].reason) == expected


def test_unknown_layout_is_one_reject() -> None:
    extracts, report = _load(FIXTURES / "unknown_layout.csv")
    assert extracts == []
    assert report.rejects[0].where == "unknown_layout.csv line 1"
    assert report.rejects[0].reason.startswith("unrecognised layout: the header 'name;value'")


def test_fixture_folder_goes_on_after_each_broken_file() -> None:
    extracts, report = _load(FIXTURES)
    assert (report.read, report.accepted, report.rejected) == (18, 7, 11)
    assert len(extracts) == 7


def test_truncated_csv_is_rejected_naming_the_line(tmp_path: Path) -> None:
    text = (FIXTURES / "dk2007_rows.csv").read_text(encoding="utf-8")
    cut = text[: text.index("anden linje")]  # inside the quoted two-line description
    path = tmp_path / "cut.csv"
    path.write_text(cut, encoding="utf-8")
    extracts, report = _load(path)
    assert len(extracts) == 1
    assert report.rejected == 3
    assert report.rejects[-1].where == "cut.csv line 5"
    assert "unreadable CSV" in report.rejects[-1].reason


# ---------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234.567,89", Decimal("1234567.89")),
        ("15.414.794", Decimal("15414794")),
        ("32467,02", Decimal("32467.02")),
        ("35020", Decimal("35020")),
        ("103107,2", Decimal("103107.2")),
        ("-1.000,5", Decimal("-1000.5")),
    ],
)
def test_parse_amount(text: str, amount: Decimal) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["1.5", "12.34.567", "Nordjylland", "1,234,567", ""])
def test_parse_amount_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_decode_text_falls_back_to_latin1() -> None:
    assert decode_text("Ærø Kommune".encode()) == ("Ærø Kommune", "utf-8")
    assert decode_text("Ærø Kommune".encode("iso-8859-1")) == ("Ærø Kommune", "iso-8859-1")
    assert decode_text(b"\xef\xbb\xbfid") == ("id", "utf-8")


def test_split_partners() -> None:
    assert split_partners("A/S P. Grene. Udenrigsministeriet . project. Hjørring Kommune,.") == [
        "A/S P. Grene",
        "Udenrigsministeriet",
        "Hjørring Kommune",
    ]
    assert split_partners("Karup Lufthavn A.M.B.A. Aarhus Lufthavn.") == [
        "Karup Lufthavn A.M.B.A",
        "Aarhus Lufthavn",
    ]
    assert split_partners("CLEAN.\nSyddansk Universitet.\nBanke ApS") == [
        "CLEAN",
        "Syddansk Universitet",
        "Banke ApS",
    ]
    assert split_partners("") == []


def test_utm_zone_32_to_wgs84() -> None:
    # The central meridian at the equator, and two addresses of the 2014-2020 file.
    assert utm32_to_wgs84(500_000, 0) == (0.0, 9.0)
    lat, lon = utm32_to_wgs84(560016.186, 6320237.0)
    assert (round(lat, 2), round(lon, 2)) == (57.02, 9.99)  # Aalborg Øst
    lat, lon = utm32_to_wgs84(890649.09, 6118912.57)
    assert (round(lat, 2), round(lon, 2)) == (55.06, 15.12)  # Nexø, Bornholm


def test_csv_module_sees_19_fields_in_every_real_row() -> None:
    if not DK2014.is_file():
        pytest.skip(f"shared sample missing: {DK2014}")
    text, encoding = decode_text(DK2014.read_bytes())
    assert encoding == "iso-8859-1"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 108 and {len(r) for r in rows} == {19}
