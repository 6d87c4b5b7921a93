"""The mvkg command line, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def test_demo_then_stats_json(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/graph.db"
    maps = tmp_path / "maps"
    result = runner.invoke(app, ["demo", "--store", store, "--maps-dir", str(maps)])
    assert result.exit_code == 0, result.output
    assert "rejected 0" in result.output
    assert "mvkg serve" in result.output  # tells what to do next
    # It ends with the border matrix, the top cross-border brokers and the two maps.
    assert "Border matrix" in result.output and "Top cross-border brokers" in result.output
    assert "Lund University" in result.output
    for kind in ("cross-border", "ecosystem"):
        assert (maps / f"{kind}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert (maps / f"{kind}.html").as_uri() in result.output.replace("\n", "")

    stats = runner.invoke(app, ["stats", "--store", store, "--json"])
    assert stats.exit_code == 0, stats.output
    counts = json.loads(stats.output)
    assert set(counts) == {"nodes", "relations", "organisations_by_country"}
    assert 60 <= counts["nodes"]["Organisation"] <= 150
    assert counts["organisations_by_country"]["DK"] >= 30
    assert counts["organisations_by_country"]["SE"] >= 30
    assert counts["relations"]["COLLABORATES_WITH"] >= 40

    again = runner.invoke(app, ["demo", "--store", store, "--maps-dir", str(maps)])
    assert again.exit_code == 0, again.output
    assert json.loads(runner.invoke(app, ["stats", "--store", store, "--json"]).output) == counts


def test_store_from_environment(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("MVKG_STORE", f"sqlite:///{tmp_path}/env.db")
    assert runner.invoke(app, ["demo"]).exit_code == 0
    assert (tmp_path / "env.db").is_file()


def test_bad_store_url_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--store", "postgres://x"])
    assert result.exit_code == 1
    assert "sqlite:///path/to/graph.db" in result.output


def test_unreachable_neo4j_is_a_clear_error() -> None:
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    result = runner.invoke(app, ["stats", "--store", "bolt://neo4j:s3cret-pass@127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach Neo4j" in result.output
    assert "s3cret-pass" not in result.output


def test_unsafe_settings_are_refused(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("MVKG_HOST", "0.0.0.0")
    monkeypatch.delenv("MVKG_API_KEYS", raising=False)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "MVKG_API_KEYS" in result.output
