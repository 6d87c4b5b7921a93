"""The link graph as an igraph Graph: the C implementations of betweenness, Leiden and paths."""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig

from graph.analytics.links import LinkGraph


@dataclass(slots=True)
class Network:
    """An undirected igraph Graph over organisations, with the id of each vertex.

    Edge attribute "weight" is the link's weight (how many relations and shared projects make
    it); vertex attribute "name" is the organisation id.
    """

    graph: ig.Graph
    ids: list[str]
    index: dict[str, int]

    @classmethod
    def of(cls, links: LinkGraph, *, isolates: bool = False) -> Network:
        """Vertices: organisations with at least one link (all of them with `isolates`)."""
        ids = sorted(links.orgs if isolates else links.linked_orgs())
        index = {org_id: i for i, org_id in enumerate(ids)}
        keys = list(links.links)
        graph = ig.Graph(
            n=len(ids),
            edges=[(index[a], index[b]) for a, b in keys],
            directed=False,
        )
        graph.vs["name"] = ids
        graph.es["weight"] = [links.links[k].weight for k in keys]
        return cls(graph=graph, ids=ids, index=index)
