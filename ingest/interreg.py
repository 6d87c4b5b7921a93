"""Interreg partners: the Swedish partner rows of the Interreg barometer (Tillväxtverket).

The file is one JSON array, one object per (project, Swedish partner): programme (`program`),
project name (`projektnamn`), partner name (`organisationsnamn`) and type, role (`LP` lead
partner, `PP` partner, `AP` associated partner), dates (`startdatum`, `slutdatum`), county
(`nuts3`, "Skåne län"), country (`land`, always "Sverige"), partner budget. The `id` field is a
row number inside a programme, not a project id (the same number names different projects), so
a project is identified by programme and name.

Each row yields the partner Organisation, the Project (the same node for every row of that
project: its id comes from programme and project name) and a PARTICIPATES_IN relation.

The partner's kind comes from its name (`ingest.kinds`), else from the partner type the
programme recorded.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from graph.model import Organisation, OrgKind, Project, ProjectKind
from ingest.base import Extract, participation
from ingest.countries import to_alpha2
from ingest.errors import RecordError
from ingest.kinds import kind_from_name
from ingest.readers import RECORD_ERRORS, input_files, read_json_file, reason_of, text_field
from ingest.report import IngestReport

EXTRACTOR = "interreg"

ROLES = {"LP": "lead_partner", "PP": "partner", "AP": "associated_partner"}

# The partner type the programme recorded, used when the name says nothing. Interreg's
# "Business support organisation" (incubators, science parks, innovation agencies) is what the
# model calls a cluster organisation; "Higher education and research institution" maps like
# CORDIS HES, to university.
_TYPE_KINDS = {
    "higher education and research institution": OrgKind.UNIVERSITY,
    "hospital and medical centre": OrgKind.HOSPITAL,
    "local public authority": OrgKind.PUBLIC_AGENCY,
    "regional public authority": OrgKind.PUBLIC_AGENCY,
    "national public authority": OrgKind.PUBLIC_AGENCY,
    "national, regional and local authorities": OrgKind.PUBLIC_AGENCY,
    "sectoral agency": OrgKind.PUBLIC_AGENCY,
    "bodies governed by public law": OrgKind.PUBLIC_AGENCY,
    "international governmental organisation": OrgKind.PUBLIC_AGENCY,
    "egtc": OrgKind.PUBLIC_AGENCY,
    "small or medium-sized enterprise (sme)": OrgKind.COMPANY,
    "large enterprise": OrgKind.COMPANY,
    "enterprise, except sme": OrgKind.COMPANY,
    "business support organisation": OrgKind.CLUSTER_ORG,
}


# ---------------------------------------------------------------------------- loader


def load_interreg(path: Path, report: IngestReport) -> Iterator[Extract]:
    """Stream the partner rows of an Interreg barometer JSON file (or a folder of them)."""
    for file in input_files(path, (".json",), recursive=True):
        rows = read_json_file(file, report)
        if rows is None:
            continue
        if not isinstance(rows, list):
            report.read += 1
            report.reject(file.name, "expected a JSON array of partner rows at the top level")
            continue
        types = _usual_partner_types(rows)
        for index, row in enumerate(rows):
            where = f"{file.name}#{index}"
            report.read += 1
            try:
                extract = _row_extract(row, index, where, types)
            except RECORD_ERRORS as exc:
                report.reject(where, reason_of(exc))
                continue
            report.accepted += 1
            yield extract


def _usual_partner_types(rows: list[Any]) -> dict[str, str]:
    """The partner type each organisation is given most often in the file.

    Rows of the same partner disagree now and then ("Innovation Skåne" is a business support
    organisation six times and a sectoral agency once); taking the usual one gives every row of
    an organisation the same kind.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if isinstance(row, dict):
            name, kind = row.get("organisationsnamn"), row.get("organisationstyp")
            if isinstance(name, str) and isinstance(kind, str) and kind.strip():
                counts[" ".join(name.split())][kind.strip()] += 1
    # Most common first; a tie goes to the alphabetically first type, for determinism.
    return {name: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for name, c in counts.items()}


def _row_extract(row: Any, index: int, where: str, types: dict[str, str]) -> Extract:
    if not isinstance(row, dict):
        raise RecordError(where, f"expected a JSON object, got {type(row).__name__}")
    programme = _required(row, "program", "programme", where)
    project_name = _required(row, "projektnamn", "project name", where)
    org_name = _required(row, "organisationsnamn", "organisation name", where)
    record = f"interreg:{programme}:{project_name}:{index}"

    project = Project(
        name=project_name,
        kind=ProjectKind.INTERREG,
        programme=programme,
        start=calendar_day(text_field(row, "startdatum")),
        end=calendar_day(text_field(row, "slutdatum")),
        # No project id in this file: programme and name identify the project, so every row of
        # the same project yields the same Project node.
        identifiers={"interreg": f"{programme}/{project_name}"},
    )
    org = Organisation(
        name=org_name,
        kind=_org_kind(org_name, types.get(org_name) or text_field(row, "organisationstyp")),
        country=to_alpha2(text_field(row, "land"), where=where),
        region=text_field(row, "nuts3"),
        sources=(EXTRACTOR,),
    )
    role = _role(text_field(row, "organisationsroll"), where)
    relation = participation(
        org,
        project,
        role=role,
        record=record,
        extractor=EXTRACTOR,
        text=f"{org.name} is {role.replace('_', ' ')} in {project.name} ({programme})",
    )
    return Extract(record=record, where=where, nodes=[org, project], relations=[relation])


def calendar_day(value: str | None) -> str | None:
    """An ISO date; a day the month does not have ("2027-02-31", "2026-09-31", both in the
    barometer) becomes the month ("2027-02"): the month is right, only the day is impossible.
    Anything else is passed on for the model to accept or refuse."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if match is None:
        return value
    year, month, day = (int(part) for part in match.groups())
    if 1 <= month <= 12 and day > 28:
        try:
            date(year, month, day)
        except ValueError:
            return f"{year:04d}-{month:02d}"
    return value


def _required(row: dict[str, Any], key: str, what: str, where: str) -> str:
    value = text_field(row, key)
    if value is None:
        raise RecordError(where, f"no {what}: field {key!r} is missing or empty")
    return value


def _org_kind(name: str, partner_type: str | None) -> OrgKind:
    """The name decides when it says something; else the partner type the programme recorded."""
    return kind_from_name(name) or _TYPE_KINDS.get((partner_type or "").lower()) or OrgKind.OTHER


def _role(code: str | None, where: str) -> str:
    if code is None:
        raise RecordError(where, "no partner role (organisationsroll is empty)")
    try:
        return ROLES[code.upper()]
    except KeyError:
        raise RecordError(
            where,
            f"unknown partner role {code!r}: expected LP (lead partner), PP (partner) or "
            "AP (associated partner)",
        ) from None
