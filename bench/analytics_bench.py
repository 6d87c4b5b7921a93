"""Cross-border analytics at scale: every measure on generated graphs, and on the H2020 sample.

For each size (10k, 100k and 1M relations by default) a clustered graph is generated
(`graph.synthetic.clustered_graph`: communities within Denmark and Sweden, sparse bridges,
direct collaborations and shared projects) and written to a fresh embedded SQLite store. Then,
in a separate process per size (so that memory is measured cleanly and a measure that runs too
long can be stopped), it times:

- the projection of the store, the link graph built from it, and its igraph view;
- the build a fresh `Analytics` does before its first answer (projection + link graph);
- every measure's compute on that built graph (a cache miss), and again cached (warm);
- cold = build + compute, what the first request to a fresh `Analytics` costs; checked against
  a genuinely fresh `Analytics` for border-matrix.

Growth between sizes is printed as a factor and as the exponent k of n^k (1 = linear). A measure
that runs longer than --timeout seconds is stopped and skipped at larger sizes, with a note. On
the smallest size it also compares igraph's betweenness with networkx's (the same numbers). On the
CORDIS H2020 sample in ../shared/data it reports the DK-SE link count and the cold time of
border-matrix and brokers (the issue's goal: under one second on the embedded store).

    make bench            # or: .venv/bin/python bench/analytics_bench.py [--quick] [--sizes 10k,100k]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing as mp
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
CORDIS = SHARED / "cordis_derived"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from graph.model import Relation  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.synthetic import clustered_graph  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
GOAL_SECONDS = 1.0
BUILD_STEPS = ("projection", "link graph", "igraph network", "service build")


# ---------------------------------------------------------------------------- the worker process
# Runs in a spawned process: opens the store, builds, answers commands from the parent.


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(action: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action(*args, **kwargs)
    return time.perf_counter() - start, result


def _pick_pair(links: Any, seed: int) -> tuple[str, str] | None:
    """A Danish and a Swedish organisation with links, for `paths` (deterministic)."""
    linked = sorted(links.linked_orgs())
    dk = [i for i in linked if links.orgs[i].country == "DK"]
    se = [i for i in linked if links.orgs[i].country == "SE"]
    if not dk or not se:
        return None
    rng = random.Random(seed)
    return rng.choice(dk), rng.choice(se)


def _dk_se(result: Any) -> int | None:
    for pair in getattr(result, "pairs", []):
        if {pair.a, pair.b} == {"DK", "SE"}:
            return pair.links
    return None


def _worker(conn: Any, db_path: str, seed: int) -> None:
    store = open_store(f"sqlite:///{db_path}")
    state: dict[str, Any] = {"store": store, "seed": seed}
    commands = {"build": _build, "measure": _measure, "cold": _cold, "betweenness": _betweenness}
    while True:
        command, *args = conn.recv()
        if command == "stop":
            break
        try:
            conn.send(("ok", commands[command](state, *args)))
        except Exception as exc:  # reported to the parent, which goes on with the next measure
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    store.close()


def _build(state: dict[str, Any]) -> dict[str, Any]:
    """Times the projection, the link graph and igraph's view separately, then the build of a
    fresh Analytics, which is kept for the measures."""
    from graph.analytics.links import LinkFilter, LinkGraph, projection_filter
    from graph.analytics.network import Network
    from graph.analytics.service import MEASURES, Analytics

    store = state["store"]
    state.pop("analytics", None)
    t_proj, sub = _timed(store.projection, projection_filter())
    t_links, links = _timed(LinkGraph.from_subgraph, sub)
    del sub
    t_net, _ = _timed(Network.of, links)
    info = {
        "organisations": len(links.linked_orgs()),
        "links": len(links.links),
        "contributions": sum(len(k.contributions) for k in links.links.values()),
        "pair": _pick_pair(links, state["seed"]),
    }
    del links
    analytics = state["analytics"] = Analytics(store)
    t_build, _ = _timed(analytics.link_graph, LinkFilter())
    return {
        "projection": t_proj,
        "link graph": t_links,
        "igraph network": t_net,
        "service build": t_build,
        "rss_mb": _rss_mb(),
        "measures": {n: list(m.params) for n, m in MEASURES.items()},
        **info,
    }


def _measure(state: dict[str, Any], name: str, params: dict[str, Any]) -> dict[str, Any]:
    """A cache miss on the built link graph (compute), then the same again (warm)."""
    analytics = state["analytics"]
    t_compute, result = _timed(analytics.run, name, **params)
    t_warm, _ = _timed(analytics.run, name, **params)
    return {"compute": t_compute, "warm": t_warm, "dk_se": _dk_se(result)}


def _cold(
    state: dict[str, Any], names: list[str], params: dict[str, Any], repeat: int
) -> dict[str, Any]:
    """`names` in turn on a fresh Analytics (projection and link graph built), `repeat` times."""
    from graph.analytics.service import Analytics

    times, dk_se = [], None
    for _ in range(repeat):
        fresh = Analytics(state["store"])
        start = time.perf_counter()
        found = {n: fresh.run(n, **params.get(n, {})) for n in names}
        times.append(time.perf_counter() - start)
        dk_se = _dk_se(found.get("border-matrix"))
        del fresh, found
    return {"seconds": statistics.median(times), "runs": times, "dk_se": dk_se}


def _betweenness(state: dict[str, Any]) -> dict[str, Any]:
    """igraph vs networkx, exact unweighted betweenness on the same link graph."""
    import networkx as nx

    from graph.analytics.links import LinkGraph
    from graph.analytics.network import Network

    state.pop("analytics", None)
    links = LinkGraph.from_store(state["store"])
    network = Network.of(links)
    t_igraph, ig_values = _timed(network.graph.betweenness, directed=False)
    nx_graph = nx.Graph()
    nx_graph.add_nodes_from(network.ids)
    nx_graph.add_edges_from(links.links)
    t_nx, nx_values = _timed(nx.betweenness_centrality, nx_graph, normalized=False)
    difference = max(abs(ig_values[i] - nx_values[org]) for i, org in enumerate(network.ids))
    return {
        "vertices": network.graph.vcount(),
        "edges": network.graph.ecount(),
        "igraph": t_igraph,
        "networkx": t_nx,
        "max_difference": difference,
    }


class Worker:
    """A spawned worker over one store file, restarted when a command runs out of time."""

    def __init__(self, db_path: Path, seed: int) -> None:
        self.db_path, self.seed = db_path, seed
        self.process: Any = None
        self.conn: Any = None

    def start(self) -> None:
        context = mp.get_context("spawn")
        parent, child = context.Pipe()
        self.process = context.Process(
            target=_worker, args=(child, str(self.db_path), self.seed), daemon=True
        )
        self.process.start()
        child.close()
        self.conn = parent

    def call(self, timeout: float, *command: Any) -> tuple[str, Any]:
        """("ok", value), ("error", message) or ("timeout", None) (the worker is then gone)."""
        if self.process is None:
            self.start()
        self.conn.send(command)
        if not self.conn.poll(timeout):
            self.kill()
            return "timeout", None
        try:
            return self.conn.recv()
        except EOFError:
            self.kill()
            return "error", "the worker process died (out of memory?)"

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
        self.process = self.conn = None

    def stop(self) -> None:
        if self.process is not None:
            self.conn.send(("stop",))
            self.process.join(30)
            self.kill()


# ---------------------------------------------------------------------------- the parent


class TimedIterator:
    """Wraps the relation generator and adds up the time spent generating."""

    def __init__(self, items: Iterator[Relation]) -> None:
        self.items, self.seconds, self.count = items, 0.0, 0

    def __iter__(self) -> Iterator[Relation]:
        while True:
            start = time.perf_counter()
            try:
                item = next(self.items)
            except StopIteration:
                self.seconds += time.perf_counter() - start
                return
            self.seconds += time.perf_counter() - start
            self.count += 1
            yield item


def load(size: int, db_path: Path, seed: int) -> dict[str, Any]:
    start = time.perf_counter()
    nodes, relations = clustered_graph(size, seed=seed)
    t_nodes = time.perf_counter() - start
    timed = TimedIterator(relations)
    with open_store(f"sqlite:///{db_path}") as store:
        start = time.perf_counter()
        store.upsert_nodes(nodes)
        store.upsert_relations(timed)
        total = time.perf_counter() - start
        counts = store.counts()
    assert sum(counts.relations.values()) == size == timed.count, counts
    return {
        "nodes": len(nodes),
        "generate": t_nodes + timed.seconds,
        "write": total - timed.seconds,
        "write_rows_per_s": (len(nodes) + size) / (total - timed.seconds),
    }


def measure_size(
    size: int, db_path: Path, args: argparse.Namespace, skip: dict[str, str]
) -> dict[str, Any]:
    """Build and time every measure on one store; `skip` collects measures too slow to retry."""
    worker = Worker(db_path, args.seed)
    row: dict[str, Any] = {"size": size, "measures": {}, "notes": []}
    try:
        # First, in the new process: border-matrix on a fresh Analytics, nothing else in memory.
        status, value = worker.call(long_timeout(args), "cold", ["border-matrix"], {}, 1)
        if status == "ok":
            row["fresh_border_matrix"] = value["seconds"]
        status, built = worker.call(long_timeout(args), "build")
        if status != "ok":
            row["notes"].append(f"build: {status} {built or ''}".strip())
            return row
        row["build"] = built
        for name in built["measures"]:
            params: dict[str, Any] = {}
            if name == "paths":
                if built["pair"] is None:
                    row["notes"].append("paths: no DK and SE organisations with links")
                    continue
                params = {"source": built["pair"][0], "target": built["pair"][1]}
            if name in skip:
                row["measures"][name] = {"skipped": skip[name]}
                row["notes"].append(f"{name}: skipped ({skip[name]})")
                continue
            if worker.process is None:  # restarted after a timeout: build again
                worker.call(long_timeout(args), "build")
            status, value = worker.call(args.timeout, "measure", name, params)
            if status == "ok":
                value["cold"] = built["service build"] + value["compute"]
                row["measures"][name] = value
            elif status == "timeout":
                reason = f"over {args.timeout:g} s at {label(size)}"
                skip[name] = reason
                row["measures"][name] = {"skipped": reason}
                row["notes"].append(f"{name}: stopped after {args.timeout:g} s")
            else:
                row["measures"][name] = {"error": value}
                row["notes"].append(f"{name}: {value}")
        if args.betweenness:
            status, value = worker.call(long_timeout(args), "betweenness")
            row["betweenness"] = value if status == "ok" else {"error": status, "detail": value}
    finally:
        worker.stop()
    return row


def long_timeout(args: argparse.Namespace) -> float:
    """For builds and cold runs (which include starting the process): a generous multiple."""
    return max(120.0, 3 * args.timeout)


def predicted_skips(rows: list[dict[str, Any]], size: int, timeout: float) -> dict[str, str]:
    """Measures whose compute, grown only linearly from the last size, would exceed the timeout."""
    if not rows:
        return {}
    last = rows[-1]
    found = {}
    for name, value in last["measures"].items():
        if "compute" in value:
            estimate = value["compute"] * size / last["size"]
            if estimate > timeout:
                found[name] = f"~{estimate:.3g} s predicted from {label(last['size'])}"
    return found


def measure_h2020(args: argparse.Namespace) -> dict[str, Any] | None:
    if not CORDIS.is_dir():
        return {"missing": str(CORDIS)}
    from api.services import ingest_files

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "h2020.db"
        start = time.perf_counter()
        report = ingest_files(
            store_url=f"sqlite:///{db_path}", source="cordis", paths=[CORDIS], rejects_file=None
        )
        ingest = time.perf_counter() - start
        worker = Worker(db_path, args.seed)
        result: dict[str, Any] = {"records": report.read, "ingest": ingest}
        try:
            for key, names in (
                ("border-matrix", ["border-matrix"]),
                ("brokers", ["brokers"]),
                ("border-matrix + brokers", ["border-matrix", "brokers"]),
            ):
                status, value = worker.call(long_timeout(args), "cold", names, {}, 3)
                result[key] = value if status == "ok" else {"error": value or status}
            status, built = worker.call(long_timeout(args), "build")
            if status != "ok":
                result["error"] = built or status
                return result
            result["build"] = built
        finally:
            worker.stop()
        return result


# ---------------------------------------------------------------------------- printing


def label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.5f}"


def growth(small: float | None, large: float | None, ratio: float) -> str:
    if not small or not large or small < 1e-4:
        return "-"
    factor = large / small
    return f"x{factor:.1f} n^{math.log(factor) / math.log(ratio):.2f}"


def table(
    title: str, rows: list[dict[str, Any]], names: Iterable[str], get: Any, columns: list[str]
) -> None:
    sizes = [r["size"] for r in rows]
    print(f"\n{title}")
    header = f"{'':24}" + "".join(f"{label(s) + ' ' + c:>13}" for s in sizes for c in columns)
    pairs = list(itertools.pairwise(rows))
    header += "".join(f"{label(b['size']) + '/' + label(a['size']):>18}" for a, b in pairs)
    print(header)
    for name in names:
        line = f"{name:24}"
        values = []
        for row in rows:
            for column in columns:
                value = get(row, name, column)
                line += f"{value if isinstance(value, str) else seconds(value):>13}"
            values.append(get(row, name, columns[0]))
        for (a, b), (x, y) in zip(pairs, itertools.pairwise(values), strict=True):
            ok = isinstance(x, float) and isinstance(y, float)
            line += f"{growth(x, y, b['size'] / a['size']) if ok else '-':>18}"
        print(line)


def measure_value(row: dict[str, Any], name: str, column: str) -> float | str | None:
    value = row["measures"].get(name)
    if value is None:
        return None
    if "skipped" in value:
        return "skipped"
    if "error" in value:
        return "error"
    return value[column]


def print_report(
    loads: list[dict[str, Any]], rows: list[dict[str, Any]], h2020: dict[str, Any] | None
) -> None:
    print(
        "\nanalytics benchmark: clustered graphs on the embedded SQLite store (seconds); "
        f"code {git_revision()}"
    )
    print(
        f"{'size':>8} {'nodes':>9} {'orgs linked':>12} {'links':>10} {'contributions':>14}"
        f" {'generate':>9} {'write':>8} {'rows/s':>8} {'peak MB':>8}"
    )
    for load_row, row in zip(loads, rows, strict=True):
        b = row.get("build", {})
        print(
            f"{label(row['size']):>8} {load_row['nodes']:>9,} {b.get('organisations', 0):>12,}"
            f" {b.get('links', 0):>10,} {b.get('contributions', 0):>14,}"
            f" {load_row['generate']:>9.1f} {load_row['write']:>8.1f}"
            f" {load_row['write_rows_per_s']:>8,.0f} {b.get('rss_mb', 0):>8,.0f}"
        )
    built = [r for r in rows if "build" in r]
    if built:
        table(
            "building (once per graph version)",
            built,
            BUILD_STEPS,
            lambda row, name, _: row["build"].get(name),
            ["s"],
        )
        names = list(built[-1]["build"]["measures"])
        table(
            "measures: cold = fresh Analytics (service build + compute), warm = cached",
            built,
            names,
            measure_value,
            ["cold", "warm"],
        )
        table(
            "measures: compute alone, on a built link graph (growth of compute)",
            built,
            names,
            measure_value,
            ["compute"],
        )
        print()
        for row in built:
            fresh = row.get("fresh_border_matrix")
            bm = row["measures"].get("border-matrix", {})
            if fresh is not None and "cold" in bm:
                print(
                    f"{label(row['size'])}: border-matrix on a fresh Analytics in a new process "
                    f"{seconds(fresh)} s (service build + compute above: {seconds(bm['cold'])} s);"
                    f" DK-SE links {bm.get('dk_se')}"
                )
    for row in rows:
        for note in row["notes"]:
            print(f"note {label(row['size'])}: {note}")
    for row in rows:
        bw = row.get("betweenness")
        if bw and "error" not in bw:
            print(
                f"\nbetweenness on the {label(row['size'])} graph ({bw['vertices']:,} organisations,"
                f" {bw['edges']:,} links), exact, unweighted: igraph {seconds(bw['igraph'])} s, "
                f"networkx {seconds(bw['networkx'])} s: networkx/igraph "
                f"x{bw['networkx'] / bw['igraph']:,.0f} (max difference {bw['max_difference']:.2g})"
            )
        elif bw:
            print(f"\nbetweenness comparison failed: {bw}")
    if h2020 is None:
        print("\nH2020 sample: skipped (--no-h2020)")
        return
    if "missing" in h2020:
        print(f"\nH2020 sample: not found at {CORDIS}")
        return
    print(
        f"\nH2020 sample (CORDIS derived, {h2020['records']:,} records, ingested in "
        f"{h2020['ingest']:.2f} s):"
    )
    if "error" in h2020:
        print(f"  failed: {h2020['error']}")
        return
    b = h2020["build"]
    print(
        f"  {b['organisations']:,} organisations with links, {b['links']:,} links; projection "
        f"{seconds(b['projection'])} s, link graph {seconds(b['link graph'])} s"
    )
    for key in ("border-matrix", "brokers", "border-matrix + brokers"):
        value = h2020[key]
        if "error" in value:
            print(f"  {key}: {value['error']}")
            continue
        verdict = "under" if value["seconds"] < GOAL_SECONDS else "NOT under"
        runs = ", ".join(seconds(t) for t in value["runs"])
        print(
            f"  {key:24} cold, including projection: {seconds(value['seconds'])} s "
            f"(median of {runs}): {verdict} {GOAL_SECONDS:.0f} s"
        )
    dk_se = h2020["border-matrix"].get("dk_se")
    print(f"  DK-SE links (border-matrix): {dk_se if dk_se is not None else 'n/a'}")


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "graph", "api"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head or 'unknown'}{' + uncommitted changes' if dirty else ''}"


# ---------------------------------------------------------------------------- main


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: [parse_size(x) for x in s.split(",")],
        default=list(DEFAULT_SIZES),
        help="relations per generated graph, comma-separated (10k,100k,1M)",
    )
    parser.add_argument("--quick", action="store_true", help="10k only (and the H2020 sample)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a measure may take")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-h2020", action="store_true", help="skip the H2020 sample")
    parser.add_argument("--no-networkx", action="store_true", help="skip igraph vs networkx")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else sorted(args.sizes)

    loads, rows = [], []
    skip: dict[str, str] = {}
    for number, size in enumerate(sizes):
        args.betweenness = number == 0 and not args.no_networkx
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "bench.db"
            print(f"{label(size)}: generating and writing ...", flush=True)
            loads.append(load(size, db_path, args.seed))
            print(f"{label(size)}: measuring ...", flush=True)
            # Measures stopped or predicted too slow at a smaller size stay skipped.
            skip = {**predicted_skips(rows, size, args.timeout), **skip}
            rows.append(measure_size(size, db_path, args, skip))
    h2020 = None if args.no_h2020 else measure_h2020(args)
    print_report(loads, rows, h2020)
    if args.json:
        args.json.write_text(
            json.dumps({"loads": loads, "sizes": rows, "h2020": h2020}, indent=2, default=str)
        )


if __name__ == "__main__":
    main()
