"""EU structural funds beneficiaries: Danish ERDF/ESF exports and Sweden's projektbank.

Three layouts, told apart by content (never by file name):

* `dk2014` — Erhvervsstyrelsen's 2014-2020 export: semicolon-separated, every field quoted,
  fields spanning lines, ISO-8859-1. Header starts `"Projektitel / Operation name";`.
* `dk2007` — the 2007-2013 list: comma-separated UTF-8 with a `cvr` column for the beneficiary.
  Header starts `projekttitel,start_dato,`.
* `se2014` — Tillväxtverket's projektbank 2014-2020: a JSON array of objects with `ärende-id`
  and `stödmottagare`.

Encoding of the CSV files: the bytes are decoded as UTF-8 (a BOM is allowed) and, if that
fails, as ISO-8859-1. Danish text in ISO-8859-1 writes æ, ø, å as single bytes above 0x7f that
are not valid UTF-8, so the first attempt fails on it and the fallback is right; ISO-8859-1
decodes any byte, so the fallback itself never fails and a file in some third encoding shows
up as an unrecognised header (one reject naming the file). JSON must be UTF-8 (RFC 8259).

Each row is one funded operation: a Project (kind eu_project; programme "ERDF Denmark
2014-2020", "ESF Denmark 2007-2013", "ERDF Sweden 2014-2020, Skåne-Blekinge"…), the beneficiary
Organisation (country DK/SE, CVR number when the file gives it, town, coordinates) with
PARTICIPATES_IN role "beneficiary", and the partners the Danish files list, with role
"partner" and no country (the files do not say where a partner is).

The Danish files have no project ids, so a project's id is a hash of the row's identifying
fields (period, fund, title, dates, beneficiary, priority axis, budget): stable across
re-exports and re-orderings of the same rows. Sweden's id is the `ärende-id`. Record keys:
`eufunds:dk:<id>`, `eufunds:se:<ärende-id>`.

Contact people (the Danish `Kontaktperson` column, the Swedish `projektledare`, `telnr`,
`e-post`) are not read at all, not even the names: they are contact points of an application,
not roles anyone has verified, and a Person's id is made from the name alone, so common names
would merge different people.

Misaligned rows: a 2014-2020 row is refused, naming its line, when it has more or fewer fields
than the header or when a column holds what cannot be there (a date column without a date, an
amount that is no number, an unknown fund code, a Region column holding neither a Danish region
nor one of the export's allocation pools). "National pulje", "EURES" and "Bæredygtig, grøn
byudvikling" in the Region column are allocation pools (the national pool, the EURES
cross-border pool and the sustainable-urban-development pool of priority axis 4), not
misalignment: every other field of those rows is in its place.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from graph.model import Organisation, OrgKind, Project, ProjectKind, Relation
from graph.normalize import normalise_name, short_hash
from ingest.base import Extract, participation
from ingest.countries import to_alpha2
from ingest.errors import RecordError
from ingest.kinds import kind_from_name
from ingest.places import danish_town
from ingest.readers import RECORD_ERRORS, input_files, read_json_file, reason_of, text_field
from ingest.report import IngestReport

EXTRACTOR = "eufunds"
SUFFIXES = (".csv", ".json")

DANISH_REGIONS = frozenset(
    {"Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland", "Bornholm"}
)
# Allocation pools the exports write in the Region column instead of a region.
DANISH_POOLS = frozenset(
    {"National pulje", "EURES", "Bæredygtig, grøn byudvikling", "Konkurrenceudsat pulje"}
)
DK2014_FUNDS = {"R": "ERDF Denmark 2014-2020", "S": "ESF Denmark 2014-2020"}
DK2007_SCHEMES = {"ERDF": "ERDF Denmark 2007-2013", "ESF": "ESF Denmark 2007-2013"}
SE_FUNDS = {"eruf": "ERDF", "esf": "ESF"}

DK2014_COLUMNS = {
    "title": "Projektitel / Operation name",
    "start": "Startdato / Operation start date",
    "end": "Slutdato / Operation end date",
    "axis": "Prioritetsakse / Priority axis",
    "budget": "Budget / Budget",
    "eu": "EU-medfinansiering / Union co-financing",
    "rate": "EU-medfinansieringssats / Union co-financing rate",
    "fund": "Fond / Fund",
    "region": "Region / Region",
    "country": "Land / Country",
    "beneficiary": "Kontraktansvarlig partner / Beneficiary name",
    "city": "Bynavn / City name",
    "east": "Koordinat east / Coordinates east",
    "north": "Koordinat north / Coordinates north",
    "partners": "Partere / Project partners",
}
DK2007_COLUMNS = {
    "title": "projekttitel",
    "start": "start_dato",
    "end": "slut_dato",
    "scheme": "ordning",
    "axis": "Indsatsområde",
    "budget": "budget",
    "eu": "eu",
    "region": "region",
    "cvr": "cvr",
    "beneficiary": "navn",
    "city": "bynavn",
    "partners": "parter",
}

_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_AMOUNT = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_RATE = re.compile(r"^\d{1,3}(,\d+)?\s*%$")
_CVR = re.compile(r"^\d{8}$")
_SCHEME = re.compile(r"^(ERDF|ESF)[A-Z]$")
# A partner list separates names with ". " (2007-2013) or ".\n" (2014-2020). A full stop after
# a lone letter is an initial ("P. Fournaise A/S", "H.C. Ørsted") and separates nothing, except
# after the co-operative forms A.M.B.A., F.M.B.A., S.M.B.A. and V.M.B.A., which end a name.
# Best effort: "SOSU C. VUC Hvidovre" stays one name.
_PARTNER_SEPARATOR = re.compile(
    r"\s*\n\s*|(?<=\b[afsv]\.m\.b\.a\.)\s+|(?<![\s.][^\W\d_])\s*\.\s+", re.I
)


# ---------------------------------------------------------------------------- loader


def load_eufunds(path: Path, report: IngestReport) -> Iterator[Extract]:
    """Stream the projects of a structural-funds file (or of every .csv/.json under a folder)."""
    for file in input_files(path, SUFFIXES, recursive=True):
        yield from _load_file(file, report)


def _load_file(file: Path, report: IngestReport) -> Iterator[Extract]:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        _reject_file(report, file.name, f"cannot read the file: {exc.strerror or exc}")
        return
    if raw.lstrip()[:1] in (b"[", b"{"):
        document = read_json_file(file, report)
        if document is not None:
            yield from _se_projects(document, file, report)
        return
    if b"\x00" in raw:
        _reject_file(report, file.name, "binary or UTF-16 data: expected a CSV text file")
        return
    text, _encoding = decode_text(raw)
    header = text.split("\n", 1)[0]
    if header.startswith('"Projektitel / Operation name";'):
        yield from _dk_projects(
            text, file, report, delimiter=";", columns=DK2014_COLUMNS, build=_dk2014_extract
        )
    elif header.startswith("projekttitel,start_dato,"):
        yield from _dk_projects(
            text, file, report, delimiter=",", columns=DK2007_COLUMNS, build=_dk2007_extract
        )
    else:
        _reject_file(
            report,
            f"{file.name} line 1",
            f"unrecognised layout: the header {header[:80]!r} is none of the Danish 2014-2020 "
            "export, the Danish 2007-2013 list or the Swedish projektbank JSON",
        )


def decode_text(raw: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding that read it: UTF-8, else ISO-8859-1."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("iso-8859-1"), "iso-8859-1"


def _reject_file(report: IngestReport, where: str, why: str) -> None:
    report.read += 1
    report.reject(where, why)


# ---------------------------------------------------------------------------- CSV rows


@dataclass(slots=True)
class _Row:
    where: str
    fields: dict[str, str]

    def get(self, key: str) -> str:
        return self.fields[key]


def _csv_rows(
    text: str, file: Path, delimiter: str, columns: dict[str, str], report: IngestReport
) -> Iterator[_Row]:
    """Rows as {our key: value}, each counted as read; a row whose field count differs from
    the header's is rejected here, naming the line it starts on."""
    # newline="": only \r and \n end lines; csv needs the quoted line breaks as they are.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        _reject_file(report, f"{file.name} line 1", f"no readable header: {exc}")
        return
    missing = [name for name in columns.values() if name not in header]
    if missing:
        _reject_file(report, f"{file.name} line 1", f"the header lacks columns {missing}")
        return
    index = {key: header.index(name) for key, name in columns.items()}
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.read += 1
            report.reject(f"{file.name} line {start}", f"unreadable CSV: {exc}")
            last_line = reader.line_num
            continue
        last_line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank line between or after records: not a record
        report.read += 1
        where = f"{file.name} line {start}"
        if len(row) != len(header):
            report.reject(
                where,
                f"{len(row)} fields where the header has {len(header)}: the row is misaligned "
                f"(a {delimiter!r} or quote inside an unquoted field?)",
            )
            continue
        yield _Row(where, {key: " ".join(row[i].split()) for key, i in index.items()})


def _dk_projects(
    text: str,
    file: Path,
    report: IngestReport,
    *,
    delimiter: str,
    columns: dict[str, str],
    build: Callable[[_Row], Extract],
) -> Iterator[Extract]:
    for row in _csv_rows(text, file, delimiter, columns, report):
        try:
            extract = build(row)
        except RECORD_ERRORS as exc:
            report.reject(row.where, reason_of(exc))
            continue
        report.accepted += 1
        yield extract


def _dk2014_extract(row: _Row) -> Extract:
    column = DK2014_COLUMNS
    title = _required(row, "title", column)
    start = _date(row, "start", column)
    end = _date(row, "end", column)
    budget = _amount(row, "budget", column)
    _amount(row, "eu", column)
    if row.get("rate") and not _RATE.match(row.get("rate")):
        raise _misaligned(row, "rate", column, "a co-financing rate like '50%'")
    fund = row.get("fund")
    if fund not in DK2014_FUNDS:
        raise _misaligned(row, "fund", column, "a fund code R (ERDF) or S (ESF)")
    _region(row, column)
    beneficiary_name = _required(row, "beneficiary", column)
    lat, lon = _coordinates(row)
    project_key = "2014-2020-" + short_hash(
        fund, title, start or "", end or "", beneficiary_name, row.get("axis"), budget, length=10
    )
    beneficiary = Organisation(
        name=beneficiary_name,
        kind=kind_from_name(beneficiary_name, OrgKind.OTHER),
        country=to_alpha2(row.get("country"), where=row.where) or "DK",
        city=danish_town(row.get("city")),
        lat=lat,
        lon=lon,
        sources=(EXTRACTOR,),
    )
    return _project_extract(
        record=f"eufunds:dk:{project_key}",
        where=row.where,
        project=Project(
            name=title,
            kind=ProjectKind.EU_PROJECT,
            programme=DK2014_FUNDS[fund],
            start=start,
            end=end,
            identifiers={"eufunds_dk": project_key},
        ),
        beneficiary=beneficiary,
        partners=split_partners(row.get("partners")),
    )


def _dk2007_extract(row: _Row) -> Extract:
    column = DK2007_COLUMNS
    title = _required(row, "title", column)
    start = _date(row, "start", column)
    end = _date(row, "end", column)
    budget = _amount(row, "budget", column)
    _amount(row, "eu", column)
    scheme = _SCHEME.match(row.get("scheme"))
    if scheme is None:
        raise _misaligned(row, "scheme", column, "a scheme code like ERDFN or ESFH")
    _region(row, column)
    cvr = row.get("cvr")
    if cvr and not _CVR.match(cvr):
        raise RecordError(row.where, f"column 'cvr' holds {cvr!r}, not an 8-digit CVR number")
    beneficiary_name = _required(row, "beneficiary", column)
    project_key = "2007-2013-" + short_hash(
        row.get("scheme"), title, start or "", end or "", cvr, beneficiary_name, budget, length=10
    )
    beneficiary = Organisation(
        name=beneficiary_name,
        kind=kind_from_name(beneficiary_name, OrgKind.OTHER),
        country="DK",
        city=danish_town(row.get("city")),
        identifiers={"cvr": cvr} if cvr else {},
        sources=(EXTRACTOR,),
    )
    return _project_extract(
        record=f"eufunds:dk:{project_key}",
        where=row.where,
        project=Project(
            name=title,
            kind=ProjectKind.EU_PROJECT,
            programme=DK2007_SCHEMES[scheme.group(1)],
            start=start,
            end=end,
            identifiers={"eufunds_dk": project_key},
        ),
        beneficiary=beneficiary,
        partners=split_partners(row.get("partners")),
    )


# ---------------------------------------------------------------------------- Swedish JSON


def _se_projects(document: Any, file: Path, report: IngestReport) -> Iterator[Extract]:
    if not isinstance(document, list):
        _reject_file(report, file.name, "expected a JSON array of project objects")
        return
    first = document[0] if document else {}
    if not isinstance(first, dict) or not {"ärende-id", "stödmottagare"} <= first.keys():
        _reject_file(
            report,
            file.name,
            "unrecognised layout: the objects lack 'ärende-id' and 'stödmottagare' "
            "(expected Tillväxtverket's projektbank)",
        )
        return
    for index, item in enumerate(document):
        where = f"{file.name}#{index}"
        report.read += 1
        try:
            extract = _se_extract(item, where)
        except RECORD_ERRORS as exc:
            report.reject(where, reason_of(exc))
            continue
        report.accepted += 1
        yield extract


def _se_extract(item: Any, where: str) -> Extract:
    if not isinstance(item, dict):
        raise RecordError(where, f"expected a JSON object, got {type(item).__name__}")
    case = text_field(item, "ärende-id")
    if not case or not case.isdigit():
        raise RecordError(where, f"'ärende-id' must be a number, got {item.get('ärende-id')!r}")
    title = text_field(item, "projektnamn")
    if not title:
        raise RecordError(where, "no project name: field 'projektnamn' is missing or empty")
    name = text_field(item, "stödmottagare")
    if not name:
        raise RecordError(where, "no beneficiary: field 'stödmottagare' is missing or empty")
    source_url = text_field(item, "_source")
    fund = SE_FUNDS.get((source_url or "").rsplit("page=", 1)[-1].lower(), "EU structural funds")
    area = text_field(item, "område")
    return _project_extract(
        record=f"eufunds:se:{case}",
        where=where,
        project=Project(
            name=title,
            kind=ProjectKind.EU_PROJECT,
            programme=f"{fund} Sweden 2014-2020" + (f", {area}" if area else ""),
            start=text_field(item, "projekt_starttid"),
            end=text_field(item, "projekt_sluttid"),
            identifiers={"eufunds_se": case},
        ),
        beneficiary=Organisation(
            name=name,
            kind=kind_from_name(name, OrgKind.OTHER),
            country="SE",
            sources=(EXTRACTOR,),
        ),
        partners=[],
        url=source_url,
    )


# ---------------------------------------------------------------------------- shared


def _project_extract(
    *,
    record: str,
    where: str,
    project: Project,
    beneficiary: Organisation,
    partners: list[str],
    url: str | None = None,
) -> Extract:
    extract = Extract(record=record, where=where, nodes=[project, beneficiary])

    def participates(org: Organisation, role: str) -> Relation:
        text = f"{org.name}, {role} of {project.name} ({project.programme})"
        return participation(
            org, project, role=role, record=record, extractor=EXTRACTOR, text=text, url=url
        )

    extract.relations.append(participates(beneficiary, "beneficiary"))
    seen = {normalise_name(beneficiary.name)}
    for name in partners:
        key = normalise_name(name)
        if key in seen:
            continue  # the beneficiary listed among its own partners, or a partner twice
        seen.add(key)
        partner = Organisation(
            name=name, kind=kind_from_name(name, OrgKind.OTHER), sources=(EXTRACTOR,)
        )
        extract.nodes.append(partner)
        extract.relations.append(participates(partner, "partner"))
    return extract


def split_partners(text: str | None) -> list[str]:
    """Partner names of a Danish partner list ("A. B A/S. C F.M.B.A.." or "A.\\nB.\\nC").

    A fragment in lower case only ("project") is a stray word, not a name."""
    if not text:
        return []
    names = []
    for part in _PARTNER_SEPARATOR.split(text):
        name = " ".join(part.split()).rstrip(" .,")
        if name and not name.islower():
            names.append(name)
    return names


def parse_amount(text: str) -> Decimal:
    """A Danish amount: "1.234.567,89" (dots group thousands, comma is the decimal mark),
    "32467,02" or "35020". Raises ValueError for anything else."""
    compact = text.replace(" ", "").replace("\xa0", "")
    if not _AMOUNT.match(compact):
        raise ValueError(f"{text!r} is not an amount like 1.234.567,89")
    try:
        return Decimal(compact.replace(".", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount like 1.234.567,89") from None


def utm32_to_wgs84(east: float, north: float) -> tuple[float, float]:
    """(lat, lon) of a UTM zone 32N point (ETRS89, EPSG:25832, the Danish standard).

    Krüger's series to the third order of n (Karney 2011): millimetre accuracy well beyond
    the zone, which matters for Bornholm (15° E, six degrees east of the central meridian).
    """
    a, f, k0 = 6378137.0, 1 / 298.257222101, 0.9996
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    beta = (n / 2 - 2 * n**2 / 3 + 37 * n**3 / 96, n**2 / 48 + n**3 / 15, 17 * n**3 / 480)
    delta = (2 * n - 2 * n**2 / 3 - 2 * n**3, 7 * n**2 / 3 - 8 * n**3 / 5, 56 * n**3 / 15)
    xi = north / (k0 * big_a)
    eta = (east - 500_000.0) / (k0 * big_a)
    xi_p = xi - sum(
        b * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, b in enumerate(beta, 1)
    )
    eta_p = eta - sum(
        b * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, b in enumerate(beta, 1)
    )
    chi = math.asin(math.sin(xi_p) / math.cosh(eta_p))
    lat = chi + sum(d * math.sin(2 * j * chi) for j, d in enumerate(delta, 1))
    lon = math.radians(9.0) + math.atan2(math.sinh(eta_p), math.cos(xi_p))
    return round(math.degrees(lat), 6), round(math.degrees(lon), 6)


def _coordinates(row: _Row) -> tuple[float | None, float | None]:
    east, north = row.get("east"), row.get("north")
    if not east and not north:
        return None, None
    try:
        easting, northing = float(east), float(north)
    except ValueError:
        raise RecordError(
            row.where,
            f"coordinates {east!r}, {north!r} are not UTM numbers: the row looks misaligned",
        ) from None
    if not (100_000 <= easting <= 1_000_000 and 6_000_000 <= northing <= 6_500_000):
        raise RecordError(
            row.where, f"coordinates {east!r}, {north!r} are not in Denmark (UTM zone 32N)"
        )
    return utm32_to_wgs84(easting, northing)


def _required(row: _Row, key: str, columns: dict[str, str]) -> str:
    value = row.get(key)
    if not value:
        raise RecordError(row.where, f"column {columns[key]!r} is empty")
    return value


def _date(row: _Row, key: str, columns: dict[str, str]) -> str | None:
    value = row.get(key)
    if not value:
        return None
    match = _DATE.match(value)
    if match is None:
        raise _misaligned(row, key, columns, "a date like 31.12.2017")
    day, month, year = match.groups()
    return f"{year}-{month}-{day}"


def _amount(row: _Row, key: str, columns: dict[str, str]) -> str:
    value = row.get(key)
    if not value:
        return ""
    try:
        return str(parse_amount(value))
    except ValueError:
        raise _misaligned(row, key, columns, "an amount like 1.234.567,89") from None


def _region(row: _Row, columns: dict[str, str]) -> None:
    value = row.get("region")
    if value and value not in DANISH_REGIONS and value not in DANISH_POOLS:
        raise _misaligned(row, "region", columns, "a Danish region or allocation pool")


def _misaligned(row: _Row, key: str, columns: dict[str, str], expected: str) -> RecordError:
    shown = row.get(key)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return RecordError(
        row.where,
        f"column {columns[key]!r} holds {shown!r} where {expected} belongs: the row looks "
        "misaligned",
    )
