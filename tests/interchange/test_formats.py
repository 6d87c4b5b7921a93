"""GraphML, GEXF, CSV and JSON exports of the demo graph."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from graph.interchange.errors import InterchangeError
from graph.interchange.formats import export_bytes, export_files
from graph.store.base import GraphFilter
from graph.store.sqlite import SqliteStore
from ingest.demo import load_demo


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path_factory.mktemp("formats") / "demo.db")
    load_demo(store=store)
    yield store
    store.close()


def test_graphml_opens_in_networkx_with_the_projection(demo_store: SqliteStore) -> None:
    sub = demo_store.projection()
    data, media_type = export_bytes(demo_store, "graphml")
    assert media_type == "application/graphml+xml"
    graph = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    assert graph.number_of_nodes() == len(sub.nodes)
    assert graph.number_of_edges() == len(sub.edges)
    for node_id, node in sub.nodes.items():
        attrs = graph.nodes[node_id]
        assert attrs["name"] == node.name and attrs["type"] == node.label
        if node.label == "Organisation":
            assert attrs["kind"] == node.kind.value
            assert attrs.get("country") == node.country
            assert attrs.get("lat") == node.lat and attrs.get("lon") == node.lon
    edges = {data["id"]: data for _, _, data in graph.edges(data=True)}
    for edge in sub.edges:
        attrs = edges[edge.id]
        assert attrs["type"] == edge.type
        assert attrs.get("subtype") == edge.subtype
        assert attrs["confidence"] == pytest.approx(edge.confidence)
        assert attrs.get("first_seen") == edge.first_seen
        assert attrs["evidence"] >= 1


def test_gexf_opens_in_networkx(demo_store: SqliteStore) -> None:
    sub = demo_store.projection(GraphFilter.of(relation_types=["COLLABORATES_WITH"]))
    data, _ = export_bytes(demo_store, "gexf", GraphFilter.of(relation_types=["COLLABORATES_WITH"]))
    graph = nx.read_gexf(io.BytesIO(data))
    assert graph.number_of_nodes() == len(sub.nodes)
    assert graph.number_of_edges() == len(sub.edges)


def test_csv_files_are_kumu_shaped(demo_store: SqliteStore, tmp_path: Path) -> None:
    paths = export_files(demo_store, "csv", tmp_path / "demo.csv")
    assert [p.name for p in paths] == ["demo.nodes.csv", "demo.edges.csv"]
    nodes = list(csv.DictReader(paths[0].open(encoding="utf-8")))
    edges = list(csv.DictReader(paths[1].open(encoding="utf-8")))
    sub = demo_store.projection()
    assert len(nodes) == len(sub.nodes) and len(edges) == len(sub.edges)
    assert {"Label", "Type"} <= set(nodes[0]) and {"From", "To", "Type"} <= set(edges[0])
    ids = {row["ID"] for row in nodes}
    assert all(row["From"] in ids and row["To"] in ids for row in edges)


def test_json_subgraph(demo_store: SqliteStore) -> None:
    data, _ = export_bytes(
        demo_store, "json", GraphFilter.of(countries=["SE"], labels=["Organisation"])
    )
    document = json.loads(data)
    assert document["nodes"] and all(n["country"] == "SE" for n in document["nodes"])
    ids = {n["id"] for n in document["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in document["edges"])


def test_rdf_formats_go_through_the_same_entry_point(
    demo_store: SqliteStore, tmp_path: Path
) -> None:
    [path] = export_files(demo_store, "turtle", tmp_path / "g.ttl")
    assert path.read_text(encoding="utf-8").startswith("@prefix")


def test_unknown_format_is_refused(demo_store: SqliteStore) -> None:
    with pytest.raises(InterchangeError, match="graphml"):
        export_bytes(demo_store, "xlsx")
