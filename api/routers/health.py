"""Liveness and store checks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import SettingsDep, StoreDep
from api.errors import problem
from graph.errors import GraphError

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    store: str = Field(description="Which store serves the graph", examples=["sqlite"])
    url: str = Field(
        description="The store URL, password redacted", examples=["sqlite:///mvkg-data/graph.db"]
    )
    details: dict[str, Any] = Field(description="What the store reported when queried just now")
    graph_version: int = Field(description="Grows with every write to the graph")


class Stats(BaseModel):
    nodes: dict[str, int] = Field(examples=[{"Organisation": 110, "Project": 18}])
    relations: dict[str, int] = Field(examples=[{"COLLABORATES_WITH": 80}])
    organisations_by_country: dict[str, int] = Field(examples=[{"DK": 52, "SE": 50}])


@router.get(
    "/health",
    response_model=Health,
    responses={
        503: {
            "description": "The store did not answer",
            "content": {"application/problem+json": {}},
        }
    },
)
def health(store: StoreDep, settings: SettingsDep) -> Health | JSONResponse:
    """Queries the store now (not a cached flag) and says which store it is."""
    try:
        details = store.health()
        version = store.version()
    except (GraphError, OSError) as exc:
        return problem(503, "Store unavailable", f"{settings.redacted_store}: {exc}", "/health")
    return Health(
        status="ok",
        store=store.kind,
        url=settings.redacted_store,
        details=details,
        graph_version=version,
    )


@router.get("/stats", response_model=Stats, tags=["stats"])
def stats(store: StoreDep) -> Stats:
    """Nodes per label, relations per type and organisations per country."""
    return Stats(**store.counts().to_dict())
