"""Typed dependencies of the API's routes."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from api.settings import Settings
from graph.store import GraphStore

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def require_api_key(
    settings: Annotated[Settings, Depends(get_settings)],
    key: Annotated[str | None, Security(_api_key_header)],
) -> str:
    """Write endpoints: the X-API-Key header must hold one of MVKG_API_KEYS."""
    if not key or not any(secrets.compare_digest(key, known) for known in settings.api_keys):
        raise HTTPException(
            status_code=401,
            detail="this endpoint writes to the graph: send one of MVKG_API_KEYS in X-API-Key",
            headers={"WWW-Authenticate": "APIKey"},
        )
    return key


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
ApiKeyDep = Annotated[str, Depends(require_api_key)]
