"""The OpenAlex loader on the real API samples and on fixtures of ours (DK/SE co-authorship)."""

from __future__ import annotations

import dataclasses
import gzip
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from graph.model import (
    Organisation,
    OrgKind,
    Person,
    Project,
    ProjectKind,
    Relation,
    RelType,
    Topic,
)
from ingest.base import Extract
from ingest.openalex import load_openalex
from ingest.report import IngestReport

OPENALEX = SHARED_DATA / "openalex"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "openalex"


def run(path: Path) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="openalex")
    return list(load_openalex(path, report)), report


def nodes_of(extracts: list[Extract], kind: type) -> list:
    return [n for e in extracts for n in e.nodes if isinstance(n, kind)]


def relations_of(extracts: list[Extract], rel_type: RelType) -> list[Relation]:
    return [r for e in extracts for r in e.relations if r.type is rel_type]


# ---------------------------------------------------------------------------- real samples


def test_single_work() -> None:
    extracts, report = run(OPENALEX / "work.json")
    assert (report.read, report.accepted, report.rejected) == (1, 1, 0)
    (extract,) = extracts
    assert (extract.record, extract.where) == ("openalex:W2741809807", "work.json")
    (work,) = nodes_of(extracts, Project)
    assert work.kind is ProjectKind.PUBLICATION
    assert work.name.startswith("The state of OA: a large-scale analysis")
    assert work.identifiers == {
        "doi": "10.7717/peerj.4375",
        "openalex": "W2741809807",
        "pmid": "29456894",
    }
    assert work.start == "2018-02-13"
    orgs = nodes_of(extracts, Organisation)
    assert len(orgs) == 9 == len({o.id for o in orgs})
    participations = relations_of(extracts, RelType.PARTICIPATES_IN)
    assert {r.source for r in participations} == {o.id for o in orgs}
    assert {(r.target, r.role) for r in participations} == {(work.id, "author_institution")}
    openalex_org = next(o for o in orgs if o.name == "OpenAlex")
    assert (openalex_org.country, openalex_org.kind) == ("CA", OrgKind.OTHER)
    assert openalex_org.identifiers == {"openalex": "I4200000001", "ror": "02nr0ka47"}
    # Primary topic, then concepts >= 0.5 by score, at most five.
    assert [t.name for t in nodes_of(extracts, Topic)] == [
        "scientometrics and bibliometrics research",
        "Citation",
        "License",
        "Scholarly communication",
        "Web of science",
    ]
    assert len(relations_of(extracts, RelType.ACTIVE_IN)) == 5


def test_list_response() -> None:
    extracts, report = run(OPENALEX / "works_list.json")
    assert (report.read, report.accepted, report.rejected) == (2, 2, 0)
    assert [(e.record, e.where) for e in extracts] == [
        ("openalex:W4392145873", "works_list.json#results[0]"),
        ("openalex:W4393935425", "works_list.json#results[1]"),
    ]
    countries = Counter(o.country for o in nodes_of(extracts, Organisation))
    assert countries == {"FR": 5, "US": 1}
    # Authorships without institutions add no organisation.
    assert len(relations_of(extracts[:1], RelType.PARTICIPATES_IN)) == 4


def test_institution_with_place_and_associated_institutions() -> None:
    extracts, report = run(OPENALEX / "institution.json")
    assert (report.read, report.accepted) == (1, 1)
    harvard = extracts[0].nodes[0]
    assert isinstance(harvard, Organisation)
    assert (harvard.name, harvard.kind, harvard.country, harvard.city) == (
        "Harvard University",
        OrgKind.UNIVERSITY,
        "US",
        "Cambridge",
    )
    assert (harvard.lat, harvard.lon, harvard.website) == (
        42.3751,
        -71.10561,
        "https://www.harvard.edu",
    )
    assert harvard.identifiers == {
        "grid": "grid.38142.3c",
        "openalex": "I136199984",
        "ror": "03vek6s52",
        "wikidata": "Q13371",
    }
    assert harvard.aliases == ("Universidad de Harvard",)
    children = relations_of(extracts, RelType.SUBSIDIARY_OF)
    assert len(children) == 17 and {r.target for r in children} == {harvard.id}
    press = next(
        o for o in nodes_of(extracts, Organisation) if o.name == "Harvard University Press"
    )
    assert press.id in {r.source for r in children}
    assert len(relations_of(extracts, RelType.COLLABORATES_WITH)) == 23
    assert len(extracts[0].nodes) == 41


def test_author_is_a_person_with_a_name_only() -> None:
    extracts, report = run(OPENALEX / "author.json")
    assert (report.read, report.accepted) == (1, 1)
    (person,) = nodes_of(extracts, Person)
    assert dataclasses.asdict(person) == {"name": "Jason Priem", "id": "person:jason-priem"}
    roles = relations_of(extracts, RelType.HAS_ROLE)
    assert len(roles) == 10 and {r.source for r in roles} == {person.id}
    assert {r.role for r in roles} == {"affiliated author"}
    wnt = next(o for o in nodes_of(extracts, Organisation) if o.country == "SE")
    assert (wnt.name, wnt.identifiers["ror"]) == ("WntResearch (Sweden)", "005b2xe71")
    (wnt_role,) = [r for r in roles if r.target == wnt.id]
    assert (wnt_role.start, wnt_role.end) == ("2022", "2023")
    unc = next(r for r in roles if r.target == "org:ror:0130frc33")
    assert (unc.start, unc.end) == ("2010", "2014")


def test_directory_of_samples_is_deterministic() -> None:
    first, report = run(OPENALEX)
    second, _ = run(OPENALEX)
    assert first == second
    assert (report.read, report.accepted, report.rejected) == (5, 5, 0)
    assert [e.record for e in first] == [
        "openalex:A5023888391",
        "openalex:I136199984",
        "openalex:W2741809807",
        "openalex:W4392145873",
        "openalex:W4393935425",
    ]


# ---------------------------------------------------------------------------- our fixtures


def test_danish_and_swedish_institutions_meet_through_the_work() -> None:
    extracts, report = run(FIXTURES / "dk_se_work.json")
    assert (report.read, report.accepted, report.rejected) == (1, 1, 0)
    (work,) = nodes_of(extracts, Project)
    assert work.identifiers == {"doi": "10.99999/mvkg.fixture.0001", "openalex": "W9999000001"}
    orgs = {o.identifiers["ror"]: o for o in nodes_of(extracts, Organisation)}
    assert set(orgs) == {"012a77v79", "02z31g829", "035b05819"}  # three distinct, not five
    lund, ucph = orgs["012a77v79"], orgs["035b05819"]
    assert (lund.name, lund.country, lund.kind) == ("Lund University", "SE", OrgKind.UNIVERSITY)
    assert (ucph.name, ucph.country, ucph.kind) == (
        "University of Copenhagen",
        "DK",
        OrgKind.UNIVERSITY,
    )
    assert orgs["02z31g829"].kind is OrgKind.HOSPITAL
    participants = {r.source for r in relations_of(extracts, RelType.PARTICIPATES_IN)}
    assert participants == {lund.id, ucph.id, orgs["02z31g829"].id}
    assert {r.target for r in relations_of(extracts, RelType.PARTICIPATES_IN)} == {work.id}
    assert not relations_of(extracts, RelType.COLLABORATES_WITH)  # linked through the work only
    assert [t.name for t in nodes_of(extracts, Topic)] == [
        "Diabetes Management and Research",
        "Type 2 diabetes",
        "Cohort study",
        "Medicine",
        "Endocrinology",
    ]
    assert work.topics == tuple(t.name for t in nodes_of(extracts, Topic))
    evidence = relations_of(extracts, RelType.PARTICIPATES_IN)[0].evidence[0]
    assert (evidence.source, evidence.extractor, evidence.date) == (
        "openalex:W9999000001",
        "openalex",
        "2024-05-17",
    )
    # Authors of works are not stored, so no Person at all.
    assert not nodes_of(extracts, Person)


def test_broken_entities_in_a_list_response_are_rejected() -> None:
    extracts, report = run(FIXTURES / "works_page_mixed.json")
    assert [e.record for e in extracts] == ["openalex:W9999000002", "openalex:W9999000001"]
    assert (report.read, report.accepted, report.rejected) == (6, 2, 4)
    assert [(r.where, r.reason) for r in report.rejects] == [
        (
            "works_page_mixed.json#results[1]",
            "unknown country 'XZ': give an ISO 3166 code or a country name",
        ),
        ("works_page_mixed.json#results[2]", "work W9999000004 has no title"),
        (
            "works_page_mixed.json#results[3]",
            "unsupported OpenAlex entity S9999000005: only works (W), institutions (I) and "
            "authors (A) are loaded",
        ),
        (
            "works_page_mixed.json#results[4]",
            "institution 'https://openalex.org/I9999000003' has no display_name",
        ),
    ]


def test_truncated_file_is_one_reject() -> None:
    extracts, report = run(FIXTURES / "truncated_work.json")
    assert extracts == [] and (report.read, report.rejected) == (1, 1)
    assert report.rejects[0].where.startswith("truncated_work.json line ")
    assert report.rejects[0].reason.startswith("truncated JSON")


def test_json_lines_reject_bad_lines_and_go_on() -> None:
    extracts, report = run(FIXTURES / "works.jsonl")
    assert [(e.record, e.where) for e in extracts] == [
        ("openalex:W9999000002", "works.jsonl line 1"),
        ("openalex:A9999000108", "works.jsonl line 5"),
    ]
    assert (report.read, report.accepted, report.rejected) == (4, 2, 2)
    assert [r.where for r in report.rejects] == ["works.jsonl line 2", "works.jsonl line 3"]
    assert report.rejects[0].reason.startswith("invalid JSON")
    assert report.rejects[1].reason.startswith("not UTF-8 text: byte 0xf6")
    (person,) = nodes_of(extracts, Person)
    assert dataclasses.asdict(person) == {
        "name": "Fixture Author Eight",
        "id": "person:fixture-author-eight",
    }  # the ORCID in the record is not kept
    roles = relations_of(extracts, RelType.HAS_ROLE)
    assert [(r.target, r.start, r.end) for r in roles] == [
        ("org:ror:012a77v79", "2019", "2021"),
        ("org:ror:035b05819", "2022", "2022"),
    ]


def test_gzipped_json_lines(tmp_path: Path) -> None:
    packed = tmp_path / "works.gz"
    with (FIXTURES / "works.jsonl").open("rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    extracts, report = run(packed)
    plain, _ = run(FIXTURES / "works.jsonl")
    assert [(e.record, e.nodes, e.relations) for e in extracts] == [
        (e.record, e.nodes, e.relations) for e in plain
    ]
    assert (report.read, report.accepted, report.rejected) == (4, 2, 2)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(packed.read_bytes()[:-40])
    extracts, report = run(cut)
    assert report.rejects[-1].reason.startswith("cannot read the file")


@pytest.mark.parametrize("sample", [FIXTURES, OPENALEX])
def test_relations_point_at_nodes_of_the_same_extract(sample: Path) -> None:
    for extract in run(sample)[0]:
        ids = {n.id for n in extract.nodes}
        for rel in extract.relations:
            assert {rel.source, rel.target} <= ids
            assert rel.evidence[0].source == extract.record
