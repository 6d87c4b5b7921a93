"""Exceptions of the ingest package. Only `api/` maps them to HTTP status codes."""

from __future__ import annotations


class IngestError(Exception):
    """Base of every error raised by `ingest`; the message says how to fix the cause."""


class SourceNotFoundError(IngestError, FileNotFoundError):
    """An input file or folder does not exist."""


class RecordError(IngestError, ValueError):
    """One record cannot be used; `where` names it (file, line or record key)."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")
