"""Entity resolution: one organisation, one node, whatever the sources call it.

Rules, in order, each refusing a candidate whose registry identifiers conflict (the same scheme
with another value: two records with different CVR numbers are two organisations, whatever
their names):

0. a merge decided earlier (and not undone) is decided again the same way;
1. a shared identifier (ror, lei, cvr, se_orgnr, pic, wikidata, grid, isni, fundref…);
2. the same normalised name and country (case, diacritics and their ASCII spellings,
   punctuation and legal forms ignored), or the same normalised name when the record has no
   country and exactly one organisation carries that name;
3. a fuzzy match (rapidfuzz) inside blocks of the same country sharing a rare name token,
   at or above a threshold; the score is kept.

Every merge is returned as a `Merge` (rule, score, sources, the record as it came) so that it
can be listed and undone; an undone merge is never made again.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz

from graph.codec import node_to_props
from graph.merge import is_placeholder_name
from graph.model import Merge, Organisation
from graph.normalize import normalise_name
from graph.store import GraphFilter, GraphStore

DEFAULT_FUZZY_THRESHOLD = 92.0
_WORD_SIMILARITY = 80.0
_MAX_BLOCK = 500
# Words too common in organisation names to say that two names are alike.
_WEAK_TOKENS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "in",
        "at",
        "de",
        "la",
        "le",
        "i",
        "og",
        "och",
        "und",
        "university",
        "universitet",
        "universitetet",
        "hospital",
        "hospitalet",
        "sjukhus",
        "sjukhuset",
        "institute",
        "institut",
        "institutet",
        "center",
        "centre",
        "centret",
        "foundation",
        "fonden",
        "fond",
        "stiftelsen",
        "region",
        "kommun",
        "kommune",
        "company",
        "group",
        "holding",
        "pharma",
        "pharmaceuticals",
        "medical",
        "research",
        "science",
        "sciences",
        "technology",
    ]
)


class Resolver:
    """Matches incoming organisations against the ones known so far, and learns as it goes."""

    def __init__(
        self,
        organisations: Iterable[Organisation] = (),
        *,
        merges: Iterable[Merge] = (),
        threshold: float = DEFAULT_FUZZY_THRESHOLD,
    ) -> None:
        self.threshold = threshold
        self._identifiers: dict[tuple[str, str], str] = {}
        self._by_name_country: dict[tuple[str, str | None], str] = {}
        self._by_name: dict[str, set[str]] = defaultdict(set)
        self._blocks: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._token_counts: Counter[str] = Counter()
        self._known: dict[str, Organisation] = {}
        self._keys: dict[str, list[str]] = {}
        self._decided: dict[str, str] = {}
        self._refused: set[tuple[str, str]] = set()
        for merge in merges:
            if merge.undone:
                self._refused.add((merge.merged_id, merge.canonical_id))
            else:
                self._decided[merge.merged_id] = merge.canonical_id
        for org in organisations:
            self._learn(org)

    @classmethod
    def from_store(cls, store: GraphStore, **options: float) -> Resolver:
        orgs = store.projection(GraphFilter.of(labels=["Organisation"])).nodes.values()
        return cls(
            (o for o in orgs if isinstance(o, Organisation)), merges=store.merges(), **options
        )

    def canonical_id(self, node_id: str) -> str:
        """The node an id stands for now (itself unless its record was merged elsewhere)."""
        return self._decided.get(node_id, node_id)

    def resolve(self, org: Organisation) -> tuple[Organisation, Merge | None]:
        """The organisation under its canonical id, and the merge if one was made now."""
        if org.id in self._known:
            self._learn(org)
            return org, None
        found = self._match(org)
        if found is None:
            self._learn(org)
            return org, None
        canonical_id, rule, score = found
        merge = Merge(
            canonical_id=canonical_id,
            merged_id=org.id,
            merged_name=org.name,
            rule=rule,
            score=round(score, 4),
            sources=org.sources,
            snapshot=node_to_props(org),
        )
        self._decided[org.id] = canonical_id
        resolved = dataclasses.replace(org, id=canonical_id)
        self._learn(resolved)
        return resolved, merge

    # -- matching ----------------------------------------------------------------------

    def _match(self, org: Organisation) -> tuple[str, str, float] | None:
        decided = self._decided.get(org.id)
        if decided and decided in self._known:
            return decided, "decided", 1.0
        for scheme, value in org.identifiers.items():
            candidate = self._identifiers.get((scheme, value))
            if candidate and self._compatible(org, candidate):
                return candidate, f"identifier:{scheme}", 1.0
        keys = [] if is_placeholder_name(org.name) else _name_keys(org)
        for key in keys:
            candidate = self._by_name_country.get((key, org.country)) if org.country else None
            if candidate and self._compatible(org, candidate):
                return candidate, "name_country", 1.0
        if org.country is None:
            for key in keys:
                candidates = self._by_name.get(key, set())
                if len(candidates) == 1:
                    (candidate,) = candidates
                    if self._compatible(org, candidate):
                        return candidate, "name_only", 1.0
        return self._fuzzy(org, keys)

    def _fuzzy(self, org: Organisation, keys: list[str]) -> tuple[str, str, float] | None:
        if not org.country or not keys or is_placeholder_name(org.name):
            return None
        best: tuple[float, str] | None = None
        for candidate in self._block_candidates(org.country, keys[0]):
            score = max(
                (
                    fuzz.token_sort_ratio(key, other)
                    for key in keys
                    for other in self._keys[candidate]
                    if _tokens_correspond(key, other)
                ),
                default=0.0,
            )
            better = score >= self.threshold and (best is None or score > best[0])
            if better and self._compatible(org, candidate):
                best = (score, candidate)
        return (best[1], "fuzzy", best[0] / 100.0) if best else None

    def _block_candidates(self, country: str, key: str) -> set[str]:
        # The two rarest words; a word in very many names ("pic", "kommune") blocks nothing.
        tokens = sorted(_strong_tokens(key), key=lambda t: (self._token_counts[t], t))[:2]
        found: set[str] = set()
        for token in tokens:
            block = self._blocks.get((country, token), set())
            if len(block) <= _MAX_BLOCK:
                found |= block
        return found

    def _compatible(self, org: Organisation, candidate_id: str) -> bool:
        if (org.id, candidate_id) in self._refused:
            return False
        known = self._known.get(candidate_id)
        if known is None:
            return False
        return not any(
            scheme in known.identifiers and known.identifiers[scheme] != value
            for scheme, value in org.identifiers.items()
        )

    # -- learning ----------------------------------------------------------------------

    def _learn(self, org: Organisation) -> None:
        previous = self._known.get(org.id)
        if previous is not None:
            org = _union(previous, org)
        self._known[org.id] = org
        for scheme, value in org.identifiers.items():
            self._identifiers.setdefault((scheme, value), org.id)
        keys = [] if is_placeholder_name(org.name) else _name_keys(org)
        self._keys[org.id] = keys
        for key in keys:
            self._by_name[key].add(org.id)
            if org.country:
                self._by_name_country.setdefault((key, org.country), org.id)
                for token in _strong_tokens(key):
                    if org.id not in self._blocks[(org.country, token)]:
                        self._blocks[(org.country, token)].add(org.id)
                        self._token_counts[token] += 1


def _name_keys(org: Organisation) -> list[str]:
    keys = dict.fromkeys(normalise_name(n) for n in (org.name, *org.aliases))
    # Acronyms ("KU", "LU", "SUS") are too ambiguous to identify anything on their own.
    return [k for k in keys if len(k) > 3]


def _tokens_correspond(a: str, b: str) -> bool:
    """Every distinctive word of each name has a near-identical word in the other.

    A high overall ratio is not enough: "ALMI Invest Norra Mellansverige" and "ALMI Invest
    Östra Mellansverige" score 93 but differ in the one word that tells them apart. Typos and
    inflections ("Universitys", "Göteborgs") still pass.
    """
    return all(
        any(fuzz.ratio(word, other) >= _WORD_SIMILARITY for other in theirs.split())
        for mine, theirs in ((a, b), (b, a))
        for word in _strong_tokens(mine)
    )


def _strong_tokens(key: str) -> set[str]:
    return {t for t in key.split() if len(t) > 2 and t not in _WEAK_TOKENS}


def _union(a: Organisation, b: Organisation) -> Organisation:
    return dataclasses.replace(
        a,
        aliases=a.aliases + tuple(x for x in (b.name, *b.aliases) if x not in a.aliases),
        identifiers={**b.identifiers, **a.identifiers},
        country=a.country or b.country,
    )
