"""Open a local HTML map in headless Chromium, offline, and record everything it tries.

Debian's Chromium (or MVKG_CHROMIUM) is driven by Playwright; no browser is downloaded. Every
request the page makes goes through a route that lets only `file:`, `data:` and `blob:` URLs
through and aborts (and records) everything else; every request is also recorded as it is made,
together with web sockets, console errors, uncaught page errors and dialogs (an `alert` firing
means a script from the data ran). A test then asserts that nothing left the page.

Without Playwright or Chromium the tests skip with a reason, unless MVKG_REQUIRE_BROWSER=1 (set
by .ci/run), which turns that skip into a failure (like MVKG_REQUIRE_NEO4J in conftest.py).

    from browser_support import browser_fixture, browser_page_fixture  # the fixtures

    def test_map(browser_page: MapPage) -> None:
        seconds = browser_page.open_map(path, limit=10)
        browser_page.assert_clean()
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

VIEWPORT = {"width": 1280, "height": 800}
ALLOWED_SCHEMES = ("file:", "data:", "blob:")
DEFAULT_LIMIT = 15.0  # seconds until window.mvkgReady, unless a test says otherwise
# Belt and braces: even a request that slipped past the route could resolve no host name.
LAUNCH_ARGS = ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"]


def browser_required() -> bool:
    return os.environ.get("MVKG_REQUIRE_BROWSER", "") in ("1", "true", "yes")


def find_chromium() -> str | None:
    """MVKG_CHROMIUM if set, else `chromium` or `chromium-browser` on the PATH."""
    configured = os.environ.get("MVKG_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail when the browser is required here."""
    if browser_required():
        pytest.fail(f"Chromium is required here (MVKG_REQUIRE_BROWSER=1) but unavailable: {reason}")
    pytest.skip(f"browser tests need Playwright and Chromium: {reason}")


# ---------------------------------------------------------------------------- one page


@dataclass
class MapPage:
    """A page in its own browser context, with what it tried recorded."""

    page: Any  # playwright.sync_api.Page
    blocked: list[str] = field(default_factory=list)  # aborted by the route
    requests: list[str] = field(default_factory=list)  # every request the page made
    sockets: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    url: str | None = None

    def open_map(self, path: Path, *, limit: float = DEFAULT_LIMIT) -> float:
        """Open `path` by its file:// URL; seconds until window.mvkgReady (fails past `limit`)."""
        self.url = path.resolve().as_uri()
        start = time.perf_counter()
        self.page.goto(self.url, wait_until="load", timeout=limit * 1000)
        left = max(0.1, limit - (time.perf_counter() - start))
        # The page sets data-mvkg-ready on <body> with window.mvkgReady. wait_for_function is not
        # used: its polling evaluates a string, which the page's Content-Security-Policy refuses.
        self.page.wait_for_selector(
            "body[data-mvkg-ready=true]", state="attached", timeout=left * 1000
        )
        seconds = time.perf_counter() - start
        assert self.page.evaluate("() => window.mvkgReady") is True, "mvkgReady is not true"
        return seconds

    def outside_requests(self) -> list[str]:
        """Requests for anything but the opened page itself (and inline data: / blob:)."""
        return [
            url
            for url in self.requests
            if url != self.url and not url.startswith(("data:", "blob:"))
        ]

    def assert_clean(self) -> None:
        """Nothing left the page, no dialog fired, no script failed."""
        assert self.outside_requests() == [], f"the page made requests: {self.outside_requests()}"
        assert self.blocked == [], f"blocked requests: {self.blocked}"
        assert self.sockets == [], f"web sockets opened: {self.sockets}"
        assert self.dialogs == [], f"dialogs fired (a script from the data ran?): {self.dialogs}"
        assert self.page_errors == [], f"uncaught errors: {self.page_errors}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"

    # ------------------------------------------------------------------ reading the map

    def canvas_ink(self) -> dict[str, int]:
        """The canvas's size, how many sampled pixels are painted, and how many of (up to 200)
        nodes are painted opaque at their centre (the backdrop is translucent, nodes are not)."""
        return self.page.evaluate(
            """() => {
              const canvas = document.querySelector('#mvkg-network canvas');
              const none = {width: 0, height: 0, sampled: 0, painted: 0, colours: 0,
                            nodes: 0, nodes_painted: 0};
              if (!canvas || !canvas.width || !canvas.height) return none;
              const ctx = canvas.getContext('2d');
              const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
              let sampled = 0, painted = 0;
              const colours = new Set();
              for (let i = 0; i < data.length; i += 4 * 7) {
                sampled += 1;
                if (data[i + 3] > 0) {
                  painted += 1;
                  if (colours.size < 64) colours.add(data[i] + ',' + data[i + 1] + ',' + data[i + 2]);
                }
              }
              const net = window.mvkgNetwork;
              const ratio = canvas.width / canvas.clientWidth;
              const ids = net.body.nodeIndices.slice(0, 200);
              const at = net.getPositions(ids);
              let nodes = 0, nodesPainted = 0;
              for (const id of ids) {
                const p = net.canvasToDOM(at[id]);
                const x = Math.round(p.x * ratio), y = Math.round(p.y * ratio);
                if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) continue;
                nodes += 1;
                if (data[(y * canvas.width + x) * 4 + 3] === 255) nodesPainted += 1;
              }
              return {width: canvas.width, height: canvas.height, sampled, painted,
                      colours: colours.size, nodes, nodes_painted: nodesPainted};
            }"""
        )

    def visible_text(self, selector: str) -> str:
        """The element's text if it is visible, else an empty string."""
        locator = self.page.locator(selector)
        if locator.count() != 1 or not locator.is_visible():
            return ""
        return locator.text_content() or ""

    def node_at_screen(self, node_id: str | None = None) -> tuple[str, float, float] | None:
        """A node and the page coordinates of its centre, where the pointer would hit it.

        With `node_id`, that node (None if it is off-screen or hidden under another one);
        otherwise the node inside the visible canvas that is farthest from every other.
        """
        return _as_hit(
            self.page.evaluate(
                """(wanted) => {
                  const net = window.mvkgNetwork;
                  const box = document.getElementById('mvkg-network').getBoundingClientRect();
                  const ids = wanted === null ? net.body.nodeIndices.slice() : [wanted];
                  const at = net.getPositions(ids);
                  const dom = ids.filter(id => at[id]).map(id => [id, net.canvasToDOM(at[id])]);
                  const inside = dom.filter(([id, p]) =>
                    p.x > 20 && p.y > 20 && p.x < box.width - 20 && p.y < box.height - 20
                    && net.getNodeAt(p) === id);
                  const all = net.getPositions();
                  const screen = Object.values(all).map(p => net.canvasToDOM(p));
                  let best = null, bestGap = -1;
                  for (const [id, p] of inside) {
                    let gap = Infinity;
                    for (const q of screen) {
                      const d = Math.hypot(p.x - q.x, p.y - q.y);
                      if (d > 0.5 && d < gap) gap = d;
                    }
                    if (gap > bestGap) { best = [id, p]; bestGap = gap; }
                  }
                  if (!best) return null;
                  return [String(best[0]), box.left + best[1].x, box.top + best[1].y];
                }""",
                node_id,
            )
        )

    def edge_at_screen(self, edge_id: str | None = None) -> tuple[str, float, float] | None:
        """An edge and the page coordinates of a point on it where no node is (its middle)."""
        return _as_hit(
            self.page.evaluate(
                """(wanted) => {
                  const net = window.mvkgNetwork;
                  const box = document.getElementById('mvkg-network').getBoundingClientRect();
                  const ids = wanted === null ? net.body.edgeIndices.slice() : [wanted];
                  for (const id of ids) {
                    const edge = net.body.edges[id];
                    if (!edge || !edge.from || !edge.to) continue;
                    for (const t of [0.5, 0.4, 0.6, 0.3, 0.7]) {
                      const p = net.canvasToDOM({
                        x: edge.from.x + (edge.to.x - edge.from.x) * t,
                        y: edge.from.y + (edge.to.y - edge.from.y) * t,
                      });
                      if (p.x < 20 || p.y < 20 || p.x > box.width - 20 || p.y > box.height - 20)
                        continue;
                      if (net.getNodeAt(p) === undefined && net.getEdgeAt(p) === id)
                        return [String(id), box.left + p.x, box.top + p.y];
                    }
                  }
                  return null;
                }""",
                edge_id,
            )
        )

    def hover(self, x: float, y: float) -> None:
        """Move the real mouse there (from a little way off, so vis sees a move onto it)."""
        self.page.mouse.move(x - 40, y - 40)
        self.page.mouse.move(x, y, steps=4)

    def tooltip(self, *, timeout: float = 5.0) -> dict[str, str]:
        """The shown tooltip: its kind, id and text (fails if none shows within `timeout`)."""
        self.page.wait_for_selector("#mvkg-tooltip:not([hidden])", timeout=timeout * 1000)
        return self.page.evaluate(
            """() => {
              const tip = document.getElementById('mvkg-tooltip');
              return {kind: tip.getAttribute('data-kind') || '', id: tip.getAttribute('data-id')
                      || '', text: tip.textContent || ''};
            }"""
        )

    def close_tooltip(self) -> None:
        self.page.keyboard.press("Escape")
        self.page.wait_for_selector("#mvkg-tooltip[hidden]", state="attached", timeout=5000)


def _as_hit(value: Any) -> tuple[str, float, float] | None:
    if value is None:
        return None
    ident, x, y = value
    return str(ident), float(x), float(y)


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session", name="browser")
def browser_fixture() -> Iterator[Any]:
    """Headless Chromium, up for the whole session."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        unavailable(f"playwright is not installed ({exc})")
    executable = find_chromium()
    if executable is None:
        unavailable("no chromium or chromium-browser on the PATH (or set MVKG_CHROMIUM)")
    manager = sync_playwright().start()
    try:
        try:
            launched = manager.chromium.launch(
                executable_path=executable, args=LAUNCH_ARGS, headless=True
            )
        except Error as exc:
            unavailable(f"{executable} would not start: {exc}")
        try:
            yield launched
        finally:
            launched.close()
    finally:
        manager.stop()


@pytest.fixture(name="browser_page")
def browser_page_fixture(browser: Any) -> Iterator[MapPage]:
    """A fresh context and page (1280 x 800) with all network blocked and recorded."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    recorder = MapPage(page)

    def route(handler_route: Any) -> None:
        url = handler_route.request.url
        if url.startswith(ALLOWED_SCHEMES):
            handler_route.continue_()
        else:
            recorder.blocked.append(url)
            handler_route.abort("blockedbyclient")

    def dialog(opened: Any) -> None:
        recorder.dialogs.append(f"{opened.type}: {opened.message}")
        opened.dismiss()

    def console(message: Any) -> None:
        if message.type == "error":
            recorder.console_errors.append(message.text)

    context.route("**/*", route)
    page.on("request", lambda request: recorder.requests.append(request.url))
    page.on("websocket", lambda socket: recorder.sockets.append(socket.url))
    page.on("console", console)
    page.on("pageerror", lambda error: recorder.page_errors.append(str(error)))
    page.on("dialog", dialog)
    try:
        yield recorder
    finally:
        context.close()
