"""How cross-border ties change over time: the headline measures, year by year."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from graph.analytics.links import UNKNOWN, Link, LinkGraph, resolve_sides
from graph.analytics.results import OrgRef, Scope
from graph.errors import ValidationError

MAX_YEARS = 60


class YearTrend(BaseModel):
    year: int = Field(examples=[2020])
    links: int = Field(description="links active in the year")
    organisations: int = Field(description="organisations with a link active in the year")
    cross_border_links: int = Field(description="active links between side a and side b")
    new_cross_border_links: int = Field(description="cross-border links first seen this year")
    organisations_a: int = Field(description="organisations of side a with a cross-border link")
    organisations_b: int = Field(description="organisations of side b with a cross-border link")
    cross_border_share: float | None = Field(
        description="cross-border links / links touching either side"
    )
    ei: float | None = Field(description="E-I index of the year's network")
    top_bridges: list[OrgRef] = Field(
        description="organisations with the most cross-border links that year (up to 5)"
    )


class Trends(BaseModel):
    a: str = Field(examples=["DK"])
    b: str = Field(examples=["SE"])
    years: list[YearTrend]
    undated_links: int = Field(description="links with no date at all, in no year")
    scope: Scope


def trends(
    links: LinkGraph,
    *,
    grouping: str = "country",
    sides: Sequence[str] | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
) -> Trends:
    """Per year: links, cross-border links (all active and newly appeared), who bridges, E-I.

    A link is active in a year when one of its contributions' dates covers the year; it is new
    in the first year any of its contributions starts.
    """
    a, b = resolve_sides(links, grouping, sides)
    group = links.grouper(grouping)
    years = [
        y
        for y in links.years()
        if (first_year is None or y >= first_year) and (last_year is None or y <= last_year)
    ]
    if len(years) > MAX_YEARS:
        raise ValidationError(
            f"{len(years)} years to cover; narrow them with first_year/last_year "
            f"(at most {MAX_YEARS})"
        )
    tallies = {y: _Tally() for y in years}
    undated = 0
    for link in links.links.values():
        active = link.years()
        if not active:
            undated += 1
            continue
        ga, gb = group(link.a), group(link.b)
        for year in active:
            tally = tallies.get(year)
            if tally is not None:
                tally.add(link, ga, gb, a, b)
        if {ga, gb} == {a, b} and link.first_seen and int(link.first_seen[:4]) in tallies:
            tallies[int(link.first_seen[:4])].new_cross += 1
    rows = [tallies[y].row(y, links, a, b) for y in years]
    return Trends(a=a, b=b, years=rows, undated_links=undated, scope=Scope.of(links, grouping))


@dataclass(slots=True)
class _Tally:
    """One year's counts, filled in a single pass over the links."""

    links: int = 0
    internal: int = 0
    external: int = 0
    touching: int = 0
    new_cross: int = 0
    organisations: set[str] = field(default_factory=set)
    ends: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    bridges: Counter[str] = field(default_factory=Counter)

    def add(self, link: Link, ga: str, gb: str, a: str, b: str) -> None:
        self.links += 1
        self.organisations.update((link.a, link.b))
        if UNKNOWN not in (ga, gb):
            # As in the E-I index: links to organisations of unknown group are left out.
            if ga == gb:
                self.internal += 1
            else:
                self.external += 1
        if {ga, gb} & {a, b}:
            self.touching += 1
        if {ga, gb} == {a, b}:
            self.ends[ga].add(link.a)
            self.ends[gb].add(link.b)
            self.bridges[link.a] += 1
            self.bridges[link.b] += 1

    def row(self, year: int, links: LinkGraph, a: str, b: str) -> YearTrend:
        cross = sum(self.bridges.values()) // 2
        top = sorted(self.bridges.items(), key=lambda kv: (-kv[1], links.orgs[kv[0]].name))[:5]
        total = self.internal + self.external
        return YearTrend(
            year=year,
            links=self.links,
            organisations=len(self.organisations),
            cross_border_links=cross,
            new_cross_border_links=self.new_cross,
            organisations_a=len(self.ends[a]),
            organisations_b=len(self.ends[b]),
            cross_border_share=round(cross / self.touching, 4) if self.touching else None,
            ei=round((self.external - self.internal) / total, 4) if total else None,
            top_bridges=[OrgRef.of(links.orgs[i]) for i, _ in top],
        )
