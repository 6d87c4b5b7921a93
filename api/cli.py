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
def demo(store: StoreOption = None) -> None:
    """Build the demo graph from the bundled demo data (offline) and print a summary."""
    from api.services import build_demo

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
    console.print(
        "\nNext: [bold]mvkg stats --json[/bold] for the counts, "
        "[bold]mvkg serve[/bold] then open http://127.0.0.1:8000/docs for the API."
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
