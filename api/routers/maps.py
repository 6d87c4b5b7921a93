"""Maps as HTML pages: one self-contained page per request, drawn by `viz.maps.render_map`.

The same link filters as /analysis apply. The page carries its own Content-Security-Policy
(only its two inlined scripts run, nothing is loaded); the response repeats it as a header and
adds `frame-ancestors 'self'`, so the front page may show a map in a frame and no other site can.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from api.routers.analysis import AnalyticsDep, FilterDep
from graph.analytics.links import GROUPINGS
from graph.errors import NotFoundError
from viz.maps import (
    AGGREGATIONS,
    DEFAULT_MAX_NODES,
    MAP_KINDS,
    MAX_HOPS,
    MAX_NODES_LIMIT,
    MIN_NODES,
    SIZE_MEASURES,
    MapRequest,
    RenderedMap,
    render_map,
)

router = APIRouter(prefix="/maps", tags=["maps"])

# The page's own policy sits in its <head>; found with this, then unescaped.
_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
_FILENAME_PART = re.compile(r"[^A-Za-z0-9]+")
MAX_FILENAME_PART = 40

_PROBLEM = {"application/problem+json": {}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The map: one self-contained HTML page (vis-network inlined, no "
        "network access), its caption saying what is shown, filtered and left out",
        "content": {"text/html": {"schema": {"type": "string"}}},
        "headers": {
            "X-Map-Nodes": {"description": "Nodes drawn", "schema": {"type": "integer"}},
            "X-Map-Edges": {"description": "Links drawn", "schema": {"type": "integer"}},
            "Content-Security-Policy": {
                "description": "The page's own policy, plus frame-ancestors 'self'",
                "schema": {"type": "string"},
            },
        },
    },
    404: {
        "description": "Unknown map kind, or an org/target id that is not in the graph",
        "content": _PROBLEM,
    },
    422: {
        "description": "A filter or parameter is invalid or missing (an ego map needs org, a "
        "path map org and target, a stronghold map a known topic)",
        "content": _PROBLEM,
    },
}


def _choices(values: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {"enum": list(values)}


Kind = Annotated[
    str,
    Path(
        description=f"The kind of map: {', '.join(MAP_KINDS)}",
        json_schema_extra=_choices(MAP_KINDS),
    ),
]
OrgParam = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Ego map: the organisation at the centre; path map: where the path starts",
        examples=["org:ror:035b05819"],
    ),
]
TargetParam = Annotated[
    str | None,
    Query(max_length=500, description="Path map: where the path ends", examples=["org:dk:genmab"]),
]
Grouping = Annotated[
    str,
    Query(
        description="What colours the organisations: " + ", ".join(GROUPINGS),
        json_schema_extra=_choices(GROUPINGS),
    ),
]
SizeBy = Annotated[
    str,
    Query(
        description="What sizes the organisations: " + ", ".join(SIZE_MEASURES),
        json_schema_extra=_choices(SIZE_MEASURES),
    ),
]
Hops = Annotated[int, Query(ge=1, le=MAX_HOPS, description="Ego map: how far from the centre")]
Topic = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Stronghold map (required): the topic; ecosystem and cross-border maps: "
        "keep only organisations active in it. Topics are listed by GET /analysis/strongholds",
        examples=["oncology"],
    ),
]
MaxNodes = Annotated[
    int,
    Query(
        ge=MIN_NODES,
        le=MAX_NODES_LIMIT,
        description="Most nodes drawn; larger selections are reduced as `aggregate` says",
    ),
]
Aggregate = Annotated[
    str,
    Query(
        description="How a selection above max_nodes is reduced: 'top' keeps the organisations "
        "with the highest size_by; 'community', 'city' or 'kind' draw one node per group",
        json_schema_extra=_choices(AGGREGATIONS),
    ),
]
Download = Annotated[
    bool, Query(description="Send the page as a file to save (Content-Disposition: attachment)")
]


@router.get(
    "/{map_kind}.html",
    response_class=HTMLResponse,
    responses=_RESPONSES,
    summary="A map of the graph as one HTML page",
)
def get_map(
    map_kind: Kind,
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    size_by: SizeBy = "degree",
    org: OrgParam = None,
    target: TargetParam = None,
    hops: Hops = 1,
    topic: Topic = None,
    max_nodes: MaxNodes = DEFAULT_MAX_NODES,
    aggregate: Aggregate = "top",
    download: Download = False,
) -> HTMLResponse:
    """Ecosystem, cross-border (Denmark west, Sweden east of the Øresund), ego (`org` and its
    neighbours within `hops`), stronghold (one `topic` on both sides) or path (`org` to
    `target`). Click a link on the map for the evidence behind it; the caption states the
    filters, the counts, what was left out and when the map was made."""
    # The path parameter is not named `kind`: the link filters' `kind` (organisation kinds) is.
    kind = map_kind
    if kind not in MAP_KINDS:
        raise NotFoundError(
            f"no map kind {kind!r}; the maps are /maps/{{kind}}.html for kind in "
            f"{', '.join(MAP_KINDS)}"
        )
    made_at = datetime.now(UTC)
    request = MapRequest(
        kind=kind, link_filter=flt, grouping=grouping, size_by=size_by, org=org, target=target,
        hops=hops, topic=topic, max_nodes=max_nodes, aggregate=aggregate,
    )  # fmt: skip
    rendered = render_map(
        analytics, request, made_at=made_at, source=f"{analytics.store.kind} store"
    )
    headers = map_headers(rendered)
    if download:
        name = download_name(request, made_at)
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return HTMLResponse(rendered.html, headers=headers)


def map_headers(rendered: RenderedMap) -> dict[str, str]:
    headers = {
        "X-Map-Nodes": str(rendered.nodes),
        "X-Map-Edges": str(rendered.edges),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    policy = page_policy(rendered.html)
    if policy:
        headers["Content-Security-Policy"] = f"{policy}; frame-ancestors 'self'"
    return headers


def page_policy(page: str) -> str | None:
    """The Content-Security-Policy the page's <meta> states (None if it states none)."""
    head = page[: page.find("</head>")]
    match = _META_CSP.search(head)
    return html.unescape(match.group(1)).strip().rstrip(";") if match else None


def download_name(request: MapRequest, made_at: datetime) -> str:
    """A file name of ASCII letters, digits and dashes: mvkg-ego-org-t-d1-2024-05-01.html."""
    parts = [request.kind, request.org, request.target, request.topic]
    slugs = [_slug(p) for p in parts if p]
    return "-".join(["mvkg", *(s for s in slugs if s), f"{made_at:%Y-%m-%d}"]) + ".html"


def _slug(text: str) -> str:
    return _FILENAME_PART.sub("-", text).strip("-")[:MAX_FILENAME_PART].strip("-").lower()
