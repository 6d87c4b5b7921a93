"""Legal forms of company names as tokens, and the sentence boundary after them.

The tokenizers split "A/S" into "A", "/", "S" and leave "S." (of "Genmab A/S.") glued to the
full stop, so that the parser reads "Genmab A/S. CEO Lars Fruergaard Jørgensen" as one name.
Special cases keep each legal form one token and split the full stop off; the component
`mvkg_legal_form_boundaries` (run before the parser) then starts a sentence after
"<legal form> ." when a capitalised word follows.
"""

from __future__ import annotations

import re

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.symbols import ORTH
from spacy.tokens import Doc

# Nordic legal forms written with a slash or mixed case, which the tokenizers break apart.
SLASH_FORMS: tuple[str, ...] = ("A/S", "ApS", "I/S", "P/S", "K/S", "IVS", "AMBA", "A.m.b.A.")
PUBL = "(publ)"

# Legal forms as tokens, case as written. "SE", "SA" and "Co." are left out: "SE-221 00 Lund"
# and "& Co." say too little on their own to make a company name.
LEGAL_FORM_TOKENS: frozenset[str] = frozenset(
    {
        *SLASH_FORMS,
        "A.m.b.a.",
        "a.m.b.a.",
        "AB",
        PUBL,
        "HB",
        "KB",
        "AS",
        "ASA",
        "Oy",
        "Oyj",
        "OY",
        "GmbH",
        "AG",
        "KG",
        "Ltd",
        "Ltd.",
        "LTD",
        "Limited",
        "Inc",
        "Inc.",
        "INC",
        "Incorporated",
        "plc",
        "Plc",
        "PLC",
        "S.A.",
        "N.V.",
        "NV",
        "B.V.",
        "BV",
        "Corp",
        "Corp.",
        "Corporation",
        "LLC",
        "S.p.A.",
        "SpA",
        "Aktiebolag",
        "Aktieselskab",
        "Anpartsselskab",
    }
)

# Forms that also occur as ordinary upper-case words ("AS" in "SUCH AS", "AB" as initials):
# accepted only after a name written in title case, never in an all-capitals run.
AMBIGUOUS_FORMS: frozenset[str] = frozenset({"AS", "AB", "AG", "HB", "KB", "NV", "BV", "KG"})

# Legal-form tokens that end with their own full stop and can therefore end a sentence.
_DOTTED_FORMS: tuple[str, ...] = tuple(f for f in LEGAL_FORM_TOKENS if f.endswith("."))
_CAPITALISED = re.compile(r"^[A-ZÆØÅÄÖÜÉ0-9]")
# Abbreviations inside organisation names ("Chr. Hansen") that must not end a sentence.
_NAME_ABBREVIATION = re.compile(r"^[A-ZÆØÅÄÖ][a-zæøåäö]{1,3}\.$")


def add_special_cases(nlp: Language) -> None:
    """Keep every legal form one token, with trailing punctuation split off."""
    for form in (*SLASH_FORMS, "A.m.b.a.", PUBL):
        _add(nlp, form, [form])
        # The tokenizer glues a full stop to "S" and to ")" in some languages; splitting it
        # off here keeps the form whole and lets the full stop end the sentence.
        for punct in (".", ",", ":", ";", ")"):
            _add(nlp, form + punct, [form, punct])
    # Not "Inc." or "Ltd.": the English tokenizer keeps those whole, as abbreviations.
    for form in ("ApS", "AB", "AS", "ASA", "Oy", "Oyj", "GmbH", "AG", "plc"):
        _add(nlp, form + ".", [form, "."])


def add_name_abbreviations(nlp: Language, names: list[str]) -> None:
    """Special cases for abbreviations in known names ("Chr." of "Chr. Hansen")."""
    seen: set[str] = set()
    for name in names:
        for word in name.split():
            if word not in seen and _NAME_ABBREVIATION.match(word):
                seen.add(word)
                _add(nlp, word, [word])


def _add(nlp: Language, text: str, pieces: list[str]) -> None:
    nlp.tokenizer.add_special_case(text, [{ORTH: piece} for piece in pieces])


@Language.factory("mvkg_legal_form_boundaries", default_config={})
def make_legal_form_boundaries(nlp: Language, name: str) -> LegalFormBoundaries:
    return LegalFormBoundaries(nlp, name)


class LegalFormBoundaries:
    """Starts a sentence after "<legal form> ." or "Inc." when a capitalised word follows.

    Runs before the parser, which respects sentence starts that are already set.
    """

    def __init__(self, nlp: Language, name: str = "mvkg_legal_form_boundaries") -> None:
        self.name = name
        # One-token phrases matched in C; the few hits are checked in Python.
        self.forms = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.forms.add("FORM", list(nlp.tokenizer.pipe(sorted(LEGAL_FORM_TOKENS))))

    def __call__(self, doc: Doc) -> Doc:
        starts: list[int] = []
        inside: list[int] = []
        for _id, start, end in self.forms(doc):
            following, begins = _after_form(doc, start, end)
            if following:
                (starts if begins else inside).append(following)
        if not starts and not inside:
            return doc
        # Set through the array API: assigning Token.is_sent_start checks the whole doc for a
        # parse on every assignment, which is quadratic on long texts.
        values = doc.to_array([SENT_START]).astype("int64")
        values[starts] = 1
        values[inside] = -1
        doc.from_array([SENT_START], values.astype("uint64"))
        return doc


def _after_form(doc: Doc, start: int, end: int) -> tuple[int, bool]:
    """(the token after the form, whether it starts a sentence): "Genmab A/S. CEO …" starts
    one at "CEO"; "Regenbio Inc. an exclusive licence" does not at "an"; (0, False) when there
    is nothing to say."""
    if end - start != 1 or end >= len(doc):
        return 0, False
    form = doc[start].text
    if doc[end].text == "." and end + 1 < len(doc):
        return (end + 1, True) if _CAPITALISED.match(doc[end + 1].text) else (0, False)
    if form not in _DOTTED_FORMS:
        return 0, False
    following = doc[end]
    if following.is_lower or following.is_punct:
        return end, False  # the full stop is the abbreviation's, not the sentence's
    if _CAPITALISED.match(following.text) and following.text not in LEGAL_FORM_TOKENS:
        return end, True
    return 0, False
