"""Plain keyword-only functions behind the CLI commands and the API: no I/O formatting here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph.model import Merge, Organisation
from graph.store import GraphFilter, GraphStore, open_store
from ingest.demo import demo_data_dir, load_demo, read_demo
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
    """Write the bundled demo graph to the store: the demo tables, the registry extract through
    the ROR loader and entity resolution, then the news items through the news loader and the
    NLP pipeline (their collaborations, people and mentions). Returns the reports and counts."""
    with opened_store(store_url) as store:
        reports = [load_demo(store=store)]
        registry = demo_data_dir() / "registry" / "ror_v2_extract.json"
        reports.append(ingest_paths(source="ror", paths=[registry], store=store))
        news = demo_data_dir() / "news.jsonl"
        reports.append(
            ingest_paths(source="news", paths=[news], store=store, transform=news_transform(store))
        )
        return reports, store.counts().to_dict()


def cross_border_summary(*, store_url: str, maps_dir: Path, brokers: int = 5) -> dict[str, Any]:
    """What `mvkg demo` ends with: the border matrix, the top cross-border brokers, and the
    cross-border and ecosystem maps written to `maps_dir` — all from one link graph."""
    from graph.analytics.service import Analytics

    with opened_store(store_url) as store:
        analytics = Analytics(store)
        matrix = analytics.run("border-matrix").model_dump(mode="json")
        top = analytics.run("brokers", limit=brokers).model_dump(mode="json")
        maps = [
            _write_map(analytics, maps_dir / f"{kind}.html", filters={}, kind=kind)[0]
            for kind in ("cross-border", "ecosystem")
        ]
        return {"border_matrix": matrix, "brokers": top, "maps": maps}


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
        transform = news_transform(store) if source == "news" else registry_topics()
        return ingest_paths(
            source=source,
            paths=paths,
            store=store,
            rejects_file=rejects_file,
            progress=progress,
            transform=transform,
        )


def build_extractor(store: GraphStore | None) -> Any:
    """The NLP extractor with a gazetteer of the organisations in the store; without a store,
    of the region's organisations bundled with the demo (so that `mvkg extract` knows Novo
    Nordisk and Lund University on a fresh machine). Linked ids then name demo nodes."""
    from nlp.pipeline import Extractor

    if store is None:
        nodes = read_demo(demo_data_dir()).nodes
    else:
        nodes = list(store.projection(GraphFilter.of(labels=["Organisation"])).nodes.values())
    # Organisations known only from earlier news are left out: otherwise reading the same
    # news again would link what it first created and find more, and re-ingesting the same
    # input must change nothing. They are still matched by name when written.
    return Extractor.build(
        n for n in nodes if isinstance(n, Organisation) and set(n.sources) != {"news"}
    )


def registry_topics() -> Any:
    from nlp.graphing import RegistryTopics

    return RegistryTopics()


def news_transform(store: GraphStore) -> Any:
    from nlp.graphing import NewsToGraph

    return NewsToGraph(build_extractor(store))


def extract_lines(
    *, store_url: str | None, lines: Iterable[str], n_process: int = 1
) -> Iterator[dict[str, Any]]:
    """`mvkg extract`: JSON lines {id, text, language?, date?} in, contract dicts out, in input
    order; a bad line gives {"id", "error"} and the rest goes on. Nothing is written."""
    if store_url is not None:
        with opened_store(store_url) as store:
            extractor = build_extractor(store)
    else:
        extractor = build_extractor(None)
    parsed = [
        _parse_line(number, line) for number, line in enumerate(lines, start=1) if line.strip()
    ]
    valid = [item for item in parsed if "error" not in item]
    results = extractor.extract_many(
        ((item["id"], item["text"], item.get("language")) for item in valid), n_process=n_process
    )
    for item in parsed:
        if "error" in item:
            yield item
            continue
        extraction = next(results)
        error = getattr(extraction, "error", None)
        yield {"id": extraction.id, "error": error} if error else extraction.to_contract()


def _parse_line(number: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": f"line {number}: not JSON ({exc})"}
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return {"id": None, "error": f"line {number}: needs an object with a string 'text'"}
    item.setdefault("id", f"line-{number}")
    return item


def evaluate_file(*, store_url: str | None, path: Path) -> Any:
    """`mvkg eval`: run the extractor over a labelled file and score it against the gold."""
    from nlp.evaluate import load_gold, score

    gold = load_gold(path)
    lines = (json.dumps({k: v for k, v in item.items() if k != "gold"}) for item in gold)
    predicted = list(extract_lines(store_url=store_url, lines=lines))
    return score(gold, predicted)


def list_merges(*, store_url: str, include_undone: bool = True) -> list[Merge]:
    with opened_store(store_url) as store:
        return store.merges(include_undone=include_undone)


def undo_merge(*, store_url: str, merge_id: str) -> Merge:
    with opened_store(store_url) as store:
        return store.undo_merge(merge_id)


def analyze(
    *, store_url: str, measure: str, filters: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Run one analytics measure on the store; the result as JSON-ready data."""
    from graph.analytics.links import LinkFilter
    from graph.analytics.service import Analytics

    with opened_store(store_url) as store:
        result = Analytics(store).run(measure, link_filter=LinkFilter.of(**filters), **params)
        return result.model_dump(mode="json")


def write_map(*, store_url: str, path: Path, filters: dict[str, Any], **request: Any) -> Any:
    """Render one map (see viz.maps.MapRequest for `request`) and write it to `path`."""
    from graph.analytics.service import Analytics

    with opened_store(store_url) as store:
        return _write_map(Analytics(store), path, filters=filters, **request)[1]


def _write_map(
    analytics: Any, path: Path, *, filters: dict[str, Any], **request: Any
) -> tuple[Path, Any]:
    from graph.analytics.links import LinkFilter
    from viz.maps import MapRequest, render_map

    map_request = MapRequest(link_filter=LinkFilter.of(**filters), **request)
    # The caption names the store's kind, never its URL: that may hold a password.
    rendered = render_map(analytics, map_request, source=f"{analytics.store.kind} store")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rendered.html, encoding="utf-8")
    return path, rendered


def export_graph(
    *, store_url: str, fmt: str, out: Path, graph_filter: dict[str, Any], base: str
) -> list[Path]:
    """Write an export of the (filtered) graph; returns the files written."""
    from graph.interchange.formats import export_files

    name = {"jsonld": "json-ld", "ttl": "turtle"}.get(fmt.lower(), fmt.lower())
    with opened_store(store_url) as store:
        return export_files(store, name, out, GraphFilter.of(**graph_filter), base=base)


def import_rdf(*, store_url: str, path: Path, fmt: str | None, base: str) -> dict[str, int]:
    """Read an RDF export back into the store."""
    from graph.interchange.rdf import from_rdf, parse

    suffixes = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}
    name = fmt or suffixes.get(path.suffix.lower(), "turtle")
    name = {"jsonld": "json-ld"}.get(name, name)
    graph = parse(path.read_bytes(), name)
    with opened_store(store_url) as store:
        return from_rdf(graph, store, base=base)


def run_sparql_query(
    *, store_url: str, query: str, timeout_s: float, max_rows: int, base: str
) -> dict[str, Any]:
    from graph.interchange.rdf import to_rdf
    from graph.interchange.sparql import run_sparql

    with opened_store(store_url) as store:
        graph = to_rdf(store, base=base)
    return run_sparql(graph, query, timeout_s=timeout_s, max_rows=max_rows)
