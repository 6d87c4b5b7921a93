"""Collaborations between two organisations named in one sentence.

With a dependency parse (English), a relation needs a trigger word on the path between the two
mentions ("A signed a licensing agreement with B", "A's acquisition of B"), a coordinated
subject ("A and B have entered into a research collaboration"), or "between A and B". The
trigger gives the type; its modifiers and objects refine it ("licensing agreement", "research
collaboration", "granted ... exclusive rights", "acquired a 15 percent stake"). The grammatical
role of each mention relative to the trigger gives the direction of directed types:

- acquirer -> acquired   ("A acquires B", "B was acquired by A", "A's acquisition of B")
- investor -> investee   ("A invests in B", "B raises ... in a round led by A")
- funder -> funded       ("A awards B a grant", "B receives funding from A")
- licensor -> licensee   ("A licenses X to B", "B in-licenses X from A", "A grants B a licence")
- supplier -> customer   ("A will supply X to B", "A won a tender from B")

A mention may stand for an organisation: a person whose organisation the text states ("Anna
Svensson, professor at Lund University, has received ... from X") and a definite description
("The Lund-based company is running the study in collaboration with MSD"). Co-investors are
not related to each other but to the investee ("with participation from X", "X also took
part"); a project funded in a later sentence ("The project is funded by Vinnova") is funding of
each partner of the collaboration stated before.

Without a parse (Danish, Swedish) a trigger word between two mentions, or after two
coordinated mentions, is enough, at lower confidence; "af/av" (passive) and "fra/från" mark the
acting party. Never a relation for two organisations merely named together, for negated or
hedged statements ("denied", "no plans to", "not", "in talks", "could"), or between a mention
and itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from nlp.components import (
    O_END,
    O_IDS,
    O_START,
    PERSONS,
    RELATIONS,
    org_list,
    register_extensions,
)
from nlp.language import AGENT_PREPOSITIONS, NEGATIONS, RECEIVING_VERBS, TRIGGERS

PARTNERSHIP = "partnership"
LICENSING = "licensing"
ACQUISITION = "acquisition"
INVESTMENT = "investment"
RESEARCH = "research_collaboration"
FUNDING = "funding"
SUPPLY = "supply"
OTHER = "other"
DIRECTED = frozenset({LICENSING, ACQUISITION, INVESTMENT, FUNDING, SUPPLY})
# How specific a type is: the most specific trigger on a path decides.
_SPECIFICITY = {
    OTHER: 0,
    PARTNERSHIP: 1,
    RESEARCH: 2,
    SUPPLY: 3,
    FUNDING: 3,
    INVESTMENT: 3,
    LICENSING: 4,
    ACQUISITION: 4,
}

CONF_PARSE = 0.85
CONF_COORDINATED = 0.8
CONF_STAND_IN = 0.7
CONF_RULES = 0.6

# ---------------------------------------------------------------------------- English lexicon

VERB_TRIGGERS: dict[str, str] = {
    **dict.fromkeys(
        ["collaborate", "cooperate", "co-operate", "partner", "ally", "co-develop", "codevelop"],
        PARTNERSHIP,
    ),
    **dict.fromkeys(["co-promote", "copromote", "co-market", "comarket"], PARTNERSHIP),
    **dict.fromkeys(
        [
            "license",
            "licence",
            "in-license",
            "in-licence",
            "out-license",
            "sublicense",
            "inlicense",
        ],
        LICENSING,
    ),
    **dict.fromkeys(["acquire", "buy", "purchase", "merge", "absorb"], ACQUISITION),
    **dict.fromkeys(["invest", "co-invest", "back"], INVESTMENT),
    **dict.fromkeys(
        ["fund", "finance", "co-fund", "cofund", "donate", "sponsor", "grant", "award"], FUNDING
    ),
    **dict.fromkeys(["supply", "manufacture", "distribute"], SUPPLY),
}
NOUN_TRIGGERS: dict[str, str] = {
    **dict.fromkeys(
        [
            "collaboration",
            "cooperation",
            "co-operation",
            "partnership",
            "alliance",
            "collaborator",
            "co-development",
            "codevelopment",
            "co-promotion",
            "mou",
            "memorandum",
            "partner",
        ],
        PARTNERSHIP,
    ),
    **dict.fromkeys(["agreement", "deal", "contract", "pact", "arrangement"], OTHER),
    **dict.fromkeys(
        ["license", "licence", "licensing", "sublicense", "licensee", "licensor", "in-licensing"],
        LICENSING,
    ),
    **dict.fromkeys(
        ["acquisition", "takeover", "purchase", "buyout", "merger", "acquirer"], ACQUISITION
    ),
    **dict.fromkeys(["investment", "investor", "stake", "round", "financing"], INVESTMENT),
    **dict.fromkeys(["funding", "grant", "donation", "funder", "sponsorship"], FUNDING),
    **dict.fromkeys(
        ["supply", "supplier", "manufacturing", "distribution", "distributor", "tender"], SUPPLY
    ),
    **dict.fromkeys(["spin-out", "spinout", "spin-off", "spinoff", "member", "subsidiary"], OTHER),
}
# Modifiers of a noun trigger that say which kind of agreement it is.
TYPE_MODIFIERS: dict[str, str] = {
    "licensing": LICENSING,
    "license": LICENSING,
    "licence": LICENSING,
    "sublicense": LICENSING,
    "royalty": LICENSING,
    "research": RESEARCH,
    "r&d": RESEARCH,
    "scientific": RESEARCH,
    "academic": RESEARCH,
    "discovery": RESEARCH,
    "clinical": RESEARCH,
    "supply": SUPPLY,
    "distribution": SUPPLY,
    "manufacturing": SUPPLY,
    "framework": SUPPLY,
    "acquisition": ACQUISITION,
    "merger": ACQUISITION,
    "investment": INVESTMENT,
    "funding": FUNDING,
    "grant": FUNDING,
    "collaboration": PARTNERSHIP,
    "partnership": PARTNERSHIP,
    "co-development": PARTNERSHIP,
    "development": PARTNERSHIP,
    "commercialization": PARTNERSHIP,
    "commercialisation": PARTNERSHIP,
    "strategic": PARTNERSHIP,
    "joint": PARTNERSHIP,
}
# Words that make a partnership a research collaboration when they describe its object.
RESEARCH_WORDS = frozenset(
    {
        "research",
        "r&d",
        "study",
        "studies",
        "trial",
        "trials",
        "clinical",
        "scientific",
        "science",
        "discovery",
        "preclinical",
        "biomarker",
        "biomarkers",
        "experiment",
        "experiments",
        "investigation",
    }
)
# Nouns that are a joint undertaking when "joint" or a coordinated subject makes them one.
JOINT_NOUNS = frozenset(
    {
        "programme",
        "program",
        "project",
        "study",
        "trial",
        "initiative",
        "venture",
        "centre",
        "center",
        "consortium",
        "platform",
        "development",
        "effort",
        "research",
    }
)
# Joint undertakings that are research unless something says otherwise.
_RESEARCH_UNDERTAKINGS = frozenset({"project", "study", "trial", "research", "centre", "center"})
# Verbs whose object says what the relation is: "signed a licensing agreement".
LIGHT_VERBS = frozenset(
    {
        "sign",
        "enter",
        "form",
        "announce",
        "establish",
        "conclude",
        "complete",
        "close",
        "expand",
        "extend",
        "renew",
        "strike",
        "reach",
        "ink",
        "secure",
        "receive",
        "win",
        "launch",
        "initiate",
        "start",
        "begin",
        "have",
        "make",
        "agree",
        "finalize",
        "finalise",
        "execute",
        "forge",
        "obtain",
        "get",
        "raise",
        "lead",
        "co-lead",
        "join",
        "team",
        "work",
        "provide",
        "give",
        "run",
        "conduct",
        "select",
        "choose",
    }
)
# Subjects of these verbs receive (money, a licence): "B receives a grant from A".
RECEIVING = frozenset({"receive", "secure", "raise", "obtain", "get", "win", "land", "attract"})
# Acquisition of these is an equity investment, not control: "acquired a 15 percent stake".
EQUITY_OBJECTS = frozenset({"stake", "share", "shares", "interest", "holding", "position"})
# What a grant or an award transfers when it is not money: "granted B exclusive rights".
LICENCE_OBJECTS = frozenset({"licence", "license", "rights", "right", "option", "sublicense"})
# Hedges and negations on the trigger or the verbs above it.
NEGATING_LEMMAS = frozenset(
    {
        "deny",
        "refute",
        "dismiss",
        "reject",
        "rumor",
        "rumour",
        "speculation",
        "speculate",
        "talk",
        "negotiation",
        "discussion",
        "plan",
        "consider",
        "explore",
        "end",
        "terminate",
        "discontinue",
        "cancel",
        "exit",
        "withdraw",
        "pursue",
        "seek",
        "intend",
        "intention",
        "propose",
        "finalist",
        "nominate",
        "shortlist",
        "apply",
        "application",
    }
)
# Modifiers that make a deal a possibility: "a potential acquisition", "the proposed merger".
HEDGING_MODIFIERS = frozenset({"potential", "possible", "proposed", "planned", "prospective"})
HEDGES = frozenset({"could", "might", "may", "would"})
# Dependency arcs that start a new statement: "A said that B acquired C" relates B and C only.
_CLAUSE_ARCS = frozenset({"ccomp", "advcl", "parataxis", "csubj", "csubjpass"})
_MAX_PATH = 8
_COORDINATORS = frozenset(
    {",", "and", "&", "together", "with", "as", "well", "plus", "og", "och", "samt"}
)
_BETWEEN = frozenset({"between", "among", "mellem", "mellan"})
# Co-investors and co-funders: "with participation from X", "X also took part", "alongside X".
_CO_PARTICIPATION = frozenset({"participation", "participate", "alongside", "co-investor"})
# Descriptions that stand for the organisation a passage is about.
_DESCRIPTION_NOUNS = frozenset({"company", "group", "firm"})
_STAND_IN_NOUNS = frozenset({"selskabet", "virksomheden", "koncernen", "bolaget", "företaget"})
# Subjects that refer back to a joint undertaking: "The project is funded by Vinnova".
_PROJECT_WORDS = frozenset(
    {
        "project",
        "programme",
        "program",
        "collaboration",
        "partnership",
        "study",
        "initiative",
        "centre",
        "center",
        "consortium",
        "projektet",
        "samarbejdet",
        "samarbetet",
        "programmet",
        "centret",
        "centeret",
        "studien",
        "forskningssamarbejdet",
        "forskningssamarbetet",
    }
)


@dataclass(frozen=True, slots=True)
class _Mention:
    """Words in a sentence that stand for organisation `org` (an index into the org list)."""

    org: int
    start: int
    end: int
    via: str  # org | person | description


@Language.factory("mvkg_relations", default_config={"language": "en"})
def make_relations(nlp: Language, name: str, language: str) -> RelationFinder:
    return RelationFinder(name, language=language)


class RelationFinder:
    """Sets `doc._.mvkg_relations` = [[a, b, type, confidence, directed, sentence start], ...]
    with a, b org indices (a the source of a directed type) and the sentence's first token."""

    def __init__(self, name: str = "mvkg_relations", *, language: str = "en") -> None:
        register_extensions()
        self.name = name
        self.language = language

    def __setstate__(self, state: dict) -> None:
        # Unpickled in a worker process (spawn): the Doc attributes must exist there too.
        self.__dict__.update(state)
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        orgs = org_list(doc)
        found: list[list] = []
        if orgs:
            parsed = doc.has_annotation("DEP")
            for sent, mentions in _by_sentence(doc, orgs, parsed):
                if parsed:
                    found += _parsed_relations(doc, sent, mentions, orgs)
                else:
                    found += _surface_relations(doc, sent, mentions, orgs, self.language)
            found += _project_funding(doc, orgs, found, self.language)
        doc._.set(RELATIONS, _unique(found))
        return doc


def _unique(rows: list[list]) -> list[list]:
    """Rows [source, target, type, confidence, directed, sentence start token], first kept."""
    seen: set[tuple[int, int, str]] = set()
    result = []
    for row in rows:
        key = (row[0], row[1], row[2])
        if key not in seen and row[0] != row[1]:
            seen.add(key)
            result.append(row)
    return result


# ---------------------------------------------------------------------------- mentions


def _by_sentence(doc: Doc, orgs: list[list], parsed: bool) -> Iterable[tuple[Span, list[_Mention]]]:
    """Each sentence with the mentions in it: organisations, people with a stated organisation,
    and descriptions ("the company") of the passage's main organisation."""
    groups: dict[int, list[_Mention]] = defaultdict(list)
    sents: dict[int, Span] = {}

    def add(mention: _Mention) -> None:
        sent = doc[mention.start].sent
        groups[sent.start].append(mention)
        sents[sent.start] = sent

    for index, org in enumerate(orgs):
        add(_Mention(index, org[O_START], org[O_END], "org"))
    for start, end, org, _role in doc._.get(PERSONS) or []:
        if 0 <= org < len(orgs):
            add(_Mention(org, start, end, "person"))
    main = _main_org(doc, orgs, parsed)
    if main is not None:
        for start, end in _descriptions(doc):
            if start >= orgs[main][O_END]:
                add(_Mention(main, start, end, "description"))
    for start, mentions in groups.items():
        if len({_identity(doc, orgs[m.org]) for m in mentions}) >= 2:
            yield sents[start], sorted(mentions, key=lambda m: m.start)


def _identity(doc: Doc, org: list) -> str:
    """What makes two mentions one organisation here: a shared id or the same first word."""
    if org[O_IDS]:
        return "id:" + org[O_IDS][0]
    words = [t.text for t in doc[org[O_START] : org[O_END]]]
    return words[0].casefold() if words else ""


def _main_org(doc: Doc, orgs: list[list], parsed: bool) -> int | None:
    """The organisation the passage is about: the subject of the first sentence naming one."""
    if not orgs:
        return None
    first = orgs[0]
    if not parsed:
        return 0
    sent = doc[first[O_START]].sent
    for index, org in enumerate(orgs):
        if doc[org[O_START]].sent.start != sent.start:
            break
        root = doc[org[O_START] : org[O_END]].root
        if root.dep_ in ("nsubj", "nsubjpass"):
            return index
    return 0


def _descriptions(doc: Doc) -> list[tuple[int, int]]:
    """ "The company", "the Lund-based company", "selskabet", "bolaget": (start, end)."""
    found = []
    for token in doc:
        lower = token.lower_
        if lower in _STAND_IN_NOUNS:
            found.append((token.i, token.i + 1))
        elif lower in _DESCRIPTION_NOUNS and token.pos_ == "NOUN":
            det = next((c for c in token.children if c.dep_ == "det"), None)
            if det is not None and det.lower_ == "the" and token.dep_ in ("nsubj", "nsubjpass"):
                found.append((det.i, token.i + 1))
    return found


def _same_org(doc: Doc, orgs: list[list], a: _Mention, b: _Mention) -> bool:
    if a.org == b.org:
        return True
    oa, ob = orgs[a.org], orgs[b.org]
    if oa[O_IDS] and ob[O_IDS] and set(oa[O_IDS]) & set(ob[O_IDS]):
        return True
    text_a = doc[oa[O_START] : oa[O_END]].text.casefold()
    text_b = doc[ob[O_START] : ob[O_END]].text.casefold()
    return text_a == text_b or text_a.startswith(text_b + " ") or text_b.startswith(text_a + " ")


# ---------------------------------------------------------------------------- parsed


def _parsed_relations(
    doc: Doc, sent: Span, mentions: list[_Mention], orgs: list[list]
) -> list[list]:
    triggers = {t.i: kind for t in sent if (kind := trigger_type(t)) is not None}
    if not triggers and not any(t.lemma_.lower() in LIGHT_VERBS for t in sent):
        return []
    owner: dict[int, int] = {}
    for number, mention in enumerate(mentions):
        for i in range(mention.start, mention.end):
            owner.setdefault(i, number)
    co_participants = {n for n, m in enumerate(mentions) if _co_participant(doc, m)}
    found: list[list] = []
    for (na, a), (nb, b) in combinations(enumerate(mentions), 2):
        if _same_org(doc, orgs, a, b) or na in co_participants or nb in co_participants:
            continue
        relation = _path_relation(
            doc, mentions, a, b, na, nb, owner, triggers
        ) or _coordinated_relation(doc, a, b, triggers)
        if relation is not None:
            if "person" in (a.via, b.via) or "description" in (a.via, b.via):
                relation[3] = CONF_STAND_IN
            found.append(relation)
    found += _co_investments(mentions, co_participants, found)
    found += _partner_of_subject(doc, sent, mentions, orgs)
    return [[*row, sent.start] for row in found]


def trigger_type(token: Token) -> str | None:
    """The collaboration type a word announces (before refinement), or None."""
    lemma = token.lemma_.lower()
    lower = token.lower_
    if token.pos_ in ("VERB", "AUX"):
        if lemma in VERB_TRIGGERS:
            return VERB_TRIGGERS[lemma]
        particles = {c.lower_ for c in token.children if c.dep_ in ("prt", "prep")}
        if lemma == "take" and "over" in particles:
            return ACQUISITION
        if lemma == "spin" and particles & {"out", "off"}:
            return OTHER
        return None
    if token.pos_ in ("NOUN", "PROPN"):
        kind = NOUN_TRIGGERS.get(lemma) or NOUN_TRIGGERS.get(lower)
        if (
            kind is None
            and lower in ("out", "off")
            and any(c.lower_ == "spin" for c in token.children)
        ):
            return OTHER  # "a spin-out from X"
        if (
            kind is None
            and lower in JOINT_NOUNS
            and any(c.lower_ == "joint" for c in token.children)
        ):
            return PARTNERSHIP  # "a joint research programme"
        if kind is None and lower.startswith(("series", "seed")) and token.pos_ == "PROPN":
            return INVESTMENT  # "Series B", when tagged as a name
        return kind
    return None


def _kind_of(token: Token, base: str | None) -> str | None:
    """The type a trigger (or a light verb) stands for in its context."""
    lemma = token.lemma_.lower()
    kind = base
    if token.pos_ in ("NOUN", "PROPN") and kind is not None:
        kind = _refined(token, kind)
    elif token.pos_ in ("VERB", "AUX"):
        objects = _objects(token)
        object_words = {o.lemma_.lower() for o in objects} | {o.lower_ for o in objects}
        if kind == FUNDING and lemma in ("grant", "award") and object_words & LICENCE_OBJECTS:
            return LICENSING  # "granted AbbVie an exclusive licence", "… exclusive rights"
        if kind == ACQUISITION and object_words & EQUITY_OBJECTS:
            return INVESTMENT  # "acquired a 15 percent stake in X"
        if kind is None and lemma in RECEIVING and any(_is_money(o) for o in objects):
            # "has received SEK 25 million from X", "raised EUR 60 million from X"
            kind = INVESTMENT if lemma == "raise" else FUNDING
        light = _light_object_type(token) if lemma in LIGHT_VERBS or kind is None else None
        if light is not None and (kind is None or _SPECIFICITY[light] > _SPECIFICITY[kind]):
            kind = light
        if lemma in ("select", "choose") and _site_selection(token):
            kind = RESEARCH  # "selected X as one of twelve sites for a phase 3 trial"
        if kind in (PARTNERSHIP, OTHER) and _about_research(token):
            kind = RESEARCH
    return kind


def _refined(token: Token, kind: str) -> str:
    """ "licensing agreement" -> licensing; "research collaboration" -> research_collaboration."""
    best = kind
    for child in token.children:
        if child.dep_ in ("compound", "amod", "nmod", "conj", "npadvmod"):
            for word in (child, *[c for c in child.children if c.dep_ in ("conj", "compound")]):
                found = TYPE_MODIFIERS.get(word.lower_) or TYPE_MODIFIERS.get(word.lemma_.lower())
                if found and _SPECIFICITY[found] > _SPECIFICITY[best]:
                    best = found
    if best in (PARTNERSHIP, OTHER) and _about_research(token):
        best = RESEARCH
    return best


def _about_research(token: Token) -> bool:
    """A research word among the trigger's modifiers or in what it is about ("on a study")."""
    for child in token.children:
        if child.dep_ in ("compound", "amod", "nmod") and child.lower_ in RESEARCH_WORDS:
            return True
        about = child.dep_ == "prep" and child.lower_ in ("on", "in", "of", "for", "to", "about")
        if about and any(t.lower_ in RESEARCH_WORDS for t in child.subtree):
            return True
        if child.dep_ in ("dobj", "xcomp", "acl") and child.lower_ in RESEARCH_WORDS:
            return True
    # "running the study in collaboration with MSD": the verb's object says what it is about.
    if token.dep_ == "pobj" and token.head.head.lemma_.lower() in RESEARCH_WORDS:
        return True
    if token.dep_ == "pobj" and token.head.head.pos_ in ("VERB", "AUX"):
        verb = token.head.head
        return any(
            c.dep_ in ("dobj", "attr") and c.lemma_.lower() in RESEARCH_WORDS for c in verb.children
        )
    return False


def _is_money(token: Token) -> bool:
    return token.ent_type_ == "MONEY" or token.lower_ in ("million", "billion", "mio", "mia")


def _site_selection(verb: Token) -> bool:
    words = {t.lemma_.lower() for t in verb.subtree}
    return "site" in words and bool(words & {"trial", "study"})


def _light_object_type(verb: Token) -> str | None:
    """The type of a light verb's trigger object: "signed a licensing agreement"."""
    best: str | None = None
    for noun in _objects(verb):
        kind = trigger_type(noun) if noun.pos_ in ("NOUN", "PROPN") else None
        if kind is None:
            continue
        kind = _refined(noun, kind)
        if best is None or _SPECIFICITY[kind] > _SPECIFICITY[best]:
            best = kind
    return best


def _objects(verb: Token) -> list[Token]:
    """Direct objects and prepositional objects of a verb ("entered into a collaboration")."""
    found = []
    for child in verb.children:
        if child.dep_ in ("dobj", "attr", "oprd", "nsubjpass", "dative"):
            found.append(child)
            found.extend(c for c in child.children if c.dep_ == "conj")
        elif child.dep_ in ("prep", "agent", "prt"):
            found.extend(c for c in child.children if c.dep_ == "pobj")
    return found


def _anchor(doc: Doc, mention: _Mention, mentions: list[_Mention], owner: dict[int, int]) -> Token:
    """The mention's syntactic head, moved up over conjunctions ("B and C" -> B's position,
    also when B is a longer name: "the Capital Region of Denmark and Region Zealand") and over
    "including" ("pension funds, including PFA")."""
    token = doc[mention.start : mention.end].root
    for _ in range(6):
        head = token.head
        other = owner.get(head.i)
        if token.dep_ == "pobj" and head.lower_ in ("including", "notably"):
            token = head.head
        elif (
            other is not None
            and other != owner.get(token.i)
            and (token.dep_ in ("conj", "appos") or _coordinated(doc, mention, mentions[other]))
        ):
            # Parsed as "Lund University" modifying "Skåne University Hospital", or as a
            # conjunct inside it: the coordinated mention's place is this one's too.
            token = doc[mentions[other].start : mentions[other].end].root
        elif token.dep_ in ("conj", "appos") and head.i != token.i:
            token = head
        else:
            break
    return token


def _coordinated(doc: Doc, a: _Mention, b: _Mention) -> bool:
    first, second = (a, b) if a.start < b.start else (b, a)
    gap = doc[first.end : second.start]
    return bool(len(gap)) and all(t.lower_ in _COORDINATORS for t in gap)


def _chain(token: Token) -> list[Token]:
    chain = [token]
    while token.head.i != token.i:
        token = token.head
        chain.append(token)
    return chain


def _path(a: Token, b: Token) -> list[Token] | None:
    up_a = _chain(a)
    chain_b = _chain(b)
    position_b = {t.i: k for k, t in enumerate(chain_b)}
    for k, token in enumerate(up_a):
        if token.i in position_b:
            return up_a[: k + 1] + list(reversed(chain_b[: position_b[token.i]]))
    return None


def _path_relation(
    doc: Doc,
    mentions: list[_Mention],
    a: _Mention,
    b: _Mention,
    na: int,
    nb: int,
    owner: dict[int, int],
    triggers: dict[int, str],
) -> list | None:
    ra, rb = _anchor(doc, a, mentions, owner), _anchor(doc, b, mentions, owner)
    path = _path(ra, rb)
    if path is None or len(path) - 1 > _MAX_PATH or len(path) < 3:
        return None
    # The ends may sit in the mention they are coordinated with ("A and B"): theirs too.
    ends = {owner.get(ra.i), owner.get(rb.i), na, nb}
    inner = [t for t in path[1:-1] if owner.get(t.i) not in ends]
    if not inner or any(t.i in owner for t in inner):
        return None  # adjacent, or through a third organisation
    if _crosses_clause(path):
        return None
    best: tuple[str, Token] | None = None
    for token in inner:
        kind = triggers.get(token.i)
        if kind is None and token.lemma_.lower() not in LIGHT_VERBS:
            continue
        kind = _kind_of(token, kind)
        if kind is not None and (best is None or _SPECIFICITY[kind] > _SPECIFICITY[best[0]]):
            best = (kind, token)
    if best is None:
        return None
    kind, trigger = best
    if _negated(trigger) or any(_negated(t) for t in inner if t.pos_ in ("VERB", "AUX")):
        return None
    lca = min(path, key=lambda t: len(_chain(t)))
    order = _direction(ra, rb, trigger, lca, kind)
    if order is None:
        return None
    source, target = (a.org, b.org) if order else (b.org, a.org)
    return [source, target, kind, CONF_PARSE, kind in DIRECTED]


def _crosses_clause(path: list[Token]) -> bool:
    """True when the path enters another clause ("A said that B acquired C", "A invested in X,
    and B took part"), unless that clause's subject is a pronoun that can stand for the
    mention ("A said it would acquire B")."""
    lca = min(path, key=lambda t: len(_chain(t)))
    for token in path:
        if token.i == lca.i:
            continue
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and lca.pos_ in ("VERB", "AUX"):
            return True
        if token.dep_ not in _CLAUSE_ARCS:
            continue
        if not any(c.dep_ == "nsubj" and c.pos_ == "PRON" for c in token.children):
            return True
    return False


def _negated(token: Token) -> bool:
    """A negation, denial, hedge or an ending on the trigger or on any word above it."""
    for node in _chain(token):
        if node.lemma_.lower() in NEGATING_LEMMAS:
            return True
        for child in node.children:
            if child.dep_ == "neg" or (child.dep_ in ("det", "advmod") and child.lower_ == "no"):
                return True
            if child.dep_ == "aux" and child.lower_ in HEDGES:
                return True
            if child.dep_ == "amod" and child.lower_ in HEDGING_MODIFIERS:
                return True
        if node.dep_ == "ROOT":
            break
    return False


# ---------------------------------------------------------------------------- direction

_SOURCE_ROLES = frozenset({"subj", "possessor", "prep:by", "agent"})
_TARGET_ROLES = frozenset(
    {
        "object",
        "patient",
        "recipient",
        "prep:of",
        "prep:to",
        "prep:in",
        "prep:into",
        "prep:for",
        "prep:with",
    }
)


def _entry(anchor: Token, pivot: Token) -> Token | None:
    """The word through which `anchor` attaches to `pivot` (its child on the way up)."""
    previous = None
    for token in _chain(anchor):
        if token.i == pivot.i:
            return previous
        previous = token
    return None


def _role_at(child: Token, pivot: Token) -> str:
    dep = child.dep_
    if dep == "nsubj":
        return "recipient" if pivot.lemma_.lower() in RECEIVING else "subj"
    if dep == "nsubjpass":
        return "patient"
    if dep in ("dobj", "dative", "attr", "oprd"):
        return "object"
    if dep == "poss":
        return "possessor"
    if dep == "agent":
        return "prep:by"
    if dep == "prep":
        return f"prep:{child.lower_}"
    return "other"


def _role(anchor: Token, trigger: Token, lca: Token) -> tuple[str, bool]:
    """(role, direct): how the mention takes part, relative to the trigger when the trigger is
    above it (direct), else relative to the top of the path."""
    if _leads_financing(anchor):
        return "prep:by", True  # "in a Series A round led by X", "a round backed by X"
    child = _entry(anchor, trigger)
    if child is not None:
        if (
            child.dep_ == "dobj"
            and anchor.dep_ == "pobj"
            and anchor.head.lower_ == "from"
            and anchor.head.head.i == child.i
        ):
            return "prep:from", True  # "in-licensed an analogue from Sanofi"
        return _role_at(child, trigger), True
    child = _entry(anchor, lca)
    if child is not None:
        return _role_at(child, lca), False
    return "other", False


def _leads_financing(anchor: Token) -> bool:
    prep = anchor.head
    if anchor.dep_ != "pobj" or prep.dep_ != "agent":
        return False
    verb = prep.head
    if verb.lemma_.lower() not in ("lead", "co-lead", "back", "fund", "finance", "anchor"):
        return False
    noun = verb.head
    return NOUN_TRIGGERS.get(noun.lemma_.lower()) in (INVESTMENT, FUNDING)


def _side(role: str, kind: str) -> str:
    """S (source), T (target), X (no relation: a seller) or ? for a role under a type."""
    if role == "prep:from":
        if kind == ACQUISITION:
            return "X"  # "acquired B from C": the seller is no party to the relation
        return "T" if kind == SUPPLY else "S"
    if role == "recipient":
        return "S" if kind == SUPPLY else "T"  # "A won a tender from B" / "B received a grant"
    if role in _SOURCE_ROLES:
        return "S"
    if role in _TARGET_ROLES:
        return "T"
    return "?"


def _direction(ra: Token, rb: Token, trigger: Token, lca: Token, kind: str) -> bool | None:
    """True for a -> b, False for b -> a, None for no relation. Text order for undirected."""
    if kind not in DIRECTED:
        return True
    role_a, direct_a = _role(ra, trigger, lca)
    role_b, direct_b = _role(rb, trigger, lca)
    if kind == ACQUISITION and trigger.lemma_.lower() in ("sell", "divest"):
        # "A sells B to C": the buyer is after "to".
        return role_a != "prep:to" if "prep:to" in (role_a, role_b) else None
    side_a, side_b = _side(role_a, kind), _side(role_b, kind)
    if "X" in (side_a, side_b):
        return None
    if side_a == side_b == "S" and "prep:from" in (role_a, role_b):
        # "B in-licensed the compound from A": the one it comes from is the source.
        side_a, side_b = ("S", "T") if role_a == "prep:from" else ("T", "S")
    if side_a == side_b and side_a != "?" and direct_a != direct_b:
        # The trigger's own argument keeps its role: "A signed an agreement under which B
        # will supply …" makes B the supplier.
        flipped = "T" if side_a == "S" else "S"
        side_a, side_b = (side_a, flipped) if direct_a else (flipped, side_b)
    if side_a == side_b and side_a != "?":
        return None  # co-investors, co-funders, two acquired companies: not each other
    # Text order unless the roles say otherwise.
    return not (side_b == "S" or side_a == "T") or side_a == "S" or side_b == "T"


# ---------------------------------------------------------------------------- coordination


def _coordinated_relation(
    doc: Doc, a: _Mention, b: _Mention, triggers: dict[int, str]
) -> list | None:
    """ "A and B have entered into a research collaboration", "collaboration between A and B",
    "Researchers at A and B will collaborate", "a project led by A and B"."""
    first, second = (a, b) if a.start < b.start else (b, a)
    gap = doc[first.end : second.start]
    if not len(gap) or not all(t.lower_ in _COORDINATORS for t in gap):
        return None
    group = _group_head(doc, first.start, second.end)
    trigger = _group_trigger(group, triggers)
    if trigger is None or _negated(trigger):
        return None
    kind = _kind_of(trigger, triggers.get(trigger.i))
    if kind is None:
        kind = RESEARCH if trigger.lower_ in _RESEARCH_UNDERTAKINGS else PARTNERSHIP
    if kind in DIRECTED:
        return None  # "A and B invested in C": co-investors, not each other's
    return [first.org, second.org, kind, CONF_COORDINATED, False]


def _group_head(doc: Doc, start: int, end: int) -> Token:
    """The head of "A and B" as a whole, moved up over conjunctions and "Researchers at"."""
    token = doc[start:end].root
    while token.dep_ in ("conj", "appos") and token.head.i != token.i:
        token = token.head
    return token


def _group_trigger(group: Token, triggers: dict[int, str]) -> Token | None:
    head = group.head
    if group.dep_ == "pobj" and head.lower_ in _BETWEEN:
        noun = head.head
        return noun if noun.i in triggers else None
    if group.dep_ == "poss":
        return head if head.i in triggers else None
    if group.dep_ == "pobj" and head.dep_ == "agent":
        # "a project led by A and B": a joint undertaking.
        verb = head.head
        noun = verb.head if verb.dep_ in ("acl", "relcl") else None
        if noun is not None and noun.lower_ in JOINT_NOUNS:
            return noun
        return None
    if group.dep_ == "pobj" and head.dep_ == "prep" and head.head.dep_ in ("nsubj", "nsubjpass"):
        group = head.head  # "Researchers at A and B will collaborate with C"
    if group.dep_ in ("nsubj", "nsubjpass"):
        return _trigger_below(group.head, triggers, depth=3, skip=group)
    return None


def _trigger_below(
    verb: Token, triggers: dict[int, str], *, depth: int, skip: Token
) -> Token | None:
    """The verb itself if it is a trigger, else a trigger among its objects (breadth-first)."""
    if verb.i in triggers or (verb.pos_ == "VERB" and _light_object_type(verb) is not None):
        return verb
    frontier = [verb]
    for _ in range(depth):
        following: list[Token] = []
        for node in frontier:
            for child in node.children:
                if (
                    child.i == skip.i
                    or child.dep_ in _CLAUSE_ARCS
                    or child.dep_.startswith("nsubj")
                ):
                    continue
                if child.dep_ not in ("dobj", "prep", "pobj", "xcomp", "attr", "acomp", "conj"):
                    continue
                if child.i in triggers:
                    return child
                following.append(child)
        frontier = following
    return None


# ---------------------------------------------------------------------------- co-investors


def _co_participant(doc: Doc, mention: _Mention) -> bool:
    """ "with participation from X", "X also took part", "alongside X", "together with X"."""
    token = doc[mention.start : mention.end].root
    while token.dep_ in ("conj", "appos") and token.head.i != token.i:
        token = token.head
    for step, node in enumerate(_chain(token)[1:4]):
        lemma = node.lemma_.lower()
        if lemma in _CO_PARTICIPATION:
            return True
        if lemma == "take" and any(c.lower_ == "part" for c in node.children) and step == 0:
            return True
        if node.lower_ == "with" and any(c.lower_ == "together" for c in node.head.children):
            return True
    return False


def _co_investments(
    mentions: list[_Mention], co_participants: set[int], found: list[list]
) -> list[list]:
    """Co-investors and co-funders of an investment or funding in the same sentence."""
    added: list[list] = []
    for number in sorted(co_participants):
        mention = mentions[number]
        for source, target, kind, confidence, _directed in found:
            if kind in (INVESTMENT, FUNDING) and mention.org not in (source, target):
                added.append([mention.org, target, kind, min(confidence, CONF_COORDINATED), True])
    return added


# "its partner Braeburn", "its licensee Braeburn": the possessive stands for the subject.
_PARTNER_NOUNS = {
    "partner": PARTNERSHIP,
    "collaborator": PARTNERSHIP,
    "licensee": LICENSING,
    "distributor": SUPPLY,
    "supplier": SUPPLY,
}


def _partner_of_subject(
    doc: Doc, sent: Span, mentions: list[_Mention], orgs: list[list]
) -> list[list]:
    """ "Camurus announced that its partner Braeburn …": Camurus-Braeburn."""
    subject = next(
        (m for m in mentions if m.via == "org" and doc[m.start : m.end].root.dep_ == "nsubj"),
        None,
    )
    if subject is None:
        return []
    found = []
    for mention in mentions:
        if mention.via != "org" or mention.org == subject.org:
            continue
        root = doc[mention.start : mention.end].root
        noun = next(
            (
                t
                for t in (doc[mention.start - 1] if mention.start > 0 else None, root.head)
                if t is not None and t.lower_ in _PARTNER_NOUNS and t.i < mention.start
            ),
            None,
        )
        if noun is None or not any(
            c.dep_ == "poss" and c.lower_ in ("its", "their") for c in noun.children
        ):
            continue
        kind = _PARTNER_NOUNS[noun.lower_]
        if kind == SUPPLY and noun.lower_ == "distributor":
            found.append([subject.org, mention.org, kind, CONF_STAND_IN, True])
        elif kind == SUPPLY:
            found.append([mention.org, subject.org, kind, CONF_STAND_IN, True])
        else:
            found.append([subject.org, mention.org, kind, CONF_STAND_IN, kind in DIRECTED])
    return found


def _project_funding(doc: Doc, orgs: list[list], found: list[list], language: str) -> list[list]:
    """ "The project is funded by Vinnova", "Samarbejdet finansieres af Innovationsfonden":
    funding of each partner of the collaboration stated in one of the two sentences before."""
    partners: dict[int, set[int]] = defaultdict(set)  # sentence start -> org indices
    for source, target, kind, _confidence, _directed, sent_start in found:
        if kind in (RESEARCH, PARTNERSHIP):
            partners[sent_start].update((source, target))
    if not partners:
        return []
    agents = {"by", "from"} | AGENT_PREPOSITIONS.get(language, frozenset())
    funding_words = {w for w, k in TRIGGERS.get(language, {}).items() if k == FUNDING}
    funders: dict[int, list[int]] = defaultdict(list)  # sentence start -> agents
    for index, org in enumerate(orgs):
        start = org[O_START]
        if start > 0 and doc[start - 1].lower_ in agents:
            funders[doc[start].sent.start].append(index)
    sentence_starts = [sent.start for sent in doc.sents]
    position = {start: k for k, start in enumerate(sentence_starts)}
    added: list[list] = []
    for sent_start, agents_here in funders.items():
        sent = doc[sent_start].sent
        if len(agents_here) != 1 or doc[sent_start].lower_ not in _PROJECT_WORDS | {"the", "det"}:
            continue
        funder = agents_here[0]
        words = {t.lower_ for t in doc[sent_start : orgs[funder][O_START]]}
        lemmas = {t.lemma_.lower() for t in sent}
        if not words & _PROJECT_WORDS or not (
            lemmas & {"fund", "finance", "support"} or words & funding_words
        ):
            continue
        k = position[sent_start]
        for earlier in sentence_starts[max(0, k - 2) : k]:
            for partner in sorted(partners.get(earlier, ())):
                if partner != funder:
                    added.append([funder, partner, FUNDING, CONF_STAND_IN, True, sent_start])
    return added


# ---------------------------------------------------------------------------- surface


def _surface_relations(
    doc: Doc, sent: Span, mentions: list[_Mention], orgs: list[list], language: str
) -> list[list]:
    """Trigger words between or after two mentions, for texts without a parse (da, sv)."""
    lexicon = TRIGGERS.get(language, {})
    negations = NEGATIONS.get(language, frozenset())
    if any(t.lower_ in negations for t in sent):
        return []
    triggers = {t.i: lexicon[t.lower_] for t in sent if t.lower_ in lexicon}
    generic = {t.i for t in sent if t.lower_ in _GENERIC_AGREEMENTS}
    if not triggers and not generic:
        return []
    agents = AGENT_PREPOSITIONS.get(language, frozenset())
    receiving = RECEIVING_VERBS.get(language, frozenset())
    found: list[list] = []
    org_mentions = [m for m in mentions if m.via == "org"]
    for a, b in combinations(org_mentions, 2):
        if _same_org(doc, orgs, a, b):
            continue
        relation = _surface_pair(
            doc, sent, a, b, org_mentions, triggers, generic, agents, receiving
        )
        if relation is not None:
            found.append([*relation, sent.start])
    return found


# "aftale", "avtal": an agreement, typed by what follows ("om at levere", "om kliniska
# prövningar").
_GENERIC_AGREEMENTS = frozenset({"aftale", "aftalen", "avtal", "avtalet", "kontrakt", "kontraktet"})
_SURFACE_RESEARCH = frozenset(
    {
        "forskning",
        "forskningen",
        "klinisk",
        "kliniske",
        "kliniska",
        "prövning",
        "prövningar",
        "forsøg",
        "studie",
        "studier",
        "forskningsprojekt",
    }
)
_SURFACE_SUPPLY = frozenset({"levere", "leverera", "leverer", "levererar", "leverance"})


def _surface_pair(
    doc: Doc,
    sent: Span,
    a: _Mention,
    b: _Mention,
    mentions: list[_Mention],
    triggers: dict[int, str],
    generic: set[int],
    agents: frozenset[str],
    receiving: frozenset[str],
) -> list | None:
    gap = doc[a.end : b.start]
    between = [i for i in (*triggers, *generic) if a.end <= i < b.start]
    others = [m for m in mentions if a.end <= m.start < b.start]
    if between and len(gap) <= 12:
        first_trigger = min(between)
        # "A og B investerar … i C": the mentions between belong to A's side of the trigger.
        if any(m.start > first_trigger for m in others):
            return None
        if others and not _coordinated_run(doc, a, others):
            return None
        trigger = max(between)
        kind = _surface_kind(doc, sent, trigger, b, triggers)
        source, target = _surface_direction(doc, a, b, trigger, kind, agents, receiving)
        return [source, target, kind, CONF_RULES, kind in DIRECTED]
    # "A og B indgår et samarbejde", "samarbejde mellem A og B".
    if len(gap) and not others and all(t.lower_ in _COORDINATORS for t in gap):
        after = [i for i in triggers if b.end <= i < b.end + 8]
        before = [i for i in triggers if a.start - 4 <= i < a.start]
        window = [i for i in before if any(doc[j].lower_ in _BETWEEN for j in range(i, b.start))]
        chosen = after[:1] or window[-1:]
        if chosen and triggers[chosen[0]] not in DIRECTED:
            return [a.org, b.org, triggers[chosen[0]], CONF_RULES, False]
    return None


def _coordinated_run(doc: Doc, a: _Mention, others: list[_Mention]) -> bool:
    previous = a.end
    for mention in others:
        if not all(t.lower_ in _COORDINATORS for t in doc[previous : mention.start]):
            return False
        previous = mention.end
    return True


def _surface_kind(doc: Doc, sent: Span, trigger: int, b: _Mention, triggers: dict[int, str]) -> str:
    """The trigger's type; a generic agreement is typed by a trigger or research word after B."""
    if trigger in triggers:
        return triggers[trigger]
    window = doc[b.end : min(sent.end, b.end + 8)]
    later = [triggers[t.i] for t in window if t.i in triggers]
    if later:
        return later[0]
    words = {t.lower_ for t in window}
    if words & _SURFACE_SUPPLY:
        return SUPPLY
    if words & _SURFACE_RESEARCH:
        return RESEARCH
    return OTHER


def _surface_direction(
    doc: Doc,
    a: _Mention,
    b: _Mention,
    trigger: int,
    kind: str,
    agents: frozenset[str],
    receiving: frozenset[str],
) -> tuple[int, int]:
    """Text order, unless "af/av/fra/från" marks the later mention or the earlier receives."""
    if kind not in DIRECTED:
        return a.org, b.org
    before_b = doc[max(b.start - 2, 0) : b.start]
    agent_before_b = any(t.lower_ in agents for t in before_b)
    gap = doc[a.end : trigger + 1]
    a_receives = any(t.lower_ in receiving for t in gap)
    if agent_before_b or a_receives:
        return b.org, a.org
    return a.org, b.org
