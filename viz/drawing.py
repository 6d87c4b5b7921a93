"""What a map draws, before styling: nodes (organisations or groups of them) and edges.

Everything here is plain data from the graph. Nothing is escaped yet: escaping happens once, where
the page is written (`viz.page`), so no value can be escaped twice or forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What a node stands for.
ORG, GROUP = "org", "group"


@dataclass(slots=True)
class MapNode:
    """One drawn node: an organisation, or a group of organisations when the map aggregates.

    `group` is the node's colour group under the request's grouping (a country code, a region or
    a kind); `kind` decides the shape; `value` is the size measure (members for a group).
    `anchor` is (lat, lon) when known, for the geographic layout; `place` names where it is.
    `size` (radius in pixels) is set by the style, `x` and `y` by the layout.
    """

    id: str
    name: str
    what: str
    group: str
    kind: str
    value: float
    country: str | None = None
    place: str | None = None
    anchor: tuple[float, float] | None = None
    members: int = 1
    pinned: bool = False
    hop: int | None = None
    info: dict[str, Any] = field(default_factory=dict)
    size: float = 10.0
    x: float = 0.0
    y: float = 0.0


@dataclass(slots=True)
class MapEdge:
    """One drawn edge between nodes `a` and `b`.

    `arrow` is "a->b", "b->a" or None (undirected or mixed). `stated` is true when some reason
    is a stated relation (news, registry) rather than only a shared project. `links` counts the
    organisation links an aggregated edge stands for (1 for a plain link), `cross` how many of
    them join Denmark and Sweden.
    """

    id: str
    a: str
    b: str
    what: str
    weight: float
    stated: bool
    arrow: str | None = None
    links: int = 1
    cross: int = 0
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Drawing:
    """Nodes and edges to draw, and what was left out on the way (for the caption).

    `layout_pairs` are all links among the drawn nodes, drawn or not (the layout uses them);
    None means the drawn edges are all of them.
    """

    nodes: list[MapNode]
    edges: list[MapEdge]
    layout_pairs: list[tuple[str, str]] | None = None
    notes: list[str] = field(default_factory=list)
    aggregated: list[str] = field(default_factory=list)
    backdrop: dict[str, Any] = field(default_factory=dict)

    def edges_as_pairs(self) -> list[tuple[str, str]]:
        return [(e.a, e.b) for e in self.edges]
