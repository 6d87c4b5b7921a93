"""Read-side helpers of the resource routers, on the store contract only (no query language).

- `NodeLists`: the nodes of one label as sorted summaries, kept for one graph version, so that
  paging through a list does not read the whole label again for every page.
- `typed_node`: a node by id that must have a given label (NotFoundError otherwise).
- `direct_links`: the relations of one node (one hop) with their other ends.
- `document_facts`: what was extracted from one document: the nodes mentioned in it and the
  relations whose evidence cites it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph.errors import NotFoundError
from graph.model import Document, Node, Organisation, Person, Relation, RelType
from graph.store import Edge, GraphFilter, GraphStore, Subgraph

T = TypeVar("T")
N = TypeVar("N", Organisation, Person, Document)

# Nodes read around one node at most; a node with more direct neighbours shows the first ones.
NEIGHBOURHOOD_LIMIT = 100_000
# Relations shown for one document; `relations_total` says how many cite it.
MAX_DOCUMENT_RELATIONS = 500
# Mentioned nodes whose relations may cite the document. Places and topics are left out: every
# relation a document yields ends at an organisation, a person or a project, and a topic or a
# city has thousands of relations to read through.
_RELATION_HOLDERS = frozenset({"Organisation", "Person", "Project"})
_ALL_BUT_MENTIONS = sorted(t.value for t in RelType if t is not RelType.MENTIONED_IN)


class NodeLists:
    """Per label, the nodes as sorted summaries, valid for one graph version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._lists: dict[tuple[str, Callable[..., Any]], list[Any]] = {}

    def get(
        self,
        store: GraphStore,
        label: str,
        summarise: Callable[[Node], T],
        order: Callable[[T], Any],
    ) -> list[T]:
        version = store.version()
        key = (label, summarise)
        with self._lock:
            if version != self._version:
                self._version, self._lists = version, {}
            cached = self._lists.get(key)
        if cached is not None:
            return cached
        rows = sorted((summarise(n) for n in store.nodes([label])), key=order)
        with self._lock:
            if self._version == version:
                self._lists[key] = rows
        return rows


def typed_node(store: GraphStore, node_id: str, cls: type[N], listing: str) -> N:
    """The node `node_id`, which must be a `cls`; NotFoundError (404) otherwise."""
    node = store.get_node(node_id)
    what = cls.label.lower()
    if node is None:
        raise NotFoundError(f"no {what} with id {node_id!r}; find ids with GET {listing}")
    if not isinstance(node, cls):
        raise NotFoundError(
            f"{node_id!r} is a node of label {node.label}, not {cls.label}; find ids with "
            f"GET {listing}"
        )
    return node


def direct_links(store: GraphStore, node_id: str, graph_filter: GraphFilter) -> Subgraph:
    """The node, its direct relations that pass the filter, and their other ends."""
    return store.neighbours(node_id, hops=1, graph_filter=graph_filter, limit=NEIGHBOURHOOD_LIMIT)


def other_end(edge: Edge, node_id: str) -> str:
    return edge.target if edge.source == node_id else edge.source


def direction(edge: Edge, node_id: str) -> str:
    """'outgoing' when the node is the relation's source, 'incoming' when it is the target,
    'undirected' for symmetric facts."""
    if not edge.directed:
        return "undirected"
    return "outgoing" if edge.source == node_id else "incoming"


@dataclass(slots=True)
class DocumentFacts:
    mentioned: list[Node] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    relations_total: int = 0
    nodes: dict[str, Node] = field(default_factory=dict)  # ends of the relations, by id


def document_facts(store: GraphStore, doc_id: str) -> DocumentFacts:
    """The nodes MENTIONED_IN the document, and the other relations whose evidence cites it
    (found among the relations of the mentioned organisations, people and projects)."""
    mentions = store.neighbours(
        doc_id,
        hops=1,
        graph_filter=GraphFilter.of(relation_types=[RelType.MENTIONED_IN.value]),
        limit=NEIGHBOURHOOD_LIMIT,
    )
    mentioned = [n for i, n in mentions.nodes.items() if i != doc_id]
    facts = DocumentFacts(mentioned=sorted(mentioned, key=lambda n: (n.label, n.name, n.id)))
    cited: dict[str, Edge] = {}
    around = GraphFilter.of(relation_types=_ALL_BUT_MENTIONS)
    for node in facts.mentioned:
        if node.label not in _RELATION_HOLDERS:
            continue
        links = direct_links(store, node.id, around)
        for edge in links.edges:
            if doc_id in edge.sources:
                cited.setdefault(edge.id, edge)
                facts.nodes.update((i, links.nodes[i]) for i in (edge.source, edge.target))
    ordered = sorted(cited.values(), key=lambda e: (e.type, e.source, e.target, e.id))
    facts.relations_total = len(ordered)
    shown = ordered[:MAX_DOCUMENT_RELATIONS]
    relations = store.get_relations(e.id for e in shown)
    facts.relations = [relations[e.id] for e in shown if e.id in relations]
    return facts
