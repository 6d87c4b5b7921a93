"""Maps the packages' exceptions to HTTP problems (RFC 9457, application/problem+json)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    DanglingRelationError,
    GraphError,
    NotFoundError,
    StoreUnavailableError,
    ValidationError,
)
from ingest.errors import IngestError, RecordError, SourceNotFoundError

PROBLEM_JSON = "application/problem+json"

_STATUS: list[tuple[type[Exception], int, str]] = [
    (NotFoundError, 404, "Not found"),
    (SourceNotFoundError, 404, "Source not found"),
    (ValidationError, 422, "Invalid data"),
    (DanglingRelationError, 422, "Relation refers to unknown nodes"),
    (RecordError, 422, "Invalid record"),
    (StoreUnavailableError, 503, "Store unavailable"),
    (IngestError, 400, "Ingest failed"),
    (GraphError, 500, "Graph error"),
]


def problem(status: int, title: str, detail: str, instance: str | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install_error_handlers(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        for cls, status, title in _STATUS:
            if isinstance(exc, cls):
                return problem(status, title, str(exc), request.url.path)
        return problem(500, "Internal error", "unexpected error", request.url.path)

    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = problem(
            exc.status_code, _reason(exc.status_code), str(exc.detail), request.url.path
        )
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return problem(422, "Invalid request", details, request.url.path)

    app.add_exception_handler(GraphError, domain_error)
    app.add_exception_handler(IngestError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
