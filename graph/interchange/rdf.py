"""The graph as RDF (Turtle, JSON-LD, N-Triples) and back.

Model choices
-------------
* URIs. Every node is `<base><id>` with the id percent-encoded except ':' (so
  `org:ror:035b05819` becomes `https://mvkg.example.org/id/org:ror:035b05819`); '/' and '%' are
  encoded, so decoding is unambiguous. Relations are `<base><relation id>`, their evidence
  `<relation uri>/evidence/<evidence id>`, extractors `<base>agent/<name>/<version>`.
* Vocabularies. Organisations are `org:Organization` + `schema:Organization`; people
  `foaf:Person`; projects `schema:Project`; documents `foaf:Document` + `schema:CreativeWork`
  with DCTERMS properties; places `schema:Place`; topics `skos:Concept`. Each node also carries
  `mvkg:<Label>` (mvkg:Organisation …), which is what import reads, so that another vocabulary's
  types in the same graph never become mvkg nodes by accident.
* Identifiers. Each is one `schema:identifier "scheme:value"` literal (lossless), plus
  `owl:sameAs` to the registry's URI for ror, wikidata, lei and geonames (derived; ignored by
  import).
* Relations are qualified: one `mvkg:Relation` node with mvkg:source, mvkg:target,
  mvkg:relationType, mvkg:subtype, mvkg:role, schema:startDate/endDate and mvkg:evidence links
  to one `prov:Entity`/`mvkg:Evidence` node per evidence (prov:wasDerivedFrom the document,
  mvkg:sentence, dcterms:date, prov:wasAttributedTo a `prov:SoftwareAgent` with
  schema:softwareVersion, mvkg:confidence, schema:url). HAS_ROLE nodes are also
  `org:Membership` (org:member, org:organization). Evidence dates are partial ISO dates (2021,
  2021-05), so they are typed xsd:gYear / gYearMonth / date under dcterms:date; full dates
  also get prov:generatedAtTime (midnight, as PROV requires an xsd:dateTime; derived).
* Direct triples (mvkg:collaboratesWith, org:subOrganizationOf, org:memberOf, …) and the
  relation's aggregate confidence are emitted for easy querying; they are derived, and import
  ignores them (the qualified nodes are the truth). Undirected collaborations get one direct
  triple in the stored orientation: query both directions.
* Numbers are xsd:decimal, written from the float's shortest repr, because rdflib's Turtle
  writer shortens xsd:double values (55.676098 -> 55.6761), which would make the round trip
  lossy.
* Lists (aliases, topics, sources) are repeated literals; RDF has no order, so import sorts
  them. That is the only thing a round trip changes.

Entry points: `to_rdf` (an rdflib Graph, for SPARQL and JSON-LD), `serialize`, `parse`,
`from_rdf` (import), and `write_rdf`, which streams Turtle or N-Triples to a file without
building a Graph (about 2M triples for the 100k-relation synthetic graph).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from importlib.resources import files
from typing import Any, TextIO
from urllib.parse import quote, unquote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.serializers.nt import _quoteLiteral as _nt_literal

from graph.codec import IDENTIFIER_PREFIX, node_to_props, props_to_node
from graph.errors import GraphError
from graph.interchange.errors import InterchangeError
from graph.model import Evidence, Node, Relation
from graph.store.base import GraphFilter, GraphStore

DEFAULT_BASE = "https://mvkg.example.org/id/"
MVKG = Namespace("https://mvkg.example.org/ns#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
RELATION_BATCH = 2_000

Triple = tuple[Any, Any, Any]
Add = Callable[[Triple], object]  # Graph.add, or a writer that streams the triple out

FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
}
MEDIA_TYPES = {
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
}

# Standard types per label; mvkg:<Label> is added to each and is what import reads.
_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "Organisation": (ORG.Organization, SCHEMA.Organization),
    "Person": (FOAF.Person, SCHEMA.Person),
    "Project": (SCHEMA.Project,),
    "Document": (FOAF.Document, SCHEMA.CreativeWork),
    "Place": (SCHEMA.Place,),
    "Topic": (SKOS.Concept,),
}

# Flat node property (codec.node_to_props) -> predicate. Unlisted properties use mvkg:<name>.
_PROPERTIES: dict[str, URIRef] = {
    "name": SCHEMA.name,
    "country": SCHEMA.addressCountry,
    "city": SCHEMA.addressLocality,
    "region": SCHEMA.addressRegion,
    "lat": SCHEMA.latitude,
    "lon": SCHEMA.longitude,
    "website": SCHEMA.url,
    "url": SCHEMA.url,
    "aliases": SCHEMA.alternateName,
    "start": SCHEMA.startDate,
    "end": SCHEMA.endDate,
    "title": DCTERMS.title,
    "published": DCTERMS.issued,
    "publisher": DCTERMS.publisher,
    "language": DCTERMS.language,
    "text": SCHEMA.text,
    "topics": MVKG.topic,
    "sources": MVKG.dataset,
}
_DATE_PROPERTIES = frozenset({"start", "end", "published"})
_LIST_PROPERTIES = frozenset({"aliases", "topics", "sources"})
# Only the label decides which of url/website a schema:url is.
_URL_FIELD = {"Organisation": "website"}

# Registry identifier schemes with a URI per record.
IDENTIFIER_URIS: dict[str, str] = {
    "ror": "https://ror.org/{}",
    "wikidata": "http://www.wikidata.org/entity/{}",
    "lei": "https://lei.info/{}",
    "geonames": "https://sws.geonames.org/{}/",
}

# Derived direct triple per relation type (source -> target), for easy querying.
DIRECT_PREDICATES: dict[str, URIRef] = {
    "COLLABORATES_WITH": MVKG.collaboratesWith,
    "PARTICIPATES_IN": MVKG.participatesIn,
    "HAS_ROLE": ORG.memberOf,
    "SUBSIDIARY_OF": ORG.subOrganizationOf,
    "LOCATED_IN": MVKG.locatedIn,
    "MENTIONED_IN": DCTERMS.isReferencedBy,
    "ACTIVE_IN": MVKG.activeIn,
}


# ---------------------------------------------------------------------------- URIs


def _check_base(base: str) -> str:
    if not base.startswith(("http://", "https://")) or not base.endswith(("/", "#")):
        raise InterchangeError(
            f"the RDF base must be an http(s) URI ending in '/' or '#', got {base!r}"
        )
    return base


def node_uri(node_id: str, base: str = DEFAULT_BASE) -> URIRef:
    # ':' stays readable; everything else that is not unreserved is encoded, '/' and '%'
    # included, so that `id_from_uri` is the exact inverse.
    return URIRef(base + quote(node_id, safe=":"))


def id_from_uri(uri: URIRef | str, base: str = DEFAULT_BASE) -> str:
    text = str(uri)
    if not text.startswith(base):
        raise InterchangeError(f"{text} is not under the base {base}; pass base= to import it")
    return unquote(text[len(base) :])


def agent_uri(extractor: str, version: str, base: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base}agent/{quote(extractor, safe='')}/{quote(version, safe='')}")


def evidence_uri(relation: URIRef, ev: Evidence) -> URIRef:
    return URIRef(f"{relation}/evidence/{ev.id}")


# ---------------------------------------------------------------------------- literals


def _date_literal(value: str) -> Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=datatype)


def _number_literal(value: float) -> Literal:
    # repr is the shortest text that reads back as the same float; Decimal turns exponent
    # forms (1e-05) into plain decimals, the only lexical form xsd:decimal allows.
    return Literal(format(Decimal(repr(float(value))), "f"), datatype=XSD.decimal)


def _literal(prop: str, value: Any) -> Literal:
    if prop in _DATE_PROPERTIES:
        return _date_literal(str(value))
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int | float):
        return _number_literal(value)
    return Literal(str(value))


def _python(literal: Literal) -> Any:
    if literal.datatype == XSD.decimal or literal.datatype == XSD.double:
        return float(str(literal))
    if literal.datatype == XSD.boolean:
        return str(literal) in ("true", "1")
    return str(literal)


# ---------------------------------------------------------------------------- export


def _add_node(add: Add, node: Node, base: str) -> None:
    subject = node_uri(node.id, base)
    add((subject, RDF.type, MVKG[node.label]))
    for cls in _CLASSES[node.label]:
        add((subject, RDF.type, cls))
    add((subject, MVKG.id, Literal(node.id)))
    add((subject, RDFS.label, Literal(node.name)))
    if node.label == "Person":
        add((subject, FOAF.name, Literal(node.name)))
    for prop, value in node_to_props(node).items():
        if prop in ("id", "label") or (prop == "name" and node.label == "Document"):
            continue  # a document's name is derived from its title or url
        if prop.startswith(IDENTIFIER_PREFIX):
            _add_identifier(add, subject, prop[len(IDENTIFIER_PREFIX) :], str(value))
            continue
        predicate = _PROPERTIES.get(prop, MVKG[prop])
        for item in value if prop in _LIST_PROPERTIES else [value]:
            add((subject, predicate, _literal(prop, item)))


def _add_identifier(add: Add, subject: URIRef, scheme: str, value: str) -> None:
    add((subject, SCHEMA.identifier, Literal(f"{scheme}:{value}")))
    template = IDENTIFIER_URIS.get(scheme)
    if template:
        add((subject, OWL.sameAs, URIRef(template.format(quote(value, safe="")))))


def _add_relation(add: Add, rel: Relation, base: str) -> int:
    subject = node_uri(rel.id, base)
    source, target = node_uri(rel.source, base), node_uri(rel.target, base)
    add((subject, RDF.type, MVKG.Relation))
    add((subject, MVKG.source, source))
    add((subject, MVKG.target, target))
    add((subject, MVKG.relationType, Literal(rel.type.value)))
    add((subject, MVKG.directed, Literal(rel.directed)))
    add((subject, MVKG.confidence, _number_literal(rel.confidence)))
    add((source, DIRECT_PREDICATES[rel.type.value], target))
    if rel.type.value == "HAS_ROLE":
        add((subject, RDF.type, ORG.Membership))
        add((subject, ORG.member, source))
        add((subject, ORG.organization, target))
    optional = (
        (MVKG.subtype, rel.subtype.value if rel.subtype else None),
        (MVKG.role, rel.role),
    )
    for predicate, value in optional:
        if value is not None:
            add((subject, predicate, Literal(value)))
    for predicate, value in ((SCHEMA.startDate, rel.start), (SCHEMA.endDate, rel.end)):
        if value is not None:
            add((subject, predicate, _date_literal(value)))
    for ev in rel.evidence:
        _add_evidence(add, subject, ev, base)
    return len(rel.evidence)


def _add_evidence(add: Add, relation: URIRef, ev: Evidence, base: str) -> None:
    subject = evidence_uri(relation, ev)
    agent = agent_uri(ev.extractor, ev.extractor_version, base)
    add((relation, MVKG.evidence, subject))
    add((subject, RDF.type, PROV.Entity))
    add((subject, RDF.type, MVKG.Evidence))
    add((subject, PROV.wasDerivedFrom, node_uri(ev.source, base)))
    add((subject, PROV.wasAttributedTo, agent))
    add((subject, MVKG.confidence, _number_literal(ev.confidence)))
    add((agent, RDF.type, PROV.SoftwareAgent))
    add((agent, RDFS.label, Literal(ev.extractor)))
    add((agent, SCHEMA.softwareVersion, Literal(ev.extractor_version)))
    if ev.text is not None:
        add((subject, MVKG.sentence, Literal(ev.text)))
    if ev.date is not None:
        add((subject, DCTERMS.date, _date_literal(ev.date)))
        if len(ev.date) == 10:  # PROV wants a dateTime; only a full date gives one honestly
            stamp = Literal(f"{ev.date}T00:00:00", datatype=XSD.dateTime)
            add((subject, PROV.generatedAtTime, stamp))
    if ev.url is not None:
        add((subject, SCHEMA.url, Literal(ev.url)))


_PREFIXES: dict[str, str] = {
    "mvkg": str(MVKG),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, Namespace(namespace), override=True, replace=True)
    return graph


def _batched(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def to_rdf(
    store: GraphStore,
    graph_filter: GraphFilter | None = None,
    *,
    base: str = DEFAULT_BASE,
    batch_size: int = RELATION_BATCH,
) -> Graph:
    """The (filtered) graph as RDF: nodes, qualified relations with evidence, direct triples.

    The projection decides which nodes and relations are in; evidence is read in batches of
    relations, so memory beyond the RDF graph itself stays bounded.
    """
    base = _check_base(base)
    graph = new_graph()
    graph.bind("id", Namespace(base))
    sub = store.projection(graph_filter)
    for node in sub.nodes.values():
        _add_node(graph.add, node, base)
    for batch in _batched([edge.id for edge in sub.edges], batch_size):
        for rel in store.get_relations(batch).values():
            _add_relation(graph.add, rel, base)
    return graph


def graph_from(
    nodes: Iterable[Node], relations: Iterable[Relation], *, base: str = DEFAULT_BASE
) -> Graph:
    """RDF of in-memory nodes and relations (tests, synthetic graphs) without a store."""
    base = _check_base(base)
    graph = new_graph()
    for node in nodes:
        _add_node(graph.add, node, base)
    for rel in relations:
        _add_relation(graph.add, rel, base)
    return graph


# ---------------------------------------------------------------------------- serialise


def load_context() -> dict[str, Any]:
    """The published JSON-LD @context (graph/interchange/data/context.jsonld)."""
    text = (files("graph.interchange") / "data" / "context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def normalise_format(fmt: str) -> str:
    try:
        return FORMATS[fmt.lower()]
    except KeyError:
        raise InterchangeError(
            f"unknown RDF format {fmt!r}; use one of {sorted(set(FORMATS))}"
        ) from None


def serialize(graph: Graph, fmt: str = "turtle") -> str:
    """Turtle, JSON-LD (compacted with the published context) or N-Triples text."""
    name = normalise_format(fmt)
    if name == "json-ld":
        return graph.serialize(format="json-ld", context=load_context(), auto_compact=True)
    if name == "turtle":
        return turtle(graph)
    return graph.serialize(format=name)


_PN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def turtle(graph: Graph) -> str:
    """Turtle grouped by subject, with prefixes for the bound vocabularies.

    Not rdflib's Turtle writer: it binds a generated prefix for every new IRI "namespace" it
    meets (each relation's /evidence/ path is one), and looks each IRI up in that growing list,
    which made 200k triples take minutes. This writer is linear; IRIs outside the bound
    vocabularies are written in full, and literals in their N-Triples form, which Turtle reads.
    """
    prefixes = sorted(
        ((str(ns), prefix) for prefix, ns in graph.namespaces() if prefix and str(ns) != ""),
        key=lambda item: -len(item[0]),
    )
    used: dict[str, str] = {}
    cache: dict[Any, str] = {}

    def term(node: Any) -> str:
        text = cache.get(node)
        if text is not None:
            return text
        if isinstance(node, URIRef):
            text = node.n3()
            iri = str(node)
            for ns, prefix in prefixes:
                local = iri[len(ns) :]
                if iri.startswith(ns) and _PN_LOCAL.match(local):
                    used[prefix] = ns
                    text = f"{prefix}:{local}"
                    break
        else:
            text = node.n3()
        if len(cache) < 500_000:  # vocabulary terms repeat; don't keep every literal
            cache[node] = text
        return text

    blocks: list[str] = []
    for subject in sorted(set(graph.subjects())):
        by_predicate: dict[Any, list[str]] = {}
        for predicate, obj in graph.predicate_objects(subject):
            by_predicate.setdefault(predicate, []).append(term(obj))
        lines = []
        for predicate in sorted(by_predicate, key=lambda p: (p != RDF.type, str(p))):
            name = "a" if predicate == RDF.type else term(predicate)
            lines.append(f"{name} {' , '.join(sorted(by_predicate[predicate]))}")
        blocks.append(f"{term(subject)}\n    " + " ;\n    ".join(lines) + " .\n")
    header = "".join(f"@prefix {prefix}: <{used[prefix]}> .\n" for prefix in sorted(used))
    return header + "\n" + "\n".join(blocks)


def parse(data: str | bytes, fmt: str = "turtle") -> Graph:
    """Read RDF text; malformed input becomes an InterchangeError saying where."""
    name = normalise_format(fmt)
    graph = Graph()
    try:
        graph.parse(data=data, format=name)
    except Exception as exc:  # rdflib raises parser-specific types
        raise InterchangeError(f"cannot read the {name} input: {exc}") from exc
    return graph


def write_rdf(
    store: GraphStore,
    out: TextIO,
    fmt: str = "turtle",
    graph_filter: GraphFilter | None = None,
    *,
    base: str = DEFAULT_BASE,
    batch_size: int = RELATION_BATCH,
) -> int:
    """Stream the (filtered) graph to `out` without building an rdflib graph; returns triples.

    Same triples as `to_rdf`, one statement per line: N-Triples as is, Turtle with the
    vocabulary prefixes. Memory stays at one batch of relations, which is what large exports
    need. JSON-LD needs the whole graph to compact, so it goes through `to_rdf`.
    """
    name = normalise_format(fmt)
    base = _check_base(base)
    if name == "json-ld":
        text = serialize(to_rdf(store, graph_filter, base=base, batch_size=batch_size), name)
        out.write(text)
        return text.count("\n")
    prefixes = {} if name == "nt" else dict(_PREFIXES)
    term = _term_writer(prefixes)
    for prefix, ns in sorted(prefixes.items()):
        out.write(f"@prefix {prefix}: <{ns}> .\n")
    written = 0
    agents: set[Any] = set()

    def add(triple: Triple) -> None:
        nonlocal written
        subject, predicate, obj = triple
        if predicate != MVKG.evidence and subject in agents:
            return  # an extractor is described once, however much evidence it produced
        out.write(f"{term(subject)} {term(predicate)} {term(obj)} .\n")
        written += 1
        if predicate == SCHEMA.softwareVersion:
            agents.add(subject)

    sub = store.projection(graph_filter)
    for node in sub.nodes.values():
        _add_node(add, node, base)
    for batch in _batched([edge.id for edge in sub.edges], batch_size):
        for rel in store.get_relations(batch).values():
            _add_relation(add, rel, base)
    return written


def _term_writer(prefixes: dict[str, str]) -> Callable[[Any], str]:
    """N-Triples text of a term, or prefix:local for IRIs of the given vocabularies."""
    ordered = sorted(((ns, prefix) for prefix, ns in prefixes.items()), key=lambda i: -len(i[0]))
    cache: dict[Any, str] = {}

    def term(node: Any) -> str:
        text = cache.get(node)
        if text is not None:
            return text
        text = _nt_term(node)
        if isinstance(node, URIRef):
            iri = str(node)
            for ns, prefix in ordered:
                if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns) :]):
                    text = f"{prefix}:{iri[len(ns) :]}"
                    break
            if len(cache) < 100_000:  # vocabulary terms repeat; node IRIs mostly do not
                cache[node] = text
        return text

    return term


def _nt_term(node: Any) -> str:
    if isinstance(node, Literal):
        # N-Triples escaping (no triple-quoted strings), valid in Turtle too.
        return _nt_literal(node)
    return node.n3()


# ---------------------------------------------------------------------------- import


def _node_props(graph: Graph, subject: URIRef, label: str, base: str) -> dict[str, Any]:
    reverse = {pred: prop for prop, pred in _PROPERTIES.items() if prop not in ("url", "website")}
    props: dict[str, Any] = {"id": id_from_uri(subject, base), "label": label}
    lists: dict[str, list[str]] = {}
    for predicate, obj in graph.predicate_objects(subject):
        if not isinstance(obj, Literal) or predicate in (MVKG.id, RDFS.label, FOAF.name):
            continue
        if predicate == SCHEMA.identifier:
            scheme, _, value = str(obj).partition(":")
            props[IDENTIFIER_PREFIX + scheme] = value
            continue
        if predicate == SCHEMA.url:
            prop = _URL_FIELD.get(label, "url")
        elif predicate in reverse:
            prop = reverse[predicate]
        elif str(predicate).startswith(str(MVKG)):
            prop = str(predicate)[len(str(MVKG)) :]
        else:
            continue  # another vocabulary's statement about the node: not part of the model
        if prop in _LIST_PROPERTIES:
            lists.setdefault(prop, []).append(str(obj))
        else:
            props[prop] = _python(obj)
    props.update((prop, sorted(values)) for prop, values in lists.items())
    return props


def _nodes(graph: Graph, base: str) -> Iterator[Node]:
    for label in _CLASSES:
        for subject in graph.subjects(RDF.type, MVKG[label]):
            if isinstance(subject, BNode):
                raise InterchangeError(f"a mvkg:{label} is a blank node; nodes need a URI")
            try:
                yield props_to_node(_node_props(graph, subject, label, base))
            except GraphError as exc:
                raise InterchangeError(f"{subject}: {exc}") from exc


def _one(graph: Graph, subject: URIRef, predicate: URIRef) -> Any:
    value = graph.value(subject, predicate)
    return None if value is None else value


def _evidence(graph: Graph, subject: URIRef, base: str) -> Evidence:
    source = _one(graph, subject, PROV.wasDerivedFrom)
    agent = _one(graph, subject, PROV.wasAttributedTo)
    if source is None or agent is None:
        raise InterchangeError(
            f"evidence {subject} needs prov:wasDerivedFrom and prov:wasAttributedTo"
        )
    optional = {
        "text": _one(graph, subject, MVKG.sentence),
        "date": _one(graph, subject, DCTERMS.date),
        "url": _one(graph, subject, SCHEMA.url),
    }
    return Evidence(
        source=id_from_uri(source, base),
        confidence=float(str(_one(graph, subject, MVKG.confidence) or 1.0)),
        extractor=str(_one(graph, agent, RDFS.label) or "unknown"),
        extractor_version=str(_one(graph, agent, SCHEMA.softwareVersion) or "0"),
        **{k: str(v) for k, v in optional.items() if v is not None},
    )


def _relations(graph: Graph, base: str) -> Iterator[Relation]:
    for subject in graph.subjects(RDF.type, MVKG.Relation):
        try:
            source = _one(graph, subject, MVKG.source)
            target = _one(graph, subject, MVKG.target)
            kind = _one(graph, subject, MVKG.relationType)
            if source is None or target is None or kind is None:
                raise InterchangeError("needs mvkg:source, mvkg:target and mvkg:relationType")
            optional = {
                "subtype": _one(graph, subject, MVKG.subtype),
                "role": _one(graph, subject, MVKG.role),
                "start": _one(graph, subject, SCHEMA.startDate),
                "end": _one(graph, subject, SCHEMA.endDate),
            }
            yield Relation(
                type=str(kind),
                source=id_from_uri(source, base),
                target=id_from_uri(target, base),
                evidence=[
                    _evidence(graph, ev, base) for ev in graph.objects(subject, MVKG.evidence)
                ],
                id=id_from_uri(subject, base),
                **{k: str(v) for k, v in optional.items() if v is not None},
            )
        except GraphError as exc:
            raise InterchangeError(f"relation {subject}: {exc}") from exc


def from_rdf(graph: Graph, store: GraphStore, *, base: str = DEFAULT_BASE) -> dict[str, int]:
    """Write the mvkg nodes and qualified relations of `graph` into `store`.

    Reads `mvkg:<Label>` nodes and `mvkg:Relation` nodes with their evidence; direct triples
    and other vocabularies' statements are ignored. Nodes go in before relations, so a relation
    whose end is neither in `graph` nor in the store raises DanglingRelationError.
    """
    base = _check_base(base)
    nodes = list(_nodes(graph, base))
    relations = list(_relations(graph, base))
    store.upsert_nodes(nodes)
    store.upsert_relations(relations)
    return {
        "nodes": len(nodes),
        "relations": len(relations),
        "evidence": sum(len(rel.evidence) for rel in relations),
    }
