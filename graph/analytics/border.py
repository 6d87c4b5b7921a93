"""Ties between groups: the border matrix, the cross-border links, and Krackhardt's E-I index."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel, Field

from graph.analytics.evidence import LinkView, RelationLookup, link_view
from graph.analytics.links import UNKNOWN, Link, LinkGraph, resolve_sides
from graph.analytics.results import OrgRef, Scope
from graph.errors import ValidationError

MAX_PAGE = 1_000
LINK_SORTS = ("weight", "recent", "confidence", "name")

# ---------------------------------------------------------------------------- border matrix


class GroupPair(BaseModel):
    """Links between organisations of group `a` and of group `b` (a == b: within a group)."""

    a: str = Field(examples=["DK"])
    b: str = Field(examples=["SE"])
    links: int = Field(examples=[1036])
    organisations_a: int = Field(description="organisations of a with a link to b", examples=[88])
    organisations_b: int = Field(description="organisations of b with a link to a", examples=[97])
    weight: int = Field(description="relations and shared projects behind those links")


class YearMatrix(BaseModel):
    year: int = Field(examples=[2019])
    pairs: list[GroupPair]


class BorderMatrix(BaseModel):
    groups: list[str] = Field(examples=[["DK", "SE", "US"]])
    pairs: list[GroupPair] = Field(description="every pair of groups with links, most links first")
    years: list[YearMatrix] = Field(
        default_factory=list, description="the same per year a link is active (with per_year)"
    )
    scope: Scope


def border_matrix(
    links: LinkGraph, *, grouping: str = "country", per_year: bool = False
) -> BorderMatrix:
    """Links and organisations involved for every pair of groups (and per year on request).

    A link active over several years counts in each of them, weighted by the contributions
    active that year; undated links count only in the total.
    """
    group = links.grouper(grouping)
    pairs = _pairs(links.links.values(), group)
    years = []
    if per_year:
        # Each year on the contributions active in it, so weights are that year's too.
        years = [
            YearMatrix(year=y, pairs=_pairs(links.in_year(y).links.values(), group))
            for y in links.years()
        ]
    return BorderMatrix(
        groups=links.groups(grouping), pairs=pairs, years=years, scope=Scope.of(links, grouping)
    )


def _pairs(selected: Iterable[Link], group: Callable[[str], str]) -> list[GroupPair]:
    groups: dict[str, str] = {}
    counts: Counter[tuple[str, str]] = Counter()
    weights: Counter[tuple[str, str]] = Counter()
    members: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for link in selected:
        x, y = link.a, link.b
        gx = groups.get(x) or groups.setdefault(x, group(x))
        gy = groups.get(y) or groups.setdefault(y, group(y))
        if gx > gy:
            x, y, gx, gy = y, x, gy, gx
        key = (gx, gy)
        counts[key] += 1
        weights[key] += len(link.contributions)
        side_x, side_y = members[key]
        side_x.add(x)
        side_y.add(y)
    rows = []
    for (a, b), n in counts.items():
        side_a, side_b = members[(a, b)]
        if a == b:
            side_a = side_b = side_a | side_b
        # Trusted counts: construct without validation (thousands of pairs on large graphs).
        rows.append(
            GroupPair.model_construct(
                a=a,
                b=b,
                links=n,
                organisations_a=len(side_a),
                organisations_b=len(side_b),
                weight=weights[(a, b)],
            )
        )
    return sorted(rows, key=lambda p: (-p.links, p.a, p.b))


# ---------------------------------------------------------------------------- cross-border links


class CrossBorderLinks(BaseModel):
    a: str = Field(examples=["DK"])
    b: str = Field(examples=["SE"])
    total: int = Field(description="links between a and b before paging")
    offset: int = 0
    limit: int = 100
    links: list[LinkView]
    scope: Scope


def cross_border_links(
    links: LinkGraph,
    lookup: RelationLookup | None,
    *,
    grouping: str = "country",
    sides: Sequence[str] | None = None,
    sort: str = "weight",
    limit: int = 100,
    offset: int = 0,
    max_evidence: int = 5,
) -> CrossBorderLinks:
    """The links between the two `sides` (default DK and SE) with their evidence, a page at a
    time; each link starts from its end on the first side."""
    a, b = resolve_sides(links, grouping, sides)
    check_page(limit, offset)
    if sort not in LINK_SORTS:
        raise ValidationError(f"unknown sort {sort!r}; use one of {list(LINK_SORTS)}")
    group = links.grouper(grouping)
    between = [
        link
        for link in links.links.values()
        if {group(link.a), group(link.b)} == {a, b} and (a != b or group(link.a) == a)
    ]
    between.sort(key=_link_sort_key(links, sort))
    page = between[offset : offset + limit]
    views = [_oriented(links, link, group, a, lookup, max_evidence) for link in page]
    return CrossBorderLinks(
        a=a,
        b=b,
        total=len(between),
        offset=offset,
        limit=limit,
        links=views,
        scope=Scope.of(links, grouping),
    )


def _oriented(
    links: LinkGraph,
    link: Link,
    group: Callable[[str], str],
    a: str,
    lookup: RelationLookup | None,
    max_evidence: int,
) -> LinkView:
    first = link.a if group(link.a) == a else link.b
    return link_view(links, link, lookup, first=first, max_evidence=max_evidence)


def _link_sort_key(links: LinkGraph, sort: str) -> Callable[[Link], tuple]:
    if sort == "recent":
        return lambda link: (_negate(link.last_seen or ""), link.a, link.b)
    if sort == "confidence":
        return lambda link: (-link.confidence, -link.weight, link.a, link.b)
    if sort == "name":
        return lambda link: (links.orgs[link.a].name.casefold(), links.orgs[link.b].name.casefold())
    return lambda link: (-link.weight, -link.confidence, link.a, link.b)


def _negate(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


# ---------------------------------------------------------------------------- E-I index


class EIGroup(BaseModel):
    group: str = Field(examples=["DK"])
    organisations: int
    internal: int = Field(description="links with both ends in the group")
    external: int = Field(description="links with one end in the group")
    ei: float | None = Field(description="(external - internal) / (external + internal)")


class EIOrganisation(BaseModel):
    organisation: OrgRef
    group: str
    internal: int
    external: int
    ei: float


class EIIndex(BaseModel):
    """Krackhardt and Stern's E-I index: -1 all ties inside groups, +1 all ties across."""

    ei: float | None = Field(description="whole network", examples=[-0.62])
    internal: int
    external: int
    expected: float | None = Field(
        description="E-I if ties were spread at random over the same organisations: "
        "(possible external pairs - possible internal pairs) / all possible pairs"
    )
    excluded_links: int = Field(description="links with an end of unknown group, left out")
    groups: list[EIGroup]
    organisations: list[EIOrganisation] = Field(
        description="per organisation, most outward-looking first (paged)"
    )
    organisations_total: int
    scope: Scope


def ei_index(
    links: LinkGraph, *, grouping: str = "country", limit: int = 100, offset: int = 0
) -> EIIndex:
    """The E-I index of the whole network, of each group and of each organisation.

    Links with an end whose group is unknown (an organisation without a country) cannot be
    called internal or external, so they are left out and counted in `excluded_links`.
    """
    check_page(limit, offset)
    group = links.grouper(grouping)
    internal = external = excluded = 0
    per_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_org: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for link in links.links.values():
        ga, gb = group(link.a), group(link.b)
        if UNKNOWN in (ga, gb):
            excluded += 1
            continue
        side = 0 if ga == gb else 1
        internal += 1 - side
        external += side
        per_org[link.a][side] += 1
        per_org[link.b][side] += 1
        if side:
            per_group[ga][1] += 1
            per_group[gb][1] += 1
        else:
            per_group[ga][0] += 1
    sizes = Counter(group(org_id) for org_id in per_org)
    groups = [
        EIGroup(group=g, organisations=sizes[g], internal=i, external=e, ei=_ei(e, i))
        for g, (i, e) in sorted(per_group.items())
    ]
    orgs = sorted(
        (
            EIOrganisation(
                organisation=OrgRef.of(links.orgs[o]),
                group=group(o),
                internal=i,
                external=e,
                ei=_ei(e, i) or 0.0,
            )
            for o, (i, e) in per_org.items()
        ),
        key=lambda r: (-r.ei, -r.external, r.organisation.name),
    )
    return EIIndex(
        ei=_ei(external, internal),
        internal=internal,
        external=external,
        expected=_expected_ei(sizes),
        excluded_links=excluded,
        groups=groups,
        organisations=orgs[offset : offset + limit],
        organisations_total=len(orgs),
        scope=Scope.of(links, grouping),
    )


def _ei(external: int, internal: int) -> float | None:
    total = external + internal
    return round((external - internal) / total, 4) if total else None


def _expected_ei(sizes: Counter[str]) -> float | None:
    n = sum(sizes.values())
    possible_internal = sum(s * (s - 1) // 2 for s in sizes.values())
    possible_all = n * (n - 1) // 2
    return _ei(possible_all - possible_internal, possible_internal)


# ---------------------------------------------------------------------------- shared


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
    if offset < 0:
        raise ValidationError(f"offset must be 0 or more, got {offset}")
