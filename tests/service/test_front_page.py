"""GET /: the front page for people, on the cross-border graph (tests/small_graphs.py) plus an
organisation whose name, evidence and URLs are hostile HTML; on both stores."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from api_graphs import api_app
from fastapi.testclient import TestClient
from small_graphs import build_cross_border_graph

from graph.model import CollabType, Evidence, Organisation, OrgKind, Relation, RelType
from graph.store import GraphStore

HOSTILE = "org:t:evil"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = "<script>alert(1)</script>"
NEWS_URL = "https://news.example/deal?a=1&b=2"


def _evidence(source: str, text: str, url: str | None) -> Evidence:
    return Evidence(
        source=source, text=text, date="2023-04-01", confidence=0.8, extractor="test", url=url
    )


def build_graph(store: GraphStore) -> None:
    build_cross_border_graph(store)
    evil = Organisation(
        name=HOSTILE_NAME,
        kind=OrgKind.COMPANY,
        country="SE",
        website="javascript:alert(1)",
        identifiers={"cvr": '"><b>bold</b>'},
        topics=("onc<script>",),
        id=HOSTILE,
    )
    store.upsert_nodes([evil])
    store.upsert_relations(
        [
            Relation(
                type=RelType.COLLABORATES_WITH,
                source=HOSTILE,
                target="org:t:d1",
                subtype=CollabType.PARTNERSHIP,
                evidence=[
                    _evidence("doc:test-evil", HOSTILE_TEXT, "javascript:alert(1)"),
                    _evidence("doc:test-evil-2", "Org D1 and the hostile org agree.", NEWS_URL),
                ],
            )
        ]
    )


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    build_graph(store)
    with TestClient(api_app(store)) as test_client:
        yield test_client


class Anchors(HTMLParser):
    """The <a>, <iframe> and <form> elements of a page, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "iframe", "form", "script", "img"):
            self.elements.append((tag, dict(attrs)))


def _elements(page: str, tag: str) -> list[dict[str, str | None]]:
    parser = Anchors()
    parser.feed(page)
    return [attrs for name, attrs in parser.elements if name == tag]


def _hrefs(page: str) -> list[str]:
    return [a["href"] or "" for a in _elements(page, "a")]


def _assert_safe_page(page: str) -> None:
    assert "<img src=x" not in page
    assert "<script>alert" not in page
    assert "<b>bold" not in page
    assert not _elements(page, "script") and not _elements(page, "img")
    assert not any(h.lower().startswith("javascript:") for h in _hrefs(page))


def test_start_page_explains_and_links_the_maps(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<main>" in page and "<h1>" in page and '<label for="q">' in page
    hrefs = _hrefs(page)
    for wanted in ("/maps/ecosystem.html", "/maps/cross-border.html", "/docs"):
        assert wanted in hrefs
    assert any(h.startswith("/maps/stronghold.html?topic=") for h in hrefs)
    assert "Maps by topic" in page  # no topic is strong on both sides here: the top topics
    forms = _elements(page, "form")
    assert forms[0] == {"action": "/", "method": "get", "role": "search"}
    assert "/maps/path.html" in {f["action"] for f in forms}
    assert re.search(r"holds 8 organisations and\s+10 links", page)
    _assert_safe_page(page)


def test_page_headers_allow_only_our_stylesheet(client: TestClient) -> None:
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in policy and "frame-src 'self'" in policy
    assert "img-src 'self'" in policy and "script-src" not in policy
    assert "unsafe-inline" not in policy
    css = re.search(r"<style>(.*?)</style>", response.text, re.S)
    assert css is not None
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy


def test_search_lists_matching_organisations(client: TestClient) -> None:
    page = client.get("/", params={"q": "Org D1"}).text
    assert "/?org=org%3At%3Ad1" in _hrefs(page)
    assert 'value="Org D1"' in page
    nothing = client.get("/", params={"q": "zzzz"}).text
    assert "No organisation matches “zzzz”" in nothing
    hostile = client.get("/", params={"q": "img"})
    assert "/?org=org%3At%3Aevil" in _hrefs(hostile.text)
    _assert_safe_page(hostile.text)
    injected = client.get("/", params={"q": '"><script>alert(1)</script>'}).text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in injected
    _assert_safe_page(injected)


def test_organisation_page_shows_profile_map_and_evidence(client: TestClient) -> None:
    response = client.get("/", params={"org": "org:t:d1"})
    assert response.status_code == 200
    page = response.text
    assert "<title>Org D1 · Medicon Valley knowledge graph</title>" in page
    assert "DK (Denmark)" in page and "company" in page and "org:t:d1" in page
    assert "Org D1 and Org S1 work together (research_collaboration)." in page
    assert "Investment, from Org U1 to Org D1." in page  # who invests in whom
    hrefs = _hrefs(page)
    assert "/?org=org%3At%3As1" in hrefs  # the other organisation, on its own page
    assert "/maps/ego.html?org=org%3At%3Ad1" in hrefs
    frames = _elements(page, "iframe")
    assert [f["src"] for f in frames] == ["/maps/ego.html?org=org%3At%3Ad1"]
    assert frames[0]["title"]
    assert client.get(frames[0]["src"] or "").status_code == 200  # the framed map is there
    external = [a for a in _elements(page, "a") if (a["href"] or "").startswith("https:")]
    assert [a["href"] for a in external] == [NEWS_URL]
    assert all(a["rel"] == "noopener noreferrer" for a in external)
    _assert_safe_page(page)


def test_hostile_organisation_is_shown_escaped(client: TestClient) -> None:
    response = client.get("/", params={"org": HOSTILE})
    assert response.status_code == 200
    page = response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "javascript:alert(1)" in page  # the website, as text, not as a link
    assert "doc:test-evil" in page  # evidence without a web URL names its source instead
    _assert_safe_page(page)
    # An organisation linked to it shows its name escaped too.
    _assert_safe_page(client.get("/", params={"org": "org:t:d1"}).text)


@pytest.mark.parametrize("org_id", ["org:t:none", "project:t:p", "<b>x</b>"])
def test_unknown_organisation_is_a_404_page(client: TestClient, org_id: str) -> None:
    response = client.get("/", params={"org": org_id})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in response.headers
    assert "No organisation has the id" in response.text
    assert "<b>x" not in response.text
    assert '<label for="q">' in response.text  # and the search box to find it
