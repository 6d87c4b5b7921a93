"""Exports for network tools and spreadsheets: GraphML and GEXF (Gephi, yEd, Cytoscape), CSV of
nodes and edges (Kumu, spreadsheets), JSON of a subgraph, plus the RDF formats of `rdf.py`.

All work from the store's projection (nodes and edge heads), so any GraphFilter applies. The
evidence count per edge needs the relations themselves; it is read in batches, and can be
skipped (`evidence=False`) when only the structure is wanted.

GraphML and GEXF have no null: absent attributes are left off the node or edge. Edges keep the
relation id as their key, so parallel relations (a partnership and a licensing deal between the
same two organisations) stay apart; every edge is written as directed, with a `directed`
attribute saying whether the direction means anything.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from graph.codec import node_to_props
from graph.interchange import rdf
from graph.interchange.errors import InterchangeError
from graph.model import Node
from graph.store.base import Edge, GraphFilter, GraphStore, Subgraph

EVIDENCE_BATCH = 2_000
NETWORK_FORMATS = ("graphml", "gexf", "csv-nodes", "csv-edges", "json")
EXPORT_FORMATS = (*NETWORK_FORMATS, "turtle", "json-ld", "nt")
MEDIA_TYPES = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv-nodes": "text/csv",
    "csv-edges": "text/csv",
    "json": "application/json",
    **rdf.MEDIA_TYPES,
}
SUFFIXES = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "json": ".json",
    "turtle": ".ttl",
    "json-ld": ".jsonld",
    "nt": ".nt",
}

_NODE_COLUMNS = ("ID", "Label", "Type", "Kind", "Country", "City", "Lat", "Lon", "Tags")
_EDGE_COLUMNS = (
    "ID",
    "From",
    "To",
    "Type",
    "Direction",
    "Subtype",
    "Role",
    "Confidence",
    "First seen",
    "Last seen",
    "Sources",
    "Evidence",
)


# ---------------------------------------------------------------------------- attributes


def node_attributes(node: Node) -> dict[str, Any]:
    """Flat attributes of a node for network tools; `label` is the display name (Gephi's)."""
    values = {
        "label": node.name,
        "name": node.name,
        "type": node.label,
        "kind": getattr(node, "kind", None),
        "country": getattr(node, "country", None),
        "city": getattr(node, "city", None),
        "lat": getattr(node, "lat", None),
        "lon": getattr(node, "lon", None),
    }
    return {k: str(v) if k == "kind" else v for k, v in values.items() if v is not None}


def edge_attributes(edge: Edge, evidence_count: int | None) -> dict[str, Any]:
    values = {
        "type": edge.type,
        "subtype": edge.subtype,
        "role": edge.role,
        "directed": edge.directed,
        "confidence": edge.confidence,
        "corroboration": edge.corroboration,
        "first_seen": edge.first_seen,
        "last_seen": edge.last_seen,
        "evidence": evidence_count,
    }
    return {k: v for k, v in values.items() if v is not None}


def evidence_counts(store: GraphStore, edges: Iterable[Edge]) -> dict[str, int]:
    ids = [edge.id for edge in edges]
    counts: dict[str, int] = {}
    for start in range(0, len(ids), EVIDENCE_BATCH):
        found = store.get_relations(ids[start : start + EVIDENCE_BATCH])
        counts.update((rid, len(rel.evidence)) for rid, rel in found.items())
    return counts


def to_networkx(sub: Subgraph, counts: dict[str, int] | None = None) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node_id, node in sub.nodes.items():
        graph.add_node(node_id, **node_attributes(node))
    for edge in sub.edges:
        count = counts.get(edge.id) if counts is not None else None
        graph.add_edge(
            edge.source, edge.target, key=edge.id, id=edge.id, **edge_attributes(edge, count)
        )
    return graph


# ---------------------------------------------------------------------------- writers


def graphml(graph: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(graph, out, encoding="utf-8")
    return out.getvalue()


def gexf(graph: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(graph, out, encoding="utf-8")
    return out.getvalue()


def nodes_csv(sub: Subgraph) -> str:
    """One row per node, Kumu's element columns: Label, Type, and attributes; Tags are topics."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_NODE_COLUMNS)
    for node_id, node in sub.nodes.items():
        attrs = node_attributes(node)
        writer.writerow(
            [
                node_id,
                node.name,
                node.label,
                attrs.get("kind", ""),
                attrs.get("country", ""),
                attrs.get("city", ""),
                attrs.get("lat", ""),
                attrs.get("lon", ""),
                "|".join(getattr(node, "topics", ())),
            ]
        )
    return out.getvalue()


def edges_csv(sub: Subgraph, counts: dict[str, int] | None = None) -> str:
    """One row per relation, Kumu's connection columns (From, To, Type, Direction) by node id."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_EDGE_COLUMNS)
    for edge in sub.edges:
        writer.writerow(
            [
                edge.id,
                edge.source,
                edge.target,
                edge.type,
                "directed" if edge.directed else "undirected",
                edge.subtype or "",
                edge.role or "",
                edge.confidence,
                edge.first_seen or "",
                edge.last_seen or "",
                "|".join(edge.sources),
                "" if counts is None else counts.get(edge.id, ""),
            ]
        )
    return out.getvalue()


def subgraph_json(sub: Subgraph, counts: dict[str, int] | None = None) -> str:
    edges = []
    for edge in sub.edges:
        data = {k: v for k, v in dataclasses.asdict(edge).items() if v is not None}
        data["sources"] = list(edge.sources)
        if counts is not None and edge.id in counts:
            data["evidence"] = counts[edge.id]
        edges.append(data)
    document = {"nodes": [node_to_props(n) for n in sub.nodes.values()], "edges": edges}
    return json.dumps(document, ensure_ascii=False, indent=1)


# ---------------------------------------------------------------------------- entry points


def export_bytes(
    store: GraphStore,
    fmt: str,
    graph_filter: GraphFilter | None = None,
    *,
    base: str = rdf.DEFAULT_BASE,
    evidence: bool = True,
) -> tuple[bytes, str]:
    """The (filtered) graph in one format, with its media type.

    Formats: graphml, gexf, csv-nodes, csv-edges, json, turtle, json-ld, nt.
    """
    name = fmt.lower()
    if name in rdf.FORMATS:
        rdf_name = rdf.normalise_format(name)
        buffer = io.StringIO()
        rdf.write_rdf(store, buffer, rdf_name, graph_filter, base=base)
        return buffer.getvalue().encode("utf-8"), rdf.MEDIA_TYPES[rdf_name]
    if name not in NETWORK_FORMATS:
        raise InterchangeError(f"unknown export format {fmt!r}; use one of {list(EXPORT_FORMATS)}")
    sub = store.projection(graph_filter)
    counts = evidence_counts(store, sub.edges) if evidence and name != "csv-nodes" else None
    if name == "graphml":
        data = graphml(to_networkx(sub, counts))
    elif name == "gexf":
        data = gexf(to_networkx(sub, counts))
    elif name == "csv-nodes":
        data = nodes_csv(sub).encode("utf-8")
    elif name == "csv-edges":
        data = edges_csv(sub, counts).encode("utf-8")
    else:
        data = subgraph_json(sub, counts).encode("utf-8")
    return data, MEDIA_TYPES[name]


def export_files(
    store: GraphStore,
    fmt: str,
    out: Path,
    graph_filter: GraphFilter | None = None,
    *,
    base: str = rdf.DEFAULT_BASE,
) -> list[Path]:
    """Write an export to `out`; `csv` writes two files, `<stem>.nodes.csv` and `<stem>.edges.csv`.

    Returns the paths written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt.lower() == "csv":
        stem = out.with_suffix("") if out.suffix == ".csv" else out
        written = []
        for part in ("nodes", "edges"):
            data, _ = export_bytes(store, f"csv-{part}", graph_filter)
            path = stem.parent / f"{stem.name}.{part}.csv"
            path.write_bytes(data)
            written.append(path)
        return written
    if fmt.lower() in rdf.FORMATS:
        # Streamed: a large graph is never held as text in memory.
        with out.open("w", encoding="utf-8") as handle:
            rdf.write_rdf(store, handle, fmt, graph_filter, base=base)
        return [out]
    data, _ = export_bytes(store, fmt, graph_filter, base=base)
    out.write_bytes(data)
    return [out]
