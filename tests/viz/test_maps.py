"""Maps: every kind renders, captions say what is shown, pages are self-contained and safe,
large selections are reduced (and say so), and the cross-border layout keeps Denmark west."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from graph.analytics.links import LinkFilter
from graph.analytics.service import Analytics
from graph.errors import NotFoundError, ValidationError
from graph.model import (
    CollabType,
    Evidence,
    Organisation,
    OrgKind,
    Project,
    ProjectKind,
    Relation,
    RelType,
)
from graph.store import GraphStore
from graph.store.sqlite import SqliteStore
from graph.synthetic import collaborations, organisations
from ingest.demo import load_demo
from viz import reduce
from viz.errors import MapRequestError, UnknownOrganisationError, UnknownTopicError
from viz.maps import MAP_KINDS, MapRequest, RenderedMap, render_map

REPO = Path(__file__).resolve().parents[2]
MADE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_TEXT = "<script>alert(1)</script> and </script><script>alert(2)</script>"
EVIDENCE_URL = "https://example.org/news/1?a=1&b=2"

# (key, name, kind, country, city, lat, lon): two organisations share Copenhagen's and Lund's
# exact coordinates; Helsingborg (SE) lies west of the strait's middle; Rønne (DK, Bornholm)
# lies east of Malmö; Boston is abroad; "nowhere" has no location.
PLACES = [
    ("cph1", "Copenhagen University", OrgKind.UNIVERSITY, "DK", "Copenhagen", 55.6761, 12.5683),
    ("cph2", "Copenhagen Biotech", OrgKind.COMPANY, "DK", "Copenhagen", 55.6761, 12.5683),
    ("cph3", "Copenhagen Hospital", OrgKind.HOSPITAL, "DK", "Copenhagen", 55.6761, 12.5683),
    ("lyn", "Lyngby Institute", OrgKind.RESEARCH_INSTITUTE, "DK", "Lyngby", 55.7704, 12.5038),
    ("ron", "Bornholm Clinic", OrgKind.HOSPITAL, "DK", "Rønne", 55.1009, 14.7066),
    ("nowhere", "Danish Fund", OrgKind.FOUNDATION, "DK", None, None, None),
    ("lund1", "Lund University", OrgKind.UNIVERSITY, "SE", "Lund", 55.7047, 13.1910),
    ("lund2", "Lund Pharma", OrgKind.COMPANY, "SE", "Lund", 55.7047, 13.1910),
    ("mal", "Malmö Medtech", OrgKind.COMPANY, "SE", "Malmö", 55.6050, 13.0038),
    ("hbg", "Helsingborg Hospital", OrgKind.HOSPITAL, "SE", "Helsingborg", 56.0465, 12.6945),
    ("bos", "Boston Investor", OrgKind.INVESTOR, "US", "Boston", 42.3601, -71.0589),
    ("xss", XSS_NAME, OrgKind.COMPANY, "DK", "Copenhagen", 55.6761, 12.5683),
]
PAIRS = [
    ("cph1", "cph2", CollabType.RESEARCH_COLLABORATION, "2019-03-01"),
    ("cph1", "lund1", CollabType.RESEARCH_COLLABORATION, "2020-05-01"),
    ("cph2", "lund2", CollabType.LICENSING, "2021-06-01"),
    ("cph3", "mal", CollabType.PARTNERSHIP, "2018-02-01"),
    ("lyn", "cph1", CollabType.PARTNERSHIP, "2022-01-01"),
    ("ron", "cph3", CollabType.PARTNERSHIP, "2017-09-01"),
    ("nowhere", "cph1", CollabType.FUNDING, "2016-01-01"),
    ("hbg", "lund1", CollabType.RESEARCH_COLLABORATION, "2023-03-01"),
    ("bos", "cph2", CollabType.INVESTMENT, "2020-10-01"),
    ("lund1", "lund2", CollabType.PARTNERSHIP, "2015-04-01"),
    ("xss", "lund2", CollabType.PARTNERSHIP, "2021-01-01"),
]
PROJECT = Project(
    name="Oresund Oncology Trial",
    kind=ProjectKind.TRIAL,
    start="2020-01-01",
    end="2022-12-31",
    topics=("oncology",),
    id="project:viz:trial",
)


def oid(key: str) -> str:
    return f"org:viz:{key}"


def build_places(store: GraphStore) -> GraphStore:
    orgs = [
        Organisation(
            name=name,
            kind=kind,
            country=country,
            city=city,
            lat=lat,
            lon=lon,
            identifiers={"cvr": "12345678"} if key == "cph1" else {},
            website="https://example.org" if key == "cph1" else None,
            topics=("oncology",) if key in ("cph1", "lund1", "mal", "cph3") else ("medtech",),
            id=oid(key),
        )
        for key, name, kind, country, city, lat, lon in PLACES
    ]
    store.upsert_nodes([*orgs, PROJECT])
    relations = [_collab(a, b, subtype, date) for a, b, subtype, date in PAIRS]
    relations += [_participation(key) for key in ("cph3", "lund1", "mal")]
    store.upsert_relations(relations)
    return store


def _collab(a: str, b: str, subtype: CollabType, date: str) -> Relation:
    xss = "xss" in (a, b)
    return Relation(
        type=RelType.COLLABORATES_WITH,
        source=oid(a),
        target=oid(b),
        subtype=subtype,
        evidence=[
            Evidence(
                source=f"doc:viz-{a}-{b}",
                text=XSS_TEXT if xss else f"{a} and {b} work together.",
                date=date,
                confidence=0.9,
                extractor="test",
                url="javascript:alert(1)" if xss else EVIDENCE_URL,
            )
        ],
    )


def _participation(key: str) -> Relation:
    return Relation(
        type=RelType.PARTICIPATES_IN,
        source=oid(key),
        target=PROJECT.id,
        start=PROJECT.start,
        end=PROJECT.end,
        evidence=[Evidence(source="ctgov:viz", text=f"{key} runs a trial site", extractor="test")],
    )


@pytest.fixture
def places(store: GraphStore) -> Analytics:
    return Analytics(build_places(store))


@pytest.fixture
def quick(sqlite_store: SqliteStore) -> Analytics:
    return Analytics(build_places(sqlite_store))


# ---------------------------------------------------------------------------- page helpers


def _json_block(html: str, block: str) -> Any:
    found = re.search(rf'<script id="{block}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no {block} block"
    return json.loads(found.group(1))


def _nodes(rendered: RenderedMap) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in _json_block(rendered.html, "mvkg-nodes")}


def _config(rendered: RenderedMap) -> dict[str, Any]:
    return _json_block(rendered.html, "mvkg-config")


def _request(kind: str, **values: Any) -> MapRequest:
    defaults: dict[str, dict[str, Any]] = {
        "ego": {"org": oid("cph1")},
        "path": {"org": oid("lyn"), "target": oid("mal")},
        "stronghold": {"topic": "oncology"},
    }
    return MapRequest(kind=kind, **{**defaults.get(kind, {}), **values})


# ---------------------------------------------------------------------------- every kind


@pytest.mark.parametrize("kind", MAP_KINDS)
def test_each_kind_renders_with_hooks(places: Analytics, kind: str) -> None:
    rendered = render_map(places, _request(kind), made_at=MADE)
    html = rendered.html
    assert rendered.nodes >= 2 and rendered.edges >= 1
    for hook in ("mvkg-network", "mvkg-caption", "mvkg-legend", "mvkg-tooltip"):
        assert f'id="{hook}"' in html
    for hook in ("window.mvkgReady", "window.mvkgNetwork", "window.mvkgShowTooltip"):
        assert hook in html
    assert len(_nodes(rendered)) == rendered.nodes
    details = _config(rendered)["details"]
    assert set(details["nodes"]) == set(_nodes(rendered))
    assert len(details["edges"]) == rendered.edges
    assert rendered.aggregated is None


def test_demo_graph_renders_every_kind(sqlite_store: SqliteStore) -> None:
    load_demo(store=sqlite_store)
    analytics = Analytics(sqlite_store)
    ku, lund = "org:ror:035b05819", "org:ror:012a77v79"
    requests = [
        MapRequest("ecosystem"),
        MapRequest("cross-border", size_by="brokerage"),
        MapRequest("ego", org=ku, hops=2, size_by="betweenness"),
        MapRequest("stronghold", topic="oncology"),
        MapRequest("path", org=ku, target=lund),
    ]
    for request in requests:
        rendered = render_map(analytics, request, made_at=MADE)
        assert rendered.nodes > 1, request.kind
        positions = {(n["x"], n["y"]) for n in _nodes(rendered).values()}
        assert len(positions) == rendered.nodes, f"{request.kind}: nodes share a position"


@pytest.mark.parametrize("kind", ["ecosystem", "cross-border"])
def test_an_empty_graph_gives_an_empty_map_that_says_so(
    sqlite_store: SqliteStore, kind: str
) -> None:
    rendered = render_map(Analytics(sqlite_store), MapRequest(kind), made_at=MADE)
    assert (rendered.nodes, rendered.edges) == (0, 0)
    assert "0 organisations and 0 links pass the filters" in rendered.caption
    assert _json_block(rendered.html, "mvkg-nodes") == []


def test_the_same_request_gives_the_same_page(sqlite_store: SqliteStore) -> None:
    build_places(sqlite_store)
    for request in (MapRequest("ecosystem"), MapRequest("cross-border"), _request("ego")):
        first = render_map(Analytics(sqlite_store), request, made_at=MADE).html
        assert render_map(Analytics(sqlite_store), request, made_at=MADE).html == first


def test_ego_reaches_hops_and_path_follows_links(quick: Analytics) -> None:
    one = render_map(quick, _request("ego", hops=1))
    assert set(_nodes(one)) == {oid(k) for k in ("cph1", "cph2", "lund1", "lyn", "nowhere")}
    two = render_map(quick, _request("ego", hops=2))
    assert oid("hbg") in _nodes(two) and two.nodes > one.nodes
    path = render_map(quick, _request("path"))
    assert {oid("lyn"), oid("cph1"), oid("mal")} <= set(_nodes(path))
    assert "shortest path" in path.caption
    columns = {k: n["x"] for k, n in _nodes(path).items()}
    assert columns[oid("lyn")] < columns[oid("cph1")] < columns[oid("mal")]


def test_path_between_unconnected_organisations_says_so(quick: Analytics) -> None:
    only_partnerships = LinkFilter.of(types=["partnership"])
    request = MapRequest("path", org=oid("lyn"), target=oid("hbg"), link_filter=only_partnerships)
    rendered = render_map(quick, request)
    assert "not connected under these filters" in rendered.caption
    assert rendered.nodes == 2 and rendered.edges == 0


def test_stronghold_shows_topic_links_on_both_sides(quick: Analytics) -> None:
    rendered = render_map(quick, _request("stronghold"))
    shown = set(_nodes(rendered))
    assert {oid("cph1"), oid("lund1"), oid("mal"), oid("cph3")} <= shown
    assert oid("bos") not in shown and oid("lyn") not in shown
    assert "Oncology: 2 organisations in DK, 2 in SE" in rendered.caption


# ---------------------------------------------------------------------------- caption


def test_caption_states_kind_filters_counts_and_date(places: Analytics) -> None:
    flt = LinkFilter.of(layers=["news", "ownership"], since="2019", min_confidence=0.5)
    rendered = render_map(
        places, MapRequest("ecosystem", link_filter=flt), made_at=MADE, source="test graph"
    )
    caption = rendered.caption
    assert caption.startswith("Ecosystem map of organisations with links.")
    assert "Filters: layers news, ownership; since 2019; confidence at least 0.5." in caption
    assert "Data: the mvkg graph (test graph), version" in caption
    assert "12 organisations and 7 links pass the filters" in caption
    assert f"Shown: {rendered.nodes} nodes and {rendered.edges} links." in caption
    assert "Made 2024-05-01 12:00 UTC." in caption
    assert "size: degree" in caption
    # The caption and title are in the page, escaped.
    assert 'id="mvkg-caption">Ecosystem map of organisations with links.' in rendered.html
    assert "<title>Medicon Valley ecosystem</title>" in rendered.html


def test_caption_without_filters_and_naive_time(quick: Analytics) -> None:
    rendered = render_map(quick, MapRequest("cross-border"), made_at=datetime(2024, 1, 2, 3, 4))
    assert "Cross-border map of Danish and Swedish organisations with links." in rendered.caption
    assert "Filters: none (every organisation and link)." in rendered.caption
    assert "Made 2024-01-02 03:04 UTC." in rendered.caption


# ---------------------------------------------------------------------------- offline


@pytest.mark.parametrize("kind", ["ecosystem", "cross-border"])
def test_page_loads_nothing_from_anywhere(quick: Analytics, kind: str) -> None:
    html = render_map(quick, _request(kind)).html
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", html, re.I)
    assert not re.search(r"@import", html, re.I)
    assert "cdn" not in html.lower()
    assert "vis-network" in html and "9.1.2" in html  # inlined from the pyvis package
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy and "default-src 'none'" in unescape(policy.group(1))  # the browser refuses
    assert "script-src 'sha256-" in unescape(policy.group(1))  # any load, any other script
    # Evidence links stay, as data for the tooltip (followed only on a click).
    assert EVIDENCE_URL.replace("&", "\\u0026") in html


# ---------------------------------------------------------------------------- safety


@pytest.mark.parametrize("kind", ["ecosystem", "ego", "cross-border"])
def test_untrusted_names_and_sentences_never_appear_raw(places: Analytics, kind: str) -> None:
    request = _request(kind, org=oid("xss")) if kind == "ego" else _request(kind)
    rendered = render_map(places, request)
    html = rendered.html
    assert XSS_NAME not in html
    assert "<script>alert" not in html and "alert(1)</script>" not in html
    assert "onerror=alert(1)>" not in html
    assert "javascript:alert" not in html  # the unsafe evidence URL is dropped, not linked
    # The page's five <script> elements end where they should: no value closed one early.
    assert html.count("</script>") == 5
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # the name is there, as data
    details = _config(rendered)["details"]
    assert details["nodes"][oid("xss")]["name"] == XSS_NAME  # and decodes to the exact text
    evidence = [
        item["text"]
        for info in details["edges"].values()
        for item in info.get("evidence", [])
        if "alert" in item.get("text", "")
    ]
    assert evidence == [XSS_TEXT]
    if kind == "ego":
        assert rendered.title == f"Around {XSS_NAME} (1 hop)"
        assert "<title>Around &lt;img src=x onerror=alert(1)&gt; (1 hop)</title>" in html


def test_tooltips_are_built_without_html_parsing() -> None:
    script = (REPO / "viz" / "assets" / "map.js").read_text(encoding="utf-8")
    script = re.sub(r"/\*.*?\*/", "", script, flags=re.S)  # the code, not its comments
    script = re.sub(r"^\s*//.*$", "", script, flags=re.M)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script
    assert "textContent" in script and 'url.protocol === "https:"' in script


def test_nodes_and_edges_carry_no_vis_titles(quick: Analytics) -> None:
    rendered = render_map(quick, _request("ecosystem"))
    assert all("title" not in n for n in _nodes(rendered).values())
    assert all("title" not in e for e in _json_block(rendered.html, "mvkg-edges"))


# ---------------------------------------------------------------------------- scale


def _many(store: SqliteStore, orgs: int, links: int) -> Analytics:
    found = organisations(orgs, seed=3)
    store.upsert_nodes(found)
    store.upsert_relations(collaborations(found, links, seed=5))
    return Analytics(store)


@pytest.mark.parametrize("aggregate", ["top", "community", "city", "kind"])
def test_aggregation_above_max_nodes_is_said(sqlite_store: SqliteStore, aggregate: str) -> None:
    analytics = _many(sqlite_store, 120, 400)
    rendered = render_map(analytics, MapRequest("ecosystem", max_nodes=10, aggregate=aggregate))
    assert rendered.nodes <= 10
    assert rendered.aggregated and "exceed the map's limit of 10" in rendered.aggregated
    assert "Reduced: " in rendered.caption and "limit of 10" in rendered.caption
    if aggregate != "top":
        assert "size: organisations in it" in rendered.caption
        assert all(n["id"].startswith(f"group:{aggregate}:") for n in _nodes(rendered).values())


def test_ego_map_over_the_limit_keeps_the_centre_and_nearest(sqlite_store: SqliteStore) -> None:
    analytics = _many(sqlite_store, 120, 600)
    centre = organisations(120, seed=3)[0].id
    rendered = render_map(analytics, MapRequest("ego", org=centre, hops=3, max_nodes=10))
    nodes = _nodes(rendered)
    assert centre in nodes and len(nodes) == 10
    assert "nearest first" in (rendered.aggregated or "")
    assert (nodes[centre]["x"], nodes[centre]["y"]) == (0.0, 0.0)


def test_edge_cap_keeps_every_node_linked(
    sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    analytics = _many(sqlite_store, 60, 400)
    monkeypatch.setattr(reduce, "MAX_EDGES", 70)
    rendered = render_map(analytics, MapRequest("ecosystem"))
    assert rendered.edges == 70
    assert "only 70 of the" in (rendered.aggregated or "")
    edges = _json_block(rendered.html, "mvkg-edges")
    linked = {e["from"] for e in edges} | {e["to"] for e in edges}
    assert linked == set(_nodes(rendered))


def test_physics_only_on_small_force_maps(sqlite_store: SqliteStore) -> None:
    analytics = _many(sqlite_store, 500, 2_000)
    big = render_map(analytics, MapRequest("ecosystem"))
    assert big.nodes > 300
    assert _config(big)["options"]["physics"] == {"enabled": False}
    assert "physics off" in big.caption
    small = render_map(analytics, MapRequest("ecosystem", max_nodes=100))
    assert _config(small)["options"]["physics"]["enabled"] is True
    assert "physics on" in small.caption
    geographic = render_map(analytics, MapRequest("cross-border", max_nodes=100))
    assert _config(geographic)["options"]["physics"] == {"enabled": False}


# ---------------------------------------------------------------------------- cross-border layout


def test_cross_border_layout_keeps_denmark_west_and_spreads_cities(places: Analytics) -> None:
    flt = LinkFilter.of(countries=["DK", "SE", "US"])
    for request in (MapRequest("cross-border", link_filter=flt), _request("stronghold")):
        rendered = render_map(places, request)
        nodes = _nodes(rendered)
        country = {oid(k): c for k, _, _, c, *_ in PLACES}
        dk = [n["x"] for i, n in nodes.items() if country[i] == "DK"]
        se = [n["x"] for i, n in nodes.items() if country[i] == "SE"]
        assert dk and se and max(dk) < min(se)
        positions = [(n["x"], n["y"]) for n in nodes.values()]
        assert len(set(positions)) == len(positions)
        for a, b in itertools.combinations(nodes.values(), 2):
            gap = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
            assert gap >= a["size"] + b["size"], f"{a['id']} overlaps {b['id']}"
    backdrop = _config(rendered)["backdrop"]
    assert "strait" in backdrop and {t["text"] for t in backdrop["titles"]} == {"DENMARK", "SWEDEN"}


def test_cross_border_links_stand_out(quick: Analytics) -> None:
    rendered = render_map(quick, MapRequest("cross-border"))
    edges = _json_block(rendered.html, "mvkg-edges")
    info = _config(rendered)["details"]["edges"]
    cross = [e for e in edges if info[e["id"]].get("cross")]
    domestic = [e for e in edges if not info[e["id"]].get("cross")]
    assert cross and domestic
    assert min(e["width"] for e in cross) > max(e["width"] for e in domestic)
    assert all(e["color"]["opacity"] > 0.5 for e in cross)
    assert all(e["color"]["opacity"] < 0.5 for e in domestic)
    licensing = next(e for e in edges if "licensing" in info[e["id"]].get("types", []))
    assert licensing["arrows"]["to"]["enabled"] and licensing["from"] == oid("cph2")


# ---------------------------------------------------------------------------- bad requests


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "galaxy"}, "unknown map kind 'galaxy'; use one of"),
        ({"kind": "ecosystem", "size_by": "fame"}, "unknown size_by 'fame'"),
        ({"kind": "ecosystem", "grouping": "colour"}, "unknown grouping"),
        ({"kind": "ecosystem", "aggregate": "random"}, "unknown aggregate"),
        ({"kind": "ego"}, "an ego map needs org"),
        ({"kind": "path", "org": "org:a"}, "a path map needs two organisations"),
        ({"kind": "path", "org": "org:a", "target": "org:a"}, "two different organisations"),
        ({"kind": "stronghold"}, "a stronghold map needs a topic"),
        ({"kind": "ego", "org": "org:a", "topic": "oncology"}, "topic applies to"),
        ({"kind": "ecosystem", "org": "org:a"}, "org and target are for ego and path maps"),
        ({"kind": "ecosystem", "max_nodes": 5}, "max_nodes must be between 10 and 5,000"),
        ({"kind": "ecosystem", "max_nodes": 50_000}, "max_nodes must be between"),
        ({"kind": "ego", "org": "org:a", "hops": 0}, "hops must be between 1 and 3"),
        ({"kind": "ecosystem", "link_filter": {"layers": ["news"]}}, "must be a LinkFilter"),
    ],
)
def test_bad_requests_say_how_to_fix(values: dict[str, Any], message: str) -> None:
    with pytest.raises(MapRequestError, match=re.escape(message)) as caught:
        MapRequest(**values)
    assert isinstance(caught.value, ValidationError)


def test_unknown_topic_lists_the_known_ones(quick: Analytics) -> None:
    with pytest.raises(UnknownTopicError, match=r"unknown topic 'astrology'.*medtech, oncology"):
        render_map(quick, MapRequest("stronghold", topic="astrology"))
    spelled = render_map(quick, MapRequest("stronghold", topic="Oncology"))  # case forgiven
    assert spelled.title == "Stronghold: oncology on both sides of the Øresund"


def test_unknown_organisations_are_not_found_with_a_hint(quick: Analytics) -> None:
    with pytest.raises(UnknownOrganisationError, match=r"org 'org:nope' is not an organisation"):
        render_map(quick, MapRequest("ego", org="org:nope"))
    with pytest.raises(NotFoundError, match=r"did you mean org:viz:lund1 \(Lund University\)"):
        render_map(quick, MapRequest("path", org=oid("cph1"), target="Lund University"))
    excluded = MapRequest("ego", org=oid("bos"), link_filter=LinkFilter.of(countries=["DK"]))
    with pytest.raises(NotFoundError, match="excluded by the filter's kinds or countries"):
        render_map(quick, excluded)


# ---------------------------------------------------------------------------- layering


def test_viz_imports_neither_api_nor_work_at_import() -> None:
    code = (
        "import sys, viz.maps, viz.page; "
        "print(sorted(m for m in sys.modules if m == 'api' or m.startswith('api.'))); "
        "print(viz.page._vis_js.cache_info().currsize)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]" and out[1] == "0"


def test_lower_layers_never_import_viz() -> None:
    pattern = re.compile(r"^\s*(?:from|import)\s+viz\b", re.M)
    for package in ("graph", "ingest", "nlp"):
        for path in (REPO / package).rglob("*.py"):
            assert not pattern.search(path.read_text(encoding="utf-8")), path


# ---------------------------------------------------------------------------- 20k / 100k


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Analytics:
    store = SqliteStore(tmp_path_factory.mktemp("big") / "graph.db")
    found = organisations(20_000, seed=7)
    store.upsert_nodes(found)
    store.upsert_relations(collaborations(found, 100_000, seed=11))
    analytics = Analytics(store)
    analytics.link_graph(LinkFilter())  # read once; the maps' time is what is measured
    return analytics


@pytest.mark.parametrize(
    "request_",
    [
        MapRequest("ecosystem"),
        MapRequest("cross-border"),
        MapRequest("ecosystem", aggregate="community"),
        MapRequest("cross-border", aggregate="city"),
    ],
    ids=["ecosystem-top", "cross-border-top", "ecosystem-community", "cross-border-city"],
)
def test_twenty_thousand_organisations_give_a_light_map(
    big: Analytics, request_: MapRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    rendered = render_map(big, request_)
    took = time.perf_counter() - started
    size = len(rendered.html.encode("utf-8"))
    with capsys.disabled():
        print(
            f"\n  20k orgs / 100k relations, {request_.kind} ({request_.aggregate}): {took:.2f} s, "
            f"{rendered.nodes:,} nodes, {rendered.edges:,} edges, {size / 1e6:.1f} MB"
        )
    assert rendered.nodes <= 1_500 and rendered.edges <= reduce.MAX_EDGES
    assert rendered.aggregated and "exceed the map's limit of 1,500" in rendered.caption
    if request_.aggregate == "top":
        assert _config(rendered)["options"]["physics"] == {"enabled": False}
    assert size < 8_000_000
