"""A generated graph of any size, for benchmarks and scale tests (never for the demo).

Deterministic for a given seed: organisations spread over real cities of the region and a few
abroad, collaborations with dated, sourced evidence. Names are clearly synthetic.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

from graph.model import CollabType, Evidence, Organisation, OrgKind, Relation, RelType

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
