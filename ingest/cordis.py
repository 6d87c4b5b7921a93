"""CORDIS: which organisations take part in which EU framework-programme projects.

Three layouts are read; which one a file is comes from its header row, not its name:

- `project.csv` as published on the EU open data portal (FP7, H2020, Horizon Europe):
  semicolon-separated, UTF-8 with or without BOM, every field quoted, multi-line `objective`.
  One project per row -> a Project node and its call topics (Topic + ACTIVE_IN).
- `organization.csv` of the same releases: one participation (organisation x project) per row
  -> the Organisation (PIC as identifier), a minimal Project node (the organisation row may come
  before the project's own row, or the project file may not be loaded at all; the pipeline
  merges nodes with the same id) and PARTICIPATES_IN with the CORDIS role.
- the derived H2020 participation table built by zambujo/eunets (`R/clean.R`): comma-separated,
  `rcn` as project key, PICs but no organisation names; R wrote missing values as `NA`.
  Organisations are known only by PIC ("PIC 999997736") and projects only by rcn.

Co-participants are linked only through the Project node: no pairwise ties are invented.
Files may be gzip-compressed (recognised by their magic bytes). A file that is not UTF-8 is
one reject naming the line of the first bad byte, found before anything is yielded, so that a
file is either read or refused as a whole on encoding.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from graph.model import Organisation, OrgKind, Project, ProjectKind, Relation, RelType, Topic
from ingest.base import Extract, participation, record_evidence
from ingest.countries import to_alpha2
from ingest.errors import RecordError
from ingest.kinds import kind_from_name
from ingest.readers import RECORD_ERRORS, input_files, reason_of
from ingest.report import IngestReport

EXTRACTOR = "cordis"
SOURCE = "cordis"
PROJECT_URL = "https://cordis.europa.eu/project/id/{}"

# CORDIS activity types (cordisref-organizationActivityType.csv).
ACTIVITY_KINDS: dict[str, OrgKind] = {
    "HES": OrgKind.UNIVERSITY,  # Higher or Secondary Education Establishments
    "REC": OrgKind.RESEARCH_INSTITUTE,  # Research Organisations
    "PRC": OrgKind.COMPANY,  # Private for-profit entities
    "PUB": OrgKind.PUBLIC_AGENCY,  # Public bodies
    "OTH": OrgKind.OTHER,  # Other
}

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T][\d:.]+Z?)?$")
_DMY_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# R's readr writes a missing value as NA. (Namibia's code is NA too; readr already read it as
# missing when the table was built, so it cannot be told apart any more.)
_R_MISSING = "NA"

Row = dict[str, str]
Builder = Callable[[Row, str], Extract]


def load_cordis(path: Path, report: IngestReport) -> Iterator[Extract]:
    """Stream one CORDIS file (project.csv, organization.csv or the derived H2020 table), or
    every such file in a folder, in sorted order."""
    if path.is_dir():
        for child in input_files(path, (".csv", ".csv.gz"), recursive=True):
            yield from load_cordis(child, report)
        return
    name = path.name
    try:
        problem = _utf8_problem(path)
    except (OSError, EOFError, zlib.error) as exc:
        problem = f"cannot be read: {exc}"
    if problem is not None:
        _reject_file(report, name, problem)
        return
    try:
        with (
            _open_binary(path) as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
        ):
            yield from _read_rows(text, name, report)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        # The file changed or broke after the encoding check: say so instead of stopping dead.
        _reject_file(report, name, f"reading stopped: {exc}")


# ---------------------------------------------------------------------------- file handling


def _open_binary(path: Path) -> BinaryIO:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == _GZIP_MAGIC:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _utf8_problem(path: Path) -> str | None:
    """Where the file first stops being UTF-8, or None if all of it is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with _open_binary(path) as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                # exc.object is the decoder's pending bytes plus this chunk; the pending bytes
                # are an unfinished character and hold no newline.
                line += exc.object.count(b"\n", 0, exc.start)
                bad = exc.object[exc.start]
                return (
                    f"line {line}: byte 0x{bad:02x} is not valid UTF-8; CORDIS files are UTF-8 "
                    "(re-save the file as UTF-8)"
                )
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return f"line {line}: the file ends inside a UTF-8 character (truncated?)"
    return None


def _reject_file(report: IngestReport, name: str, reason: str) -> None:
    # A file that cannot be used counts as one record read and rejected, so that
    # read == accepted + rejected holds for every load.
    report.read += 1
    report.reject(name, reason)


def _read_rows(text: io.TextIOWrapper, name: str, report: IngestReport) -> Iterator[Extract]:
    first = text.readline()
    if not first.strip():
        _reject_file(report, name, "the file is empty: no header row")
        return
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter, strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except csv.Error as exc:
        _reject_file(report, name, f"line 1: the header row is not valid CSV: {exc}")
        return
    layout = _layout(header)
    if layout is None:
        _reject_file(
            report,
            name,
            "the header is not that of a CORDIS project.csv, organization.csv or the derived "
            f"H2020 participation table (columns: {', '.join(header[:12])})",
        )
        return
    builder: Builder = {
        "project": _project_extract,
        "organization": _organisation_extract,
        "derived": _derived_extract,
    }[layout]
    yield from _extracts(reader, header, builder, name, report, derived=layout == "derived")


def _layout(header: list[str]) -> str | None:
    columns = set(header)
    if {"rcn", "pic", "role", "country"} <= columns:
        return "derived"
    # The 2017-2020 organisation files call the PIC `id`; later ones `organisationID`.
    if "projectID" in columns and (
        {"organisationID", "name"} <= columns or {"id", "name", "role"} <= columns
    ):
        return "organization"
    if ({"id", "projectID"} & columns) and {"acronym", "title"} <= columns:
        return "project"
    return None


def _extracts(
    reader: Any,  # a csv.reader; its type is not importable
    header: list[str],
    builder: Builder,
    name: str,
    report: IngestReport,
    *,
    derived: bool,
) -> Iterator[Extract]:
    while True:
        # line_num counts physical lines read so far; a record may span several (objective).
        where = f"{name} line {reader.line_num + 1}"
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.read += 1
            report.reject(where, f"malformed CSV (unbalanced quotes or a truncated file?): {exc}")
            continue
        if not any(field.strip() for field in fields):
            continue  # a blank line is no record
        report.read += 1
        try:
            if len(fields) != len(header):
                raise RecordError(
                    where,
                    f"the row has {len(fields)} fields but the header has {len(header)}: "
                    "a truncated or misaligned row",
                )
            row = {column: value.strip() for column, value in zip(header, fields, strict=True)}
            if derived:
                row = {k: "" if v == _R_MISSING else v for k, v in row.items()}
            extract = builder(row, where)
        except RECORD_ERRORS as exc:
            report.reject(where, reason_of(exc))
            continue
        report.accepted += 1
        yield extract


# ---------------------------------------------------------------------------- the three layouts


def _project_extract(row: Row, where: str) -> Extract:
    """project.csv: the project with its dates, programme and call topics."""
    project_id = _required(row, where, "id", "projectID")
    acronym, title = _get(row, "acronym"), _get(row, "title")
    if not (acronym or title):
        raise RecordError(where, "the project has neither an acronym nor a title")
    key = f"cordis:project:{project_id}"
    url = PROJECT_URL.format(quote(project_id, safe=""))
    topics = _split_list(_get(row, "topics"))
    project = Project(
        name=acronym or title,
        kind=ProjectKind.EU_PROJECT,
        programme=_get(row, "frameworkProgramme") or None,
        start=_date(_get(row, "startDate"), "startDate", where),
        end=_date(_get(row, "endDate"), "endDate", where),
        url=url,
        identifiers={"cordis": project_id, "cordis_rcn": _get(row, "rcn")},
        topics=topics,
    )
    extract = Extract(record=key, where=where, nodes=[project])
    described = f"CORDIS project {project_id} {project.name}" + (
        f" ({title})" if title and title != project.name else ""
    )
    for code in project.topics:
        topic = Topic(name=code, scheme="cordis_topic")
        extract.nodes.append(topic)
        extract.relations.append(
            Relation(
                type=RelType.ACTIVE_IN,
                source=project.id,
                target=topic.id,
                evidence=[
                    record_evidence(
                        key,
                        extractor=EXTRACTOR,
                        text=f"{described} is funded under call topic {code}",
                        date=project.start,
                        url=url,
                    )
                ],
            )
        )
    return extract


def _organisation_extract(row: Row, where: str) -> Extract:
    """organization.csv: one organisation's participation in one project."""
    project_id = _required(row, where, "projectID")
    pic = _pic(_required(row, where, "organisationID", "id"), where)
    name = _required(row, where, "name")
    lat, lon = _geolocation(_get(row, "geolocation"), where)
    short_name = _get(row, "shortName")
    organisation = Organisation(
        name=name,
        kind=_kind(_get(row, "activityType"), name, where),
        country=to_alpha2(_get(row, "country") or None, where=where),
        city=_get(row, "city") or None,
        lat=lat,
        lon=lon,
        website=_get(row, "organizationURL", "organizationUrl") or None,
        aliases=(short_name,) if short_name else (),
        identifiers={"pic": pic},
        sources=(SOURCE,),
    )
    acronym = _get(row, "projectAcronym")
    url = PROJECT_URL.format(quote(project_id, safe=""))
    project = Project(
        name=acronym or f"CORDIS project {project_id}",
        kind=ProjectKind.EU_PROJECT,
        url=url,
        identifiers={"cordis": project_id, "cordis_rcn": _get(row, "projectRcn")},
    )
    role = _role(_get(row, "role"))
    contribution = _amount(_get(row, "ecContribution"), "ecContribution", where)
    text = f"{name} (PIC {pic}) is {_role_text(role)} in CORDIS project {project.name}"
    text += f" ({project_id})" + _contribution_text(contribution)
    key = f"cordis:project:{project_id}:pic:{pic}"
    updated = _date(_get(row, "contentUpdateDate"), "contentUpdateDate", where)
    relation = Relation(
        type=RelType.PARTICIPATES_IN,
        source=organisation.id,
        target=project.id,
        role=role,
        evidence=[record_evidence(key, extractor=EXTRACTOR, text=text, date=updated, url=url)],
    )
    return Extract(record=key, where=where, nodes=[organisation, project], relations=[relation])


def _derived_extract(row: Row, where: str) -> Extract:
    """The derived H2020 table: a participation known by project rcn and organisation PIC."""
    rcn = _required(row, where, "rcn")
    if not rcn.isdigit():
        raise RecordError(where, f"rcn {rcn!r} is not a CORDIS record number (digits only)")
    pic = _pic(_required(row, where, "pic"), where)
    country = to_alpha2(_get(row, "country") or None, where=where)
    organisation = Organisation(
        name=f"PIC {pic}",
        kind=_kind(_get(row, "type"), "", where),
        country=country,
        identifiers={"pic": pic},
        sources=(SOURCE,),
    )
    project = Project(
        name=f"H2020 project rcn {rcn}",
        kind=ProjectKind.EU_PROJECT,
        programme="H2020",
        start=_date(_get(row, "start_date"), "start_date", where),
        end=_date(_get(row, "end_date"), "end_date", where),
        identifiers={"cordis_rcn": rcn},
    )
    role = _role(_get(row, "role"))
    contribution = _amount(_get(row, "contribution"), "contribution", where)
    text = f"PIC {pic} ({country or 'country unknown'}) is {_role_text(role)} in "
    text += f"H2020 project rcn {rcn}" + _contribution_text(contribution)
    key = f"cordis:rcn:{rcn}:pic:{pic}"
    relation = participation(
        organisation, project, role=role, record=key, extractor=EXTRACTOR, text=text
    )
    return Extract(record=key, where=where, nodes=[organisation, project], relations=[relation])


# ---------------------------------------------------------------------------- field parsing


def _get(row: Row, *columns: str) -> str:
    """The first non-empty value among alternative column names (layouts differ by release)."""
    for column in columns:
        value = row.get(column, "")
        if value:
            return value
    return ""


def _required(row: Row, where: str, *columns: str) -> str:
    value = _get(row, *columns)
    if not value:
        raise RecordError(where, f"missing required field {' or '.join(columns)}")
    return value


def _pic(value: str, where: str) -> str:
    if not value.isdigit():
        raise RecordError(where, f"PIC {value!r} is not a participant identification code")
    return value


def _kind(activity_type: str, name: str, where: str) -> OrgKind:
    """The activity type's kind, but a hospital by name is a hospital whatever its type
    (hospitals take part as PUB, REC or HES: Danish regions, Swedish county hospitals), and
    without a type or under OTH (where foundations are filed) the name decides."""
    code = activity_type.strip().upper()
    if code and code not in ACTIVITY_KINDS:
        raise RecordError(
            where, f"activityType {activity_type!r} is not one of {', '.join(ACTIVITY_KINDS)}"
        )
    kind = ACTIVITY_KINDS.get(code, OrgKind.OTHER)
    named = kind_from_name(name)
    if named is OrgKind.HOSPITAL or (kind is OrgKind.OTHER and named is not None):
        return named
    return kind


def _role(value: str) -> str | None:
    """CORDIS roles in snake case: thirdParty -> third_party, associatedPartner -> ..."""
    if not value:
        return None
    return _CAMEL.sub("_", value.strip()).replace(" ", "_").lower()


def _date(value: str, field: str, where: str) -> str | None:
    if not value:
        return None
    iso = _ISO_DATE.match(value)
    if iso:
        return iso.group(1)
    dmy = _DMY_DATE.match(value)
    if dmy:
        day, month, year = dmy.groups()
        return f"{year}-{month}-{day}"
    raise RecordError(where, f"{field} {value!r} is not a date (YYYY-MM-DD)")


def _amount(value: str, field: str, where: str) -> float | None:
    """Euro amounts: newer CORDIS files write a decimal comma ("987654,32")."""
    if not value:
        return None
    text = value.replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        text = text.replace(".", "")  # "1.234.567,89": dots group thousands
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise RecordError(where, f"{field} {value!r} is not an amount in euro") from None


def _contribution_text(amount: float | None) -> str:
    return "" if amount is None else f"; EC contribution {amount:.2f} EUR"


def _geolocation(value: str, where: str) -> tuple[float | None, float | None]:
    """CORDIS writes "lat,lon" (sometimes in parentheses)."""
    if not value:
        return None, None
    parts = [part.strip() for part in value.strip("() ").split(",")]
    try:
        lat, lon = (float(part) for part in parts)
    except ValueError:
        raise RecordError(where, f"geolocation {value!r} is not 'latitude,longitude'") from None
    return lat, lon


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[;,]", value) if part.strip())


def _role_text(role: str | None) -> str:
    return (role or "participant").replace("_", " ")
