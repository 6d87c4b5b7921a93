"""Cross-border opportunities: pairs of organisations, one on each side, that are not linked yet
but look as if they should be, each with the reasons why; and a holdout test of how well the
ranking predicted links that actually formed later.

Score of a pair (a, b) with no link:

    score = adamic_adar + TOPIC_WEIGHT * topic_score
    adamic_adar = sum over shared partners z of 1 / ln(degree(z))
    topic_score = sum over shared topics t of 1 / ln(2 + organisations active in t)

Adamic-Adar counts common partners, each weighted down by how many partners it has: sharing a
small biotech's only two partners says more than sharing a university with 500. The topic term
weights a shared topic down the same way by how many organisations work in it. TOPIC_WEIGHT is
0.5 because a shared partner is observed collaboration while a shared topic is only likeness:
one shared partner with 7 partners (1/ln 7 = 0.51) is worth as much as two shared niche topics of
5 organisations each (2 x 0.5/ln 7), and a topic of 100 organisations adds only 0.11.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from pydantic import BaseModel, Field

from graph.analytics.links import LinkGraph, resolve_sides
from graph.analytics.results import OrgRef, Scope, check_positive
from graph.errors import ValidationError
from graph.model import Organisation

TOPIC_WEIGHT = 0.5
# Candidate generation (see `opportunities`). On a synthetic graph of 98k links, keeping 25
# rather than 50 pairs per organisation halved the candidates with the same holdout hits.
CANDIDATES_PER_ORG = 25
MAX_PARTNER_PAIRS = 100_000
FEW_PARTNERS = 3
TOPIC_CANDIDATES = 10
TOPIC_FANOUT = 50
SHOWN_PARTNERS = 5
SHORTLIST_FACTOR, SHORTLIST_MIN = 5, 500

# ---------------------------------------------------------------------------- results


class Opportunity(BaseModel):
    """An unlinked pair across the two sides, with the score's parts and the reasons."""

    a: OrgRef = Field(description="the organisation on side A")
    b: OrgRef = Field(description="the organisation on side B")
    score: float = Field(examples=[1.62], description="adamic_adar + topic_weight * topic_score")
    adamic_adar: float = Field(
        examples=[1.27], description="sum over shared partners of 1 / ln(partner's degree)"
    )
    topic_score: float = Field(
        examples=[0.7],
        description="sum over shared topics of 1 / ln(2 + organisations active in the topic)",
    )
    shared_partner_count: int = Field(default=0, examples=[3])
    shared_partners: list[OrgRef] = Field(
        default_factory=list,
        description="up to five shared partners, the most telling (fewest partners) first",
    )
    shared_topics: list[str] = Field(
        default_factory=list,
        examples=[["diabetes_metabolism"]],
        description="topic slugs both are active in, rarest first",
    )
    reason: str = Field(
        examples=[
            "Novo Nordisk A/S (DK) and Lund University (SE) are not linked yet, but both work "
            "with Region Skåne and Steno Diabetes Center, and both are active in "
            "diabetes_metabolism."
        ]
    )


class OpportunitiesResult(BaseModel):
    scope: Scope
    sides: list[str] = Field(examples=[["DK", "SE"]])
    topic_weight: float = Field(default=TOPIC_WEIGHT, description="weight of the topic term")
    candidate_pairs: int = Field(default=0, description="unlinked cross pairs that were scored")
    opportunities: list[Opportunity] = Field(default_factory=list)


class PrecisionAtK(BaseModel):
    k: int = Field(examples=[10])
    predicted: int = Field(description="predictions available (at most k)")
    hits: int = Field(description="of the top-k predictions, pairs linked after the split")
    precision: float = Field(description="hits / predicted (0 without predictions)")
    lift: float | None = Field(
        default=None, description="precision / baseline_precision (None when the baseline is 0)"
    )


class OpportunityHit(BaseModel):
    rank: int = Field(examples=[1], description="1-based rank among the predictions")
    a: OrgRef
    b: OrgRef
    first_seen: str | None = Field(default=None, description="when the link first appeared")


class OpportunityEvaluation(BaseModel):
    """Predict from the links before `split_year`, check against the links that came after."""

    scope: Scope
    sides: list[str] = Field(examples=[["DK", "SE"]])
    split_year: int = Field(examples=[2022])
    training_links: int = Field(description="links active before the split year")
    held_out_links: int = Field(description="links first seen in or after the split year")
    new_cross_links: int = Field(description="of those, links between the two sides")
    candidate_pairs: int = Field(description="unlinked cross pairs scored on the training graph")
    unlinked_cross_pairs: int = Field(
        description="all cross pairs without a link in the training graph"
    )
    baseline_precision: float = Field(
        description="new_cross_links / unlinked_cross_pairs: precision of a random guess"
    )
    at_k: list[PrecisionAtK] = Field(default_factory=list)
    hits: list[OpportunityHit] = Field(
        default_factory=list, description="predictions (up to the largest k) that came true"
    )


# ---------------------------------------------------------------------------- measures


def opportunities(
    links: LinkGraph,
    *,
    grouping: str = "country",
    sides: Sequence[str] | None = None,
    limit: int = 50,
    min_score: float = 0.0,
    per_org: int | None = None,
) -> OpportunitiesResult:
    """Unlinked pairs (a on side A, b on side B), best score first; see the module for the score.

    Candidates, so that 100k links stay fast and small:

    - Pairs two steps apart: for each organisation on side A, its partners' side-B partners.
      A partner whose side-A x side-B neighbour pairs exceed MAX_PARTNER_PAIRS (a huge hub) is
      not used to *find* pairs — its weight 1/ln(degree) is tiny — but still counts in the score
      of pairs found otherwise (when a hub was skipped, the best SHORTLIST_FACTOR x limit pairs
      are rescored with it). Each organisation keeps its CANDIDATES_PER_ORG best pairs.
    - Pairs sharing topics, only for organisations with at most FEW_PARTNERS partners (for the
      others, partners already say more): their TOPIC_CANDIDATES best pairs by topic score, where
      each topic offers its TOPIC_FANOUT best-connected organisations of the other side
      (newcomers tend to tie to well-connected organisations).

    `per_org` caps how often one organisation appears, so that a single hub does not fill the
    list; `min_score` drops weaker pairs.
    """
    side_a, side_b = resolve_sides(links, grouping, sides)
    check_positive(limit, "limit")
    if per_org is not None:
        check_positive(per_org, "per_org")
    if not isinstance(min_score, int | float) or min_score < 0:
        raise ValidationError(f"min_score must be a number >= 0, got {min_score!r}")
    scorer = _Scorer.of(links, grouping, side_a, side_b)
    ranked = scorer.ranked()
    if scorer.skipped_partners:
        # Scores found without the skipped hubs are a little low; rescore the best exactly.
        ranked = scorer.rescored(ranked[: max(SHORTLIST_FACTOR * limit, SHORTLIST_MIN)])
    kept = [item for item in ranked if item[0] > 0 and item[0] >= min_score]
    chosen = _cap_per_org(kept, per_org, limit)
    return OpportunitiesResult(
        scope=Scope.of(links, grouping),
        sides=[side_a, side_b],
        candidate_pairs=scorer.candidates,
        opportunities=[scorer.explain(scorer.score(a, b)) for _, a, b in chosen],
    )


def evaluate_opportunities(
    links: LinkGraph,
    *,
    split_year: int | None = None,
    k: Sequence[int] = (10, 50, 100),
    grouping: str = "country",
    sides: Sequence[str] | None = None,
) -> OpportunityEvaluation:
    """Hold out the links first seen in or after `split_year`, predict from the rest.

    The training graph keeps the contributions dated before `split_year` (undated ones are
    dropped: nothing says they came before). A link is new when its first_seen is in or after
    `split_year`, i.e. none of its dated contributions started earlier. Without `split_year`,
    the split leaves about the last 22% of dated links for testing. precision@k = hits among the
    top k predicted cross pairs / predictions made (at most k); the baseline is the share of new
    cross links among all cross pairs unlinked before the split, and lift = precision / baseline.
    """
    ks = _check_ks(k)
    side_a, side_b = resolve_sides(links, grouping, sides)
    first_years = {key: _first_year(link.first_seen) for key, link in links.links.items()}
    dated = sorted(y for y in first_years.values() if y is not None)
    if not dated:
        raise ValidationError("evaluating opportunities needs dated links; none has a date")
    split = _default_split(dated) if split_year is None else _check_split(split_year, dated)
    flt = links.link_filter
    if flt.since and int(flt.since[:4]) >= split:
        raise ValidationError(
            f"the link filter starts in {flt.since}, so nothing comes before split_year {split}"
        )
    training = links.restricted(flt.with_dates(flt.since, str(split - 1)))

    group = links.grouper(grouping)
    held_out = {key for key, y in first_years.items() if y is not None and y >= split}
    held_out -= set(training.links)
    new_cross = {key for key in held_out if {group(key[0]), group(key[1])} == {side_a, side_b}}

    predicted = opportunities(training, grouping=grouping, sides=(side_a, side_b), limit=max(ks))
    in_a = sum(1 for i in training.orgs if group(i) == side_a)
    in_b = sum(1 for i in training.orgs if group(i) == side_b)
    linked_across = sum(
        1 for key in training.links if {group(key[0]), group(key[1])} == {side_a, side_b}
    )
    unlinked = in_a * in_b - linked_across
    baseline = len(new_cross) / unlinked if unlinked else 0.0

    came_true = [
        i
        for i, item in enumerate(predicted.opportunities)
        if _key(item.a.id, item.b.id) in new_cross
    ]
    return OpportunityEvaluation(
        scope=Scope.of(links, grouping),
        sides=[side_a, side_b],
        split_year=split,
        training_links=len(training.links),
        held_out_links=len(held_out),
        new_cross_links=len(new_cross),
        candidate_pairs=predicted.candidate_pairs,
        unlinked_cross_pairs=unlinked,
        baseline_precision=round(baseline, 6),
        at_k=[_at_k(n, len(predicted.opportunities), came_true, baseline) for n in ks],
        hits=[_hit(links, predicted.opportunities[i], i + 1) for i in came_true],
    )


# ---------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class _Scored:
    a: str
    b: str
    adamic_adar: float
    topic_score: float
    total: float
    partners: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(slots=True)
class _Scorer:
    """Everything scoring needs, computed once per graph."""

    orgs: dict[str, Organisation]
    neighbours: dict[str, set[str]]
    side_a: set[str]
    side_b: set[str]
    topics_of: dict[str, frozenset[str]]
    idf: dict[str, float]
    candidates: int = 0
    skipped_partners: int = 0

    @classmethod
    def of(cls, links: LinkGraph, grouping: str, a: str, b: str) -> _Scorer:
        group = links.grouper(grouping)
        topics_of = {i: frozenset(o.topics) for i, o in links.orgs.items()}
        active: dict[str, int] = defaultdict(int)
        for topics in topics_of.values():
            for topic in topics:
                active[topic] += 1
        return cls(
            orgs=links.orgs,
            neighbours=links.adjacency(),
            side_a={i for i in links.orgs if group(i) == a},
            side_b={i for i in links.orgs if group(i) == b},
            topics_of=topics_of,
            idf={t: 1.0 / math.log(2 + n) for t, n in active.items()},
        )

    def degree(self, org_id: str) -> int:
        return len(self.neighbours.get(org_id, ()))

    def linked(self, a: str, b: str) -> bool:
        return b in self.neighbours.get(a, ())

    def ranked(self) -> list[tuple[float, str, str]]:
        """(score, a, b) of every candidate pair, best first; see `opportunities`."""
        found = self.partner_candidates()
        for a, b in self.topic_candidates():
            if (a, b) not in found:
                found[a, b] = self.adamic_adar(a, b)
        self.candidates = len(found)
        return _best_first(
            (round(aa + TOPIC_WEIGHT * self.topic_score(a, b), 6), a, b)
            for (a, b), aa in found.items()
        )

    def rescored(self, ranked: list[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
        return _best_first((self.score(a, b).total, a, b) for _, a, b in ranked)

    def partner_candidates(self) -> dict[tuple[str, str], float]:
        """Unlinked cross pairs two steps apart, the best CANDIDATES_PER_ORG per side-A org,
        with their Adamic-Adar score over the partners used (all but skipped hubs)."""
        b_side_of: dict[str, list[str]] = {}
        for z, around in self.neighbours.items():
            in_a = sum(1 for x in around if x in self.side_a)
            in_b = sorted(x for x in around if x in self.side_b)
            if not (in_a and in_b):
                continue
            if in_a * len(in_b) > MAX_PARTNER_PAIRS:
                self.skipped_partners += 1
            else:
                # A partner with ends on both sides has degree >= 2, so ln(degree) > 0.
                b_side_of[z] = in_b
        found: dict[tuple[str, str], float] = {}
        for a in self.side_a:
            around = self.neighbours.get(a)
            if not around:
                continue
            partial: dict[str, float] = defaultdict(float)
            # In id order, so that the sums (and ties at the cut) are the same on every run.
            for z in sorted(around):
                others = b_side_of.get(z)
                if not others:
                    continue
                weight = 1.0 / math.log(self.degree(z))
                for b in others:
                    if b not in around:
                        partial[b] += weight
            for b, value in _top(partial, CANDIDATES_PER_ORG):
                found[a, b] = value
        return found

    def topic_candidates(self) -> set[tuple[str, str]]:
        """Topic-sharing pairs for organisations with few partners (see `opportunities`)."""
        fanout_a = self._fanout(self.side_a)
        fanout_b = self._fanout(self.side_b)
        found: set[tuple[str, str]] = set()
        for own, fanout, a_first in ((self.side_a, fanout_b, True), (self.side_b, fanout_a, False)):
            for org in own:
                if self.degree(org) > FEW_PARTNERS or not self.topics_of[org]:
                    continue
                for other in self._best_by_topic(org, fanout):
                    found.add((org, other) if a_first else (other, org))
        return found

    def _fanout(self, side: set[str]) -> dict[str, list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for org in side:
            for topic in self.topics_of[org]:
                members[topic].append(org)
        return {
            t: heapq.nsmallest(TOPIC_FANOUT, ids, key=lambda i: (-self.degree(i), i))
            for t, ids in members.items()
        }

    def _best_by_topic(self, org: str, fanout: dict[str, list[str]]) -> list[str]:
        partial: dict[str, float] = defaultdict(float)
        for topic in sorted(self.topics_of[org]):
            for other in fanout.get(topic, ()):
                if not self.linked(org, other):
                    partial[other] += self.idf[topic]
        return [other for other, _ in _top(partial, TOPIC_CANDIDATES)]

    def adamic_adar(self, a: str, b: str) -> float:
        shared = self.neighbours.get(a, set()) & self.neighbours.get(b, set())
        return sum(1.0 / math.log(self.degree(z)) for z in shared)

    def topic_score(self, a: str, b: str) -> float:
        return sum(self.idf[t] for t in self.topics_of[a] & self.topics_of[b])

    def score(self, a: str, b: str) -> _Scored:
        shared = self.neighbours.get(a, set()) & self.neighbours.get(b, set())
        # Most telling partner first: fewest partners, then id for a stable order.
        partners = tuple(sorted(shared, key=lambda z: (self.degree(z), z)))
        adamic_adar = sum(1.0 / math.log(self.degree(z)) for z in partners)
        topics = tuple(
            sorted(self.topics_of[a] & self.topics_of[b], key=lambda t: (-self.idf[t], t))
        )
        topic_score = sum(self.idf[t] for t in topics)
        return _Scored(
            a=a,
            b=b,
            adamic_adar=adamic_adar,
            topic_score=topic_score,
            total=round(adamic_adar + TOPIC_WEIGHT * topic_score, 6),
            partners=partners,
            topics=topics,
        )

    def explain(self, scored: _Scored) -> Opportunity:
        a, b = self.orgs[scored.a], self.orgs[scored.b]
        shown = [self.orgs[z] for z in scored.partners[:SHOWN_PARTNERS]]
        return Opportunity(
            a=OrgRef.of(a),
            b=OrgRef.of(b),
            score=scored.total,
            adamic_adar=round(scored.adamic_adar, 6),
            topic_score=round(scored.topic_score, 6),
            shared_partner_count=len(scored.partners),
            shared_partners=[OrgRef.of(z) for z in shown],
            shared_topics=list(scored.topics),
            reason=_reason(a, b, [z.name for z in shown], len(scored.partners), scored.topics),
        )


# ---------------------------------------------------------------------------- building blocks


def _reason(
    a: Organisation, b: Organisation, partners: list[str], partner_count: int, topics: Sequence[str]
) -> str:
    parts = []
    if partners:
        named = partners[:2]
        more = partner_count - len(named)
        parts.append("both work with " + _join(named + ([f"{more} more"] if more > 0 else [])))
    if topics:
        named_topics = list(topics[:3])
        more = len(topics) - len(named_topics)
        parts.append(
            "both are active in "
            + _join(named_topics + ([f"{more} more topics"] if more > 0 else []))
        )
    return (
        f"{a.name} ({a.country or '?'}) and {b.name} ({b.country or '?'}) are not linked yet, "
        f"but {', and '.join(parts)}."
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _top(values: dict[str, float], count: int) -> list[tuple[str, float]]:
    """The `count` largest values; ties keep insertion order, which callers make deterministic."""
    if len(values) <= count:
        return list(values.items())
    return heapq.nlargest(count, values.items(), key=itemgetter(1))


def _best_first(items: Iterable[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
    return sorted(items, key=lambda item: (-item[0], item[1], item[2]))


def _cap_per_org(
    ranked: list[tuple[float, str, str]], per_org: int | None, limit: int
) -> list[tuple[float, str, str]]:
    chosen: list[tuple[float, str, str]] = []
    seen: dict[str, int] = defaultdict(int)
    for item in ranked:
        if len(chosen) >= limit:
            break
        _, a, b = item
        if per_org is not None and (seen[a] >= per_org or seen[b] >= per_org):
            continue
        seen[a] += 1
        seen[b] += 1
        chosen.append(item)
    return chosen


def _at_k(k: int, available: int, came_true: list[int], baseline: float) -> PrecisionAtK:
    predicted = min(k, available)
    hits = sum(1 for i in came_true if i < k)
    precision = hits / predicted if predicted else 0.0
    return PrecisionAtK(
        k=k,
        predicted=predicted,
        hits=hits,
        precision=round(precision, 6),
        lift=round(precision / baseline, 4) if baseline else None,
    )


def _hit(links: LinkGraph, item: Opportunity, rank: int) -> OpportunityHit:
    link = links.link(item.a.id, item.b.id)
    return OpportunityHit(
        rank=rank, a=item.a, b=item.b, first_seen=link.first_seen if link else None
    )


def _default_split(dated: list[int]) -> int:
    """The year whose held-out share of dated links is closest to 22% (20-25% where the years
    allow), keeping at least one earlier year to learn from."""
    years = sorted(set(dated))
    if len(years) < 2:
        raise ValidationError(
            f"evaluating opportunities needs links first seen in at least two years; all are "
            f"from {years[0]}"
        )
    total = len(dated)

    def held_out(year: int) -> float:
        return sum(1 for y in dated if y >= year) / total

    return min(years[1:], key=lambda y: (abs(held_out(y) - 0.22), y))


def _check_split(split_year: int, dated: list[int]) -> int:
    if not isinstance(split_year, int) or isinstance(split_year, bool):
        raise ValidationError(f"split_year must be a year such as 2022, got {split_year!r}")
    if split_year <= dated[0]:
        raise ValidationError(
            f"split_year {split_year} leaves no links to learn from: the first dated link is "
            f"from {dated[0]}; use a later year"
        )
    if split_year > dated[-1]:
        raise ValidationError(
            f"split_year {split_year} leaves no links to test on: the last link first seen is "
            f"from {dated[-1]}; use {dated[-1]} or earlier"
        )
    return split_year


def _check_ks(k: Sequence[int]) -> list[int]:
    values = [k] if isinstance(k, int) else list(k)
    if not values or any(not isinstance(n, int) or isinstance(n, bool) or n < 1 for n in values):
        raise ValidationError(f"k must be positive integers, such as (10, 50, 100), got {k!r}")
    return sorted(set(values))


def _first_year(first_seen: str | None) -> int | None:
    return int(first_seen[:4]) if first_seen else None


def _key(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x < y else (y, x)
