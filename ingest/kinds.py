"""The kind of an organisation from the words of its name: English, Danish, Swedish (and a few
German, Dutch, French words that registries carry).

Every loader maps its own source's type codes first (ROR types, CORDIS activity types,
ClinicalTrials.gov sponsor classes, CVR company forms, Interreg partner types, GLEIF entity
categories) and asks `kind_from_name` when the source says nothing, or when the name is the
better witness (a hospital that CORDIS files as a public body).

The name is matched in lower-case ASCII ("Högskolan" -> "hogskolan", "Sjælland" ->
"sjaelland"). The rules are tried in this order; the first that matches decides:

1. foundation by legal form, the first word: "Stiftelsen …", "Stift …", "Fonden …", "Den
   Erhvervsdrivende Fond …";
2. foundation that a later rule would take for what it supports: "Sjukhusstiftelse",
   "Hospital Foundation of …", "… Foundation for Fighting Cancer";
3. hospital: sjukhus, sygehus, lasarett, hospital(et) (Rigshospitalet), Klinikum, ziekenhuis…
   before university, because a university hospital ("Universitetssjukhus", "Copenhagen
   University Hospital") is a hospital;
4. university: universitet, university, högskola (not folkhögskola, a folk high school),
   professionshøjskole, handelshøjskole, Hochschule, college (not the Danish vocational "Business
   College" and "Tech College"), Karolinska Institutet, business school, institute of technology;
5. research institute: institut/institute/institutet/instituttet, forskningsinst., ERIC, and a
   center/centre when research is what it is for ("research centre", "Center for … Research",
   "centre of excellence"): a "Medical Center", "Cancer Centre" or "Business Center" is none;
6. public agency: kommun/kommune/kommunen, Region …/…regionen/Region of …, länsstyrelse,
   landsting, stad, -styrelsen, -verket, myndighet, ministry/ministeriet, agency, municipality;
7. foundation: stiftelse, fond/fonden/fondet, foundation(s), Stiftung, stichting, fondation,
   fundación, fund, legat;
8. company: the legal forms A/S, ApS, IVS, P/S, K/S, I/S, A.m.b.A., AB, AB (publ),
   aktiebolag, aktieselskab, Oy, ASA, AS, AG, GmbH, B.V., N.V., Ltd, Limited, Inc, Corp, LLC, PLC;
9. foundation as the end of a compound: "Lundbeckfonden", "Forskningsfond" (after the company
   forms: "Entreprenörfond AB" is a company).

Rules 2, 7 and 9 do not count a foundation whose name is that of a centre or institute it funds
("Novo Nordisk Foundation Center for Basic Metabolic Research"). "Fond" must end a word:
"Fondsmæglerselskab" (a stockbroker) is no foundation. "Region" is a public body as the first
word, as "…regionen" or as "Region of …": "Business Region Göteborg" is a company's trade name.
"""

from __future__ import annotations

import re
from typing import overload

from graph.model import OrgKind
from graph.normalize import strip_accents

# A foundation by legal form: the first word ("Stiftelsen …", "Stift …", "Fonden …", "Den
# Erhvervsdrivende Fond …") says so whatever the rest of the name names.
_FOUNDATION_FORM = re.compile(
    r"^(?:the\s+)?(?:stiftelsen?|stift|fonden|fondet|(?:den\s+)?erhvervsdrivende\s+fond)\b"
)
# Foundations that a hospital or university word would otherwise claim ("Sjukhusstiftelse",
# "Hospital Foundation of …", "General Hospital of Malmö Foundation for Fighting Cancer").
_FOUNDATION_FIRST = re.compile(
    r"\wstiftelsen?\b|\bfoundations?\s+(?:for|of)\b"
    r"|(?:hospitals?|universit\w*|sjukhus\w*|sygehus\w*)\s+(?:foundation|stiftelse|fond)\b"
    r"(?!\s+trust)"
)
_HOSPITAL = re.compile(
    r"sjukhus|sygehus|lasarett|hospital(?!ity)|klinikum|ziekenhuis|hopital|ospedale|spital\b"
    r"|\bhosp\b"
)
# "Business College" and "Tech College" are Danish vocational schools, not universities.
_UNIVERSITY = re.compile(
    r"universit|\buniv\b|(?<!folk)h(?:o|oe)gskol|professionshojskole|handelshojskole"
    r"|hochschule|(?<!business )(?<!tech )\bcolleges?\b|institute of technology|business school"
    r"|medical school|\bkarolinska institutet\b"
)
# A centre is a research institute only when research is what it is for: "Medical Center",
# "Cancer Centre", "Business Center", "Kultur center" are not.
_INSTITUTE = re.compile(
    r"institut|forskningsinst|\beric\b|research cent(?:er|re)\b|\bcent(?:er|re) of excellence\b"
    r"|\bcent(?:er|re)\s+(?:for|of)\b[^,;]*(?:research|forskning)"
)
_PUBLIC_AGENCY = re.compile(
    r"\bkommun(?:e|en|er)?\b|^kommunforbundet|kommunalforbund|regionskommune"
    r"|^region(?:\b|forbundet)|regionen\b|\bregion of\b|lansstyrelse|landsting|\bstad\b"
    r"|municipality|^city of\b|county administrative board|county council|myndighet"
    r"|styrelsen\b|verket\b|ambetet\b|ministeri|\bministry\b|\bagency\b|^jobcenter\b"
)
_FOUNDATION = re.compile(
    r"stiftelse|\bfond(?:en|et)?\b|\bfoundations?\b|stiftung|stichting|fondation|fundacion"
    r"|\bfund\b|legat\b"
)
_COMPANY = re.compile(
    r"\b(?:ab|a/s|aps|ivs|p/s|k/s|i/s|a\.m\.b\.a|amba|gmbh|ltd|limited|inc|incorporated|plc"
    r"|llc|oy|oyj|asa|as|bv|ag|corp|corporation)\b"
    r"|\b(?:b\.v|n\.v|s\.p\.a)\.|aktiebolag|aktieselskab|anpartsselskab"
)
# "Lundbeckfonden", "Forskningsfond": after the company forms ("Entreprenörfond AB" is a
# company).
_FOUNDATION_COMPOUND = re.compile(r"\wfond(?:en|et)?\b")
# A foundation word with one of these names a centre or institute that the foundation funds
# ("Novo Nordisk Foundation Center for Basic Metabolic Research").
_FUNDED_CENTRE = re.compile(r"\bcent(?:er|re)\b|institut")


@overload
def kind_from_name(name: str, default: OrgKind) -> OrgKind: ...
@overload
def kind_from_name(name: str, default: None = None) -> OrgKind | None: ...


def kind_from_name(name: str, default: OrgKind | None = None) -> OrgKind | None:
    """The kind that the words of `name` state, or `default` when they state none.

    >>> kind_from_name("Skånes universitetssjukhus")
    <OrgKind.HOSPITAL: 'hospital'>
    >>> kind_from_name("Business Region Göteborg") is None
    True
    """
    text = strip_accents(" ".join(name.split()))
    if _FOUNDATION_FORM.search(text):
        return OrgKind.FOUNDATION
    funded = bool(_FUNDED_CENTRE.search(text))
    if _FOUNDATION_FIRST.search(text) and not funded:
        return OrgKind.FOUNDATION
    if _HOSPITAL.search(text):
        return OrgKind.HOSPITAL
    if _UNIVERSITY.search(text):
        return OrgKind.UNIVERSITY
    if _INSTITUTE.search(text):
        return OrgKind.RESEARCH_INSTITUTE
    if _PUBLIC_AGENCY.search(text):
        return OrgKind.PUBLIC_AGENCY
    if _FOUNDATION.search(text) and not funded:
        return OrgKind.FOUNDATION
    if _COMPANY.search(text):
        return OrgKind.COMPANY
    if _FOUNDATION_COMPOUND.search(text) and not funded:
        return OrgKind.FOUNDATION
    return default
