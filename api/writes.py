"""Plain functions behind the write endpoints: take an input (an upload or a URL) into a
temporary file within a size cap, ingest it into the app's store as `mvkg ingest SOURCE` does,
and extract from a text with one extractor per app.

Nothing here knows HTTP status codes: problems are the exceptions below, which the router maps.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import unquote, urljoin, urlsplit

from api.services import build_extractor, news_transform, registry_topics
from graph.store import GraphStore
from ingest.pipeline import ingest_paths
from ingest.report import IngestReport

CHUNK_BYTES = 64 * 1024
MAX_REDIRECTS = 5
ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "mvkg-ingest/0.1"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


class InputError(Exception):
    """An input to ingest cannot be taken; the message says why."""


class InputTooLargeError(InputError):
    def __init__(self, what: str, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"{what} is over the limit of {limit:,} bytes (MVKG_MAX_UPLOAD_BYTES); split it, or "
            "ingest it with `mvkg ingest` on the server"
        )


class UrlRefusedError(InputError):
    """The URL is not one the server fetches (scheme, or an address inside the network)."""


class DownloadError(InputError):
    """The URL could not be fetched."""


class DownloadTimeoutError(DownloadError):
    """Fetching the URL took longer than MVKG_REQUEST_TIMEOUT_SECONDS."""


# ---------------------------------------------------------------------------- inputs


def safe_filename(name: str | None, default: str) -> str:
    """A file name that is safe in a temporary folder, keeping the extension (a format hint
    for the loaders): "../../etc/pass wd.json" -> "pass_wd.json"."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    cleaned = _UNSAFE_FILENAME.sub("_", base).strip("._")[-100:]
    return cleaned or default


def copy_upload(source: IO[bytes], dest: Path, *, max_bytes: int) -> int:
    """Copy an uploaded file to `dest`; InputTooLargeError past `max_bytes`."""
    size = 0
    with dest.open("wb") as out:
        while chunk := source.read(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise InputTooLargeError("the uploaded file", max_bytes)
            out.write(chunk)
    return size


def is_public_address(host: str, port: int) -> bool:
    """True when every address `host` resolves to is a public (global) one: no loopback,
    private, link-local, shared or reserved address, so that a URL cannot reach inside the
    server's network."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise DownloadError(f"cannot resolve the host {host!r}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return False
    return bool(infos)


def check_url(url: str) -> None:
    """UrlRefusedError unless `url` is an http(s) URL of a public host."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UrlRefusedError(f"not a usable URL: {exc}") from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UrlRefusedError(
            f"only http and https URLs are fetched, not {parts.scheme or 'a URL without scheme'}"
            "; upload a local file as `file` instead"
        )
    if not parts.hostname:
        raise UrlRefusedError(f"{url!r} names no host")
    if not is_public_address(parts.hostname, port):
        raise UrlRefusedError(
            f"{parts.hostname} is a loopback, private or reserved address; the server only "
            "fetches from public hosts"
        )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to a URL that `check_url` accepts, at most MAX_REDIRECTS."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            check_url(urljoin(req.full_url, location))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def url_filename(url: str) -> str:
    return safe_filename(unquote(urlsplit(url).path), "download")


def download(url: str, dest: Path, *, timeout: float, max_bytes: int) -> int:
    """Stream `url` into `dest`: http(s) and public hosts only (redirects checked too), at most
    `max_bytes`, within `timeout` seconds in all. Returns the size."""
    check_url(url)
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _CheckedRedirects(),
    ):
        opener.add_handler(handler)
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputTooLargeError(f"{url} ({int(declared):,} bytes)", max_bytes)
            return _save(response, dest, url, deadline=deadline, max_bytes=max_bytes)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url} answered HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise DownloadTimeoutError(f"{url} did not answer within {timeout:g} s") from exc
        raise DownloadError(f"cannot fetch {url}: {exc.reason}") from exc
    except TimeoutError as exc:
        raise DownloadTimeoutError(f"{url} did not answer within {timeout:g} s") from exc
    except OSError as exc:
        raise DownloadError(f"cannot fetch {url}: {exc}") from exc


def _save(response: IO[bytes], dest: Path, url: str, *, deadline: float, max_bytes: int) -> int:
    size = 0
    with dest.open("wb") as out:
        while chunk := response.read(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise InputTooLargeError(url, max_bytes)
            if time.monotonic() > deadline:
                raise DownloadTimeoutError(f"{url} took longer than the time allowed to fetch")
            out.write(chunk)
    return size


# ---------------------------------------------------------------------------- the app's writer


class GraphWriter:
    """One per app: ingests one input at a time (entity resolution reads the graph first, so
    two ingests at once could each create the same organisation), and keeps the extractor.

    The extractor's gazetteer is built from the store's organisations on first use; an ingest
    through the API drops it so that the next extraction knows what was ingested.
    """

    def __init__(self) -> None:
        self._ingest_lock = threading.Lock()
        self._extract_lock = threading.Lock()
        self._extractor: Any = None

    def ingest(self, store: GraphStore, source: str, path: Path) -> IngestReport:
        """`mvkg ingest SOURCE path`: news through the NLP transform, registries through the
        topic tagger, then entity resolution and the batched writes."""
        with self._ingest_lock:
            transform = news_transform(store) if source == "news" else registry_topics()
            report = ingest_paths(source=source, paths=[path], store=store, transform=transform)
        with self._extract_lock:
            self._extractor = None
        return report

    def extract(self, store: GraphStore, text: str, language: str | None) -> Any:
        """The Extraction of one text (nlp.pipeline); one extraction at a time."""
        with self._extract_lock:
            if self._extractor is None:
                self._extractor = build_extractor(store)
            return self._extractor.extract(text, language=language)
