"""From loader to store: resolve entities, place organisations, write in batches, report.

loader -> Extract (one source record) -> entity resolution (graph.resolve) -> geography
(region, Medicon Valley membership, LOCATED_IN a Place) -> batched upserts -> IngestReport.
A relation whose end cannot be written is rejected with its record, never dropped silently.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from graph.errors import DanglingRelationError, GraphError
from graph.merge import merge_node
from graph.model import Merge, Node, Organisation, Relation, RelType
from graph.resolve import Resolver
from graph.store import GraphStore
from ingest.base import Extract, Loader, record_evidence
from ingest.errors import IngestError, SourceNotFoundError
from ingest.geography import default_gazetteer, enrich
from ingest.report import IngestReport

LOADERS: dict[str, str] = {
    "ror": "ingest.ror:load_ror",
    "cordis": "ingest.cordis:load_cordis",
    "ctgov": "ingest.ctgov:load_ctgov",
    "gleif": "ingest.gleif:load_gleif",
    "cvr": "ingest.cvr:load_cvr",
    "openalex": "ingest.openalex:load_openalex",
    "interreg": "ingest.interreg:load_interreg",
    "eufunds": "ingest.eufunds:load_eufunds",
    "news": "ingest.news:load_news",
}
DEFAULT_BATCH = 5_000
Progress = Callable[[int], None]
# A step between loader and writer, e.g. the NLP extraction of news (composed by the caller so
# that ingest never imports the layers after it).
Transform = Callable[[Iterable[Extract]], Iterable[Extract]]


def loader_for(source: str) -> Loader:
    target = LOADERS.get(source)
    if target is None:
        raise IngestError(f"unknown source {source!r}; choose one of {', '.join(sorted(LOADERS))}")
    module_name, function = target.split(":")
    return getattr(importlib.import_module(module_name), function)  # type: ignore[no-any-return]


def ingest_paths(
    *,
    source: str,
    paths: Iterable[Path],
    store: GraphStore,
    rejects_file: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH,
    transform: Transform | None = None,
) -> IngestReport:
    """Load every path with the source's loader into the store; returns the report."""
    loader = loader_for(source)
    paths = list(paths)
    for path in paths:
        if not path.exists():
            raise SourceNotFoundError(f"{path} does not exist")
    report = IngestReport(source=source)
    writer = _Writer(store, report, Resolver.from_store(store), batch_size)
    for path in paths:
        extracts: Iterable[Extract] = loader(path, report)
        if transform is not None:
            extracts = transform(extracts)
        for extract in extracts:
            writer.add(extract)
            if progress:
                progress(report.read)
    writer.flush()
    store.record_merges(writer.merges)
    if rejects_file is not None:
        write_rejects(report, rejects_file)
    return report


def write_rejects(report: IngestReport, path: Path) -> None:
    """One JSON object per rejected record: where it is and why (JSON Lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for reject in report.rejects:
            line = {"source": report.source, "where": reject.where, "reason": reject.reason}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


class _Writer:
    """Buffers resolved extracts and writes them in batches (nodes before relations)."""

    def __init__(
        self, store: GraphStore, report: IngestReport, resolver: Resolver, batch_size: int
    ) -> None:
        self.store, self.report, self.resolver = store, report, resolver
        self.batch_size = batch_size
        self.nodes: dict[str, Node] = {}
        self.relations: list[tuple[Relation, str]] = []
        self.merges: list[Merge] = []
        self._gazetteer = default_gazetteer()

    def add(self, extract: Extract) -> None:
        renamed: dict[str, str] = {}
        for node in extract.nodes:
            if isinstance(node, Organisation):
                resolved, merge = self.resolver.resolve(node)
                if merge is not None:
                    self.merges.append(dataclasses.replace(merge, record=extract.record))
                    self.report.merged += 1
                renamed[node.id] = resolved.id
                node = self._place(resolved, extract)
            self._keep(node)
        for rel in extract.relations:
            try:
                self.relations.append((self._repoint(rel, renamed), extract.where))
            except GraphError as exc:
                self.report.reject(extract.where, f"relation {rel.type}: {exc}")
        if len(self.nodes) + len(self.relations) >= self.batch_size:
            self.flush()

    def _place(self, org: Organisation, extract: Extract) -> Organisation:
        placed, place = enrich(org, self._gazetteer)
        if place is not None:
            self._keep(place)
            evidence = record_evidence(extract.record, extractor="mvkg-geography")
            self.relations.append(
                (
                    Relation(type=RelType.LOCATED_IN, source=placed.id, target=place.id,
                             evidence=[evidence]),
                    extract.where,
                )
            )  # fmt: skip
        return placed

    def _keep(self, node: Node) -> None:
        known = self.nodes.get(node.id)
        self.nodes[node.id] = merge_node(known, node) if known is not None else node

    def _repoint(self, rel: Relation, renamed: dict[str, str]) -> Relation:
        source = self.resolver.canonical_id(renamed.get(rel.source, rel.source))
        target = self.resolver.canonical_id(renamed.get(rel.target, rel.target))
        if (source, target) == (rel.source, rel.target):
            return rel
        return dataclasses.replace(rel, source=source, target=target, id="")

    def flush(self) -> None:
        if self.nodes:
            self.report.nodes_written += self.store.upsert_nodes(list(self.nodes.values()))
            self.nodes.clear()
        if self.relations:
            self._write_relations(self.relations)
            self.relations = []

    def _write_relations(self, batch: list[tuple[Relation, str]]) -> None:
        try:
            self.report.relations_written += self.store.upsert_relations(r for r, _ in batch)
        except DanglingRelationError as exc:
            # Write all the others, and reject the ones whose ends are not in the store.
            good = [(r, w) for r, w in batch if r.id not in exc.missing]
            for rel, where in batch:
                if rel.id in exc.missing:
                    missing = ", ".join(exc.missing[rel.id])
                    self.report.reject(where, f"{rel.type} refers to unknown node(s) {missing}")
            if good:
                self._write_relations(good)
