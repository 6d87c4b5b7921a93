"""Input files of the registry loaders: listing them, reading JSON, and turning what goes wrong
with one record into a reject reason.

- `input_files`: a file itself, or a folder's files with the given suffixes, sorted.
- `read_json` / `read_json_file`: the whole value of a JSON file, UTF-8 only (RFC 8259; a BOM is
  allowed), with the file and position of any fault.
- `iter_json_values`: the elements of a top-level JSON array one by one, without loading the
  whole file (ROR dumps, OpenAlex list responses).
- `RECORD_ERRORS`, `reason_of`: the exceptions that mean "this record cannot be used" (anything
  else is a bug and propagates), and the reject reason of each.
- `text_field`: a text field of a JSON object, white space collapsed.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.errors import GraphError
from ingest.errors import RecordError, SourceNotFoundError
from ingest.report import IngestReport

# Exceptions that mean "this record is unusable" rather than "the loader is broken". An
# AttributeError or TypeError comes from a record whose structure is not the documented one
# (a string where an object belongs): one reject, and the load goes on.
RECORD_ERRORS = (GraphError, RecordError, ValueError, KeyError, TypeError, AttributeError)


def reason_of(exc: Exception) -> str:
    """A reject reason that says what is wrong, whatever raised it."""
    if isinstance(exc, RecordError):
        return exc.reason
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    if isinstance(exc, TypeError | AttributeError):
        return f"unexpected structure: {exc}"
    return str(exc)


def text_field(record: dict[str, Any], key: str) -> str | None:
    """A string field with runs of white space collapsed; None when absent or empty."""
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise ValueError(f"field {key!r} should be text, got {type(value).__name__}")
    cleaned = " ".join(str(value).split())
    return cleaned or None


# ---------------------------------------------------------------------------- files


def input_files(
    path: Path, suffixes: tuple[str, ...] = (), *, recursive: bool = False
) -> list[Path]:
    """`path` itself if it is a file; else the folder's files whose names end in one of
    `suffixes` (any case; every file when there are none), sorted by path.

    `recursive` also reads the sub-folders. A folder without such files, and a path that does
    not exist, raise SourceNotFoundError.
    """
    if path.is_dir():
        candidates = path.rglob("*") if recursive else path.iterdir()
        files = sorted(p for p in candidates if p.is_file() and p.name.lower().endswith(suffixes))
        if not files:
            wanted = " or ".join(suffixes) if suffixes else "input"
            raise SourceNotFoundError(f"{path} has no {wanted} files")
        return files
    if not path.exists():
        raise SourceNotFoundError(f"{path} does not exist: give a file or a folder of files")
    return [path]


# ---------------------------------------------------------------------------- whole JSON values


def read_json(file: Path, *, streamed: bool = False) -> Any:
    """The whole value of a JSON file; RecordError naming the file and position if unusable.

    By default the file is decoded whole and a fault is named by line and column
    ("x.json line 255 column 34": "invalid JSON: the file ends in the middle of the JSON
    (truncated?)"; "x.json line 4": "not UTF-8: byte 0xd6 at offset 30 …"). `streamed=True`
    parses it with the chunked parser of `iter_json_values` and names a fault as the record
    streams do ("x.json line 1": "truncated JSON: …"; "x.json byte 1838": "not UTF-8 text: …").
    """
    if streamed:
        # Unpacking runs the parser to the end of the file, which refuses data after the value.
        ((_, _, value),) = iter_json_values(file, split_array=False)
        return value
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise RecordError(file.name, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise RecordError(
            f"{file.name} line {line}",
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be decoded "
            "(JSON files must be UTF-8; re-export the file as UTF-8)",
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # A string left open runs to the end of the file: that is truncation too.
        truncated = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        what = "the file ends in the middle of the JSON (truncated?)" if truncated else exc.msg
        raise RecordError(
            f"{file.name} line {exc.lineno} column {exc.colno}", f"invalid JSON: {what}"
        ) from None


def read_json_file(file: Path, report: IngestReport, *, streamed: bool = False) -> Any | None:
    """`read_json`, or None after one reject naming the file and position.

    The unusable file counts as one record read and rejected, so that read = accepted +
    rejected still holds.
    """
    try:
        return read_json(file, streamed=streamed)
    except RecordError as exc:
        report.read += 1
        report.reject(exc.where, exc.reason)
        return None


# ---------------------------------------------------------------------------- streamed JSON

_CHUNK = 1 << 20
_MAX_VALUE = 256 << 20  # one record larger than this is not a record but a broken file


def iter_json_values(
    file: Path, *, split_array: bool = True
) -> Iterator[tuple[int | None, int, Any]]:
    """(index, line, value) for each element of a top-level JSON array, without loading the
    whole file; (None, 1, value) for any other top-level value.

    Raises RecordError naming the file and line for bytes that are not UTF-8, invalid or
    truncated JSON, and anything after the top-level value.
    """
    stream = _JsonStream(file)
    try:
        stream.skip_space()
        if stream.at_end():
            raise RecordError(file.name, "empty file: expected a JSON object or array")
        if split_array and stream.peek() == "[":
            stream.advance(1)
            index = 0
            while True:
                stream.skip_space()
                if stream.at_end():
                    raise stream.error("truncated JSON: the array is not closed with ]")
                if stream.peek() == "]":
                    stream.advance(1)
                    break
                if index:
                    if stream.peek() != ",":
                        raise stream.error(
                            f"invalid JSON: expected , or ] but found {stream.peek()!r}"
                        )
                    stream.advance(1)
                    stream.skip_space()
                line = stream.line_here()
                yield index, line, stream.value()
                index += 1
        else:
            yield None, 1, stream.value()
        stream.skip_space()
        if not stream.at_end():
            raise stream.error("invalid JSON: extra data after the top-level value")
    finally:
        stream.close()


class _JsonStream:
    """UTF-8 text of a file read in chunks, parsed value by value with json's raw_decode."""

    def __init__(self, file: Path) -> None:
        self.name = file.name
        try:
            self.handle = file.open("rb")
        except OSError as exc:
            raise RecordError(file.name, f"cannot open the file: {exc.strerror or exc}") from None
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.json = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.bytes_read = 0
        self.eof = False
        self.line = 1  # line number at position `line_pos` of the buffer
        self.dropped = 0  # characters consumed and dropped from the buffer
        self.line_pos = 0

    def close(self) -> None:
        self.handle.close()

    def _more(self) -> bool:
        """Append the next chunk to the buffer (dropping what was consumed); False at EOF."""
        if self.eof:
            return False
        self.line_here()
        self.dropped += self.pos
        self.buf, self.line_pos, self.pos = self.buf[self.pos :], 0, 0
        chunk = self.handle.read(_CHUNK)
        try:
            self.buf += self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            position = self.bytes_read + max(exc.start, 0)
            raise RecordError(
                f"{self.name} byte {position}",
                f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} near byte {position} "
                "(re-encode the file as UTF-8)",
            ) from None
        self.bytes_read += len(chunk)
        self.eof = not chunk
        return bool(chunk)

    def line_here(self) -> int:
        self.line += self.buf.count("\n", self.line_pos, self.pos)
        self.line_pos = self.pos
        return self.line

    def error(self, reason: str, at: int | None = None) -> RecordError:
        at = self.pos if at is None else at
        line = self.line + self.buf.count("\n", self.line_pos, at)
        return RecordError(f"{self.name} line {line}", f"{reason} (character {self.dropped + at})")

    def at_end(self) -> bool:
        while self.pos >= len(self.buf):
            if not self._more():
                return True
        return False

    def peek(self) -> str:
        return self.buf[self.pos]

    def advance(self, count: int) -> None:
        self.pos += count

    def skip_space(self) -> None:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or not self._more():
                return

    def value(self) -> Any:
        while True:
            try:
                value, end = self.json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Maybe the value goes on in the next chunk; at the end of the file it is broken.
                if not self.eof and len(self.buf) - self.pos < _MAX_VALUE:
                    self._more()
                    continue
                cut = exc.pos >= len(self.buf.rstrip()) - 1 or exc.msg.startswith("Unterminated")
                kind = "truncated JSON" if cut else "invalid JSON"
                raise self.error(f"{kind}: {exc.msg}", exc.pos) from None
            if end == len(self.buf) and not self.eof:
                self._more()  # a number may go on in the next chunk
                continue
            self.pos = end
            return value
