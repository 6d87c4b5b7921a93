"""Maps: build time, HTML size and browser load time for generated graphs of growing size.

For each size (100, 1,000 and 10,000 organisations by default, with five collaborations per
organisation: `graph.synthetic.organisations` + `collaborations`) the graph is written to a fresh
embedded SQLite store. Then, for every map kind, it times `render_map` with a cold `Analytics`
(a fresh one: projection, link graph, measures, layout, page) and again warm (the same Analytics
a second time: the link graph is cached), and reports the HTML file's size and what is drawn.
If Chromium and Playwright are present it also opens each page headless by its file:// URL,
every request outside file:/data:/blob: blocked, and times it until `window.mvkgReady` (the
network is drawn; force-directed maps have stabilised).

Ego maps are centred on the organisation with the most links; path maps join it to the most
linked organisation of the other country; stronghold maps are of oncology.

    .venv/bin/python bench/map_bench.py [--quick] [--sizes 100,1k,10k] [--no-browser] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from graph.analytics.links import LinkFilter  # noqa: E402
from graph.analytics.service import Analytics  # noqa: E402
from graph.store.sqlite import SqliteStore  # noqa: E402
from graph.synthetic import collaborations, organisations  # noqa: E402
from viz.maps import MAP_KINDS, MapRequest, render_map  # noqa: E402

DEFAULT_SIZES = (100, 1_000, 10_000)
LINKS_PER_ORG = 5
BROWSER_LIMIT = 120.0  # seconds a page may take to draw before it counts as failed
ALLOWED = ("file:", "data:", "blob:")


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


# ---------------------------------------------------------------------------- the graph


def write_graph(path: Path, orgs: int, seed: int) -> SqliteStore:
    store = SqliteStore(path)
    found = organisations(orgs, seed=seed)
    store.upsert_nodes(found)
    store.upsert_relations(collaborations(found, orgs * LINKS_PER_ORG, seed=seed + 1))
    return store


def requests_for(store: SqliteStore) -> dict[str, MapRequest]:
    """One request per kind; ego and path around the most linked organisations."""
    links = Analytics(store).link_graph(LinkFilter())
    degree: dict[str, int] = {}
    for a, b in links.links:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    ranked = sorted(degree, key=lambda org: (-degree[org], org))
    hub = ranked[0]
    home = links.orgs[hub].country
    other = next((o for o in ranked if links.orgs[o].country not in (home, None)), ranked[1])
    return {
        "ecosystem": MapRequest("ecosystem"),
        "cross-border": MapRequest("cross-border"),
        "ego": MapRequest("ego", org=hub),
        "stronghold": MapRequest("stronghold", topic="oncology"),
        "path": MapRequest("path", org=hub, target=other),
    }


def time_render(store: SqliteStore, request: MapRequest, repeat: int) -> dict[str, Any]:
    cold, warm = [], []
    rendered = None
    for _ in range(repeat):
        analytics = Analytics(store)  # cold: nothing cached
        start = time.perf_counter()
        rendered = render_map(analytics, request)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        render_map(analytics, request)
        warm.append(time.perf_counter() - start)
    assert rendered is not None
    return {
        "cold_s": statistics.median(cold),
        "warm_s": statistics.median(warm),
        "html": rendered.html,
        "bytes": len(rendered.html.encode("utf-8")),
        "nodes": rendered.nodes,
        "edges": rendered.edges,
        "reduced": rendered.aggregated is not None,
    }


# ---------------------------------------------------------------------------- the browser


def find_chromium() -> str | None:
    configured = os.environ.get("MVKG_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def offline_browser(wanted: bool) -> Iterator[Any]:
    """A headless Chromium (None when not wanted or not available, with a note)."""
    executable = find_chromium() if wanted else None
    if not wanted:
        yield None
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(no browser times: playwright is not installed)")
        yield None
        return
    if executable is None:
        print("(no browser times: no chromium on the PATH; set MVKG_CHROMIUM)")
        yield None
        return
    with sync_playwright() as manager:
        browser = manager.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        try:
            yield browser
        finally:
            browser.close()


def time_load(browser: Any, path: Path, repeat: int) -> tuple[float | None, list[str]]:
    """Median seconds until window.mvkgReady (None if it never came), and blocked requests."""
    times: list[float] = []
    blocked: list[str] = []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1280, "height": 800})

        def route(handler: Any) -> None:
            if handler.request.url.startswith(ALLOWED):
                handler.continue_()
            else:
                blocked.append(handler.request.url)
                handler.abort()

        context.route("**/*", route)
        page = context.new_page()
        try:
            start = time.perf_counter()
            page.goto(path.as_uri(), timeout=BROWSER_LIMIT * 1000)
            # Not wait_for_function: its polling evaluates a string, which the page's CSP refuses.
            page.wait_for_selector(
                "body[data-mvkg-ready=true]", state="attached", timeout=BROWSER_LIMIT * 1000
            )
            if page.evaluate("() => window.mvkgReady") is not True:
                raise RuntimeError("data-mvkg-ready is set but window.mvkgReady is not true")
            times.append(time.perf_counter() - start)
        except Exception as exc:  # a timeout: report it, carry on with the next map
            print(f"  ({path.name}: not drawn: {type(exc).__name__}: {str(exc).splitlines()[0]})")
        finally:
            context.close()
    return (statistics.median(times) if times else None), blocked


# ---------------------------------------------------------------------------- main


def measure(size: int, folder: Path, args: argparse.Namespace, browser: Any) -> list[dict]:
    start = time.perf_counter()
    store = write_graph(folder / f"graph-{size}.db", size, args.seed)
    written = time.perf_counter() - start
    rows = []
    try:
        links = Analytics(store).link_graph(LinkFilter())
        print(
            f"\n{size:,} organisations, {len(links.links):,} links "
            f"(generated and written in {written:.1f} s)"
        )
        print_header(browser is not None)
        for kind, request in requests_for(store).items():
            row = {"orgs": size, "links": len(links.links), "kind": kind}
            row.update(time_render(store, request, args.repeat))
            page = folder / f"{kind}-{size}.html"
            page.write_text(row.pop("html"), encoding="utf-8")
            if browser is not None:
                row["ready_s"], row["blocked"] = time_load(browser, page, args.repeat)
            rows.append(row)
            print_row(row, browser is not None)
    finally:
        store.close()
    return rows


def print_header(browser: bool) -> None:
    extra = f" {'ready s':>8}" if browser else ""
    print(
        f"{'orgs':>7} {'kind':13} {'cold s':>7} {'warm s':>7} {'HTML KB':>8} "
        f"{'nodes':>6} {'edges':>6} {'reduced':>7}{extra}"
    )


def print_row(row: dict[str, Any], browser: bool) -> None:
    extra = ""
    if browser:
        ready = row.get("ready_s")
        extra = f" {ready:>8.2f}" if ready is not None else f" {'—':>8}"
        if row.get("blocked"):
            extra += f"  BLOCKED {len(row['blocked'])} requests: {row['blocked'][:3]}"
    print(
        f"{row['orgs']:>7,} {row['kind']:13} {row['cold_s']:>7.2f} {row['warm_s']:>7.2f} "
        f"{row['bytes'] / 1024:>8,.0f} {row['nodes']:>6,} {row['edges']:>6,} "
        f"{'yes' if row['reduced'] else 'no':>7}{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [parse_size(s) for s in text.split(",")],
        default=list(DEFAULT_SIZES),
        help="organisations per graph, comma-separated (100,1k,10k)",
    )
    parser.add_argument("--quick", action="store_true", help="100 and 1k only, one run each")
    parser.add_argument("--repeat", type=int, default=3, help="runs per map (the median is shown)")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser load times")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    sizes = [s for s in args.sizes if s <= 1_000] if args.quick else sorted(args.sizes)
    if args.quick:
        args.repeat = 1
    assert set(MAP_KINDS) == {"ecosystem", "cross-border", "ego", "stronghold", "path"}
    print(
        f"map benchmark: render_map (cold = fresh Analytics, warm = cached link graph), "
        f"HTML size, browser time to mvkgReady; median of {args.repeat}; "
        f"{LINKS_PER_ORG} collaborations per organisation"
    )
    rows: list[dict[str, Any]] = []
    with offline_browser(not args.no_browser) as browser, tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            rows.extend(measure(size, Path(tmp), args, browser))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
