"""Scoring of extraction output against annotated passages (tests/data/news_dev.jsonl).

Plain functions, no spaCy and no pipeline: `load_gold` reads and validates the annotated JSONL,
`score` compares predictions in the extraction contract with it and returns a `Report`, whose
`to_dict()` and `format_table()` serve the CLI. The annotation guidelines that the matching
rules below follow are in tests/data/README.md.

All metrics are micro-averaged: true positives (tp), false positives (fp) and false negatives
(fn) are summed over all passages (and per gold language) before precision, recall and F1 are
computed. A predicted passage is matched to its gold passage by `id`; a gold passage without a
prediction is scored as an empty prediction (all its gold items are false negatives); predicted
ids that are not in the gold set are listed in the report and not scored.

Matching, per passage:

- orgs: mention level. A predicted org matches a gold org when their character spans overlap
  and `normalise_name(pred.name or pred.text)` equals `normalise_name` of the gold `name` or of
  the gold `text` ("Genmab A/S" = "Genmab" = "GENMAB"; "LU" unlinked matches gold text "LU").
  One-to-one, larger overlaps first. A prediction without offsets may match by name alone.
- org_countries: the matched orgs whose predicted country equals the gold country.
- persons: the sets of normalised person names (case, diacritics and honorifics folded).
- person_roles: persons matched by name whose roles agree: lower case, diacritics folded, the
  usual abbreviations and Nordic titles mapped ("chief executive officer", "adm. direktør", "vd"
  -> "ceo"), then one role's words contained in the other's ("professor" ~ "professor of
  pharmacology"; "CEO" ~ "President and CEO"; "CSO" !~ "CEO").
- person_orgs: persons matched by name whose organisation resolves to the same gold entity.
- places: the sets of normalised place names (a leading "the" dropped); country not scored.
- relations_untyped: the sets of unordered pairs of organisation entities.
- relations_typed: pair and type; for directed types (licensing, acquisition, investment,
  funding, supply) the order a -> b must match too, unless the gold relation carries
  `"direction_known": false` (the text does not say who licenses to whom).

Relation ends and person organisations are resolved to entities: a gold end is the canonical
`name` of the gold org whose `text` it is; a predicted end is resolved through the predicted
org with that text (its `name`, then the text itself) and matches a gold entity when any of
those normalised names is the gold entity's name or the text of one of its mentions in the
passage. So a wrongly linked org whose mention text is right still ends a relation correctly: a
linking error is counted once, in orgs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.normalize import fold_diacritics, normalise_name

RELATION_TYPES: tuple[str, ...] = (
    "partnership",
    "licensing",
    "acquisition",
    "investment",
    "research_collaboration",
    "funding",
    "supply",
    "other",
)
DIRECTED_TYPES: frozenset[str] = frozenset(
    {"licensing", "acquisition", "investment", "funding", "supply"}
)
LANGUAGES: tuple[str, ...] = ("en", "da", "sv")
METRICS: tuple[str, ...] = (
    "orgs",
    "org_countries",
    "persons",
    "person_roles",
    "person_orgs",
    "places",
    "relations_untyped",
    "relations_typed",
)

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Eight or more digits, optionally after "+country", separated by single spaces or hyphens.
PHONE_RE = re.compile(r"(?<!\d)\+?\d(?:[ -]?\d){7,}(?!\d)")


@dataclass
class Counts:
    """True positives, false positives and false negatives of one metric, with P/R/F1.

    With nothing predicted precision is 1.0 when nothing was to be found and 0.0 otherwise;
    likewise recall with nothing to find. So an empty prediction for a passage without gold
    items scores 1.0, and F1 is 0.0 only when something was missed or wrongly found.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def _empty_metrics() -> dict[str, Counts]:
    return {name: Counts() for name in METRICS}


@dataclass
class Report:
    """Micro-averaged scores over all passages, per gold language and per relation type."""

    metrics: dict[str, Counts] = field(default_factory=_empty_metrics)
    by_language: dict[str, dict[str, Counts]] = field(default_factory=dict)
    by_relation_type: dict[str, Counts] = field(default_factory=dict)
    passages: int = 0
    passages_by_language: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passages": self.passages,
            "passages_by_language": dict(self.passages_by_language),
            "missing_predictions": list(self.missing),
            "unexpected_predictions": list(self.unexpected),
            "metrics": {name: c.to_dict() for name, c in self.metrics.items()},
            "by_language": {
                lang: {name: c.to_dict() for name, c in metrics.items()}
                for lang, metrics in self.by_language.items()
            },
            "relations_by_type": {t: c.to_dict() for t, c in self.by_relation_type.items()},
        }

    def format_table(self) -> str:
        return format_table(self)


# ---------------------------------------------------------------------------------------------
# Reading and validating


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file, one per non-blank line."""
    records: list[dict[str, Any]] = []
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON: {exc}") from exc
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            records.append(record)
    return records


def load_predictions(path: str | Path) -> list[dict[str, Any]]:
    """Predictions in the extraction contract, one JSON object per line."""
    return load_jsonl(path)


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """The annotated passages of `path`, validated; ValueError names the first bad line."""
    records = load_jsonl(path)
    seen: set[str] = set()
    for record in records:
        problems = validate_gold_record(record)
        if problems:
            raise ValueError(f"{path}: {record.get('id', '?')}: " + "; ".join(problems))
        if record["id"] in seen:
            raise ValueError(f"{path}: duplicate id {record['id']!r}")
        seen.add(record["id"])
    return records


def _is_offset_pair(item: Mapping[str, Any]) -> bool:
    start, end = item.get("start"), item.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end


def contact_details(text: str) -> list[str]:
    """E-mail addresses and phone numbers in `text` (the dev set must have none)."""
    return EMAIL_RE.findall(text) + PHONE_RE.findall(text)


def validate_gold_record(record: Mapping[str, Any]) -> list[str]:
    """What is wrong with one annotated passage; empty when it is valid."""
    problems: list[str] = []
    text = record.get("text")
    if not isinstance(record.get("id"), str) or not record.get("id"):
        problems.append("id must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        return [*problems, "text must be a non-empty string"]
    if record.get("language") not in LANGUAGES:
        problems.append(f"language must be one of {LANGUAGES}")
    try:
        dt.date.fromisoformat(str(record.get("date")))
    except ValueError:
        problems.append("date must be YYYY-MM-DD")
    gold = record.get("gold")
    if not isinstance(gold, Mapping):
        return [*problems, "gold must be an object"]
    for key in ("orgs", "persons", "places", "relations"):
        if not isinstance(gold.get(key), list):
            problems.append(f"gold.{key} must be a list")
    if problems:
        return problems

    org_names: set[str] = set()
    org_texts: set[str] = set()
    for org in gold["orgs"]:
        if not _is_offset_pair(org) or text[org["start"] : org["end"]] != org.get("text"):
            problems.append(f"org {org.get('text')!r}: offsets do not match the text")
        if not org.get("name"):
            problems.append(f"org {org.get('text')!r}: name is missing")
        country = org.get("country")
        if country is not None and not re.fullmatch(r"[A-Z]{2}", str(country)):
            problems.append(f"org {org.get('text')!r}: country must be ISO alpha-2 or null")
        org_names.add(str(org.get("name")))
        org_texts.add(str(org.get("text")))
    for person in gold["persons"]:
        if not _is_offset_pair(person) or text[person["start"] : person["end"]] != person.get(
            "text"
        ):
            problems.append(f"person {person.get('text')!r}: offsets do not match the text")
        if person.get("org") is not None and person["org"] not in org_names:
            problems.append(f"person {person.get('text')!r}: org is not the name of a gold org")
    for place in gold["places"]:
        if not place.get("text") or place["text"] not in text:
            problems.append(f"place {place.get('text')!r} does not occur in the text")
        country = place.get("country")
        if country is not None and not re.fullmatch(r"[A-Z]{2}", str(country)):
            problems.append(f"place {place.get('text')!r}: country must be ISO alpha-2 or null")
    for rel in gold["relations"]:
        label = f"relation {rel.get('a')!r}-{rel.get('b')!r}"
        if rel.get("a") not in org_texts or rel.get("b") not in org_texts:
            problems.append(f"{label}: an end is not the text of a gold org")
        if rel.get("type") not in RELATION_TYPES:
            problems.append(f"{label}: type {rel.get('type')!r} is not one of {RELATION_TYPES}")
        if not rel.get("evidence") or rel["evidence"] not in text:
            problems.append(f"{label}: evidence is not a part of the text")
        if not isinstance(rel.get("direction_known", True), bool):
            problems.append(f"{label}: direction_known must be a boolean")
    strings = [text] + [
        str(value)
        for key in ("orgs", "persons", "places", "relations")
        for item in gold[key]
        for value in item.values()
        if isinstance(value, str)
    ]
    for found in {hit for s in strings for hit in contact_details(s)}:
        problems.append(f"contact detail {found!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# Normalisation

_ASCII_FOLDS = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    """Lower-case ASCII words: "Jørgensen", "Joergensen" and "Jorgensen" all become "jorgensen"."""
    words = " ".join(_NON_WORD.sub(" ", fold_diacritics(text)).split())
    for pair, single in _ASCII_FOLDS:
        words = words.replace(pair, single)
    return words


_HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "sir", "dame"})


def person_key(name: str) -> str:
    """The comparison key of a person's name: folded, without leading honorifics."""
    words = _fold(name).split()
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    return " ".join(words)


def place_key(name: str) -> str:
    """The comparison key of a place name: folded, without a leading article."""
    words = _fold(name).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


_ROLE_SYNONYMS_RAW: tuple[tuple[str, str], ...] = (
    ("chief executive officer", "ceo"),
    ("chief executive", "ceo"),
    ("managing director", "ceo"),
    ("administrerende direktør", "ceo"),
    ("adm direktør", "ceo"),
    ("adm dir", "ceo"),
    ("verkställande direktör", "ceo"),
    ("vd", "ceo"),
    ("koncernchef", "ceo"),
    ("chief scientific officer", "cso"),
    ("chief science officer", "cso"),
    ("chief medical officer", "cmo"),
    ("chief financial officer", "cfo"),
    ("finansdirektør", "cfo"),
    ("finansdirektör", "cfo"),
    ("chief operating officer", "coo"),
    ("chief technology officer", "cto"),
    ("chief commercial officer", "cco"),
    ("chair of the board", "chair"),
    ("chairman", "chair"),
    ("chairwoman", "chair"),
    ("chairperson", "chair"),
    ("bestyrelsesformand", "chair"),
    ("styrelseordförande", "chair"),
    ("ordförande", "chair"),
    ("formand", "chair"),
    ("forskningschef", "head research"),
    ("kommunikationschef", "head communications"),
    ("communications director", "head communications"),
    ("research director", "head research"),
    ("director of research", "head research"),
    ("föreståndare", "director"),
)
# Longest first so that "chief executive officer" is replaced before "chief executive".
_ROLE_SYNONYMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(r"\b" + re.escape(_fold(phrase)) + r"\b"), canonical)
    for phrase, canonical in sorted(_ROLE_SYNONYMS_RAW, key=lambda p: -len(p[0]))
)
_ROLE_STOPWORDS = frozenset(
    {"of", "the", "and", "at", "for", "in", "a", "an", "og", "och", "i", "vid", "hos", "af"}
)


def role_tokens(role: str) -> frozenset[str]:
    """The words of a role after folding and mapping titles to one spelling."""
    folded = _fold(role)
    for pattern, canonical in _ROLE_SYNONYMS:
        folded = pattern.sub(canonical, folded)
    return frozenset(w for w in folded.split() if w not in _ROLE_STOPWORDS)


def roles_agree(gold_role: str, predicted_role: str) -> bool:
    """True when one role's words (after `role_tokens`) are all among the other's."""
    gold, pred = role_tokens(gold_role), role_tokens(predicted_role)
    return bool(gold) and bool(pred) and (gold <= pred or pred <= gold)


# ---------------------------------------------------------------------------------------------
# Scoring


def _items(record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = record.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


class _Entities:
    """The organisation entities of one gold passage: canonical key -> normalised aliases."""

    def __init__(self, gold_orgs: Sequence[Mapping[str, Any]]) -> None:
        self.by_text: dict[str, str] = {}
        self.aliases: dict[str, set[str]] = {}
        for org in gold_orgs:
            text, name = _str(org.get("text")), _str(org.get("name"))
            key = normalise_name(name or text)
            if not key:
                continue
            self.by_text.setdefault(text, key)
            aliases = self.aliases.setdefault(key, {key})
            aliases.update(k for k in (normalise_name(text), normalise_name(name)) if k)

    def gold_end(self, mention: str) -> str:
        if mention in self.by_text:
            return self.by_text[mention]
        return self.resolve([mention]) or ""

    def resolve(self, candidates: Iterable[str]) -> str | None:
        """The gold entity that any of `candidates` names, else the first candidate's key."""
        keys = [k for k in (normalise_name(c) for c in candidates if c) if k]
        for key in keys:
            if key in self.aliases:
                return key
        for key in keys:
            for entity in sorted(self.aliases):
                if key in self.aliases[entity]:
                    return entity
        return keys[0] if keys else None


def _predicted_end(
    mention: str, predicted_orgs: Sequence[Mapping[str, Any]], entities: _Entities
) -> str | None:
    names = [
        _str(org.get("name"))
        for org in predicted_orgs
        if _str(org.get("text")) == mention and _str(org.get("name"))
    ]
    return entities.resolve([*names, mention])


def _match_orgs(
    gold_orgs: Sequence[Mapping[str, Any]], predicted_orgs: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    candidates: list[tuple[int, int, int]] = []
    for gi, gold in enumerate(gold_orgs):
        gold_keys = {
            k
            for k in (
                normalise_name(_str(gold.get("name"))),
                normalise_name(_str(gold.get("text"))),
            )
            if k
        }
        for pi, pred in enumerate(predicted_orgs):
            pred_key = normalise_name(_str(pred.get("name")) or _str(pred.get("text")))
            if not pred_key or pred_key not in gold_keys:
                continue
            if _is_offset_pair(pred):
                overlap = min(gold["end"], pred["end"]) - max(gold["start"], pred["start"])
                if overlap <= 0:
                    continue
            else:
                overlap = 0  # no offsets: matched by name only, after all overlapping ones
            candidates.append((-overlap, gi, pi))
    matched: list[tuple[int, int]] = []
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, gi, pi in sorted(candidates):
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            matched.append((gi, pi))
    return matched


def _country(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _set_counts(gold: set[Any], predicted: set[Any]) -> Counts:
    tp = len(gold & predicted)
    return Counts(tp, len(predicted) - tp, len(gold) - tp)


@dataclass(frozen=True)
class _Relation:
    pair: frozenset[str]
    type: str
    order: tuple[str, str] | None  # None: symmetric type, or direction unknown in the gold


def _score_passage(
    gold_record: Mapping[str, Any], predicted: Mapping[str, Any]
) -> tuple[dict[str, Counts], dict[str, Counts]]:
    gold = gold_record.get("gold") or {}
    out = _empty_metrics()
    by_type: dict[str, Counts] = {}

    # Organisations.
    gold_orgs, pred_orgs = _items(gold, "orgs"), _items(predicted, "orgs")
    matched = _match_orgs(gold_orgs, pred_orgs)
    out["orgs"] = Counts(len(matched), len(pred_orgs) - len(matched), len(gold_orgs) - len(matched))
    country_tp = sum(
        1
        for gi, pi in matched
        if _country(gold_orgs[gi].get("country")) is not None
        and _country(gold_orgs[gi].get("country")) == _country(pred_orgs[pi].get("country"))
    )
    gold_countries = sum(1 for o in gold_orgs if _country(o.get("country")))
    pred_countries = sum(1 for o in pred_orgs if _country(o.get("country")))
    out["org_countries"] = Counts(
        country_tp, pred_countries - country_tp, gold_countries - country_tp
    )

    entities = _Entities(gold_orgs)

    # People.
    gold_people: dict[str, Mapping[str, Any]] = {}
    for person in _items(gold, "persons"):
        key = person_key(_str(person.get("text")))
        if key:
            gold_people.setdefault(key, person)
    pred_people: dict[str, list[Mapping[str, Any]]] = {}
    for person in _items(predicted, "persons"):
        key = person_key(_str(person.get("text")))
        if key:
            pred_people.setdefault(key, []).append(person)
    out["persons"] = _set_counts(set(gold_people), set(pred_people))

    gold_roles = {k: _str(p.get("role")) for k, p in gold_people.items() if _str(p.get("role"))}
    pred_roles = {
        k: [_str(p.get("role")) for p in ps if _str(p.get("role"))] for k, ps in pred_people.items()
    }
    pred_roles = {k: v for k, v in pred_roles.items() if v}
    role_tp = sum(
        1
        for k, role in gold_roles.items()
        if any(roles_agree(role, r) for r in pred_roles.get(k, []))
    )
    out["person_roles"] = Counts(role_tp, len(pred_roles) - role_tp, len(gold_roles) - role_tp)

    gold_affil = {
        k: entities.resolve([_str(p.get("org"))])
        for k, p in gold_people.items()
        if _str(p.get("org"))
    }
    pred_affil: dict[str, set[str]] = {}
    for k, ps in pred_people.items():
        for p in ps:
            entity = _predicted_end(_str(p.get("org")), pred_orgs, entities)
            if _str(p.get("org")) and entity:
                pred_affil.setdefault(k, set()).add(entity)
    affil_tp = sum(1 for k, entity in gold_affil.items() if entity in pred_affil.get(k, set()))
    out["person_orgs"] = Counts(affil_tp, len(pred_affil) - affil_tp, len(gold_affil) - affil_tp)

    # Places.
    out["places"] = _set_counts(
        {k for k in (place_key(_str(p.get("text"))) for p in _items(gold, "places")) if k},
        {k for k in (place_key(_str(p.get("text"))) for p in _items(predicted, "places")) if k},
    )

    # Relations.
    gold_rels: set[_Relation] = set()
    for rel in _items(gold, "relations"):
        a, b = entities.gold_end(_str(rel.get("a"))), entities.gold_end(_str(rel.get("b")))
        rtype = _str(rel.get("type"))
        directed = rtype in DIRECTED_TYPES and rel.get("direction_known", True) is not False
        gold_rels.add(_Relation(frozenset((a, b)), rtype, (a, b) if directed else None))
    pred_rels: set[_Relation] = set()
    for rel in _items(predicted, "relations"):
        a = _predicted_end(_str(rel.get("a")), pred_orgs, entities) or ""
        b = _predicted_end(_str(rel.get("b")), pred_orgs, entities) or ""
        rtype = _str(rel.get("type")).strip().lower()
        order = (a, b) if rtype in DIRECTED_TYPES else None
        pred_rels.add(_Relation(frozenset((a, b)), rtype, order))

    out["relations_untyped"] = _set_counts({r.pair for r in gold_rels}, {r.pair for r in pred_rels})

    unmatched_gold = set(gold_rels)
    unmatched_pred = set(pred_rels)
    # First exact matches (same order, or both unordered), then unknown-direction gold relations.
    for exact in (True, False):
        for pred in sorted(unmatched_pred, key=repr):
            for candidate in sorted(unmatched_gold, key=repr):
                if candidate.pair != pred.pair or candidate.type != pred.type:
                    continue
                if candidate.order == pred.order or (not exact and candidate.order is None):
                    unmatched_gold.discard(candidate)
                    unmatched_pred.discard(pred)
                    by_type.setdefault(pred.type, Counts()).tp += 1
                    break
    for rel in unmatched_gold:
        by_type.setdefault(rel.type, Counts()).fn += 1
    for rel in unmatched_pred:
        by_type.setdefault(rel.type, Counts()).fp += 1
    typed_tp = len(gold_rels) - len(unmatched_gold)
    out["relations_typed"] = Counts(typed_tp, len(unmatched_pred), len(unmatched_gold))
    return out, by_type


def score(gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]) -> Report:
    """Score `predicted` (extraction output, one dict per passage) against `gold` passages."""
    by_id: dict[str, Mapping[str, Any]] = {}
    for record in predicted:
        pid = str(record.get("id"))
        if pid in by_id:
            raise ValueError(f"duplicate predicted id {pid!r}")
        by_id[pid] = record
    gold_ids = [str(record.get("id")) for record in gold]
    if len(set(gold_ids)) != len(gold_ids):
        raise ValueError("duplicate gold ids")

    report = Report()
    for record in gold:
        pid = str(record.get("id"))
        language = str(record.get("language") or "unknown")
        prediction = by_id.get(pid)
        if prediction is None:
            report.missing.append(pid)
            prediction = {"id": pid}
        counts, by_type = _score_passage(record, prediction)
        report.passages += 1
        report.passages_by_language[language] = report.passages_by_language.get(language, 0) + 1
        per_language = report.by_language.setdefault(language, _empty_metrics())
        for name, c in counts.items():
            report.metrics[name].add(c)
            per_language[name].add(c)
        for rtype, c in by_type.items():
            report.by_relation_type.setdefault(rtype, Counts()).add(c)
    report.unexpected = sorted(set(by_id) - set(gold_ids))
    known = [t for t in RELATION_TYPES if t in report.by_relation_type]
    others = sorted(t for t in report.by_relation_type if t not in RELATION_TYPES)
    report.by_relation_type = {t: report.by_relation_type[t] for t in known + others}
    order = [lang for lang in LANGUAGES if lang in report.by_language]
    order += sorted(lang for lang in report.by_language if lang not in LANGUAGES)
    report.by_language = {lang: report.by_language[lang] for lang in order}
    report.passages_by_language = {lang: report.passages_by_language[lang] for lang in order}
    return report


# ---------------------------------------------------------------------------------------------
# Output


def _row(label: str, c: Counts, width: int) -> str:
    return (
        f"{label:<{width}} {c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}"
        f" {c.tp:>5} {c.fp:>5} {c.fn:>5}"
    )


def format_table(report: Report) -> str:
    """A plain-text table of the report for the terminal."""
    width = max(len(m) for m in (*METRICS, *RELATION_TYPES)) + 2
    header = f"{'':<{width}} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    languages = ", ".join(f"{lang} {n}" for lang, n in report.passages_by_language.items())
    lines = [f"{report.passages} passages ({languages}), micro-averaged", "", header]
    lines += [_row(name, report.metrics[name], width) for name in METRICS]
    for lang, metrics in report.by_language.items():
        n = report.passages_by_language.get(lang, 0)
        lines += ["", f"language {lang} ({n} passages)", header]
        lines += [_row(name, metrics[name], width) for name in METRICS]
    if report.by_relation_type:
        lines += ["", "relations_typed by type", header]
        lines += [_row(t, c, width) for t, c in report.by_relation_type.items()]
    if report.missing:
        lines += [
            "",
            f"{len(report.missing)} passages without prediction: " + ", ".join(report.missing),
        ]
    if report.unexpected:
        lines += [
            "",
            f"{len(report.unexpected)} predicted ids not in the gold set (not scored): "
            + ", ".join(report.unexpected),
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m nlp.evaluate GOLD PREDICTIONS [--json]`: score a predictions JSONL file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("gold", type=Path)
    parser.add_argument("predictions", type=Path)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = score(load_gold(args.gold), load_predictions(args.predictions))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
