"""The `mvkg` command line. Each command is a thin wrapper over a function in `api.services`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError as SettingsError
from rich.console import Console
from rich.table import Table

from api.settings import Settings
from graph.errors import GraphError
from ingest.errors import IngestError

app = typer.Typer(
    name="mvkg",
    help="mvkg: the knowledge graph of the Medicon Valley life-science cluster.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="sqlite:///path/to/graph.db (default ./mvkg-data/graph.db) or "
        "neo4j://user:password@host:7687. Also read from MVKG_STORE.",
        show_default=False,
    ),
]


def _settings(store: str | None = None, **overrides: object) -> Settings:
    values = {k: v for k, v in {"store": store, **overrides}.items() if v is not None}
    try:
        return Settings(**values)
    except SettingsError as exc:
        messages = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        err_console.print(f"[red]Settings refused:[/red] {messages}")
        raise typer.Exit(2) from None


def _fail(exc: Exception) -> typer.Exit:
    err_console.print(f"[red]Error:[/red] {exc}")
    return typer.Exit(1)


@app.command()
def demo(
    store: StoreOption = None,
    maps_dir: Annotated[
        Path, typer.Option(help="Where to write the demo's cross-border and ecosystem maps.")
    ] = Path("mvkg-data/maps"),
) -> None:
    """Build the demo graph from the bundled demo data (offline) and print a summary."""
    from api.services import build_demo, cross_border_summary

    settings = _settings(store)
    try:
        with console.status("Building the demo graph…"):
            reports, counts = build_demo(store_url=settings.store)
    except (GraphError, IngestError) as exc:
        raise _fail(exc) from exc
    console.print(f"[bold]Demo graph written to[/bold] {settings.redacted_store}")
    for report in reports:
        console.print(
            f"{report.source}: read {report.read} records, accepted {report.accepted}, "
            f"merged {report.merged}, rejected {report.rejected}; wrote "
            f"{report.nodes_written} nodes and {report.relations_written} relations"
        )
        for reject in report.rejects[:10]:
            console.print(f"  [yellow]rejected[/yellow] {reject.where}: {reject.reason}")
    _print_counts(counts)
    try:
        summary = cross_border_summary(store_url=settings.store, maps_dir=maps_dir)
    except GraphError as exc:
        raise _fail(exc) from exc
    _print_border_matrix(summary["border_matrix"])
    _print_brokers(summary["brokers"])
    for path in summary["maps"]:
        console.print(f"Map: {path.resolve().as_uri()}")
    console.print(
        "\nNext: [bold]mvkg analyze cross-border[/bold] for the DK-SE links and their evidence, "
        "[bold]mvkg analyze --help[/bold] for every measure; start the API with "
        "[bold]mvkg serve[/bold] (or [bold]make serve[/bold]) and open "
        "http://127.0.0.1:8000/docs."
    )


@app.command()
def stats(
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
) -> None:
    """Count nodes per label, relations per type and organisations per country."""
    from api.services import graph_stats

    settings = _settings(store)
    try:
        counts = graph_stats(store_url=settings.store)
    except GraphError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(counts, indent=2, ensure_ascii=False))
    else:
        _print_counts(counts)


@app.command()
def ingest(
    source: Annotated[
        str, typer.Argument(help="ror, cordis, ctgov, gleif, cvr, openalex, interreg, eufunds")
    ],
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to load", exists=False)],
    store: StoreOption = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="Where to write rejected records (JSON Lines); default mvkg-data/rejects/SOURCE.jsonl"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load registry files into the graph, resolving organisations across sources.

    Exit status: 0 when every record was accepted, 3 when some were rejected (see the rejects
    file), 1 on an error that stopped the load.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from api.services import ingest_files

    settings = _settings(store)
    rejects_file = rejects or Path("mvkg-data") / "rejects" / f"{source}.jsonl"
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=err_console, transient=True, disable=as_json,
        ) as bar:  # fmt: skip
            task = bar.add_task(f"ingesting {source}", total=None)
            report = ingest_files(
                store_url=settings.store,
                source=source,
                paths=paths,
                rejects_file=rejects_file,
                progress=lambda n: bar.update(
                    task, description=f"ingesting {source}: {n:,} records"
                ),
            )
    except (GraphError, IngestError) as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        console.print(
            f"[bold]{source}[/bold]: read {report.read:,}, accepted {report.accepted:,}, "
            f"merged into existing organisations {report.merged:,}, rejected {report.rejected:,}"
        )
        for reject in report.rejects[:10]:
            console.print(f"  [yellow]rejected[/yellow] {reject.where}: {reject.reason}")
        if report.rejected:
            console.print(f"all rejects: {rejects_file}")
    if report.rejected:
        raise typer.Exit(3)


OptionalStore = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Link organisations against this graph (MVKG_STORE); without it and without "
        "MVKG_STORE, no gazetteer of known organisations is used.",
        show_default=False,
    ),
]


@app.command()
def extract(
    input_file: Annotated[
        Path | None,
        typer.Option("--input", help="JSON Lines {id, text, language?, date?}; default stdin"),
    ] = None,
    output_file: Annotated[
        Path | None, typer.Option("--output", help="Where to write JSON Lines; default stdout")
    ] = None,
    store: OptionalStore = None,
    n_process: Annotated[int, typer.Option(min=1, max=8, help="Worker processes")] = 1,
) -> None:
    """Extract organisations, people, places and relations from texts, without writing to the
    graph: one output line per input line (bad lines give {"id", "error"})."""
    import sys

    from api.services import extract_lines

    store_url = _store_for_linking(store)
    source = input_file.open(encoding="utf-8") if input_file else sys.stdin
    target = output_file.open("w", encoding="utf-8") if output_file else sys.stdout
    try:
        for result in extract_lines(store_url=store_url, lines=source, n_process=n_process):
            target.write(json.dumps(result, ensure_ascii=False) + "\n")
    except GraphError as exc:
        raise _fail(exc) from exc
    finally:
        if input_file:
            source.close()
        if output_file:
            target.close()


@app.command(name="eval")
def evaluate(
    gold_file: Annotated[Path, typer.Argument(help="Labelled JSON Lines (id, text, gold)")],
    store: OptionalStore = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
) -> None:
    """Precision, recall and F1 of the extraction on a labelled file: organisations, people,
    places, relations (typed and untyped), per language."""
    from api.services import evaluate_file

    try:
        report = evaluate_file(store_url=_store_for_linking(store), path=gold_file)
    except (GraphError, OSError, ValueError) as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    typer.echo(report.format_table())


def _store_for_linking(store: str | None) -> str | None:
    import os

    if store is None and "MVKG_STORE" not in os.environ:
        return None
    return _settings(store).store


@app.command()
def merges(
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
    undo: Annotated[
        str | None, typer.Option(help="Undo this merge (its id); it stays undone on re-ingest.")
    ] = None,
) -> None:
    """List why organisation records were merged (rule, score, sources), or undo one."""
    from api.services import list_merges, undo_merge

    settings = _settings(store)
    try:
        if undo:
            merge = undo_merge(store_url=settings.store, merge_id=undo)
            console.print(
                f"undone: {merge.merged_name} ({merge.merged_id}) is apart from {merge.canonical_id}"
            )
            return
        found = list_merges(store_url=settings.store)
    except GraphError as exc:
        raise _fail(exc) from exc
    if as_json:
        rows = [
            {"id": m.id, "canonical_id": m.canonical_id, "merged_id": m.merged_id,
             "merged_name": m.merged_name, "rule": m.rule, "score": m.score,
             "sources": list(m.sources), "record": m.record, "undone": m.undone}
            for m in found
        ]  # fmt: skip
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(found)} merges", title_justify="left")
    for column in ("id", "record name", "into", "rule", "score", "sources", "undone"):
        table.add_column(column)
    for m in found:
        table.add_row(m.id, m.merged_name, m.canonical_id, m.rule, f"{m.score:.2f}",
                      ", ".join(m.sources), "yes" if m.undone else "")  # fmt: skip
    console.print(table)


# Link filters shared by `analyze` and `map` (see graph.analytics.links.LinkFilter).
LayerOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Only links from these layers: news, ownership, eu_projects, trials, "
        "publications, projects. Repeat for several."
    ),
]
TypeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        help="Only these link types (partnership, licensing, …, subsidiary, co_participation). "
        "Repeat for several.",
    ),
]
SinceOption = Annotated[
    str | None, typer.Option(help="Links active from this date (YYYY[-MM[-DD]]).")
]
UntilOption = Annotated[str | None, typer.Option(help="Links active up to this date.")]
MinConfidenceOption = Annotated[float | None, typer.Option(help="Drop evidence below this.")]
KindOption = Annotated[list[str] | None, typer.Option(help="Only organisations of these kinds.")]
CountryOption = Annotated[
    list[str] | None, typer.Option(help="Only organisations of these countries.")
]
GroupingOption = Annotated[
    str | None, typer.Option(help="Groups: country (default), region or kind.")
]


def _filters(
    layer: list[str] | None,
    link_type: list[str] | None,
    since: str | None,
    until: str | None,
    min_confidence: float | None,
    kind: list[str] | None,
    country: list[str] | None,
) -> dict[str, object]:
    return {
        "layers": layer, "types": link_type, "since": since, "until": until,
        "min_confidence": min_confidence, "kinds": kind, "countries": country,
    }  # fmt: skip


MEASURE_NAMES = (
    "border-matrix",
    "cross-border",
    "ei-index",
    "brokers",
    "communities",
    "strongholds",
    "opportunities",
    "opportunity-evaluation",
    "paths",
    "reach",
    "trends",
)


@app.command()
def analyze(
    name: Annotated[str, typer.Argument(help=f"The measure: {', '.join(MEASURE_NAMES)}.")],
    store: StoreOption = None,
    grouping: GroupingOption = None,
    a: Annotated[str | None, typer.Option("--a", help="First group (default DK).")] = None,
    b: Annotated[str | None, typer.Option("--b", help="Second group (default SE).")] = None,
    layer: LayerOption = None,
    link_type: TypeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    min_confidence: MinConfidenceOption = None,
    kind: KindOption = None,
    country: CountryOption = None,
    limit: Annotated[int | None, typer.Option(help="Rows to return.")] = None,
    offset: Annotated[int | None, typer.Option(help="Rows to skip (lists).")] = None,
    sort: Annotated[str | None, typer.Option(help="Sort key, where the measure has one.")] = None,
    per_year: Annotated[
        bool, typer.Option("--per-year", help="border-matrix: also per year.")
    ] = False,
    source: Annotated[str | None, typer.Option(help="paths: from this organisation id.")] = None,
    target: Annotated[str | None, typer.Option(help="paths: to this organisation id.")] = None,
    split_year: Annotated[
        int | None, typer.Option(help="opportunity-evaluation: first held-out year.")
    ] = None,
    home: Annotated[
        list[str] | None, typer.Option(help="reach: the home countries (default DK and SE).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
) -> None:
    """Cross-border analytics: border matrix, cross-border links, E-I index, brokers,
    communities, strongholds, opportunities, paths, international reach and trends."""
    from api.services import analyze as run_measure

    settings = _settings(store)
    filters = _filters(layer, link_type, since, until, min_confidence, kind, country)
    params = {
        "grouping": grouping, "a": a, "b": b, "limit": limit, "offset": offset, "sort": sort,
        "per_year": per_year or None, "source": source, "target": target,
        "split_year": split_year, "home": home,
    }  # fmt: skip
    params = {k: v for k, v in params.items() if v is not None}
    try:
        result = run_measure(store_url=settings.store, measure=name, filters=filters, params=params)
    except GraphError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print_result(name, result)


def _print_result(name: str, result: dict[str, object]) -> None:
    """A readable rendering of any measure: its scalar fields, then its main list as a table."""
    console.print(f"[bold]{name}[/bold]")
    for key, value in result.items():
        if isinstance(value, str | int | float | bool) or value is None:
            console.print(f"{key}: {value}")
    for key, value in result.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            _print_rows(key, value[:25])
            if len(value) > 25:
                console.print(f"… {len(value) - 25} more (use --json or --limit)")


_LONG_FIELDS = frozenset({"reason", "relations", "evidence", "growth"})


def _print_rows(title: str, rows: list[dict[str, object]]) -> None:
    flat = [_flatten(row) for row in rows]
    # Narrow terminals: the first few informative columns; long texts go below the table.
    columns = [
        c
        for c in flat[0]
        if c not in _LONG_FIELDS and any(r.get(c) not in (None, "", []) for r in flat)
    ][:7]
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in flat:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(table)
    for index, row in enumerate(flat, 1):
        if row.get("reason"):
            console.print(f"{index}. {row['reason']}")


def _flatten(row: dict[str, object]) -> dict[str, object]:
    """Organisation references become their names; other nested objects are left out."""
    flat: dict[str, object] = {}
    for key, value in row.items():
        if isinstance(value, dict) and "name" in value:
            flat[key] = value["name"]
        elif isinstance(value, dict):
            continue
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            flat[key] = ", ".join(str(v.get("name", v.get("text", ""))) for v in value[:3])
        else:
            flat[key] = value
    return flat


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


MAP_KIND_NAMES = ("ecosystem", "cross-border", "ego", "stronghold", "path")


@app.command(name="map")
def draw_map(
    kind: Annotated[str, typer.Argument(help=f"The map: {', '.join(MAP_KIND_NAMES)}.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="HTML file to write (default mvkg-map-KIND.html).")
    ] = None,
    store: StoreOption = None,
    org: Annotated[str | None, typer.Option(help="ego: the centre; path: the source.")] = None,
    target: Annotated[str | None, typer.Option(help="path: the target organisation id.")] = None,
    hops: Annotated[int, typer.Option(help="ego: steps from the centre (1-3).")] = 1,
    topic: Annotated[
        str | None, typer.Option(help="stronghold: the topic (also filters other maps).")
    ] = None,
    size_by: Annotated[
        str, typer.Option(help="Node size: degree, betweenness or brokerage.")
    ] = "degree",
    max_nodes: Annotated[
        int, typer.Option(help="Above this many organisations the map is reduced.")
    ] = 1_500,
    aggregate: Annotated[
        str, typer.Option(help="How to reduce: top, community, city or kind.")
    ] = "top",
    grouping: GroupingOption = None,
    layer: LayerOption = None,
    link_type: TypeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    min_confidence: MinConfidenceOption = None,
    kind_filter: Annotated[
        list[str] | None, typer.Option("--kind", help="Only organisations of these kinds.")
    ] = None,
    country: CountryOption = None,
) -> None:
    """Write a self-contained HTML network map (opens offline in any browser)."""
    from api.services import write_map

    settings = _settings(store)
    path = out or Path(f"mvkg-map-{kind}.html")
    request = {
        "kind": kind, "org": org, "target": target, "hops": hops, "topic": topic,
        "size_by": size_by, "max_nodes": max_nodes, "aggregate": aggregate,
        "grouping": grouping or "country",
    }  # fmt: skip
    filters = _filters(layer, link_type, since, until, min_confidence, kind_filter, country)
    try:
        rendered = write_map(store_url=settings.store, path=path, filters=filters, **request)
    except GraphError as exc:
        raise _fail(exc) from exc
    console.print(f"[bold]{rendered.title}[/bold]")
    console.print(rendered.caption)
    console.print(f"Wrote {path} ({rendered.nodes:,} organisations, {rendered.edges:,} links)")


EXPORT_FORMAT_NAMES = ("turtle", "jsonld", "nt", "graphml", "gexf", "csv", "json")


@app.command(name="export")
def export_graph(
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(EXPORT_FORMAT_NAMES)}.")],
    out: Annotated[Path, typer.Option("--out", help="File to write (csv: two files).")],
    store: StoreOption = None,
    label: Annotated[
        list[str] | None, typer.Option(help="Only these node labels (Organisation, …).")
    ] = None,
    relation_type: Annotated[
        list[str] | None, typer.Option("--relation-type", help="Only these relation types.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    min_confidence: MinConfidenceOption = None,
    kind: KindOption = None,
    country: CountryOption = None,
    base: Annotated[
        str | None, typer.Option(help="Base of the RDF URIs (default MVKG_RDF_BASE).")
    ] = None,
) -> None:
    """Export the graph (or a filtered part) as RDF, GraphML, GEXF, CSV or JSON."""
    from api.services import export_graph as run_export

    settings = _settings(store)
    graph_filter = {
        "labels": label, "relation_types": relation_type, "since": since, "until": until,
        "min_confidence": min_confidence, "kinds": kind, "countries": country,
    }  # fmt: skip
    try:
        written = run_export(
            store_url=settings.store, fmt=fmt, out=out, graph_filter=graph_filter,
            base=base or settings.rdf_base,
        )  # fmt: skip
    except GraphError as exc:
        raise _fail(exc) from exc
    for path in written:
        console.print(f"Wrote {path} ({path.stat().st_size:,} bytes)")


@app.command(name="import")
def import_rdf(
    path: Annotated[Path, typer.Argument(help="RDF written by mvkg export (Turtle, JSON-LD, NT).")],
    store: StoreOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="turtle, jsonld or nt (default: from suffix).")
    ] = None,
    base: Annotated[str | None, typer.Option(help="Base of the RDF URIs.")] = None,
) -> None:
    """Read RDF exported by mvkg back into the store (either kind)."""
    from api.services import import_rdf as run_import

    settings = _settings(store)
    try:
        counts = run_import(
            store_url=settings.store, path=path, fmt=fmt, base=base or settings.rdf_base
        )
    except (GraphError, OSError) as exc:
        raise _fail(exc) from exc
    console.print(f"Imported {counts}")


@app.command()
def sparql(
    query: Annotated[
        str, typer.Argument(help="A SPARQL 1.1 SELECT, ASK or CONSTRUCT query, or @FILE.")
    ],
    store: StoreOption = None,
    timeout: Annotated[float, typer.Option(help="Seconds before the query is stopped.")] = 30.0,
    max_rows: Annotated[int, typer.Option(help="Most result rows.")] = 10_000,
) -> None:
    """Run a read-only SPARQL query over the graph's RDF view; prints SPARQL JSON results."""
    from api.services import run_sparql_query

    settings = _settings(store)
    text = Path(query[1:]).read_text(encoding="utf-8") if query.startswith("@") else query
    try:
        result = run_sparql_query(
            store_url=settings.store, query=text, timeout_s=timeout, max_rows=max_rows,
            base=settings.rdf_base,
        )  # fmt: skip
    except GraphError as exc:
        raise _fail(exc) from exc
    typer.echo(json.dumps(result, indent=2, ensure_ascii=False))


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str | None, typer.Option(help="Interface to bind (MVKG_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (MVKG_PORT).")] = None,
) -> None:
    """Start the HTTP API (/docs for the OpenAPI page, /health for a store check)."""
    import uvicorn

    from api.app import create_app

    settings = _settings(store, host=host, port=port)
    try:
        application = create_app(settings)
    except GraphError as exc:
        raise _fail(exc) from exc
    console.print(f"Serving {settings.redacted_store} on http://{settings.host}:{settings.port}")
    uvicorn.run(application, host=settings.host, port=settings.port, log_level="info")


def _print_border_matrix(matrix: dict) -> None:
    table = Table(title="Border matrix: links between groups", title_justify="left")
    for column in ("a", "b", "links", "organisations a", "organisations b"):
        table.add_column(column, justify="left" if len(column) == 1 else "right")
    for pair in matrix["pairs"][:12]:
        table.add_row(pair["a"], pair["b"], str(pair["links"]), str(pair["organisations_a"]),
                      str(pair["organisations_b"]))  # fmt: skip
    console.print(table)


def _print_brokers(result: dict) -> None:
    sides = " and ".join(result["sides"])
    table = Table(title=f"Top cross-border brokers ({sides})", title_justify="left")
    for column in ("organisation", "country", "border betweenness", "cross links", "brokerage"):
        table.add_column(
            column, justify="left" if column in ("organisation", "country") else "right"
        )
    for row in result["brokers"]:
        table.add_row(row["org"]["name"], row["org"]["country"] or "",
                      f"{row['border_betweenness']:.3f}", str(row["cross_border_degree"]),
                      str(row["total_brokerage"]))  # fmt: skip
    console.print(table)


def _print_counts(counts: dict[str, dict[str, int]]) -> None:
    table = Table(title="What the graph holds", title_justify="left")
    table.add_column("group")
    table.add_column("name")
    table.add_column("count", justify="right")
    for title, key in (
        ("nodes", "nodes"),
        ("relations", "relations"),
        ("organisations", "organisations_by_country"),
    ):
        for index, (name, number) in enumerate(counts[key].items()):
            table.add_row(title if index == 0 else "", name, f"{number:,}")
        table.add_section()
    console.print(table)
