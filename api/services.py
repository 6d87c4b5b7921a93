"""Plain keyword-only functions behind the CLI commands and the API: no I/O formatting here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph.model import Merge
from graph.store import GraphStore, open_store
from ingest.demo import demo_data_dir, load_demo
from ingest.pipeline import Progress, ingest_paths
from ingest.report import IngestReport


@contextmanager
def opened_store(url: str) -> Iterator[GraphStore]:
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


def build_demo(*, store_url: str) -> tuple[list[IngestReport], dict[str, Any]]:
    """Write the bundled demo graph to the store: the demo tables, then the registry extract
    through the ROR loader and entity resolution. Returns the reports and the counts."""
    with opened_store(store_url) as store:
        reports = [load_demo(store=store)]
        registry = demo_data_dir() / "registry" / "ror_v2_extract.json"
        reports.append(ingest_paths(source="ror", paths=[registry], store=store))
        return reports, store.counts().to_dict()


def graph_stats(*, store_url: str) -> dict[str, Any]:
    with opened_store(store_url) as store:
        return store.counts().to_dict()


def ingest_files(
    *,
    store_url: str,
    source: str,
    paths: list[Path],
    rejects_file: Path | None,
    progress: Progress | None = None,
) -> IngestReport:
    with opened_store(store_url) as store:
        return ingest_paths(
            source=source, paths=paths, store=store, rejects_file=rejects_file, progress=progress
        )


def list_merges(*, store_url: str, include_undone: bool = True) -> list[Merge]:
    with opened_store(store_url) as store:
        return store.merges(include_undone=include_undone)


def undo_merge(*, store_url: str, merge_id: str) -> Merge:
    with opened_store(store_url) as store:
        return store.undo_merge(merge_id)
