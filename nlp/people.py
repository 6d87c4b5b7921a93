"""People with their organisation and role, where the text states them.

English persons come from the statistical NER; in every language a capitalised name next to a
title ("CEO Lars Fruergaard Jørgensen", "adm. direktør X", "X, vd för Camurus") is a person
too. The organisation and role come from the patterns around the name:

- title before:  "CEO X", "Novo Nordisk CEO X", "Novo Nordisk's CEO X", "adm. direktør X"
- title after:   "X, CEO of Novo Nordisk", "X, professor at Lund University", "X (CEO, Y)",
                 "X, Novo Nordisk's CEO", "X, vd för Camurus"
- appointments:  "X has been appointed Chief Scientific Officer of Y", "X joins Y as CFO",
                 "Y appoints X as CEO", "Y has named X its new CEO"

Roles are lightly normalised: articles and possessives go, the title words stay as written.
Names that look like an e-mail address or a phone number are never persons (the graph stores
people by name and role only).
"""

from __future__ import annotations

import bisect
import re

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from nlp.components import (
    O_END,
    O_IDS,
    O_SOURCE,
    O_START,
    ORGS,
    PERSONS,
    STOP_NAME_WORDS,
    is_name_word,
    org_list,
    register_extensions,
)
from nlp.language import ORG_PREPOSITIONS, TITLES

EN_TITLES: tuple[str, ...] = (
    "chief executive officer",
    "chief executive",
    "president and chief executive officer",
    "president and ceo",
    "president & ceo",
    "chief scientific officer",
    "chief science officer",
    "chief medical officer",
    "chief financial officer",
    "chief operating officer",
    "chief technology officer",
    "chief commercial officer",
    "chief business officer",
    "chief development officer",
    "chief innovation officer",
    "chief strategy officer",
    "chief technical officer",
    "chief people officer",
    "chief legal officer",
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
    "chairperson",
    "chair",
    "chairman of the board",
    "chair of the board",
    "vice chairman",
    "deputy chairman",
    "board member",
    "member of the board",
    "founder",
    "co-founder",
    "cofounder",
    "founder and ceo",
    "co-founder and ceo",
    "managing director",
    "director",
    "executive director",
    "research director",
    "medical director",
    "scientific director",
    "director general",
    "director-general",
    "general manager",
    "country manager",
    "site director",
    "head",
    "head of research",
    "head of r&d",
    "head of research and development",
    "head of business development",
    "head of innovation",
    "senior vice president",
    "executive vice president",
    "vice president",
    "svp",
    "evp",
    "professor",
    "associate professor",
    "assistant professor",
    "clinical professor",
    "adjunct professor",
    "professor emeritus",
    "principal investigator",
    "senior researcher",
    "researcher",
    "senior scientist",
    "scientist",
    "postdoc",
    "chief physician",
    "senior physician",
    "consultant",
    "senior consultant",
    "dean",
    "rector",
    "vice-chancellor",
    "vice chancellor",
    "pro-vice-chancellor",
    "partner",
    "managing partner",
    "general partner",
    "investment director",
    "investment manager",
    "program director",
    "programme director",
    "project manager",
    "project leader",
    "cluster manager",
    "neuroscientist",
    "research scientist",
    "biologist",
    "chemist",
    "physician",
    "oncologist",
    "cardiologist",
    "immunologist",
    "epidemiologist",
    "head of communications",
    "communications director",
    "spokesperson",
)
EN_ORG_PREPOSITIONS = frozenset({"of", "at", "in", "for", "with", "from"})
_MODIFIERS = frozenset({"former", "interim", "acting", "new", "incoming", "outgoing", "deputy"})
_ARTICLES = frozenset({"the", "a", "an", "its", "their", "our", "his", "her", "den", "det"})
_APPOINT = frozenset(
    {"appointed", "named", "promoted", "elected", "hired", "recruited", "tapped", "selected"}
)
_APPOINT_ACTIVE = frozenset(
    {"appoints", "appointed", "names", "named", "hires", "hired", "elects", "elected", "welcomes"}
)
_JOIN = frozenset({"joins", "joined", "join", "will join"})
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "af", "la", "da", "di", "le", "du"})
# Organisation sources that a person found next to a title overrides.
_GUESSED = frozenset({"model", "proper_noun"})
_CONTACT = re.compile(r"@|\d|https?:|www\.")
_MAX_NAME = 5
# Danish and Swedish compound titles: "kommunikationschef", "udviklingsdirektør", "projektledare".
_COMPOUND_TITLE = r"^[a-zæøåäö]{3,}(chef|direktør|direktör|leder|ledare|ansvarig|ansvarlig)$"
# Words that continue a title with its field: "professor of pharmacology", "executive vice
# president for product supply".
_TAIL_PREPS = frozenset({"of", "for", "in"})
_MAX_TAIL = 3
_POSSESSIVE = frozenset({"'s", "\u2019s", "'", "\u2019", "s", ":s"})
# Definite descriptions of "the" organisation of the passage: "The company's CEO".
_DESCRIPTIONS = frozenset(
    {"company", "group", "firm", "selskabets", "virksomhedens", "koncernens", "bolagets",
     "företagets"}
)  # fmt: skip


@Language.factory("mvkg_people", default_config={"language": "en"})
def make_people(nlp: Language, name: str, language: str) -> PeopleFinder:
    return PeopleFinder(nlp, name, language=language)


class PeopleFinder:
    """Sets `doc._.mvkg_persons` = [[start, end, org index or -1, role], ...]."""

    def __init__(self, nlp: Language, name: str = "mvkg_people", *, language: str = "en") -> None:
        register_extensions()
        self.name = name
        self.language = language
        titles = (*EN_TITLES, *TITLES.get(language, ()))
        self.titles = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.titles.add("TITLE", list(nlp.tokenizer.pipe(titles)))
        self.compound_titles = Matcher(nlp.vocab)
        if language in ("da", "sv"):
            self.compound_titles.add("TITLE", [[{"LOWER": {"REGEX": _COMPOUND_TITLE}}]])
        self.org_preps = EN_ORG_PREPOSITIONS | ORG_PREPOSITIONS.get(language, frozenset())

    def __setstate__(self, state: dict) -> None:
        # Unpickled in a worker process (spawn): the Doc attributes must exist there too.
        self.__dict__.update(state)
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        matches = list(self.titles(doc))
        if len(self.compound_titles):
            matches += self.compound_titles(doc)
        titles = _longest(matches)
        persons = [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON"]
        persons += _titled_names(doc, titles, persons, org_list(doc))
        title_at = dict(titles)
        spans: list[tuple[int, int]] = []
        for start, end in sorted(set(persons)):
            start = _skip_title_prefix(doc, title_at, start, end)
            if _acceptable(doc[start:end]) and (start, end) not in spans:
                spans.append((start, end))
        spans = _without_overlaps(spans)
        _drop_orgs_that_are_people(doc, spans)
        context = _Context(doc, titles, org_list(doc), self.org_preps)
        found = [[start, end, *context.org_and_role(start, end)] for start, end in spans]
        doc._.set(PERSONS, found)
        return doc


def _titled_names(
    doc: Doc,
    titles: list[tuple[int, int]],
    persons: list[tuple[int, int]],
    orgs: list[list],
) -> list[tuple[int, int]]:
    """Capitalised names right after or right before a title that the model missed."""
    taken = bytearray(len(doc))
    for start, end in persons:
        taken[start:end] = b"\x01" * (end - start)
    for org in orgs:
        if org[O_SOURCE] not in _GUESSED:  # a guessed ORG next to a title may be a person
            taken[org[O_START] : org[O_END]] = b"\x01" * (org[O_END] - org[O_START])
    found = []
    for t_start, t_end in titles:
        begin = t_end + 1 if t_end < len(doc) and doc[t_end].text == "," else t_end
        after = _name_run(doc, begin, taken)
        if after is not None:
            found.append(after)
            continue
        # "X, vd för Camurus", "X, a neuroscientist at …": the name before ", <title>".
        k = t_start
        while k > 0 and doc[k - 1].lower_ in _ARTICLES | _MODIFIERS:
            k -= 1
        if k >= 2 and doc[k - 1].text == ",":
            before = _name_run_before(doc, k - 1, taken)
            if before is not None:
                found.append(before)
    return found


def _longest(matches: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping title spans, the longest first ("chief executive officer" over "ceo")."""
    taken: set[int] = set()
    result = []
    for _id, start, end in sorted(matches, key=lambda m: (-(m[2] - m[1]), m[1])):
        if taken.isdisjoint(range(start, end)):
            taken.update(range(start, end))
            result.append((start, end))
    return sorted(result)


def _without_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _is_person_word(token: Token, following: Token | None = None) -> bool:
    if is_name_word(token) and token.is_alpha:
        return True
    text = token.text
    if "-" in text and text[:1].isupper() and text.replace("-", "").isalpha():
        return True  # "Hans-Henrik"
    # "Per Hansen": a first name that is also a function word, before another name word.
    return (
        token.is_title
        and token.is_alpha
        and token.lower_ not in STOP_NAME_WORDS
        and following is not None
        and is_name_word(following)
    )


def _name_run(doc: Doc, start: int, taken: bytearray) -> tuple[int, int] | None:
    """2-5 capitalised words (with particles: "Jan van de Winkel") starting at `start`."""
    end = start
    while end < len(doc) and end - start < _MAX_NAME and not taken[end]:
        token = doc[end]
        following = doc[end + 1] if end + 1 < len(doc) else None
        if _is_person_word(token, following) or (
            token.lower_ in _PARTICLES and end > start and end + 1 < len(doc)
        ):
            end += 1
        else:
            break
    while end > start and doc[end - 1].lower_ in _PARTICLES:
        end -= 1
    if end - start < 2 or any(doc[i].is_sent_start for i in range(start + 1, end)):
        return None
    return start, end


def _name_run_before(doc: Doc, end: int, taken: bytearray) -> tuple[int, int] | None:
    start = end
    while start > 0 and end - start < _MAX_NAME and not taken[start - 1]:
        token = doc[start - 1]
        following = doc[start] if start < len(doc) else None
        if _is_person_word(token, following) or (token.lower_ in _PARTICLES and start < end):
            start -= 1
        else:
            break
        if token.is_sent_start:
            break
    while start < end and doc[start].lower_ in _PARTICLES:
        start += 1
    if end - start < 2:
        return None
    return start, end


def _skip_title_prefix(doc: Doc, title_at: dict[int, int], start: int, end: int) -> int:
    """ "Professor Anna Svensson" as one PERSON: the name starts after the title."""
    title_end = title_at.get(start)
    if title_end is not None and title_end < end - 1:
        return title_end
    while start < end - 1 and doc[start].lower_ in ("dr", "dr.", "prof", "prof."):
        start += 1
    return start


def _acceptable(span: Span) -> bool:
    """A full name: two or more words, capitalised, no digits, no contact details."""
    text = span.text
    if len(span) < 2 or len(span) > 6 or not text or _CONTACT.search(text):
        return False
    if not span[0].text[:1].isupper() or not span[-1].text[:1].isupper():
        return False
    return not any(t.is_upper and len(t) > 1 for t in span)  # "CEO", "NNF"


def _drop_orgs_that_are_people(doc: Doc, spans: list[tuple[int, int]]) -> None:
    """A model ORG that turned out to be a titled person, or a person's surname repeated
    ("Lindqvist joins from …"), is no organisation."""
    orgs = org_list(doc)
    covered = bytearray(len(doc))
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    surnames = {doc[end - 1].text for _start, end in spans}
    kept = [
        o
        for o in orgs
        if not (
            o[O_SOURCE] in _GUESSED
            and (any(covered[o[O_START] : o[O_END]]) or doc[o[O_START] : o[O_END]].text in surnames)
        )
    ]
    if len(kept) == len(orgs):
        return
    doc._.set(ORGS, kept)
    persons = [Span(doc, s, e, label="PERSON") for s, e in spans]
    dropped = {(o[O_START], o[O_END]) for o in orgs} - {(o[O_START], o[O_END]) for o in kept}
    others = [
        e for e in doc.ents if not any(covered[e.start : e.end]) and (e.start, e.end) not in dropped
    ]
    doc.set_ents(sorted([*others, *persons], key=lambda e: e.start), default="outside")


class _Context:
    """Looks around one person for a title and an organisation."""

    def __init__(
        self, doc: Doc, titles: list[tuple[int, int]], orgs: list[list], org_preps: frozenset[str]
    ) -> None:
        self.doc = doc
        self.title_at: dict[int, int] = {}  # start -> end, with the field ("… of pharmacology")
        self.title_ending: dict[int, int] = {}  # end (with or without field) -> start
        for start, end in titles:
            full = _with_field(doc, end)
            self.title_at[start] = full
            self.title_ending[end] = start
            self.title_ending[full] = start
        self.org_at = {o[O_START]: i for i, o in enumerate(orgs)}
        self.org_ending = {o[O_END]: i for i, o in enumerate(orgs)}
        self.orgs = orgs
        self.org_preps = org_preps
        self._index_distinct()

    def org_and_role(self, start: int, end: int) -> tuple[int, str]:
        for finder in (self._title_before, self._title_after, self._appointed, self._appoints):
            found = finder(start, end)
            if found is not None:
                return found
        return self._possessor(start), ""

    # -- patterns ----------------------------------------------------------------------

    def _role(self, t_start: int, t_end: int) -> str:
        while t_start < t_end and self.doc[t_start].lower_ in _ARTICLES:
            t_start += 1
        return self.doc[t_start:t_end].text

    def _title_start_before(self, index: int) -> int | None:
        """Start of a title ending at `index`, with modifiers ("former CEO") included."""
        t_start = self.title_ending.get(index)
        if t_start is None:
            return None
        while t_start > 0 and self.doc[t_start - 1].lower_ in _MODIFIERS:
            t_start -= 1
        return t_start

    def _title_before(self, start: int, end: int) -> tuple[int, str] | None:
        """ "CEO X", "Novo Nordisk CEO X", "Lundbeck's chief executive X", "The company's EVP
        for product supply, X", "Professor X of DTU", "forskningschef X fra Novonesis"."""
        index = start
        if index > 0 and self.doc[index - 1].text == ",":
            index -= 1
        t_start = self._title_start_before(index)
        if t_start is None:
            return None
        role = self._role(t_start, index)
        org = self._org_before(t_start)
        if org < 0:
            org = self._org_after(end, require_prep=True)
        return org, role

    def _org_before(self, index: int) -> int:
        """The organisation right before a title: "Novo Nordisk CEO", "Lundbeck's", "Bavarian
        Nordics adm. direktør", "The company's"."""
        doc = self.doc
        k = index
        while k > 0 and doc[k - 1].lower_ in _ARTICLES:
            k -= 1
        if k > 0 and doc[k - 1].text in _POSSESSIVE:
            k -= 1
            if k > 0 and doc[k - 1].lower_ in _DESCRIPTIONS:
                return self._sole_org(k - 1)
        elif k > 0 and doc[k - 1].lower_ in _DESCRIPTIONS and doc[k - 1].lower_.endswith("s"):
            return self._sole_org(k - 1)  # "selskabets", "bolagets"
        return self.org_ending.get(k, -1)

    def _sole_org(self, before: int) -> int:
        """The one organisation named before `before`, if the passage has exactly one so far."""
        count = bisect.bisect_left(self._starts, before)
        if count == 0 or self._distinct[count - 1] != 1:
            return -1
        return count - 1

    def _index_distinct(self) -> None:
        """How many distinct organisations the first k mentions name, for `_sole_org`."""
        self._starts = [org[O_START] for org in self.orgs]
        self._distinct: list[int] = []
        seen: set[str] = set()
        for org in self.orgs:
            first = self.doc[org[O_START]].text.casefold()
            seen.add(" ".join(org[O_IDS]) or first)
            self._distinct.append(len(seen))

    def _possessor(self, start: int) -> int:
        """ "said Alligator's Lena Strand": the organisation in the possessive before a name."""
        if start >= 2 and self.doc[start - 1].text in _POSSESSIVE:
            return self.org_ending.get(start - 1, -1)
        return -1

    def _title_after(self, start: int, end: int) -> tuple[int, str] | None:
        """ "X, CEO of Y", "X (CEO, Y)", "X, Y's CEO", "X, vd för Y", "X, a neuroscientist at Y"."""
        doc = self.doc
        j = end
        if j >= len(doc) or doc[j].text not in (",", "(", "\u2013", "-", "\u2014"):
            return None
        j += 1
        while j < len(doc) and doc[j].lower_ in _ARTICLES:
            j += 1
        org = self.org_at.get(j)
        if org is not None:  # "X, Novo Nordisk's CEO"
            k = self.orgs[org][O_END]
            if k < len(doc) and doc[k].text in _POSSESSIVE:
                k += 1
            t_end = self._title_from(k)
            return (org, self._role(k, t_end)) if t_end else None
        t_end = self._title_from(j)
        if not t_end:
            return None
        role = self._role(j, t_end)
        return self._org_after(t_end), role

    def _title_from(self, index: int) -> int | None:
        doc = self.doc
        start = index
        while start < len(doc) and doc[start].lower_ in _MODIFIERS:
            start += 1
        return self.title_at.get(start)

    def _org_after(self, index: int, *, require_prep: bool = False) -> int:
        """The organisation right after a title or name: "of Y", "at the Y", "fra Y"."""
        doc = self.doc
        k = index
        if k < len(doc) and doc[k].text == "," and not require_prep:
            k += 1
        if k < len(doc) and doc[k].lower_ in self.org_preps:
            k += 1
        elif require_prep:
            return -1
        while k < len(doc) and doc[k].lower_ in _ARTICLES:
            k += 1
        return self.org_at.get(k, -1)

    def _appointed(self, start: int, end: int) -> tuple[int, str] | None:
        """ "X has been appointed Chief Scientific Officer of Y", "X joins Y as CFO"."""
        doc = self.doc
        limit = min(len(doc), end + 5)
        for k in range(end, limit):
            word = doc[k].lower_
            if word in _APPOINT:
                j = k + 1
                while j < len(doc) and doc[j].lower_ in ("as", "to", "the", "new", "its", "a"):
                    j += 1
                t_end = self._title_from(j)
                if t_end:
                    return self._org_after(t_end), self._role(j, t_end)
                return None
            if word in _JOIN:
                org = self._org_after(k + 1)
                if org >= 0:
                    j = self.orgs[org][O_END]
                    if j < len(doc) and doc[j].lower_ == "as":
                        j += 1
                        while j < len(doc) and doc[j].lower_ in _ARTICLES | _MODIFIERS:
                            j += 1
                        t_end = self.title_at.get(j)
                        return org, self._role(j, t_end) if t_end else ""
                    return org, ""
            if doc[k].is_sent_start or doc[k].text in (".", ";"):
                return None
        return None

    def _appoints(self, start: int, end: int) -> tuple[int, str] | None:
        """ "Y appoints X as CEO", "Y has named X its new Chief Medical Officer"."""
        doc = self.doc
        k = start - 1
        if k < 1 or doc[k].lower_ not in _APPOINT_ACTIVE:
            return None
        i = k - 1
        while i > 0 and doc[i].lower_ in ("has", "have", "today", "will", "had"):
            i -= 1
        org = self.org_ending.get(i + 1, -1)
        j = end
        while j < len(doc) and doc[j].lower_ in ("as", "to", "the", "new", "its", "a", "our"):
            j += 1
        t_end = self._title_from(j)
        if org < 0 and not t_end:
            return None
        return org, self._role(j, t_end) if t_end else ""


def _with_field(doc: Doc, end: int) -> int:
    """The end of a title with its field: "professor" + "of pharmacology" -> after "pharmacology"."""
    if end >= len(doc) or doc[end].lower_ not in _TAIL_PREPS:
        return end
    k = end + 1
    while k < len(doc) and k - end <= _MAX_TAIL and doc[k].is_alpha and doc[k].is_lower:
        if doc[k].lower_ in _ARTICLES or doc[k].lower_ in EN_ORG_PREPOSITIONS:
            break
        k += 1
    return k if k > end + 1 else end
