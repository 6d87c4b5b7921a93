"""Cross-border analytics as JSON: one endpoint per measure, the same filters on all of them.

Results come from `graph.analytics.service.Analytics`, cached per graph version: a repeated
request is answered from memory until a write changes the graph.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from graph.analytics.border import BorderMatrix, CrossBorderLinks, EIIndex
from graph.analytics.brokerage import BrokersResult
from graph.analytics.communities import CommunitiesResult
from graph.analytics.links import LAYERS, LINK_TYPES, LinkFilter
from graph.analytics.opportunities import OpportunitiesResult, OpportunityEvaluation
from graph.analytics.paths import Paths
from graph.analytics.reach import ReachResult
from graph.analytics.service import MEASURES, Analytics
from graph.analytics.strongholds import StrongholdsResult
from graph.analytics.trends import Trends

router = APIRouter(prefix="/analysis", tags=["analysis"])

_PROBLEMS = {
    422: {
        "description": "A filter or parameter is invalid",
        "content": {"application/problem+json": {}},
    }
}


def get_analytics(request: Request) -> Analytics:
    return request.app.state.analytics


def link_filter(
    layer: Annotated[
        list[str] | None,
        Query(description=f"Only links from these layers: {', '.join(LAYERS)}", examples=["news"]),
    ] = None,
    type: Annotated[
        list[str] | None,
        Query(description=f"Only these link types: {', '.join(LINK_TYPES)}"),
    ] = None,
    since: Annotated[
        str | None,
        Query(description="Links active from this date (YYYY[-MM[-DD]])", examples=["2018"]),
    ] = None,
    until: Annotated[
        str | None, Query(description="Links active up to this date", examples=["2024-12-31"])
    ] = None,
    min_confidence: Annotated[
        float | None, Query(ge=0, le=1, description="Drop evidence less confident than this")
    ] = None,
    kind: Annotated[
        list[str] | None, Query(description="Only organisations of these kinds")
    ] = None,
    country: Annotated[
        list[str] | None, Query(description="Only organisations of these countries (ISO codes)")
    ] = None,
) -> LinkFilter:
    return LinkFilter.of(
        layers=layer,
        types=type,
        since=since,
        until=until,
        min_confidence=min_confidence,
        kinds=kind,
        countries=country,
    )


AnalyticsDep = Annotated[Analytics, Depends(get_analytics)]
FilterDep = Annotated[LinkFilter, Depends(link_filter)]
Grouping = Annotated[
    str,
    Query(
        description="Groups: country, region (Capital Region, Zealand, Skåne, elsewhere) or kind"
    ),
]
SideA = Annotated[str | None, Query(description="First group (default DK, or Capital Region)")]
SideB = Annotated[str | None, Query(description="Second group (default SE, or Skåne)")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Rows to return")]
Offset = Annotated[int, Query(ge=0, description="Rows to skip")]


class MeasureInfo(BaseModel):
    name: str = Field(examples=["border-matrix"])
    summary: str
    path: str = Field(examples=["/analysis/border-matrix"])
    parameters: list[str]


@router.get("", response_model=list[MeasureInfo])
def measures() -> list[MeasureInfo]:
    """Every measure, what it tells and which parameters it takes (besides the link filters)."""
    return [
        MeasureInfo(
            name=m.name, summary=m.summary, path=f"/analysis/{m.name}", parameters=list(m.params)
        )
        for m in MEASURES.values()
    ]


@router.get("/border-matrix", response_model=BorderMatrix, responses=_PROBLEMS)
def border_matrix(
    analytics: AnalyticsDep, flt: FilterDep, grouping: Grouping = "country", per_year: bool = False
) -> BorderMatrix:
    """Links, and organisations involved, for every pair of groups; per year with `per_year`."""
    return analytics.run("border-matrix", link_filter=flt, grouping=grouping, per_year=per_year)


@router.get("/cross-border", response_model=CrossBorderLinks, responses=_PROBLEMS)
def cross_border(
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    a: SideA = None,
    b: SideB = None,
    sort: Annotated[str, Query(description="weight, recent, confidence or name")] = "weight",
    limit: Limit = 100,
    offset: Offset = 0,
    max_evidence: Annotated[int, Query(ge=0, le=50)] = 5,
) -> CrossBorderLinks:
    """The links between group a and group b, each with its types, dates and evidence."""
    return analytics.run(
        "cross-border", link_filter=flt, grouping=grouping, a=a, b=b, sort=sort,
        limit=limit, offset=offset, max_evidence=max_evidence,
    )  # fmt: skip


@router.get("/ei-index", response_model=EIIndex, responses=_PROBLEMS)
def ei_index(
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    limit: Limit = 100,
    offset: Offset = 0,
) -> EIIndex:
    """Krackhardt's E-I index: whole network (with its random-mixing baseline), per group and
    per organisation."""
    return analytics.run("ei-index", link_filter=flt, grouping=grouping, limit=limit, offset=offset)


@router.get("/brokers", response_model=BrokersResult, responses=_PROBLEMS)
def brokers(
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    a: SideA = None,
    b: SideB = None,
    sort: Annotated[str | None, Query(description="Field to rank by")] = None,
    limit: Limit = 50,
) -> BrokersResult:
    """Betweenness, border betweenness (share of shortest a-b paths through an organisation) and
    Gould-Fernandez brokerage roles per organisation."""
    return analytics.run(
        "brokers", link_filter=flt, grouping=grouping, a=a, b=b, sort=sort, limit=limit
    )


@router.get("/communities", response_model=CommunitiesResult, responses=_PROBLEMS)
def communities(
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    a: SideA = None,
    b: SideB = None,
    resolution: Annotated[float, Query(gt=0, le=100)] = 1.0,
    seed: int = 0,
    limit: Limit = 50,
) -> CommunitiesResult:
    """Leiden communities with the group mix of each, and which span the border."""
    return analytics.run(
        "communities", link_filter=flt, grouping=grouping, a=a, b=b,
        resolution=resolution, seed=seed, limit=limit,
    )  # fmt: skip


@router.get("/strongholds", response_model=StrongholdsResult, responses=_PROBLEMS)
def strongholds(
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    a: SideA = None,
    b: SideB = None,
    min_organisations: Annotated[int, Query(ge=1)] = 2,
    limit: Limit = 50,
) -> StrongholdsResult:
    """Per topic: organisations on each side, links within and across, growth; the common
    strongholds (strong on both sides and tied across) first."""
    return analytics.run(
        "strongholds", link_filter=flt, grouping=grouping, a=a, b=b,
        min_organisations=min_organisations, limit=limit,
    )  # fmt: skip


@router.get("/opportunities", response_model=OpportunitiesResult, responses=_PROBLEMS)
def opportunities(
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    a: SideA = None,
    b: SideB = None,
    limit: Limit = 50,
    min_score: Annotated[float, Query(ge=0)] = 0.0,
) -> OpportunitiesResult:
    """Pairs across the border with no link yet, ranked by shared partners and topics, each
    with its explanation."""
    return analytics.run(
        "opportunities", link_filter=flt, grouping=grouping, a=a, b=b,
        limit=limit, min_score=min_score,
    )  # fmt: skip


@router.get("/opportunity-evaluation", response_model=OpportunityEvaluation, responses=_PROBLEMS)
def opportunity_evaluation(
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    a: SideA = None,
    b: SideB = None,
    split_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> OpportunityEvaluation:
    """Predict from the years before `split_year`, count how many predictions appeared after."""
    return analytics.run(
        "opportunity-evaluation", link_filter=flt, grouping=grouping, a=a, b=b,
        split_year=split_year,
    )  # fmt: skip


@router.get(
    "/paths",
    response_model=Paths,
    responses={
        **_PROBLEMS,
        404: {"description": "Unknown organisation", "content": {"application/problem+json": {}}},
    },
)
def paths(
    analytics: AnalyticsDep,
    flt: FilterDep,
    source: Annotated[str, Query(examples=["org:ror:035b05819"])],
    target: Annotated[str, Query(examples=["org:ror:012a77v79"])],
    max_paths: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Paths:
    """The shortest chains of links between two organisations, with evidence for every hop."""
    return analytics.run(
        "paths", link_filter=flt, source=source, target=target, max_paths=max_paths
    )


@router.get("/reach", response_model=ReachResult, responses=_PROBLEMS)
def reach(
    analytics: AnalyticsDep,
    flt: FilterDep,
    home: Annotated[
        list[str] | None, Query(description="Home countries (default DK and SE)")
    ] = None,
    limit: Limit = 50,
) -> ReachResult:
    """Links from the region to each other country, and who from abroad invests in, acquires or
    owns organisations of the region."""
    return analytics.run("reach", link_filter=flt, home=home, limit=limit)


@router.get("/trends", response_model=Trends, responses=_PROBLEMS)
def trends(
    analytics: AnalyticsDep,
    flt: FilterDep,
    grouping: Grouping = "country",
    a: SideA = None,
    b: SideB = None,
    first_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    last_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> Trends:
    """Year by year: links, cross-border links (active and new), who bridges, E-I index."""
    return analytics.run(
        "trends", link_filter=flt, grouping=grouping, a=a, b=b,
        first_year=first_year, last_year=last_year,
    )  # fmt: skip
