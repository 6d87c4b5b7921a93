"""The topic vocabulary of the cluster and the tagger that finds its terms in text.

`nlp/data/topics.csv` names the therapy and technology areas that matter to Medicon Valley
(oncology, diabetes and metabolism, hearing, large-scale facilities such as MAX IV and ESS…)
with their terms in English, Swedish and Danish; `nlp/data/TOPICS.md` explains the file and the
term markers (`=` case-sensitive, `*` wildcard, `!` exclusion). This module reads and validates
it (`Vocabulary`), matches it in spaCy docs (the `mvkg_topics` pipeline component, which sets
`doc._.topics`), tags plain registry strings (`tag_topics`) and makes graph nodes of its topics
(`topic_node`).

Nothing is read or built at import time: the vocabulary is loaded on first use and each
tokenizer's matcher is built when a pipeline first needs it. Importing the module registers the
spaCy factory, which is what lets `nlp.add_pipe("mvkg_topics")` find it.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from graph.errors import GraphError
from graph.model import Topic, topic_id

SCHEME = "mvkg-topics"
COMPONENT = "mvkg_topics"
LANGUAGES: tuple[str, ...] = ("en", "sv", "da")
COLUMNS: tuple[str, ...] = ("slug", "name", "parent", *LANGUAGES)

_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_MAX_SLUG = 48
_MAX_NAME = 100
# A wildcard is one word of letters: "kræft*", "*cancer*". Four letters at least, because a
# shorter stem begins or ends too many unrelated words.
_WILDCARD_CORE = re.compile(r"^[^\W\d_]{4,}$")
_MIN_WILDCARD = 4
# Where a token is cut before matching (see `_refine`): hyphens, slashes, apostrophes and colons
# between word characters, and a trailing apostrophe. Swedish and Danish tokenizers keep
# "IVF-behandling", "GLP-1-analoger", "ESS:s" and "AI's" whole; cutting them the same way in
# terms and in text lets "=IVF", "=GLP-1", "=ESS" match the compounds and genitives.
_CUT = re.compile(r"(?<=\w)([-\u2010\u2011\u2013/:'\u2019](?=\w)|['\u2019]$)")


class VocabularyError(GraphError, ValueError):
    """The topic vocabulary (topics.csv) is malformed; the message names the lines to fix."""


# ---------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a term cell, with its markers parsed.

    `text` is what is matched: lower case, except for case-sensitive terms which keep their case.
    `prefix` ("word*") also matches words that begin with `text`, `suffix` ("*word") words that
    end with it, both ("*word*") words that contain it. An `exclude` term ("!phrase") matches
    nothing by itself: a hit of the same topic that lies inside it is dropped.
    """

    text: str
    language: str
    case_sensitive: bool = False
    exclude: bool = False
    prefix: bool = False
    suffix: bool = False

    @property
    def wildcard(self) -> bool:
        return self.prefix or self.suffix

    @property
    def written(self) -> str:
        """The term as it is written in topics.csv."""
        return (
            ("!" if self.exclude else "")
            + ("=" if self.case_sensitive else "")
            + ("*" if self.suffix else "")
            + self.text
            + ("*" if self.prefix else "")
        )

    @classmethod
    def parse(cls, raw: str, language: str) -> Term:
        """Read one written term; ValueError says what is wrong with it."""
        body = raw
        exclude = body.startswith("!")
        body = body.removeprefix("!")
        case_sensitive = body.startswith("=")
        body = body.removeprefix("=")
        suffix = body.startswith("*")
        prefix = body.endswith("*") and len(body) > 1
        core = body.strip("*")
        if not core:
            raise ValueError(f"{raw!r} is an empty term")
        if core[0] in "!=" or "*" in core:
            raise ValueError(
                f"{raw!r}: markers go before the term in the order ! = * and '*' only at the "
                "start or end of a one-word term"
            )
        if core != core.strip() or "  " in core:
            raise ValueError(f"{raw!r} has stray spaces; separate words by one space")
        if not any(ch.isalnum() for ch in core):
            raise ValueError(f"{raw!r} has no letter or digit")
        if suffix or prefix:
            if case_sensitive:
                raise ValueError(f"{raw!r}: a wildcard term cannot also be case-sensitive")
            if not _WILDCARD_CORE.match(core):
                raise ValueError(
                    f"{raw!r}: a wildcard term is one word of at least {_MIN_WILDCARD} letters "
                    "(no spaces, digits or hyphens)"
                )
        if case_sensitive:
            if core == core.lower():
                raise ValueError(
                    f"{raw!r} has no upper-case letter, so '=' changes nothing; write it without"
                )
        elif core != core.lower():
            raise ValueError(
                f"{raw!r}: terms are written in lower case; mark an acronym that must match "
                "its case with a leading '=' (e.g. =ESS)"
            )
        return cls(core, language, case_sensitive, exclude, prefix, suffix)


@dataclass(frozen=True, slots=True)
class TopicEntry:
    """One row of topics.csv: a topic, its display name, its parent and its terms."""

    slug: str
    name: str
    parent: str | None
    terms: tuple[Term, ...]

    def terms_in(self, languages: Iterable[str]) -> tuple[Term, ...]:
        wanted = set(languages)
        return tuple(t for t in self.terms if t.language in wanted)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The topics, validated as a whole: unique slugs, known parents without cycles, and each
    term in one topic only (the parent column, not a shared term, says that topics are related).

    Compared and hashed by identity, so that it can key the per-language pipeline cache cheaply.
    """

    topics: tuple[TopicEntry, ...]
    source: str = "<memory>"
    _by_slug: dict[str, TopicEntry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_slug: dict[str, TopicEntry] = {}
        problems: list[str] = []
        for entry in self.topics:
            if entry.slug in by_slug:
                problems.append(f"topic {entry.slug!r} is defined twice")
            by_slug.setdefault(entry.slug, entry)
        for entry in self.topics:
            if entry.parent is not None and entry.parent not in by_slug:
                problems.append(f"topic {entry.slug!r} has unknown parent {entry.parent!r}")
        for entry in by_slug.values():
            seen = [entry.slug]
            parent = entry.parent
            while parent is not None and parent in by_slug:
                if parent in seen:
                    problems.append(
                        f"topic {entry.slug!r} is its own ancestor ({' > '.join(seen)})"
                    )
                    break
                seen.append(parent)
                parent = by_slug[parent].parent
        owner: dict[tuple[str, bool, bool, bool], str] = {}
        for entry in self.topics:
            if not any(t.language == "en" and not t.exclude for t in entry.terms):
                problems.append(
                    f"topic {entry.slug!r} has no English term; English terms are matched in "
                    "every language, so each topic needs at least one"
                )
            for term in entry.terms:
                if term.exclude:
                    continue
                key = (term.text, term.case_sensitive, term.prefix, term.suffix)
                first = owner.setdefault(key, entry.slug)
                if first != entry.slug:
                    problems.append(
                        f"term {term.written!r} is in both {first!r} and {entry.slug!r}; a term "
                        "belongs to one topic (use the parent column to relate topics)"
                    )
        if problems:
            raise VocabularyError(_report(self.source, problems))
        object.__setattr__(self, "_by_slug", by_slug)

    # -- reading

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Vocabulary:
        """Read topics.csv: the packaged one by default, or the file at `path`."""
        if path is None:
            return cls.parse(_packaged_csv().read_text(encoding="utf-8-sig"), "nlp/data/topics.csv")
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise VocabularyError(f"topic vocabulary not found: {file}") from None
        return cls.parse(text, str(file))

    @classmethod
    def parse(cls, text: str, source: str = "<string>") -> Vocabulary:
        """Read topics.csv content; every problem found is reported at once, by line."""
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise VocabularyError(
                f"{source}: the header must be {','.join(COLUMNS)}, got "
                f"{','.join(header) if header else 'an empty file'}"
            )
        entries: list[TopicEntry] = []
        problems: list[str] = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                problems.append(
                    f"line {line}: {len(row)} fields, expected {len(COLUMNS)} (terms are "
                    "separated by '|', never by ',')"
                )
                continue
            entry = _parse_row(row, line, problems)
            if entry is not None:
                entries.append(entry)
        if problems:
            raise VocabularyError(_report(source, problems))
        if not entries:
            raise VocabularyError(f"{source}: no topics")
        return cls(tuple(entries), source)

    # -- looking up

    def __getitem__(self, slug: str) -> TopicEntry:
        try:
            return self._by_slug[slug]
        except KeyError:
            raise KeyError(
                f"unknown topic {slug!r}; the vocabulary ({self.source}) has: "
                + ", ".join(sorted(self._by_slug))
            ) from None

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    def __iter__(self) -> Iterator[TopicEntry]:
        return iter(self.topics)

    def __len__(self) -> int:
        return len(self.topics)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(entry.slug for entry in self.topics)

    def ancestors(self, slug: str) -> tuple[str, ...]:
        """The parent, its parent and so on (cycles were refused when the vocabulary was made)."""
        chain: list[str] = []
        parent = self[slug].parent
        while parent is not None:
            chain.append(parent)
            parent = self._by_slug[parent].parent
        return tuple(chain)

    def term_counts(self) -> dict[str, int]:
        """Matching terms (exclusions not counted) per language column."""
        counts = dict.fromkeys(LANGUAGES, 0)
        for entry in self.topics:
            for term in entry.terms:
                if not term.exclude:
                    counts[term.language] += 1
        return counts


def _packaged_csv() -> Traversable:
    # importlib.resources, so that an installed wheel (or a zip) finds its data too.
    resource = files("nlp") / "data" / "topics.csv"
    if resource.is_file():
        return resource
    # "nlp" resolved to a namespace package: a folder named nlp/ without __init__.py came first
    # on sys.path (tests/nlp does under the bare `pytest` script, which puts tests/ on the path
    # but not the repository root). This module's own folder is the package's either way.
    return Path(__file__).resolve().parent / "data" / "topics.csv"


def _parse_row(row: list[str], line: int, problems: list[str]) -> TopicEntry | None:
    cells = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
    before = len(problems)
    slug, name, parent = cells["slug"], cells["name"], cells["parent"]
    if not _SLUG.match(slug) or len(slug) > _MAX_SLUG:
        problems.append(
            f"line {line}: slug {slug!r} must be lower-case words of letters and digits joined "
            f"by '_' (at most {_MAX_SLUG} characters), e.g. diabetes_metabolism"
        )
    if not name or len(name) > _MAX_NAME:
        problems.append(f"line {line}: topic {slug!r} needs a name of 1 to {_MAX_NAME} characters")
    if parent == slug:
        problems.append(f"line {line}: topic {slug!r} cannot be its own parent")
    terms: list[Term] = []
    for language in LANGUAGES:
        cell = cells[language]
        if not cell:
            continue
        seen: set[str] = set()
        for raw in cell.split("|"):
            raw = raw.strip()
            if not raw:
                problems.append(
                    f"line {line}: {language} column of {slug!r} has an empty term "
                    "('||' or a '|' at either end)"
                )
                continue
            try:
                term = Term.parse(raw, language)
            except ValueError as exc:
                problems.append(f"line {line}: {language} column of {slug!r}: {exc}")
                continue
            if term.written in seen:
                problems.append(f"line {line}: {language} column of {slug!r} lists {raw!r} twice")
                continue
            seen.add(term.written)
            terms.append(term)
    if len(problems) > before:
        return None
    return TopicEntry(slug=slug, name=name, parent=parent or None, terms=tuple(terms))


def _report(source: str, problems: Sequence[str]) -> str:
    shown = problems[:30]
    more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return (
        f"{source}: {len(problems)} problem(s) in the topic vocabulary:\n  "
        + "\n  ".join(shown)
        + more
    )


@functools.cache
def default_vocabulary() -> Vocabulary:
    """The packaged vocabulary, read once per process."""
    return Vocabulary.load()


def _vocabulary_at(path: str | os.PathLike[str] | None) -> Vocabulary:
    return default_vocabulary() if path is None else Vocabulary.load(path)


def topic_node(slug: str, vocabulary: Vocabulary | None = None) -> Topic:
    """The graph node of a vocabulary topic.

    Its id comes from the slug, not the display name ("topic:diabetes-metabolism"), so that
    renaming a topic in topics.csv does not orphan the relations already stored.
    """
    entry = (vocabulary or default_vocabulary())[slug]
    return Topic(name=entry.name, scheme=SCHEME, id=topic_id(slug))


# ---------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class TopicHit:
    """One topic found in a text: its first match (text and character offsets) and how often
    its terms matched."""

    slug: str
    text: str
    start: int
    end: int
    count: int


# One match, for `doc._.topics`: (slug, start_char, end_char, matched text).
TopicSpan = tuple[str, int, int, str]


def _register_extension() -> None:
    # Lazily, when a tagger is made, so that importing this module changes nothing global
    # except the factory registry; force=True makes a second registration harmless.
    Doc.set_extension("topics", default=None, force=True)


def _term_languages(lang: str, languages: Sequence[str] | None) -> tuple[str, ...]:
    """Which term columns a pipeline of language `lang` matches.

    English terms everywhere (Nordic news writes "GLP-1", "biosolutions", "medtech"); Swedish
    and Danish terms only in their own language, because some are English words or acronyms
    with another meaning there ("KOL" is COPD in Swedish and Danish, a key opinion leader in
    English pharma news). A pipeline of any other language (or "xx") matches all columns.
    """
    if languages is not None:
        unknown = [lang for lang in languages if lang not in LANGUAGES]
        if unknown or not languages:
            raise ValueError(
                f"languages must be a non-empty list of {', '.join(LANGUAGES)}, got {languages!r}"
            )
        return tuple(dict.fromkeys(languages))
    if lang == "en":
        return ("en",)
    if lang in ("sv", "da"):
        return ("en", lang)
    return LANGUAGES


def _refine(doc: Doc) -> Doc:
    """`doc`, with tokens cut at inner hyphens, slashes, apostrophes and colons (see `_CUT`).

    Text and patterns are cut alike, so matching stays consistent with whatever the tokenizer
    did; the new doc has the same text, so character offsets carry over unchanged.
    """
    if not _CUT.search(doc.text):
        return doc
    words: list[str] = []
    spaces: list[bool] = []
    for token in doc:
        parts = [part for part in _CUT.split(token.text) if part]
        words.extend(parts)
        spaces.extend([False] * (len(parts) - 1))
        spaces.append(bool(token.whitespace_))
    return Doc(doc.vocab, words=words, spaces=spaces)


class TopicTagger:
    """Finds vocabulary terms in a doc and sets `doc._.topics` to a list of
    (slug, start_char, end_char, matched text), in text order.

    Phrase terms are matched with a PhraseMatcher on LOWER, case-sensitive ones (`=ESS`) on ORTH,
    both over the doc's own tokens (cut as `_refine` says); wildcard terms are compared with each
    lower-cased token. Within one topic a match inside a longer match is dropped ("type 2
    diabetes" counts once, not also as "diabetes") and so is a match inside one of the topic's
    exclusions ("tumour" in "tumour necrosis factor" is not oncology). Matches of different topics
    may overlap: "atopic dermatitis" is dermatology, its "dermatitis" too, and "antibody-drug
    conjugate" is oncology while its "antibody" is antibodies_biologics.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = COMPONENT,
        *,
        vocabulary_path: str | os.PathLike[str] | None = None,
        languages: Sequence[str] | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        _register_extension()
        self.name = name
        self.vocabulary = vocabulary if vocabulary is not None else _vocabulary_at(vocabulary_path)
        self.languages = _term_languages(nlp.lang, languages)
        self._tokenizer = nlp.tokenizer
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._keys: dict[int, tuple[str, bool]] = {}
        # Wildcards by kind; few enough that a linear scan per candidate token is cheapest.
        self._prefixes: list[tuple[str, str, bool]] = []
        self._suffixes: list[tuple[str, str, bool]] = []
        self._infixes: list[tuple[str, str, bool]] = []
        self._build(nlp)

    def _build(self, nlp: Language) -> None:
        lower: dict[str, list[str]] = {}
        orth: dict[str, list[str]] = {}
        for entry in self.vocabulary:
            for term in entry.terms_in(self.languages):
                key = ("!" if term.exclude else "") + entry.slug
                self._keys[nlp.vocab.strings.add(key)] = (entry.slug, term.exclude)
                item = (term.text, entry.slug, term.exclude)
                if term.prefix and term.suffix:
                    self._infixes.append(item)
                elif term.prefix:
                    self._prefixes.append(item)
                elif term.suffix:
                    self._suffixes.append(item)
                else:
                    target = orth if term.case_sensitive else lower
                    target.setdefault(key, []).append(term.text)
        for matcher, patterns in ((self._lower, lower), (self._orth, orth)):
            for key, texts in patterns.items():
                docs = [_refine(doc) for doc in self._tokenizer.pipe(dict.fromkeys(texts))]
                matcher.add(key, docs)
        self._prefix_heads = tuple(text for text, _, _ in self._prefixes)
        self._suffix_tails = tuple(text for text, _, _ in self._suffixes)
        self._infix_any = (
            re.compile("|".join(re.escape(text) for text, _, _ in self._infixes))
            if self._infixes
            else None
        )

    def make_doc(self, text: str) -> Doc:
        return self._tokenizer(text)

    def __call__(self, doc: Doc) -> Doc:
        doc._.topics = self.find(doc)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def find(self, doc: Doc) -> list[TopicSpan]:
        """The matches in `doc`, without touching `doc._`."""
        work = _refine(doc)
        found: list[tuple[str, bool, int, int]] = []
        for matcher in (self._lower, self._orth):
            for match_id, start, end in matcher(work):
                slug, exclude = self._keys[match_id]
                last = work[end - 1]
                found.append((slug, exclude, work[start].idx, last.idx + len(last.text)))
        if self._prefix_heads or self._suffix_tails or self._infix_any is not None:
            for token in work:
                lower = token.lower_
                if len(lower) < _MIN_WILDCARD:
                    continue
                for slug, exclude in self._wildcards(lower):
                    found.append((slug, exclude, token.idx, token.idx + len(token.text)))
        return _resolve(found, doc.text)

    def _wildcards(self, lower: str) -> Iterator[tuple[str, bool]]:
        # The tuple/regex test is one C call per token; the loops only run on a candidate.
        if self._prefix_heads and lower.startswith(self._prefix_heads):
            for text, slug, exclude in self._prefixes:
                if lower.startswith(text):
                    yield slug, exclude
        if self._suffix_tails and lower.endswith(self._suffix_tails):
            for text, slug, exclude in self._suffixes:
                if lower.endswith(text):
                    yield slug, exclude
        if self._infix_any is not None and self._infix_any.search(lower):
            for text, slug, exclude in self._infixes:
                if text in lower:
                    yield slug, exclude


def _resolve(found: list[tuple[str, bool, int, int]], text: str) -> list[TopicSpan]:
    excluded: dict[str, list[tuple[int, int]]] = {}
    positive: set[tuple[str, int, int]] = set()
    for slug, exclude, start, end in found:
        if exclude:
            excluded.setdefault(slug, []).append((start, end))
        else:
            positive.add((slug, start, end))
    kept: list[tuple[str, int, int]] = []
    reach: dict[str, int] = {}  # per topic, the furthest end of a kept match
    # By topic, then start, longest first: a match ending before `reach` lies inside a kept one.
    for slug, start, end in sorted(positive, key=lambda m: (m[0], m[1], -m[2])):
        if any(s <= start and end <= e for s, e in excluded.get(slug, ())):
            continue
        if end <= reach.get(slug, -1):
            continue
        reach[slug] = end
        kept.append((slug, start, end))
    kept.sort(key=lambda m: (m[1], m[2], m[0]))
    return [(slug, start, end, text[start:end]) for slug, start, end in kept]


@Language.factory(
    COMPONENT,
    default_config={"vocabulary_path": None, "languages": None},
)
def make_topic_tagger(
    nlp: Language,
    name: str,
    vocabulary_path: str | None,
    languages: list[str] | None,
) -> TopicTagger:
    """`nlp.add_pipe("mvkg_topics")`; config `vocabulary_path` (default: the packaged
    topics.csv) and `languages` (term columns; default: from the pipeline's language)."""
    return TopicTagger(nlp, name, vocabulary_path=vocabulary_path, languages=languages)


# ---------------------------------------------------------------------------- plain strings


def tag_topics(
    text: str, *, language: str | None = None, vocabulary: Vocabulary | None = None
) -> list[TopicHit]:
    """The topics of a short text (a trial condition, a project title, a sentence), in order of
    first appearance, each once with its first matched text and how many matches it had.

    `language` ("en", "sv", "da", "en-GB"…) picks the tokenizer and the term columns; None or a
    language spaCy lacks uses the multi-language tokenizer and every column.
    """
    if not isinstance(text, str):
        raise TypeError(f"tag_topics needs a str, got {type(text).__name__}")
    if not text.strip():
        return []
    tagger = _tagger(_language_code(language), vocabulary or default_vocabulary())
    hits: dict[str, TopicHit] = {}
    for slug, start, end, matched in tagger.find(tagger.make_doc(text)):
        first = hits.get(slug)
        hits[slug] = (
            TopicHit(slug, matched, start, end, 1)
            if first is None
            else TopicHit(slug, first.text, first.start, first.end, first.count + 1)
        )
    return list(hits.values())


_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}$")


def _language_code(language: str | None) -> str:
    if not language:
        return "xx"
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code if _LANGUAGE_TAG.match(code) and _spacy_has(code) else "xx"


@functools.lru_cache(maxsize=64)
def _spacy_has(code: str) -> bool:
    try:
        spacy.util.get_lang_class(code)
    except ImportError:
        return False
    return True


# Bounded, because a caller's own vocabularies are held by the cache; a blank pipeline is only a
# tokenizer, so rebuilding one that fell out costs milliseconds.
@functools.lru_cache(maxsize=16)
def _tagger(language: str, vocabulary: Vocabulary) -> TopicTagger:
    return TopicTagger(spacy.blank(language), vocabulary=vocabulary)
