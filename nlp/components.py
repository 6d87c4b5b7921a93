"""The entity component: organisations and places, from the gazetteer, rules and the model.

`mvkg_entities` runs after the statistical NER (English) or alone (Danish, Swedish). It
collects candidate spans from

1. the gazetteer of the graph's organisations (PhraseMatcher on lower case, with context rules
   for acronyms and short forms),
2. the legal-form rule: capitalised words before A/S, ApS, AB, Ltd, Inc. … are a company,
3. the head-word rule: names built on University, Hospital, Foundation, Region, Pharma … and
   one-word Nordic names ending in -hospitalet, -fonden, -institutet …,
4. Danish and Swedish towns, regions and country names (case-sensitive),
5. the statistical model's entities (trimmed at sentence boundaries and titles; headline
   fragments, products after "its", currency codes and tickers dropped), or, in Danish and
   Swedish, which capitalise only proper nouns, capitalised runs inside sentences,

and keeps, where candidates overlap, the one of highest priority (then the longest): known
organisations and rules override the model, which is how "Novo Nordisk" stops being a PERSON and
"Genmab A/S. CEO Lars Fruergaard Jørgensen" stops being one ORG. Results go to `doc.ents` and,
with what the rest of the pipeline needs, to `doc._.mvkg_orgs` / `doc._.mvkg_places` as plain
lists (msgpack-serialisable, so they survive `nlp.pipe(n_process>1)`).

Afterwards: later short forms of names found ("Alligator" after "Alligator Bioscience AB",
"EIFO" after "... Fund of Denmark (EIFO)"), regional authorities named as territory ("in the
Capital Region of Denmark") turned into places, and the country of each organisation where the
text states it ("Lund-based X", "X, based in Lund", "X (Malmö, Sweden)", "the Swedish company
X", a town in the name, and last the legal form: AB -> SE, A/S -> DK).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from nlp.gazetteer import ACRONYM, FULL, Gazetteer, surface_key
from nlp.legal_forms import AMBIGUOUS_FORMS, LEGAL_FORM_TOKENS, PUBL

# ---------------------------------------------------------------------------- doc attributes

ORGS = "mvkg_orgs"  # [[start, end, source, [candidate ids], country hint], ...] token offsets
PLACES = "mvkg_places"  # [[start, end, country], ...]
PERSONS = "mvkg_persons"  # [[start, end, org index or -1, role], ...]
RELATIONS = "mvkg_relations"  # [[a index, b index, type, confidence, directed], ...]
TOPICS = "mvkg_topic_slugs"  # [slug, ...] when a topic component is in the pipeline

# Org index fields.
O_START, O_END, O_SOURCE, O_IDS, O_COUNTRY = range(5)


def register_extensions() -> None:
    """Doc attributes of the pipeline; None by default (a shared mutable default would leak)."""
    for attr in (ORGS, PLACES, PERSONS, RELATIONS, TOPICS):
        if not Doc.has_extension(attr):
            Doc.set_extension(attr, default=None)


def org_list(doc: Doc) -> list[list]:
    return doc._.get(ORGS) or []


# ---------------------------------------------------------------------------- lexicons

# Words that end an organisation name when they are its head: "Lund University", "Region Skåne".
HEAD_WORDS: frozenset[str] = frozenset(
    {
        "university",
        "universitet",
        "universitetet",
        "universitets",
        "högskola",
        "högskolan",
        "college",
        "school",
        "academy",
        "hospital",
        "hospitals",
        "sygehus",
        "sjukhus",
        "sjukhuset",
        "lasarett",
        "lasarettet",
        "universitetshospital",
        "universitetssjukhus",
        "universitetssjukhuset",
        "clinic",
        "institute",
        "institut",
        "institutet",
        "instituttet",
        "foundation",
        "fonden",
        "fondet",
        "stiftelse",
        "stiftelsen",
        "fond",
        "region",
        "regionen",
        "pharma",
        "pharmaceuticals",
        "pharmaceutical",
        "biopharma",
        "biopharmaceuticals",
        "therapeutics",
        "biosciences",
        "bioscience",
        "biotech",
        "biotechnology",
        "biotherapeutics",
        "biologics",
        "bio",
        "immuno",
        "diagnostics",
        "genomics",
        "medtech",
        "vaccines",
        "labs",
        "laboratories",
        "laboratory",
        "capital",
        "ventures",
        "invest",
        "holding",
        "holdings",
        "group",
        "council",
        "agency",
        "styrelsen",
        "ministry",
        "commission",
        "centre",
        "center",
        "centrum",
        "society",
        "association",
        "alliance",
        "incubator",
        "park",
        "kommune",
        "kommun",
        "fund",
        "authority",
        "administration",
        "bank",
        "trust",
        "regioner",
        "regionerna",
    }
)
# Heads that precede the rest of the name: "Region Skåne", "University of Copenhagen".
PREFIX_HEADS: frozenset[str] = frozenset(
    {
        "region",
        "university",
        "institute",
        "institut",
        "foundation",
        "centre",
        "center",
        "ministry",
        "hospital",
        "school",
        "academy",
        "council",
        "agency",
        "society",
        "association",
        "college",
        "universitetssjukhuset",
        "högskolan",
        "stiftelsen",
        "fund",
        "bank",
        "administration",
        "authority",
    }
)
# Heads that cannot be the whole name ("the Hospital", "Capital Markets Day").
_NEEDS_MORE = frozenset({"capital", "group", "holding", "holdings", "invest", "bio", "labs"})
# One-word Nordic names: "Rigshospitalet", "Lundbeckfonden", "Carlsbergfondet".
_SUFFIX_HEAD_WORDS = (
    "hospitalet",
    "sjukhuset",
    "fonden",
    "fondet",
    "institutet",
    "instituttet",
    "universitetet",
    "lasarettet",
    "styrelsen",
    "laboratoriet",
)
_SUFFIX_HEAD = re.compile(r"^[A-ZÆØÅÄÖ][a-zæøåäö]{2,}(" + "|".join(_SUFFIX_HEAD_WORDS) + r")$")
# Connectors inside names: "Johnson & Johnson", "ALK-Abelló", "University of Copenhagen".
_JOINERS = frozenset({"&", "-", "\u2013"})
_OF_WORDS = frozenset({"of", "for", "för"})
# Capitalised words that start a sentence or a title rather than a name.
STOP_NAME_WORDS: frozenset[str] = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "in",
        "on",
        "at",
        "as",
        "by",
        "for",
        "with",
        "from",
        "today",
        "yesterday",
        "meanwhile",
        "also",
        "both",
        "according",
        "but",
        "while",
        "when",
        "after",
        "before",
        "under",
        "through",
        "chief",
        "officer",
        "executive",
        "ceo",
        "cfo",
        "cso",
        "cmo",
        "coo",
        "cto",
        "cco",
        "cbo",
        "president",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "directors",
        "professor",
        "prof",
        "prof.",
        "dr",
        "dr.",
        "head",
        "vice",
        "senior",
        "founder",
        "co-founder",
        "partner",
        "manager",
        "managing",
        "board",
        "press",
        "release",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "vd",
        "direktør",
        "direktör",
        "adm",
        "adm.",
        "forskningschef",
        "bestyrelsesformand",
        "styrelseordförande",
        "ordförande",
        "överläkare",
        "phase",
        "series",
        "globe",
        "newswire",
    }
)
# Model ORG spans that are never organisations of the graph (wire services, market places,
# trial phases); compared on the lower-case text.
_NOT_ORGS: frozenset[str] = frozenset(
    {
        "globe newswire",
        "globenewswire",
        "business wire",
        "pr newswire",
        "cision",
        "reuters",
        "first north",
        "otc",
        "ipo",
        "board",
        "the board",
        "board of directors",
        "company",
        "the company",
        "ceo",
        "r&d",
        "phase",
    }
)

# Country names as written in English, Danish and Swedish texts (the model finds others).
COUNTRY_NAMES: dict[str, str] = {
    "Denmark": "DK",
    "Danmark": "DK",
    "Sweden": "SE",
    "Sverige": "SE",
    "Norway": "NO",
    "Norge": "NO",
    "Finland": "FI",
    "Iceland": "IS",
    "Germany": "DE",
    "Tyskland": "DE",
    "France": "FR",
    "Frankrig": "FR",
    "Frankrike": "FR",
    "Netherlands": "NL",
    "Holland": "NL",
    "Switzerland": "CH",
    "Schweiz": "CH",
    "United Kingdom": "GB",
    "UK": "GB",
    "Storbritannien": "GB",
    "USA": "US",
    "United States": "US",
    "U.S.": "US",
    "US": "US",
    "China": "CN",
    "Kina": "CN",
    "Japan": "JP",
}
# Towns whose names are also common words or first names ("Mark", "Ale", "Vejen" = the road).
AMBIGUOUS_TOWNS: frozenset[str] = frozenset(
    {
        "Ale",
        "Are",
        "Mark",
        "Vara",
        "Sala",
        "Mora",
        "Kil",
        "Odder",
        "Greve",
        "Salem",
        "Viken",
        "Handen",
        "Ringe",
        "Holte",
        "Stege",
        "Brande",
        "Hjo",
        "Kinda",
        "Kisa",
        "Mala",
        "Ange",
        "Amal",
        "Aars",
        "Års",
        "Sveg",
        "Flen",
        "Grums",
        "Boden",
        "Skive",
        "Vejen",
        "Byrum",
        "Tumba",
        "Habo",
        "Heby",
        "Norberg",
        "Falkenberg",
        "Nordby",
        "Ydre",
        "Sater",
        "Sunne",
        "Trosa",
        "Tibro",
        "Nexo",
        "Lerum",
        "Orsa",
        "Salen",
        "Kinna",
        "Bara",
        "Laxa",
    }
)

# Regions of several countries, and places inside the cluster that the town list lacks.
EXTRA_PLACES: dict[str, str] = {
    "Medicon Valley": "",
    "Greater Copenhagen": "",
    "Øresund region": "",
    "Öresund region": "",
    "Oresund region": "",
    "Øresundsregionen": "",
    "Öresundsregionen": "",
    "Scandinavia": "",
    "Skandinavien": "",
    "Norden": "",
    "Europe": "",
    "Europa": "",
    "Asia": "",
    "Asien": "",
    "North America": "",
    "Nordamerika": "",
    "Skåne": "SE",
    "Scania": "SE",
    "Zealand": "DK",
    "Sjælland": "DK",
    "Själland": "SE",
    "Jutland": "DK",
    "Jylland": "DK",
    "Funen": "DK",
    "Fyn": "DK",
    "Brunnshög": "SE",
    "Kvistgård": "DK",
    "Hyllie": "SE",
}
# Demonyms (English, Danish, Swedish) -> country: "the Swedish company X", "det svenske X".
DEMONYMS: dict[str, str] = {
    **dict.fromkeys(["danish", "dansk", "danske", "danska"], "DK"),
    **dict.fromkeys(["swedish", "svensk", "svenske", "svenska"], "SE"),
    **dict.fromkeys(["norwegian", "norsk", "norske", "norska"], "NO"),
    **dict.fromkeys(["finnish", "finsk", "finske", "finska"], "FI"),
    **dict.fromkeys(["german", "tysk", "tyske", "tyska"], "DE"),
    **dict.fromkeys(["american", "amerikansk", "amerikanske", "amerikanska", "us"], "US"),
    **dict.fromkeys(["british", "britisk", "britiske", "brittisk", "brittiska"], "GB"),
    **dict.fromkeys(["french", "fransk", "franske", "franska"], "FR"),
    **dict.fromkeys(["swiss", "schweizisk", "schweiziske", "schweiziska"], "CH"),
    **dict.fromkeys(["dutch", "hollandsk", "hollandske", "nederländsk", "nederländska"], "NL"),
    **dict.fromkeys(["japanese", "japansk", "japanske", "japanska"], "JP"),
    **dict.fromkeys(["belgian", "belgisk", "belgiske", "belgiska"], "BE"),
}
# Legal forms that only one country uses: a weak hint, used when nothing better is stated.
FORM_COUNTRIES: dict[str, str] = {
    "A/S": "DK",
    "ApS": "DK",
    "I/S": "DK",
    "P/S": "DK",
    "K/S": "DK",
    "IVS": "DK",
    "A.m.b.a.": "DK",
    "AMBA": "DK",
    "AB": "SE",
    "(publ)": "SE",
    "Aktiebolag": "SE",
    "Oy": "FI",
    "Oyj": "FI",
    "ASA": "NO",
}
_CURRENCIES = frozenset({"DKK", "SEK", "EUR", "USD", "NOK", "GBP", "CHF", "JPY", "CNY", "ISK"})
# Words after which a regional authority's name means its territory: "patients in the Capital
# Region of Denmark", "ventetider i Region Hovedstaden".
_TERRITORY_PREPS = frozenset({"in", "i", "within", "inom", "across", "throughout", "around"})
_REGION_WORDS = frozenset({"region", "regionen"})

# Candidate priorities: the higher wins an overlap, then the longer.
P_KNOWN = 6  # gazetteer organisation
P_REPEAT = 5  # a short form or acronym of an organisation named in the same text
P_LEGAL = 5  # name + legal form
P_HEAD = 4  # name + head word
P_TOWN = 3  # gazetteer town or country name
P_MODEL = 2  # statistical model ORG / PERSON / GPE / LOC
P_OTHER = 1  # other model labels (DATE, NORP …), kept in doc.ents if nothing overlaps

MAX_NAME_TOKENS = 8
_UPPER_START = re.compile(r"^[A-ZÆØÅÄÖÜÉ0-9]")
# Words that make a name a company's ("Alligator Bioscience" -> "Alligator" later in the text).
_COMPANY_TAILS = frozenset(
    {
        "pharma",
        "pharmaceuticals",
        "pharmaceutical",
        "biopharma",
        "bioscience",
        "biosciences",
        "biotech",
        "biotherapeutics",
        "therapeutics",
        "diagnostics",
        "medical",
        "biologics",
        "immuno",
        "holding",
        "holdings",
        "group",
        "international",
        "labs",
        "bio",
        "medtech",
        "genomics",
        "vaccines",
        "oncology",
        "sciences",
    }
)


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    label: str
    priority: int
    source: str
    ids: tuple[str, ...] = ()
    country: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start


# ---------------------------------------------------------------------------- component


@Language.factory(
    "mvkg_entities",
    default_config={"use_model_entities": True, "split_genitives": False, "proper_nouns": False},
)
def make_entities(
    nlp: Language, name: str, use_model_entities: bool, split_genitives: bool, proper_nouns: bool
) -> EntityRecognizer:
    return EntityRecognizer(
        nlp,
        name,
        use_model_entities=use_model_entities,
        split_genitives=split_genitives,
        proper_nouns=proper_nouns,
    )


class EntityRecognizer:
    """Organisations and places from the gazetteer, rules and the statistical NER."""

    def __init__(
        self,
        nlp: Language,
        name: str = "mvkg_entities",
        *,
        use_model_entities: bool = True,
        split_genitives: bool = False,
        proper_nouns: bool = False,
    ) -> None:
        register_extensions()
        self.name = name
        self.vocab = nlp.vocab
        self.use_model_entities = use_model_entities
        self.split_genitives = split_genitives
        # Danish and Swedish capitalise only proper nouns, so a capitalised word inside a
        # sentence is a name; not so in German or in English headlines.
        self.proper_nouns = proper_nouns
        self.gazetteer = Gazetteer(well_known=False)
        self.org_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.genitive_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.place_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.rule_matcher = _rule_matcher(nlp)
        self._places: dict[str, str] = _place_table()
        self.place_matcher.add("MVKG_PLACE", list(nlp.tokenizer.pipe(list(self._places))))

    # -- setup -------------------------------------------------------------------------

    def set_gazetteer(self, nlp: Language, gazetteer: Gazetteer) -> None:
        """Match `gazetteer`'s surface forms, tokenised as this pipeline tokenises."""
        self.gazetteer = gazetteer
        self.org_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        texts = [surface.text for surface in gazetteer.surfaces.values()]
        patterns = list(nlp.tokenizer.pipe(texts, batch_size=1000))
        if patterns:
            self.org_matcher.add("MVKG_ORG", patterns)
        if self.split_genitives:
            # "Bavarian Nordics", "DTU's", "ESS:s": Danish and Swedish genitives glue to the name.
            self.genitive_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
            genitives = [t + end for t in texts for end in _genitive_endings(t)]
            if genitives:
                self.genitive_matcher.add("GENITIVE", list(nlp.tokenizer.pipe(genitives)))

    # -- running -----------------------------------------------------------------------

    def __setstate__(self, state: dict) -> None:
        # Unpickled in a worker process (spawn): the Doc attributes must exist there too.
        self.__dict__.update(state)
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            _store(doc, [], [])
            return doc
        if self.split_genitives:
            _split_genitives(doc, self.genitive_matcher if self.gazetteer else None)
        candidates, refused = self._known_orgs(doc)
        candidates += self._rule_orgs(doc)
        candidates += self._towns(doc)
        if self.use_model_entities:
            candidates += _model_candidates(doc)
        elif self.proper_nouns:
            candidates += _proper_nouns(doc)
        if refused:
            # A short form that its context did not support ("Novo" alone) is not let in by
            # the model or a rule either: it would link to a guess.
            candidates = [
                c for c in candidates if c.label != "ORG" or (c.start, c.end) not in refused
            ]
        accepted = [c for c in _resolve(candidates, len(doc)) if not _ticker(doc, c)]
        accepted = _add_repeats(doc, accepted)
        _regions_as_places(doc, accepted)
        orgs = [c for c in accepted if c.label == "ORG"]
        places = [c for c in accepted if c.label in ("GPE", "LOC")]
        for place in places:
            if not place.country:
                place.country = place_country(doc[place.start : place.end].text)
        _country_hints(doc, orgs, places)
        doc.set_ents(
            [
                Span(doc, c.start, c.end, label=c.label, kb_id=c.ids[0] if len(c.ids) == 1 else "")
                for c in accepted
            ],
            default="outside",
        )
        _store(doc, orgs, places)
        return doc

    def _known_orgs(self, doc: Doc) -> tuple[list[Candidate], set[tuple[int, int]]]:
        """Gazetteer matches that their context allows, and the spans it refused."""
        refused: set[tuple[int, int]] = set()
        found: list[Candidate] = []
        seen_ids: set[str] = set()  # organisations named in full so far, for short forms
        in_person = bytearray(len(doc))
        if self.use_model_entities:
            for s, e in _model_persons(doc):
                in_person[s:e] = b"\x01" * (e - s)
        for _match_id, start, end in sorted(self.org_matcher(doc), key=lambda m: (m[1], -m[2])):
            span = doc[start:end]
            surface = self.gazetteer.surfaces.get(surface_key(span.text))
            if surface is None or not _UPPER_START.match(span.text) or span.text.islower():
                continue
            if len(span) == 1 and in_person[start]:
                continue  # "Anders Lund", "John Abbott": part of a person's name
            if end < len(doc) and doc[end].text == PUBL and doc[end - 1].text == "AB":
                end += 1  # the longest name: "Camurus AB (publ)"
            if surface.kind == FULL:
                seen_ids.update(surface.ids)
            elif not _context_allows(span, surface.kind, surface.text, surface.ids, seen_ids):
                refused.add((start, end))
                continue
            found.append(
                Candidate(
                    start,
                    end,
                    "ORG",
                    P_KNOWN,
                    "gazetteer",
                    tuple(surface.ids),
                    surface.country or "",
                )
            )
        return found, refused

    def _rule_orgs(self, doc: Doc) -> list[Candidate]:
        found: list[Candidate] = []
        # Once per doc: has_annotation reads every token.
        has_sents = doc.has_annotation("SENT_START")
        forms, heads = self.rule_matcher
        for _match_id, start, end in forms(doc):
            if end - start == 1:  # a form the tokenizer keeps whole ("A/S", "(publ)" …)
                span = _legal_form_name(doc, start, has_sents)
                if span is not None:
                    found.append(Candidate(*span, "ORG", P_LEGAL, "legal_form"))
        for _match_id, start, end in heads(doc):
            if end - start == 1 and not doc[start].is_lower:
                for span in _head_word_names(doc, start, has_sents):
                    found.append(Candidate(*span, "ORG", P_HEAD, "head_word"))
        found.extend(Candidate(i, i + 1, "ORG", P_HEAD, "head_word") for i in _suffix_heads(doc))
        return found

    def _towns(self, doc: Doc) -> list[Candidate]:
        found = []
        for _match_id, start, end in self.place_matcher(doc):
            text = doc[start:end].text
            country = self._places.get(text, "")
            found.append(Candidate(start, end, "GPE", P_TOWN, "gazetteer_place", (), country))
        return found


def _ticker(doc: Doc, cand: Candidate) -> bool:
    """ "(NASDAQ: EVAX)", "(Nasdaq Stockholm: CAMX)": an exchange naming a share, not a party."""
    end = cand.end
    return (
        cand.label == "ORG"
        and cand.start > 0
        and doc[cand.start - 1].text == "("
        and end + 1 < len(doc)
        and doc[end].text == ":"
        and doc[end + 1].is_upper
    )


def _store(doc: Doc, orgs: list[Candidate], places: list[Candidate]) -> None:
    doc._.set(ORGS, [[c.start, c.end, c.source, list(c.ids), c.country] for c in orgs])
    doc._.set(PLACES, [[c.start, c.end, c.country] for c in places])


def _model_persons(doc: Doc) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON" and len(e) >= 2]


# ---------------------------------------------------------------------------- genitives


def _genitive_endings(text: str) -> tuple[str, ...]:
    if text[-1:] in ("s", "x", "z"):
        return ("'", "\u2019")
    if text[-1:].isupper():
        return ("s", "'s", "\u2019s", ":s")
    return ("s", "'s", "\u2019s")


def _split_genitives(doc: Doc, matcher: PhraseMatcher | None) -> None:
    """Cut the genitive ending off a known name's last token ("Nordics" -> "Nordic" + "s")
    and off any capitalised word written with an apostrophe or colon ("DTU's", "ESS:s")."""
    cuts: dict[int, int] = {}
    for _match_id, _start, end in matcher(doc) if matcher is not None else ():
        token = doc[end - 1]
        for ending in (":s", "'s", "\u2019s", "'", "\u2019", "s"):
            if token.text.endswith(ending) and len(token.text) > len(ending):
                cuts[token.i] = len(ending)
                break
    if "'" in doc.text or "\u2019" in doc.text or ":s" in doc.text:
        for token in doc:
            text = token.text
            if text[:1].isupper() and len(text) > 3 and text.endswith((":s", "'s", "\u2019s")):
                cuts.setdefault(token.i, 2)
    if not cuts:
        return
    with doc.retokenize() as retokenizer:
        for index, cut in cuts.items():
            token = doc[index]
            pieces = [token.text[:-cut], token.text[-cut:]]
            retokenizer.split(token, pieces, heads=[(token, 0), (token, 0)])


# ---------------------------------------------------------------------------- rules


def _rule_matcher(nlp: Language) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Legal forms (as written) and head words (any case): one-token phrases, matched in C
    (a token Matcher with IN-sets would call Python for every token)."""
    forms = PhraseMatcher(nlp.vocab, attr="ORTH")
    forms.add("LEGAL_FORM", list(nlp.tokenizer.pipe(sorted(LEGAL_FORM_TOKENS - {PUBL}))))
    heads = PhraseMatcher(nlp.vocab, attr="LOWER")
    heads.add("HEAD_WORD", list(nlp.tokenizer.pipe(sorted(HEAD_WORDS))))
    return forms, heads


def _suffix_heads(doc: Doc) -> list[int]:
    """Tokens like "Rigshospitalet" or "Lundbeckfonden": the regex runs once per distinct word
    of the doc (numpy finds them), not once per token."""
    orths = doc.to_array(ORTH)
    hits = [int(o) for o in numpy.unique(orths) if _is_suffix_head(int(o), doc.vocab.strings)]
    if not hits:
        return []
    return [int(i) for i in numpy.flatnonzero(numpy.isin(orths, hits))]


@functools.lru_cache(maxsize=100_000)
def _suffix_head_text(text: str) -> bool:
    return bool(_SUFFIX_HEAD.match(text))


def _is_suffix_head(orth: int, strings: object) -> bool:
    return _suffix_head_text(strings[orth])  # type: ignore[index]


def _is_capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and (text[0].isupper() or (text[0].isdigit() and not text.isdigit()))


def is_name_word(token: Token) -> bool:
    """A word that can be part of a proper name (capitalised, not a title or function word)."""
    if not _is_capitalised(token) or token.like_email or token.like_url:
        return False
    lower = token.lower_
    if lower in STOP_NAME_WORDS or (token.is_stop and not token.is_upper):
        return False
    return token.ent_type_ not in ("DATE", "TIME", "MONEY", "PERCENT", "CARDINAL")


def _inside_model_org(token: Token) -> bool:
    """True for a joining word ("and", "of") that the statistical NER put inside an ORG."""
    return token.ent_type_ == "ORG" and token.ent_iob_ == "I"


def _extend_left(doc: Doc, start: int, sent_start: int, limit: int = 6) -> int:
    """The first token of the capitalised run ending just before `start`."""
    first = start
    i = start - 1
    while i >= sent_start and start - i <= limit:
        token = doc[i]
        if is_name_word(token):
            first = i
        elif token.text in _JOINERS and i - 1 >= sent_start and is_name_word(doc[i - 1]):
            pass  # "ALK-Abelló", "Johnson & Johnson": keep going over the joiner
        elif token.lower_ in ("and", "of") and _inside_model_org(token) and i > sent_start:
            if token.lower_ == "and" and _two_name_words_before(doc, i, sent_start):
                break  # "Alligator Bioscience and Orion Corporation" are two organisations
            pass  # "Knut and Alice Wallenberg Foundation", as the model reads it
        elif token.text.endswith(".") and len(token.text) <= 5 and _is_capitalised(token):
            first = i  # "Chr." of "Chr. Hansen", "H." of "H. Lundbeck"
        else:
            break
        if token.is_sent_start:
            break
        i -= 1
    return first


def _two_name_words_before(doc: Doc, i: int, sent_start: int) -> bool:
    """A name of two or more words ends before `i`: "and" then joins two names, whereas a
    single first name before it belongs to one ("Knut and Alice Wallenberg Foundation")."""
    return i - 2 >= sent_start and is_name_word(doc[i - 1]) and is_name_word(doc[i - 2])


def _legal_form_name(doc: Doc, index: int, has_sents: bool) -> tuple[int, int] | None:
    form = doc[index]
    sent_start = form.sent.start if has_sents else 0
    first = _extend_left(doc, index, sent_start)
    if first == index:
        return None
    name = doc[first:index]
    if form.text in AMBIGUOUS_FORMS and all(t.is_upper for t in name):
        return None  # "SUCH AS", headline capitals
    end = index + 1
    if form.text == "AB" and end < len(doc) and doc[end].text == PUBL:
        end += 1
    return first, end


def _head_word_names(doc: Doc, index: int, has_sents: bool) -> list[tuple[int, int]]:
    head = doc[index]
    if not _is_capitalised(head):
        return []
    sent = head.sent if has_sents else doc[:]
    first = _extend_left(doc, index, sent.start)
    end = index + 1
    # Further heads to the right: "Lund University Hospital", "Capital Region".
    probe = end
    while probe < sent.end and probe - index <= 3 and is_name_word(doc[probe]):
        if doc[probe].lower_ in HEAD_WORDS:
            end = probe + 1
        probe += 1
    lower = head.lower_
    if lower == "park" and (index == 0 or doc[index - 1].lower_ != "science"):
        return []  # "Ideon Science Park", not any park
    # "University of Copenhagen", "Region Skåne", "Institute for Cancer Research".
    if lower in PREFIX_HEADS or doc[end - 1].lower_ in PREFIX_HEADS:
        probe = end
        if probe < sent.end and doc[probe].lower_ in _OF_WORDS:
            probe += 1
        tail = probe
        while tail < sent.end and tail - probe < 4 and is_name_word(doc[tail]):
            tail += 1
        if tail > probe and (probe > end or lower == "region" or first == index):
            end = tail
    if end - first < 2 or end - first > MAX_NAME_TOKENS:
        return []
    if first == index and lower in _NEEDS_MORE and end == index + 1:
        return []
    if doc[end - 1].lower_ in _OF_WORDS:
        return []
    return [(first, end)]


def _context_allows(
    span: Span, kind: str, written: str, ids: list[str], seen_ids: set[str]
) -> bool:
    """Acronyms and short forms need support from their context (see module gazetteer)."""
    if ids and any(i in seen_ids for i in ids):
        return True  # the organisation was named in full earlier in this text
    if kind == ACRONYM:
        # An unambiguous acronym of three or more letters, written exactly as in the graph.
        return span.text == written and len(written) >= 3 and len(ids) <= 1
    return kind == FULL


# ---------------------------------------------------------------------------- repeats


def _add_repeats(doc: Doc, accepted: list[Candidate]) -> list[Candidate]:
    """Later short forms of organisations named in full: "Alligator" after "Alligator
    Bioscience AB", "EIFO" after "Export and Investment Fund of Denmark (EIFO)"."""
    forms: dict[tuple[str, ...], Candidate] = {}
    orgs = [c for c in accepted if c.label == "ORG"]
    for org in orgs:
        for form in _short_forms(doc, org):
            forms.setdefault(form, org)
    if not forms:
        return accepted
    taken = {i for c in orgs for i in range(c.start, c.end)}
    by_first: dict[str, list[tuple[tuple[str, ...], Candidate]]] = {}
    for form, org in forms.items():
        by_first.setdefault(form[0], []).append((form, org))
    added: list[Candidate] = []
    for token in doc:
        if token.text not in by_first or token.i in taken:
            continue
        for form, org in by_first[token.text]:
            end = token.i + len(form)
            if end > len(doc):
                continue
            if tuple(t.text for t in doc[token.i : end]) != form or taken & set(
                range(token.i, end)
            ):
                continue
            added.append(Candidate(token.i, end, "ORG", P_REPEAT, "repeat", org.ids, org.country))
            taken.update(range(token.i, end))
            break
    if not added:
        return accepted
    kept = [
        c
        for c in accepted
        if c.label == "ORG" or not any(a.start < c.end and c.start < a.end for a in added)
    ]
    return sorted(kept + added, key=lambda c: c.start)


def _short_forms(doc: Doc, org: Candidate) -> list[tuple[str, ...]]:
    """The ways a text refers back to `org`: without legal form, first word, acronym."""
    words = [t.text for t in doc[org.start : org.end]]
    forms: list[tuple[str, ...]] = []
    bare = list(words)
    while len(bare) > 1 and bare[-1] in LEGAL_FORM_TOKENS:
        bare.pop()
    if bare != words:
        forms.append(tuple(bare))
    if org.source != "head_word" and len(bare) >= 2:
        tail = {w.lower() for w in bare[1:]}
        if tail <= _COMPANY_TAILS and _distinctive(bare[0]):
            forms.append((bare[0],))
        if bare[0].endswith(".") and len(bare) == 2 and _distinctive(bare[1]):
            forms.append((bare[1],))  # "H. Lundbeck" -> "Lundbeck"
    # "Export and Investment Fund of Denmark (EIFO)", "... Authority (HERA)".
    after = org.end
    if after + 2 < len(doc) and doc[after].text == "(" and doc[after + 2].text == ")":
        acronym = doc[after + 1]
        if acronym.is_upper and acronym.is_alpha and 2 <= len(acronym.text) <= 6:
            forms.append((acronym.text,))
    return forms


def _distinctive(word: str) -> bool:
    return (
        len(word) >= 4
        and word[:1].isupper()
        and word.lower() not in STOP_NAME_WORDS
        and (word not in _place_table())
    )


# ---------------------------------------------------------------------------- proper nouns


def _proper_nouns(doc: Doc) -> list[Candidate]:
    """Danish and Swedish write only proper nouns with a capital: inside a sentence, a run of
    capitalised words that no other rule explains is an organisation (or a person, which the
    people component takes back). At a sentence start, only if the same name also occurs
    inside a sentence."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(doc):
        if not _proper_word(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < len(doc) and j - i < 4 and _proper_word(doc[j]) and not doc[j].is_sent_start:
            j += 1
        if j < len(doc) and doc[j].lower_ in _NORDIC_HEADS and doc[j - 1].text.endswith("s"):
            j += 1  # "Lunds universitet", "Skånes universitetssjukhus"
        runs.append((i, j))
        i = j
    inside = {doc[s:e].text for s, e in runs if not _starts_statement(doc, s)}
    return [
        Candidate(s, e, "ORG", P_MODEL, "proper_noun")
        for s, e in runs
        if not _starts_statement(doc, s) or doc[s:e].text in inside
    ]


_NORDIC_HEADS = frozenset(
    {
        "universitet",
        "universitetssjukhus",
        "universitetshospital",
        "sjukhus",
        "sygehus",
        "högskola",
        "lasarett",
        "kommun",
        "kommune",
        "stiftelse",
        "institut",
    }
)


def _proper_word(token: Token) -> bool:
    text = token.text
    if not text[:1].isupper() or not text.replace("-", "").isalpha():
        return False
    tail = text.rsplit("-", 1)[1] if "-" in text else ""
    if tail.islower() and not _SUFFIX_HEAD.match("X" + tail):
        return False  # "FluidCrystal-teknik" is a technology; "MAX IV-laboratoriet" a name
    if token.lower_ in STOP_NAME_WORDS or token.lower_ in DEMONYMS or token.is_stop:
        return False
    return len(text) > 1


def _starts_statement(doc: Doc, index: int) -> bool:
    """At a sentence start or after an opening quote dash ("- Vi …")."""
    if doc[index].is_sent_start or index == 0:
        return True
    return doc[index - 1].text in ("\u2013", "\u2014", "-", '"', "“", "”", "»", ":")


# ---------------------------------------------------------------------------- model


def _model_candidates(doc: Doc) -> list[Candidate]:
    found: list[Candidate] = []
    for ent in doc.ents:
        label = ent.label_
        if label == "ORG":
            trimmed = _trim_org(doc, ent)
            if trimmed is not None:
                found.append(Candidate(*trimmed, "ORG", P_MODEL, "model"))
        elif label == "PERSON":
            found.append(Candidate(ent.start, ent.end, "PERSON", P_MODEL, "model"))
        elif label in ("GPE", "LOC"):
            text = ent.text
            if len(text) <= 2 and text not in COUNTRY_NAMES:
                continue  # "AI" of "AI-based"
            found.append(Candidate(ent.start, ent.end, label, P_MODEL, "model"))
        else:
            found.append(Candidate(ent.start, ent.end, label, P_OTHER, "model"))
    return found


def _trim_org(doc: Doc, ent: Span) -> tuple[int, int] | None:
    """The organisation name inside a model ORG span, or None if there is none."""
    start, end = ent.start, ent.end
    # Never across a sentence boundary: keep the part where the span starts.
    for i in range(start + 1, end):
        if doc[i].is_sent_start:
            end = i
            break
    # Never into a title: "Genmab CEO Jan van de Winkel".
    for i in range(start + 1, end):
        if doc[i].lower_ in _TITLE_STARTS:
            end = i
            break
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].text in ("'s", "\u2019s", "'")):
        if doc[end - 1].text == ")" and "(" in doc[start:end].text:
            break
        end -= 1
    if end <= start:
        return None
    text = doc[start:end].text
    if text.islower() or len(text) < 2 or text.casefold() in _NOT_ORGS or text in _CURRENCIES:
        return None
    if not _is_capitalised(doc[start]) or all(t.like_num or t.is_punct for t in doc[start:end]):
        return None
    if _owned_product(doc, start):
        return None  # "its TransCon products", "its PD-1 inhibitor Keytruda": a product
    if _headline_fragment(doc[start:end]):
        return None
    return start, end


def _headline_fragment(span: Span) -> bool:
    """Title-case headline words the model reads as a name: "Treat Recurrent or", "Unveils
    the Broad Potential", "Phase 2 Clinical Trial of ABP-450", "Grant of Restricted Stock"."""
    first, last = span[0], span[-1]
    if last.is_stop or last.lower_ in STOP_NAME_WORDS - {"board"}:
        return True
    if first.pos_ in ("VERB", "AUX") and first.tag_ in ("VBZ", "VB", "VBD", "VBG"):
        return True
    return any(t.lower_ in _NOT_NAME_WORDS for t in span)


# Words that a name of an organisation does not contain (headline and trial vocabulary).
_NOT_NAME_WORDS = frozenset({"phase", "trial", "stock", "shares", "warrants", "units"})


def _owned_product(doc: Doc, start: int) -> bool:
    """A name after "its/their/our" and a few words of description: a product's name."""
    for i in range(start - 1, max(-1, start - 5), -1):
        token = doc[i]
        if token.lower_ in ("its", "their", "our", "sin", "sitt", "sina"):
            return True
        if (token.is_punct and token.text != "-") or token.pos_ in ("VERB", "AUX", "ADP", "DET"):
            return False
    return False


_TITLE_STARTS = frozenset(
    {
        "ceo",
        "cfo",
        "cso",
        "cmo",
        "coo",
        "cto",
        "chief",
        "president",
        "chairman",
        "professor",
        "chair",
        "founder",
        "director",
        "vd",
    }
)


# ---------------------------------------------------------------------------- resolution


def _resolve(candidates: list[Candidate], length: int) -> list[Candidate]:
    """Non-overlapping candidates: highest priority first, then the longest, then leftmost."""
    taken = bytearray(length)
    accepted: list[Candidate] = []
    in_person = bytearray(length)  # tokens of model PERSONs of two words or more
    for c in candidates:
        if c.label == "PERSON" and c.length >= 2:
            in_person[c.start : c.end] = b"\x01" * c.length
    for cand in sorted(candidates, key=lambda c: (-c.priority, -c.length, c.start)):
        if any(taken[cand.start : cand.end]):
            continue
        if cand.source == "gazetteer_place" and all(in_person[cand.start : cand.end]):
            continue  # "Anders Lund" is a person, not the town
        taken[cand.start : cand.end] = b"\x01" * cand.length
        accepted.append(cand)
    accepted.sort(key=lambda c: c.start)
    return accepted


def _regions_as_places(doc: Doc, accepted: list[Candidate]) -> None:
    """ "patients in the Capital Region of Denmark": the region's territory, not its authority."""
    for cand in accepted:
        if cand.label != "ORG" or not any(
            t.lower_ in _REGION_WORDS for t in doc[cand.start : cand.end]
        ):
            continue
        before = cand.start - 1
        if before >= 0 and doc[before].lower_ == "the":
            before -= 1
        if before >= 0 and doc[before].lower_ in _TERRITORY_PREPS:
            cand.label = "LOC"
            cand.country = cand.country or _name_country(doc, cand)


# ---------------------------------------------------------------------------- places


@functools.cache
def _place_table() -> dict[str, str]:
    """Town and country names (as written) -> country code, for the case-sensitive matcher."""
    from ingest.geography import default_gazetteer

    table: dict[str, str] = {}
    gazetteer = default_gazetteer()
    for locality in gazetteer:
        for name in gazetteer.names_of(locality):
            if name in AMBIGUOUS_TOWNS or len(name) < 3 or not name[0].isupper():
                continue
            if " " in name and name.split()[-1].isupper() and len(name.split()[-1]) <= 2:
                continue  # "København K": the postal district adds nothing to the town
            table.setdefault(name, locality.country)
    table.update(COUNTRY_NAMES)
    table.update(EXTRA_PLACES)
    return table


@functools.cache
def place_country(name: str) -> str:
    """The country of a place name: DK/SE towns via the gazetteer, countries via ISO names."""
    text = name.strip()
    if not text:
        return ""
    if text in COUNTRY_NAMES:
        return COUNTRY_NAMES[text]
    if text in EXTRA_PLACES:
        return EXTRA_PLACES[text]
    from ingest.geography import default_gazetteer

    locality = default_gazetteer().locate(text, None)
    if locality is not None:
        return locality.country
    from ingest.countries import to_alpha2
    from ingest.errors import RecordError

    try:
        return to_alpha2(text) or ""
    except (RecordError, ValueError):
        return ""


# ---------------------------------------------------------------------------- country hints

_BASED = frozenset(
    {"based", "headquartered", "located", "baserede", "baserade", "baseret", "baserat"}
)
_SEAT_WORDS = frozenset(
    {"hovedsæde", "hovedkontor", "huvudkontor", "säte", "headquarters", "hq", "hovedsæder"}
)
_BASED_PREPS = frozenset({"in", "at", "i", "på"})
_HINT_WINDOW = 10


def _country_hints(doc: Doc, orgs: list[Candidate], places: list[Candidate]) -> None:
    """Org countries the text states: "Lund-based X", "X, based in Lund", "X (Copenhagen)",
    "the Swedish company X", "Aarhus University"; then the legal form ("AB", "A/S"); and every
    mention of an organisation gets the country found for any of its mentions."""
    place_at = {p.start: p for p in places}
    place_ending = {p.end: p for p in places}
    org_starts = {o.start for o in orgs}
    for org in orgs:
        if org.country:
            continue
        org.country = (
            _based_before(doc, org, place_ending, org_starts)
            or _based_after(doc, org, place_at, org_starts)
            or _in_brackets(doc, org, place_at)
            or _demonym_before(doc, org)
            or _name_country(doc, org)
        )
    _share_countries(doc, orgs)
    for org in orgs:
        if not org.country:
            org.country = _form_country(doc, org)
    _share_countries(doc, orgs)


def _share_countries(doc: Doc, orgs: list[Candidate]) -> None:
    """Every mention of one organisation (same ids, same name or a short form) gets its country."""
    known: dict[str, str] = {}
    for org in orgs:
        if org.country:
            for key in _org_keys(doc, org):
                known.setdefault(key, org.country)
    for org in orgs:
        if not org.country:
            org.country = next((known[k] for k in _org_keys(doc, org) if k in known), "")


def _org_keys(doc: Doc, org: Candidate) -> list[str]:
    words = [t.text for t in doc[org.start : org.end] if t.text not in LEGAL_FORM_TOKENS]
    keys = [" ".join(words).casefold()]
    keys += [f"id:{i}" for i in org.ids]
    if words:
        keys.append(words[0].casefold())
    return keys


def _based_before(
    doc: Doc, org: Candidate, place_ending: dict[int, Candidate], org_starts: set[int]
) -> str:
    """ "Copenhagen-based antibody company Genmab": the place of the nearest "-based" before."""
    low = max(0, org.start - _HINT_WINDOW)
    for i in range(org.start - 1, low, -1):
        token = doc[i]
        if token.lower_ in _BASED and i >= 2 and doc[i - 1].text == "-":
            if any(k in org_starts for k in range(i + 1, org.start)):
                return ""  # another organisation between "-based" and this one takes it
            return _country_of(place_ending.get(i - 1), doc)
        if token.is_sent_start or token.text in (";", ":", "."):
            return ""
    return ""


def _based_after(
    doc: Doc, org: Candidate, place_at: dict[int, Candidate], org_starts: set[int]
) -> str:
    """ "Camurus AB, based in Lund", "X, a Lund-based developer", "X, a Copenhagen start-up",
    "X, som har sitt huvudkontor i Malmö"."""
    end = min(len(doc), org.end + _HINT_WINDOW)
    if org.end < len(doc) and doc[org.end].text == ",":
        j = org.end + 1
        while j < end and doc[j].lower_ in ("a", "an", "the", "en", "ett", "et"):
            j += 1
        place = place_at.get(j)
        if place is not None and j > org.end + 1:
            return _country_of(place, doc)  # "X, a Copenhagen start-up", "X, a Lund-based …"
    i = org.end
    while i < end and doc[i].lower_ not in _BASED and doc[i].lower_ not in _SEAT_WORDS:
        if doc[i].is_sent_start or i in org_starts or doc[i].text in (";", "."):
            return ""
        i += 1
    if i >= end - 1:
        return ""
    if doc[i].lower_ in _BASED and doc[i + 1].lower_ not in _BASED_PREPS:
        return ""
    for start in range(i + 1, min(len(doc), i + _HINT_WINDOW + 1)):
        place = place_at.get(start)
        if place is not None and not doc[start].is_sent_start:
            country = _country_of(place, doc)
            if country:
                return country
    return ""


def _in_brackets(doc: Doc, org: Candidate, place_at: dict[int, Candidate]) -> str:
    """ "Hemab (Copenhagen, Denmark)" / "Camurus (Lund)"."""
    if org.end + 1 >= len(doc) or doc[org.end].text != "(":
        return ""
    place = place_at.get(org.end + 1)
    if place is None:
        return ""
    country = _country_of(place, doc)
    if place.end + 1 < len(doc) and doc[place.end].text == ",":
        second = place_at.get(place.end + 1)
        if second is not None:
            country = _country_of(second, doc) or country
    return country


def _demonym_before(doc: Doc, org: Candidate) -> str:
    """ "the Swedish diagnostics company X", "det svenske biotekselskab X"."""
    for i in range(org.start - 1, max(-1, org.start - 5), -1):
        token = doc[i]
        country = DEMONYMS.get(token.lower_)
        if country:
            return country
        if not (token.is_lower or (token.is_title and token.lower_ in DEMONYMS)) or token.is_punct:
            return ""
    return ""


def _name_country(doc: Doc, org: Candidate) -> str:
    """A town, country or demonym inside the name: "Aarhus University", "Danish Cancer
    Society", "Technical University of Denmark"."""
    for token in doc[org.start : org.end]:
        if token.text in COUNTRY_NAMES:
            return COUNTRY_NAMES[token.text]
        if token.lower_ in DEMONYMS and token.is_title:
            return DEMONYMS[token.lower_]
        if token.text in _place_table() and _place_table()[token.text]:
            return _place_table()[token.text]
    return ""


def _form_country(doc: Doc, org: Candidate) -> str:
    for token in reversed(doc[org.start : org.end]):
        if token.text in FORM_COUNTRIES:
            return FORM_COUNTRIES[token.text]
    return ""


def _country_of(place: Candidate | None, doc: Doc) -> str:
    if place is None:
        return ""
    return place.country or place_country(doc[place.start : place.end].text)
