"""Which language a text is in, and the Danish and Swedish word lists of the rule pipelines.

Detection scores the text's words against small profiles of function words (the words every
sentence has: "og/ikke/af/til/der" for Danish, "och/inte/av/till/som" for Swedish, "the/and/of"
for English, plus German and French so that those are not mistaken for the others) and adds the
letters only one of the languages writes (æ ø against ä ö). One or two sentences are enough. A
text with no evidence (a name, a number, an empty string) is "en" with `uncertain` set, so that
callers can tell a guess from a finding; nothing here raises.

There is no Danish or Swedish statistical model; those texts go through `spacy.blank` with a
sentencizer, the gazetteer, the legal-form and head-word rules, the title patterns below (people)
and the relation trigger words below (relations).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

SUPPORTED = ("en", "da", "sv")
OTHER = "other"
# Norwegian is close enough to Danish for the Danish rules (legal forms, titles, triggers).
_ALIASES = {"nb": "da", "nn": "da", "no": "da", "dan": "da", "swe": "sv", "eng": "en"}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SAMPLE_CHARS = 4_000  # the first few sentences say it; long texts need not be read whole
_MIN_EVIDENCE = 1.5

_PROFILES: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "for",
            "with",
            "on",
            "that",
            "by",
            "as",
            "has",
            "have",
            "was",
            "are",
            "from",
            "at",
            "its",
            "will",
            "be",
            "an",
            "this",
            "which",
            "said",
            "it",
            "or",
            "their",
            "been",
            "were",
            "also",
            "into",
            "after",
            "than",
            "more",
            "other",
            "new",
            "has",
        ]
    ),
    "da": frozenset(
        [
            "og",
            "i",
            "af",
            "til",
            "at",
            "er",
            "en",
            "et",
            "det",
            "der",
            "med",
            "på",
            "for",
            "som",
            "har",
            "de",
            "den",
            "ikke",
            "vil",
            "fra",
            "skal",
            "kan",
            "om",
            "blev",
            "efter",
            "også",
            "hvor",
            "mellem",
            "samt",
            "ved",
            "sig",
            "sin",
            "sine",
            "nye",
            "være",
            "bliver",
            "dette",
            "denne",
            "hos",
            "over",
            "under",
            "siger",
            "mod",
            "eller",
            "men",
            "ud",
            "op",
            "jeg",
            "vi",
            "hun",
            "han",
            "deres",
            "havde",
            "kunne",
            "skulle",
            "nu",
            "meget",
            "mange",
            "andre",
            "både",
            "selskabet",
            "virksomheden",
            "aftale",
            "køber",
            "selskab",
            "selskabets",
            "virksomhed",
            "aftalen",
            "mio",
            "mia",
            "kr",
            "kroner",
            "millioner",
            "milliarder",
            "ifølge",
            "oplyser",
            "fortæller",
            "gennem",
            "nyt",
            "første",
            "blevet",
            "været",
            "indgår",
            "ikke",
        ]
    ),
    "sv": frozenset(
        [
            "och",
            "i",
            "av",
            "till",
            "att",
            "är",
            "en",
            "ett",
            "det",
            "som",
            "med",
            "på",
            "för",
            "har",
            "de",
            "den",
            "inte",
            "vill",
            "från",
            "ska",
            "kan",
            "om",
            "blev",
            "efter",
            "också",
            "där",
            "mellan",
            "samt",
            "vid",
            "sig",
            "sin",
            "sina",
            "nya",
            "vara",
            "blir",
            "detta",
            "denna",
            "hos",
            "över",
            "under",
            "säger",
            "mot",
            "eller",
            "men",
            "ut",
            "upp",
            "jag",
            "vi",
            "hon",
            "han",
            "deras",
            "hade",
            "kunde",
            "skulle",
            "nu",
            "mycket",
            "många",
            "andra",
            "både",
            "bolaget",
            "företaget",
            "avtal",
            "köper",
            "bolag",
            "bolagets",
            "företag",
            "avtalet",
            "mkr",
            "kronor",
            "miljoner",
            "miljarder",
            "enligt",
            "meddelar",
            "berättar",
            "genom",
            "nytt",
            "första",
            "blivit",
            "varit",
            "inom",
            "även",
            "tecknat",
        ]
    ),
    "de": frozenset(
        [
            "und",
            "der",
            "die",
            "das",
            "ist",
            "mit",
            "von",
            "für",
            "nicht",
            "auf",
            "den",
            "dem",
            "eine",
            "ein",
            "zu",
            "sich",
            "auch",
            "wird",
            "im",
            "des",
            "wurde",
            "werden",
            "sind",
            "bei",
            "nach",
            "durch",
            "über",
            "unternehmen",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "et",
            "des",
            "du",
            "de",
            "une",
            "un",
            "est",
            "pour",
            "dans",
            "que",
            "qui",
            "sur",
            "avec",
            "par",
            "au",
            "aux",
            "ce",
            "cette",
            "sont",
            "été",
            "son",
            "ses",
            "leur",
            "plus",
            "société",
        ]
    ),
}
_LETTERS = {"da": "æø", "sv": "äö", "de": "äöüß", "fr": "éèêàçù"}
# Trigger words that English writes the same way: no evidence for Danish or Swedish.
_NOT_EVIDENCE = frozenset({"alliance", "donation", "fusion", "partner", "professor"})


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str  # en | da | sv | other
    score: float  # evidence for `code` (weighted function words and letters)
    uncertain: bool  # True when there was too little evidence and "en" is a default


def normalise_language(code: str | None) -> str | None:
    """ "da-DK" -> "da", "Swedish"? -> None; unknown codes -> "other"; None stays None."""
    if code is None or not str(code).strip():
        return None
    key = str(code).strip().lower().replace("_", "-").split("-")[0]
    key = _ALIASES.get(key, key)
    names = {"english": "en", "danish": "da", "dansk": "da", "swedish": "sv", "svenska": "sv"}
    key = names.get(key, key)
    return key if key in SUPPORTED else OTHER


def detect_language(text: str) -> LanguageGuess:
    """The language of `text`: en, da, sv or other (see the module docstring)."""
    sample = (text or "")[:_SAMPLE_CHARS]
    words = [w.lower() for w in _WORD.findall(sample)]
    scores = dict.fromkeys(_PROFILES, 0.0)
    weights = _weights()
    for word in words:
        for lang, weight in weights.get(word, ()):
            scores[lang] += weight
    lowered = sample.lower()
    if "å" in lowered:  # Danish and Swedish both
        scores["da"] += 0.25
        scores["sv"] += 0.25
    for lang, letters in _LETTERS.items():
        hits = sum(lowered.count(ch) for ch in letters)
        scores[lang] += min(hits, 10) * 0.5
    # "ä"/"ö" are Swedish and German; "æ"/"ø" only Danish (and Norwegian): weigh by words.
    best = max(scores, key=lambda lang: scores[lang])
    # Little evidence is enough when nothing at all speaks for English ("X og Y samarbejder").
    enough = _MIN_EVIDENCE if scores["en"] > 0 else _MIN_EVIDENCE - 0.5
    if scores[best] < enough or (best == "en" and scores[best] < _MIN_EVIDENCE):
        return LanguageGuess("en", scores["en"], uncertain=True)
    code = best if best in SUPPORTED else OTHER
    return LanguageGuess(code, round(scores[best], 3), uncertain=False)


@functools.cache
def _weights() -> dict[str, tuple[tuple[str, float], ...]]:
    """word -> ((language, weight), ...): the profiles plus the Danish and Swedish trigger
    words; a word in several profiles counts less for each ("i", "det", "en")."""
    profiles = {lang: set(words) for lang, words in _PROFILES.items()}
    for lang in ("da", "sv"):
        profiles[lang] |= set(TRIGGERS[lang]) - _NOT_EVIDENCE
    counts = Counter(word for words in profiles.values() for word in words)
    table: dict[str, list[tuple[str, float]]] = {}
    for lang, words in profiles.items():
        for word in words:
            table.setdefault(word, []).append((lang, 1.0 / counts[word]))
    return {word: tuple(found) for word, found in table.items()}


# ---------------------------------------------------------------------------- titles

TITLES: dict[str, tuple[str, ...]] = {
    "da": (
        "administrerende direktør",
        "adm. direktør",
        "adm. dir.",
        "direktør",
        "koncernchef",
        "bestyrelsesformand",
        "formand",
        "næstformand",
        "forskningschef",
        "forskningsdirektør",
        "udviklingsdirektør",
        "finansdirektør",
        "økonomidirektør",
        "lægefaglig direktør",
        "medicinsk direktør",
        "professor",
        "klinisk professor",
        "lektor",
        "overlæge",
        "afdelingsleder",
        "centerleder",
        "forskningsleder",
        "stifter",
        "medstifter",
        "grundlægger",
        "partner",
        "rektor",
        "dekan",
        "forstander",
        "centerdirektør",
        "kommunikationschef",
    ),
    "sv": (
        "verkställande direktör",
        "vd",
        "vice vd",
        "koncernchef",
        "styrelseordförande",
        "ordförande",
        "vice ordförande",
        "forskningschef",
        "utvecklingschef",
        "finanschef",
        "ekonomichef",
        "medicinsk chef",
        "medicinsk direktör",
        "professor",
        "docent",
        "överläkare",
        "forskare",
        "grundare",
        "medgrundare",
        "partner",
        "rektor",
        "prorektor",
        "dekanus",
        "avdelningschef",
        "föreståndare",
        "kommunikationschef",
        "labbchef",
    ),
}
# Words that link a title to its organisation: "vd för Camurus", "direktør i Novo Nordisk".
ORG_PREPOSITIONS: dict[str, frozenset[str]] = {
    "da": frozenset({"i", "hos", "ved", "for", "fra", "på"}),
    "sv": frozenset({"på", "vid", "för", "hos", "i", "från"}),
}

# ---------------------------------------------------------------------------- relations

# Trigger words (lower case, as written) -> collaboration type.
TRIGGERS: dict[str, dict[str, str]] = {
    "da": {
        **dict.fromkeys(
            [
                "samarbejde",
                "samarbejder",
                "samarbejdet",
                "samarbejdede",
                "samarbejdsaftale",
                "samarbejdsaftalen",
                "samarbejdsaftaler",
                "partnerskab",
                "partnerskabet",
                "partnerskabsaftale",
                "alliance",
                "alliancen",
            ],
            "partnership",
        ),
        **dict.fromkeys(
            [
                "forskningssamarbejde",
                "forskningssamarbejdet",
                "forskningsaftale",
                "forskningsaftalen",
                "forskningspartnerskab",
            ],
            "research_collaboration",
        ),
        **dict.fromkeys(
            [
                "licensaftale",
                "licensaftalen",
                "licensaftaler",
                "licens",
                "licensen",
                "licenserer",
                "udlicenserer",
                "indlicenserer",
                "licenseret",
            ],
            "licensing",
        ),
        **dict.fromkeys(
            [
                "opkøb",
                "opkøbet",
                "opkøber",
                "opkøbte",
                "køber",
                "købt",
                "købte",
                "overtager",
                "overtagelse",
                "overtagelsen",
                "overtog",
                "fusion",
                "fusionen",
                "fusionerer",
            ],
            "acquisition",
        ),
        **dict.fromkeys(
            [
                "investerer",
                "investering",
                "investeringen",
                "investeret",
                "investerede",
                "kapitalindsprøjtning",
            ],
            "investment",
        ),
        **dict.fromkeys(
            [
                "finansierer",
                "finansieres",
                "finansiering",
                "finansieringen",
                "finansieret",
                "bevilling",
                "bevillingen",
                "bevilger",
                "bevilget",
                "bevilgede",
                "donation",
                "donationen",
                "tildeler",
                "tildelt",
            ],
            "funding",
        ),
        **dict.fromkeys(
            [
                "leverer",
                "leveringsaftale",
                "leveringsaftalen",
                "forsyningsaftale",
                "distributionsaftale",
                "distributionsaftalen",
                "leverandør",
                "leverandøraftale",
            ],
            "supply",
        ),
    },
    "sv": {
        **dict.fromkeys(
            [
                "samarbete",
                "samarbetet",
                "samarbetar",
                "samarbetade",
                "samarbetsavtal",
                "samarbetsavtalet",
                "partnerskap",
                "partnerskapet",
                "partnerskapsavtal",
                "allians",
                "alliansen",
            ],
            "partnership",
        ),
        **dict.fromkeys(
            ["forskningssamarbete", "forskningssamarbetet", "forskningsavtal", "forskningsavtalet"],
            "research_collaboration",
        ),
        **dict.fromkeys(
            [
                "licensavtal",
                "licensavtalet",
                "licens",
                "licensen",
                "licensierar",
                "utlicensierar",
                "inlicensierar",
                "licensierat",
            ],
            "licensing",
        ),
        **dict.fromkeys(
            [
                "förvärv",
                "förvärvet",
                "förvärvar",
                "förvärvade",
                "förvärvas",
                "köper",
                "köpt",
                "köpte",
                "köps",
                "uppköp",
                "uppköpet",
                "övertar",
                "övertog",
                "fusion",
                "fusionen",
                "fusionerar",
            ],
            "acquisition",
        ),
        **dict.fromkeys(
            ["investerar", "investering", "investeringen", "investerat", "investerade"],
            "investment",
        ),
        **dict.fromkeys(
            [
                "finansierar",
                "finansiering",
                "finansieringen",
                "finansieras",
                "finansierat",
                "anslag",
                "anslaget",
                "beviljar",
                "beviljat",
                "beviljade",
                "donation",
                "donationen",
                "tilldelar",
                "tilldelats",
            ],
            "funding",
        ),
        **dict.fromkeys(
            [
                "levererar",
                "leveransavtal",
                "leveransavtalet",
                "distributionsavtal",
                "distributionsavtalet",
                "leverantör",
            ],
            "supply",
        ),
    },
}
# Prepositions that mark the acting party after a passive verb or a receiving one:
# "købes af", "förvärvas av", "bevilling fra", "anslag från".
AGENT_PREPOSITIONS: dict[str, frozenset[str]] = {
    "da": frozenset({"af", "fra"}),
    "sv": frozenset({"av", "från"}),
}
# Verbs whose subject receives: "X får en bevilling fra Y", "X erhåller anslag från Y".
RECEIVING_VERBS: dict[str, frozenset[str]] = {
    "da": frozenset(
        {"får", "fik", "modtager", "modtog", "modtaget", "henter", "hentede", "rejser"}
    ),
    "sv": frozenset({"får", "fick", "erhåller", "erhöll", "mottar", "tog", "tar", "tilldelas"}),
}
NEGATIONS: dict[str, frozenset[str]] = {
    "da": frozenset({"ikke", "aldrig", "ingen", "intet", "afviser", "dementerer", "afkræfter"}),
    "sv": frozenset({"inte", "aldrig", "ingen", "inga", "inget", "avvisar", "förnekar"}),
}
