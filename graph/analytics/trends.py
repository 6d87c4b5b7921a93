"""How cross-border ties change over time: the headline measures, year by year."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from pydantic import BaseModel, Field

from graph.analytics.border import _sides, ei_index, scope
from graph.analytics.links import LinkGraph
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
    a: str | None = None,
    b: str | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
) -> Trends:
    """Per year: links, cross-border links (all active and newly appeared), who bridges, E-I.

    A link is active in a year when one of its contributions' dates covers the year; it is new
    in the first year any of its contributions starts.
    """
    a, b = _sides(grouping, a, b)
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
    first_cross: Counter[int] = Counter()
    for link in links.links.values():
        if {group(link.a), group(link.b)} == {a, b} and link.first_seen:
            first_cross[int(link.first_seen[:4])] += 1
    rows = [_year(links.in_year(y), y, group, a, b, first_cross[y], grouping) for y in years]
    undated = sum(1 for link in links.links.values() if not link.years())
    return Trends(a=a, b=b, years=rows, undated_links=undated, scope=scope(links, grouping))


def _year(
    links: LinkGraph,
    year: int,
    group: Callable[[str], str],
    a: str,
    b: str,
    new_cross: int,
    grouping: str,
) -> YearTrend:
    cross = [lk for lk in links.links.values() if {group(lk.a), group(lk.b)} == {a, b}]
    touching = sum(1 for lk in links.links.values() if {group(lk.a), group(lk.b)} & {a, b})
    bridges: Counter[str] = Counter()
    for link in cross:
        bridges[link.a] += 1
        bridges[link.b] += 1
    ends = {i for lk in cross for i in (lk.a, lk.b)}
    top = sorted(bridges.items(), key=lambda kv: (-kv[1], links.orgs[kv[0]].name))[:5]
    return YearTrend(
        year=year,
        links=len(links.links),
        organisations=len(links.linked_orgs()),
        cross_border_links=len(cross),
        new_cross_border_links=new_cross,
        organisations_a=sum(1 for i in ends if group(i) == a),
        organisations_b=sum(1 for i in ends if group(i) == b),
        cross_border_share=round(len(cross) / touching, 4) if touching else None,
        ei=ei_index(links, grouping=grouping, limit=1).ei,
        top_bridges=[OrgRef.of(links.orgs[i]) for i, _ in top],
    )
