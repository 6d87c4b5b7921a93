"""Write endpoints: ingest a file or a URL into the graph, and extract from a text.

Both need one of MVKG_API_KEYS in the X-API-Key header. Request bodies are capped before they
are read: a declared Content-Length over the cap, or a streamed body that grows past it, is 413.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as ModelValidationError
from starlette.datastructures import UploadFile
from starlette.types import Message

from api.deps import ApiKeyDep, SettingsDep, StoreDep
from api.state import app_singleton
from api.writes import (
    DownloadError,
    DownloadTimeoutError,
    GraphWriter,
    InputError,
    InputTooLargeError,
    UrlRefusedError,
    copy_upload,
    download,
    safe_filename,
    url_filename,
)
from ingest.pipeline import LOADERS
from ingest.report import IngestReport
from nlp.errors import ModelNotAvailableError

MAX_EXTRACT_CHARS = 100_000
# JSON may escape every character as \uXXXX: six bytes for one character, plus the envelope.
EXTRACT_BODY_BYTES = 6 * MAX_EXTRACT_CHARS + 4_096
# Multipart boundaries, part headers and the url field, on top of the file itself.
FORM_OVERHEAD_BYTES = 16 * 1024
MAX_REJECTS_SHOWN = 50
SOURCES = sorted(LOADERS)

_PROBLEM = {"application/problem+json": {}}
_UNAUTHORISED = {
    401: {"description": "No X-API-Key, or not one of MVKG_API_KEYS", "content": _PROBLEM}
}
_TOO_LARGE = {413: {"description": "The body or the input is over the cap", "content": _PROBLEM}}


# ---------------------------------------------------------------------------- capped bodies


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        status_code=413,
        detail=f"the request body is over the limit of {limit:,} bytes; for larger inputs use "
        "`mvkg ingest` on the server",
    )


def capped_route(limit_of: Callable[[Request], int]) -> type[APIRoute]:
    """A route class that refuses bodies over `limit_of(request)` bytes before reading them."""

    class CappedRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def capped(request: Request) -> Response:
                limit = limit_of(request)
                declared = request.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise _too_large(limit)
                receive, received = request.receive, 0

                async def capped_receive() -> Message:
                    nonlocal received
                    message = await receive()
                    if message["type"] == "http.request":
                        received += len(message.get("body", b""))
                        if received > limit:
                            raise _too_large(limit)
                    return message

                return await handler(Request(request.scope, capped_receive))

            return capped

    return CappedRoute


def _upload_limit(request: Request) -> int:
    return int(request.app.state.settings.max_upload_bytes) + FORM_OVERHEAD_BYTES


def _extract_limit(_: Request) -> int:
    return EXTRACT_BODY_BYTES


def get_writer(request: Request) -> GraphWriter:
    return app_singleton(request.app, "mvkg_writer", GraphWriter)


WriterDep = Annotated[GraphWriter, Depends(get_writer)]

ingest_router = APIRouter(tags=["writes"], route_class=capped_route(_upload_limit))
extract_router = APIRouter(tags=["writes"], route_class=capped_route(_extract_limit))


# ---------------------------------------------------------------------------- ingest


class IngestUrl(BaseModel):
    url: str = Field(
        max_length=2_000,
        description="An http(s) URL of a public host to fetch the input from",
        examples=["https://example.org/news/feed.xml"],
    )


class RejectOut(BaseModel):
    where: str = Field(description="File and line or record", examples=["feed.jsonl line 2"])
    reason: str = Field(examples=["not JSON: Expecting ',' delimiter"])


class IngestSummary(BaseModel):
    source: str = Field(examples=["news"])
    input: str = Field(description="The uploaded file's name, or the URL", examples=["feed.jsonl"])
    bytes: int = Field(description="Size of the input", examples=[48_213])
    read: int = Field(description="Records read", examples=[15])
    accepted: int = Field(examples=[14])
    merged: int = Field(
        description="Organisations merged into existing ones (entity resolution)", examples=[3]
    )
    rejected: int = Field(examples=[1])
    nodes_written: int = Field(examples=[50])
    relations_written: int = Field(examples=[104])
    rejects: list[RejectOut] = Field(
        description=f"The first {MAX_REJECTS_SHOWN} rejected records, with the reason"
    )
    graph_version: int = Field(description="The graph's version after the ingest")


_INGEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "The input"},
                    "url": {"type": "string", "description": "Or an http(s) URL to fetch"},
                },
            }
        },
        "application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": {"url": {"type": "string"}}}
        },
        "application/json": {
            "schema": IngestUrl.model_json_schema(),
            "example": {"url": "https://example.org/news/feed.xml"},
        },
    },
}


@ingest_router.post(
    "/ingest/{source}",
    response_model=IngestSummary,
    openapi_extra={"requestBody": _INGEST_BODY},
    responses={
        **_UNAUTHORISED,
        404: {"description": "Unknown source (the message lists them)", "content": _PROBLEM},
        **_TOO_LARGE,
        415: {"description": "Neither a form nor JSON", "content": _PROBLEM},
        422: {"description": "No file or url, both, or a refused URL", "content": _PROBLEM},
        502: {"description": "The URL could not be fetched", "content": _PROBLEM},
        504: {"description": "Fetching the URL timed out", "content": _PROBLEM},
    },
)
async def ingest(
    source: Annotated[
        str, PathParam(description=f"One of: {', '.join(SOURCES)}", examples=["news"])
    ],
    _key: ApiKeyDep,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    writer: WriterDep,
) -> IngestSummary:
    """Ingest one input as `mvkg ingest SOURCE` does: news through the NLP pipeline, registry
    records through the topic tagger, then entity resolution; re-ingesting the same input
    changes nothing.

    Send the input as a multipart upload (field `file`), or a `url` to fetch (form field or
    JSON `{"url": ...}`; http(s) of a public host only, within MVKG_REQUEST_TIMEOUT_SECONDS).
    Inputs are capped at MVKG_MAX_UPLOAD_BYTES."""
    if source not in LOADERS:
        raise HTTPException(
            status_code=404,
            detail=f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}",
        )
    with tempfile.TemporaryDirectory(prefix="mvkg-ingest-") as folder:
        try:
            path, label, size = await _take_input(
                request, Path(folder), settings.max_upload_bytes, settings.request_timeout_seconds
            )
        except InputError as exc:
            raise _input_problem(exc) from exc
        report = await run_in_threadpool(writer.ingest, store, source, path)
    return _summary(report, label, size, store.version())


async def _take_input(
    request: Request, folder: Path, max_bytes: int, timeout: float
) -> tuple[Path, str, int]:
    """The input in a file of `folder`: (path, what it was, size)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == "application/json":
        url = await _json_url(request)
    elif media_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        async with request.form(max_files=1, max_fields=10) as form:
            upload, url = form.get("file"), form.get("url")
            if upload is not None and url is not None:
                raise HTTPException(422, detail="send either a `file` or a `url`, not both")
            if isinstance(upload, UploadFile):
                path = folder / safe_filename(upload.filename, "upload")
                size = await run_in_threadpool(copy_upload, upload.file, path, max_bytes=max_bytes)
                return path, upload.filename or path.name, size
            if upload is not None:
                raise HTTPException(422, detail="`file` must be an uploaded file, not a text field")
    else:
        raise HTTPException(
            415,
            detail="send the input as multipart/form-data (field `file`), or a `url` as a form "
            'field or as JSON {"url": ...}',
        )
    if not isinstance(url, str) or not url.strip():
        raise HTTPException(422, detail="send a `file` (multipart upload) or a `url` to fetch")
    url = _validated_url({"url": url.strip()})
    path = folder / url_filename(url)
    size = await run_in_threadpool(download, url, path, timeout=timeout, max_bytes=max_bytes)
    return path, url, size


async def _json_url(request: Request) -> str:
    try:
        data = await request.json()
    except ValueError as exc:
        raise HTTPException(422, detail=f"the body is not JSON: {exc}") from exc
    return _validated_url(data)


def _validated_url(data: object) -> str:
    try:
        return IngestUrl.model_validate(data).url
    except ModelValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc


def _input_problem(exc: InputError) -> HTTPException:
    if isinstance(exc, InputTooLargeError):
        status = 413
    elif isinstance(exc, UrlRefusedError):
        status = 422
    elif isinstance(exc, DownloadTimeoutError):
        status = 504
    elif isinstance(exc, DownloadError):
        status = 502
    else:
        status = 400
    return HTTPException(status_code=status, detail=str(exc))


def _summary(report: IngestReport, label: str, size: int, version: int) -> IngestSummary:
    return IngestSummary(
        source=report.source,
        input=label,
        bytes=size,
        read=report.read,
        accepted=report.accepted,
        merged=report.merged,
        rejected=report.rejected,
        nodes_written=report.nodes_written,
        relations_written=report.relations_written,
        rejects=[
            RejectOut(where=r.where, reason=r.reason) for r in report.rejects[:MAX_REJECTS_SHOWN]
        ],
        graph_version=version,
    )


# ---------------------------------------------------------------------------- extract


class ExtractRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "Novo Nordisk and Lund University signed a research collaboration "
                    "on diabetes.",
                    "language": "en",
                }
            ]
        }
    )

    text: str = Field(min_length=1, max_length=MAX_EXTRACT_CHARS)
    language: str | None = Field(
        None,
        pattern=r"^[A-Za-z]{2,3}$",
        description="en, da or sv (other languages get the rule-only pipeline); detected from "
        "the text when not given",
    )


class OrgMentionOut(BaseModel):
    text: str = Field(examples=["Novo Nordisk"])
    start: int = Field(description="Character offset in the text", examples=[0])
    end: int = Field(examples=[12])
    name: str = Field(description="The linked name, or the mention", examples=["Novo Nordisk"])
    entity_id: str | None = Field(
        description="The graph's organisation, when linked", examples=["org:dk:novo-nordisk"]
    )
    country: str | None = Field(examples=["DK"])


class PersonMentionOut(BaseModel):
    text: str = Field(examples=["Lars Fruergaard Jørgensen"])
    start: int
    end: int
    org: str | None = Field(description="The organisation mention it belongs to")
    role: str | None = Field(examples=["CEO"])


class PlaceMentionOut(BaseModel):
    text: str = Field(examples=["Lund"])
    country: str | None = Field(examples=["SE"])


class RelationMentionOut(BaseModel):
    a: str = Field(description="An organisation mention (the source when directed)")
    b: str
    type: str = Field(examples=["research_collaboration"])
    evidence: str = Field(description="The sentence that states it")
    confidence: float = Field(ge=0, le=1, examples=[0.85])


class ExtractResult(BaseModel):
    language: str = Field(examples=["en"])
    language_uncertain: bool = Field(
        description="True when the language is a guess (too little text to tell)"
    )
    orgs: list[OrgMentionOut]
    persons: list[PersonMentionOut]
    places: list[PlaceMentionOut]
    relations: list[RelationMentionOut]


@extract_router.post(
    "/extract",
    response_model=ExtractResult,
    responses={
        **_UNAUTHORISED,
        **_TOO_LARGE,
        422: {"description": "No text, or over 100,000 characters", "content": _PROBLEM},
        503: {"description": "The language model is not installed", "content": _PROBLEM},
    },
)
def extract(
    _key: ApiKeyDep, body: ExtractRequest, store: StoreDep, writer: WriterDep
) -> ExtractResult:
    """Organisations (linked to the graph when known), people with roles, places and typed
    relations with their sentence, as `mvkg extract` gives them. Nothing is written."""
    try:
        extraction = writer.extract(store, body.text, body.language)
    except ModelNotAvailableError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    contract = extraction.to_contract()
    return ExtractResult(
        language=contract["language"],
        language_uncertain=extraction.language_uncertain,
        orgs=contract["orgs"],
        persons=contract["persons"],
        places=contract["places"],
        relations=contract["relations"],
    )


router = APIRouter()
router.include_router(ingest_router)
router.include_router(extract_router)
