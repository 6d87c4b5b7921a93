"""`mvkg map`, as a user runs it, on the hand-worked graph of tests/small_graphs.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_graphs import build_cross_border_graph
from typer.testing import CliRunner

from api.cli import MAP_KIND_NAMES, app
from graph.store.sqlite import SqliteStore
from viz.maps import MAP_KINDS

runner = CliRunner()


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    store = SqliteStore(tmp_path / "graph.db")
    build_cross_border_graph(store)
    store.close()
    return f"sqlite:///{tmp_path}/graph.db"


def test_every_kind_writes_a_self_contained_page(store_url: str, tmp_path: Path) -> None:
    assert MAP_KIND_NAMES == MAP_KINDS
    extra = {"ego": ["--org", "org:t:d1"], "path": ["--org", "org:t:u1", "--target", "org:t:s2"]}
    for kind in MAP_KINDS:
        out = tmp_path / "maps" / f"{kind}.html"
        args = ["map", kind, "--store", store_url, "--out", str(out), *extra.get(kind, [])]
        if kind == "stronghold":
            continue  # the hand-worked graph has no topics; tests/viz covers strongholds
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        html = out.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in html and "https://cdn" not in html
        assert f"Wrote {out}" in result.output.replace("\n", "")


def test_filters_reach_the_map_and_its_caption(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "news.html"
    result = runner.invoke(
        app, ["map", "ecosystem", "--layer", "news", "--store", store_url, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "news" in result.output  # the caption states the filter


def test_bad_requests_exit_with_a_message(store_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["map", "globe", "--store", store_url])
    assert result.exit_code == 1 and "map kind" in result.output
    result = runner.invoke(app, ["map", "ego", "--store", store_url])
    assert result.exit_code == 1 and "org" in result.output
