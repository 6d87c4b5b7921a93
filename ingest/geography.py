"""Where an organisation is: its town, municipality, administrative region and cluster region.

Registries write a city in many forms: "2880 Bagsværd", "SE-221 00 Lund", "221 00 LUND",
"København Ø", "Copenhagen N", "Kgs. Lyngby", "Malmo". `Gazetteer.locate` maps each of them to a
`Locality` from the bundled gazetteer (`ingest/data/gazetteer/places.csv`: every Danish and
Swedish municipality plus towns that appear in life-science addresses), which says whether the
place lies in Medicon Valley: Region Skåne, the Capital Region of Denmark (Region Hovedstaden)
or Region Zealand (Region Sjælland).

Matching is case-insensitive and tolerant of missing or transliterated diacritics, but a spelling
that keeps its diacritics is tried first, so that "Håbo" (Uppsala län) and "Habo" (Jönköpings
län), which fold to the same ASCII, stay apart. Without a country a name resolves only if it is
unique across Denmark and Sweden.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from graph.normalize import fold_diacritics
from ingest.errors import RecordError

if TYPE_CHECKING:
    from graph.model import Organisation, Place

COUNTRIES = ("DK", "SE")

DK_REGIONS = frozenset(
    {
        "Region Hovedstaden",
        "Region Sjælland",
        "Region Syddanmark",
        "Region Midtjylland",
        "Region Nordjylland",
    }
)
SE_REGIONS = frozenset(
    {
        "Stockholms län",
        "Uppsala län",
        "Södermanlands län",
        "Östergötlands län",
        "Jönköpings län",
        "Kronobergs län",
        "Kalmar län",
        "Gotlands län",
        "Blekinge län",
        "Skåne län",
        "Hallands län",
        "Västra Götalands län",
        "Värmlands län",
        "Örebro län",
        "Västmanlands län",
        "Dalarnas län",
        "Gävleborgs län",
        "Västernorrlands län",
        "Jämtlands län",
        "Västerbottens län",
        "Norrbottens län",
    }
)
REGIONS: dict[str, frozenset[str]] = {"DK": DK_REGIONS, "SE": SE_REGIONS}

# The administrative regions that make up Medicon Valley, and the name the graph gives each.
SKANE = "Skåne"
CAPITAL_REGION = "Capital Region"
ZEALAND = "Zealand"
ELSEWHERE = "elsewhere"
CLUSTER_REGIONS: dict[str, str] = {
    "Skåne län": SKANE,
    "Region Hovedstaden": CAPITAL_REGION,
    "Region Sjælland": ZEALAND,
}

KINDS = frozenset({"municipality", "town"})
_COLUMNS = ("name", "aliases", "kind", "municipality", "region", "country", "lat", "lon")
# Generous boxes around each country (Bornholm and Christiansø included); a coordinate outside
# its country's box is a typo in the gazetteer.
BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "DK": (54.5, 57.8, 8.0, 15.2),
    "SE": (55.3, 69.1, 10.9, 24.2),
}

# Trailing words that name a postal district or part of a town rather than the town itself:
# "København Ø", "Copenhagen NV", "Aarhus C", "Aalborg Øst", "Malmö C", "Copenhagen East".
_DISTRICT_SUFFIXES = frozenset(
    {
        "c",
        "k",
        "m",
        "n",
        "s",
        "v",
        "o",
        "e",
        "w",
        "nv",
        "no",
        "nw",
        "ne",
        "sv",
        "so",
        "sw",
        "se",
        "ost",
        "vest",
        "nord",
        "syd",
        "vast",
        "norr",
        "sodra",
        "east",
        "west",
        "north",
        "south",
        "city",
        "centrum",
        "center",
        "centre",
        "central",
    }
)
_MUNICIPALITY_WORDS = frozenset({"kommune", "kommun", "municipality", "stad"})
# Country names that registries write after the town ("Lund Sweden") or in the country field.
_COUNTRY_WORDS = {
    "dk": "DK",
    "denmark": "DK",
    "danmark": "DK",
    "se": "SE",
    "sweden": "SE",
    "sverige": "SE",
}
# "DK-2880 Bagsværd", "SE-221 00 Lund", "S-221 00 Lund", "2100 København Ø", "221 00 LUND".
_LEADING_POSTCODE = re.compile(r"^(?:(dk|se|s)\s+)?\d[\d ]*\s+(?=\D)")
_TRAILING_POSTCODE = re.compile(r"(?<=\D)\s+(?:(dk|se|s)\s+)?\d[\d ]*$")
_NON_ALNUM = re.compile(r"[^\w]+")
_ASCII_PAIRS = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))


@dataclass(frozen=True, slots=True)
class Locality:
    """A town or municipality of the gazetteer, with its place in Medicon Valley."""

    name: str
    municipality: str
    region: str
    country: str
    lat: float
    lon: float
    in_medicon_valley: bool
    cluster_region: str
    kind: str = "town"


def cluster_region_of(region: str) -> str:
    """The cluster region of an administrative region: Skåne, Capital Region, Zealand or
    elsewhere."""
    return CLUSTER_REGIONS.get(region, ELSEWHERE)


# ---------------------------------------------------------------------------- keys


def _spaced(text: str) -> str:
    """Lower case, NFC, punctuation to single spaces: the spelling as written, diacritics kept."""
    lowered = unicodedata.normalize("NFC", text).casefold().replace("_", " ")
    return " ".join(_NON_ALNUM.sub(" ", lowered).split())


def _ascii(spaced: str) -> str:
    """The ASCII key: "København", "Koebenhavn" and "Kobenhavn" all give "kobenhavn"."""
    key = " ".join(_NON_ALNUM.sub(" ", fold_diacritics(spaced)).split())
    for pair, single in _ASCII_PAIRS:
        key = key.replace(pair, single)
    return key


def _variants(spaced: str) -> Iterator[str]:
    """The spelling itself, then without a district suffix or a "kommune"/"kommun" word."""
    yield spaced
    words = spaced.split()
    if len(words) > 1 and _ascii(words[-1]) in _DISTRICT_SUFFIXES:
        yield " ".join(words[:-1])
    if len(words) > 1 and words[-1] in _MUNICIPALITY_WORDS:
        stem = " ".join(words[:-1])
        yield stem
        if stem.endswith("s"):  # "Københavns Kommune", "Lunds kommun"
            yield stem[:-1]


def _strip_postcodes(spaced: str) -> tuple[str, str | None]:
    """Remove leading and trailing postcodes; return the rest and a country the prefix names."""
    hint: str | None = None
    match = _LEADING_POSTCODE.match(spaced)
    if match:
        hint = "DK" if match.group(1) == "dk" else "SE" if match.group(1) else None
        spaced = spaced[match.end() :]
    match = _TRAILING_POSTCODE.search(spaced)
    if match:
        if match.group(1):
            hint = hint or ("DK" if match.group(1) == "dk" else "SE")
        spaced = spaced[: match.start()]
    words = spaced.split()
    if len(words) > 1 and words[-1] in _COUNTRY_WORDS:  # "Lund Sweden"
        hint = hint or _COUNTRY_WORDS[words[-1]]
        spaced = " ".join(words[:-1])
    return spaced.strip(), hint


def _country_code(country: str | None) -> str | None:
    """DK or SE for any spelling of either; "" for another country; None when not given."""
    if country is None or not country.strip():
        return None
    key = _ascii(_spaced(country))
    if key.upper() in COUNTRIES:
        return key.upper()
    if key in _COUNTRY_WORDS:
        return _COUNTRY_WORDS[key]
    from ingest.countries import to_alpha2  # pycountry: only for the rare unusual spelling

    try:
        code = to_alpha2(country)
    except ValueError:
        return ""
    return code if code in COUNTRIES else ""


# ---------------------------------------------------------------------------- gazetteer


def gazetteer_path() -> Path:
    return Path(str(files("ingest") / "data" / "gazetteer" / "places.csv"))


class Gazetteer:
    """Towns and municipalities of Denmark and Sweden, looked up by any spelling of their name."""

    def __init__(
        self,
        localities: Iterable[Locality],
        aliases: Mapping[Locality, Iterable[str]] | None = None,
    ) -> None:
        self.localities: tuple[Locality, ...] = tuple(localities)
        self._exact: dict[str, list[Locality]] = {}
        self._folded: dict[str, list[Locality]] = {}
        self._names: dict[Locality, tuple[str, ...]] = {}
        for locality in self.localities:
            extra = (aliases or {}).get(locality, ())
            self._add(locality, dict.fromkeys((locality.name, *extra)))

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """Read the gazetteer CSV (the bundled one by default), checking every row."""
        source = Path(path) if path is not None else gazetteer_path()
        localities: list[Locality] = []
        aliases: dict[Locality, tuple[str, ...]] = {}
        with source.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise RecordError(str(source), f"missing column(s) {', '.join(missing)}")
            for line, row in enumerate(reader, start=2):
                locality = _parse_row(row, f"{source.name}:{line}")
                if locality in aliases:
                    raise RecordError(where=f"{source.name}:{line}", reason="duplicate row")
                localities.append(locality)
                aliases[locality] = tuple(
                    a.strip() for a in (row["aliases"] or "").split("|") if a.strip()
                )
        return cls(localities, aliases)

    def _add(self, locality: Locality, names: Iterable[str]) -> None:
        self._names[locality] = tuple(names)
        for name in self._names[locality]:
            spaced = _spaced(name)
            for index, key in ((self._exact, spaced), (self._folded, _ascii(spaced))):
                bucket = index.setdefault(key, [])
                if locality not in bucket:
                    bucket.append(locality)

    def names_of(self, locality: Locality) -> tuple[str, ...]:
        """The name and aliases under which `locality` is found."""
        return self._names.get(locality, (locality.name,))

    def __len__(self) -> int:
        return len(self.localities)

    def __iter__(self) -> Iterator[Locality]:
        return iter(self.localities)

    def municipalities(self, country: str | None = None) -> list[Locality]:
        return [
            loc
            for loc in self.localities
            if loc.kind == "municipality" and (country is None or loc.country == country)
        ]

    def locate(self, city: str | None, country: str | None = None) -> Locality | None:
        """The locality that `city` (as a registry writes it) names in `country`, or None.

        `country` may be a code or a name ("DK", "Sverige"); another country gives None. With
        no country, a name resolves only if it is unique across Denmark and Sweden, unless a
        postcode prefix ("DK-", "SE-") says which.
        """
        if not city or not city.strip():
            return None
        code = _country_code(country)
        if code == "":
            return None
        whole = _spaced(city)
        # "Medicon Village, 223 81 Lund, Sweden": the town is usually the last part that is one.
        parts = [whole] + [p for p in (_spaced(p) for p in reversed(city.split(","))) if p]
        for part in dict.fromkeys(parts):
            found = self._locate_part(part, code)
            if found is not None:
                return found
        return None

    def _locate_part(self, spaced: str, country: str | None) -> Locality | None:
        if not spaced:
            return None
        text, hint = _strip_postcodes(spaced)
        if not text or text.isdigit():
            return None
        if country is None:
            country = hint
        for variant in _variants(text):
            for index, key in ((self._exact, variant), (self._folded, _ascii(variant))):
                candidates = index.get(key)
                if not candidates:
                    continue
                if country is not None:
                    candidates = [c for c in candidates if c.country == country]
                if not candidates:
                    continue
                return _one(candidates)
        return None


def _one(candidates: list[Locality]) -> Locality | None:
    """The single place that all candidates are, or None when they are different places."""
    first = candidates[0]
    if all(
        (c.country, c.municipality, c.region) == (first.country, first.municipality, first.region)
        for c in candidates
    ):
        # One municipality: prefer the town named (e.g. a town over its municipality's row).
        towns = [c for c in candidates if c.kind == "town"]
        return towns[0] if len(towns) == 1 else first
    return None


def _parse_row(row: dict[str, str], where: str) -> Locality:
    name = (row.get("name") or "").strip()
    if not name:
        raise RecordError(where, "empty name")
    kind = (row.get("kind") or "").strip()
    if kind not in KINDS:
        raise RecordError(where, f"kind must be municipality or town, got {kind!r}")
    country = (row.get("country") or "").strip()
    if country not in REGIONS:
        raise RecordError(where, f"country must be DK or SE, got {country!r}")
    region = (row.get("region") or "").strip()
    if region not in REGIONS[country]:
        raise RecordError(where, f"{region!r} is not a region of {country}")
    municipality = (row.get("municipality") or "").strip() or name
    if kind == "municipality" and municipality != name:
        raise RecordError(where, f"a municipality row names another municipality ({municipality})")
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError):
        raise RecordError(
            where, f"lat/lon must be numbers, got {row.get('lat')!r}, {row.get('lon')!r}"
        ) from None
    south, north, west, east = BOUNDS[country]
    if not (south <= lat <= north and west <= lon <= east):
        raise RecordError(where, f"({lat}, {lon}) lies outside {country}")
    cluster = cluster_region_of(region)
    return Locality(
        name=name,
        municipality=municipality,
        region=region,
        country=country,
        lat=lat,
        lon=lon,
        in_medicon_valley=cluster != ELSEWHERE,
        cluster_region=cluster,
        kind=kind,
    )


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer, read once per process."""
    return Gazetteer.load()


# ---------------------------------------------------------------------------- organisations


def region_of(org: Organisation, gazetteer: Gazetteer | None = None) -> Locality | None:
    """The locality of an organisation's city (in its country), or None if unknown."""
    return (gazetteer or default_gazetteer()).locate(org.city, org.country)


def place_for(locality: Locality) -> Place:
    """The city Place node that an organisation in `locality` is LOCATED_IN."""
    from graph.model import Place, PlaceKind

    return Place(
        name=locality.name,
        kind=PlaceKind.CITY,
        country=locality.country,
        region=locality.region,
        lat=locality.lat,
        lon=locality.lon,
    )


def enrich(
    org: Organisation, gazetteer: Gazetteer | None = None
) -> tuple[Organisation, Place | None]:
    """The organisation with region (and missing country and coordinates) from its city.

    `region` becomes the cluster region ("Skåne", "Capital Region", "Zealand") inside Medicon
    Valley and the administrative region elsewhere. Coordinates the organisation already has are
    kept. The Place is the target of its LOCATED_IN relation; None when the city is unknown, in
    which case the organisation is returned unchanged.
    """
    locality = region_of(org, gazetteer)
    if locality is None:
        return org, None
    region = locality.cluster_region if locality.in_medicon_valley else locality.region
    has_coordinates = org.lat is not None and org.lon is not None
    enriched = replace(
        org,
        region=region,
        country=org.country or locality.country,
        lat=org.lat if has_coordinates else locality.lat,
        lon=org.lon if has_coordinates else locality.lon,
    )
    return enriched, place_for(locality)
