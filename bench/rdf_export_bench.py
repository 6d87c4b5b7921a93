"""Time the Turtle export of the generated 100k-relation graph (issue 7).

    .venv/bin/python bench/rdf_export_bench.py [RELATIONS] [--store]

Without --store the relations go straight from the generator into RDF; with --store they are
first loaded into a temporary SQLite store and exported through `to_rdf` (projection plus
batched get_relations), which is what `mvkg export` does.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from graph.interchange.rdf import graph_from, serialize, to_rdf, write_rdf
from graph.store.sqlite import SqliteStore
from graph.synthetic import clustered_graph


def main(relations: int, use_store: bool) -> None:
    nodes, rels = clustered_graph(relations, seed=7)
    if use_store:
        with tempfile.TemporaryDirectory() as tmp:
            store = SqliteStore(Path(tmp) / "bench.db")
            started = time.perf_counter()
            store.upsert_nodes(nodes)
            store.upsert_relations(rels)
            print(f"load into sqlite: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            with (Path(tmp) / "bench.ttl").open("w", encoding="utf-8") as out:
                triples = write_rdf(store, out, "turtle")
            size = (Path(tmp) / "bench.ttl").stat().st_size
            print(
                f"streamed turtle (write_rdf): {triples:,} triples, {size / 1e6:.0f} MB, "
                f"{time.perf_counter() - started:.1f} s"
            )
            started = time.perf_counter()
            graph = to_rdf(store)
            built = time.perf_counter() - started
            store.close()
    else:
        rels = list(rels)
        started = time.perf_counter()
        graph = graph_from(nodes, rels)
        built = time.perf_counter() - started
    started = time.perf_counter()
    text = serialize(graph, "turtle")
    written = time.perf_counter() - started
    print(
        f"{relations} relations, {len(graph):,} triples: build {built:.1f} s, "
        f"turtle {written:.1f} s ({len(text) / 1e6:.0f} MB), total {built + written:.1f} s"
    )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 100_000, "--store" in sys.argv)
