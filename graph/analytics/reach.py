"""International reach: how the cluster links to the rest of the world, and who abroad owns it.

*Reach* counts the links from home organisations (by default Danish and Swedish) to each other
country. Links between two home countries (DK-SE) are the cluster's own cross-border links and
are not international here. *Foreign control* lists who from abroad invests in, acquires or owns
home organisations: investment and acquisition contributions directed from a foreign to a home
organisation, and subsidiary contributions whose child is at home and whose parent is abroad.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from graph.analytics.links import (
    A_TO_B,
    B_TO_A,
    HOME_COUNTRIES,
    SUBSIDIARY,
    Contribution,
    Link,
    LinkGraph,
)
from graph.analytics.results import OrgRef, Scope, check_positive
from graph.errors import ValidationError
from graph.model import CollabType, Organisation

# Contribution types through which an organisation abroad gains a stake in a home one; for
# investment and acquisition the direction is investor/acquirer -> target, for subsidiary it is
# child -> parent.
STAKE_TYPES = (CollabType.INVESTMENT.value, CollabType.ACQUISITION.value)
CONTROL_TYPES = (*STAKE_TYPES, SUBSIDIARY)

# ---------------------------------------------------------------------------- results


class CountryReach(BaseModel):
    """Links between home organisations and one foreign country."""

    country: str = Field(examples=["US"])
    links: int = Field(examples=[120])
    home_organisations: int = Field(description="home organisations linked to this country")
    foreign_organisations: int = Field(description="organisations of this country linked home")
    by_home: dict[str, int] = Field(
        default_factory=dict, examples=[{"DK": 80, "SE": 40}], description="links per home country"
    )
    layers: dict[str, int] = Field(
        default_factory=dict,
        examples=[{"news": 30, "trials": 95}],
        description="links per layer (a link with two layers counts in both)",
    )


class ForeignControl(BaseModel):
    """An organisation abroad that invests in, acquired or owns a home organisation."""

    owner: OrgRef = Field(description="the investor, acquirer or parent abroad")
    target: OrgRef = Field(description="the home organisation")
    type: str = Field(examples=["acquisition"], description="investment, acquisition or subsidiary")
    first_seen: str | None = Field(default=None, examples=["2019-05-02"])
    last_seen: str | None = Field(default=None, examples=["2019-05-02"])
    relations: list[str] = Field(default_factory=list, description="store relation ids")


class CountryControl(BaseModel):
    """Foreign control from one country, in totals."""

    country: str = Field(examples=["US"])
    investments: int = 0
    acquisitions: int = 0
    subsidiaries: int = 0
    total: int = 0
    owners: int = Field(default=0, description="distinct investors, acquirers and parents")
    targets: int = Field(default=0, description="distinct home organisations controlled")


class ReachResult(BaseModel):
    scope: Scope
    home: list[str] = Field(examples=[["DK", "SE"]])
    international_links: int = Field(default=0, description="links from home to other countries")
    home_organisations: int = Field(
        default=0, description="home organisations with at least one international link"
    )
    unknown_country_links: int = Field(
        default=0, description="links from home to organisations without a country (left out)"
    )
    countries_total: int = Field(default=0, description="foreign countries reached")
    countries: list[CountryReach] = Field(default_factory=list, description="most links first")
    foreign_control_total: int = Field(default=0)
    foreign_control: list[ForeignControl] = Field(
        default_factory=list, description="most recent first"
    )
    control_by_country: list[CountryControl] = Field(default_factory=list)


# ---------------------------------------------------------------------------- measure


def international_reach(
    links: LinkGraph, *, home: Sequence[str] = HOME_COUNTRIES, limit: int = 50
) -> ReachResult:
    """Links from `home` countries to each other country, and foreign control of home orgs.

    Countries are sorted by links (then code); foreign control by last_seen, newest first
    (undated last); per-country control totals by total. `limit` caps each of the three lists;
    the `*_total` fields count before the cap.
    """
    home_set = _check_home(home)
    check_positive(limit, "limit")
    tallies: dict[str, _CountryTally] = defaultdict(_CountryTally)
    control: dict[tuple[str, str, str], _Stake] = {}
    home_orgs: set[str] = set()
    international = unknown = 0
    for link in links.links.values():
        ends = _home_and_foreign(link, links.orgs, home_set)
        if ends is None:
            continue
        home_id, foreign_id = ends
        country = links.orgs[foreign_id].country
        if country is None:
            unknown += 1
            continue
        international += 1
        home_orgs.add(home_id)
        tallies[country].add(link, home_id, foreign_id, links.orgs[home_id].country or "")
        for item in link.contributions:
            stake = _stake(link, item, foreign_id)
            if stake is not None:
                key = (foreign_id, home_id, item.type)
                control.setdefault(key, _Stake(*key)).add(item)

    countries = sorted(
        (t.result(c) for c, t in tallies.items()), key=lambda r: (-r.links, r.country)
    )
    stakes = sorted(control.values(), key=lambda s: (s.owner, s.target, s.type))
    # Newest first; the sort is stable, so equal dates keep the order above and undated go last.
    stakes.sort(key=lambda s: s.last_seen or "", reverse=True)
    by_country = _control_by_country(stakes, links.orgs)
    return ReachResult(
        scope=Scope.of(links, "country"),
        home=sorted(home_set),
        international_links=international,
        home_organisations=len(home_orgs),
        unknown_country_links=unknown,
        countries_total=len(countries),
        countries=countries[:limit],
        foreign_control_total=len(stakes),
        foreign_control=[s.result(links.orgs) for s in stakes[:limit]],
        control_by_country=by_country[:limit],
    )


# ---------------------------------------------------------------------------- building blocks


@dataclass(slots=True)
class _CountryTally:
    links: int = 0
    home: set[str] = field(default_factory=set)
    foreign: set[str] = field(default_factory=set)
    by_home: Counter[str] = field(default_factory=Counter)
    layers: Counter[str] = field(default_factory=Counter)

    def add(self, link: Link, home_id: str, foreign_id: str, home_country: str) -> None:
        self.links += 1
        self.home.add(home_id)
        self.foreign.add(foreign_id)
        self.by_home[home_country] += 1
        self.layers.update(link.layers)

    def result(self, country: str) -> CountryReach:
        return CountryReach(
            country=country,
            links=self.links,
            home_organisations=len(self.home),
            foreign_organisations=len(self.foreign),
            by_home=dict(sorted(self.by_home.items())),
            layers=dict(sorted(self.layers.items())),
        )


@dataclass(slots=True)
class _Stake:
    """One owner's stake of one type in one home organisation, over its contributions."""

    owner: str
    target: str
    type: str
    first_seen: str | None = None
    last_seen: str | None = None
    relations: set[str] = field(default_factory=set)

    def add(self, item: Contribution) -> None:
        self.relations.update(item.relations)
        first, last = item.start or item.end, item.end or item.start
        if first and (self.first_seen is None or first < self.first_seen):
            self.first_seen = first
        if last and (self.last_seen is None or last > self.last_seen):
            self.last_seen = last

    def result(self, orgs: dict[str, Organisation]) -> ForeignControl:
        return ForeignControl(
            owner=OrgRef.of(orgs[self.owner]),
            target=OrgRef.of(orgs[self.target]),
            type=self.type,
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            relations=sorted(self.relations),
        )


def _home_and_foreign(
    link: Link, orgs: dict[str, Organisation], home: frozenset[str]
) -> tuple[str, str] | None:
    """(home end, foreign end) of a link between home and abroad; None for any other link."""
    a_home = orgs[link.a].country in home
    b_home = orgs[link.b].country in home
    if a_home and not b_home:
        return link.a, link.b
    if b_home and not a_home:
        return link.b, link.a
    return None


def _stake(link: Link, item: Contribution, foreign_id: str) -> str | None:
    """The contribution's type when it gives the foreign end a stake in the home end."""
    if item.type not in CONTROL_TYPES or item.direction not in (A_TO_B, B_TO_A):
        return None  # not an ownership type, or no single direction to read
    source = link.a if item.direction == A_TO_B else link.b
    # Investment and acquisition point from the owner; subsidiary points from the child.
    owner = source if item.type in STAKE_TYPES else link.other(source)
    return item.type if owner == foreign_id else None


def _control_by_country(
    stakes: list[_Stake], orgs: dict[str, Organisation]
) -> list[CountryControl]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    owners: dict[str, set[str]] = defaultdict(set)
    targets: dict[str, set[str]] = defaultdict(set)
    for stake in stakes:
        country = orgs[stake.owner].country or ""
        counts[country][stake.type] += 1
        owners[country].add(stake.owner)
        targets[country].add(stake.target)
    rows = [
        CountryControl(
            country=country,
            investments=c[CollabType.INVESTMENT.value],
            acquisitions=c[CollabType.ACQUISITION.value],
            subsidiaries=c[SUBSIDIARY],
            total=sum(c.values()),
            owners=len(owners[country]),
            targets=len(targets[country]),
        )
        for country, c in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.total, r.country))


def _check_home(home: Sequence[str]) -> frozenset[str]:
    if isinstance(home, str):
        home = [home]
    codes = frozenset(home)
    if not codes:
        raise ValidationError("home must name at least one country, such as ['DK', 'SE']")
    bad = sorted(c for c in codes if not isinstance(c, str) or len(c) != 2 or not c.isupper())
    if bad:
        raise ValidationError(f"home must be ISO alpha-2 country codes (DK, SE…), got {bad}")
    return codes
