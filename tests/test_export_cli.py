"""`mvkg export`, `mvkg import` and `mvkg sparql`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic
from small_graphs import build_cross_border_graph
from typer.testing import CliRunner

from api.cli import app
from graph.store.sqlite import SqliteStore

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_export_import_round_trip_and_sparql(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a.db")
    build_cross_border_graph(store)
    counts = store.counts().to_dict()
    store.close()
    first, second = f"sqlite:///{tmp_path}/a.db", f"sqlite:///{tmp_path}/b.db"
    _run("export", "--format", "turtle", "--out", str(tmp_path / "a.ttl"), "--store", first)
    _run("import", str(tmp_path / "a.ttl"), "--store", second)
    _run("export", "--format", "turtle", "--out", str(tmp_path / "b.ttl"), "--store", second)
    a = Graph().parse(tmp_path / "a.ttl", format="turtle")
    b = Graph().parse(tmp_path / "b.ttl", format="turtle")
    assert isomorphic(a, b)
    assert json.loads(_run("stats", "--json", "--store", second)) == counts
    for fmt, name in (("csv", "g.csv"), ("graphml", "g.graphml"), ("gexf", "g.gexf")):
        _run("export", "--format", fmt, "--out", str(tmp_path / name), "--store", first)
    assert (tmp_path / "g.nodes.csv").exists() and (tmp_path / "g.edges.csv").exists()
    answer = json.loads(_run("sparql", "ASK { ?s ?p ?o }", "--store", second))
    assert answer["boolean"] is True


def test_sparql_refuses_updates(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["sparql", "DELETE WHERE { ?s ?p ?o }", "--store", f"sqlite:///{tmp_path}/x.db"]
    )
    assert result.exit_code == 1 and "Error" in result.output
