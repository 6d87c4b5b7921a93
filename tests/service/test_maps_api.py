"""GET /maps/{kind}.html on the hand-worked cross-border graph (tests/small_graphs.py) plus a
hostile organisation: every kind as an HTML page with its headers, filters passed through,
downloads, and bad requests as problem+json; on both stores."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from api_graphs import api_app, assert_problem
from fastapi.testclient import TestClient
from small_graphs import build_cross_border_graph, collab, org

from graph.model import CollabType, Evidence, Organisation, OrgKind, Relation, RelType
from graph.store import GraphStore

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = "<script>alert(1)</script>"
HOSTILE = "org:t:evil"
ONCOLOGY_DK = "org:t:onc"


def build_hostile_graph(store: GraphStore) -> None:
    """The cross-border graph, plus a Swedish organisation with HTML in its name, its evidence
    and its URLs, tied to a Danish one and to d1; both active in oncology."""
    build_cross_border_graph(store)
    evil = Organisation(
        name=HOSTILE_NAME,
        kind=OrgKind.COMPANY,
        country="SE",
        city="Malmö",
        website="javascript:alert(1)",
        identifiers={"cvr": '"><b>bold</b>'},
        topics=("oncology",),
        id=HOSTILE,
    )
    onc = Organisation(
        name="Oncology Lab",
        kind=OrgKind.COMPANY,
        country="DK",
        topics=("oncology",),
        id=ONCOLOGY_DK,
    )
    store.upsert_nodes([evil, onc])
    store.upsert_relations(
        [
            Relation(
                type=RelType.COLLABORATES_WITH,
                source=HOSTILE,
                target="org:t:d1",
                subtype=CollabType.PARTNERSHIP,
                evidence=[
                    Evidence(
                        source="doc:test-evil",
                        text=HOSTILE_TEXT,
                        date="2023-04-01",
                        confidence=0.8,
                        extractor="test",
                        url="javascript:alert(1)",
                    ),
                    Evidence(
                        source="doc:test-evil-2",
                        text="Org D1 and the hostile org signed a deal.",
                        date="2023-05-01",
                        confidence=0.9,
                        extractor="test",
                        url="https://news.example/deal?a=1&b=2",
                    ),
                ],
            ),
            Relation(
                type=RelType.COLLABORATES_WITH,
                source=ONCOLOGY_DK,
                target=HOSTILE,
                subtype=CollabType.RESEARCH_COLLABORATION,
                evidence=[
                    Evidence(
                        source="doc:test-onc",
                        text="Oncology Lab and the hostile org research cancer together.",
                        date="2022-01-01",
                        confidence=0.9,
                        extractor="test",
                    )
                ],
            ),
        ]
    )


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    build_hostile_graph(store)
    with TestClient(api_app(store)) as test_client:
        yield test_client


KINDS = {
    "ecosystem": {},
    "cross-border": {},
    "ego": {"org": "org:t:d1"},
    "stronghold": {"topic": "oncology"},
    "path": {"org": "org:t:d1", "target": "org:t:s2"},
}


def _meta_policy(page: str) -> str:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert found, "the page states its policy"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_an_html_page_with_its_headers(
    client: TestClient, store: GraphStore, kind: str
) -> None:
    response = client.get(f"/maps/{kind}.html", params=KINDS[kind])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert int(response.headers["x-map-nodes"]) >= 2
    assert int(response.headers["x-map-edges"]) >= 1
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = response.headers["content-security-policy"]
    assert policy == _meta_policy(response.text) + "; frame-ancestors 'self'"
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert "content-disposition" not in response.headers
    assert "sqlite:" not in response.text and "bolt:" not in response.text
    assert f"the mvkg graph ({store.kind} store)" in response.text  # the kind, never the URL


def test_filters_pass_through(client: TestClient) -> None:
    everything = client.get("/maps/ecosystem.html")
    news = client.get("/maps/ecosystem.html", params={"layer": "news"})
    assert news.status_code == 200
    assert int(news.headers["x-map-edges"]) < int(everything.headers["x-map-edges"])
    assert "layers news" in news.text and "layers news" not in everything.text
    danish = client.get("/maps/ecosystem.html", params=[("country", "DK"), ("since", "2020")])
    assert int(danish.headers["x-map-nodes"]) < int(everything.headers["x-map-nodes"])
    assert "since 2020" in danish.text
    wider = client.get("/maps/ego.html", params={"org": "org:t:d1", "hops": 2})
    ego = client.get("/maps/ego.html", params={"org": "org:t:d1"})
    assert int(wider.headers["x-map-nodes"]) > int(ego.headers["x-map-nodes"])


def test_grouping_size_and_aggregation_apply(client: TestClient, store: GraphStore) -> None:
    extra = [org(f"e{i}", "DK") for i in range(6)]
    store.upsert_nodes(extra)
    store.upsert_relations(
        [collab("d1", f"e{i}", CollabType.PARTNERSHIP, "2023-01-01") for i in range(6)]
    )
    everything = client.get("/maps/ecosystem.html")
    grouped = client.get(
        "/maps/ecosystem.html",
        params={"max_nodes": 10, "aggregate": "kind", "size_by": "betweenness"},
    )
    assert grouped.status_code == 200, grouped.text
    assert int(grouped.headers["x-map-nodes"]) < int(everything.headers["x-map-nodes"])
    assert "Reduced" in grouped.text and "Reduced" not in everything.text
    by_region = client.get("/maps/cross-border.html", params={"grouping": "region"})
    assert by_region.status_code == 200 and "Colour: region" in by_region.text


def test_download_is_an_attachment_with_a_safe_name(client: TestClient) -> None:
    response = client.get(
        "/maps/ego.html", params={"org": "org:t:d1", "download": "true", "hops": 2}
    )
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(
        r'attachment; filename="mvkg-ego-org-t-d1-\d{4}-\d{2}-\d{2}\.html"', disposition
    ), disposition
    hostile = client.get("/maps/ego.html", params={"org": HOSTILE, "download": True})
    assert re.fullmatch(
        r'attachment; filename="[a-z0-9-]+\.html"', hostile.headers["content-disposition"]
    )


def test_hostile_values_never_appear_raw(client: TestClient) -> None:
    for kind, params in (("ego", {"org": HOSTILE}), ("stronghold", {"topic": "oncology"})):
        page = client.get(f"/maps/{kind}.html", params=params).text
        assert "<img src=x" not in page
        assert "<script>alert" not in page
        assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page  # in the data, escaped
    ego = client.get("/maps/ego.html", params={"org": HOSTILE}).text
    assert "<title>Around &lt;img src=x onerror=alert(1)&gt; (1 hop)</title>" in ego


def test_unknown_kind_is_a_404_problem_listing_the_kinds(client: TestClient) -> None:
    body = assert_problem(client.get("/maps/galaxy.html"), 404, "galaxy", *KINDS)
    assert body["instance"] == "/maps/galaxy.html"
    assert client.get("/maps/ecosystem").status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "words"),
    [
        ("/maps/ecosystem.html", {"layer": "gossip"}, ("layers", "news")),
        ("/maps/ecosystem.html", {"since": "last year"}, ("ISO",)),
        ("/maps/ecosystem.html", {"min_confidence": 2}, ("min_confidence",)),
        ("/maps/ecosystem.html", {"grouping": "planet"}, ("grouping", "country")),
        ("/maps/ecosystem.html", {"size_by": "height"}, ("size_by", "degree")),
        ("/maps/ecosystem.html", {"aggregate": "all"}, ("aggregate", "community")),
        ("/maps/ecosystem.html", {"max_nodes": 5}, ("max_nodes",)),
        ("/maps/ecosystem.html", {"org": "org:t:d1"}, ("ego and path",)),
        ("/maps/ego.html", {}, ("org",)),
        ("/maps/ego.html", {"org": "org:t:d1", "hops": 9}, ("hops",)),
        ("/maps/path.html", {"org": "org:t:d1"}, ("target",)),
        ("/maps/stronghold.html", {}, ("topic",)),
        ("/maps/stronghold.html", {"topic": "astrology"}, ("astrology", "oncology")),
    ],
)
def test_bad_requests_are_422_problems(
    client: TestClient, path: str, params: dict[str, object], words: tuple[str, ...]
) -> None:
    assert_problem(client.get(path, params=params), 422, *words)


def test_unknown_organisations_are_404_problems(client: TestClient) -> None:
    assert_problem(client.get("/maps/ego.html", params={"org": "org:t:none"}), 404, "org:t:none")
    missing_target = {"org": "org:t:d1", "target": "org:t:none"}
    assert_problem(client.get("/maps/path.html", params=missing_target), 404, "org:t:none")


def test_openapi_documents_html_and_problems(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/maps/{map_kind}.html"]["get"]
    responses = operation["responses"]
    assert "text/html" in responses["200"]["content"]
    assert {"X-Map-Nodes", "X-Map-Edges"} <= set(responses["200"]["headers"])
    for status in ("404", "422"):
        assert "application/problem+json" in responses[status]["content"]
    names = {p["name"] for p in operation["parameters"]}
    assert {
        "map_kind",
        "kind",
        "layer",
        "since",
        "org",
        "target",
        "hops",
        "topic",
        "download",
    } <= names
    kind = next(p for p in operation["parameters"] if p["name"] == "map_kind")
    assert kind["schema"]["enum"] == list(KINDS)
