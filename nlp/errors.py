"""Exceptions of the nlp package; each message says what was wrong and what to do."""

from __future__ import annotations

from graph.errors import GraphError


class NlpError(GraphError):
    """Base of every error raised by `nlp` (a GraphError, so the CLI reports it the same way)."""


class TextTooLongError(NlpError, ValueError):
    """A text is longer than the extractor accepts in one piece."""

    def __init__(self, length: int, limit: int, id: str | None = None) -> None:
        self.length = length
        self.limit = limit
        self.id = id
        which = f"text {id!r}" if id is not None else "the text"
        super().__init__(
            f"{which} is {length:,} characters long; the extractor accepts at most {limit:,} "
            "characters per text. Split it into parts (e.g. by paragraph) and extract each."
        )


class ModelNotAvailableError(NlpError):
    """The spaCy model the extractor needs is not installed."""
