"""Common strongholds: topics in which both sides of the cluster are strong and already tied.

A topic comes from organisations' `topics` (and, for links, from shared projects' `topics`).
For each topic the measure counts the organisations active in it on each side, how specialised
each side is in it, the links inside each side and across, and how the topic's links grew year
by year. A *common stronghold* is a topic with at least `min_organisations` organisations on
each side and at least one link across: the places where the two halves of the cluster can
build on each other.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from graph.analytics.links import Link, LinkGraph, resolve_sides
from graph.analytics.results import Scope, check_positive
from graph.model import Organisation, Project

# ---------------------------------------------------------------------------- results


class TopicYear(BaseModel):
    """One year of a topic's links."""

    year: int = Field(examples=[2021])
    new_links: int = Field(
        default=0, description="topic links (inside either side or across) first seen this year"
    )
    new_cross_links: int = Field(default=0, description="of those, links across the two sides")
    organisations_active: int = Field(
        default=0,
        description="organisations of either side at an end of a topic link active this year",
    )


class TopicStronghold(BaseModel):
    """How strong each side is in one topic and how tied the two sides are in it."""

    topic: str = Field(examples=["diabetes_metabolism"], description="topic slug")
    organisations_a: int = Field(examples=[41], description="side A organisations in the topic")
    organisations_b: int = Field(examples=[17], description="side B organisations in the topic")
    organisations_total: int = Field(
        examples=[73], description="organisations in the topic, wherever they are"
    )
    specialisation_a: float = Field(
        examples=[1.3],
        description="location quotient of side A: share of its organisations in the topic "
        "divided by the share of all organisations in the topic (above 1: specialised)",
    )
    specialisation_b: float = Field(examples=[0.8], description="location quotient of side B")
    links_within_a: int = Field(default=0, description="topic links with both ends on side A")
    links_within_b: int = Field(default=0, description="topic links with both ends on side B")
    links_across: int = Field(default=0, description="topic links between side A and side B")
    organisations_tied_across: int = Field(
        default=0, description="distinct organisations at an end of a cross-side topic link"
    )
    strong_on_both_sides: bool = Field(
        default=False, description="at least min_organisations organisations on each side"
    )
    tied_across: bool = Field(default=False, description="at least one cross-side topic link")
    common_stronghold: bool = Field(
        default=False, description="strong on both sides and tied across"
    )
    score: float = Field(
        default=0.0,
        examples=[52.9],
        description="sqrt(organisations_a * organisations_b) * log2(2 + links_across)",
    )
    growth: list[TopicYear] = Field(default_factory=list, description="by year, ascending")


class StrongholdsResult(BaseModel):
    """Topics ranked common strongholds first, then by score."""

    scope: Scope
    sides: list[str] = Field(examples=[["DK", "SE"]])
    min_organisations: int = Field(default=2, examples=[2])
    organisations_a: int = Field(
        default=0, description="side A organisations with at least one topic (the LQ base)"
    )
    organisations_b: int = Field(
        default=0, description="side B organisations with at least one topic"
    )
    organisations_with_topics: int = Field(
        default=0, description="all organisations with at least one topic"
    )
    topics_total: int = Field(default=0, description="topics found, before the limit")
    common_strongholds: int = Field(default=0, description="topics that are common strongholds")
    topics: list[TopicStronghold] = Field(default_factory=list)


# ---------------------------------------------------------------------------- measure


def strongholds(
    links: LinkGraph,
    *,
    grouping: str = "country",
    sides: Sequence[str] | None = None,
    min_organisations: int = 2,
    limit: int = 50,
) -> StrongholdsResult:
    """Per topic: each side's organisations and specialisation, links inside and across, growth.

    Organisations count for a topic when the topic is in their `topics`. A link counts for a
    topic when both its ends are active in the topic, or when one of its co-participation
    projects has the topic in its `topics`. Specialisation is the location quotient
    (n_side,topic / n_side) / (n_topic / n_all), over organisations that have at least one topic
    (organisations without topic data say nothing about specialisation).

    Score = sqrt(n_A * n_B) * log2(2 + cross links): the geometric mean of the two sides'
    organisation counts (large only when *both* sides are large), times a factor that is 1
    without ties, 2 with two cross links, 3 with six (each doubling of ties adds as much as the
    first two). Topics are ranked common strongholds first, then by score, then by slug.
    """
    side_a, side_b = resolve_sides(links, grouping, sides)
    check_positive(min_organisations, "min_organisations")
    check_positive(limit, "limit")
    group = links.grouper(grouping)
    topics_of = {i: frozenset(o.topics) for i, o in links.orgs.items()}

    members = _topic_members(links.orgs, group, side_a, side_b)
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for key, link in links.links.items():
        sides_of_link = (group(key[0]), group(key[1]))
        where = _where(sides_of_link, side_a, side_b)
        if where is None:
            continue
        for topic in link_topics(link, topics_of, links.projects):
            tallies[topic].add(link, where)

    tagged = [i for i, t in topics_of.items() if t]
    base_a = sum(1 for i in tagged if group(i) == side_a)
    base_b = sum(1 for i in tagged if group(i) == side_b)
    rows = [
        _row(
            topic,
            members.get(topic, _Members()),
            tallies.get(topic),
            len(tagged),
            base_a,
            base_b,
            min_organisations,
        )
        for topic in sorted(set(members) | set(tallies))
    ]
    rows.sort(key=lambda r: (not r.common_stronghold, -r.score, r.topic))
    return StrongholdsResult(
        scope=Scope.of(links, grouping),
        sides=[side_a, side_b],
        min_organisations=min_organisations,
        organisations_a=base_a,
        organisations_b=base_b,
        organisations_with_topics=len(tagged),
        topics_total=len(rows),
        common_strongholds=sum(1 for r in rows if r.common_stronghold),
        topics=rows[:limit],
    )


# ---------------------------------------------------------------------------- shared helpers


def link_topics(
    link: Link, topics_of: dict[str, frozenset[str]], projects: dict[str, Project]
) -> set[str]:
    """Topics a link counts for: shared by both ends, or of one of its shared projects."""
    found = set(topics_of.get(link.a, frozenset()) & topics_of.get(link.b, frozenset()))
    for item in link.contributions:
        project = projects.get(item.project) if item.project else None
        if project is not None:
            found.update(project.topics)
    return found


# ---------------------------------------------------------------------------- building blocks

# Where a link lies relative to the two sides.
WITHIN_A, WITHIN_B, ACROSS = "a", "b", "across"


@dataclass(slots=True)
class _Members:
    a: int = 0
    b: int = 0
    total: int = 0


@dataclass(slots=True)
class _Tally:
    """A topic's links, counted by where they lie, with the organisations tied across."""

    within_a: int = 0
    within_b: int = 0
    across: int = 0
    tied: set[str] = field(default_factory=set)
    new_links: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    new_cross: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    active: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, link: Link, where: str) -> None:
        if where == ACROSS:
            self.across += 1
            self.tied.update((link.a, link.b))
        elif where == WITHIN_A:
            self.within_a += 1
        else:
            self.within_b += 1
        first = link.first_seen
        if first:
            year = int(first[:4])
            self.new_links[year] += 1
            if where == ACROSS:
                self.new_cross[year] += 1
        for year in link.years():
            self.active[year].update((link.a, link.b))

    def growth(self) -> list[TopicYear]:
        years = sorted(set(self.new_links) | set(self.active))
        return [
            TopicYear(
                year=y,
                new_links=self.new_links.get(y, 0),
                new_cross_links=self.new_cross.get(y, 0),
                organisations_active=len(self.active.get(y, ())),
            )
            for y in years
        ]


def _topic_members(
    orgs: dict[str, Organisation], group: Callable[[str], str], side_a: str, side_b: str
) -> dict[str, _Members]:
    members: dict[str, _Members] = defaultdict(_Members)
    for org_id, org in orgs.items():
        where = group(org_id)
        for topic in org.topics:
            tally = members[topic]
            tally.total += 1
            if where == side_a:
                tally.a += 1
            elif where == side_b:
                tally.b += 1
    return members


def _where(groups: Iterable[str], side_a: str, side_b: str) -> str | None:
    pair = tuple(groups)
    if pair == (side_a, side_a):
        return WITHIN_A
    if pair == (side_b, side_b):
        return WITHIN_B
    if set(pair) == {side_a, side_b}:
        return ACROSS
    return None  # a link touching neither side, or only one of them


def _row(
    topic: str,
    members: _Members,
    tally: _Tally | None,
    all_tagged: int,
    base_a: int,
    base_b: int,
    min_organisations: int,
) -> TopicStronghold:
    tally = tally or _Tally()
    strong = members.a >= min_organisations and members.b >= min_organisations
    tied = tally.across > 0
    return TopicStronghold(
        topic=topic,
        organisations_a=members.a,
        organisations_b=members.b,
        organisations_total=members.total,
        specialisation_a=_quotient(members.a, base_a, members.total, all_tagged),
        specialisation_b=_quotient(members.b, base_b, members.total, all_tagged),
        links_within_a=tally.within_a,
        links_within_b=tally.within_b,
        links_across=tally.across,
        organisations_tied_across=len(tally.tied),
        strong_on_both_sides=strong,
        tied_across=tied,
        common_stronghold=strong and tied,
        score=round(math.sqrt(members.a * members.b) * math.log2(2 + tally.across), 4),
        growth=tally.growth(),
    )


def _quotient(in_topic: int, side_total: int, topic_total: int, all_total: int) -> float:
    """Location quotient; 0 when a side or the topic has no organisations to compare."""
    if not side_total or not topic_total or not all_total:
        return 0.0
    return round((in_topic / side_total) / (topic_total / all_total), 4)
