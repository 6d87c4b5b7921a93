"""Write throughput of the two stores on the same batch, side by side in one run.

10,000 organisations and 50,000 collaborations (each with evidence) are generated once, then
written to a fresh SQLite file and to Neo4j (the test server from tests/, or NEO4J_URI), and
written a second time (the idempotent re-ingest path: read, merge, write). Prints rows/s for
each store and their ratio. Goals: >= 50,000 rows/s on SQLite, >= 10,000 rows/s on Neo4j.

    make bench            # or: .venv/bin/python bench/store_bench.py [--orgs N --relations M]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from graph.model import Organisation, Relation  # noqa: E402
from graph.store import GraphStore, open_store  # noqa: E402
from graph.synthetic import collaborations, organisations  # noqa: E402


@contextmanager
def neo4j_url() -> Iterator[str]:
    if os.environ.get("NEO4J_URI"):
        from urllib.parse import quote, urlsplit

        parts = urlsplit(os.environ["NEO4J_URI"])
        user = quote(os.environ.get("NEO4J_USER", "neo4j"), safe="")
        password = quote(os.environ.get("NEO4J_PASSWORD", ""), safe="")
        yield f"{parts.scheme}://{user}:{password}@{parts.netloc}"
        return
    from neo4j_server import Neo4jTestServer

    # The tests' defaults favour start-up time (C1 JIT only, 512 MB heap); a throughput
    # measurement wants the server JIT and room for 10,000-row transactions.
    server = Neo4jTestServer(java_opts=("-Xmx2g", "-XX:+UseParallelGC"))
    server.start()
    try:
        yield f"bolt://{server.user}:{server.password}@{server.uri.split('://', 1)[1]}"
    finally:
        server.stop()


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(store: GraphStore, orgs: list[Organisation], rels: list[Relation]) -> dict[str, float]:
    # Warm-up on a tenth of the batch (JIT, caches, connection pool), then a clean start.
    warm = {o.id: o for o in orgs[: len(orgs) // 10]}
    store.upsert_nodes(warm.values())
    store.upsert_relations(r for r in rels if r.source in warm and r.target in warm)
    store.clear()
    rows = len(orgs) + len(rels)
    first_nodes = timed(lambda: store.upsert_nodes(orgs))
    first_rels = timed(lambda: store.upsert_relations(rels))
    again = timed(lambda: (store.upsert_nodes(orgs), store.upsert_relations(rels)))
    counts = store.counts()
    assert counts.nodes.get("Organisation") == len(orgs), counts
    assert counts.relations.get("COLLABORATES_WITH") == len(rels), counts
    first = first_nodes + first_rels
    return {
        "rows": rows,
        "nodes_per_s": round(len(orgs) / first_nodes),
        "relations_per_s": round(len(rels) / first_rels),
        "rows_per_s": round(rows / first),
        "reingest_rows_per_s": round(rows / again),
        "seconds": round(first, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--relations", type=int, default=50_000)
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    args = parser.parse_args()

    orgs = organisations(args.orgs)
    rels = list(collaborations(orgs, args.relations))
    results: dict[str, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_store(f"sqlite:///{tmp}/bench.db") as sqlite_store,
    ):
        results["sqlite"] = measure(sqlite_store, orgs, rels)
    with neo4j_url() as url, open_store(url) as neo4j_store:
        results["neo4j"] = measure(neo4j_store, orgs, rels)
    ratio = results["sqlite"]["rows_per_s"] / results["neo4j"]["rows_per_s"]
    if args.json:
        print(json.dumps({**results, "sqlite_over_neo4j": round(ratio, 2)}, indent=2))
        return
    print(
        f"store benchmark: {args.orgs:,} organisations + {args.relations:,} relations with evidence"
    )
    print(
        f"{'store':8} {'rows/s':>10} {'nodes/s':>10} {'rels/s':>10} {'re-ingest rows/s':>17} {'seconds':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:8} {r['rows_per_s']:>10,} {r['nodes_per_s']:>10,} {r['relations_per_s']:>10,} "
            f"{r['reingest_rows_per_s']:>17,} {r['seconds']:>8}"
        )
    print(f"ratio sqlite/neo4j (rows/s, same batch, same run): {ratio:.2f}")
    print(
        f"goals: sqlite >= 50,000 rows/s: {'met' if results['sqlite']['rows_per_s'] >= 50_000 else 'NOT met'}; "
        f"neo4j >= 10,000 rows/s: {'met' if results['neo4j']['rows_per_s'] >= 10_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
