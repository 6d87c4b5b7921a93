"""The bundled demo: real organisations of Medicon Valley, their projects and ties, some news.

The files under `ingest/data/demo/` were written for mvkg from public facts (see the README
there); rows and news items that illustrate rather than quote are marked `illustrative`. The
demo always runs offline.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from graph.errors import GraphError
from graph.model import (
    Document,
    DocumentKind,
    Evidence,
    Organisation,
    Place,
    PlaceKind,
    Project,
    Relation,
    RelType,
    Topic,
)
from graph.store import GraphStore
from ingest.errors import RecordError, SourceNotFoundError
from ingest.geography import default_gazetteer, enrich
from ingest.report import IngestReport

EXTRACTOR = "mvkg-demo"
EXTRACTOR_VERSION = "1"
T = TypeVar("T")
DEMO_FILES = (
    "organisations.csv",
    "projects.csv",
    "participations.csv",
    "relations.csv",
    "news.jsonl",
)


def demo_data_dir() -> Path:
    return Path(str(files("ingest") / "data" / "demo"))


@dataclass(slots=True)
class DemoGraph:
    """The demo as domain objects, ready to upsert, with a report of what was rejected."""

    nodes: list[Any] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    report: IngestReport = field(default_factory=lambda: IngestReport(source="demo"))


def load_demo(*, store: GraphStore, data_dir: Path | None = None) -> IngestReport:
    """Read the demo tables and write them to `store`; returns the report. Idempotent.

    The demo's news items (news.jsonl) are not read here: they go through the news loader and
    the NLP pipeline like any news (see `api.services.build_demo`)."""
    demo = read_demo(data_dir or demo_data_dir())
    demo.report.nodes_written = store.upsert_nodes(demo.nodes)
    demo.report.relations_written = store.upsert_relations(demo.relations)
    return demo.report


def read_demo(data_dir: Path) -> DemoGraph:
    missing = [name for name in DEMO_FILES if not (data_dir / name).is_file()]
    if missing:
        raise SourceNotFoundError(f"demo data incomplete in {data_dir}: missing {missing}")
    demo = DemoGraph()
    dataset = _dataset_document(data_dir)
    demo.nodes.append(dataset)
    orgs = _read_organisations(data_dir / "organisations.csv", dataset, demo)
    projects = _read_projects(data_dir / "projects.csv", dataset, demo)
    _read_participations(data_dir / "participations.csv", orgs, projects, dataset, demo)
    _read_relations(data_dir / "relations.csv", orgs, dataset, demo)
    return demo


def _dataset_document(data_dir: Path) -> Document:
    """The demo files themselves are the registry record that demo facts cite."""
    return Document(
        id="doc:mvkg-demo-dataset",
        title="mvkg demo dataset (written from public facts)",
        publisher="mvkg",
        kind=DocumentKind.REGISTRY_RECORD,
        language="en",
        url="https://example.org/mvkg-demo/dataset",
    )


def _rows(path: Path, report: IngestReport) -> Iterator[tuple[str, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            report.read += 1
            cleaned = {k: (v or "").strip() for k, v in row.items() if k}
            # line_num is the physical line the row ended on, which is what an editor shows.
            yield f"{path.name} line {reader.line_num}", cleaned


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _float(value: str) -> float | None:
    return float(value) if value else None


def _evidence(
    dataset: Document,
    text: str,
    *,
    confidence: float = 1.0,
    date: str | None = None,
    url: str | None = None,
    illustrative: bool = False,
) -> Evidence:
    return Evidence(
        source=dataset.id,
        text=text,
        date=date or None,
        confidence=confidence,
        extractor=EXTRACTOR + (":illustrative" if illustrative else ""),
        extractor_version=EXTRACTOR_VERSION,
        url=url or None,
    )


def _read_organisations(path: Path, dataset: Document, demo: DemoGraph) -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    places: dict[str, Place] = {}
    topics: dict[str, Topic] = {}
    for where, row in _rows(path, demo.report):
        try:
            org = Organisation(
                name=row["name"],
                aliases=_split(row.get("aliases", "")),
                kind=row.get("kind") or "other",
                country=row.get("country") or None,
                region=row.get("region") or None,
                city=row.get("city") or None,
                lat=_float(row.get("lat", "")),
                lon=_float(row.get("lon", "")),
                website=row.get("website") or None,
                identifiers={
                    s: row.get(s, "") for s in ("ror", "wikidata", "cvr", "se_orgnr", "lei")
                },
                topics=_split(row.get("topics", "")),
                sources=("demo",),
            )
        except (GraphError, ValueError, KeyError) as exc:
            demo.report.reject(where, str(exc))
            continue
        # The same geography step as every loader: region and Place from the gazetteer;
        # cities abroad (not in the DK/SE gazetteer) keep the demo's own Place.
        org, place = enrich(org, default_gazetteer())
        orgs[row["key"]] = org
        demo.nodes.append(org)
        demo.report.accepted += 1
        record = f"organisations.csv: {org.name}"
        if org.city:
            place = place or Place(
                name=org.city,
                kind=PlaceKind.CITY,
                country=org.country,
                region=org.region,
                lat=org.lat,
                lon=org.lon,
            )
            place = places.setdefault(place.id, place)
            demo.relations.append(
                Relation(
                    type=RelType.LOCATED_IN,
                    source=org.id,
                    target=place.id,
                    evidence=[_evidence(dataset, record)],
                )
            )
        for slug in org.topics:
            topic = topics.setdefault(slug, Topic(name=slug.replace("_", " "), scheme="mvkg-demo"))
            demo.relations.append(
                Relation(
                    type=RelType.ACTIVE_IN,
                    source=org.id,
                    target=topic.id,
                    evidence=[_evidence(dataset, record)],
                )
            )
    demo.nodes.extend(places.values())
    demo.nodes.extend(topics.values())
    return orgs


def _read_projects(path: Path, dataset: Document, demo: DemoGraph) -> dict[str, Project]:
    projects: dict[str, Project] = {}
    for where, row in _rows(path, demo.report):
        try:
            identifier = row.get("identifier", "")
            scheme = "nct" if identifier.upper().startswith("NCT") else "project"
            project = Project(
                name=row["name"],
                kind=row.get("kind") or "other",
                programme=row.get("programme") or None,
                start=row.get("start") or None,
                end=row.get("end") or None,
                url=row.get("url") or None,
                identifiers={scheme: identifier} if identifier else {},
                topics=_split(row.get("topics", "")),
            )
        except (GraphError, ValueError, KeyError) as exc:
            demo.report.reject(where, str(exc))
            continue
        projects[row["key"]] = project
        demo.nodes.append(project)
        demo.report.accepted += 1
    return projects


def _read_participations(
    path: Path,
    orgs: dict[str, Organisation],
    projects: dict[str, Project],
    dataset: Document,
    demo: DemoGraph,
) -> None:
    for where, row in _rows(path, demo.report):
        try:
            org, project = (
                _lookup(orgs, row["org_key"], where),
                _lookup(projects, row["project_key"], where),
            )
            demo.relations.append(
                Relation(
                    type=RelType.PARTICIPATES_IN,
                    source=org.id,
                    target=project.id,
                    role=row.get("role") or None,
                    start=project.start,
                    end=project.end,
                    evidence=[
                        _evidence(
                            dataset,
                            f"participations.csv: {org.name} in {project.name}",
                            date=project.start,
                        )
                    ],
                )
            )
        except (GraphError, RecordError, KeyError) as exc:
            demo.report.reject(where, str(exc))
            continue
        demo.report.accepted += 1


def _read_relations(
    path: Path, orgs: dict[str, Organisation], dataset: Document, demo: DemoGraph
) -> None:
    for where, row in _rows(path, demo.report):
        try:
            source, target = (
                _lookup(orgs, row["source_key"], where),
                _lookup(orgs, row["target_key"], where),
            )
            illustrative = row.get("illustrative", "").lower() == "true"
            demo.relations.append(
                Relation(
                    type=row["type"],
                    source=source.id,
                    target=target.id,
                    subtype=row.get("subtype") or None,
                    evidence=[
                        _evidence(
                            dataset,
                            row.get("evidence") or f"{source.name} {row['type']} {target.name}",
                            confidence=float(row.get("confidence") or 1.0),
                            date=row.get("date") or None,
                            url=row.get("source_url") or None,
                            illustrative=illustrative,
                        )
                    ],
                )
            )
        except (GraphError, RecordError, KeyError, ValueError) as exc:
            demo.report.reject(where, str(exc))
            continue
        demo.report.accepted += 1


def _lookup(table: dict[str, T], key: str, where: str) -> T:
    try:
        return table[key]
    except KeyError:
        raise RecordError(where, f"unknown key {key!r} (not in the demo's tables)") from None
