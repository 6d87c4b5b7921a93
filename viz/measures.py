"""Per-organisation measures that size nodes and fill tooltips.

Degree is counted here; betweenness and brokerage come from the analytics service ("brokers"),
which caches them per graph version and filter and samples betweenness on large graphs. They are
always measured on the whole filtered graph, never on the part a map shows: an organisation's
betweenness in an ego map is still its betweenness in the ecosystem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from graph.analytics.brokerage import BrokersResult
from graph.analytics.links import LinkFilter, LinkGraph
from graph.analytics.service import Analytics

SIZE_MEASURES = ("degree", "betweenness", "brokerage")
# Betweenness and brokerage for tooltips even when nodes are sized by degree, up to this many
# linked organisations: below it exact betweenness takes under a second (graph/analytics/
# brokerage.py); above it they are computed only when a map is sized by them.
TOOLTIP_MEASURES_UP_TO = 3_000
# Betweenness and brokerage are taken on the country grouping (Denmark and Sweden as the two
# sides), whatever the map is coloured by: the border is the question the project asks.
MEASURE_GROUPING = "country"

EXPLAINED = {
    "degree": "degree (organisations it is linked to)",
    "betweenness": "betweenness (share of shortest paths through it)",
    "brokerage": "brokerage (Gould-Fernandez brokerage roles between countries, all five summed)",
}


@dataclass(slots=True)
class Measures:
    """Degree for every linked organisation; betweenness and brokerage when computed."""

    size_by: str
    degree: dict[str, int]
    betweenness: dict[str, float] | None = None
    border_betweenness: dict[str, float] | None = None
    brokerage: dict[str, int] | None = None
    approximate: bool = False
    samples: int | None = None

    @classmethod
    def of(cls, analytics: Analytics, links: LinkGraph, size_by: str) -> Measures:
        degree = {org_id: len(others) for org_id, others in links.adjacency().items()}
        measures = cls(size_by=size_by, degree=degree)
        if size_by != "degree" or len(degree) <= TOOLTIP_MEASURES_UP_TO:
            measures._add_brokerage(analytics, links.link_filter, len(degree))
        return measures

    def _add_brokerage(self, analytics: Analytics, link_filter: LinkFilter, linked: int) -> None:
        if linked == 0:
            self.betweenness, self.border_betweenness, self.brokerage = {}, {}, {}
            return
        result = cast(
            BrokersResult,
            analytics.run(
                "brokers", link_filter=link_filter, grouping=MEASURE_GROUPING, limit=linked
            ),
        )
        rows = result.brokers
        self.betweenness = {r.org.id: r.betweenness for r in rows}
        self.border_betweenness = {r.org.id: r.border_betweenness for r in rows}
        self.brokerage = {r.org.id: r.total_brokerage for r in rows}
        self.approximate = result.approximate
        self.samples = result.samples

    def value(self, org_id: str) -> float:
        """The size measure of an organisation (0 for one without links)."""
        if self.size_by == "betweenness":
            return (self.betweenness or {}).get(org_id, 0.0)
        if self.size_by == "brokerage":
            return float((self.brokerage or {}).get(org_id, 0))
        return float(self.degree.get(org_id, 0))

    def rows(self, org_id: str) -> list[list[str]]:
        """(label, value) pairs for a tooltip, as text."""
        rows = [["degree", str(self.degree.get(org_id, 0))]]
        if self.betweenness is not None:
            rows.append(["betweenness", _share(self.betweenness.get(org_id, 0.0))])
        if self.border_betweenness is not None:
            rows.append(
                ["DK-SE border betweenness", _share(self.border_betweenness.get(org_id, 0.0))]
            )
        if self.brokerage is not None:
            rows.append(["brokerage roles", str(self.brokerage.get(org_id, 0))])
        return rows

    def describe(self) -> str:
        text = EXPLAINED[self.size_by]
        if self.approximate and self.size_by == "betweenness":
            text += f", estimated from {self.samples} sampled sources"
        return text


def _share(value: float) -> str:
    return f"{value:.4f}" if value else "0"
