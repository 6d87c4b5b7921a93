"""The store contract and the behaviour every store shares.

`GraphStore` is what callers (loaders, analytics, the API, maps) depend on. `BaseStore` writes
the shared behaviour once: batching, folding duplicates, merging with what is stored, checking
relation endpoints, breadth-first neighbourhoods and filtering. A concrete store only supplies a
handful of primitives (`_fetch_nodes`, `_write_nodes`, …) in its own query language, and nothing
outside its module knows that language.
"""

from __future__ import annotations

import dataclasses
import itertools
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from graph.codec import props_to_node
from graph.errors import DanglingRelationError, NotFoundError, ValidationError
from graph.merge import combine_batch, merge_node, merge_relation
from graph.model import (
    NODE_TYPES,
    RELATION_ENDPOINTS,
    CollabType,
    Merge,
    Node,
    Organisation,
    OrgKind,
    Relation,
    RelType,
    _iso_date,
)

DEFAULT_BATCH_SIZE = 5_000
MAX_HOPS = 5
MAX_SEARCH_RESULTS = 200

T = TypeVar("T")


# ---------------------------------------------------------------------------- read models


@dataclass(frozen=True, slots=True)
class Edge:
    """A relation without its evidence: what projections, analytics and maps iterate over."""

    id: str
    type: str
    source: str
    target: str
    directed: bool = True
    subtype: str | None = None
    role: str | None = None
    start: str | None = None
    end: str | None = None
    confidence: float = 1.0
    corroboration: int = 1
    first_seen: str | None = None
    last_seen: str | None = None
    sources: tuple[str, ...] = ()

    @classmethod
    def from_head(cls, head: dict[str, Any]) -> Edge:
        names = cls.__slots__
        values = {k: v for k, v in head.items() if k in names}
        if "sources" in values:
            values["sources"] = tuple(values["sources"])
        return cls(**values)


@dataclass(slots=True)
class Subgraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SearchHit:
    node: Node
    score: float


@dataclass(slots=True)
class Counts:
    nodes: dict[str, int]
    relations: dict[str, int]
    organisations_by_country: dict[str, int]

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "relations": dict(sorted(self.relations.items())),
            "organisations_by_country": dict(
                sorted(self.organisations_by_country.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        }


@dataclass(frozen=True, slots=True)
class GraphFilter:
    """Which part of the graph a projection or neighbourhood covers.

    Organisation attributes (kinds, countries) filter organisations only; nodes of other labels
    pass them. An edge is kept when both its ends are kept. Date bounds keep relations whose
    [first_seen, last_seen] interval overlaps [since, until]; undated relations are dropped as
    soon as a date bound is given, since nothing says they fall inside it.
    """

    labels: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    countries: frozenset[str] | None = None
    relation_types: frozenset[str] | None = None
    subtypes: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    min_confidence: float = 0.0

    def __post_init__(self) -> None:
        check_members(self.labels, set(NODE_TYPES), "labels")
        check_members(self.kinds, {k.value for k in OrgKind}, "kinds")
        check_members(self.relation_types, {t.value for t in RelType}, "relation_types")
        check_members(self.subtypes, {c.value for c in CollabType}, "subtypes")
        if self.countries and any(len(c) != 2 or not c.isupper() for c in self.countries):
            raise ValidationError(
                f"countries must be ISO alpha-2 codes, got {sorted(self.countries)}"
            )
        check_date_range(self.since, self.until)
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValidationError(f"min_confidence must be in [0, 1], got {self.min_confidence}")

    @classmethod
    def of(cls, **values: Any) -> GraphFilter:
        """Build from plain lists (as a CLI or API hands them over); empty lists mean 'any'."""
        sets = {
            k: frozenset(v) if v else None
            for k, v in values.items()
            if k in ("labels", "kinds", "countries", "relation_types", "subtypes")
        }
        scalars = {k: v for k, v in values.items() if k not in sets and v is not None}
        return cls(**sets, **scalars)

    def accepts_node(self, node: Node) -> bool:
        if self.labels is not None and node.label not in self.labels:
            return False
        if node.label == "Organisation":
            if self.kinds is not None and node.kind.value not in self.kinds:
                return False
            if self.countries is not None and node.country not in self.countries:
                return False
        return True

    def accepts_edge(self, edge: Edge) -> bool:
        if self.relation_types is not None and edge.type not in self.relation_types:
            return False
        if self.subtypes is not None and edge.subtype not in self.subtypes:
            return False
        if edge.confidence < self.min_confidence:
            return False
        return dates_overlap(edge.first_seen, edge.last_seen, self.since, self.until)


def dates_overlap(
    first: str | None, last: str | None, since: str | None, until: str | None
) -> bool:
    """Whether [first, last] (partial ISO dates; one may be missing) overlaps [since, until].

    Without bounds everything overlaps; with a bound, an undated interval does not, since
    nothing says it falls inside."""
    if not (since or until):
        return True
    if not (first or last):
        return False
    low = _pad(first or last or "", high=False)
    high = _pad(last or first or "", high=True)
    if since and high < _pad(since, high=False):
        return False
    return not (until and low > _pad(until, high=True))


def check_date_range(since: str | None, until: str | None) -> None:
    """Both bounds ISO dates (YYYY, YYYY-MM or YYYY-MM-DD), and since not after until."""
    for name, value in (("since", since), ("until", until)):
        _iso_date(value, name)
    if since and until and _pad(since, high=False) > _pad(until, high=True):
        raise ValidationError(f"since ({since}) is after until ({until})")


def _pad(iso: str, *, high: bool) -> str:
    """Complete a partial ISO date to the first or last day it covers, for comparisons."""
    if len(iso) == 4:
        return iso + ("-12-31" if high else "-01-01")
    if len(iso) == 7:
        return iso + ("-31" if high else "-01")
    return iso


def check_members(values: frozenset[str] | None, allowed: set[str], what: str) -> None:
    """Every value is one of `allowed` (None or empty means "any")."""
    if values and not values <= allowed:
        raise ValidationError(
            f"unknown {what}: {sorted(values - allowed)}; allowed: {sorted(allowed)}"
        )


# ---------------------------------------------------------------------------- the contract


@runtime_checkable
class GraphStore(Protocol):
    """What every store offers. Obtain one with `graph.store.open_store(url)`."""

    kind: str

    def upsert_nodes(self, nodes: Iterable[Node], *, batch_size: int | None = None) -> int: ...
    def upsert_relations(
        self, relations: Iterable[Relation], *, batch_size: int | None = None
    ) -> int: ...
    def get_node(self, node_id: str) -> Node | None: ...
    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]: ...
    def get_relation(self, relation_id: str) -> Relation | None: ...
    def get_relations(self, relation_ids: Iterable[str]) -> dict[str, Relation]: ...
    def search(
        self, text: str, *, labels: Iterable[str] | None = None, limit: int = 20
    ) -> list[SearchHit]: ...
    def neighbours(
        self,
        node_id: str,
        *,
        hops: int = 1,
        graph_filter: GraphFilter | None = None,
        limit: int = 500,
    ) -> Subgraph: ...
    def projection(self, graph_filter: GraphFilter | None = None) -> Subgraph: ...
    def nodes(self, labels: Iterable[str] | None = None) -> list[Node]: ...
    def counts(self) -> Counts: ...
    def version(self) -> int: ...
    def record_merges(self, merges: Iterable[Merge]) -> int: ...
    def merges(self, *, include_undone: bool = True) -> list[Merge]: ...
    def undo_merge(self, merge_id: str) -> Merge: ...
    def clear(self) -> None: ...
    def health(self) -> dict[str, Any]: ...
    def close(self) -> None: ...
    def __enter__(self) -> GraphStore: ...
    def __exit__(self, *exc: object) -> None: ...


class BaseStore(ABC):
    """Shared behaviour of the stores; subclasses implement the primitives below."""

    kind: str = "abstract"
    # Rows per write transaction: bounded memory on the server, fewer commits when embedded.
    batch_size: int = DEFAULT_BATCH_SIZE

    # -- primitives, in the store's own language ---------------------------------------

    @abstractmethod
    def _transaction(self, *, write: bool) -> AbstractContextManager[Any]:
        """A transaction that commits when the block ends and rolls back if it raises."""

    @abstractmethod
    def _fetch_nodes(self, tx: Any, ids: list[str]) -> list[dict[str, Any]]:
        """Property records of the nodes with these ids (missing ids are left out)."""

    @abstractmethod
    def _write_nodes(self, tx: Any, nodes: list[Node], stored: set[str]) -> None:
        """Insert or replace these (already merged) nodes; `stored` holds the ids of those that
        exist already (read in the same transaction)."""

    @abstractmethod
    def _fetch_relations(self, tx: Any, relations: list[Relation]) -> list[Relation]:
        """The stored versions of these relations (matched by id), with all their evidence."""

    @abstractmethod
    def _write_relations(self, tx: Any, relations: list[Relation], stored: set[str]) -> None:
        """Insert or replace these (already merged) relations and their evidence; `stored`
        holds the ids of those that exist already (read in the same transaction)."""

    @abstractmethod
    def _node_labels(self, tx: Any, ids: list[str]) -> dict[str, str]:
        """Label of each of these node ids that exists."""

    @abstractmethod
    def _fetch_relations_by_ids(self, tx: Any, ids: list[str]) -> list[Relation]:
        """Relations with their evidence, in one query; unknown ids are left out."""

    @abstractmethod
    def _edges_touching(
        self, tx: Any, ids: list[str], types: list[str] | None
    ) -> list[dict[str, Any]]:
        """Relation heads of every relation with an end in `ids`."""

    @abstractmethod
    def _scan_nodes(self, tx: Any, labels: list[str] | None) -> Iterator[dict[str, Any]]: ...

    @abstractmethod
    def _scan_edges(
        self, tx: Any, types: list[str] | None, min_confidence: float
    ) -> Iterator[dict[str, Any]]: ...

    @abstractmethod
    def _search(
        self, tx: Any, text: str, labels: list[str] | None, limit: int
    ) -> list[tuple[dict[str, Any], float]]: ...

    @abstractmethod
    def _counts(self, tx: Any) -> Counts: ...

    @abstractmethod
    def _write_merges(self, tx: Any, merges: list[dict[str, Any]]) -> None:
        """Insert merge records that are not stored yet (by id); never overwrite one."""

    @abstractmethod
    def _read_merges(self, tx: Any) -> list[dict[str, Any]]: ...

    @abstractmethod
    def _set_merge_undone(self, tx: Any, merge_id: str) -> bool:
        """Mark a merge undone; False if there is no such merge."""

    @abstractmethod
    def _clear(self, tx: Any) -> None:
        """Delete every node and relation."""

    @abstractmethod
    def _bump_version(self, tx: Any) -> None: ...

    @abstractmethod
    def _version(self, tx: Any) -> int: ...

    @abstractmethod
    def health(self) -> dict[str, Any]: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- shared behaviour --------------------------------------------------------------

    def __enter__(self) -> BaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upsert_nodes(self, nodes: Iterable[Node], *, batch_size: int | None = None) -> int:
        """Insert new nodes and merge known ones; returns how many input nodes were written."""
        written = 0
        for batch in _batches(nodes, batch_size or self.batch_size):
            folded = combine_batch(batch, key=lambda n: n.id, merge=merge_node)
            with self._transaction(write=True) as tx:
                stored = {p["id"]: props_to_node(p) for p in self._fetch_nodes(tx, list(folded))}
                merged = [merge_node(stored[i], n) if i in stored else n for i, n in folded.items()]
                self._write_nodes(tx, merged, set(stored))
                self._bump_version(tx)
            written += len(batch)
        return written

    def upsert_relations(
        self, relations: Iterable[Relation], *, batch_size: int | None = None
    ) -> int:
        """Insert new relations and add evidence to known ones; returns how many were written.

        Raises DanglingRelationError (nothing of the batch written) if an end is not stored.
        """
        written = 0
        for batch in _batches(relations, batch_size or self.batch_size):
            folded = combine_batch(batch, key=lambda r: r.id, merge=merge_relation)
            with self._transaction(write=True) as tx:
                self._check_endpoints(tx, list(folded.values()))
                stored = {r.id: r for r in self._fetch_relations(tx, list(folded.values()))}
                merged = [
                    merge_relation(stored[i], r) if i in stored else r for i, r in folded.items()
                ]
                self._write_relations(tx, merged, set(stored))
                self._bump_version(tx)
            written += len(batch)
        return written

    def _check_endpoints(self, tx: Any, relations: list[Relation]) -> None:
        ids = sorted({i for r in relations for i in (r.source, r.target)})
        labels = self._node_labels(tx, ids)
        missing: dict[str, list[str]] = {}
        for rel in relations:
            absent = [i for i in (rel.source, rel.target) if i not in labels]
            if absent:
                missing[rel.id] = absent
                continue
            allowed_sources, allowed_targets = RELATION_ENDPOINTS[rel.type]
            if (
                labels[rel.source] not in allowed_sources
                or labels[rel.target] not in allowed_targets
            ):
                raise ValidationError(
                    f"{rel.type} cannot go from a {labels[rel.source]} ({rel.source}) to a "
                    f"{labels[rel.target]} ({rel.target}); it connects "
                    f"{sorted(allowed_sources)} -> {sorted(allowed_targets)}"
                )
        if missing:
            raise DanglingRelationError(missing)

    def get_node(self, node_id: str) -> Node | None:
        return self.get_nodes([node_id]).get(node_id)

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        ids = list(dict.fromkeys(node_ids))
        with self._transaction(write=False) as tx:
            return {p["id"]: props_to_node(p) for p in self._fetch_nodes(tx, ids)}

    def get_relation(self, relation_id: str) -> Relation | None:
        with self._transaction(write=False) as tx:
            found = self._fetch_relations_by_ids(tx, [relation_id])
        return found[0] if found else None

    def get_relations(self, relation_ids: Iterable[str]) -> dict[str, Relation]:
        """Relations with their evidence, by id, read in one transaction; unknown ids are left
        out."""
        ids = list(dict.fromkeys(relation_ids))
        found: dict[str, Relation] = {}
        with self._transaction(write=False) as tx:
            for batch in _batches(ids, self.batch_size):
                found.update((r.id, r) for r in self._fetch_relations_by_ids(tx, batch))
        return found

    def search(
        self, text: str, *, labels: Iterable[str] | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Nodes whose name or alias matches `text` (diacritics folded, prefixes allowed)."""
        label_list = sorted(labels) if labels else None
        if label_list:
            check_members(frozenset(label_list), set(NODE_TYPES), "labels")
        if not text.strip():
            return []
        limit = max(1, min(limit, MAX_SEARCH_RESULTS))
        with self._transaction(write=False) as tx:
            rows = self._search(tx, text[:500], label_list, limit)
        return [SearchHit(props_to_node(p), score) for p, score in rows]

    def neighbours(
        self,
        node_id: str,
        *,
        hops: int = 1,
        graph_filter: GraphFilter | None = None,
        limit: int = 500,
    ) -> Subgraph:
        """The node and everything within `hops` steps of it through accepted nodes and edges.

        Breadth-first, one query per hop; stops adding nodes at `limit`.
        """
        if not 1 <= hops <= MAX_HOPS:
            raise ValidationError(f"hops must be between 1 and {MAX_HOPS}, got {hops}")
        flt = graph_filter or GraphFilter()
        types = sorted(flt.relation_types) if flt.relation_types else None
        with self._transaction(write=False) as tx:
            start = self._fetch_nodes(tx, [node_id])
            if not start:
                return Subgraph()
            nodes = {node_id: props_to_node(start[0])}
            edges: dict[str, Edge] = {}
            frontier = [node_id]
            for _ in range(hops):
                if not frontier or len(nodes) >= limit:
                    break
                found = [Edge.from_head(h) for h in self._edges_touching(tx, frontier, types)]
                found = [e for e in found if flt.accepts_edge(e)]
                new_ids = sorted({i for e in found for i in (e.source, e.target)} - nodes.keys())
                fetched = {p["id"]: props_to_node(p) for p in self._fetch_nodes(tx, new_ids)}
                accepted = [i for i in new_ids if i in fetched and flt.accepts_node(fetched[i])]
                accepted = accepted[: max(0, limit - len(nodes))]
                nodes.update((i, fetched[i]) for i in accepted)
                edges.update((e.id, e) for e in found if e.source in nodes and e.target in nodes)
                frontier = accepted
        return Subgraph(nodes=nodes, edges=list(edges.values()))

    def nodes(self, labels: Iterable[str] | None = None) -> list[Node]:
        """Every node of these labels (all when None), without reading any relation."""
        label_list = sorted(set(labels)) if labels is not None else None
        if label_list is not None:
            check_members(frozenset(label_list), set(NODE_TYPES), "labels")
        with self._transaction(write=False) as tx:
            return [props_to_node(p) for p in self._scan_nodes(tx, label_list)]

    def projection(self, graph_filter: GraphFilter | None = None) -> Subgraph:
        """Nodes and edges with their attributes, filtered: what analytics and maps work on."""
        flt = graph_filter or GraphFilter()
        labels = sorted(flt.labels) if flt.labels else None
        types = sorted(flt.relation_types) if flt.relation_types else None
        with self._transaction(write=False) as tx:
            nodes = {}
            for props in self._scan_nodes(tx, labels):
                node = props_to_node(props)
                if flt.accepts_node(node):
                    nodes[node.id] = node
            edges = [
                edge
                for edge in map(Edge.from_head, self._scan_edges(tx, types, flt.min_confidence))
                if edge.source in nodes and edge.target in nodes and flt.accepts_edge(edge)
            ]
        return Subgraph(nodes=nodes, edges=edges)

    def record_merges(self, merges: Iterable[Merge]) -> int:
        """Keep why records were merged; a merge already recorded (or undone) stays as it is."""
        rows = [_merge_to_dict(m) for m in merges]
        if rows:
            with self._transaction(write=True) as tx:
                self._write_merges(tx, rows)
        return len(rows)

    def merges(self, *, include_undone: bool = True) -> list[Merge]:
        with self._transaction(write=False) as tx:
            found = [_merge_from_dict(row) for row in self._read_merges(tx)]
        return sorted(
            (m for m in found if include_undone or not m.undone),
            key=lambda m: (m.canonical_id, m.merged_id),
        )

    def undo_merge(self, merge_id: str) -> Merge:
        """Split a merged record off again and keep it apart on later ingests.

        The record becomes its own node again (from the snapshot kept with the merge), the names
        and identifiers it brought are taken off the canonical node, and entity resolution will
        not merge the two again. Relations already written to the canonical node from that
        record stay there; new ingests attach the record's facts to its own node.
        """
        merge = next((m for m in self.merges() if m.id == merge_id), None)
        if merge is None:
            raise NotFoundError(f"no merge {merge_id!r}; list them with `mvkg merges`")
        if merge.undone:
            return merge
        canonical = self.get_node(merge.canonical_id)
        with self._transaction(write=True) as tx:
            self._set_merge_undone(tx, merge_id)
            restored = props_to_node({**merge.snapshot, "id": merge.merged_id})
            nodes: list[Node] = [restored]
            if isinstance(canonical, Organisation) and isinstance(restored, Organisation):
                nodes.append(_without_contribution(canonical, restored))
            self._write_nodes(tx, nodes, {canonical.id} if canonical else set())
            self._bump_version(tx)
        return dataclasses.replace(merge, undone=True)

    def clear(self) -> None:
        """Delete the whole graph (nodes, relations, evidence); the version keeps growing."""
        with self._transaction(write=True) as tx:
            self._clear(tx)
            self._bump_version(tx)

    def counts(self) -> Counts:
        with self._transaction(write=False) as tx:
            return self._counts(tx)

    def version(self) -> int:
        """Grows with every write; caches of derived results are valid for one version."""
        with self._transaction(write=False) as tx:
            return self._version(tx)


def _merge_to_dict(merge: Merge) -> dict[str, Any]:
    data = {f.name: getattr(merge, f.name) for f in dataclasses.fields(merge)}
    data["sources"] = list(merge.sources)
    data["id"] = merge.id
    return data


def _merge_from_dict(data: dict[str, Any]) -> Merge:
    names = {f.name for f in dataclasses.fields(Merge)}
    values = {k: v for k, v in data.items() if k in names}
    values["sources"] = tuple(values.get("sources", ()))
    return Merge(**values)


def _without_contribution(canonical: Organisation, merged: Organisation) -> Organisation:
    """The canonical organisation minus the names and identifiers a merged record brought."""
    brought_names = {merged.name, *merged.aliases} - {canonical.name}
    identifiers = {
        scheme: value
        for scheme, value in canonical.identifiers.items()
        if merged.identifiers.get(scheme) != value
    }
    return dataclasses.replace(
        canonical,
        aliases=tuple(a for a in canonical.aliases if a not in brought_names),
        identifiers=identifiers,
    )


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    if size < 1:
        raise ValidationError(f"batch_size must be at least 1, got {size}")
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
