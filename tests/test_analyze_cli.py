"""`mvkg analyze`, as a user runs it, on the hand-worked graph of tests/small_graphs.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_graphs import build_cross_border_graph
from typer.testing import CliRunner

from api.cli import MEASURE_NAMES, app
from graph.analytics.service import MEASURES
from graph.store.sqlite import SqliteStore

runner = CliRunner()


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    store = SqliteStore(tmp_path / "graph.db")
    build_cross_border_graph(store)
    store.close()
    return f"sqlite:///{tmp_path}/graph.db"


def _run(*args: str) -> object:
    result = runner.invoke(app, ["analyze", *args])
    assert result.exit_code == 0, result.output
    return result


def test_border_matrix_json_has_the_documented_shape(store_url: str) -> None:
    body = json.loads(_run("border-matrix", "--store", store_url, "--json").output)
    assert body["groups"] == ["DK", "SE", "US", "unknown"]
    dk_se = next(p for p in body["pairs"] if (p["a"], p["b"]) == ("DK", "SE"))
    assert dk_se | {"weight": None} == {
        "a": "DK", "b": "SE", "links": 4, "organisations_a": 3, "organisations_b": 2,
        "weight": None,
    }  # fmt: skip


def test_cross_border_json_has_the_documented_shape(store_url: str) -> None:
    output = _run("cross-border", "--a", "DK", "--b", "SE", "--store", store_url, "--json")
    links = json.loads(output.output)["links"]
    assert len(links) == 4
    for link in links:
        assert set(link["a"]) >= {"id", "name", "country"} and link["a"]["country"] == "DK"
        assert link["b"]["country"] == "SE"
        assert link["types"] and link["evidence"] and link["first_seen"] and link["last_seen"]


def test_filters_and_readable_output(store_url: str) -> None:
    body = json.loads(
        _run("border-matrix", "--layer", "news", "--store", store_url, "--json").output
    )
    assert next(p["links"] for p in body["pairs"] if (p["a"], p["b"]) == ("DK", "SE")) == 2
    table = _run("ei-index", "--store", store_url).output
    assert "ei: 0.25" in table and "Org S1" in table


def test_every_measure_runs_from_the_command_line(store_url: str) -> None:
    assert set(MEASURE_NAMES) == set(MEASURES)
    for name in MEASURE_NAMES:
        extra = ["--source", "org:t:d1", "--target", "org:t:s2"] if name == "paths" else []
        _run(name, "--store", store_url, *extra)


def test_bad_input_exits_with_a_message(store_url: str) -> None:
    result = runner.invoke(app, ["analyze", "gravity", "--store", store_url])
    assert result.exit_code == 1 and "unknown measure" in result.output
    result = runner.invoke(app, ["analyze", "border-matrix", "--a", "DK", "--store", store_url])
    assert result.exit_code == 1 and "does not take" in result.output
