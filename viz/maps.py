"""Maps of the graph: one self-contained HTML file each, readable offline, evidence a click away.

    from viz.maps import MapRequest, render_map
    rendered = render_map(analytics, MapRequest(kind="cross-border"))
    Path("oresund.html").write_text(rendered.html, encoding="utf-8")

Five kinds: the ecosystem (everything the filter keeps, optionally one topic), cross-border
(Danish and Swedish organisations placed by geography, links across the Øresund stand out), ego
(an organisation and its neighbours within `hops`), stronghold (one topic's organisations on both
sides and their links) and path (how two organisations are connected).

Selections larger than `max_nodes` are reduced (top organisations by the size measure, or groups
by community, city or kind) and at most viz.reduce.MAX_EDGES edges are drawn; the caption says
what was left out. Layouts are precomputed (viz.layout), and physics runs only on small maps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from graph.analytics.links import DEFAULT_SIDES, GROUPINGS, LinkFilter, LinkGraph
from graph.analytics.paths import Paths
from graph.analytics.service import Analytics
from viz import layout, select, style
from viz.details import describe_links
from viz.drawing import GROUP, Drawing
from viz.errors import MapRequestError
from viz.measures import SIZE_MEASURES, Measures
from viz.page import render_page
from viz.reduce import AGGREGATIONS, build
from viz.select import PATHS_SHOWN, Selection

MAP_KINDS = ("ecosystem", "cross-border", "ego", "stronghold", "path")
DEFAULT_MAX_NODES = 1_500
# Bounds of `max_nodes`: below 10 a map says little; above 5,000 nodes a browser needs seconds
# to draw and stutters when panning, which a map sent to someone must never do.
MIN_NODES, MAX_NODES_LIMIT = 10, 5_000
MAX_HOPS = 3
TOPIC_KINDS = ("ecosystem", "cross-border", "stronghold")
BORDER_KINDS = ("cross-border", "stronghold")  # maps about the border: its links come first
KIND_NAMES = {
    "ecosystem": "Ecosystem map",
    "cross-border": "Cross-border map",
    "ego": "Ego map",
    "stronghold": "Stronghold map",
    "path": "Path map",
}
LAYOUT_NAMES = {
    "ecosystem": "force-directed (Fruchterman-Reingold, precomputed)",
    "ego": "force-directed (Fruchterman-Reingold, precomputed)",
    "cross-border": "geographic: Denmark west and Sweden east of the Øresund, one disc per city",
    "stronghold": "geographic: Denmark west and Sweden east of the Øresund, one disc per city",
    "path": "columns by distance from the first organisation",
}

__all__ = [
    "AGGREGATIONS",
    "DEFAULT_MAX_NODES",
    "MAP_KINDS",
    "MAX_NODES_LIMIT",
    "SIZE_MEASURES",
    "MapRequest",
    "RenderedMap",
    "render_map",
]


@dataclass(frozen=True, slots=True)
class MapRequest:
    """What to map. Checked when made: a bad request fails before any work is done.

    `org` is the ego's centre or the path's source, `target` the path's target (organisation
    ids). `topic` is required for a stronghold and filters an ecosystem or cross-border map.
    `aggregate` says how a selection above `max_nodes` is reduced: "top" (the organisations
    with the highest `size_by`), "community", "city" or "kind" (one node per group).
    """

    kind: str
    link_filter: LinkFilter = field(default_factory=LinkFilter)
    grouping: str = "country"
    size_by: str = "degree"
    org: str | None = None
    target: str | None = None
    hops: int = 1
    topic: str | None = None
    max_nodes: int = DEFAULT_MAX_NODES
    aggregate: str = "top"

    def __post_init__(self) -> None:
        _one_of(self.kind, MAP_KINDS, "map kind")
        _one_of(self.size_by, SIZE_MEASURES, "size_by")
        _one_of(self.grouping, GROUPINGS, "grouping")
        _one_of(self.aggregate, AGGREGATIONS, "aggregate")
        if not isinstance(self.link_filter, LinkFilter):
            raise MapRequestError("link_filter must be a LinkFilter (LinkFilter.of(...))")
        if not _is_int(self.max_nodes) or not MIN_NODES <= self.max_nodes <= MAX_NODES_LIMIT:
            raise MapRequestError(
                f"max_nodes must be between {MIN_NODES} and {MAX_NODES_LIMIT:,}, got "
                f"{self.max_nodes!r}; larger selections are reduced (see aggregate)"
            )
        if not _is_int(self.hops) or not 1 <= self.hops <= MAX_HOPS:
            raise MapRequestError(f"hops must be between 1 and {MAX_HOPS}, got {self.hops!r}")
        self._check_kind()

    def _check_kind(self) -> None:
        if self.kind == "ego" and not self.org:
            raise MapRequestError("an ego map needs org: the id of the organisation at its centre")
        if self.kind == "path":
            select.check_pair(self.org, self.target)
        if self.kind not in ("ego", "path") and (self.org or self.target):
            raise MapRequestError(
                f"org and target are for ego and path maps, not for a {self.kind} map"
            )
        if self.kind == "ego" and self.target:
            raise MapRequestError("target is for path maps; an ego map takes org and hops")
        if self.kind == "stronghold" and not (self.topic and self.topic.strip()):
            raise MapRequestError(
                "a stronghold map needs a topic, such as 'oncology' (topics of organisations "
                "and projects; the strongholds measure lists them)"
            )
        if self.topic and self.kind not in TOPIC_KINDS:
            raise MapRequestError(
                f"topic applies to {', '.join(TOPIC_KINDS)} maps, not to a {self.kind} map"
            )


@dataclass(frozen=True, slots=True)
class RenderedMap:
    """A map: `html` is the whole self-contained page; `title` and `caption` are plain text
    (escape them before putting them in other HTML). `nodes` and `edges` count what is drawn;
    `aggregated` says how the selection was reduced, None when everything is shown."""

    html: str
    title: str
    caption: str
    nodes: int
    edges: int
    aggregated: str | None


def render_map(
    analytics: Analytics,
    request: MapRequest,
    *,
    made_at: datetime | None = None,
    source: str | None = None,
) -> RenderedMap:
    """Build the map `request` asks for from the graph behind `analytics`.

    `made_at` (default: now) is stated in the caption, as is `source`, a short description of
    the data (such as the store's name; never pass a URL with credentials).

    Raises MapRequestError (a ValidationError) for an unknown topic, and
    UnknownOrganisationError (a NotFoundError) for an organisation id not in the filtered graph.
    """
    made_at = _utc(made_at)
    links = analytics.link_graph(request.link_filter)
    topic = select.check_topic(links, request.topic) if request.topic else None
    selection = _select(analytics, links, request, topic)
    measures = Measures.of(analytics, links, request.size_by)
    drawing = build(
        selection,
        links,
        measures,
        grouping=request.grouping,
        max_nodes=request.max_nodes,
        aggregate=request.aggregate,
        cross_first=request.kind in BORDER_KINDS,
    )
    describe_links(drawing.edges, links, analytics.store.get_relations)
    style.assign_sizes(drawing)
    layout.place(drawing, request.kind)
    context = _Context(request, topic, made_at, source, analytics.store.version())
    caption = _caption(context, links, selection, drawing, measures)
    html = _page(request, selection, drawing, measures, caption)
    return RenderedMap(
        html=html,
        title=selection.title,
        caption=" ".join(caption),
        nodes=len(drawing.nodes),
        edges=len(drawing.edges),
        aggregated="; ".join(drawing.aggregated) or None,
    )


# ---------------------------------------------------------------------------- steps


def _select(
    analytics: Analytics, links: LinkGraph, request: MapRequest, topic: str | None
) -> Selection:
    if request.kind == "ecosystem":
        return select.ecosystem(links, topic)
    if request.kind == "cross-border":
        return select.cross_border(links, topic)
    if request.kind == "stronghold":
        assert topic is not None  # checked by MapRequest
        return select.stronghold(links, topic, DEFAULT_SIDES["country"])
    assert request.org is not None  # checked by MapRequest
    if request.kind == "ego":
        return select.ego(analytics, links, request.org, request.hops)
    assert request.target is not None
    select.organisation(analytics, links, request.org, "org")
    select.organisation(analytics, links, request.target, "target")
    result = analytics.run(
        "paths",
        link_filter=request.link_filter,
        source=request.org,
        target=request.target,
        max_paths=PATHS_SHOWN,
        max_evidence=1,
    )
    return select.path(analytics, links, request.org, request.target, cast(Paths, result))


def _page(
    request: MapRequest,
    selection: Selection,
    drawing: Drawing,
    measures: Measures,
    caption: list[str],
) -> str:
    palette = style.Palette(request.grouping, drawing.nodes)
    size_text = "organisations in the group" if _grouped(drawing) else measures.describe()
    faint = request.kind in BORDER_KINDS
    config = {
        "options": style.vis_options(request.kind, len(drawing.nodes), _grouped(drawing)),
        "details": {
            "nodes": {n.id: n.info for n in drawing.nodes},
            "edges": {e.id: e.info for e in drawing.edges},
        },
        "backdrop": drawing.backdrop,
    }
    return render_page(
        title=selection.title,
        caption=caption,
        nodes=style.vis_nodes(drawing, palette),
        edges=style.vis_edges(drawing, faint_domestic=faint),
        config=config,
        legend=style.legend(drawing, palette, size_text, request.grouping),
    )


# ---------------------------------------------------------------------------- caption


@dataclass(frozen=True, slots=True)
class _Context:
    request: MapRequest
    topic: str | None
    made_at: datetime
    source: str | None
    version: int


def _caption(
    context: _Context,
    links: LinkGraph,
    selection: Selection,
    drawing: Drawing,
    measures: Measures,
) -> list[str]:
    """Sentences: what is shown, from which data, filtered how, reduced how, made when."""
    request = context.request
    data = f"the mvkg graph ({context.source})" if context.source else "the mvkg graph"
    sentences = [
        f"{KIND_NAMES[request.kind]} of {selection.subject}.",
        f"Filters: {describe_filter(request.link_filter, context.topic)}.",
        f"Data: {data}, "
        f"version {context.version}: {len(links.orgs):,} organisations and {len(links.links):,} links "
        f"pass the filters; this map selects {len(selection.orgs):,} organisations and "
        f"{len(selection.links):,} links.",
        *selection.notes,
    ]
    if drawing.aggregated:
        sentences.append("Reduced: " + "; ".join(drawing.aggregated) + ".")
    physics = style.physics(request.kind, len(drawing.nodes), _grouped(drawing))["enabled"]
    sentences.append(
        f"Shown: {len(drawing.nodes):,} nodes and {len(drawing.edges):,} links. "
        f"Layout: {LAYOUT_NAMES[request.kind]}; physics "
        f"{'on' if physics else 'off'}."
    )
    if not _grouped(drawing):
        shape, size = "organisation kind", measures.describe()
    elif request.aggregate == "kind":
        shape, size = "organisation kind (one node per country and kind)", "organisations in it"
    else:
        shape, size = f"one node per {request.aggregate}", "organisations in it"
    sentences.append(f"Colour: {request.grouping}; shape: {shape}; size: {size}.")
    sentences.append(f"Made {context.made_at:%Y-%m-%d %H:%M} UTC.")
    return sentences


def describe_filter(link_filter: LinkFilter, topic: str | None = None) -> str:
    """The filter in words: "none" or "layers news, ownership; since 2019; …"."""
    parts = []
    values = link_filter.describe()
    for name in ("layers", "types", "kinds", "countries"):
        if values[name]:
            parts.append(f"{name} {', '.join(v.replace('_', ' ') for v in values[name])}")
    if link_filter.since:
        parts.append(f"since {link_filter.since}")
    if link_filter.until:
        parts.append(f"until {link_filter.until}")
    if link_filter.min_confidence:
        parts.append(f"confidence at least {link_filter.min_confidence:g}")
    if topic:
        parts.append(f"topic {topic.replace('_', ' ')}")
    return "; ".join(parts) if parts else "none (every organisation and link)"


def _grouped(drawing: Drawing) -> bool:
    return any(n.what == GROUP for n in drawing.nodes)


# ---------------------------------------------------------------------------- helpers


def _one_of(value: object, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise MapRequestError(f"unknown {what} {value!r}; use one of {list(allowed)}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # a naive time is taken as UTC
    return moment.astimezone(UTC)
