"""How a map looks: colour by group, shape by kind, size by measure, edge style by link.

Colours: Denmark red and Sweden blue (their flags), a link between them purple (the two mixed)
and drawn wide; other links grey. Shapes tell organisation kinds apart; dashed edges are shared
projects, trials or publications only; arrows are directed links (licensing, investment,
acquisition, funding, supply, ownership).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from graph.analytics.links import ELSEWHERE, UNKNOWN
from graph.model import OrgKind
from viz.drawing import GROUP, ORG, Drawing, MapEdge, MapNode

COUNTRY_COLOURS = {"DK": "#c8102e", "SE": "#1f5fa6"}
REGION_COLOURS = {"Capital Region": "#c8102e", "Zealand": "#ee7d7d", "Skåne": "#1f5fa6"}
KIND_COLOURS = {
    "company": "#4e79a7",
    "university": "#f28e2b",
    "hospital": "#e15759",
    "research_institute": "#76b7b2",
    "public_agency": "#59a14f",
    "investor": "#edc948",
    "foundation": "#b07aa1",
    "cluster_org": "#ff9da7",
    "other": "#9c755f",
}
# For countries beyond Denmark and Sweden, most frequent first (colour-blind-safe hues).
OTHER_PALETTE = ("#e69f00", "#009e73", "#9467bd", "#8c564b", "#17becf", "#bcbd22", "#e377c2")
REST_COLOUR, UNKNOWN_COLOUR = "#8c8c8c", "#c4c4c4"
REST = "other countries"

# vis-network shapes whose label sits outside the node (so size means size); two kinds share
# a shape and are told apart by a dashed border.
KIND_SHAPES: dict[str, tuple[str, bool]] = {
    "company": ("dot", False),
    "university": ("triangle", False),
    "hospital": ("square", False),
    "research_institute": ("diamond", False),
    "investor": ("star", False),
    "foundation": ("hexagon", False),
    "public_agency": ("triangleDown", False),
    "cluster_org": ("hexagon", True),
    "other": ("dot", True),
}
GROUP_SHAPE = ("dot", False)

CROSS_COLOUR = "#7b3fa0"
LINK_COLOUR = "#7d7d7d"
ORG_SIZES = (8.0, 34.0)  # radius in pixels, smallest and largest measure
GROUP_SIZES = (12.0, 60.0)
PINNED_SIZE = 24.0
LABELLED = 200  # above this many nodes only the largest are labelled (the rest on hover)
LABEL_CHARS = 40
# Physics (nodes that settle and follow a drag) only on small force-laid maps; above this the
# precomputed layout stays as it is.
PHYSICS_MAX_NODES = 300


def assign_sizes(drawing: Drawing) -> None:
    """Radius per node: area grows with the measure (square root), so hubs do not swamp."""
    for what, (low, high) in ((ORG, ORG_SIZES), (GROUP, GROUP_SIZES)):
        nodes = [n for n in drawing.nodes if n.what == what]
        top = max((n.value for n in nodes), default=0.0)
        for node in nodes:
            share = math.sqrt(node.value / top) if top > 0 else 0.0
            node.size = round(low + (high - low) * share, 1)
            if node.pinned:
                node.size = max(node.size, PINNED_SIZE)


class Palette:
    """The colour of each group value under a grouping, and the legend's colour rows."""

    def __init__(self, grouping: str, nodes: list[MapNode]) -> None:
        self.grouping = grouping
        counts = Counter(n.group for n in nodes)
        self.counts = counts
        if grouping == "country":
            fixed = dict(COUNTRY_COLOURS)
            others = [g for g, _ in counts.most_common() if g not in fixed and g != UNKNOWN]
            fixed.update(zip(others, OTHER_PALETTE, strict=False))
            self.colours = fixed
        elif grouping == "region":
            self.colours = dict(REGION_COLOURS)
        else:
            self.colours = dict(KIND_COLOURS)

    def colour(self, group: str) -> str:
        if group in self.colours:
            return self.colours[group]
        return UNKNOWN_COLOUR if group in (UNKNOWN, ELSEWHERE) else REST_COLOUR

    def legend(self) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for group, count in self.counts.most_common():
            label = self._label(group)
            row = rows.setdefault(label, {"label": label, "colour": self.colour(group), "n": 0})
            row["n"] += count
        order = [*list(self.colours), REST, UNKNOWN, ELSEWHERE]
        return sorted(
            rows.values(),
            key=lambda r: order.index(r["label"]) if r["label"] in order else len(order),
        )

    def _label(self, group: str) -> str:
        if group in self.colours or group in (UNKNOWN, ELSEWHERE):
            return group.replace("_", " ")
        return REST


# ---------------------------------------------------------------------------- vis data


def vis_nodes(drawing: Drawing, palette: Palette) -> list[dict[str, Any]]:
    labelled = _labelled(drawing.nodes)
    result = []
    for node in drawing.nodes:
        shape, dashed = KIND_SHAPES.get(node.kind, GROUP_SHAPE)
        colour = palette.colour(node.group)
        item: dict[str, Any] = {
            "id": node.id,
            "label": _short(node.name) if node.id in labelled else "",
            "x": round(node.x, 1),
            "y": round(node.y, 1),
            "shape": shape,
            "size": node.size,
            "color": {
                "background": colour,
                "border": "#222222" if node.what == GROUP or node.pinned else "#ffffff",
                "highlight": {"background": colour, "border": "#000000"},
                "hover": {"background": colour, "border": "#000000"},
            },
            "borderWidth": 3 if node.what == GROUP or node.pinned else 1.5,
        }
        if dashed:
            item["shapeProperties"] = {"borderDashes": [3, 3]}
            item["color"]["border"] = "#222222"
        if node.pinned:
            item["font"] = {"size": 20}
        result.append(item)
    return result


def vis_edges(drawing: Drawing, *, faint_domestic: bool) -> list[dict[str, Any]]:
    result = []
    heaviest = max((e.weight for e in drawing.edges if e.what == GROUP), default=1.0)
    for edge in drawing.edges:
        source, target = (edge.b, edge.a) if edge.arrow == "b->a" else (edge.a, edge.b)
        cross = edge.cross > 0
        item: dict[str, Any] = {
            "id": edge.id,
            "from": source,
            "to": target,
            "width": _width(edge, cross, faint_domestic, heaviest),
            "color": _edge_colour(cross, faint_domestic),
        }
        if edge.arrow:
            item["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.6}}
        if not edge.stated:
            item["dashes"] = [6, 5]
        result.append(item)
    return result


def physics(kind: str, nodes: int, grouped: bool = False) -> dict[str, Any]:
    """Physics only for small maps of organisations laid out by force: geography, path columns
    and big group nodes keep their precomputed places."""
    if grouped or kind not in ("ecosystem", "ego") or not 0 < nodes <= PHYSICS_MAX_NODES:
        return {"enabled": False}
    return {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -60,
            "springLength": 110,
            "avoidOverlap": 0.3,
        },
        "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 25, "fit": True},
    }


def vis_options(kind: str, nodes: int, grouped: bool) -> dict[str, Any]:
    big = nodes > PHYSICS_MAX_NODES
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "physics": physics(kind, nodes, grouped),
        "interaction": {
            "hover": True,
            "tooltipDelay": 200,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
        },
        "nodes": {
            "font": {
                "size": 14,
                "face": "system-ui, sans-serif",
                "color": "#1d1d1d",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
            },
        },
        "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 1.5},
    }


# ---------------------------------------------------------------------------- legend


def legend(drawing: Drawing, palette: Palette, size_text: str, grouping: str) -> dict[str, Any]:
    kinds = Counter(n.kind for n in drawing.nodes)
    shapes = [
        {
            "label": kind.replace("_", " "),
            "shape": KIND_SHAPES[kind][0],
            "dashed": KIND_SHAPES[kind][1],
            "n": kinds[kind],
        }
        for kind in (k.value for k in OrgKind)
        if kinds[kind]
    ]
    if kinds[GROUP]:
        shapes.append(
            {
                "label": "group of organisations",
                "shape": "group",
                "dashed": False,
                "n": kinds[GROUP],
            }
        )
    edges = [
        {"style": "cross", "label": "Denmark-Sweden link, across the Øresund"},
        {"style": "plain", "label": "other link (within a country, or abroad)"},
        {"style": "dashed", "label": "shared project, trial or publication only"},
        {"style": "arrow", "label": "directed: licensing, investment, acquisition, ownership…"},
    ]
    if any(e.what == GROUP for e in drawing.edges):
        edges.append({"style": "wide", "label": "width: links between the groups"})
    return {
        "colour_title": f"Colour: {grouping}",
        "colours": palette.legend(),
        "shapes": shapes,
        "size": size_text,
        "edges": edges,
    }


# ---------------------------------------------------------------------------- helpers


def _labelled(nodes: list[MapNode]) -> set[str]:
    if len(nodes) <= LABELLED:
        return {n.id for n in nodes}
    ranked = sorted(nodes, key=lambda n: (not n.pinned, -n.size, n.id))
    return {n.id for n in ranked[:LABELLED]}


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def _width(edge: MapEdge, cross: bool, faint_domestic: bool, heaviest: float) -> float:
    if edge.what == GROUP:  # relative to the heaviest: group edges stand for 1 to 1,000s of links
        base = 1.0 + 9.0 * math.sqrt(edge.weight / heaviest)
    else:
        base = 1.0 + min(4.0, math.log2(max(1.0, edge.weight)))
    if cross and faint_domestic:
        base += 1.5
    return round(base, 2)


def _edge_colour(cross: bool, faint_domestic: bool) -> dict[str, Any]:
    if cross:
        return {"color": CROSS_COLOUR, "highlight": "#3d0f66", "hover": "#3d0f66", "opacity": 0.9}
    return {
        "color": LINK_COLOUR,
        "highlight": "#222222",
        "hover": "#222222",
        "opacity": 0.25 if faint_domestic else 0.55,
    }
