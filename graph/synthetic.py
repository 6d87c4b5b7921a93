"""A generated graph of any size, for benchmarks and scale tests (never for the demo).

Deterministic for a given seed: organisations spread over real cities of the region and a few
abroad, collaborations with dated, sourced evidence. Names are clearly synthetic.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from graph.model import (
    DIRECTED_COLLAB_TYPES,
    CollabType,
    Evidence,
    Node,
    Organisation,
    OrgKind,
    Project,
    ProjectKind,
    Relation,
    RelType,
)

# (city, country, region, lat, lon, weight)
CITIES: tuple[tuple[str, str, str | None, float, float, int], ...] = (
    ("Copenhagen", "DK", "Capital Region", 55.6761, 12.5683, 30),
    ("Lyngby", "DK", "Capital Region", 55.7704, 12.5038, 6),
    ("Bagsværd", "DK", "Capital Region", 55.7617, 12.4547, 3),
    ("Hillerød", "DK", "Capital Region", 55.9267, 12.3109, 3),
    ("Roskilde", "DK", "Zealand", 55.6415, 12.0803, 4),
    ("Køge", "DK", "Zealand", 55.4580, 12.1821, 2),
    ("Lund", "SE", "Skåne", 55.7047, 13.1910, 20),
    ("Malmö", "SE", "Skåne", 55.6050, 13.0038, 15),
    ("Helsingborg", "SE", "Skåne", 56.0465, 12.6945, 5),
    ("Kristianstad", "SE", "Skåne", 56.0294, 14.1567, 2),
    ("Stockholm", "SE", "Stockholm", 59.3293, 18.0686, 4),
    ("Aarhus", "DK", "Central Denmark", 56.1629, 10.2039, 3),
    ("Boston", "US", None, 42.3601, -71.0589, 2),
    ("Basel", "CH", None, 47.5596, 7.5886, 1),
    ("London", "GB", None, 51.5072, -0.1276, 1),
)
KINDS = (
    (OrgKind.COMPANY, 60),
    (OrgKind.UNIVERSITY, 5),
    (OrgKind.HOSPITAL, 6),
    (OrgKind.RESEARCH_INSTITUTE, 8),
    (OrgKind.INVESTOR, 8),
    (OrgKind.FOUNDATION, 3),
    (OrgKind.PUBLIC_AGENCY, 5),
    (OrgKind.CLUSTER_ORG, 2),
    (OrgKind.OTHER, 3),
)
TOPICS = (
    "diabetes",
    "oncology",
    "immunology",
    "neuroscience",
    "medtech",
    "diagnostics",
    "vaccines",
    "industrial_biotech",
    "digital_health",
    "drug_delivery",
)


def organisations(count: int, *, seed: int = 7) -> list[Organisation]:
    rng = random.Random(seed)
    cities = [c for c in CITIES for _ in range(c[5])]
    kinds = [k for k, w in KINDS for _ in range(w)]
    result = []
    for index in range(count):
        city, country, region, lat, lon, _ = rng.choice(cities)
        result.append(
            Organisation(
                name=f"Synthetic {rng.choice(('Bio', 'Med', 'Gen', 'Thera', 'Cell'))}"
                f"{rng.choice(('ex', 'ica', 'on', 'ion', 'ix'))} {index}",
                kind=rng.choice(kinds),
                country=country,
                region=region,
                city=city,
                lat=round(lat + rng.uniform(-0.03, 0.03), 5),
                lon=round(lon + rng.uniform(-0.05, 0.05), 5),
                topics=tuple(rng.sample(TOPICS, rng.randint(1, 3))),
            )
        )
    return result


def collaborations(orgs: list[Organisation], count: int, *, seed: int = 11) -> Iterator[Relation]:
    """`count` distinct collaborations; hubs get more (a preferential, heavy-tailed pattern)."""
    rng = random.Random(seed)
    subtypes = list(CollabType)
    seen: set[str] = set()
    cumulative = list(itertools.accumulate(1.0 / (1 + i % 200) for i in range(len(orgs))))
    while len(seen) < count:
        a, b = rng.choices(orgs, cum_weights=cumulative, k=2)
        if a.id == b.id:
            continue
        rel = Relation(
            type=RelType.COLLABORATES_WITH,
            source=a.id,
            target=b.id,
            subtype=rng.choice(subtypes),
            evidence=[
                Evidence(
                    source=f"doc:synthetic-{rng.randrange(10 * count)}",
                    text=f"{a.name} and {b.name} announced a collaboration.",
                    date=f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    confidence=round(rng.uniform(0.4, 1.0), 3),
                    extractor="synthetic",
                    extractor_version="1",
                )
            ],
        )
        if rel.id in seen:
            continue
        seen.add(rel.id)
        yield rel


# ---------------------------------------------------------------------------- clustered graphs
#
# `clustered_graph` has the shape the cross-border analytics meet in real data: organisations of
# Denmark and Sweden (and a few abroad) grouped in communities within one country, dense inside,
# with a few hubs, sparse bridges across the Øresund concentrated between partner communities,
# direct collaborations and shared projects (EU projects, trials, publications).

# Abroad: (city, country, lat, lon). Foreign parents of subsidiaries and project partners.
ABROAD_CITIES: tuple[tuple[str, str, float, float], ...] = (
    ("Boston", "US", 42.3601, -71.0589),
    ("Basel", "CH", 47.5596, 7.5886),
    ("London", "GB", 51.5072, -0.1276),
    ("Cambridge", "GB", 52.2053, 0.1218),
    ("Oslo", "NO", 59.9139, 10.7522),
    ("Helsinki", "FI", 60.1699, 24.9384),
    ("Hamburg", "DE", 53.5511, 9.9937),
    ("Amsterdam", "NL", 52.3676, 4.9041),
)
HOME_CITIES = {country: [c for c in CITIES if c[1] == country] for country in ("DK", "SE")}

ORGS_PER_RELATION = 0.1  # 1M relations: 100k organisations
ABROAD_SHARE = 0.05  # organisations abroad
LONER_SHARE = 0.05  # Danish and Swedish organisations in no community
DK_COMMUNITY_SHARE = 0.55
COMMUNITY_SIZES = (20, 200)  # log-uniform
PARTICIPATION_SHARE = 0.5  # of the relations: PARTICIPATES_IN
SUBSIDIARY_SHARE = 0.01  # of the relations: SUBSIDIARY_OF a foreign parent
HUB_EXPONENT = 0.9  # member of rank r is picked with weight 1 / (1 + r) ** HUB_EXPONENT
# Where the other end of a direct collaboration is (the rest: the same community).
DIRECT_CROSS_BORDER = 0.025  # grows from 0.6x in 2010 to 1.4x in 2025
DIRECT_OTHER_COMMUNITY = 0.08
DIRECT_ABROAD = 0.015
DIRECT_LONER = 0.015
PARTNER_SHARE = 0.7  # bridges that go to one of the community's partner communities
COLLAB_WEIGHTS = {
    CollabType.RESEARCH_COLLABORATION: 30,
    CollabType.PARTNERSHIP: 25,
    CollabType.LICENSING: 10,
    CollabType.INVESTMENT: 7,
    CollabType.ACQUISITION: 3,
    CollabType.FUNDING: 8,
    CollabType.SUPPLY: 8,
    CollabType.OTHER: 9,
}
# kind: (share of projects, mean participants above two, most participants, member slots
# elsewhere in the country, across the border, abroad)
PROJECT_SHAPES = {
    ProjectKind.EU_PROJECT: (0.35, 5.0, 15, 0.12, 0.012, 0.03),
    ProjectKind.TRIAL: (0.20, 3.0, 12, 0.10, 0.006, 0.01),
    ProjectKind.PUBLICATION: (0.45, 1.5, 10, 0.08, 0.006, 0.01),
}
PROJECT_ROLES = {
    ProjectKind.EU_PROJECT: ("coordinator", "participant"),
    ProjectKind.TRIAL: ("sponsor", "site"),
    ProjectKind.PUBLICATION: ("affiliation", "affiliation"),
}
YEARS = tuple(range(2010, 2026))
YEAR_WEIGHTS = tuple(itertools.accumulate(1.0 + 0.15 * (y - YEARS[0]) for y in YEARS))


@dataclass(frozen=True, slots=True)
class _Community:
    start: int  # index of its first organisation (the hubs come first)
    size: int
    country: str
    partners: tuple[int, ...]  # communities across the border its bridges mostly go to


def clustered_graph(relations: int, *, seed: int = 7) -> tuple[list[Node], Iterator[Relation]]:
    """Nodes and exactly `relations` distinct relations of a realistically shaped cluster.

    Organisations (one per ten relations) sit in Denmark and Sweden, ~5% abroad; ~90% belong to
    communities of 20-200 organisations within one country, where a few hubs hold many links.
    Relations: ~49% direct COLLABORATES_WITH (evidence dated 2010-2025, all subtypes, directed
    ones included; one in five corroborated by a second source), ~50% PARTICIPATES_IN projects of
    2-15 organisations (EU projects, trials, publications, with dates) and ~1% SUBSIDIARY_OF a
    foreign parent. Bridges across the border are a few percent of the links, mostly between
    partner communities, and grow over the years.

    Nodes come as a list (write them first); relations as a single-use iterator, generated
    lazily so that a million of them need not be held at once. Deterministic for a seed.
    """
    if relations < 1:
        raise ValueError(f"relations must be positive, got {relations}")
    rng = random.Random(seed)
    n_orgs = max(60, round(relations * ORGS_PER_RELATION))
    n_abroad = max(2, round(n_orgs * ABROAD_SHARE))
    n_loners = max(2, round(n_orgs * LONER_SHARE))
    communities = _communities(rng, n_orgs - n_abroad - n_loners)
    orgs: list[Organisation] = []
    for community in communities:
        topics = rng.sample(TOPICS, 2)
        home = _weighted(rng, HOME_CITIES[community.country])
        for rank in range(community.size):
            city = home if rng.random() < 0.7 else _weighted(rng, HOME_CITIES[community.country])
            kind = (
                rng.choice((OrgKind.UNIVERSITY, OrgKind.HOSPITAL, OrgKind.COMPANY))
                if rank == 0
                else _kind(rng)
            )
            own = (topics[0],) if rng.random() < 0.7 else (topics[1],)
            extra = (rng.choice(TOPICS),) if rng.random() < 0.4 else ()
            orgs.append(_synthetic_org(rng, len(orgs), kind, city, (*own, *extra)))
    first_loner = len(orgs)
    for _ in range(n_loners):
        country = "DK" if rng.random() < DK_COMMUNITY_SHARE else "SE"
        city = _weighted(rng, HOME_CITIES[country])
        orgs.append(_synthetic_org(rng, len(orgs), _kind(rng), city, rng.sample(TOPICS, 1)))
    first_abroad = len(orgs)
    for _ in range(n_abroad):
        name, country, lat, lon = rng.choice(ABROAD_CITIES)
        kind = OrgKind.COMPANY if rng.random() < 0.7 else rng.choice(_ABROAD_KINDS)
        orgs.append(_synthetic_org(rng, len(orgs), kind, (name, country, None, lat, lon, 1), []))

    # The relation budget: participations fill whole projects; subsidiaries need foreign parents.
    companies = [i for i, o in enumerate(orgs[:first_abroad]) if o.kind is OrgKind.COMPANY]
    parents = [i for i in range(first_abroad, len(orgs)) if orgs[i].kind is OrgKind.COMPANY]
    n_subsidiaries = min(round(relations * SUBSIDIARY_SHARE), len(companies) if parents else 0)
    n_participations = round(relations * PARTICIPATION_SHARE)
    n_participations = n_participations if n_participations >= 2 else 0
    n_direct = relations - n_participations - n_subsidiaries
    plans = _project_plans(rng, n_participations, communities)
    projects = [_synthetic_project(rng, number, kind) for number, (kind, _, _) in enumerate(plans)]
    subsidiaries = rng.sample(companies, n_subsidiaries)
    nodes: list[Node] = [*orgs, *projects]

    def generate() -> Iterator[Relation]:
        picker = _Picker(
            random.Random(seed * 1_000_003 + 1), communities, first_loner, first_abroad
        )
        yield from _direct_relations(picker, orgs, n_direct)
        for number, (kind, size, home) in enumerate(plans):
            yield from _participations(picker, orgs, projects[number], kind, size, home)
        rnd = picker.rng
        for number, child in enumerate(subsidiaries):
            year = rnd.randint(2010, 2025)
            yield Relation(
                type=RelType.SUBSIDIARY_OF,
                source=orgs[child].id,
                target=orgs[rnd.choice(parents[: max(1, len(parents) // 3)])].id,
                start=str(year),
                evidence=[
                    Evidence(
                        source=f"registry:synthetic-ownership-{number}",
                        date=f"{year}-{rnd.randint(1, 12):02d}",
                        confidence=1.0,
                        extractor="synthetic",
                        extractor_version="1",
                    )
                ],
            )

    return nodes, generate()


_ABROAD_KINDS = (OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE, OrgKind.INVESTOR)
_KIND_CHOICES = [k for k, w in KINDS for _ in range(w)]
_SUBTYPES = list(COLLAB_WEIGHTS)
_SUBTYPE_CUMULATIVE = list(itertools.accumulate(COLLAB_WEIGHTS.values()))


def _kind(rng: random.Random) -> OrgKind:
    return rng.choice(_KIND_CHOICES)


def _weighted(rng: random.Random, cities: list[tuple]) -> tuple:
    return rng.choices(cities, weights=[c[5] for c in cities])[0]


def _synthetic_org(
    rng: random.Random,
    index: int,
    kind: OrgKind,
    city: tuple,
    topics: tuple[str, ...] | list[str],
) -> Organisation:
    name, country, region, lat, lon, _ = city
    if kind is OrgKind.UNIVERSITY:
        label = "University"
    elif kind is OrgKind.HOSPITAL:
        label = "Hospital"
    else:
        label = (
            f"{rng.choice(('Bio', 'Med', 'Gen', 'Thera', 'Cell'))}"
            f"{rng.choice(('ex', 'ica', 'on', 'ion', 'ix'))}"
        )
    return Organisation(
        name=f"Synthetic {label} {index}",
        kind=kind,
        country=country,
        region=region,
        city=name,
        lat=round(lat + rng.uniform(-0.03, 0.03), 5),
        lon=round(lon + rng.uniform(-0.05, 0.05), 5),
        topics=tuple(topics),
        sources=("synthetic",),
    )


def _communities(rng: random.Random, members: int) -> list[_Community]:
    low, high = COMMUNITY_SIZES
    sizes: list[int] = []
    remaining = members
    while remaining > 0:
        size = round(math.exp(rng.uniform(math.log(low), math.log(high))))
        if remaining - size < low:
            size = remaining
        sizes.append(size)
        remaining -= size
    if len(sizes) == 1:  # too small for two countries otherwise
        sizes = [sizes[0] // 2, sizes[0] - sizes[0] // 2]
    countries = ["DK", "SE"] + [
        "DK" if rng.random() < DK_COMMUNITY_SHARE else "SE" for _ in sizes[2:]
    ]
    by_country = {c: [i for i, x in enumerate(countries) if x == c] for c in ("DK", "SE")}
    result, start = [], 0
    for size, country in zip(sizes, countries, strict=True):
        others = by_country["SE" if country == "DK" else "DK"]
        partners = tuple(rng.sample(others, min(len(others), rng.randint(1, 2))))
        result.append(_Community(start, size, country, partners))
        start += size
    return result


def _project_plans(
    rng: random.Random, participations: int, communities: list[_Community]
) -> list[tuple[ProjectKind, int, int]]:
    """(kind, participants, home community) of each project, using exactly `participations`."""
    kinds = list(PROJECT_SHAPES)
    kind_cumulative = list(itertools.accumulate(s[0] for s in PROJECT_SHAPES.values()))
    size_cumulative = list(itertools.accumulate(c.size for c in communities))
    plans = []
    remaining = participations
    while remaining >= 2:
        kind = rng.choices(kinds, cum_weights=kind_cumulative)[0]
        _, mean_extra, most, *_ = PROJECT_SHAPES[kind]
        size = min(most, 2 + int(rng.expovariate(1.0 / mean_extra)), remaining)
        if remaining - size == 1:
            size = size + 1 if size < 15 else size - 1
        home = bisect.bisect(size_cumulative, rng.random() * size_cumulative[-1])
        plans.append((kind, size, min(home, len(communities) - 1)))
        remaining -= size
    return plans


def _synthetic_project(rng: random.Random, number: int, kind: ProjectKind) -> Project:
    year = rng.choices(YEARS, cum_weights=YEAR_WEIGHTS)[0]
    month = rng.randint(1, 12)
    if kind is ProjectKind.PUBLICATION:
        start = end = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
        label, programme = "publication", None
    elif kind is ProjectKind.TRIAL:
        start, end = f"{year}-{month:02d}", f"{year + rng.randint(1, 4)}-{month:02d}"
        label, programme = "trial", None
    else:
        start, end = f"{year}-{month:02d}", f"{year + rng.randint(3, 5)}-{month:02d}"
        label, programme = "EU project", "H2020" if year < 2021 else "Horizon Europe"
    return Project(
        name=f"Synthetic {label} {number}",
        kind=kind,
        programme=programme,
        start=start,
        end=end,
        topics=(rng.choice(TOPICS),),
    )


class _Picker:
    """Draws organisations: hubs of a community, other communities, bridges, loners, abroad."""

    def __init__(
        self,
        rng: random.Random,
        communities: list[_Community],
        first_loner: int,
        first_abroad: int,
    ) -> None:
        self.rng = rng
        self.communities = communities
        self.first_loner = first_loner
        self.first_abroad = first_abroad
        self.abroad_count = 0
        self._hub_weights: dict[int, list[float]] = {}
        self.size_cumulative = list(itertools.accumulate(c.size for c in communities))
        self.by_country = {
            country: [i for i, c in enumerate(communities) if c.country == country]
            for country in ("DK", "SE")
        }

    def community(self) -> int:
        """A community, bigger ones more often."""
        found = bisect.bisect(self.size_cumulative, self.rng.random() * self.size_cumulative[-1])
        return min(found, len(self.communities) - 1)

    def member(self, community: int) -> int:
        """An organisation of the community, hubs (low ranks) much more often."""
        c = self.communities[community]
        weights = self._hub_weights.get(c.size)
        if weights is None:
            weights = self._hub_weights[c.size] = list(
                itertools.accumulate(1.0 / (1 + r) ** HUB_EXPONENT for r in range(c.size))
            )
        rank = bisect.bisect(weights, self.rng.random() * weights[-1])
        return c.start + min(rank, c.size - 1)

    def same_country(self, community: int) -> int:
        """Another community of the same country (the same one if it is alone)."""
        options = self.by_country[self.communities[community].country]
        return options[self.rng.randrange(len(options))] if len(options) > 1 else community

    def across(self, community: int) -> int:
        """A community across the border, mostly one of its partners."""
        c = self.communities[community]
        if self.rng.random() < PARTNER_SHARE:
            return c.partners[self.rng.randrange(len(c.partners))]
        options = self.by_country["SE" if c.country == "DK" else "DK"]
        return options[self.rng.randrange(len(options))]

    def loner(self) -> int:
        return self.rng.randrange(self.first_loner, self.first_abroad)

    def abroad(self, total: int) -> int:
        # Preferential too: the first foreign organisations are the big partners.
        span = total - self.first_abroad
        return self.first_abroad + min(span - 1, int(span * self.rng.random() ** 2))


def _year(rng: random.Random) -> int:
    return rng.choices(YEARS, cum_weights=YEAR_WEIGHTS)[0]


def _direct_relations(picker: _Picker, orgs: list[Organisation], count: int) -> Iterator[Relation]:
    rng = picker.rng
    seen: set[int] = set()
    n = len(orgs)
    directed = {s for s in _SUBTYPES if s in DIRECTED_COLLAB_TYPES}
    emitted = 0
    while emitted < count:
        year = _year(rng)
        home = picker.community()
        a = picker.member(home)
        draw = rng.random()
        bridge = DIRECT_CROSS_BORDER * (0.6 + 0.8 * (year - YEARS[0]) / (YEARS[-1] - YEARS[0]))
        if draw < bridge:
            b = picker.member(picker.across(home))
        elif (draw := draw - bridge) < DIRECT_OTHER_COMMUNITY:
            b = picker.member(picker.same_country(home))
        elif (draw := draw - DIRECT_OTHER_COMMUNITY) < DIRECT_ABROAD:
            b = picker.abroad(n)
        elif draw - DIRECT_ABROAD < DIRECT_LONER:
            a, b = picker.loner(), a
        else:
            b = picker.member(home)
        if a == b:
            continue
        subtype = rng.choices(_SUBTYPES, cum_weights=_SUBTYPE_CUMULATIVE)[0]
        if subtype in directed:
            if rng.random() < 0.5:
                a, b = b, a
        elif b < a:
            a, b = b, a
        key = (a * n + b) * 8 + _SUBTYPES.index(subtype)
        if key in seen:
            continue
        seen.add(key)
        emitted += 1
        first, second = orgs[a], orgs[b]
        evidence = [_news_evidence(rng, emitted, 0, year, first, second)]
        if rng.random() < 0.2:  # corroborated later by a second source
            later = min(YEARS[-1], year + rng.randint(0, 3))
            evidence.append(_news_evidence(rng, emitted, 1, later, first, second))
        yield Relation(
            type=RelType.COLLABORATES_WITH,
            source=first.id,
            target=second.id,
            subtype=subtype,
            evidence=evidence,
        )


def _news_evidence(
    rng: random.Random, number: int, copy: int, year: int, a: Organisation, b: Organisation
) -> Evidence:
    return Evidence(
        source=f"doc:synthetic-news-{number}-{copy}",
        text=f"{a.name} and {b.name} announced a collaboration.",
        date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        confidence=round(rng.uniform(0.4, 1.0), 3),
        extractor="synthetic",
        extractor_version="1",
    )


def _participations(
    picker: _Picker,
    orgs: list[Organisation],
    project: Project,
    kind: ProjectKind,
    size: int,
    home: int,
) -> Iterator[Relation]:
    rng = picker.rng
    _, _, _, elsewhere, across, abroad = PROJECT_SHAPES[kind]
    year = int((project.start or "2018")[:4])
    across *= 0.6 + 0.8 * (year - YEARS[0]) / (YEARS[-1] - YEARS[0])
    members: list[int] = []
    attempts = 0
    while len(members) < size:
        attempts += 1
        draw = rng.random()
        if draw < across:
            org = picker.member(picker.across(home))
        elif draw < across + abroad:
            org = picker.abroad(len(orgs))
        elif draw < across + abroad + elsewhere:
            org = picker.member(picker.same_country(home))
        elif attempts > 20 * size:  # a small community already fully in the project
            org = rng.randrange(picker.first_loner)
        else:
            org = picker.member(home)
        if org not in members:
            members.append(org)
    first_role, other_role = PROJECT_ROLES[kind]
    source = f"registry:synthetic-{kind.value}-{project.id.rsplit('-', 1)[-1]}"
    for position, org in enumerate(members):
        yield Relation(
            type=RelType.PARTICIPATES_IN,
            source=orgs[org].id,
            target=project.id,
            role=first_role if position == 0 else other_role,
            start=project.start,
            end=project.end,
            evidence=[
                Evidence(
                    source=source,
                    date=project.start,
                    confidence=1.0 if kind is not ProjectKind.PUBLICATION else 0.9,
                    extractor="synthetic",
                    extractor_version="1",
                )
            ],
        )
