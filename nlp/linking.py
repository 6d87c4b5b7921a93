"""Organisation mentions -> organisations of the graph.

The order follows entity resolution (`graph.resolve`), adapted to a mention that has no
identifiers and at most a country the text gives:

1. exact: the mention as written is a name or alias of the organisation;
2. normalised name (case, diacritics and their ASCII spellings, punctuation and legal form
   ignored) in the mention's country, or the only organisation with that key when the country
   is unknown;
3. fuzzy: rapidfuzz token_sort_ratio >= 90 on normalised names, within the mention's country
   (any country when unknown), every distinctive word of each name matching one of the other's;
4. otherwise None: the caller creates a new organisation.

Ties go to the candidate in the mention's country, then to one in Denmark or Sweden (the
cluster), then to one already linked earlier in the same text; a tie that stays a tie is no
link (two organisations with the same short name are not guessed between). Acronyms link only
by rule 1: "LU" could be many things in a fuzzy world.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from rapidfuzz import fuzz, process

from graph.normalize import normalise_name
from nlp.gazetteer import Gazetteer, OrgEntry

DEFAULT_THRESHOLD = 90.0
CLUSTER_COUNTRIES = ("DK", "SE")
_WORD_SIMILARITY = 80.0
_MIN_KEY = 4
_CACHE_SIZE = 100_000
_WEAK = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "in",
        "at",
        "i",
        "og",
        "och",
        "university",
        "universitet",
        "hospital",
        "institute",
        "institut",
        "foundation",
        "fonden",
        "center",
        "centre",
        "company",
        "group",
        "holding",
        "pharma",
        "research",
    ]
)


class Linker:
    """Finds the graph organisation a mention names, by the rules of the module docstring."""

    def __init__(self, gazetteer: Gazetteer, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.gazetteer = gazetteer
        self.threshold = threshold
        self._exact: dict[str, list[str]] = defaultdict(list)
        self._by_key: dict[str, list[str]] = defaultdict(list)
        for entry in gazetteer.entries.values():
            for name in entry.names:
                _append(self._exact[name], entry.id)
                key = normalise_name(name)
                if len(key) >= _MIN_KEY:
                    _append(self._by_key[key], entry.id)
        self._keys = list(self._by_key)
        self._cache: dict[tuple[str, str | None], tuple[str, ...]] = {}

    def entry(self, org_id: str) -> OrgEntry | None:
        return self.gazetteer.entries.get(org_id)

    def link(
        self,
        text: str,
        *,
        country: str | None = None,
        candidates: Sequence[str] = (),
        earlier: Collection[str] = (),
    ) -> OrgEntry | None:
        """The organisation `text` names, or None. `candidates` are gazetteer ids of the
        matched surface form; `earlier` are ids linked before in the same text."""
        if not self.gazetteer:
            return None
        name = _bare(text)
        if candidates:
            exact = [i for i in candidates if i in self._exact.get(name, ())]
            chosen = self._choose(exact or list(candidates), country, earlier)
            if chosen is not None:
                return self.entry(chosen)
        key = (name, country)
        ids = self._cache.get(key)
        if ids is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()  # a long run's names: keep memory bounded
            ids = self._cache[key] = self._candidates(name, country)
        found = self._choose(ids, country, earlier)
        return self.entry(found) if found else None

    def _candidates(self, name: str, country: str | None) -> tuple[str, ...]:
        """The ids that rules 1-3 find for `name`, before ties are broken."""
        exact = self._exact.get(name)
        if exact:
            return tuple(exact)
        key = normalise_name(name)
        if len(key) < _MIN_KEY:
            return ()
        same = self._by_key.get(key)
        if same:
            in_country = [i for i in same if country and self._country(i) == country]
            if in_country:
                return tuple(in_country)
            if country is None:
                return tuple(same)
        return self._fuzzy(key, country)

    def _fuzzy(self, key: str, country: str | None) -> tuple[str, ...]:
        matches = process.extract(
            key, self._keys, scorer=fuzz.token_sort_ratio, score_cutoff=self.threshold, limit=10
        )
        best_score = 0.0
        best: list[str] = []
        for other, score, _index in matches:
            if not _tokens_correspond(key, other):
                continue
            ids = [i for i in self._by_key[other] if country is None or self._country(i) == country]
            if not ids:
                continue
            if score > best_score:
                best_score, best = score, list(ids)
            elif score == best_score:
                best.extend(i for i in ids if i not in best)
        return tuple(best)

    def _choose(
        self, ids: Sequence[str], country: str | None, earlier: Collection[str]
    ) -> str | None:
        """One id out of several: same country, then DK/SE, then linked earlier; else None."""
        ids = list(dict.fromkeys(ids))
        if len(ids) <= 1:
            return ids[0] if ids else None
        for narrow in (
            lambda i: country is not None and self._country(i) == country,
            lambda i: self._country(i) in CLUSTER_COUNTRIES,
            lambda i: i in earlier,
        ):
            kept = [i for i in ids if narrow(i)]
            if len(kept) == 1:
                return kept[0]
            if kept:
                ids = kept
        return None

    def _country(self, org_id: str) -> str | None:
        entry = self.gazetteer.entries.get(org_id)
        return entry.country if entry else None


def _bare(text: str) -> str:
    """The mention without a possessive or trailing punctuation ("Genmab's" -> "Genmab")."""
    name = text.strip()
    for suffix in ("'s", "\u2019s", "'"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.rstrip(",;: ")


def _append(bucket: list[str], org_id: str) -> None:
    if org_id not in bucket:
        bucket.append(org_id)


def _tokens_correspond(a: str, b: str) -> bool:
    """Every distinctive word of each name has a near-identical word in the other."""
    return all(
        any(fuzz.ratio(word, other) >= _WORD_SIMILARITY for other in theirs.split())
        for mine, theirs in ((a, b), (b, a))
        for word in mine.split()
        if len(word) > 2 and word not in _WEAK
    )
