"""Exports (RDF, GraphML, GEXF, CSV, JSON) and a read-only SPARQL endpoint."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.settings import Settings
from graph.errors import NotFoundError
from graph.interchange.errors import QueryRefused
from graph.interchange.formats import EXPORT_FORMATS, export_bytes
from graph.interchange.sparql import RdfView, run_sparql
from graph.store import GraphFilter, GraphStore

router = APIRouter(tags=["interchange"])

MAX_QUERY_CHARS = 20_000
_PROBLEMS = {
    404: {"description": "Unknown format", "content": {"application/problem+json": {}}},
    422: {"description": "Bad filter or query", "content": {"application/problem+json": {}}},
}
_SUFFIX = {
    "turtle": "ttl", "json-ld": "jsonld", "nt": "nt", "graphml": "graphml", "gexf": "gexf",
    "csv-nodes": "nodes.csv", "csv-edges": "edges.csv", "json": "json",
}  # fmt: skip


def get_rdf_view(request: Request) -> RdfView:
    view = getattr(request.app.state, "rdf_view", None)
    if view is None:
        view = request.app.state.rdf_view = RdfView()
    return view


def graph_filter(
    label: Annotated[list[str] | None, Query(description="Only these node labels")] = None,
    relation_type: Annotated[
        list[str] | None, Query(description="Only these relation types")
    ] = None,
    since: Annotated[str | None, Query(description="Relations seen from this date")] = None,
    until: Annotated[str | None, Query(description="Relations seen up to this date")] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    kind: Annotated[
        list[str] | None, Query(description="Only organisations of these kinds")
    ] = None,
    country: Annotated[
        list[str] | None, Query(description="Only organisations of these countries")
    ] = None,
) -> GraphFilter:
    return GraphFilter.of(
        labels=label, relation_types=relation_type, since=since, until=until,
        min_confidence=min_confidence, kinds=kind, countries=country,
    )  # fmt: skip


RdfViewDep = Annotated[RdfView, Depends(get_rdf_view)]
GraphFilterDep = Annotated[GraphFilter, Depends(graph_filter)]


@router.get(
    "/export/{fmt}",
    responses={
        **_PROBLEMS,
        200: {
            "description": "The export as a file",
            "content": {
                "text/turtle": {},
                "application/ld+json": {},
                "application/n-triples": {},
                "application/xml": {},
                "text/csv": {},
                "application/json": {},
            },
        },
    },
)
def export(store: StoreDep, settings: SettingsDep, flt: GraphFilterDep, fmt: str) -> Response:
    """The graph, or the part the filters keep, as `turtle`, `json-ld`, `nt`, `graphml`, `gexf`,
    `csv-nodes`, `csv-edges` or `json` (a subgraph: nodes and edges with attributes)."""
    name = {"jsonld": "json-ld", "ttl": "turtle"}.get(fmt.lower(), fmt.lower())
    if name not in EXPORT_FORMATS:
        raise NotFoundError(f"unknown export format {fmt!r}; use one of {list(EXPORT_FORMATS)}")
    data, media_type = export_bytes(store, name, flt, base=settings.rdf_base)
    filename = f"mvkg.{_SUFFIX[name]}"
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/sparql", responses=_PROBLEMS)
def sparql_get(
    store: StoreDep,
    settings: SettingsDep,
    view: RdfViewDep,
    query: Annotated[str, Query(max_length=MAX_QUERY_CHARS, examples=["ASK { ?s ?p ?o }"])],
) -> Any:
    """A read-only SPARQL 1.1 query (SELECT, ASK, CONSTRUCT) over the graph's RDF view.
    Updates are refused; time and rows are bounded (MVKG_SPARQL_TIMEOUT_SECONDS,
    MVKG_SPARQL_MAX_ROWS). SELECT and ASK answer SPARQL JSON results."""
    return _answer(store, settings, view, query)


@router.post("/sparql", responses=_PROBLEMS)
async def sparql_post(
    request: Request, store: StoreDep, settings: SettingsDep, view: RdfViewDep
) -> Any:
    """The same as GET, with the query as `application/sparql-query` body or a `query` form
    field (SPARQL 1.1 protocol). Updates (`update=`) are refused."""
    query = await _posted_query(request)
    return await run_in_threadpool(_answer, store, settings, view, query)


async def _posted_query(request: Request) -> str:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type == "application/sparql-query":
        body = await request.body()
        if len(body) > MAX_QUERY_CHARS * 4:
            raise QueryRefused(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
        return body.decode("utf-8", errors="replace")
    form = await request.form()
    if "update" in form:
        raise QueryRefused("this endpoint is read-only: SPARQL updates are refused")
    query = form.get("query")
    if not isinstance(query, str) or not query.strip():
        raise QueryRefused(
            "send the query as an application/sparql-query body or a 'query' form field"
        )
    return query


def _answer(store: GraphStore, settings: Settings, view: RdfView, query: str) -> Any:
    graph = view.graph(store, base=settings.rdf_base)
    result = run_sparql(
        graph, query, timeout_s=settings.sparql_timeout_seconds, max_rows=settings.sparql_max_rows
    )
    if "turtle" in result:
        return Response(result["turtle"], media_type="text/turtle")
    return Response(
        json.dumps(result, ensure_ascii=False),
        media_type="application/sparql-results+json",
    )
