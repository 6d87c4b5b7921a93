"""The ROR loader on the real v1/v2 samples and on broken fixtures of ours."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from graph.model import CollabType, Organisation, OrgKind, Person, Relation, RelType
from ingest.base import Extract
from ingest.report import IngestReport
from ingest.ror import kind_from_types, load_ror

ROR = SHARED_DATA / "ror"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ror"


def run(path: Path, **options: bool) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="ror")
    return list(load_ror(path, report, **options)), report


def own_organisations(extracts: list[Extract]) -> list[Organisation]:
    """The organisations built from the records themselves, not relationship-target stubs."""
    return [
        node
        for e in extracts
        for node in e.nodes
        if isinstance(node, Organisation) and e.record == f"ror:{node.identifiers['ror']}"
    ]


def stubs(extracts: list[Extract]) -> list[Organisation]:
    own = {id(o) for o in own_organisations(extracts)}
    return [
        n for e in extracts for n in e.nodes if isinstance(n, Organisation) and id(n) not in own
    ]


def organisation(extracts: list[Extract], ror_id: str) -> Organisation:
    (found,) = [o for o in own_organisations(extracts) if o.identifiers["ror"] == ror_id]
    return found


def relations(extracts: list[Extract]) -> list[Relation]:
    return [r for e in extracts for r in e.relations]


@pytest.fixture(scope="module")
def v2() -> tuple[list[Extract], IngestReport]:
    return run(ROR / "ror_v2_dk_se_dump.json")


@pytest.fixture(scope="module")
def v1() -> tuple[list[Extract], IngestReport]:
    return run(ROR / "ror_v1_dk_se_dump.json")


# ---------------------------------------------------------------------------- real samples


def test_v2_sample_counts(v2: tuple[list[Extract], IngestReport]) -> None:
    extracts, report = v2
    assert (report.read, report.accepted, report.rejected) == (202, 202, 0), report.rejects
    assert Counter(o.country for o in own_organisations(extracts)) == {"DK": 67, "SE": 135}
    # Relationship targets absent from the sample get one minimal node each, once per run.
    targets = stubs(extracts)
    assert len(targets) == 47 == len({t.id for t in targets})
    assert all(t.country is None and t.sources == ("ror",) for t in targets)
    assert Counter(r.type for r in relations(extracts)) == {
        RelType.SUBSIDIARY_OF: 40,
        RelType.COLLABORATES_WITH: 20,
    }


def test_v1_sample_counts_and_withdrawn_records(v1: tuple[list[Extract], IngestReport]) -> None:
    extracts, report = v1
    # 23 withdrawn records are read but neither accepted nor rejected.
    assert (report.read, report.accepted, report.rejected) == (271, 248, 0), report.rejects
    assert Counter(o.country for o in own_organisations(extracts)) == {"DK": 89, "SE": 159}
    everything, full_report = run(ROR / "ror_v1_dk_se_dump.json", include_withdrawn=True)
    assert (full_report.read, full_report.accepted, full_report.rejected) == (271, 271, 0)
    assert Counter(o.country for o in own_organisations(everything)) == {"DK": 98, "SE": 173}


@pytest.mark.parametrize(
    ("dump", "folder"), [("ror_v2_dk_se_dump.json", "v2"), ("ror_v1_dk_se_dump.json", "v1")]
)
def test_dump_and_directory_give_identical_extracts(dump: str, folder: str) -> None:
    from_dump, dump_report = run(ROR / dump)
    from_folder, folder_report = run(ROR / folder)
    assert [(e.record, e.nodes, e.relations) for e in from_dump] == [
        (e.record, e.nodes, e.relations) for e in from_folder
    ]
    assert (dump_report.read, dump_report.accepted) == (folder_report.read, folder_report.accepted)
    assert from_folder[0].where == from_dump[0].record.removeprefix("ror:") + ".json"
    assert from_dump[0].where.startswith(f"{dump}#0 (line ")


def test_skane_university_hospital_v1(v1: tuple[list[Extract], IngestReport]) -> None:
    extracts, _ = v1
    sus = organisation(extracts, "02z31g829")
    assert sus.name == "Skåne University Hospital"
    assert (sus.kind, sus.country, sus.city) == (OrgKind.HOSPITAL, "SE", "Lund")
    assert (sus.lat, sus.lon) == (55.70584, 13.19321)
    assert set(sus.aliases) == {"SUS", "Skånes universitetssjukhus"}
    assert sus.identifiers == {
        "fundref": "501100011077",
        "grid": "grid.411843.b",
        "isni": "0000000406239987",
        "ror": "02z31g829",
        "wikidata": "Q781200",
    }
    assert sus.website == "http://www.skane.se/sv/Webbplatser/Skanes-universitetssjukhus/"
    (extract,) = [e for e in extracts if e.record == "ror:02z31g829"]
    (related,) = extract.relations
    assert related.type is RelType.COLLABORATES_WITH and related.subtype is CollabType.OTHER
    assert {related.source, related.target} == {sus.id, "org:ror:012a77v79"}
    assert related.evidence[0].source == "ror:02z31g829"
    assert (
        related.evidence[0].text
        == "ROR lists Skåne University Hospital and Lund University as related"
    )


def test_karolinska_institutet_v2(v2: tuple[list[Extract], IngestReport]) -> None:
    extracts, _ = v2
    ki = organisation(extracts, "056d84691")
    assert (ki.name, ki.kind, ki.country, ki.city) == (
        "Karolinska Institutet",
        OrgKind.UNIVERSITY,
        "SE",
        "Stockholm",
    )
    assert ki.identifiers["wikidata"] == "Q219564"
    assert ki.identifiers["fundref"] == "501100004047"  # the preferred one of two
    assert ki.identifiers["isni"] == "0000000419370626"
    assert ki.website == "https://ki.se"
    assert {"KI", "Karolinska Institute", "Royal Caroline Institute"} <= set(ki.aliases)
    (extract,) = [e for e in extracts if e.record == "ror:056d84691"]
    children = {r.source for r in extract.relations if r.type is RelType.SUBSIDIARY_OF}
    assert children == {"org:ror:01pgex273", "org:ror:03j0jxk49", "org:ror:00dgqhm63"}
    assert all(r.target == ki.id for r in extract.relations if r.type is RelType.SUBSIDIARY_OF)
    assert sum(r.type is RelType.COLLABORATES_WITH for r in extract.relations) == 4
    assert extract.relations[0].evidence[0].date == "2026-06-02"


def test_novo_nordisk_foundation_v2(v2: tuple[list[Extract], IngestReport]) -> None:
    extracts, _ = v2
    nnf = organisation(extracts, "04txyc737")
    # ROR types it facility + funder; the name makes it a foundation.
    assert (nnf.name, nnf.kind, nnf.country, nnf.city) == (
        "Novo Nordisk Foundation",
        OrgKind.FOUNDATION,
        "DK",
        "Copenhagen",
    )
    assert {"Novo Nordisk Fonden", "NNF"} <= set(nnf.aliases)
    assert nnf.identifiers == {
        "fundref": "501100009708",
        "grid": "grid.487026.f",
        "isni": "0000000099227627",
        "ror": "04txyc737",
    }
    holdings = [
        r
        for r in relations(extracts)
        if r.type is RelType.SUBSIDIARY_OF and r.source == "org:ror:04sfxgz72"
    ]
    assert [r.target for r in holdings] == [nnf.id]


def test_big_universities_are_relationship_target_nodes(
    v1: tuple[list[Extract], IngestReport],
) -> None:
    extracts, _ = v1
    by_id = {o.id: o for o in stubs(extracts)}
    lund, ucph = by_id["org:ror:012a77v79"], by_id["org:ror:035b05819"]
    assert (lund.name, lund.kind, lund.country) == ("Lund University", OrgKind.UNIVERSITY, None)
    assert (ucph.name, ucph.kind, ucph.sources) == (
        "University of Copenhagen",
        OrgKind.UNIVERSITY,
        ("ror",),
    )
    assert lund.identifiers == {"ror": "012a77v79"}


@pytest.mark.parametrize("sample", ["ror_v2_dk_se_dump.json", "ror_v1_dk_se_dump.json"])
def test_relations_only_point_at_nodes_already_yielded(sample: str) -> None:
    extracts, _ = run(ROR / sample, include_withdrawn=True)
    yielded: set[str] = set()
    for extract in extracts:
        yielded |= {n.id for n in extract.nodes}
        for rel in extract.relations:
            assert {rel.source, rel.target} <= yielded, (extract.record, rel)
            assert rel.evidence and rel.evidence[0].source == extract.record
            assert rel.evidence[0].extractor == "ror"


def test_single_record_file_and_determinism() -> None:
    extracts, report = run(ROR / "v2" / "04txyc737.json")
    assert (report.read, report.accepted, len(extracts)) == (1, 1, 1)
    assert extracts[0].where == "04txyc737.json"
    again, _ = run(ROR / "v2" / "04txyc737.json")
    assert again == extracts
    first, _ = run(ROR / "v1")
    second, _ = run(ROR / "v1")
    assert first == second


def test_no_people_in_ror(v1: tuple[list[Extract], IngestReport]) -> None:
    extracts, _ = v1
    assert not [n for e in extracts for n in e.nodes if isinstance(n, Person)]


def test_kind_mapping() -> None:
    assert kind_from_types(["education", "funder"], "X University") is OrgKind.UNIVERSITY
    assert kind_from_types(["Healthcare"], "Y") is OrgKind.HOSPITAL
    assert kind_from_types(["funder", "government"], "Innovation Fund") is OrgKind.PUBLIC_AGENCY
    assert kind_from_types(["Nonprofit"], "Hjärnfonden") is OrgKind.FOUNDATION
    assert kind_from_types(["Other"], "Gun och Bertil Stohnes Stiftelse") is OrgKind.FOUNDATION
    assert kind_from_types(["Nonprofit"], "Danish Diabetes Association") is OrgKind.OTHER
    assert kind_from_types(["Archive"], "National Archives") is OrgKind.RESEARCH_INSTITUTE
    assert (
        kind_from_types(["Other"], "Novo Nordisk Foundation Center for Basic Metabolic Research")
        is OrgKind.OTHER
    )


# ---------------------------------------------------------------------------- broken input


def test_broken_records_are_rejected_and_the_rest_is_yielded() -> None:
    extracts, report = run(FIXTURES / "mixed_dump.json")
    assert [e.record for e in extracts] == ["ror:0mvkgfx01", "ror:0mvkgfx02"]
    # 7 read: 2 accepted, 4 rejected, 1 withdrawn (neither).
    assert (report.read, report.accepted, report.rejected) == (7, 2, 4)
    reasons = {r.where.split(" ")[0]: r.reason for r in report.rejects}
    assert reasons == {
        "mixed_dump.json#1": "unknown country 'AQX': give an ISO 3166 code or a country name",
        "mixed_dump.json#2": "a ROR record must be a JSON object, got str",
        "mixed_dump.json#3": "neither ROR schema v2 (`names`) nor v1 (`name`): no name found",
        "mixed_dump.json#4": "not a ROR id: 'https://example.org/not-ror' "
        "(expected https://ror.org/0xxxxxx00)",
    }
    centre, hospital_foundation = (own_organisations(extracts)[i] for i in (0, 1))
    assert (centre.kind, centre.country, centre.identifiers["isni"]) == (
        OrgKind.RESEARCH_INSTITUTE,
        "DK",
        "0000000099990001",
    )
    assert set(centre.aliases) == {"Fictional Centre for Øresund Medicine", "FFØ"}
    # parent -> SUBSIDIARY_OF, related -> COLLABORATES_WITH; predecessor is skipped.
    assert [(r.type, r.target) for r in extracts[0].relations] == [
        (RelType.SUBSIDIARY_OF, "org:ror:035b05819"),
        (RelType.COLLABORATES_WITH, "org:ror:0mvkgfx02"),
    ]
    # The later record of a stub target is yielded in full (an inactive record is kept).
    assert (hospital_foundation.kind, hospital_foundation.country, hospital_foundation.city) == (
        OrgKind.FOUNDATION,
        "SE",
        "Malmö",
    )
    assert hospital_foundation.identifiers == {
        "fundref": "501100999999",
        "grid": "grid.999999.a",
        "ror": "0mvkgfx02",
    }


def test_truncated_dump_yields_complete_records_then_one_reject() -> None:
    extracts, report = run(FIXTURES / "truncated_dump.json")
    assert [e.record for e in extracts] == ["ror:0mvkgfx01", "ror:0mvkgfx02"]
    assert (report.read, report.accepted, report.rejected) == (3, 2, 1)
    (reject,) = report.rejects
    assert reject.where == "truncated_dump.json line 195"
    assert reject.reason.startswith("truncated JSON")


def test_wrong_encoding_is_one_reject_naming_the_file() -> None:
    extracts, report = run(FIXTURES / "latin1_record.json")
    assert extracts == [] and (report.read, report.rejected) == (1, 1)
    (reject,) = report.rejects
    assert reject.where.startswith("latin1_record.json byte ")
    assert reject.reason.startswith("not UTF-8 text: byte 0xe5")


def test_directory_with_a_broken_file() -> None:
    extracts, report = run(FIXTURES / "per_record")
    assert [e.where for e in extracts] == ["0mvkgfx01.json", "0mvkgfx02.json"]
    assert (report.read, report.accepted, report.rejected) == (3, 2, 1)
    assert report.rejects[0].where.startswith("0mvkgfx07.json line ")
    assert report.rejects[0].reason.startswith("truncated JSON")
