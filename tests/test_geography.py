"""The gazetteer: every Danish and Swedish municipality, correct regions and coordinates, and
`locate` for the forms in which registries write a city; `enrich` sets region and Place."""

from __future__ import annotations

import csv
import time
from collections import Counter
from math import asin, cos, radians, sin, sqrt
from pathlib import Path

import pytest

from graph.model import Organisation, OrgKind, Place, PlaceKind
from ingest.demo import demo_data_dir
from ingest.errors import RecordError
from ingest.geography import (
    BOUNDS,
    CLUSTER_REGIONS,
    DK_REGIONS,
    SE_REGIONS,
    Gazetteer,
    Locality,
    default_gazetteer,
    enrich,
    gazetteer_path,
    place_for,
    region_of,
)

# How many municipalities each region has (Danish regions since 2007, Swedish län since 2007).
MUNICIPALITIES_PER_REGION = {
    "Region Hovedstaden": 29,
    "Region Sjælland": 17,
    "Region Syddanmark": 22,
    "Region Midtjylland": 19,
    "Region Nordjylland": 11,
    "Stockholms län": 26,
    "Uppsala län": 8,
    "Södermanlands län": 9,
    "Östergötlands län": 13,
    "Jönköpings län": 13,
    "Kronobergs län": 8,
    "Kalmar län": 12,
    "Gotlands län": 1,
    "Blekinge län": 5,
    "Skåne län": 33,
    "Hallands län": 6,
    "Västra Götalands län": 49,
    "Värmlands län": 16,
    "Örebro län": 12,
    "Västmanlands län": 10,
    "Dalarnas län": 15,
    "Gävleborgs län": 10,
    "Västernorrlands län": 7,
    "Jämtlands län": 8,
    "Västerbottens län": 15,
    "Norrbottens län": 14,
}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


def _km(a: Locality, b: Locality) -> float:
    lat1, lon1, lat2, lon2 = map(radians, (a.lat, a.lon, b.lat, b.lon))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 12742 * asin(sqrt(h))


# ---------------------------------------------------------------------------- the data


def test_every_municipality_of_both_countries_is_there(gaz: Gazetteer) -> None:
    assert len(gaz.municipalities("DK")) == 98
    assert len(gaz.municipalities("SE")) == 290
    per_region = Counter(m.region for m in gaz.municipalities())
    assert per_region == MUNICIPALITIES_PER_REGION
    names = Counter((m.country, m.name) for m in gaz.municipalities())
    assert [n for n, count in names.items() if count > 1] == []
    for name in ("København", "Frederiksberg", "Lyngby-Taarbæk", "Aarhus", "Aabenraa"):
        assert gaz.locate(name, "DK").kind == "municipality"
    for name in ("Malmö", "Lund", "Östra Göinge", "Upplands-Bro", "Malung-Sälen", "Gotland"):
        assert gaz.locate(name, "SE").kind == "municipality"


def test_regions_are_official_and_towns_agree_with_their_municipality(gaz: Gazetteer) -> None:
    assert len(SE_REGIONS) == 21 and len(DK_REGIONS) == 5
    municipalities = {(m.country, m.name): m for m in gaz.municipalities()}
    for loc in gaz:
        assert loc.region in (DK_REGIONS if loc.country == "DK" else SE_REGIONS), loc
        home = municipalities[(loc.country, loc.municipality)]
        assert home.region == loc.region, loc
        # A town lies near its municipality's main town (Skagen and Nexø are the farthest).
        assert _km(loc, home) < 40, loc


def test_coordinates_lie_inside_their_country(gaz: Gazetteer) -> None:
    assert BOUNDS == {"DK": (54.5, 57.8, 8.0, 15.2), "SE": (55.3, 69.1, 10.9, 24.2)}
    for loc in gaz:
        south, north, west, east = BOUNDS[loc.country]
        assert south <= loc.lat <= north and west <= loc.lon <= east, loc
    # Swapped latitude/longitude or a wrong country would move a place far from its neighbours.
    municipalities = gaz.municipalities()
    for m in municipalities:
        nearest = min(_km(m, o) for o in municipalities if o is not m)
        assert nearest < 110, m  # Gotland's Visby is 99 km from Västervik


def test_csv_has_the_documented_columns_and_no_duplicate_spellings(gaz: Gazetteer) -> None:
    with gazetteer_path().open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == [
            "name",
            "aliases",
            "kind",
            "municipality",
            "region",
            "country",
            "lat",
            "lon",
        ]
        rows = list(reader)
    assert len(rows) == len(gaz)
    assert {r["kind"] for r in rows} == {"municipality", "town"}
    for row in rows:
        for value in (row["lat"], row["lon"]):
            decimals = value.split(".")[1]
            assert 3 <= len(decimals) <= 4, row
    spellings: Counter[tuple[str, str]] = Counter()
    for loc in gaz:
        for name in {n.casefold() for n in gaz.names_of(loc)}:
            spellings[(loc.country, name)] += 1
    assert [s for s, count in spellings.items() if count > 1] == []


def test_medicon_valley_is_skane_capital_region_and_zealand(gaz: Gazetteer) -> None:
    assert CLUSTER_REGIONS == {
        "Skåne län": "Skåne",
        "Region Hovedstaden": "Capital Region",
        "Region Sjælland": "Zealand",
    }
    inside = [m for m in gaz.municipalities() if m.in_medicon_valley]
    assert len(inside) == 33 + 29 + 17
    for loc in gaz:
        assert loc.in_medicon_valley == (loc.cluster_region != "elsewhere")


# ---------------------------------------------------------------------------- locate


@pytest.mark.parametrize(
    ("city", "country", "name", "cluster"),
    [
        ("Lund", "SE", "Lund", "Skåne"),
        ("Malmö", "SE", "Malmö", "Skåne"),
        ("Helsingborg", "SE", "Helsingborg", "Skåne"),
        ("Alnarp", "SE", "Alnarp", "Skåne"),
        ("København", "DK", "København", "Capital Region"),
        ("Copenhagen", "DK", "København", "Capital Region"),
        ("2100 København Ø", "DK", "København", "Capital Region"),
        ("Frederiksberg", "DK", "Frederiksberg", "Capital Region"),
        ("Bagsværd", "DK", "Bagsværd", "Capital Region"),
        ("Hørsholm", "DK", "Hørsholm", "Capital Region"),
        ("Lyngby", "DK", "Kongens Lyngby", "Capital Region"),
        ("Roskilde", "DK", "Roskilde", "Zealand"),
        ("Køge", "DK", "Køge", "Zealand"),
        ("Kalundborg", "DK", "Kalundborg", "Zealand"),
        ("Næstved", "DK", "Næstved", "Zealand"),
    ],
)
def test_medicon_valley_places(city: str, country: str, name: str, cluster: str) -> None:
    loc = default_gazetteer().locate(city, country)
    assert loc is not None, city
    assert (loc.name, loc.cluster_region, loc.in_medicon_valley) == (name, cluster, True)


@pytest.mark.parametrize(
    ("city", "country", "region"),
    [
        ("Aarhus", "DK", "Region Midtjylland"),
        ("Odense", "DK", "Region Syddanmark"),
        ("Aalborg", "DK", "Region Nordjylland"),
        ("Stockholm", "SE", "Stockholms län"),
        ("Solna", "SE", "Stockholms län"),
        ("Uppsala", "SE", "Uppsala län"),
        ("Göteborg", "SE", "Västra Götalands län"),
        ("Gothenburg", "SE", "Västra Götalands län"),
        ("Mölndal", "SE", "Västra Götalands län"),
        ("Halmstad", "SE", "Hallands län"),
    ],
)
def test_places_outside_medicon_valley(city: str, country: str, region: str) -> None:
    loc = default_gazetteer().locate(city, country)
    assert loc is not None, city
    assert (loc.region, loc.in_medicon_valley, loc.cluster_region) == (region, False, "elsewhere")


@pytest.mark.parametrize(
    ("city", "country", "name"),
    [
        ("SE-221 00 Lund", "SE", "Lund"),
        ("SE-221 00 Lund", None, "Lund"),
        ("221 00 LUND", "SE", "Lund"),
        ("S-223 81 Lund", None, "Lund"),
        ("Lund 223 81", "Sweden", "Lund"),
        ("Lund,", "Sverige", "Lund"),
        ("Malmo", "SE", "Malmö"),
        ("Malmoe", None, "Malmö"),
        ("MALMÖ", "se", "Malmö"),
        ("Malmö C", "SE", "Malmö"),
        ("2880 Bagsværd", "DK", "Bagsværd"),
        ("DK-2880 Bagsvaerd", None, "Bagsværd"),
        ("København Ø", "DK", "København"),
        ("København NV", "DK", "København"),
        ("Kobenhavn K", "Denmark", "København"),
        ("Copenhagen N", None, "København"),
        ("Copenhagen East", "DK", "København"),
        ("1165 COPENHAGEN K", "DK", "København"),
        ("Frederiksberg C", "DK", "Frederiksberg"),
        ("1870 Frederiksberg C", "Danmark", "Frederiksberg"),
        ("Kgs. Lyngby", "DK", "Kongens Lyngby"),
        ("2800 Kgs. Lyngby", "DK", "Kongens Lyngby"),
        ("Aarhus C", "DK", "Aarhus"),
        ("Århus N", "DK", "Aarhus"),
        ("Odense M", "DK", "Odense"),
        ("Elsinore", None, "Helsingør"),
        ("Helsingor", "DK", "Helsingør"),
        ("Koebenhavns Kommune", "DK", "København"),
        ("Medicon Village, Scheelevägen 2, 223 81 Lund, Sweden", None, "Lund"),
        ("Novo Allé 1, 2880 Bagsværd", "DK", "Bagsværd"),
        ("  hørsholm ", "DK", "Hørsholm"),
        ("Hoganas", "SE", "Höganäs"),
    ],
)
def test_postal_and_spelling_variants(city: str, country: str | None, name: str) -> None:
    loc = default_gazetteer().locate(city, country)
    assert loc is not None, city
    assert loc.name == name


@pytest.mark.parametrize(
    ("city", "country"),
    [
        ("Atlantis", "DK"),
        ("Springfield", None),
        ("2880", "DK"),
        ("", "DK"),
        (None, "SE"),
        ("Lund", "DK"),  # Lund is Swedish
        ("Bagsværd", "SE"),
        ("Lund", "NO"),  # another country is never matched
        ("Oslo", "Norway"),
        ("Cambridge", "GB"),
        ("Lund", "Atlantis"),  # an unknown country is not ignored
    ],
)
def test_unknown_towns_and_wrong_countries_give_none(city: str | None, country: str | None) -> None:
    assert default_gazetteer().locate(city, country) is None


def test_exact_spelling_wins_over_folded_spelling(gaz: Gazetteer) -> None:
    # Håbo (Uppsala län) and Habo (Jönköpings län) are spelt the same in ASCII.
    assert gaz.locate("Håbo", None).region == "Uppsala län"
    assert gaz.locate("Habo", None).region == "Jönköpings län"
    assert gaz.locate("HÅBO", "SE").region == "Uppsala län"
    assert gaz.locate("Haabo", "SE") is None  # could be either


def test_a_name_of_both_countries_needs_a_country(tmp_path: Path) -> None:
    # The bundled gazetteer has no name that is both Danish and Swedish (checked below), so
    # ambiguity is tested on a small gazetteer with a Lund in each country.
    both = {loc.name for loc in default_gazetteer() if loc.country == "DK"} & {
        loc.name for loc in default_gazetteer() if loc.country == "SE"
    }
    assert both == set()
    assert default_gazetteer().locate("Frederikssund", None).country == "DK"
    assert default_gazetteer().locate("Kristianstad", None).country == "SE"

    path = tmp_path / "places.csv"
    path.write_text(
        "name,aliases,kind,municipality,region,country,lat,lon\n"
        "Lund,,municipality,Lund,Skåne län,SE,55.7047,13.1910\n"
        "Horsens,,municipality,Horsens,Region Midtjylland,DK,55.8607,9.8503\n"
        "Lund,Lund ved Horsens,town,Horsens,Region Midtjylland,DK,55.8970,9.7530\n",
        encoding="utf-8",
    )
    small = Gazetteer.load(path)
    assert len(small) == 3
    assert small.locate("Lund", None) is None
    assert small.locate("SE-223 81 Lund", None).country == "SE"  # the postcode prefix decides
    assert small.locate("Lund", "SE").region == "Skåne län"
    assert small.locate("Lund", "DK").municipality == "Horsens"
    assert small.locate("Lund ved Horsens", None).country == "DK"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("Lund,,municipality,Lund,Skånes län,SE,55.70,13.19", "not a region of SE"),
        ("Lund,,municipality,Lund,Region Hovedstaden,SE,55.70,13.19", "not a region of SE"),
        ("Lund,,municipality,Lund,Skåne län,NO,55.70,13.19", "country must be DK or SE"),
        ("Lund,,city,Lund,Skåne län,SE,55.70,13.19", "kind must be"),
        ("Lund,,municipality,Lund,Skåne län,SE,13.19,55.70", "outside SE"),
        ("Lund,,municipality,Lund,Skåne län,SE,,13.19", "must be numbers"),
        ("Lund,,municipality,Malmö,Skåne län,SE,55.70,13.19", "another municipality"),
    ],
)
def test_bad_gazetteer_rows_are_refused(tmp_path: Path, row: str, problem: str) -> None:
    path = tmp_path / "places.csv"
    path.write_text(
        f"name,aliases,kind,municipality,region,country,lat,lon\n{row}\n", encoding="utf-8"
    )
    with pytest.raises(RecordError, match=problem):
        Gazetteer.load(path)


def test_every_danish_and_swedish_demo_city_is_located(gaz: Gazetteer) -> None:
    with (demo_data_dir() / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["country"] in ("DK", "SE") and r["city"]]
    assert rows
    missing = [
        (r["city"], r["country"]) for r in rows if gaz.locate(r["city"], r["country"]) is None
    ]
    assert missing == []


def test_default_gazetteer_is_cached_and_quick() -> None:
    default_gazetteer.cache_clear()
    started = time.perf_counter()
    first = default_gazetteer()
    assert time.perf_counter() - started < 2.0
    assert default_gazetteer() is first


# ---------------------------------------------------------------------------- organisations


def test_enrich_sets_cluster_region_coordinates_and_place() -> None:
    org = Organisation(
        name="Novo Nordisk A/S", kind=OrgKind.COMPANY, country="DK", city="2880 Bagsværd"
    )
    enriched, place = enrich(org, default_gazetteer())
    assert enriched.region == "Capital Region"
    assert (enriched.lat, enriched.lon) == (55.7614, 12.4536)
    assert enriched.id == org.id and enriched.name == org.name and enriched.city == org.city
    assert org.region is None  # the input is not changed
    assert isinstance(place, Place)
    assert (place.name, place.kind, place.country, place.region) == (
        "Bagsværd",
        PlaceKind.CITY,
        "DK",
        "Region Hovedstaden",
    )
    assert place.id == "place:dk:city:bagsvaerd"


def test_enrich_keeps_own_coordinates_and_uses_admin_region_outside_the_cluster() -> None:
    org = Organisation(
        name="Uppsala universitet", country="SE", city="Uppsala", lat=59.85, lon=17.63
    )
    enriched, place = enrich(org, default_gazetteer())
    assert enriched.region == "Uppsala län"
    assert (enriched.lat, enriched.lon) == (59.85, 17.63)
    assert place is not None and place.name == "Uppsala" and place.lat == 59.8586


def test_enrich_fills_country_of_a_unique_town_and_zealand() -> None:
    org = Organisation(name="Roskilde Universitet", city="Roskilde", region="Sjælland")
    enriched, place = enrich(org)
    assert (enriched.country, enriched.region) == ("DK", "Zealand")
    assert place is not None and place.region == "Region Sjælland"
    lund = enrich(Organisation(name="Lunds universitet", country="SE", city="Lund"))[0]
    assert lund.region == "Skåne"


def test_enrich_leaves_unknown_places_alone() -> None:
    org = Organisation(name="Acme", country="US", city="Boston", region="Massachusetts")
    assert enrich(org, default_gazetteer()) == (org, None)
    no_city = Organisation(name="Acme ApS", country="DK")
    assert enrich(no_city) == (no_city, None)


def test_region_of_and_place_for() -> None:
    org = Organisation(name="Ferring", country="DK", city="Kastrup")
    loc = region_of(org)
    assert (
        loc is not None and loc.municipality == "Tårnby" and loc.cluster_region == "Capital Region"
    )
    place = place_for(loc)
    assert (place.name, place.lat, place.lon) == ("Kastrup", loc.lat, loc.lon)
    assert region_of(Organisation(name="Nobody", country="SE", city="Atlantis")) is None
