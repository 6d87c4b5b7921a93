"""The CVR loader on the two real Elasticsearch responses and on files of our own."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_DATA

from graph.model import Organisation, Person, Relation, RelType
from ingest.base import Extract
from ingest.cvr import load_cvr
from ingest.places import danish_town
from ingest.report import IngestReport

SAMPLES = SHARED_DATA / "cvr"
ASSURE = SAMPLES / "cvr_es_search_assure.json"
TIETGEN = SAMPLES / "cvr_es_search_tietgen_invest.json"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cvr"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+|00)?\d[\d\s().-]{6,}\d")


def _load(path: Path) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="cvr")
    return list(load_cvr(path, report)), report


def _need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"shared sample missing: {path}")


def _company(extract: Extract) -> Organisation:
    company = extract.nodes[0]
    assert isinstance(company, Organisation)
    return company


def _names(extract: Extract) -> dict[str, str]:
    return {node.id: node.name for node in extract.nodes}


def _relations(extract: Extract, type_: RelType) -> list[Relation]:
    return [r for r in extract.relations if r.type == type_]


def test_assure_sample_four_companies() -> None:
    _need(ASSURE)
    extracts, report = _load(ASSURE)
    assert (report.read, report.accepted, report.rejected) == (4, 4, 0)
    assert [e.record for e in extracts] == [
        "cvr:35682872",
        "cvr:42611433",
        "cvr:34689733",
        "cvr:44477378",
    ]
    assert extracts[2].where == "cvr_es_search_assure.json#hits[2]"
    miranova = _company(extracts[2])
    assert miranova.name == "MIRANOVA FONDSMÆGLERSELSKAB A/S"
    assert miranova.kind == "company"  # a stockbroker ("fondsmægler"), not a foundation
    assert miranova.country == "DK"
    assert miranova.city == "Søborg"
    assert miranova.identifiers == {"cvr": "34689733", "branchekode": "661200"}
    assert miranova.aliases == ("MIRANOVA FMS A/S", "Assure Fondsmæglerselskab A/S")
    assert miranova.id == "org:cvr:34689733"
    assert miranova.sources == ("cvr",)
    assert _company(extracts[1]).aliases == ("Assure Wealth 2 A/S",)


def test_people_get_roles_with_periods_and_nothing_else() -> None:
    _need(TIETGEN)
    extracts, report = _load(TIETGEN)
    assert (report.read, report.accepted, report.rejected) == (1, 1, 0)
    (tietgen,) = extracts
    company = _company(tietgen)
    assert (company.name, company.city, company.kind.value) == (
        "Tietgen Invest ApS",
        "Hørsholm",
        "company",
    )
    assert company.identifiers == {"cvr": "41774037", "branchekode": "643030"}
    people = [n for n in tietgen.nodes if isinstance(n, Person)]
    assert len(people) == len({p.id for p in people}) == 6
    names = _names(tietgen)
    roles = {
        (names[r.source], r.role): (r.start, r.end) for r in _relations(tietgen, RelType.HAS_ROLE)
    }
    assert len(roles) == 13
    assert roles[("Karsten Poulsen", "direktør")] == ("2020-10-18", "2021-03-17")
    assert roles[("Karsten Poulsen", "formand")] == ("2020-12-09", None)
    assert roles[("Jesper Wadum Nielsen", "direktør")] == ("2020-10-18", None)
    assert roles[("Jan Lythcke-Jørgensen", "bestyrelsesmedlem")] == ("2020-12-09", None)
    for relation in _relations(tietgen, RelType.HAS_ROLE):
        assert relation.target == company.id
        assert relation.evidence[0].source == "cvr:41774037"
        assert relation.evidence[0].url == "https://datacvr.virk.dk/enhed/virksomhed/41774037"


def test_owners_majority_is_parent_minority_is_investment() -> None:
    _need(TIETGEN)
    (tietgen,), _ = _load(TIETGEN)
    names = _names(tietgen)
    company = _company(tietgen)
    parents = _relations(tietgen, RelType.SUBSIDIARY_OF)
    # WAKOLO Invest held 100 % for a week, then a third, then 5 %.
    assert [(names[r.target], r.source, r.start, r.end) for r in parents] == [
        ("WAKOLO Invest ApS", company.id, "2020-10-18", "2020-10-26")
    ]
    investments = _relations(tietgen, RelType.COLLABORATES_WITH)
    assert len(investments) == 12
    assert {r.subtype for r in investments} == {"investment"}
    assert {r.target for r in investments} == {company.id}
    wakolo = next(r for r in investments if names[r.source] == "WAKOLO Invest ApS")
    assert (wakolo.start, wakolo.end) == ("2020-10-27", None)
    owner = next(n for n in tietgen.nodes if n.name == "WAKOLO Invest ApS")
    assert isinstance(owner, Organisation)
    assert (owner.identifiers, owner.country, owner.kind.value) == (
        {"cvr": "38918907"},
        "DK",
        "company",
    )


def test_holding_is_parent_of_three_companies() -> None:
    _need(ASSURE)
    extracts, _ = _load(ASSURE)
    parents = Counter(
        (_names(e)[r.target], r.start, r.end)
        for e in extracts
        for r in _relations(e, RelType.SUBSIDIARY_OF)
    )
    assert parents == {
        ("ASSURE WEALTH HOLDING ApS", "2014-03-01", None): 1,
        ("ASSURE WEALTH HOLDING ApS", "2021-08-18", None): 1,
        ("ASSURE WEALTH HOLDING ApS", "2023-03-01", None): 1,
        ("ASSURE WEALTH HOLDING ApS", "2023-12-04", None): 1,
        ("ApS af 14. september 2017", "2012-08-22", "2018-04-24"): 1,
    }
    counts = Counter(r.type.value for e in extracts for r in e.relations)
    assert counts == {"HAS_ROLE": 51, "SUBSIDIARY_OF": 5, "COLLABORATES_WITH": 6}
    # Auditors, founders and the general partner are not modelled.
    all_names = {n.name for e in extracts for n in e.nodes}
    assert "BEIERHOLM, STATSAUTORISERET REVISIONSPARTNERSELSKAB" not in all_names
    assert "Assure Alternatives General Partner I ApS" not in all_names


def test_relations_point_at_nodes_of_their_extract() -> None:
    _need(SAMPLES)
    extracts, report = _load(SAMPLES)
    assert (report.read, report.accepted, report.rejected) == (5, 5, 0)
    for extract in extracts:
        ids = {n.id for n in extract.nodes}
        assert len(ids) == len(extract.nodes)
        for relation in extract.relations:
            assert {relation.source, relation.target} <= ids


def _contact_strings(value: Any, key: str = "") -> set[str]:
    """Addresses, phone numbers and e-mail addresses anywhere in a CVR document."""
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found |= _contact_strings(v, k)
    elif isinstance(value, list):
        for v in value:
            found |= _contact_strings(v, key)
    elif isinstance(value, str) and (
        key in {"vejnavn", "kontaktoplysning", "adresseId"} or EMAIL.search(value)
    ):
        found.add(value)
    elif isinstance(value, int) and key == "enhedsNummer":
        found.add(str(value))
    return found


def test_no_contact_details_or_addresses_end_up_in_the_extracts() -> None:
    _need(SAMPLES)
    extracts, _ = _load(SAMPLES)
    text = repr(extracts)
    secrets: set[str] = set()
    for path in sorted(SAMPLES.glob("*.json")):
        secrets |= _contact_strings(json.loads(path.read_text(encoding="utf-8")))
    assert len(secrets) > 50
    assert not [s for s in secrets if len(s) >= 5 and s in text]
    for person in (n for e in extracts for n in e.nodes if isinstance(n, Person)):
        assert set(Person.__slots__) == {"name", "id"}
        assert not EMAIL.search(person.name) and not PHONE.search(person.name)


def test_fixture_rejects_and_keeps_the_rest() -> None:
    extracts, report = _load(FIXTURES / "companies.json")
    assert (report.read, report.accepted, report.rejected) == (5, 2, 3)
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("companies.json#hits[1]", "cvrNummer must be 8 digits, got None"),
        ("companies.json#hits[2]", "cvrNummer must be 8 digits, got '1234'"),
        (
            "companies.json#hits[3]",
            "unknown country 'ZZ': give an ISO 3166 code or a country name",
        ),
    ]
    fond, kommune = extracts
    company = _company(fond)
    assert company.kind == "foundation"  # Erhvervsdrivende fond
    assert company.city == "København"  # "København Ø"
    assert company.website == "https://testfonden.example"
    assert company.aliases == ("Testfonden af 2015", "Bioinnovation Testlab")
    assert _company(kommune).kind == "public_agency"  # Primærkommune
    assert _company(kommune).city == "København"  # from the municipality, no postal district
    names = _names(fond)
    roles = {(names[r.source], r.role, r.start, r.end) for r in _relations(fond, RelType.HAS_ROLE)}
    assert roles == {
        ("Anna Testesen", "direktør", "2016-01-01", None),  # two terms, the second open
        ("Anna Testesen", "formand", "2018-05-01", None),
        ("Bo Prøvesen", "bestyrelsesmedlem", "2015-03-01", "2020-06-30"),
    }
    # The participant whose "name" is a phone number is left out, the company is kept.
    assert "+45 70 20 30 40" not in repr(fond)
    assert [(names[r.target], r.start) for r in _relations(fond, RelType.SUBSIDIARY_OF)] == [
        ("Test Holding ApS", "2015-01-01")
    ]
    assert [names[r.source] for r in _relations(fond, RelType.COLLABORATES_WITH)] == [
        "Småinvest ApS"
    ]
    for secret in ("Privatvej", "33445566", "info@testfonden.dk", "REVISOR"):
        assert secret not in repr(extracts)


def test_truncated_file_is_one_reject_naming_the_position() -> None:
    extracts, report = _load(FIXTURES / "truncated.json")
    assert extracts == []
    assert (report.read, report.rejected) == (1, 1)
    assert report.rejects[0].where == "truncated.json line 255 column 34"
    assert report.rejects[0].reason == (
        "invalid JSON: the file ends in the middle of the JSON (truncated?)"
    )


def test_file_in_the_wrong_encoding_is_one_reject() -> None:
    extracts, report = _load(FIXTURES / "latin1.json")
    assert extracts == []
    assert [(r.where, r.reason) for r in report.rejects] == [
        (
            "latin1.json line 84",
            "not UTF-8: byte 0xf8 at offset 1838 cannot be decoded "
            "(JSON files must be UTF-8; re-export the file as UTF-8)",
        )
    ]


def test_folder_reads_every_file_and_goes_on_after_broken_ones() -> None:
    extracts, report = _load(FIXTURES)
    assert [e.record for e in extracts] == ["cvr:12345678", "cvr:29189900"]
    assert (report.read, report.accepted, report.rejected) == (7, 2, 5)


def test_a_document_without_hits_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"took": 1}', encoding="utf-8")
    extracts, report = _load(path)
    assert extracts == []
    assert report.rejects[0].where == "other.json"
    assert "hits.hits" in report.rejects[0].reason


def test_loading_twice_gives_identical_output() -> None:
    path = SAMPLES if SAMPLES.exists() else FIXTURES
    assert repr(_load(path)) == repr(_load(path))


@pytest.mark.parametrize(
    ("district", "town"),
    [
        ("København Ø", "København"),
        ("Frederiksberg C", "Frederiksberg"),
        ("Aalborg Øst", "Aalborg"),
        ("Odense SØ", "Odense"),
        ("Nykøbing F", "Nykøbing F"),
        ("Hørsholm", "Hørsholm"),
        ("  Kongens   Lyngby ", "Kongens Lyngby"),
        ("", None),
        (None, None),
    ],
)
def test_danish_town(district: str | None, town: str | None) -> None:
    assert danish_town(district) == town
