"""The GLEIF loader on the real API samples and on golden-copy CSV fixtures of ours."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from graph.model import Organisation, OrgKind, Person, Relation, RelType
from ingest.base import Extract
from ingest.errors import RecordError
from ingest.gleif import lei_code, load_gleif
from ingest.report import IngestReport

GLEIF = SHARED_DATA / "gleif"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gleif"
GOLDEN = FIXTURES / "golden"
BROKEN = FIXTURES / "broken"
LEVEL1 = GOLDEN / "20250515-0800-gleif-goldencopy-lei2-golden-copy.csv"
LEVEL2 = GOLDEN / "20250515-0800-gleif-goldencopy-rr-golden-copy.csv"

PUMA_SE = "529900GRZ2BQY5ZM9N49"
PUMA_NORDIC = "213800BQD7W6G427DD83"
NORDIC_LEI = "549300O897ZC5H7CY412"
LA_GARE = "549300OWK6ZGNYP4G142"
DK1, DK2, DK3 = "MVKG00FIXTUREDK00124", "MVKG00FIXTUREDK00221", "MVKG00FIXTUREDK00318"
SE1, DE1, NO1 = "MVKG00FIXTURESE00106", "MVKG00FIXTUREDE00179", "MVKG00FIXTURENO00168"


def run(path: Path) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="gleif")
    return list(load_gleif(path, report)), report


def org_id(lei: str) -> str:
    return f"org:lei:{lei.lower()}"


def organisations(extracts: list[Extract]) -> list[Organisation]:
    return [n for e in extracts for n in e.nodes if isinstance(n, Organisation)]


def by_lei(extracts: list[Extract]) -> dict[str, Organisation]:
    """The last node yielded for each LEI (entity records are repeated across API files)."""
    return {o.identifiers["lei"]: o for o in organisations(extracts)}


def relations(extracts: list[Extract]) -> list[Relation]:
    return [r for e in extracts for r in e.relations]


def assert_relations_follow_their_nodes(extracts: list[Extract]) -> None:
    yielded: set[str] = set()
    for extract in extracts:
        yielded |= {n.id for n in extract.nodes}
        for rel in extract.relations:
            assert {rel.source, rel.target} <= yielded, (extract.where, rel)


# ---------------------------------------------------------------------------- API samples


def test_single_record() -> None:
    extracts, report = run(GLEIF / f"single_lei_record_{NORDIC_LEI}.json")
    assert (report.read, report.accepted, report.rejected) == (1, 1, 0)
    (extract,) = extracts
    assert (extract.record, extract.relations) == (f"gleif:{NORDIC_LEI}", [])
    (org,) = extract.nodes
    assert isinstance(org, Organisation)
    assert (org.name, org.kind, org.country, org.city) == (
        "Nordic Legal Entity Identifier AB",
        OrgKind.COMPANY,
        "SE",
        "Stockholm",
    )
    assert org.identifiers == {"lei": NORDIC_LEI, "se_orgnr": "556708-1699"}
    assert org.sources == ("gleif",)


def test_multi_record_response() -> None:
    extracts, report = run(GLEIF / "multi_lei_records.json")
    assert (report.read, report.accepted, report.rejected) == (12, 12, 0)
    assert Counter(o.country for o in organisations(extracts)) == {
        "US": 4,
        "DE": 3,
        "GB": 2,
        "IN": 1,
        "CA": 1,
        "SE": 1,
    }
    orgs = by_lei(extracts)
    shell = orgs["21380068P1DRHMJ8KU70"]
    assert shell.aliases == ("ROYAL DUTCH SHELL PLC",)  # otherNames: previous legal name
    assert shell.identifiers["registration"] == "RA000585:04366849"
    assert orgs[PUMA_SE].identifiers["registration"] == "RA000247:HRB 13085"
    assert extracts[0].where == "multi_lei_records.json#data[0]"


def test_parent_file_relates_the_named_child_to_the_record() -> None:
    extracts, report = run(GLEIF / f"direct-parent_{NORDIC_LEI}.json")
    assert (report.read, report.accepted, report.rejected) == (1, 1, 0)
    (extract,) = extracts
    assert extract.record == f"gleif:{LA_GARE}"
    la_gare, child = extract.nodes
    assert isinstance(la_gare, Organisation) and isinstance(child, Organisation)
    assert (la_gare.name, la_gare.identifiers["se_orgnr"]) == ("La Gare Holding AB", "556609-8058")
    # Alone, the file does not name the child: a stub stands for it.
    assert (child.name, child.kind, child.country) == (f"LEI {NORDIC_LEI}", OrgKind.COMPANY, None)
    assert (child.identifiers, child.sources) == ({"lei": NORDIC_LEI}, ("gleif",))
    (rel,) = extract.relations
    assert (rel.type, rel.source, rel.target) == (
        RelType.SUBSIDIARY_OF,
        org_id(NORDIC_LEI),
        org_id(LA_GARE),
    )
    evidence = rel.evidence[0]
    assert evidence.source == f"gleif:{NORDIC_LEI}/direct-parent-relationship"
    assert evidence.text == f"GLEIF: {NORDIC_LEI} IS_DIRECTLY_CONSOLIDATED_BY {LA_GARE}"
    assert (evidence.date, evidence.extractor) == ("2025-05-15", "gleif")


def test_children_file_relates_each_record_to_the_named_parent() -> None:
    extracts, report = run(GLEIF / f"direct-children_{PUMA_SE}.json")
    assert (report.read, report.accepted, report.rejected) == (12, 12, 0)
    rels = relations(extracts)
    assert len(rels) == 12 and {r.target for r in rels} == {org_id(PUMA_SE)}
    assert all(r.type is RelType.SUBSIDIARY_OF for r in rels)
    # One stub for the parent, in the first extract only.
    stubs = [o for o in organisations(extracts) if o.name.startswith("LEI ")]
    assert [o.identifiers["lei"] for o in stubs] == [PUMA_SE]
    assert stubs[0] in extracts[0].nodes
    nordic = by_lei(extracts)[PUMA_NORDIC]
    assert (nordic.name, nordic.country, nordic.city) == ("PUMA NORDIC AB", "SE", "Helsingborg")
    assert nordic.identifiers == {"lei": PUMA_NORDIC, "se_orgnr": "556233-7880"}
    assert org_id(PUMA_NORDIC) in {r.source for r in rels}
    assert_relations_follow_their_nodes(extracts)


def test_directory_reads_entities_first_and_needs_no_stubs() -> None:
    extracts, report = run(GLEIF)
    assert (report.read, report.accepted, report.rejected) == (39, 39, 0)
    assert not [o for o in organisations(extracts) if o.name.startswith("LEI ")]
    assert [e.where for e in extracts[:1]] == ["multi_lei_records.json#data[0]"]
    rels = relations(extracts)
    assert len(rels) == 26
    # Direct and ultimate parent are the same relation, stated twice.
    assert len({r.id for r in rels}) == 14
    nordic_parents = [r for r in rels if r.source == org_id(PUMA_NORDIC)]
    assert {r.evidence[0].source for r in nordic_parents} == {
        f"gleif:{PUMA_NORDIC}/direct-parent-relationship",
        f"gleif:{PUMA_NORDIC}/ultimate-parent-relationship",
    }
    assert len({r.id for r in nordic_parents}) == 1
    assert_relations_follow_their_nodes(extracts)


def test_determinism_and_no_people() -> None:
    first, _ = run(GLEIF)
    second, _ = run(GLEIF)
    assert first == second
    assert not [n for e in first for n in e.nodes if isinstance(n, Person)]


# ---------------------------------------------------------------------------- golden copy CSV


def test_level1_csv() -> None:
    extracts, report = run(LEVEL1)
    assert (report.read, report.accepted, report.rejected) == (5, 5, 0)
    orgs = by_lei(extracts)
    biotek = orgs[DK1]
    assert (biotek.name, biotek.kind, biotek.country, biotek.city) == (
        "Fiktiv Biotek A/S",
        OrgKind.COMPANY,
        "DK",
        "Hørsholm",
    )
    assert biotek.identifiers == {"cvr": "99000001", "lei": DK1}
    assert biotek.aliases == ("Fiktiv Biotech",)  # the transliteration equals the name
    assert orgs[DK2].identifiers["cvr"] == "99000002"  # "DK 99 00 00 02"
    assert orgs[DK3].kind is OrgKind.FOUNDATION  # Fiktivfonden
    lakemedel = orgs[SE1]  # an inactive entity with a lapsed registration is kept
    assert (lakemedel.country, lakemedel.city, lakemedel.identifiers["se_orgnr"]) == (
        "SE",
        "Lund",
        "559900-0001",
    )
    assert lakemedel.aliases == ("Pahittad Lakemedel AB",)
    assert orgs[DE1].identifiers == {"lei": DE1, "registration": "RA000242:HRB 999999"}
    assert extracts[0].where == f"{LEVEL1.name} line 2"
    assert extracts[0].record == f"gleif:{DK1}"


def test_level1_and_level2_together() -> None:
    extracts, report = run(GOLDEN)
    # 5 entities + 8 relationship rows; the fund-management row is read, not accepted.
    assert (report.read, report.accepted, report.rejected) == (13, 12, 0)
    stubs = [o for o in organisations(extracts) if o.name.startswith("LEI ")]
    assert [o.identifiers["lei"] for o in stubs] == [NO1]  # the parent missing from level 1
    rels = relations(extracts)
    assert {(r.source, r.target) for r in rels} == {
        (org_id(DK1), org_id(DK2)),
        (org_id(SE1), org_id(DK2)),
        (org_id(DK1), org_id(DE1)),
        (org_id(SE1), org_id(DE1)),
        (org_id(DK2), org_id(DE1)),
        (org_id(DE1), org_id(NO1)),
        (org_id(SE1), org_id(DK3)),
    }
    assert all(r.type is RelType.SUBSIDIARY_OF for r in rels)
    first = rels[0]
    assert (first.start, first.end) == ("2019-01-01", None)  # RELATIONSHIP_PERIOD, not accounts
    assert first.evidence[0].source == f"gleif:{DK1}/direct-parent-relationship"
    assert first.evidence[0].date == "2025-04-02"
    ended = next(r for r in rels if r.target == org_id(DK3))
    assert (ended.start, ended.end) == ("2015-01-01", "2020-06-30")
    assert [e.record for e in extracts if e.relations][-1] == (
        f"gleif:{SE1}/direct-parent-relationship"
    )
    assert_relations_follow_their_nodes(extracts)


def test_level2_alone_makes_stubs_for_every_lei() -> None:
    extracts, report = run(LEVEL2)
    assert (report.read, report.accepted, report.rejected) == (8, 7, 0)
    stubs = organisations(extracts)
    assert sorted(o.identifiers["lei"] for o in stubs) == sorted([DK1, DK2, SE1, DE1, NO1, DK3])
    assert all(o.name == f"LEI {o.identifiers['lei']}" and o.country is None for o in stubs)
    assert_relations_follow_their_nodes(extracts)


def test_entity_files_are_read_before_relationship_files(tmp_path: Path) -> None:
    # Names that sort the relationship file first: the header decides, not the name.
    shutil.copy(LEVEL2, tmp_path / "a-relationships.csv")
    shutil.copy(LEVEL1, tmp_path / "b-entities.csv")
    extracts, _ = run(tmp_path)
    assert extracts[0].where == "b-entities.csv line 2"
    assert [o.identifiers["lei"] for o in organisations(extracts) if o.name.startswith("LEI ")] == [
        NO1
    ]


# ---------------------------------------------------------------------------- broken input


def test_broken_level1_rows_are_rejected_and_the_rest_is_yielded() -> None:
    extracts, report = run(BROKEN / "level1_broken.csv")
    assert [e.record for e in extracts] == [
        "gleif:MVKG00FIXTURESE00203",
        "gleif:MVKG00FIXTUREDK00512",
    ]
    # 7 rows: 2 accepted, 4 rejected, 1 DUPLICATE registration skipped.
    assert (report.read, report.accepted, report.rejected) == (7, 2, 4)
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("level1_broken.csv line 3", "LEI MVKG00FIXTUREXX00199 has wrong check digits"),
        (
            "level1_broken.csv line 4",
            "unknown country 'ZZ': give an ISO 3166 code or a country name",
        ),
        ("level1_broken.csv line 5", "no Entity.LegalName"),
        ("level1_broken.csv line 7", "row has 12 fields, the header has 34"),
    ]


def test_truncated_csv_keeps_the_complete_rows() -> None:
    extracts, report = run(BROKEN / "level1_truncated.csv")
    assert [e.record for e in extracts] == [f"gleif:{DK1}"]
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("level1_truncated.csv line 3", "row has 2 fields, the header has 34")
    ]


def test_wrong_encoding_rejects_the_rows_that_are_not_utf8() -> None:
    extracts, report = run(BROKEN / "level1_latin1.csv")
    assert [e.record for e in extracts] == [f"gleif:{DE1}"]  # the ASCII-only row
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("level1_latin1.csv line 3", "not UTF-8 text: byte 0xf8 in this row"),
        ("level1_latin1.csv line 4", "not UTF-8 text: byte 0xe5 in this row"),
    ]


def test_broken_level2_rows() -> None:
    extracts, report = run(BROKEN / "level2_broken.csv")
    assert [e.record for e in extracts] == [f"gleif:{DK1}/direct-parent-relationship"]
    # 5 rows: 1 accepted, 3 rejected, 1 ANNULLED skipped.
    assert (report.read, report.accepted, report.rejected) == (5, 1, 3)
    assert [r.reason for r in report.rejects] == [
        "unknown Relationship.RelationshipType 'IS_BEST_FRIEND_OF'",
        "Relationship.EndNode.NodeIDType is 'CVR', not LEI",
        "LEI MVKG00FIXTUREDK00299 has wrong check digits",
    ]


def test_a_csv_that_is_not_gleif_is_one_reject() -> None:
    extracts, report = run(BROKEN / "not_gleif.csv")
    assert extracts == [] and (report.read, report.rejected) == (1, 1)
    assert report.rejects[0].where == "not_gleif.csv line 1"


def test_broken_api_records() -> None:
    extracts, report = run(BROKEN / "api_mixed.json")
    assert [e.record for e in extracts] == [f"gleif:{DK1}", f"gleif:{SE1}"]
    assert (report.read, report.accepted, report.rejected) == (7, 2, 4)
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("api_mixed.json#data[1]", "LEI MVKG00FIXTUREDK00100 has wrong check digits"),
        ("api_mixed.json#data[2]", "record has no entity.legalName.name"),
        (
            "api_mixed.json#data[3]",
            "unknown country 'Atlantis': give an ISO 3166 code or a country name",
        ),
        ("api_mixed.json#data[4]", "unsupported GLEIF resource type 'relationship-records'"),
    ]
    truncated, report = run(BROKEN / "api_truncated.json")
    assert truncated == [] and (report.read, report.rejected) == (1, 1)
    assert report.rejects[0].where == "api_truncated.json line 1"
    assert report.rejects[0].reason.startswith("truncated JSON")


def test_lei_check_digits() -> None:
    assert lei_code(" 529900grz2bqy5zm9n49 ", "x") == PUMA_SE
    with pytest.raises(RecordError, match="wrong check digits"):
        lei_code("529900GRZ2BQY5ZM9N48", "x")
    with pytest.raises(RecordError, match="not an LEI"):
        lei_code("529900GRZ2BQY5ZM9N4", "x")
