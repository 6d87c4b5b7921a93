"""A cross-border graph small enough to work out measures by hand (analytics and API tests).

The graph (DK: d1 d2 d3; SE: s1 s2; US: u1; x1 has no country):

    d1 -- d2        partnership            2019-05-01
    d2 -- d3        research collaboration 2020-03-01
    d1 -- s1        research collaboration 2021-01-10
    d2 -> s1        licensing              2022-02-02
    s1 -- s2        partnership            2018-06-01
    u1 -> d1        investment             2020-07-01
    d3 -- x1        partnership            undated
    project P (EU, 2019-01-01..2021-12-31): d3, s1, s2 take part
        -> co-participation links d3-s1, d3-s2, s1-s2

Nine links: d1-d2, d2-d3, d1-s1, d2-s1, s1-s2 (partnership + P: weight 2), d1-u1, d3-x1,
d3-s1, d3-s2.
"""

from __future__ import annotations

from graph.model import (
    CollabType,
    Evidence,
    Organisation,
    OrgKind,
    Project,
    ProjectKind,
    Relation,
    RelType,
)
from graph.store import GraphStore


def org(key: str, country: str | None) -> Organisation:
    return Organisation(
        name=f"Org {key.upper()}", country=country, kind=OrgKind.COMPANY, id=f"org:t:{key}"
    )


def collab(a: str, b: str, subtype: CollabType, date: str | None) -> Relation:
    return Relation(
        type=RelType.COLLABORATES_WITH,
        source=f"org:t:{a}",
        target=f"org:t:{b}",
        subtype=subtype,
        evidence=[
            Evidence(
                source=f"doc:test-{a}-{b}",
                text=f"Org {a.upper()} and Org {b.upper()} work together ({subtype.value}).",
                date=date,
                confidence=0.9,
                extractor="test",
            )
        ],
    )


PROJECT = Project(
    name="Project P",
    kind=ProjectKind.EU_PROJECT,
    start="2019-01-01",
    end="2021-12-31",
    id="project:t:p",
)


def _participation(org: str) -> Relation:
    return Relation(
        type=RelType.PARTICIPATES_IN,
        source=f"org:t:{org}",
        target=PROJECT.id,
        start=PROJECT.start,
        end=PROJECT.end,
        evidence=[
            Evidence(source="cordis:p", text=f"Org {org.upper()} in Project P", extractor="test")
        ],
    )


def build_cross_border_graph(store: GraphStore) -> GraphStore:
    orgs = [org("d1", "DK"), org("d2", "DK"), org("d3", "DK"), org("s1", "SE")]
    orgs += [org("s2", "SE"), org("u1", "US"), org("x1", None)]
    store.upsert_nodes([*orgs, PROJECT])
    store.upsert_relations(
        [
            collab("d1", "d2", CollabType.PARTNERSHIP, "2019-05-01"),
            collab("d2", "d3", CollabType.RESEARCH_COLLABORATION, "2020-03-01"),
            collab("d1", "s1", CollabType.RESEARCH_COLLABORATION, "2021-01-10"),
            collab("d2", "s1", CollabType.LICENSING, "2022-02-02"),
            collab("s1", "s2", CollabType.PARTNERSHIP, "2018-06-01"),
            collab("u1", "d1", CollabType.INVESTMENT, "2020-07-01"),
            collab("d3", "x1", CollabType.PARTNERSHIP, None),
            *(_participation(o) for o in ("d3", "s1", "s2")),
        ]
    )
    return store
