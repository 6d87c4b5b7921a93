"""News articles, from feeds, web pages, CSV, JSON (Lines) and plain text, to Documents.

`load_news(path, report)` reads a file or a folder (walked recursively in sorted order; names
starting with "." are skipped) and yields one Extract per article: one `Document(kind=news)`,
record key `news:<document id>`, `where` = file (relative to the folder) plus `#item index`
(feeds, JSON arrays) or `line N` (CSV, JSON Lines), or the file alone (a page, a text file).

Formats, detected from the content, with the extension as a hint:
- RSS 2.0 (and RSS 1.0/RDF): `<item>` title, link (else a permalink guid), pubDate (else
  dc:date), content:encoded (else description) as HTML; publisher from the item's `<source>`,
  else the channel title; language from xml:lang, dc:language or the channel's `<language>`.
  dc:creator is ignored (authors are people; the model keeps people only with roles).
- Atom: `<entry>` title, the alternate link's href (relative ones resolved against the feed's
  link), published (else updated), content (else summary) as text, html or xhtml; publisher from
  the feed title; language from xml:lang.
- An HTML page: title from og:title, else `<title>`, else the first h1; url from the canonical
  link, else og:url; published from article:published_time and the usual date metas, else the
  first `<time datetime>`; publisher from og:site_name; language from `<html lang>`. The main
  text is chosen readability-style with the stdlib `html.parser`: navigation, header, footer,
  aside, forms, scripts, styles and cookie/consent banners (by tag, role, id or class) are
  dropped; then the longest `<article>`, else `<main>`, else the block whose paragraphs hold the
  most text, else the whole body. Nothing in the page is executed or fetched.
- CSV (delimiter , ; tab or | from the header line) with a header naming at least a title,
  url or text column: title/headline, url/link, date/published/publishedAt/published_*,
  text/body/content/summary/description, publisher/source, language, illustrative. The
  GlobeNewswire sample's columns are ticker,title,summary,link,topic,published_eastern,language,
  keywords; ticker, topic and keywords have no Document field and are not kept.
- JSON Lines (one object per line, e.g. `{"id","text","language","date"}`), a JSON array of
  objects, or an object holding one (`articles`, `items`, `entries`, `data`, `results`): the
  same field names as CSV. An `id` field is not the Document id (which the model derives).
- Plain text (.txt, .text, .md): the first line is the title when it is at most 200 characters
  and more follows; the whole text is the text.

Decisions:
- Text is the article body as given (the title is kept in `title`, not added to the text).
  HTML entities are unescaped, tags stripped (RSS/Atom HTML, and CSV/JSON fields holding tags),
  Unicode NFC-normalised, runs of white space collapsed, paragraphs kept as "\\n\\n"; a single
  line break inside a plain-text paragraph is a space (hard-wrapped text).
- Text longer than the model's `Document.text` limit (MAX_TEXT_LENGTH, 100,000 characters at
  the time of writing; the brief asked for 1,000,000, which the model cannot store) rejects the
  item: "text is N characters; the limit is M". It is never cut, so a stored text is complete.
- Identity: the model identifies a Document by its text. A body shorter than
  MIN_IDENTIFYING_TEXT (200) characters does not identify an article: 50 of the 64 Genmab rows
  of the GlobeNewswire sample have the summary "Company Announcement" or "Media Release", and
  text identity would make them one document. Such an item with a url is identified by the url
  instead (text still stored); without a url the model's rule stands.
- Duplicates: an item whose Document id was already yielded by this call (same text; or the
  same url for a short text) counts in `report.read` only, neither accepted nor rejected, and is
  not yielded again: it is not an error. So read = accepted + rejected + duplicates. The first
  copy wins; later copies' metadata is not merged.
- Dates become YYYY-MM-DD (or YYYY-MM, YYYY when the source gives no more): ISO 8601, RFC 822,
  "March 3, 2024", "3 Mar 2024", "2024/03/03", epoch seconds in JSON. The calendar day is the
  one the source writes, in its own time zone (no conversion to UTC: that would move evening
  releases in New York to the next day). Numeric day/month: d.m.yyyy is day first; with / or -
  the order is taken from a part above 12, and when both parts are 12 or less and differ
  (03/04/2024) only the year is kept. An unparseable date is None, not a reject.
- publisher falls back to the url's host without "www." (the GlobeNewswire sample has no
  publisher column: its items get "globenewswire.com"); language is the item's, else the
  feed's/page's, else None; it is never guessed from the text. Urls must be absolute http(s).
- Text encodings: UTF-8 (BOMs for UTF-8/16/32 honoured); when UTF-8 fails, a page's declared
  charset, else windows-1252 (what browsers read "latin-1" as: the same letters, plus curly
  quotes in 0x80-0x9f), else ISO-8859-1. XML goes to expat as bytes: its encoding declaration
  rules.

Safety: XML with a DOCTYPE or ENTITY declaration is refused (one reject naming the file): that
is where entity-expansion bombs and external entities live, and news feeds do not need them.
HTML named entities that feeds use without declaring (&nbsp;) are turned into character
references before parsing, so that they are not "undefined entity" errors. Files over
MAX_FILE_BYTES (50 MB) are refused without being read. HTML nesting deeper than MAX_HTML_DEPTH
is flattened. A problem with one item rejects that item; a problem with a whole file (unreadable,
bad XML, no known columns) is one reject naming the file (and line/column when known), counted
as one record read; the batch always goes on.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_tz
from functools import partial
from html.entities import html5 as _HTML5_ENTITIES
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree
from xml.parsers import expat

from graph.errors import GraphError
from graph.model import MAX_TEXT_LENGTH, Document, DocumentKind, document_id
from ingest.base import Extract
from ingest.errors import RecordError, SourceNotFoundError
from ingest.report import IngestReport

MAX_FILE_BYTES = 50 * 1024 * 1024
MIN_IDENTIFYING_TEXT = 200
MAX_TITLE_LINE = 200  # a plain-text first line longer than this is a paragraph, not a title
MAX_HTML_DEPTH = 200  # deeper elements are flattened into their ancestor (bounded recursion)

# Exceptions that mean "this item cannot be used" rather than "the loader is broken".
RECORD_ERRORS = (GraphError, RecordError, ValueError, TypeError, RecursionError)
# Exceptions that mean "this file cannot be used"; anything else is a bug and propagates.
FILE_ERRORS = (OSError, UnicodeError, ValueError, csv.Error, RecursionError)

_TEXT_EXTS = frozenset({".txt", ".text", ".md"})
_HTML_EXTS = frozenset({".html", ".htm", ".xhtml"})
_FEED_EXTS = frozenset({".xml", ".rss", ".atom", ".rdf"})
_JSON_LINES_EXTS = frozenset({".jsonl", ".ndjson", ".jsonlines"})
_CSV_EXTS = frozenset({".csv", ".tsv"})


# ---------------------------------------------------------------------------- items


@dataclass(slots=True)
class _Item:
    """One article as read, before it becomes a Document; `text` is already plain text."""

    where: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    publisher: str | None = None
    language: str | None = None
    text: str | None = None
    illustrative: bool = False


@dataclass(frozen=True, slots=True)
class _Bad:
    """An item that could not even be read (a bad CSV row, an invalid JSON line)."""

    where: str
    reason: str


class _FileProblem(Exception):
    """The whole file is unusable: one reject naming it."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


Entry = _Item | _Bad


# ---------------------------------------------------------------------------- loader


def load_news(path: Path, report: IngestReport) -> Iterator[Extract]:
    """Stream news articles from a file or a folder of files; see the module docstring."""
    seen: set[str] = set()
    for file, name in _input_files(path):
        try:
            for entry in _entries(file, name):
                report.read += 1
                if isinstance(entry, _Bad):
                    report.reject(entry.where, entry.reason)
                    continue
                try:
                    doc = build_document(entry)
                except RECORD_ERRORS as exc:
                    report.reject(entry.where, _reason(exc))
                    continue
                if doc.id in seen:
                    continue  # a duplicate: read, neither accepted nor rejected
                seen.add(doc.id)
                report.accepted += 1
                yield Extract(record=f"news:{doc.id}", where=entry.where, nodes=[doc])
        except _FileProblem as exc:
            report.read += 1
            report.reject(exc.where, exc.reason)
        except FILE_ERRORS as exc:
            report.read += 1
            report.reject(name, f"cannot read the file: {_reason(exc)}")


def build_document(item: _Item) -> Document:
    """The Document of one item; RecordError (or the model's ValidationError) says why not."""
    text = item.text or None
    if text is None and item.url is None:
        title = f" (title {item.title[:80]!r})" if item.title else ""
        raise RecordError(item.where, f"no text and no url: nothing identifies the item{title}")
    if text is not None and len(text) > MAX_TEXT_LENGTH:
        raise RecordError(
            item.where, f"text is {len(text):,} characters; the limit is {MAX_TEXT_LENGTH:,}"
        )
    # A stub text ("Company Announcement") would make unrelated items one document.
    short = text is not None and item.url is not None and len(text) < MIN_IDENTIFYING_TEXT
    return Document(
        url=item.url,
        title=item.title,
        published=item.published,
        publisher=item.publisher or _host(item.url),
        language=item.language,
        kind=DocumentKind.NEWS,
        text=text,
        illustrative=item.illustrative,
        id=document_id(item.url, None) if short else "",
    )


def _guarded(where: str, build: Callable[[], _Item]) -> Entry:
    """The item, or a reject for it: one bad item never costs the rest of its file."""
    try:
        return build()
    except RECORD_ERRORS as exc:
        return _Bad(where, _reason(exc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecordError):
        return exc.reason
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


# ---------------------------------------------------------------------------- files


def _input_files(path: Path) -> list[tuple[Path, str]]:
    """(file, name for messages) of `path` itself or of every file under the folder, sorted."""
    if path.is_file():
        return [(path, path.name)]
    if not path.is_dir():
        raise SourceNotFoundError(f"{path} does not exist: give a news file or a folder of them")
    found: list[tuple[Path, str]] = []
    # os.walk without following links: no cycles; sorting in place fixes the walk order.
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file_name in sorted(f for f in files if not f.startswith(".")):
            file = Path(folder) / file_name
            found.append((file, file.relative_to(path).as_posix()))
    # One order for the whole tree ("a/x" before "b.txt"), as `sorted(rglob)` would give.
    return sorted(found, key=lambda pair: pair[0].relative_to(path).parts)


def _read_bytes(file: Path, name: str) -> bytes:
    limit = f"the limit is {MAX_FILE_BYTES:,} bytes ({MAX_FILE_BYTES >> 20} MB); split the file"
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _FileProblem(name, f"the file is {size:,} bytes; {limit}")
    with file.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
    if len(raw) > MAX_FILE_BYTES:
        raise _FileProblem(name, f"the file is over {MAX_FILE_BYTES:,} bytes; {limit}")
    return raw


def _entries(file: Path, name: str) -> Iterator[Entry]:
    raw = _read_bytes(file, name)
    if not raw.strip():
        raise _FileProblem(name, "the file is empty")
    kind = _sniff(raw, file.suffix.lower(), name)
    if kind == "feed":
        return _feed_entries(raw, name)
    if kind == "html":
        return iter([_page_item(raw, name)])
    if kind == "json":
        return _json_entries(_decode(raw), name, file.suffix.lower())
    if kind == "csv":
        return _csv_entries(_decode(raw), name)
    return iter([_text_item(_decode(raw), name)])


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _bom(raw: bytes) -> tuple[int, str] | None:
    for mark, codec in _BOMS:
        if raw.startswith(mark):
            return len(mark), codec
    return None


def _decode(raw: bytes, declared: str | None = None) -> str:
    """UTF-8 (or what a BOM says); else the declared charset; else windows-1252; else latin-1."""
    bom = _bom(raw)
    if bom is not None:
        return raw[bom[0] :].decode(bom[1])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codec in (declared, "cp1252"):
        if codec:
            try:
                return raw.decode(codec)
            except (LookupError, UnicodeDecodeError):
                continue
    return raw.decode("latin-1")  # every byte is a latin-1 character: cannot fail


_FIRST_ELEMENT = re.compile(r"<([a-z][\w:.-]*)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _sniff(raw: bytes, ext: str, name: str) -> str:
    """feed | html | json | csv | text, from the first bytes; the extension breaks ties."""
    head_bytes = raw[:8192]
    bom = _bom(head_bytes)
    if bom is None and b"\x00" in head_bytes:
        raise _FileProblem(name, "a binary file, not news (RSS, Atom, HTML, CSV, JSON or text)")
    codec = bom[1] if bom else "utf-8"
    head = head_bytes.decode(codec, errors="ignore").lstrip("\ufeff \t\r\n")
    if ext in _TEXT_EXTS:
        return "text"
    if head.startswith("<"):
        return _markup_kind(head, ext)
    if head[:1] in ("{", "[") or ext == ".json" or ext in _JSON_LINES_EXTS:
        return "json"
    if ext in _CSV_EXTS or _has_news_columns(_split_header(head.split("\n", 1)[0])):
        return "csv"
    if ext in _FEED_EXTS:
        return "feed"  # so that the reject says what is wrong with the XML
    return "text"


def _markup_kind(head: str, ext: str) -> str:
    lowered = _COMMENT.sub("", head.lower())
    match = _FIRST_ELEMENT.search(lowered)
    root = match.group(1) if match else ""
    if root in ("rss", "feed") or root.endswith(":rdf") or root == "rdf":
        return "feed"
    if ext in _HTML_EXTS or root == "html" or lowered.startswith("<!doctype html"):
        return "html"
    if lowered.startswith("<?xml") or ext in _FEED_EXTS:
        return "feed"
    return "html"  # a fragment of a page (<div>, <p>, <body> …)


# ---------------------------------------------------------------------------- text


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
# Zero-width space, BOM and soft hyphen hide inside words; C0 controls are never text.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0xFEFF, 0xAD, *range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]
)
# Tags that mean a CSV/JSON field holds HTML rather than text that happens to contain "<".
_HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|a|b|i|em|strong|u|ul|ol|li|h[1-6]|img|table|tr|td|th|blockquote"
    r"|figure|figcaption|section|article|pre|code|sup|sub|small|hr)\b[^>]*>",
    re.IGNORECASE,
)


def normalise_text(text: str) -> str:
    """NFC, no invisible characters, white space collapsed, paragraphs joined by a blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE)
    paragraphs = (" ".join(part.split()) for part in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _one_line(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(unicodedata.normalize("NFC", value).translate(_INVISIBLE).split())
    return text or None


def _field_text(value: str | None) -> str | None:
    """A text field: HTML when it holds tags, else text with entities unescaped."""
    if not value:
        return None
    text = html_to_text(value) if _HTML_TAG.search(value) else normalise_text(html.unescape(value))
    return text or None


def _field_title(value: str | None) -> str | None:
    if not value:
        return None
    return _one_line(html_to_text(value) if _HTML_TAG.search(value) else html.unescape(value))


def _language(value: str | None) -> str | None:
    """A BCP 47-looking tag ("en", "da-DK", "sv_SE" -> "sv-SE"); anything else is None."""
    tag = (value or "").strip().replace("_", "-")
    if not tag or len(tag) > 16 or not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", tag):
        return None
    primary, _, rest = tag.partition("-")
    return primary.lower() + (f"-{rest}" if rest else "")


def _url(value: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) url (relative ones resolved against `base`), else None."""
    text = "".join((value or "").split())  # feeds wrap long links over lines
    if not text:
        return None
    try:
        if base:
            text = urljoin(base, text)
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host or None


# ---------------------------------------------------------------------------- dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T\s].*|Z|[+-]\d{2}:?\d{2})?", re.IGNORECASE)
_COMPACT_ISO = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_YMD = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:\s.*)?")
_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[\s,T].*)?")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?")


def parse_date(value: Any) -> str | None:
    """YYYY-MM-DD (or YYYY-MM, YYYY) of the forms in the module docstring; else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _epoch(float(value))
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text):
        return text
    for parse in (_iso_date, _rfc822_date, _numeric_date, _wordy_date):
        result = parse(text)
        if result is not None:
            return result
    return None


def _calendar(year: int, month: int, day: int | None) -> str | None:
    try:
        checked = date(year, month, day or 1)
    except ValueError:
        return None
    return checked.isoformat() if day else checked.isoformat()[:7]


def _epoch(seconds: float) -> str | None:
    if seconds > 1e11:  # milliseconds, as JavaScript writes them
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _iso_date(text: str) -> str | None:
    match = _ISO.fullmatch(text) or _COMPACT_ISO.fullmatch(text) or _YMD.fullmatch(text)
    if match is None:
        return None
    year, month, day = match.groups()
    return _calendar(int(year), int(month), int(day) if day else None)


def _rfc822_date(text: str) -> str | None:
    parsed = parsedate_tz(text) if ":" in text else None  # it needs a time to parse at all
    return _calendar(parsed[0], parsed[1], parsed[2]) if parsed else None


def _numeric_date(text: str) -> str | None:
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None
    first, separator, second, year = match.groups()
    a, b, y = int(first), int(second), int(year)
    if separator == "." or a > 12:
        return _calendar(y, b, a)  # dotted dates and a first part over 12: day first
    if b > 12 or a == b:
        return _calendar(y, a, b)
    return str(y)  # 03/04/2024: 3 April or March 4; only the year is certain


def _wordy_date(text: str) -> str | None:
    """ "March 3, 2024", "3 Mar 2024", "Sunday, Aug. 29, 2023 10:00"."""
    tokens = re.findall(r"[a-z]+|\d+", _TIME.sub(" ", text.lower()))
    month = next((_MONTHS[t] for t in tokens if t in _MONTHS), None)
    numbers = [t for t in tokens if t.isdigit()]
    # "+0400" is a time zone, not a year: years are taken from 1800 on.
    year = next((int(t) for t in numbers if len(t) == 4 and int(t) >= 1800), None)
    if month is None or year is None:
        return None
    day = next((int(t) for t in numbers if len(t) <= 2 and 1 <= int(t) <= 31), None)
    return _calendar(year, month, day)


# ---------------------------------------------------------------------------- HTML


def _names(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


class _Node:
    __slots__ = ("attrs", "children", "chrome", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []
        self.parent = parent
        self.chrome: bool | None = None  # _chrome's answer, once asked


_VOID = _names("area base br col embed hr img input link meta param source track wbr")
_BLOCK = _names(
    "address article aside blockquote body br caption center dd details dialog div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol "
    "p pre section summary table tbody td tfoot th thead tr ul"
)
# Never text a reader sees.
_INVISIBLE_TAGS = _names(
    "script style noscript template svg math iframe object embed canvas head title meta "
    "link button select option textarea input"
)
# The page around the article.
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "dialog", "menu"})
_CHROME_ROLES = _names(
    "navigation banner contentinfo complementary dialog alertdialog search menu menubar"
)
_CHROME_WORDS = _names(
    "nav navbar navigation menu breadcrumb breadcrumbs sidebar share sharing social "
    "newsletter subscribe subscription related comments advert advertisement ads ad promo "
    "popup modal banner masthead footer header skip toolbar pagination"
)
_CONSENT_MARKS = ("cookie", "consent", "gdpr", "cybot", "onetrust")
_NEVER_CHROME = frozenset({"html", "body", "main", "article"})
_BLOCK_START_CLOSES_P = _BLOCK - {"br", "html", "body"}
_HEAD_TAGS = _names("html head title meta link style script base noscript template")


class _TreeBuilder(HTMLParser):
    """A forgiving HTML tree: unclosed tags end with their parent or the file, stray end tags
    are ignored, <p> ends at the next block, <li> at the next item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HEAD_TAGS and any(n.tag == "head" for n in self.stack[1:3]):
            self._close_open("head", stop_at=())  # an unclosed <head> ends where the body starts
        if tag in _BLOCK_START_CLOSES_P and self.stack[-1].tag == "p":
            self.stack.pop()
        if tag == "li":
            self._close_open("li", stop_at=("ul", "ol"))
        parent = self.stack[-1]
        node = _Node(tag, {key: value or "" for key, value in attrs}, parent)
        parent.children.append(node)
        if tag not in _VOID and len(self.stack) < MAX_HTML_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1]
        parent.children.append(_Node(tag, {k: v or "" for k, v in attrs}, parent))

    def handle_endtag(self, tag: str) -> None:
        self._close_open(tag, stop_at=())

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close_open(self, tag: str, stop_at: tuple[str, ...]) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[index].tag
            if open_tag == tag:
                del self.stack[index:]
                return
            if open_tag in stop_at:
                return


def parse_html(text: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def _walk(node: _Node, drop: Callable[[_Node], bool]) -> Iterator[_Node]:
    """Elements under `node` in document order, skipping dropped subtrees; no recursion."""
    stack: list[_Node] = [node]
    while stack:
        current = stack.pop()
        if current is not node and drop(current):
            continue
        yield current
        stack.extend(reversed([c for c in current.children if isinstance(c, _Node)]))


def render(node: _Node, drop: Callable[[_Node], bool]) -> str:
    """The text of `node`, a paragraph per block element, dropped subtrees left out."""
    paragraphs: list[str] = []
    words: list[str] = []

    def flush() -> None:
        text = " ".join("".join(words).split())
        if text:
            paragraphs.append(text)
        words.clear()

    stack: list[_Node | str | None] = [node]  # None marks the end of a block element
    while stack:
        item = stack.pop()
        if item is None:
            flush()
        elif isinstance(item, str):
            words.append(item)
        elif item is node or not drop(item):
            if item.tag in _BLOCK:
                flush()
                stack.append(None)
            stack.extend(reversed(item.children))
    flush()
    return normalise_text("\n\n".join(paragraphs))


def _invisible(node: _Node) -> bool:
    return node.tag in _INVISIBLE_TAGS


def _chrome(node: _Node) -> bool:
    """Navigation, header, footer, sidebars, forms, cookie banners: not the article."""
    if node.chrome is None:  # asked many times per node: by the walk and by each render
        node.chrome = _is_chrome(node)
    return node.chrome


def _is_chrome(node: _Node) -> bool:
    if node.tag in _INVISIBLE_TAGS or node.tag in _CHROME_TAGS:
        return True
    attrs = node.attrs
    if not attrs or node.tag in _NEVER_CHROME:
        return False  # a <body class="nav-open"> is still the page
    if "hidden" in attrs or attrs.get("aria-hidden", "").lower() == "true":
        return True
    if attrs.get("role", "").lower() in _CHROME_ROLES:
        return True
    marks = f"{attrs.get('id', '')} {attrs.get('class', '')}".lower()
    if any(mark in marks for mark in _CONSENT_MARKS):
        return True
    return not _CHROME_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", marks))


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed's description): tags out, entities unescaped."""
    return render(parse_html(fragment), _invisible)


def main_text(root: _Node) -> tuple[str, _Node | None]:
    """The article's text and its element: <article>, else <main>, else the best block."""
    elements = list(_walk(root, _chrome))
    for candidate in _candidates(root, elements):
        text = render(candidate, _chrome)
        if text:
            return text, candidate
    # Everything looked like page chrome (an unclosed <div class="menu"> swallows the rest of a
    # broken page): some text beats none.
    text = render(root, _invisible)
    return text, root if text else None


def _candidates(root: _Node, elements: list[_Node]) -> Iterator[_Node]:
    """Where the article may be, best guess first; computed only as far as needed."""
    articles = [n for n in elements if n.tag == "article"]
    if articles:
        yield max(articles, key=lambda n: len(render(n, _chrome)))  # first of equals
    yield from [n for n in elements if n.tag == "main" or n.attrs.get("role") == "main"][:1]
    best = _best_block(elements)
    if best is not None:
        yield best
    yield from [n for n in elements if n.tag == "body"][:1]
    yield root


def _best_block(elements: list[_Node]) -> _Node | None:
    """The element whose paragraphs hold the most text (a parent gets a paragraph's length, a
    grandparent half of it, as readability scores)."""
    scores: dict[int, float] = {}
    nodes: dict[int, _Node] = {}
    for node in elements:
        if node.tag != "p" or node.parent is None:
            continue
        length = len(render(node, _chrome))
        for ancestor, share in ((node.parent, 1.0), (node.parent.parent, 0.5)):
            if ancestor is not None and ancestor.tag != "#root":
                scores[id(ancestor)] = scores.get(id(ancestor), 0.0) + length * share
                nodes[id(ancestor)] = ancestor
    if not scores:
        return None
    return nodes[max(scores, key=lambda key: scores[key])]  # first of equals: document order


_DATE_METAS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "parsely-pub-date",
    "sailthru.date",
)


@dataclass(slots=True)
class _PageMeta:
    lang: str | None = None
    title: str | None = None
    h1: str | None = None
    canonical: str | None = None
    metas: dict[str, str] = field(default_factory=dict)  # first value of each name wins
    times: list[str] = field(default_factory=list)


def _page_meta(root: _Node) -> _PageMeta:
    meta = _PageMeta()
    for node in _walk(root, lambda n: False):
        attrs = node.attrs
        if node.tag == "html" and meta.lang is None:
            meta.lang = attrs.get("lang") or attrs.get("xml:lang")
        elif node.tag == "title" and meta.title is None:
            meta.title = render(node, lambda n: False)
        elif node.tag == "h1" and meta.h1 is None:
            meta.h1 = render(node, _invisible)
        elif node.tag == "link" and "canonical" in attrs.get("rel", "").lower().split():
            meta.canonical = meta.canonical or attrs.get("href")
        elif node.tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            key = key or attrs.get("http-equiv")
            if key and attrs.get("content"):
                meta.metas.setdefault(key.strip().lower(), attrs["content"])
        elif node.tag == "time" and attrs.get("datetime"):
            meta.times.append(attrs["datetime"])
    return meta


def _page_item(raw: bytes, name: str) -> _Item:
    root = parse_html(_decode(raw, _declared_charset(raw[:4096])))
    meta = _page_meta(root)
    metas = meta.metas
    text, element = main_text(root)
    article_times = [
        n.attrs["datetime"]
        for n in (_walk(element, _chrome) if element is not None else ())
        if n.tag == "time" and n.attrs.get("datetime")
    ]
    dates = [metas.get(key) for key in _DATE_METAS] + article_times + meta.times
    return _Item(
        where=name,
        title=_one_line(metas.get("og:title")) or meta.title or meta.h1,
        url=_url(meta.canonical) or _url(metas.get("og:url")),
        published=next((d for d in map(parse_date, dates) if d), None),
        publisher=_one_line(metas.get("og:site_name")),
        language=_language(meta.lang) or _language(metas.get("content-language")),
        text=text or None,
    )


def _declared_charset(head: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", head, re.IGNORECASE)
    return match.group(1).decode("ascii") if match else None


# ---------------------------------------------------------------------------- feeds

_XML_NS = "http://www.w3.org/XML/1998/namespace"
_ATOM_NS = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#", "")
_RSS_NS = ("", "http://purl.org/rss/1.0/", "http://backend.userland.com/rss2")
_CONTENT_NS = ("http://purl.org/rss/1.0/modules/content/",)
_DC_NS = ("http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/")
_XHTML_NS = "http://www.w3.org/1999/xhtml"
# HTML names that feeds use without declaring them; XML knows only these five.
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")


def _split(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _child(element: ElementTree.Element, local: str, spaces: tuple[str, ...]) -> Any:
    for child in element:
        namespace, name = _split(child.tag)
        if name.lower() == local.lower() and namespace in spaces:
            return child
    return None


def _text_of(element: ElementTree.Element | None) -> str | None:
    return None if element is None else "".join(element.itertext()) or None


def _lang(element: ElementTree.Element, inherited: str | None) -> str | None:
    return _language(element.get(f"{{{_XML_NS}}}lang")) or inherited


def _html_entities_to_references(raw: bytes) -> bytes:
    """&nbsp; -> &#160;: undeclared HTML entities would otherwise make the feed invalid XML."""

    def replace(match: re.Match[bytes]) -> bytes:
        entity = match.group(1).decode("ascii")
        characters = _HTML5_ENTITIES.get(entity + ";")
        if entity in _XML_ENTITIES or characters is None:
            return match.group(0)
        return "".join(f"&#{ord(c)};" for c in characters).encode("ascii")

    return _NAMED_ENTITY.sub(replace, raw)


def parse_xml(raw: bytes, name: str) -> ElementTree.Element:
    """An ElementTree of `raw`, refusing DTDs and entity declarations; expat, no network."""
    bom = _bom(raw)
    if bom is None or bom[1] == "utf-8":
        # Leading blank lines before <?xml are a common feed fault, not worth a reject.
        stripped = raw.removeprefix(b"\xef\xbb\xbf").lstrip()
        skipped_lines = raw[: len(raw) - len(stripped)].count(b"\n")
        raw = _html_entities_to_references(stripped)
    else:
        skipped_lines = 0
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def qualified(tag: str) -> str:
        return "{" + tag if "}" in tag else tag

    def refuse(*_: object) -> None:
        raise _FileProblem(
            f"{name} line {parser.CurrentLineNumber + skipped_lines}",
            "refused: the XML declares a DOCTYPE or ENTITY; DTDs can expand into XML bombs or "
            "fetch external files, and news feeds do not need them",
        )

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        qualified(tag), {qualified(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(qualified(tag))
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise _FileProblem(
            f"{name} line {(exc.lineno or 0) + skipped_lines} column {(exc.offset or 0) + 1}",
            f"invalid XML: {expat.errors.messages.get(exc.code, str(exc))}",
        ) from None
    return builder.close()


def _feed_entries(raw: bytes, name: str) -> Iterator[Entry]:
    root = parse_xml(raw, name)
    local = _split(root.tag)[1].lower()
    if local == "feed":
        return _atom_entries(root, name)
    if local in ("rss", "rdf"):
        return _rss_entries(root, name)
    raise _FileProblem(name, f"XML but neither RSS nor Atom: the root element is <{local}>")


def _rss_entries(root: ElementTree.Element, name: str) -> Iterator[Entry]:
    channel = _child(root, "channel", _RSS_NS)
    channel_title = channel_link = None
    language = _lang(root, None)
    if channel is not None:
        channel_title = _one_line(_text_of(_child(channel, "title", _RSS_NS)))
        channel_link = _url(_text_of(_child(channel, "link", _RSS_NS)))
        language = _lang(channel, language)
        language = _language(_text_of(_child(channel, "language", _RSS_NS))) or language
    # RSS 2.0 items live in the channel; RSS 1.0 (RDF) items next to it.
    items = [*(channel if channel is not None else []), *root]
    items = [el for el in items if _split(el.tag)[1].lower() == "item"]
    for index, item in enumerate(items):
        where = f"{name}#{index}"
        yield _guarded(
            where, partial(_rss_item, item, where, channel_title, channel_link, language)
        )


def _rss_item(
    item: ElementTree.Element,
    where: str,
    channel_title: str | None,
    channel_link: str | None,
    language: str | None,
) -> _Item:
    guid = _child(item, "guid", _RSS_NS)
    permalink = guid is not None and guid.get("isPermaLink", "true").lower() != "false"
    link = _url(_text_of(_child(item, "link", _RSS_NS)), channel_link)
    body = _text_of(_child(item, "encoded", _CONTENT_NS)) or _text_of(
        _child(item, "description", _RSS_NS)
    )
    item_language = _language(_text_of(_child(item, "language", _DC_NS)))
    return _Item(
        where=where,
        title=_field_title(_text_of(_child(item, "title", _RSS_NS))),
        url=link or (_url(_text_of(guid), channel_link) if permalink else None),
        published=parse_date(
            _text_of(_child(item, "pubDate", _RSS_NS)) or _text_of(_child(item, "date", _DC_NS))
        ),
        publisher=_one_line(_text_of(_child(item, "source", _RSS_NS))) or channel_title,
        language=item_language or _lang(item, language),
        text=html_to_text(body) if body else None,
    )


def _atom_entries(feed: ElementTree.Element, name: str) -> Iterator[Entry]:
    language = _lang(feed, None)
    title = _atom_text(_child(feed, "title", _ATOM_NS))
    base = _url(feed.get(f"{{{_XML_NS}}}base")) or _atom_link(feed, None)
    entries = [el for el in feed if _split(el.tag)[1].lower() == "entry"]
    for index, entry in enumerate(entries):
        where = f"{name}#{index}"
        yield _guarded(where, partial(_atom_item, entry, where, base, _one_line(title), language))


def _atom_item(
    entry: ElementTree.Element,
    where: str,
    base: str | None,
    feed_title: str | None,
    language: str | None,
) -> _Item:
    entry_language = _lang(entry, language)
    body = _child(entry, "content", _ATOM_NS)
    if body is None or body.get("src") or not _text_of(body):
        body = _child(entry, "summary", _ATOM_NS)
    date_element = _child(entry, "published", _ATOM_NS)
    if date_element is None:
        date_element = _child(entry, "updated", _ATOM_NS)
    return _Item(
        where=where,
        title=_one_line(_atom_text(_child(entry, "title", _ATOM_NS))),
        url=_atom_link(entry, base),
        published=parse_date(_text_of(date_element)),
        publisher=feed_title,
        language=_lang(body, entry_language) if body is not None else entry_language,
        text=_atom_text(body),
    )


def _atom_link(element: ElementTree.Element, base: str | None) -> str | None:
    """The alternate link (rel absent means alternate), else the first link with an href."""
    links = [c for c in element if _split(c.tag) in {(ns, "link") for ns in _ATOM_NS}]
    alternate = [c for c in links if c.get("rel", "alternate") == "alternate" and c.get("href")]
    chosen = (alternate or [c for c in links if c.get("href")] or [None])[0]
    return None if chosen is None else _url(chosen.get("href"), base)


def _atom_text(element: ElementTree.Element | None) -> str | None:
    """An Atom text construct: type text (entities unescaped), html, or xhtml."""
    if element is None:
        return None
    kind = (element.get("type") or "text").lower()
    if kind in ("xhtml", "application/xhtml+xml"):
        for node in element.iter():
            node.tag = _split(node.tag)[1]  # the html serialiser wants bare names
        inner = (element.text or "") + "".join(
            ElementTree.tostring(child, encoding="unicode", method="html") for child in element
        )
        return html_to_text(inner) or None
    text = _text_of(element)
    if not text:
        return None
    return (html_to_text(text) if "html" in kind else normalise_text(html.unescape(text))) or None


# ---------------------------------------------------------------------------- CSV and JSON

# Column and key names (lower case, letters and digits only), best first.
_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "subject"),
    "url": (
        "url",
        "link",
        "href",
        "permalink",
        "articleurl",
        "sourceurl",
        "canonicalurl",
        "weburl",
    ),
    "published": (
        "published",
        "publishedat",
        "publisheddate",
        "publishdate",
        "pubdate",
        "datepublished",
        "publicationdate",
        "date",
        "datetime",
        "timestamp",
        "time",
        "created",
        "createdat",
        "updated",
        "updatedat",
    ),
    "text": (
        "text",
        "body",
        "content",
        "fulltext",
        "articletext",
        "articlebody",
        "maintext",
        "article",
        "summary",
        "description",
        "abstract",
        "lead",
        "excerpt",
        "snippet",
    ),
    "publisher": (
        "publisher",
        "source",
        "sourcename",
        "site",
        "sitename",
        "outlet",
        "publication",
        "newspaper",
        "feed",
    ),
    "language": ("language", "lang", "languagecode", "locale"),
    "illustrative": ("illustrative",),
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _columns(header: list[str]) -> dict[str, list[int]]:
    """For each field, the header positions that hold it, best first."""
    keys = [_key(name) for name in header]
    found: dict[str, list[int]] = {}
    for field_name, aliases in _ALIASES.items():
        positions = [keys.index(alias) for alias in aliases if alias in keys]
        if field_name == "published":  # published_eastern, published_utc …
            positions += [i for i, k in enumerate(keys) if k.startswith("published")]
        if positions:
            found[field_name] = list(dict.fromkeys(positions))
    return found


def _has_news_columns(header: list[str]) -> bool:
    return not _columns(header).keys().isdisjoint({"title", "url", "text"})


def _split_header(line: str) -> list[str]:
    delimiter = _delimiter(line)
    return next(csv.reader([line], delimiter=delimiter), [])


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _scalar(value: Any) -> str | None:
    """A JSON value as text: strings, numbers, and the usual wrappers ({"name": …})."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for key in ("rendered", "name", "title", "href", "url", "value"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "y")


def _record_item(where: str, fields: dict[str, list[Any]]) -> _Item:
    """An item from named fields, each a list of candidate values, best first."""

    def first(field_name: str) -> Any:
        values = fields.get(field_name, [])
        return next((v for v in values if (_scalar(v) or "").strip()), None)

    published = first("published")
    return _Item(
        where=where,
        title=_field_title(_scalar(first("title"))),
        url=_url(_scalar(first("url"))),
        published=parse_date(
            published if isinstance(published, int | float) else _scalar(published)
        ),
        publisher=_one_line(_scalar(first("publisher"))),
        language=_language(_scalar(first("language"))),
        text=_field_text(_scalar(first("text"))),
        # Read raw: JSON gives a boolean, which `first` (made for text values) would skip.
        illustrative=any(_flag(v) for v in fields.get("illustrative", [])),
    )


def _csv_entries(text: str, name: str) -> Iterator[Entry]:
    newline = text.find("\n")
    first_line = text[: newline if newline >= 0 else len(text)]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise _FileProblem(f"{name} line 1", f"no CSV header: {exc or 'empty'}") from None
    columns = _columns(header)
    if not _has_news_columns(header):
        shown = ", ".join(header[:12])
        raise _FileProblem(
            f"{name} line 1",
            f"no news columns in the header ({shown}); expected title/headline, url/link or "
            "text/body/content/summary",
        )
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _Bad(f"{name} line {start}", f"unreadable CSV row: {exc}")
            if reader.line_num < start:
                return  # nothing was consumed: do not loop
            continue
        if not any(cell.strip() for cell in row):
            continue  # a blank line is not a record
        where = f"{name} line {start}"
        if len(row) > len(header):
            yield _Bad(where, f"the row has {len(row)} fields; the header has {len(header)}")
            continue
        fields = {f: [row[i] for i in pos if i < len(row)] for f, pos in columns.items()}
        yield _guarded(where, partial(_record_item, where, fields))


def _json_fields(record: dict[str, Any]) -> dict[str, list[Any]]:
    keys = {_key(str(k)): v for k, v in record.items()}
    fields = {f: [keys[a] for a in aliases if a in keys] for f, aliases in _ALIASES.items()}
    fields["published"] += [v for k, v in keys.items() if k.startswith("published")]
    return fields


def _json_record(value: Any, where: str) -> Entry:
    if not isinstance(value, dict):
        return _Bad(where, f"expected a JSON object, got {type(value).__name__}")
    return _guarded(where, partial(_record_item, where, _json_fields(value)))


_LIST_KEYS = ("articles", "items", "entries", "data", "results", "news")


def _json_entries(text: str, name: str, ext: str) -> Iterator[Entry]:
    """A JSON array/object of articles, or JSON Lines (when the whole is not one value)."""
    if ext not in _JSON_LINES_EXTS:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            if text.lstrip("\ufeff \t\r\n").startswith("["):
                raise _FileProblem(
                    f"{name} line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}"
                ) from None
        else:
            yield from _json_value_entries(value, name)
            return
    # split("\n"), not splitlines(): JSON strings may hold U+2028, which splitlines breaks on.
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _Bad(where, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield _json_record(value, where)


def _json_value_entries(value: Any, name: str) -> Iterator[Entry]:
    if isinstance(value, dict):
        inner = next((value[k] for k in _LIST_KEYS if isinstance(value.get(k), list)), None)
        if inner is None:
            yield _json_record(value, name)
            return
        value = inner
    if not isinstance(value, list):
        raise _FileProblem(name, f"expected JSON objects, got {type(value).__name__}")
    for index, record in enumerate(value):
        yield _json_record(record, f"{name}#{index}")


# ---------------------------------------------------------------------------- plain text


def _text_item(text: str, name: str) -> Entry:
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    first_line, _, rest = stripped.partition("\n")
    title = _one_line(first_line) if len(first_line.strip()) <= MAX_TITLE_LINE else None
    if title and rest.strip():
        # The title is its own paragraph even when no blank line follows it.
        body = normalise_text(rest)
        return _Item(where=name, title=title, text=f"{title}\n\n{body}")
    body = normalise_text(stripped)
    if not body:
        return _Bad(name, "the file has no text")
    return _Item(where=name, text=body)
