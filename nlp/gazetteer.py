"""The organisations the graph knows, as surface forms to find in text.

Every organisation contributes its name and aliases, their ASCII spellings ("Kobenhavns
Universitet", "Koebenhavns Universitet") and each of them without its legal form ("Genmab" of
"Genmab A/S"). Each surface form is one of three kinds, which decide how much context a match
needs (see `components.py`):

- full: a name that identifies its organisation on its own ("Lund University", "Genmab");
- acronym: a short upper-case alias ("LU", "KU", "SUS", "DTU");
- short: a one-word truncation of the organisation's own name that also begins another
  organisation's name ("Novo" of Novo Nordisk, which also begins Novo Holdings).

The gazetteer is plain data (picklable, no spaCy objects); each pipeline builds its own
PhraseMatcher from it with its own tokenizer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nlp.legal_forms import LEGAL_FORM_TOKENS

if TYPE_CHECKING:
    from graph.model import Organisation

FULL = "full"
ACRONYM = "acronym"
SHORT = "short"

_ACRONYM = re.compile(r"^[A-ZÆØÅÄÖ][A-ZÆØÅÄÖ0-9&-]{1,5}$")
# Trailing legal forms as written ("Camurus AB (publ)", "Hemab ApS", "Chr. Hansen Holding A/S").
_TRAILING_FORMS = re.compile(
    r"(?:[\s,]+(?:"
    + "|".join(re.escape(f) for f in sorted(LEGAL_FORM_TOKENS | {"Co.", "SE", "SA"}, key=len))
    + r"))+\s*$"
)
# Case-preserving ASCII spellings: how registries and English texts write Nordic letters.
_SIMPLE = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ä": "a", "Ä": "A"}
    | {"ö": "o", "Ö": "O", "ü": "u", "Ü": "U", "é": "e", "É": "E"}
)
_TRANSLITERATED = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "ä": "ae", "Ä": "Ae"}
    | {"ö": "oe", "Ö": "Oe", "ü": "ue", "Ü": "Ue", "é": "e", "É": "E"}
)
_MIN_SURFACE = 2
_MAX_SURFACE = 200


@dataclass(frozen=True, slots=True)
class OrgEntry:
    """What linking needs to know of one organisation of the graph."""

    id: str
    name: str
    country: str | None
    names: tuple[str, ...]  # the name and aliases as written


@dataclass(slots=True)
class Surface:
    """One way of writing one or more organisations' names."""

    text: str
    kind: str
    ids: list[str] = field(default_factory=list)
    # Ids for which this is the name or an alias as written (not derived by the gazetteer).
    exact_ids: list[str] = field(default_factory=list)
    # The country of a well-known organisation that the graph may not hold (see WELL_KNOWN).
    country: str | None = None


# Organisations that life-science news of the region names often but a graph of the cluster may
# not hold: global pharma and medtech partners, suppliers, funders, EU bodies, regulators,
# stock exchanges. They are found as organisations (with their country) whether or not the
# graph knows them; linking still decides whether one is a node of the graph.
WELL_KNOWN: tuple[tuple[str, str | None], ...] = (
    ("Pfizer", "US"),
    ("Merck & Co.", "US"),
    ("MSD", "US"),
    ("Merck Sharp & Dohme", "US"),
    ("Bristol Myers Squibb", "US"),
    ("Bristol-Myers Squibb", "US"),
    ("BMS", "US"),
    ("Eli Lilly", "US"),
    ("Eli Lilly and Company", "US"),
    ("Johnson & Johnson", "US"),
    ("AbbVie", "US"),
    ("Amgen", "US"),
    ("Gilead", "US"),
    ("Gilead Sciences", "US"),
    ("Biogen", "US"),
    ("Regeneron", "US"),
    ("Moderna", "US"),
    ("Vertex Pharmaceuticals", "US"),
    ("Medtronic", "US"),
    ("Abbott", "US"),
    ("Illumina", "US"),
    ("Genentech", "US"),
    ("Thermo Fisher Scientific", "US"),
    ("Thermo Fisher", "US"),
    ("Danaher", "US"),
    ("Baxter", "US"),
    ("Janssen", "BE"),
    ("Roche", "CH"),
    ("Roche Group", "CH"),
    ("Novartis", "CH"),
    ("Sandoz", "CH"),
    ("Lonza", "CH"),
    ("Bachem", "CH"),
    ("Ferring Pharmaceuticals", "CH"),
    ("Sanofi", "FR"),
    ("Servier", "FR"),
    ("Ipsen", "FR"),
    ("GSK", "GB"),
    ("GlaxoSmithKline", "GB"),
    ("AstraZeneca", "GB"),
    ("Wellcome Trust", "GB"),
    ("Bayer", "DE"),
    ("Boehringer Ingelheim", "DE"),
    ("Merck KGaA", "DE"),
    ("BioNTech", "DE"),
    ("Evotec", "DE"),
    ("Siemens Healthineers", "DE"),
    ("Fresenius", "DE"),
    ("Philips", "NL"),
    ("UCB", "BE"),
    ("Galapagos", "BE"),
    ("argenx", "NL"),
    ("Takeda", "JP"),
    ("Astellas", "JP"),
    ("Daiichi Sankyo", "JP"),
    ("Eisai", "JP"),
    ("Chugai", "JP"),
    ("Chugai Pharmaceutical", "JP"),
    ("Otsuka", "JP"),
    ("Samsung Biologics", "KR"),
    ("WuXi AppTec", "CN"),
    ("WuXi Biologics", "CN"),
    ("Sobi", "SE"),
    ("Swedish Orphan Biovitrum", "SE"),
    ("Getinge", "SE"),
    ("Elekta", "SE"),
    ("Recipharm", "SE"),
    ("Orexo", "SE"),
    ("Almi", "SE"),
    ("Saminvest", "SE"),
    ("HealthCap", "SE"),
    ("Formas", "SE"),
    ("Cancerfonden", "SE"),
    ("Swedish Foundation for Strategic Research", "SE"),
    ("Nasdaq Stockholm", "SE"),
    ("Nasdaq First North", "SE"),
    ("Nasdaq First North Growth Market", "SE"),
    ("Nasdaq Copenhagen", "DK"),
    ("EIFO", "DK"),
    ("Export and Investment Fund of Denmark", "DK"),
    ("Danmarks Eksport- og Investeringsfond", "DK"),
    ("Vækstfonden", "DK"),
    ("PFA", "DK"),
    ("Danske Regioner", "DK"),
    ("Danish Regions", "DK"),
    ("Danish National Research Foundation", "DK"),
    ("Danmarks Grundforskningsfond", "DK"),
    ("Independent Research Fund Denmark", "DK"),
    ("Danmarks Frie Forskningsfond", "DK"),
    ("Nasdaq", "US"),
    ("NYSE", "US"),
    ("FDA", "US"),
    ("US Food and Drug Administration", "US"),
    ("Food and Drug Administration", "US"),
    ("BARDA", "US"),
    ("NIH", "US"),
    ("National Institutes of Health", "US"),
    ("Bill & Melinda Gates Foundation", "US"),
    ("Gates Foundation", "US"),
    ("CEPI", "NO"),
    ("European Commission", None),
    ("European Medicines Agency", "NL"),
    ("EMA", "NL"),
    ("Health Emergency Preparedness and Response Authority", None),
    ("HERA", None),
    ("European Investment Bank", "LU"),
    ("European Investment Fund", "LU"),
    ("European Research Council", None),
    ("EIT Health", None),
    ("World Health Organization", "CH"),
    ("WHO", "CH"),
)


class Gazetteer:
    """Surface forms of the graph's organisations, keyed by their lower-case text."""

    def __init__(self, entries: Iterable[OrgEntry] = (), *, well_known: bool = True) -> None:
        self.entries: dict[str, OrgEntry] = {}
        self.surfaces: dict[str, Surface] = {}
        for entry in entries:
            self.entries[entry.id] = entry
        self._index()
        if well_known:
            self._add_well_known()

    @classmethod
    def from_organisations(
        cls, organisations: Iterable[Organisation], *, well_known: bool = True
    ) -> Gazetteer:
        entries: dict[str, OrgEntry] = {}
        for org in organisations:
            names = tuple(dict.fromkeys(n.strip() for n in (org.name, *org.aliases) if n.strip()))
            previous = entries.get(org.id)
            if previous is not None:  # the same node twice: keep every name of both
                names = tuple(dict.fromkeys((*previous.names, *names)))
            entries[org.id] = OrgEntry(org.id, org.name, org.country, names)
        return cls(entries.values(), well_known=well_known)

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _add_well_known(self) -> None:
        for name, country in WELL_KNOWN:
            for text in {name, *ascii_spellings(name)}:
                key = surface_key(text)
                surface = self.surfaces.get(key)
                if surface is None:
                    # Upper-case ones ("MSD", "PFA") are acronyms, found only as written.
                    kind = ACRONYM if _ACRONYM.match(text) else FULL
                    self.surfaces[key] = Surface(text=text, kind=kind, country=country)
                elif surface.country is None:
                    surface.country = country

    def lookup(self, text: str) -> Surface | None:
        return self.surfaces.get(surface_key(text))

    def names(self) -> Iterator[str]:
        for entry in self.entries.values():
            yield from entry.names

    # -- building ------------------------------------------------------------------------

    def _index(self) -> None:
        first_words: dict[str, set[str]] = defaultdict(set)
        for entry in self.entries.values():
            for name in entry.names:
                words = name.split()
                if len(words) > 1:
                    first_words[words[0].casefold()].add(entry.id)
        for entry in self.entries.values():
            for text, exact in _spellings(entry):
                self._add(text, entry, exact, first_words)

    def _add(
        self, text: str, entry: OrgEntry, exact: bool, first_words: dict[str, set[str]]
    ) -> None:
        if not _MIN_SURFACE <= len(text) <= _MAX_SURFACE:
            return
        key = surface_key(text)
        kind = _kind(text, entry, first_words)
        surface = self.surfaces.get(key)
        if surface is None:
            surface = self.surfaces[key] = Surface(text=text, kind=kind)
        elif _RANK[kind] > _RANK[surface.kind]:
            # One organisation's acronym or truncation is another's full name ("Ideon"):
            # the most cautious kind wins, linking still sees every candidate.
            surface.kind = kind
        if entry.id not in surface.ids:
            surface.ids.append(entry.id)
        if exact and entry.id not in surface.exact_ids:
            surface.exact_ids.append(entry.id)


_RANK = {FULL: 0, SHORT: 1, ACRONYM: 2}


def surface_key(text: str) -> str:
    """The lookup key of a surface form: lower case, single spaces."""
    return " ".join(text.casefold().split())


def strip_legal_form(name: str) -> str:
    """ "Camurus AB (publ)" -> "Camurus"; a name that is only a legal form stays as it is."""
    stripped = _TRAILING_FORMS.sub("", name).strip(" ,")
    return stripped or name


def ascii_spellings(text: str) -> set[str]:
    """The ASCII ways of writing `text` ("Malmö" -> "Malmo", "Malmoe"), without `text`."""
    return {text.translate(_SIMPLE), text.translate(_TRANSLITERATED)} - {text}


def _spellings(entry: OrgEntry) -> Iterator[tuple[str, bool]]:
    """(surface, written-so-in-the-graph) for every form of the entry's names."""
    for name in entry.names:
        yield name, True
        bare = strip_legal_form(name)
        if bare != name:
            yield bare, False
        for variant in {name, bare}:
            for ascii_form in ascii_spellings(variant):
                yield ascii_form, False


def _kind(text: str, entry: OrgEntry, first_words: dict[str, set[str]]) -> str:
    words = text.split()
    if len(words) == 1 and _ACRONYM.match(text) and not text.isdigit():
        return ACRONYM
    if len(words) == 1:
        truncates_own_name = any(
            len(name.split()) > 1 and name.split()[0].casefold() == text.casefold()
            for name in entry.names
        )
        others = first_words.get(text.casefold(), set()) - {entry.id}
        if truncates_own_name and others:
            return SHORT
    return FULL
