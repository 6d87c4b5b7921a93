"""What a load did: how many records were read, accepted and rejected, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_REJECTS_KEPT = 1_000


@dataclass(frozen=True, slots=True)
class Reject:
    where: str
    reason: str


@dataclass(slots=True)
class IngestReport:
    source: str
    read: int = 0
    accepted: int = 0
    merged: int = 0
    nodes_written: int = 0
    relations_written: int = 0
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)

    def reject(self, where: str, reason: str) -> None:
        """Count a rejected record; the first MAX_REJECTS_KEPT are kept with their reasons."""
        self.rejected += 1
        if len(self.rejects) < MAX_REJECTS_KEPT:
            self.rejects.append(Reject(where, reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "read": self.read,
            "accepted": self.accepted,
            "merged": self.merged,
            "rejected": self.rejected,
            "nodes_written": self.nodes_written,
            "relations_written": self.relations_written,
            "rejects": [{"where": r.where, "reason": r.reason} for r in self.rejects],
        }
