"""API latency under concurrent load: p50/p95/max and throughput per endpoint.

The API runs as its own process (uvicorn, one worker, on a free 127.0.0.1 port) over a fresh
embedded SQLite store holding the 100k-relation generated graph (`--demo`: the demo graph). After
a warm-up, `--clients` threads, each with its own HTTP connection, fire `--requests` requests at
each endpoint: `GET /organisations/{id}` with random ids, and `GET /analysis/border-matrix`
(cached per graph version after its first, cold request, which is reported separately).

    make bench            # or: .venv/bin/python bench/api_bench.py [--demo] [--clients 8]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from graph.store import GraphFilter, open_store  # noqa: E402
from graph.synthetic import clustered_graph  # noqa: E402

REQUEST_TIMEOUT = 600.0  # the first analysis request builds the link graph


def build_store(db_path: Path, *, demo: bool, relations: int, seed: int) -> dict[str, Any]:
    start = time.perf_counter()
    url = f"sqlite:///{db_path}"
    if demo:
        from api.services import build_demo

        build_demo(store_url=url)
    else:
        nodes, generated = clustered_graph(relations, seed=seed)
        with open_store(url) as store:
            store.upsert_nodes(nodes)
            store.upsert_relations(generated)
    with open_store(url) as store:
        ids = sorted(store.projection(GraphFilter.of(labels=["Organisation"])).nodes)
        counts = store.counts()
    return {
        "seconds": time.perf_counter() - start,
        "org_ids": ids,
        "nodes": sum(counts.nodes.values()),
        "relations": sum(counts.relations.values()),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def api_server(db_path: Path, workdir: Path) -> Iterator[str]:
    """The API in a subprocess; yields its base URL once /health answers."""
    port = free_port()
    env = {**os.environ, "MVKG_STORE": f"sqlite:///{db_path}"}
    env.pop("MVKG_API_KEYS", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    command = [
        sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    log = (workdir / "server.log").open("w")
    # The working directory is the temporary one, so that no .env of the checkout applies.
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.flush()
                raise RuntimeError(
                    f"the API exited with {process.returncode}:\n"
                    + (workdir / "server.log").read_text()[-3000:]
                )
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API did not answer /health within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Load:
    """Concurrent clients, one connection each (thread-local), recording every latency."""

    def __init__(self, base: str, clients: int) -> None:
        self.base, self.clients = base, clients
        self._local = threading.local()
        self._all: list[httpx.Client] = []
        self._lock = threading.Lock()

    def _client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self.base, timeout=REQUEST_TIMEOUT)
            self._local.client = client
            with self._lock:
                self._all.append(client)
        return client

    def get(self, path: str) -> tuple[float, int]:
        start = time.perf_counter()
        status = self._client().get(path).status_code
        return time.perf_counter() - start, status

    def run(self, paths: list[str]) -> dict[str, Any]:
        with ThreadPoolExecutor(self.clients) as pool:
            start = time.perf_counter()
            results = list(pool.map(self.get, paths))
            wall = time.perf_counter() - start
        latencies = sorted(t for t, _ in results)
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
        statuses: dict[int, int] = {}
        for _, status in results:
            statuses[status] = statuses.get(status, 0) + 1
        return {
            "requests": len(results),
            "errors": sum(n for s, n in statuses.items() if s >= 400),
            "statuses": statuses,
            "p50": cuts[49],
            "p95": cuts[94],
            "max": latencies[-1],
            "per_s": len(results) / wall,
        }

    def close(self) -> None:
        for client in self._all:
            client.close()


def scenarios(org_ids: list[str], seed: int) -> dict[str, Callable[[], str]]:
    rng = random.Random(seed)
    return {
        "GET /organisations/{id}": lambda: f"/organisations/{quote(rng.choice(org_ids), safe=':')}",
        "GET /analysis/border-matrix": lambda: "/analysis/border-matrix",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="the demo graph instead")
    parser.add_argument("--relations", type=int, default=100_000, help="generated graph size")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    parser.add_argument("--warmup", type=int, default=40, help="warm-up requests per endpoint")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        db_path = workdir / "api.db"
        graph = "the demo graph" if args.demo else f"a generated graph of {args.relations:,}"
        print(f"building {graph} ...", flush=True)
        built = build_store(db_path, demo=args.demo, relations=args.relations, seed=args.seed)
        with api_server(db_path, workdir) as base:
            load = Load(base, args.clients)
            try:
                cold, status = load.get("/analysis/border-matrix")
                if status != 200:
                    print(f"warning: the first /analysis/border-matrix answered {status}")
                results = {}
                for name, make in scenarios(built["org_ids"], args.seed).items():
                    load.run([make() for _ in range(args.warmup)])
                    results[name] = load.run([make() for _ in range(args.requests)])
            finally:
                load.close()

    source = "demo graph" if args.demo else f"generated graph, {args.relations:,} relations"
    print(
        f"\nAPI benchmark ({source}: {built['nodes']:,} nodes, {built['relations']:,} relations, "
        f"built in {built['seconds']:.1f} s); uvicorn, 1 worker, SQLite store; "
        f"{args.clients} concurrent clients, {args.requests} requests each endpoint after "
        f"{args.warmup} warm-up"
    )
    print(
        f"{'endpoint':30} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'max ms':>8} {'req/s':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:30} {r['requests']:>8} {r['errors']:>7} {r['p50'] * 1000:>8.1f} "
            f"{r['p95'] * 1000:>8.1f} {r['max'] * 1000:>8.1f} {r['per_s']:>7.0f}"
        )
        if r["errors"]:
            print(f"{'':30} statuses: {r['statuses']}")
    print(f"first (cold) /analysis/border-matrix: {cold:.2f} s, status {status}")


if __name__ == "__main__":
    main()
