"""One entry point to every measure, with results cached per version of the graph.

The API and the CLI call `Analytics.run(name, …)`. The projection of the store into a link graph
is read once per graph version and shared by all filters; each result is cached under the graph
version, so any write (which bumps the version) makes every cached result stale.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from graph.analytics import (
    border,
    brokerage,
    communities,
    opportunities,
    paths,
    reach,
    strongholds,
    trends,
)
from graph.analytics.links import LinkFilter, LinkGraph
from graph.errors import ValidationError
from graph.store.base import GraphStore

# Link graphs kept per distinct filter (the unfiltered base is always kept).
MAX_FILTERED_GRAPHS = 16

Runner = Callable[["Analytics", LinkGraph, dict[str, Any]], BaseModel]


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    summary: str
    run: Runner
    params: tuple[str, ...] = ()


def _with_lookup(func: Callable[..., BaseModel]) -> Runner:
    return lambda analytics, links, params: func(links, analytics.store.get_relations, **params)


def _plain(func: Callable[..., BaseModel]) -> Runner:
    return lambda analytics, links, params: func(links, **params)


def _sided(runner: Runner) -> Runner:
    """Measures take the two sides as one `sides` pair; callers (CLI, API) give `a` and `b`."""

    def run(analytics: Analytics, links: LinkGraph, params: dict[str, Any]) -> BaseModel:
        params = dict(params)
        a, b = params.pop("a", None), params.pop("b", None)
        if a is not None or b is not None:
            if a is None or b is None:
                raise ValidationError("give both groups a and b, or neither for the default pair")
            params["sides"] = (a, b)
        return runner(analytics, links, params)

    return run


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "border-matrix",
            "Links and organisations involved for every pair of groups, optionally per year.",
            _plain(border.border_matrix),
            ("grouping", "per_year"),
        ),
        Measure(
            "cross-border",
            "The links between two groups with their evidence, a page at a time.",
            _sided(_with_lookup(border.cross_border_links)),
            ("grouping", "a", "b", "sort", "limit", "offset", "max_evidence"),
        ),
        Measure(
            "ei-index",
            "Krackhardt's E-I index for the whole network, each group and each organisation.",
            _plain(border.ei_index),
            ("grouping", "limit", "offset"),
        ),
        Measure(
            "brokers",
            "Betweenness, border betweenness and Gould-Fernandez brokerage roles.",
            _sided(_plain(brokerage.brokers)),
            ("grouping", "a", "b", "limit", "sort"),
        ),
        Measure(
            "communities",
            "Leiden communities with their group mix; which span the border.",
            _sided(_plain(communities.communities)),
            ("grouping", "a", "b", "resolution", "seed", "limit"),
        ),
        Measure(
            "strongholds",
            "Per topic: organisations and links on each side and across; common strongholds.",
            _sided(_plain(strongholds.strongholds)),
            ("grouping", "a", "b", "min_organisations", "limit"),
        ),
        Measure(
            "opportunities",
            "Unlinked cross-border pairs with shared partners and topics, explained.",
            _sided(_plain(opportunities.opportunities)),
            ("grouping", "a", "b", "limit", "min_score"),
        ),
        Measure(
            "opportunity-evaluation",
            "Hold out the later years and count how many predicted links appeared.",
            _sided(_plain(opportunities.evaluate_opportunities)),
            ("grouping", "a", "b", "split_year"),
        ),
        Measure(
            "paths",
            "How two organisations are connected, with the evidence for every hop.",
            _with_lookup(paths.paths),
            ("source", "target", "max_paths", "max_evidence"),
        ),
        Measure(
            "reach",
            "Links to each other country, and foreign investors, acquirers and parents.",
            _plain(reach.international_reach),
            ("home", "limit"),
        ),
        Measure(
            "trends",
            "Cross-border links, new links, bridges and E-I index year by year.",
            _sided(_plain(trends.trends)),
            ("grouping", "a", "b", "first_year", "last_year"),
        ),
    )
}


class Analytics:
    """Runs measures on a store, caching link graphs and results per graph version.

    Thread-safe: the API serves concurrent requests from one instance. Two requests that miss the
    cache at once may both compute; the results are equal and the second simply wins.
    """

    def __init__(self, store: GraphStore, *, max_results: int = 256) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._max_results = max_results
        self._version: int | None = None
        self._base: LinkGraph | None = None
        self._graphs: dict[str, LinkGraph] = {}
        self._results: OrderedDict[str, BaseModel] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def run(self, name: str, *, link_filter: LinkFilter | None = None, **params: Any) -> BaseModel:
        """The result of measure `name` on the links `link_filter` keeps; `params` are the
        measure's own (see `MEASURES[name].params`); None values mean the default."""
        measure = MEASURES.get(name)
        if measure is None:
            raise ValidationError(f"unknown measure {name!r}; use one of {sorted(MEASURES)}")
        params = {k: v for k, v in params.items() if v is not None}
        unknown = sorted(set(params) - set(measure.params))
        if unknown:
            raise ValidationError(
                f"{name} does not take {unknown}; it takes {list(measure.params)}"
            )
        flt = link_filter or LinkFilter()
        version = self.store.version()
        key = json.dumps([version, name, flt.describe(), params], sort_keys=True, default=list)
        with self._lock:
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                self.hits += 1
                return cached
            self.misses += 1
        result = measure.run(self, self.link_graph(flt, version=version), params)
        with self._lock:
            self._results[key] = result
            while len(self._results) > self._max_results:
                self._results.popitem(last=False)
        return result

    def link_graph(self, link_filter: LinkFilter, *, version: int | None = None) -> LinkGraph:
        """The link graph under `link_filter` at the store's current version (cached)."""
        version = self.store.version() if version is None else version
        key = json.dumps(link_filter.describe(), sort_keys=True)
        with self._build_lock:
            if version != self._version or self._base is None:
                self._base = LinkGraph.from_store(self.store)
                self._graphs = {}
                self._version = version
                with self._lock:
                    self._results.clear()
            graph = self._graphs.get(key)
            if graph is None:
                if len(self._graphs) >= MAX_FILTERED_GRAPHS:
                    self._graphs.pop(next(iter(self._graphs)))
                graph = (
                    self._base
                    if link_filter == LinkFilter()
                    else self._base.restricted(link_filter)
                )
                self._graphs[key] = graph
            return graph

    def clear_cache(self) -> None:
        with self._build_lock, self._lock:
            self._base = None
            self._version = None
            self._graphs = {}
            self._results.clear()
