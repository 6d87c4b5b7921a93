"""Plain keyword-only functions behind the CLI commands and the API: no I/O formatting here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graph.store import GraphStore, open_store
from ingest.demo import load_demo
from ingest.report import IngestReport


@contextmanager
def opened_store(url: str) -> Iterator[GraphStore]:
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


def build_demo(*, store_url: str) -> tuple[IngestReport, dict[str, Any]]:
    """Write the bundled demo graph to the store; returns the load report and the counts."""
    with opened_store(store_url) as store:
        report = load_demo(store=store)
        return report, store.counts().to_dict()


def graph_stats(*, store_url: str) -> dict[str, Any]:
    with opened_store(store_url) as store:
        return store.counts().to_dict()
