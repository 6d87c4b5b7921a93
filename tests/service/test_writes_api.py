"""POST /ingest/{source} and POST /extract: the API key, uploads and URLs within the caps,
refused schemes and addresses, the ingest report, idempotent re-ingest, and the extraction
contract. No test reaches the internet: URLs point at a server on 127.0.0.1, which the tests
allow explicitly."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_graphs import API_KEY, Clients, assert_problem
from fastapi.testclient import TestClient

from api import writes as write_services
from graph.model import Organisation
from graph.store import GraphStore
from graph.store.sqlite import SqliteStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROR_DUMP = FIXTURES / "ror" / "mixed_dump.json"
NEWS = FIXTURES / "api" / "news.jsonl"
KEY = {"X-API-Key": API_KEY}
SENTENCE = "Novo Nordisk and Lund University signed a research collaboration on diabetes."


def regional_organisations(store: GraphStore) -> tuple[Organisation, Organisation]:
    """The two organisations the news fixture names, as the registries would have them."""
    novo = Organisation(name="Novo Nordisk", kind="company", country="DK", sources=("ror",))
    lund = Organisation(name="Lund University", kind="university", country="SE", sources=("ror",))
    store.upsert_nodes([novo, lund])
    return novo, lund


def upload(client: TestClient, source: str, path: Path, **kwargs: Any) -> httpx.Response:
    with path.open("rb") as handle:
        return client.post(  # type: ignore[no-any-return]
            f"/ingest/{source}", files={"file": (path.name, handle)}, **kwargs
        )


@pytest.fixture
def api_client_for() -> Iterator[Clients]:
    """`api_client_for(store, **settings)`: a started client, stopped after the test."""
    clients = Clients()
    yield clients
    clients.close()


@pytest.fixture
def api(sqlite_store: SqliteStore, api_client_for: Clients) -> TestClient:
    return api_client_for(sqlite_store)


# ---------------------------------------------------------------------------- the key


@pytest.mark.parametrize(
    ("path", "request_kwargs"),
    [
        ("/ingest/ror", {"files": {"file": ("r.json", b"[]")}}),
        ("/extract", {"json": {"text": SENTENCE}}),
    ],
)
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-the-key-" + "y" * 20}])
def test_writes_need_the_key(
    api: TestClient, path: str, request_kwargs: dict[str, Any], headers: dict[str, str]
) -> None:
    response = api.post(path, headers=headers, **request_kwargs)
    assert_problem(response, 401, "X-API-Key")
    assert response.headers["www-authenticate"] == "APIKey"


def test_openapi_documents_the_key_and_the_bodies(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    for path in ("/ingest/{source}", "/extract"):
        operation = spec["paths"][path]["post"]
        assert "401" in operation["responses"]
        assert "413" in operation["responses"]
        assert operation["security"], path
    ingest = spec["paths"]["/ingest/{source}"]["post"]
    assert {"multipart/form-data", "application/json"} <= set(ingest["requestBody"]["content"])
    assert "404" in ingest["responses"]
    assert any(
        scheme.get("name") == "X-API-Key"
        for scheme in spec["components"]["securitySchemes"].values()
    )


# ---------------------------------------------------------------------------- ingest


@pytest.fixture
def any_store_api(store: GraphStore, api_client_for: Clients) -> TestClient:
    return api_client_for(store)


def test_ingest_an_upload_and_again_changes_nothing(any_store_api: TestClient) -> None:
    response = upload(any_store_api, "ror", ROR_DUMP, headers=KEY)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["source"], report["input"]) == ("ror", "mixed_dump.json")
    assert report["bytes"] == ROR_DUMP.stat().st_size
    assert (report["read"], report["accepted"], report["rejected"]) == (7, 2, 4)
    assert report["nodes_written"] > 0 and report["relations_written"] > 0
    assert report["rejects"][0] == {
        "where": "mixed_dump.json#1 (line 96)",
        "reason": "unknown country 'AQX': give an ISO 3166 code or a country name",
    }
    counts = any_store_api.get("/stats").json()
    assert counts["nodes"]["Organisation"] == 3

    again = upload(any_store_api, "ror", ROR_DUMP, headers=KEY)
    assert again.status_code == 200
    assert any_store_api.get("/stats").json() == counts
    assert any_store_api.get("/organisations").json()["total"] == 3


def test_ingest_news_runs_the_nlp(api: TestClient, sqlite_store: SqliteStore) -> None:
    novo, lund = regional_organisations(sqlite_store)
    report = upload(api, "news", NEWS, headers=KEY).json()
    assert (report["read"], report["accepted"], report["rejected"]) == (2, 1, 1)
    assert "line 2" in report["rejects"][0]["where"]
    links = api.get(f"/organisations/{novo.id}/links").json()
    [link] = links["items"]
    assert link["other"]["id"] == lund.id
    assert link["subtype"] == "research_collaboration"
    assert link["evidence"][0]["sentence"] == SENTENCE
    assert link["evidence"][0]["url"] == "https://news.example/novo-lund"
    [doc] = api.get("/documents", params={"kind": "news"}).json()["items"]
    assert doc["url"] == "https://news.example/novo-lund"
    counts = api.get("/stats").json()
    assert upload(api, "news", NEWS, headers=KEY).status_code == 200
    assert api.get("/stats").json() == counts


def test_unknown_source_is_a_404_naming_the_sources(api: TestClient) -> None:
    body = assert_problem(upload(api, "myspace", ROR_DUMP, headers=KEY), 404, "myspace")
    for source in ("cordis", "news", "ror"):
        assert source in body["detail"]


def test_an_upload_over_the_cap_is_413(api_client_for: Clients, sqlite_store: SqliteStore) -> None:
    client = api_client_for(sqlite_store, max_upload_bytes=1024)
    # Over the cap but within the form's allowance: counted while it is copied.
    response = client.post("/ingest/ror", files={"file": ("r.json", b" " * 2_000)}, headers=KEY)
    assert_problem(response, 413, "1,024 bytes")
    # Far over it: refused from its Content-Length before it is read.
    response = client.post("/ingest/ror", files={"file": ("r.json", b" " * 100_000)}, headers=KEY)
    assert_problem(response, 413)
    # Without a Content-Length (chunked): counted as it streams in.
    chunks = iter([b"-" * 10_000] * 3)
    response = client.post(
        "/ingest/ror",
        content=chunks,
        headers={**KEY, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert_problem(response, 413)
    assert client.get("/stats").json()["nodes"] == {}


def test_bad_ingest_requests_are_problems(api: TestClient) -> None:
    assert_problem(api.post("/ingest/ror", data={"other": "x"}, headers=KEY), 422, "`file`")
    assert_problem(api.post("/ingest/ror", headers=KEY), 415, "multipart")
    both = api.post(
        "/ingest/ror",
        data={"url": "https://example.org/r.json"},
        files={"file": ("r.json", b"[]")},
        headers=KEY,
    )
    assert_problem(both, 422, "not both")
    text = api.post("/ingest/ror", content=b"[]", headers={**KEY, "Content-Type": "text/plain"})
    assert_problem(text, 415, "multipart")
    assert_problem(
        api.post(
            "/ingest/ror",
            content=b"{not json",
            headers={**KEY, "Content-Type": "application/json"},
        ),
        422,
        "not JSON",
    )
    assert_problem(api.post("/ingest/ror", json={"link": "x"}, headers=KEY), 422, "url")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", ("http and https", "file")),
        ("ftp://example.org/r.json", ("http and https", "ftp")),
        ("http://127.0.0.1:9/r.json", ("loopback",)),
        ("http://[::1]:9/r.json", ("loopback",)),
        ("http://10.1.2.3/r.json", ("private",)),
        ("http://169.254.169.254/latest/meta-data", ("reserved",)),
        ("https:///r.json", ("no host",)),
    ],
)
def test_urls_that_are_not_fetched(api: TestClient, url: str, words: tuple[str, ...]) -> None:
    assert_problem(api.post("/ingest/ror", json={"url": url}, headers=KEY), 422, *words)
    assert_problem(api.post("/ingest/ror", data={"url": url}, headers=KEY), 422, *words)


# ---------------------------------------------------------------------------- URLs (local)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/redirect-to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(1.5)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # the test output stays quiet
        return


@pytest.fixture
def local_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving tmp_path/site, which the API may fetch from."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "dump.json").write_bytes(ROR_DUMP.read_bytes())
    (site / "big.json").write_bytes(b" " * 5_000)
    (site / "slow").write_bytes(b"[]")

    def handler(*args: Any) -> _Handler:
        return _Handler(*args, directory=str(site))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(write_services, "is_public_address", lambda host, port: True)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_ingest_from_a_url(api: TestClient, local_site: str) -> None:
    url = f"{local_site}/dump.json"
    report = api.post("/ingest/ror", json={"url": url}, headers=KEY).json()
    assert (report["input"], report["read"], report["accepted"]) == (url, 7, 2)
    assert report["rejects"][0]["where"].startswith("dump.json#1")
    counts = api.get("/stats").json()
    form = api.post("/ingest/ror", data={"url": url}, headers=KEY)
    assert form.status_code == 200
    assert api.get("/stats").json() == counts


def test_url_downloads_are_capped(
    api_client_for: Clients, sqlite_store: SqliteStore, local_site: str
) -> None:
    client = api_client_for(sqlite_store, max_upload_bytes=1024, request_timeout_seconds=0.5)
    big = client.post("/ingest/ror", json={"url": f"{local_site}/big.json"}, headers=KEY)
    assert_problem(big, 413, "1,024 bytes")
    slow = client.post("/ingest/ror", json={"url": f"{local_site}/slow"}, headers=KEY)
    assert_problem(slow, 504, "0.5 s")
    missing = client.post("/ingest/ror", json={"url": f"{local_site}/nothing"}, headers=KEY)
    assert_problem(missing, 502, "404")
    redirected = client.post(
        "/ingest/ror", json={"url": f"{local_site}/redirect-to-file"}, headers=KEY
    )
    assert_problem(redirected, 422, "file")


# ---------------------------------------------------------------------------- extract


def test_extract(api: TestClient, sqlite_store: SqliteStore) -> None:
    novo, lund = regional_organisations(sqlite_store)
    response = api.post("/extract", json={"text": SENTENCE}, headers=KEY)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["language"] == "en"
    orgs = {o["name"]: o for o in result["orgs"]}
    assert orgs["Novo Nordisk"]["entity_id"] == novo.id
    assert orgs["Lund University"]["entity_id"] == lund.id
    assert orgs["Novo Nordisk"]["start"] == 0
    [relation] = result["relations"]
    assert {relation["a"], relation["b"]} == {"Novo Nordisk", "Lund University"}
    assert relation["type"] == "research_collaboration"
    assert relation["evidence"] == SENTENCE
    assert 0 < relation["confidence"] <= 1
    assert api.get("/stats").json()["nodes"]["Organisation"] == 2  # nothing written


def test_extract_returns_markup_as_data(api: TestClient, sqlite_store: SqliteStore) -> None:
    regional_organisations(sqlite_store)
    text = "<script>alert('x')</script> " + SENTENCE
    response = api.post("/extract", json={"text": text, "language": "en"}, headers=KEY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert {o["name"] for o in response.json()["orgs"]} >= {"Novo Nordisk", "Lund University"}


def test_extract_bounds_its_text(api: TestClient) -> None:
    assert_problem(api.post("/extract", json={"text": ""}, headers=KEY), 422, "text")
    too_long = api.post("/extract", json={"text": "a" * 100_001}, headers=KEY)
    assert_problem(too_long, 422, "100000")
    huge = api.post("/extract", json={"text": "a" * 700_000}, headers=KEY)
    assert_problem(huge, 413)
    assert_problem(
        api.post("/extract", json={"text": SENTENCE, "language": "english!"}, headers=KEY),
        422,
        "language",
    )
