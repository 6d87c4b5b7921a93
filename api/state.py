"""Objects the app keeps between requests (caches, the extractor, the ingest lock), created on
first use and held on `app.state`, so that every app (and every test client) has its own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, FastAPI, Request

from api.reads import NodeLists

T = TypeVar("T")

_CREATE = threading.Lock()


def app_singleton(app: FastAPI, name: str, factory: Callable[[], T]) -> T:
    """`app.state.<name>`, made with `factory()` the first time (once, even under threads).

    `factory` must be cheap: objects that are slow to build build their contents lazily.
    """
    with _CREATE:
        value = getattr(app.state, name, None)
        if value is None:
            value = factory()
            setattr(app.state, name, value)
    return value  # type: ignore[no-any-return]


def get_node_lists(request: Request) -> NodeLists:
    return app_singleton(request.app, "mvkg_node_lists", NodeLists)


NodeListsDep = Annotated[NodeLists, Depends(get_node_lists)]
