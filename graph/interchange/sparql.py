"""Read-only, bounded SPARQL over an rdflib graph (an export of the store).

Only queries are run: the text is parsed with rdflib's `prepareQuery`, whose grammar has no
update forms, so INSERT / DELETE / LOAD / CLEAR / DROP / CREATE fail to parse and are refused.
Queries that would reach the network (SERVICE, FROM / FROM NAMED, which rdflib dereferences)
are refused too. Size is bounded before parsing; rows and wall time while evaluating.

Time: evaluation runs in a daemon thread. The caller gets a QueryRefused after `timeout_s`; the
thread is told to stop and does so at its next row, but a single long aggregation inside rdflib
cannot be interrupted and finishes in the background (it holds no lock and writes nothing).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from graph.interchange.errors import QueryRefused
from graph.interchange.rdf import DEFAULT_BASE, to_rdf
from graph.store.base import GraphStore

MAX_QUERY_CHARS = 20_000
DEFAULT_MAX_ROWS = 10_000
DEFAULT_TIMEOUT_S = 10.0
_QUERY_FORMS = {"SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery"}
_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")


def prepare(query: str) -> Any:
    """Parse a read-only query or raise QueryRefused saying why it is not run."""
    if not isinstance(query, str) or not query.strip():
        raise QueryRefused("the SPARQL query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRefused(
            f"the SPARQL query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}"
        )
    try:
        prepared = prepareQuery(query)
    except Exception as exc:  # pyparsing and rdflib raise several types
        raise QueryRefused(_parse_message(query, exc)) from exc
    form = prepared.algebra.name
    if form not in _QUERY_FORMS:
        raise QueryRefused(f"only SELECT, ASK, CONSTRUCT and DESCRIBE are run, not {form}")
    if prepared.algebra.get("datasetClause"):
        raise QueryRefused("FROM / FROM NAMED are not allowed: queries run on the mvkg graph only")
    if _uses_service(prepared.algebra):
        raise QueryRefused("SERVICE is not allowed: queries may not reach other endpoints")
    return prepared


def _parse_message(query: str, exc: Exception) -> str:
    words = {w.upper() for w in query.replace("{", " ").split()}
    update = sorted(words.intersection(_UPDATE_WORDS))
    if update:
        return (
            f"SPARQL updates ({', '.join(update)}) are refused: the endpoint is read-only. "
            f"Parser said: {exc}"
        )
    return f"not a valid SPARQL query: {exc}"


def _uses_service(value: Any) -> bool:
    if isinstance(value, CompValue):
        if value.name == "ServiceGraphPattern":
            return True
        return any(_uses_service(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_uses_service(v) for v in value)
    return False


def _term(term: Any) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def _evaluate(
    graph: Graph, prepared: Any, max_rows: int, deadline: float, stop: threading.Event
) -> dict[str, Any]:
    result = graph.query(prepared)
    if result.type == "ASK":
        return {"head": {}, "boolean": bool(result.askAnswer)}
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        out = Graph()
        for prefix, namespace in graph.namespaces():
            out.bind(prefix, namespace)
        for count, triple in enumerate(result.graph or Graph()):
            _check_bounds(count, max_rows, deadline, stop, "triples")
            out.add(triple)
        return {"turtle": out.serialize(format="turtle"), "triples": len(out)}
    names = [str(v) for v in result.vars or []]
    bindings = []
    for count, row in enumerate(result):
        _check_bounds(count, max_rows, deadline, stop, "rows")
        bindings.append(
            {
                name: _term(value)
                for name, value in zip(names, row, strict=True)
                if value is not None
            }
        )
    return {"head": {"vars": names}, "results": {"bindings": bindings}}


def _check_bounds(
    count: int, max_rows: int, deadline: float, stop: threading.Event, what: str
) -> None:
    if count >= max_rows:
        raise QueryRefused(f"the query returns more than {max_rows} {what}; add a LIMIT")
    if stop.is_set() or time.monotonic() > deadline:
        raise TimeoutError


def run_sparql(
    graph: Graph,
    query: str,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> dict[str, Any]:
    """Run a read-only query on `graph`.

    SELECT gives SPARQL 1.1 JSON results ({"head": {"vars"}, "results": {"bindings"}}), ASK
    {"head": {}, "boolean"}, CONSTRUCT and DESCRIBE {"turtle", "triples"}. Raises QueryRefused
    for updates, remote access, and queries over the size, row or time bound.
    """
    if timeout_s <= 0 or max_rows < 1:
        raise QueryRefused("timeout_s must be positive and max_rows at least 1")
    prepared = prepare(query)
    deadline = time.monotonic() + timeout_s
    stop = threading.Event()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = _evaluate(graph, prepared, max_rows, deadline, stop)
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    # A daemon thread, so that a query still running after its timeout never keeps the
    # process from exiting.
    worker = threading.Thread(target=work, name="mvkg-sparql", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive() or isinstance(outcome.get("error"), TimeoutError):
        stop.set()
        raise QueryRefused(f"the query took longer than {timeout_s:g} s; narrow it or add a LIMIT")
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, QueryRefused):
            raise error
        raise QueryRefused(f"the query failed while running: {error}") from error
    return outcome["value"]


class RdfView:
    """A store as RDF for querying, rebuilt only when the store's version changes.

    One graph is kept per view (the API holds one view per app): a second copy of a large
    graph would double the memory held.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, str] | None = None
        self._graph: Graph | None = None

    def graph(self, store: GraphStore, *, base: str = DEFAULT_BASE) -> Graph:
        key = (store.version(), base)
        with self._lock:
            if self._graph is None or self._key != key:
                self._graph = to_rdf(store, base=base)
                self._key = key
            return self._graph
