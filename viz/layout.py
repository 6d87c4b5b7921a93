"""Node positions, computed here so the browser only draws (no physics on large maps).

Three layouts:

- force: igraph's Fruchterman-Reingold (grid variant above 1,000 nodes), scaled so each node
  gets about SPACING² of room. FR on 5,000 nodes and 20,000 edges takes ~0.5 s; DrL took 16 s
  on the same graph, so FR serves every size a map may have.
- columns (path maps): each organisation in the column of its distance from the source.
- geographic (cross-border and stronghold maps): Denmark west, Sweden east of a drawn Øresund.
  Organisations are clustered by city; each city is a disc of concentric rings around its
  geographic position, largest node in the middle, so co-located organisations never overlap.
  Discs are pushed apart where they collide (a Dorling-style relaxation that pulls each back
  to its place) and every Danish disc is kept west of the strait, every Swedish one east of it.
  Places outside Zealand and Skåne (Aarhus, Stockholm, no coordinates) line up in a column on
  their country's side; other countries in a row south of the map.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import igraph as ig
import numpy as np

from viz.drawing import ORG, Drawing, MapNode

SPACING = 80.0  # pixels of room per node in force layouts
NODE_PAD = 8.0  # pixels kept free around each node when overlaps are removed
COLUMN_GAP, ROW_GAP = 300.0, 110.0  # path maps
LAYOUT_SEED = 0

# The geographic window: Zealand and Skåne. STRAIT_LON runs between Copenhagen and Malmö.
WEST, EAST, SOUTH, NORTH = 11.0, 14.6, 54.9, 56.5
STRAIT_LON, MID_LAT = 12.8, 55.7
STRAIT_GAP = 240.0  # pixels between the Danish and the Swedish discs
RING_PAD = 10.0  # pixels between neighbouring nodes in a city disc
DISC_PAD = 40.0  # pixels between city discs
MIN_DISC = 50.0  # a city disc takes at least this radius: room for its organisations' labels
MIN_SCALE = 1_500.0  # pixels per degree at the least (Copenhagen-Malmö: about 500 pixels)
MIN_TEXT, MAX_TEXT = 18.0, 160.0  # place names, in pixels at zoom 1
# Fisheye: distances from the strait's middle become FISHEYE_R * (d / FISHEYE_R) ** POWER
# (degrees), so the dense core around Copenhagen, Malmö and Lund gets room while outlying towns
# move in. Copenhagen-Malmö grows by a third, Sorø-Kristianstad shrinks to 60%.
FISHEYE_R, FISHEYE_POWER = 0.25, 0.55
REFRESH = 10  # relaxation steps between searches for nearby pairs
MARGIN = 160.0  # pixels between the map and the columns and row of places elsewhere
RELAX_STEPS = 300
WEST_SIDE, EAST_SIDE = "DK", "SE"


def place(drawing: Drawing, kind: str) -> None:
    if not drawing.nodes:
        return
    if kind in ("cross-border", "stronghold"):
        geographic(drawing)
    elif kind == "path":
        columns(drawing.nodes)
    else:
        force(drawing)
    separate_duplicates(drawing.nodes)


# ---------------------------------------------------------------------------- force


def force(drawing: Drawing) -> None:
    """Fruchterman-Reingold per connected component, the largest in the middle and the others
    (isolated organisations included) on shelves below it, so a few loose nodes cannot push
    the core into a dot. Laid out on every link among the nodes, drawn or not, so the picture
    shows the real structure even when only the strongest links are drawn."""
    nodes = drawing.nodes
    index = {n.id: i for i, n in enumerate(nodes)}
    pairs = drawing.layout_pairs if drawing.layout_pairs is not None else drawing.edges_as_pairs()
    # Room per node: SPACING, or more where nodes are big (groups of organisations).
    spacing = max(SPACING, 3.0 * float(np.mean([n.size for n in nodes])))
    graph = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in pairs])
    components = sorted(graph.connected_components(), key=lambda c: (-len(c), c[0]))
    blocks = []
    with _seeded():
        for members in components:
            if len(members) == 1:
                coords = np.zeros((1, 2))
            else:
                layout = graph.subgraph(members).layout_fruchterman_reingold(niter=500)
                coords = _scaled(np.asarray(layout.coords, dtype=float), len(members), spacing)
            blocks.append((members, coords))
    positions = _shelves(blocks, len(nodes), spacing)
    separate(positions, np.array([n.size + NODE_PAD for n in nodes], dtype=float))
    centre = next((i for i, n in enumerate(nodes) if n.pinned), None)
    if centre is not None:
        positions -= positions[centre]  # the ego's centre in the middle of the page
    for node, (x, y) in zip(nodes, positions, strict=True):
        node.x, node.y = float(x), float(y)


@contextmanager
def _seeded() -> Iterator[None]:
    """igraph draws start positions from Python's `random`: a private generator makes layouts
    reproducible without reseeding (or consuming) the global one."""
    ig.set_random_number_generator(random.Random(LAYOUT_SEED))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def _shelves(blocks: list[tuple[list[int], np.ndarray]], n: int, spacing: float) -> np.ndarray:
    """The first (largest) block centred on the origin; the rest left to right in rows below."""
    positions = np.zeros((n, 2))
    members, coords = blocks[0]
    positions[members] = coords
    left = coords[:, 0].min()
    right, bottom = coords.max(axis=0)
    width = max(right - left, 12 * spacing)
    x, y, row_height = left, bottom + 2 * spacing, 0.0
    for members, coords in blocks[1:]:
        low = coords.min(axis=0)
        size = coords.max(axis=0) - low
        if x > left and x + size[0] > left + width:
            x, y, row_height = left, y + row_height + spacing, 0.0
        positions[members] = coords - low + (x, y)
        x += size[0] + spacing
        row_height = max(row_height, size[1])
    return positions


def _scaled(coords: np.ndarray, n: int, spacing: float) -> np.ndarray:
    """Centred, and scaled so the nodes fill a disc of about n * spacing² area."""
    coords = coords - coords.mean(axis=0)
    rms = float(np.sqrt((coords**2).sum(axis=1).mean())) if n > 1 else 0.0
    if rms == 0.0:
        return coords
    target = spacing * math.sqrt(n / (2 * math.pi))  # rms radius of a uniform disc that size
    return coords * (target / rms)


# ---------------------------------------------------------------------------- columns


def columns(nodes: list[MapNode]) -> None:
    by_column: dict[int, list[MapNode]] = defaultdict(list)
    for node in nodes:
        by_column[node.hop or 0].append(node)
    for column, members in by_column.items():
        members.sort(key=lambda n: (not n.pinned, -n.value, n.name.casefold(), n.id))
        for row, node in enumerate(members):
            node.x = column * COLUMN_GAP
            node.y = (row - (len(members) - 1) / 2) * ROW_GAP


# ---------------------------------------------------------------------------- geographic


@dataclass(slots=True)
class _Cluster:
    """Nodes sharing a place, packed in rings; (x, y) is the disc's centre on the map."""

    country: str | None
    place: str
    anchor: tuple[float, float] | None
    nodes: list[MapNode]
    offsets: list[tuple[float, float]] = field(default_factory=list)
    radius: float = 0.0
    x: float = 0.0
    y: float = 0.0

    @property
    def at_home(self) -> bool:
        """In the window (Zealand, Skåne) and on one of the two sides."""
        if self.country not in (WEST_SIDE, EAST_SIDE) or self.anchor is None:
            return False
        lat, lon = self.anchor
        return WEST <= lon <= EAST and SOUTH <= lat <= NORTH


def geographic(drawing: Drawing) -> None:
    clusters = _clusters(drawing.nodes)
    for cluster in clusters:
        cluster.offsets, cluster.radius = rings([n.size for n in cluster.nodes])
    home = [c for c in clusters if c.at_home]
    scale = _scale(home)
    # Place names grow with the map, so they stay legible when all of it is on screen.
    text = min(MAX_TEXT, max(MIN_TEXT, scale / 75))
    _project(home, scale)
    _relax(home, text)
    bounds = _bounds(home)
    away = [c for c in clusters if not c.at_home]
    _line_up(away, bounds, text)
    for cluster in clusters:
        for node, (dx, dy) in zip(cluster.nodes, cluster.offsets, strict=True):
            node.x, node.y = cluster.x + dx, cluster.y + dy
    drawing.backdrop = _backdrop(clusters, _bounds(home + away), bool(home), text)


def rings(sizes: list[float]) -> tuple[list[tuple[float, float]], float]:
    """Offsets that pack nodes of the given radii (largest first) in concentric rings around
    the first, with RING_PAD between neighbours; and the radius of the whole disc.

    Ring k's radius clears ring k-1's largest node; its capacity is how many of its own largest
    node fit on it by chord length, so no two nodes overlap and none share a position.
    """
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    offsets: list[tuple[float, float]] = [(0.0, 0.0)] * len(sizes)
    if not order:
        return offsets, 0.0
    previous, ring_radius, extent = sizes[order[0]], 0.0, sizes[order[0]]
    done, ring = 1, 0
    while done < len(order):
        size = sizes[order[done]]
        ring_radius += previous + size + RING_PAD
        ring += 1
        ratio = min(1.0, (2 * size + RING_PAD) / (2 * ring_radius))
        capacity = max(1, int(math.pi / math.asin(ratio)))
        members = order[done : done + capacity]
        turn = 0.5 * ring  # stagger rings so spokes do not line up
        for j, i in enumerate(members):
            angle = 2 * math.pi * (j + turn) / len(members) if len(members) > 1 else turn
            offsets[i] = (ring_radius * math.cos(angle), ring_radius * math.sin(angle))
        extent = ring_radius + size
        previous = size
        done += len(members)
    return offsets, extent


def _clusters(nodes: Iterable[MapNode]) -> list[_Cluster]:
    grouped: dict[tuple[str | None, str], list[MapNode]] = defaultdict(list)
    for node in nodes:
        if node.what == ORG:
            if node.place:
                place = node.place
            elif node.anchor:
                place = f"{node.anchor[0]:.2f},{node.anchor[1]:.2f}"
            else:
                place = ""
        else:
            place = node.id  # an aggregated group is a place of its own
        grouped[(node.country, place)].append(node)
    clusters = []
    for (country, place), members in sorted(grouped.items(), key=lambda kv: _key(kv[0])):
        located = [n.anchor for n in members if n.anchor]
        anchor = (
            (sum(a[0] for a in located) / len(located), sum(a[1] for a in located) / len(located))
            if located
            else None
        )
        label = place if members[0].what == ORG else ""
        clusters.append(_Cluster(country=country, place=label, anchor=anchor, nodes=members))
    return clusters


def _key(key: tuple[str | None, str]) -> tuple[str, str]:
    return (key[0] or "~", key[1])


def _room(cluster: _Cluster, text: float = MIN_TEXT) -> float:
    """The radius a disc claims: itself, or MIN_DISC, plus room for its name."""
    return max(cluster.radius, MIN_DISC) + DISC_PAD / 2 + text


def _scale(clusters: list[_Cluster]) -> float:
    """Pixels per degree: grows with the discs' total area, so big maps spread out as much as
    small ones (the relaxation resolves what still overlaps)."""
    area = sum(math.pi * _room(c) ** 2 for c in clusters)
    return max(MIN_SCALE, 2.0 * math.sqrt(area))


def _project(clusters: list[_Cluster], scale: float) -> None:
    squeeze = math.cos(math.radians(MID_LAT))
    for n, cluster in enumerate(clusters):
        lat, lon = cluster.anchor or (MID_LAT, STRAIT_LON)
        dx, dy = (lon - STRAIT_LON) * squeeze, -(lat - MID_LAT)
        distance = math.hypot(dx, dy)
        if distance > 0:
            stretch = (distance / FISHEYE_R) ** (FISHEYE_POWER - 1)
            dx, dy = dx * stretch, dy * stretch
        # A hair of deterministic jitter: two cities at one point still get a direction apart.
        cluster.x = dx * scale + 0.01 * n
        cluster.y = dy * scale + 0.007 * n


def _relax(clusters: list[_Cluster], text: float) -> None:
    if not clusters:
        return
    pos = np.array([[c.x, c.y] for c in clusters], dtype=float)
    radius = np.array([_room(c, text) for c in clusters], dtype=float)
    west = np.array([c.country == WEST_SIDE for c in clusters])
    separate(pos, radius, pull=0.02, keep=lambda p: _keep_sides(p, radius, west))
    for cluster, (x, y) in zip(clusters, pos, strict=True):
        cluster.x, cluster.y = float(x), float(y)


def separate(
    pos: np.ndarray,
    radius: np.ndarray,
    *,
    pull: float = 0.0,
    keep: Callable[[np.ndarray], None] | None = None,
) -> None:
    """Push overlapping discs apart, in place (a Dorling-style relaxation).

    Each step moves both discs of every overlapping pair apart along the line between them,
    the smaller one more; `pull` draws each back towards where it started, and `keep` applies
    constraints after every step. Only pairs found near each other are compared, and they are
    looked for again every REFRESH steps, so a step costs about the number of nodes, not its
    square (comparing all pairs took 1.7 s for 300 heavily overlapping nodes; this, 0.1 s).
    """
    if len(pos) < 2:
        return
    home = pos.copy()
    first = second = np.empty(0, dtype=int)
    for step in range(RELAX_STEPS):
        if step % REFRESH == 0:
            first, second = _near_pairs(pos, radius)
        if len(first) == 0:
            break
        delta = pos[first] - pos[second]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        overlap = radius[first] + radius[second] - dist
        hit = overlap > 0
        if not hit.any():
            if step % REFRESH == 0:
                break  # pairs just looked for, and none overlaps: done
            continue
        a, b, d, gap = first[hit], second[hit], dist[hit], overlap[hit]
        # Coincident discs get a direction of their own (deterministic: from their index).
        angle = a.astype(float)
        unit = np.where(
            (d > 0)[:, None],
            delta[hit] / np.where(d > 0, d, 1.0)[:, None],
            np.column_stack([np.cos(angle), np.sin(angle)]),
        )
        share = radius[b] / (radius[a] + radius[b])  # the smaller disc moves more
        move = 0.5 * unit * gap[:, None]
        np.add.at(pos, a, move * share[:, None])
        np.add.at(pos, b, -move * (1 - share)[:, None])
        if pull:
            pos += pull * (home - pos)
        if keep:
            keep(pos)
    if keep:
        keep(pos)


def _near_pairs(pos: np.ndarray, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs closer than twice their touching distance, each pair once.

    Sweep along x: after sorting by x, only discs within reach to the right of each one can be
    near it; those candidate pairs are then checked in two dimensions. O(n log n + candidates).
    """
    n = len(pos)
    order = np.argsort(pos[:, 0], kind="stable")
    xs = pos[order, 0]
    reach = 2 * (radius[order] + radius.max())
    ends = np.searchsorted(xs, xs + reach, side="right")
    counts = ends - np.arange(n) - 1
    first = np.repeat(np.arange(n), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    second = first + 1 + (np.arange(len(first)) - starts)
    a, b = order[first], order[second]
    gap = np.hypot(pos[a, 0] - pos[b, 0], pos[a, 1] - pos[b, 1])
    near = gap < 2 * (radius[a] + radius[b])
    return a[near], b[near]


def _keep_sides(pos: np.ndarray, radius: np.ndarray, west: np.ndarray) -> None:
    """Danish discs wholly west of the strait, Swedish ones wholly east of it."""
    limit = STRAIT_GAP / 2 + radius
    pos[west, 0] = np.minimum(pos[west, 0], -limit[west])
    pos[~west, 0] = np.maximum(pos[~west, 0], limit[~west])


def _bounds(clusters: list[_Cluster]) -> tuple[float, float, float, float]:
    if not clusters:
        return (-STRAIT_GAP, -STRAIT_GAP, STRAIT_GAP, STRAIT_GAP)
    return (
        min(c.x - c.radius for c in clusters),
        min(c.y - c.radius for c in clusters),
        max(c.x + c.radius for c in clusters),
        max(c.y + c.radius for c in clusters),
    )


def _line_up(away: list[_Cluster], bounds: tuple[float, float, float, float], text: float) -> None:
    """Danish places elsewhere in a column west of the map, Swedish ones east, others south."""
    left, top, right, bottom = bounds
    west = [c for c in away if c.country == WEST_SIDE]
    east = [c for c in away if c.country == EAST_SIDE]
    abroad = [c for c in away if c.country not in (WEST_SIDE, EAST_SIDE)]
    for cluster_list, x_edge, sign in (
        (west, min(left, -STRAIT_GAP / 2), -1),
        (east, max(right, STRAIT_GAP / 2), 1),
    ):
        cluster_list.sort(key=lambda c: (c.anchor is None, -(c.anchor or (0, 0))[0], c.place))
        y = top
        for cluster in cluster_list:
            cluster.x = x_edge + sign * (MARGIN + cluster.radius)
            cluster.y = y + 1.5 * text + cluster.radius  # its name above it
            y = cluster.y + cluster.radius + DISC_PAD
    abroad.sort(key=lambda c: (c.anchor is None, (c.anchor or (0, 0))[1], c.country or "~"))
    # Side by side, each as wide as its disc or its name (about 12 characters), whichever is more.
    widths = [max(2 * c.radius, 7 * text) + DISC_PAD for c in abroad]
    x = (left + right) / 2 - sum(widths) / 2
    for cluster, width in zip(abroad, widths, strict=True):
        cluster.x = x + width / 2
        cluster.y = bottom + MARGIN + 1.5 * text + cluster.radius
        x += width


def _backdrop(
    clusters: list[_Cluster],
    bounds: tuple[float, float, float, float],
    has_home: bool,
    text: float,
) -> dict:
    """What the page paints with the nodes: the strait, the two countries, the place names."""
    left, top, right, bottom = bounds
    label_size = round(text)
    title_size = round(3 * text)
    labels = []
    for cluster in clusters:
        if cluster.nodes[0].what != ORG:
            continue  # an aggregated group's own label names it
        name = cluster.place or "location unknown"
        if not cluster.at_home:
            name = f"{name} ({cluster.country or 'country unknown'})"
        y = cluster.y - cluster.radius - label_size / 2
        labels.append({"x": cluster.x, "y": y, "text": name, "size": label_size})
    backdrop: dict = {"labels": labels}
    if has_home:
        above = top - 1.5 * label_size - title_size / 2
        backdrop["strait"] = {
            "x0": -STRAIT_GAP / 4,
            "x1": STRAIT_GAP / 4,
            "y0": above - title_size,
            "y1": bottom + label_size,
        }
        backdrop["titles"] = [
            {"x": (left - STRAIT_GAP / 2) / 2, "y": above, "text": "DENMARK", "size": title_size},
            {"x": (right + STRAIT_GAP / 2) / 2, "y": above, "text": "SWEDEN", "size": title_size},
        ]
    return backdrop


# ---------------------------------------------------------------------------- everywhere


def separate_duplicates(nodes: list[MapNode]) -> None:
    """No two nodes at one position (a layout may put isolated nodes on top of each other):
    later ones step out on a small spiral until their spot is free."""
    taken: set[tuple[int, int]] = set()
    for node in nodes:
        step = 0
        x, y = node.x, node.y
        while (round(x), round(y)) in taken:
            step += 1
            angle = step * 2.399963  # the golden angle
            x = node.x + 12.0 * math.sqrt(step) * math.cos(angle)
            y = node.y + 12.0 * math.sqrt(step) * math.sin(angle)
        node.x, node.y = x, y
        taken.add((round(x), round(y)))
