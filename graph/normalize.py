"""Name normalisation shared by ids, entity resolution and linking.

Nordic sources spell the same organisation with and without diacritics ("Københavns",
"Koebenhavns", "Kobenhavns") and with or without a legal form ("Genmab A/S", "Genmab").
`normalise_name` maps all of these to one comparable key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Letters that do not decompose under NFKD; ASCII spellings used in Nordic registries.
_TRANSLITERATION = str.maketrans(
    {
        "æ": "ae",
        "ø": "oe",
        "å": "aa",
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "đ": "d",
    }
)

# Two-letter ASCII spellings that the transliteration above produces, folded once more so that
# "Kobenhavn" (diacritic dropped) and "Koebenhavn" (transliterated) meet in the same key.
_ASCII_FOLDS = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))

# Legal forms, longest first so that "ab publ" is removed before "ab".
LEGAL_FORMS: tuple[str, ...] = (
    "ekonomisk forening",
    "ekonomisk foren",
    "ek forening",
    "ek for",
    "ideell forening",
    "handelsbolag",
    "kommanditbolag",
    "aktieselskab",
    "aktiebolag",
    "aktiebolaget",
    "anpartsselskab",
    "ab publ",
    "a s",
    "a/s",
    "aps",
    "i s",
    "i/s",
    "p s",
    "p/s",
    "k s",
    "k/s",
    "amba",
    "a m b a",
    "smba",
    "ab",
    "hb",
    "kb",
    "asa",
    "as",
    "oy",
    "oyj",
    "gmbh",
    "ag",
    "se",
    "sa",
    "nv",
    "bv",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "plc",
    "co",
)
_LEGAL_FORM_RE = re.compile(
    r"(?:\s+(?:"
    + "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
    + r"))+$"
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold_diacritics(text: str) -> str:
    """Lower-case `text` and spell it in ASCII, transliterating Nordic letters."""
    lowered = text.casefold().translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_SIMPLE_ASCII = str.maketrans(
    {"æ": "ae", "ø": "o", "ß": "ss", "ð": "d", "þ": "th", "ł": "l", "đ": "d"}
)


def strip_accents(text: str) -> str:
    """Lower-case ASCII the way a reader without Nordic keys types: "København" -> "kobenhavn"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SIMPLE_ASCII))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_legal_form(folded: str) -> str:
    """Remove trailing legal forms from an already folded, space-separated name."""
    stripped = _LEGAL_FORM_RE.sub("", folded).strip()
    return stripped or folded


def normalise_name(name: str) -> str:
    """The comparison key of an organisation name: ASCII, lower case, no punctuation or legal form.

    >>> normalise_name("Københavns Universitet") == normalise_name("Koebenhavns universitet")
    True
    >>> normalise_name("Genmab A/S") == normalise_name("GENMAB")
    True
    """
    key = _words_without_legal_form(fold_diacritics(name))
    for pair, single in _ASCII_FOLDS:
        key = key.replace(pair, single)
    return key


def readable_key(name: str) -> str:
    """Like `normalise_name` but spelt as a reader would ("fruergaard", not "frurgard"): the
    basis of ids, which people read in URLs. Spelling variants are merged by entity resolution."""
    return _words_without_legal_form(strip_accents(name))


def _words_without_legal_form(folded: str) -> str:
    # "(publ)" and "A/S" must survive as tokens until legal forms are stripped.
    spaced = re.sub(r"[()\[\],.;:!?\"'\u00b4`]+", " ", folded)
    spaced = re.sub(r"\s+", " ", spaced).strip()
    spaced = strip_legal_form(spaced)
    return " ".join(_NON_WORD.sub(" ", spaced).split())


def slugify(text: str, *, max_length: int = 60) -> str:
    """A URL-safe slug; long inputs keep a hash suffix so that distinct names stay distinct."""
    slug = "-".join(readable_key(text).split()) or "x"
    if len(slug) <= max_length:
        return slug
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug[: max_length - 9].rstrip('-')}-{digest}"


def short_hash(*parts: str, length: int = 20) -> str:
    """A stable hex digest of `parts` (joined with a separator that cannot occur in them)."""
    joined = "\x1f".join(parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:length]
