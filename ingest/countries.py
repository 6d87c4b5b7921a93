"""Country names and codes of every source, to ISO 3166 alpha-2.

CORDIS writes UK for GB and EL for GR; Danish and Swedish registries write country names in
their own languages ("Danmark", "Sverige", "Tyskland", "Förenade kungariket"). pycountry ships
the ISO list and its translations, so this works offline.
"""

from __future__ import annotations

import functools
import gettext

from graph.normalize import fold_diacritics
from ingest.errors import RecordError

# Codes that sources use although ISO 3166 does not (EU and CORDIS conventions).
_CODE_ALIASES = {"UK": "GB", "EL": "GR", "KO": "XK", "XK": "XK"}
# Names in everyday use that no translation table lists.
_EXTRA_NAMES = {
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "great britain": "GB",
    "storbritannien": "GB",
    "usa": "US",
    "u s a": "US",
    "united states of america": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "nederlandene": "NL",
    "south korea": "KR",
    "korea republic of": "KR",
    "russia": "RU",
    "czech republic": "CZ",
    "tjekkiet": "CZ",
    "tjeckien": "CZ",
    "iran": "IR",
    "turkey": "TR",
    "vietnam": "VN",
    "taiwan": "TW",
}
_LANGUAGES = ("da", "sv", "de", "fr", "nb", "fi", "es", "it", "nl")


def _key(name: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold_diacritics(name)).split())


@functools.cache
def _name_index() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in _LANGUAGES
    ]
    for country in pycountry.countries:
        names = {country.name, getattr(country, "official_name", country.name)}
        names |= {getattr(country, "common_name", country.name)}
        for name in list(names):
            names |= {t.gettext(name) for t in translations}
        for name in names:
            index.setdefault(_key(name), country.alpha_2)
    for name, code in _EXTRA_NAMES.items():
        index[_key(name)] = code
    return index


@functools.cache
def _codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def to_alpha2(value: str | None, *, where: str = "record") -> str | None:
    """ISO alpha-2 code of a code or name in any of the sources' conventions; None if empty.

    Raises RecordError naming `where` for a value that is no known country.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    upper = text.upper()
    if len(text) == 2 and text.isalpha():
        code = _CODE_ALIASES.get(upper, upper)
        if code in _codes():
            return code
    if len(text) == 3 and text.isalpha():
        import pycountry

        found = pycountry.countries.get(alpha_3=upper)
        if found is not None:
            return found.alpha_2
    code = _name_index().get(_key(text))
    if code is None:
        raise RecordError(
            where, f"unknown country {value!r}: give an ISO 3166 code or a country name"
        )
    return code
