"""The scorer of nlp/evaluate.py and the validity of the annotated dev set."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from nlp.evaluate import (
    DIRECTED_TYPES,
    METRICS,
    RELATION_TYPES,
    Counts,
    Report,
    format_table,
    load_gold,
    main,
    person_key,
    roles_agree,
    score,
    validate_gold_record,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_SET = REPO_ROOT / "tests" / "data" / "news_dev.jsonl"

ISSUE_EXAMPLE = (
    "Novo Nordisk and Lund University have entered into a research collaboration on type 2 "
    "diabetes. Camurus AB, based in Lund, signed a licensing agreement with Genmab A/S. CEO Lars "
    "Fruergaard Jørgensen said the partnerships strengthen the Medicon Valley cluster."
)


def _span(text: str, mention: str, after: int = 0) -> tuple[int, int]:
    start = text.index(mention, after)
    return start, start + len(mention)


def _org(text: str, mention: str, name: str | None, country: str | None = None) -> dict[str, Any]:
    start, end = _span(text, mention)
    return {
        "text": mention,
        "start": start,
        "end": end,
        "name": name,
        "entity_id": None,
        "country": country,
    }


def _example() -> dict[str, Any]:
    """The issue's example passage, annotated as in the dev set (built here independently)."""
    text = ISSUE_EXAMPLE
    person_start, person_end = _span(text, "Lars Fruergaard Jørgensen")
    return {
        "id": "ex-1",
        "text": text,
        "language": "en",
        "date": "2024-05-14",
        "gold": {
            "orgs": [
                _org(text, "Novo Nordisk", "Novo Nordisk", "DK"),
                _org(text, "Lund University", "Lund University", "SE"),
                _org(text, "Camurus AB", "Camurus", "SE"),
                _org(text, "Genmab A/S", "Genmab", "DK"),
            ],
            "persons": [
                {
                    "text": "Lars Fruergaard Jørgensen",
                    "start": person_start,
                    "end": person_end,
                    "org": None,
                    "role": "CEO",
                }
            ],
            "places": [
                {"text": "Lund", "country": "SE"},
                {"text": "Medicon Valley", "country": None},
            ],
            "relations": [
                {
                    "a": "Novo Nordisk",
                    "b": "Lund University",
                    "type": "research_collaboration",
                    "evidence": text.split(". ")[0] + ".",
                    "confidence": 1.0,
                },
                {
                    "a": "Camurus AB",
                    "b": "Genmab A/S",
                    "type": "licensing",
                    "evidence": "Camurus AB, based in Lund, signed a licensing agreement with Genmab A/S.",
                    "confidence": 1.0,
                },
            ],
        },
    }


def _perfect(gold: dict[str, Any]) -> dict[str, Any]:
    return {"id": gold["id"], "language": gold["language"], **copy.deepcopy(gold["gold"])}


def _counts(c: Counts) -> tuple[int, int, int]:
    return c.tp, c.fp, c.fn


# ---------------------------------------------------------------------------------------------
# Scorer


def test_perfect_prediction_scores_one_everywhere_on_the_dev_set() -> None:
    gold = load_gold(DEV_SET)
    report = score(gold, [_perfect(g) for g in gold])
    for name in METRICS:
        c = report.metrics[name]
        assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0), name
        assert c.fp == c.fn == 0, name
    assert report.metrics["orgs"].tp == sum(len(g["gold"]["orgs"]) for g in gold)
    for lang, metrics in report.by_language.items():
        assert all(m.f1 == 1.0 for m in metrics.values()), lang
    assert set(report.by_relation_type) == set(RELATION_TYPES)
    assert not report.missing and not report.unexpected


def test_one_missing_org_gives_exact_recall() -> None:
    gold = _example()
    pred = _perfect(gold)
    pred["orgs"] = [o for o in pred["orgs"] if o["text"] != "Camurus AB"]
    c = score([gold], [pred]).metrics["orgs"]
    assert _counts(c) == (3, 0, 1)
    assert c.precision == 1.0
    assert c.recall == 0.75
    assert c.f1 == pytest.approx(6 / 7)


def test_an_extra_org_lowers_precision_only() -> None:
    gold = _example()
    pred = _perfect(gold)
    pred["orgs"].append(_org(gold["text"], "Medicon Valley", "Medicon Valley", None))
    c = score([gold], [pred]).metrics["orgs"]
    assert _counts(c) == (4, 1, 0)
    assert c.precision == 0.8
    assert c.recall == 1.0


def test_wrong_type_counts_for_untyped_but_not_for_typed() -> None:
    gold = _example()
    pred = _perfect(gold)
    pred["relations"][0]["type"] = "partnership"  # gold: research_collaboration
    report = score([gold], [pred])
    assert _counts(report.metrics["relations_untyped"]) == (2, 0, 0)
    assert _counts(report.metrics["relations_typed"]) == (1, 1, 1)
    assert _counts(report.by_relation_type["research_collaboration"]) == (0, 0, 1)
    assert _counts(report.by_relation_type["partnership"]) == (0, 1, 0)


def _acquisition_passage() -> dict[str, Any]:
    text = "Ambu has acquired Vasko Medical AB, a Malmö-based maker of urology devices."
    return {
        "id": "ex-2",
        "text": text,
        "language": "en",
        "date": "2024-05-28",
        "gold": {
            "orgs": [
                _org(text, "Ambu", "Ambu", "DK"),
                _org(text, "Vasko Medical AB", "Vasko Medical", "SE"),
            ],
            "persons": [],
            "places": [{"text": "Malmö", "country": "SE"}],
            "relations": [
                {
                    "a": "Ambu",
                    "b": "Vasko Medical AB",
                    "type": "acquisition",
                    "evidence": text,
                    "confidence": 1.0,
                }
            ],
        },
    }


def test_reversed_direction_of_a_directed_type_fails_typed_only() -> None:
    gold = _acquisition_passage()
    pred = _perfect(gold)
    rel = pred["relations"][0]
    rel["a"], rel["b"] = rel["b"], rel["a"]
    report = score([gold], [pred])
    assert _counts(report.metrics["relations_untyped"]) == (1, 0, 0)
    assert _counts(report.metrics["relations_typed"]) == (0, 1, 1)
    assert "acquisition" in DIRECTED_TYPES


def test_reversed_order_of_a_symmetric_type_still_matches() -> None:
    gold = _example()
    pred = _perfect(gold)
    rel = pred["relations"][0]  # research_collaboration
    rel["a"], rel["b"] = rel["b"], rel["a"]
    assert _counts(score([gold], [pred]).metrics["relations_typed"]) == (2, 0, 0)


def test_unknown_gold_direction_accepts_either_order() -> None:
    gold = _example()
    licensing = gold["gold"]["relations"][1]
    pred = _perfect(gold)
    pred["relations"][1]["a"], pred["relations"][1]["b"] = "Genmab A/S", "Camurus AB"
    assert _counts(score([gold], [pred]).metrics["relations_typed"]) == (1, 1, 1)
    licensing["direction_known"] = False
    assert _counts(score([gold], [pred]).metrics["relations_typed"]) == (2, 0, 0)


def test_legal_forms_and_case_are_normalised_for_orgs_and_relations() -> None:
    gold = _example()
    text = gold["text"]
    genmab = _span(text, "Genmab A/S")
    camurus = _span(text, "Camurus AB")
    pred = _perfect(gold)
    # "Genmab" (no legal form, shorter span), "CAMURUS" unlinked: both still match.
    pred["orgs"][3] = {"text": "Genmab", "start": genmab[0], "end": genmab[0] + 6, "name": None}
    pred["orgs"][2] = {"text": "CAMURUS", "start": camurus[0], "end": camurus[1], "name": None}
    pred["relations"][1].update(a="CAMURUS", b="Genmab")
    report = score([gold], [pred])
    assert _counts(report.metrics["orgs"]) == (4, 0, 0)
    assert _counts(report.metrics["relations_typed"]) == (2, 0, 0)


def test_org_with_right_name_but_no_overlap_is_a_false_positive() -> None:
    gold = _example()
    pred = _perfect(gold)
    pred["orgs"][0]["start"], pred["orgs"][0]["end"] = 200, 212  # not where Novo Nordisk is
    assert _counts(score([gold], [pred]).metrics["orgs"]) == (3, 1, 1)


def test_linked_name_matches_a_nordic_mention() -> None:
    text = "Lunds universitet och Region Skåne inleder ett forskningssamarbete."
    gold = {
        "id": "ex-3",
        "text": text,
        "language": "sv",
        "date": "2024-02-20",
        "gold": {
            "orgs": [
                _org(text, "Lunds universitet", "Lund University", "SE"),
                _org(text, "Region Skåne", "Region Skåne", "SE"),
            ],
            "persons": [],
            "places": [],
            "relations": [
                {
                    "a": "Lunds universitet",
                    "b": "Region Skåne",
                    "type": "research_collaboration",
                    "evidence": text,
                    "confidence": 1.0,
                }
            ],
        },
    }
    linked = _perfect(gold)
    linked["orgs"][0]["name"] = "Lund University"
    unlinked = _perfect(gold)
    unlinked["orgs"][0]["name"] = None
    wrong = _perfect(gold)
    wrong["orgs"][0]["name"] = "Skåne University Hospital"
    assert _counts(score([gold], [linked]).metrics["orgs"]) == (2, 0, 0)
    assert _counts(score([gold], [unlinked]).metrics["orgs"]) == (2, 0, 0)
    wrong_report = score([gold], [wrong])
    assert _counts(wrong_report.metrics["orgs"]) == (1, 1, 1)
    # A linking error counts once, in orgs: the relation end still matches by its mention text.
    assert _counts(wrong_report.metrics["relations_untyped"]) == (1, 0, 0)


def test_passages_missing_from_predictions_count_as_false_negatives() -> None:
    first, second = _example(), _acquisition_passage()
    report = score([first, second], [_perfect(first), {"id": "not-in-gold"}])
    assert report.missing == ["ex-2"]
    assert report.unexpected == ["not-in-gold"]
    assert _counts(report.metrics["orgs"]) == (4, 0, 2)
    assert _counts(report.metrics["relations_typed"]) == (2, 0, 1)
    assert _counts(report.metrics["places"]) == (2, 0, 1)


def test_duplicate_predicted_ids_are_rejected() -> None:
    gold = _example()
    with pytest.raises(ValueError, match="duplicate"):
        score([gold], [_perfect(gold), _perfect(gold)])


def test_passage_without_gold_items_and_empty_prediction_is_perfect() -> None:
    text = "Life-science employment in the region grew by 4 percent last year."
    gold = {
        "id": "ex-4",
        "text": text,
        "language": "en",
        "date": "2025-03-04",
        "gold": {"orgs": [], "persons": [], "places": [], "relations": []},
    }
    report = score([gold], [{"id": "ex-4", "orgs": [], "relations": []}])
    assert all(report.metrics[m].f1 == 1.0 for m in METRICS)
    spurious = {"id": "ex-4", "orgs": [{"text": "Life", "start": 0, "end": 4, "name": None}]}
    c = score([gold], [spurious]).metrics["orgs"]
    assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)


def test_people_roles_and_person_orgs() -> None:
    gold = _example()
    gold["gold"]["persons"][0]["org"] = "Novo Nordisk"
    pred = _perfect(gold)
    person = pred["persons"][0]
    person.update(
        text="Lars Fruergaard Jorgensen", role="Chief Executive Officer", org="Novo Nordisk A/S"
    )
    report = score([gold], [pred])
    assert _counts(report.metrics["persons"]) == (1, 0, 0)
    assert _counts(report.metrics["person_roles"]) == (1, 0, 0)
    assert _counts(report.metrics["person_orgs"]) == (1, 0, 0)
    person.update(role="Chief Scientific Officer", org="Genmab")
    report = score([gold], [pred])
    assert _counts(report.metrics["persons"]) == (1, 0, 0)
    assert _counts(report.metrics["person_roles"]) == (0, 1, 1)
    assert _counts(report.metrics["person_orgs"]) == (0, 1, 1)
    person.update(text="Lars Jørgensen")
    assert _counts(score([gold], [pred]).metrics["persons"]) == (0, 1, 1)


@pytest.mark.parametrize(
    ("gold_role", "predicted", "agree"),
    [
        ("CEO", "chief executive officer", True),
        ("adm. direktør", "CEO", True),
        ("vd", "Chief Executive", True),
        ("CEO", "President and CEO", True),
        ("professor of pharmacology", "Professor", True),
        ("forskningschef", "head of research", True),
        ("Chief Scientific Officer", "CSO", True),
        ("Chief Scientific Officer", "Chief Executive Officer", False),
        ("head of research", "head of sales", False),
        ("CEO", "", False),
    ],
)
def test_roles_agree(gold_role: str, predicted: str, agree: bool) -> None:
    assert roles_agree(gold_role, predicted) is agree


def test_person_key_folds_spelling_and_honorifics() -> None:
    assert person_key("Lars Fruergaard Jørgensen") == person_key("lars fruergaard joergensen")
    assert person_key("Prof. Anna Svensson") == person_key("Anna Svensson")
    assert person_key("Henrik Sjögren") == person_key("Henrik Sjogren")


def test_report_to_dict_and_table() -> None:
    gold = load_gold(DEV_SET)
    report = score(gold, [_perfect(g) for g in gold[:10]])
    data = report.to_dict()
    json.dumps(data)  # serialisable
    assert set(data["metrics"]) == set(METRICS)
    assert data["metrics"]["orgs"]["fn"] == sum(len(g["gold"]["orgs"]) for g in gold[10:])
    assert list(data["by_language"]) == ["en", "da", "sv"]
    assert data["passages"] == len(gold)
    table = format_table(report)
    assert table == report.format_table()
    for name in METRICS:
        assert name in table
    assert "language da" in table and "dev-049" in table


def test_cli_main_reads_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = load_gold(DEV_SET)
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(
        "".join(json.dumps(_perfect(g), ensure_ascii=False) + "\n" for g in gold), encoding="utf-8"
    )
    assert main([str(DEV_SET), str(predictions), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metrics"]["relations_typed"]["f1"] == 1.0


def test_load_gold_rejects_bad_offsets(tmp_path: Path) -> None:
    record = _example()
    record["gold"]["orgs"][0]["start"] += 1
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="offsets"):
        load_gold(path)


def test_validator_flags_contact_details_and_bad_relations() -> None:
    record = _example()
    record["text"] += " Contact press@example.com or +45 12 34 56 78."
    record["gold"]["relations"][0]["type"] = "merger"
    record["gold"]["relations"][1]["b"] = "Genmab"
    problems = " | ".join(validate_gold_record(record))
    assert "press@example.com" in problems
    assert "+45 12 34 56 78" in problems
    assert "merger" in problems
    assert "not the text of a gold org" in problems


def test_evaluate_does_not_import_spacy_or_the_pipeline() -> None:
    code = (
        "import sys, nlp.evaluate\n"
        "bad = [m for m in sys.modules if m == 'spacy' or m.startswith('spacy.')"
        " or m.startswith('nlp.') and m != 'nlp.evaluate']\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)


# ---------------------------------------------------------------------------------------------
# The dev set itself, checked here without the code under test

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\+?\d(?:[ -]?\d){7,}")
ISO2 = re.compile(r"[A-Z]{2}")


def _dev_lines() -> list[dict[str, Any]]:
    lines = DEV_SET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_dev_set_line_is_valid() -> None:
    records = _dev_lines()
    ids = [r["id"] for r in records]
    assert ids == [f"dev-{i:03d}" for i in range(1, len(records) + 1)]
    for r in records:
        text, gold = r["text"], r["gold"]
        assert r["language"] in ("en", "da", "sv"), r["id"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]), r["id"]
        assert set(gold) == {"orgs", "persons", "places", "relations"}, r["id"]
        sentences = len(re.findall(r"[.!?][\"”]?(?:\s|$)", text))
        assert 2 <= sentences <= 5, (r["id"], sentences)
        spans = []
        for org in gold["orgs"]:
            assert set(org) == {"text", "start", "end", "name", "entity_id", "country"}, r["id"]
            assert text[org["start"] : org["end"]] == org["text"], (r["id"], org)
            assert org["name"] and org["entity_id"] is None, (r["id"], org)
            assert org["country"] is None or ISO2.fullmatch(org["country"]), (r["id"], org)
            spans.append((org["start"], org["end"]))
        spans.sort()
        assert all(a[1] <= b[0] for a, b in pairwise(spans)), r["id"]
        names = {o["name"] for o in gold["orgs"]}
        texts = {o["text"] for o in gold["orgs"]}
        for person in gold["persons"]:
            assert set(person) == {"text", "start", "end", "org", "role"}, r["id"]
            assert text[person["start"] : person["end"]] == person["text"], (r["id"], person)
            assert person["org"] is None or person["org"] in names, (r["id"], person)
        for place in gold["places"]:
            assert place["text"] in text, (r["id"], place)
            assert place["country"] is None or ISO2.fullmatch(place["country"]), (r["id"], place)
        pairs = set()
        for rel in gold["relations"]:
            assert rel["a"] in texts and rel["b"] in texts, (r["id"], rel)
            assert rel["a"] != rel["b"], (r["id"], rel)
            assert rel["type"] in RELATION_TYPES, (r["id"], rel)
            assert rel["evidence"] in text, (r["id"], rel)
            assert 0.0 <= rel["confidence"] <= 1.0, (r["id"], rel)
            assert set(rel) <= {"a", "b", "type", "evidence", "confidence", "direction_known"}
            key = (frozenset((rel["a"], rel["b"])), rel["type"])
            assert key not in pairs, (r["id"], rel)
            pairs.add(key)
        strings = [text] + [
            v for key in gold for item in gold[key] for v in item.values() if isinstance(v, str)
        ]
        for s in strings:
            assert not EMAIL.search(s), (r["id"], s)
            assert not PHONE.search(s), (r["id"], s)
        assert validate_gold_record(r) == [], r["id"]


def test_dev_set_composition() -> None:
    records = _dev_lines()
    assert len(records) >= 45
    languages = Counter(r["language"] for r in records)
    assert languages["en"] >= 30 and languages["da"] >= 5 and languages["sv"] >= 5
    types = Counter(rel["type"] for r in records for rel in r["gold"]["relations"])
    assert set(types) == set(RELATION_TYPES)
    assert any(not r["gold"]["orgs"] for r in records)  # passages without organisations
    assert sum(1 for r in records if r["gold"]["orgs"] and not r["gold"]["relations"]) >= 5
    assert records[0]["text"] == ISSUE_EXAMPLE
    assert records[0]["gold"] == _example()["gold"] | {
        "relations": [
            _example()["gold"]["relations"][0],
            _example()["gold"]["relations"][1] | {"direction_known": False},
        ]
    }


def test_readme_counts_match_the_dev_set() -> None:
    readme = (REPO_ROOT / "tests" / "data" / "README.md").read_text(encoding="utf-8")
    records = _dev_lines()
    languages = Counter(r["language"] for r in records)
    for lang, n in languages.items():
        assert re.search(rf"\|\s*`{lang}`\s*\|\s*{n}\s*\|", readme), lang
    types = Counter(rel["type"] for r in records for rel in r["gold"]["relations"])
    for rtype, n in types.items():
        assert re.search(rf"\|\s*`{rtype}`\s*\|\s*{n}\s*\|", readme), rtype


def test_report_type_is_exported() -> None:
    assert isinstance(score([], []), Report)
