"""The FastAPI application factory: the composition root of the HTTP service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routers import (
    analysis,
    documents,
    front,
    health,
    interchange,
    maps,
    organisations,
    people,
    writes,
)
from api.settings import Settings
from graph.analytics.service import Analytics
from graph.store import GraphStore, open_store


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> FastAPI:
    """Build the app. The store is opened at start-up (lifespan) unless one is handed in."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else open_store(settings.store)
        # Results of heavy measures, cached per graph version for every request to share.
        app.state.analytics = Analytics(app.state.store)
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="mvkg",
        summary="Knowledge graph of the Medicon Valley life-science cluster",
        description="Organisations of Skåne and Greater Copenhagen/Zealand, who works with whom "
        "across the Øresund border, and the evidence for every link.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    routers = (health, organisations, people, documents, analysis, maps, interchange, writes, front)
    for router in routers:
        app.include_router(router.router)
    return app
