"""What a loader yields and how loaders are found.

A loader is a function `(path, report) -> Iterator[Extract]`: it streams one input file,
validates each record, and yields what one source record says (its nodes and relations). It
counts records in `report.read` and calls `report.reject(where, reason)` for each record it
cannot use, then goes on. It never writes to a store: the pipeline resolves entities and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.model import Evidence, Node, Organisation, Project, Relation, RelType
from ingest.report import IngestReport


@dataclass(slots=True)
class Extract:
    """Everything one source record states.

    `record` is the record's key, used as the evidence source of its relations (for example
    `ror:02z31g829`, `ctgov:NCT00000102`, `cordis:rcn:194935`); `where` says where it was read
    (file and line, or file and record index) for reject messages.
    """

    record: str
    where: str
    nodes: list[Node] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


Loader = Callable[[Path, IngestReport], Iterator[Extract]]


def record_evidence(
    record: str,
    *,
    extractor: str,
    version: str = "1",
    text: str | None = None,
    date: str | None = None,
    url: str | None = None,
    confidence: float = 1.0,
) -> Evidence:
    """Evidence for a fact stated by a registry record (the record key is the evidence)."""
    return Evidence(
        source=record,
        text=text or record,
        date=date,
        confidence=confidence,
        extractor=extractor,
        extractor_version=version,
        url=url,
    )


def participation(
    org: Organisation,
    project: Project,
    *,
    role: str | None,
    record: str,
    extractor: str,
    text: str | None = None,
    url: str | None = None,
) -> Relation:
    """`org` PARTICIPATES_IN `project` in `role`, over the project's dates, as `record` says
    (one piece of evidence, dated at the project's start)."""
    return Relation(
        type=RelType.PARTICIPATES_IN,
        source=org.id,
        target=project.id,
        role=role,
        start=project.start,
        end=project.end,
        evidence=[
            record_evidence(record, extractor=extractor, text=text, date=project.start, url=url)
        ],
    )
