"""International reach and foreign control, worked out by hand, on both stores.

us1 -> dk1   investment (US investor in a DK company)    2021-03-01
se1 -> ch1   SUBSIDIARY_OF (SE child of a CH parent)      2015-01-01
ch2 -> dk2   SUBSIDIARY_OF (CH child of a DK parent)      2016-01-01   home owns abroad
dk2 -> us1   acquisition (DK acquirer of a US company)    2019-09-01   home owns abroad
dk1 -- se1   partnership                                  2020-01-01   DK-SE: not international
dk2 -- de1   research collaboration                       2018-01-01
dk1 -- x1    partnership (x1 has no country)              2020-01-01
trial T (2022): dk1 and us1 take part -> the dk1-us1 link also has the trials layer
"""

from __future__ import annotations

import pytest

from graph.analytics.links import LinkGraph
from graph.analytics.reach import international_reach
from graph.errors import ValidationError
from graph.model import Evidence, Organisation, Project, Relation
from graph.store import GraphStore


def _org(name: str, country: str | None, kind: str = "company") -> Organisation:
    return Organisation(name=name, kind=kind, country=country)


DK1 = _org("Dansk Bio A/S", "DK")
DK2 = _org("Dansk Pharma A/S", "DK")
SE1 = _org("Svensk Med AB", "SE")
US1 = _org("American Capital LLC", "US", "investor")
CH1 = _org("Swiss Parent AG", "CH")
CH2 = _org("Swiss Daughter AG", "CH")
DE1 = _org("Deutsche Forschung GmbH", "DE", "research_institute")
X1 = _org("Nowhere Ltd", None)
TRIAL = Project(name="Trial T", kind="trial", start="2022-01-01", end="2022-12-31")


def _ev(text: str, date: str | None) -> Evidence:
    return Evidence(
        source="doc:test", text=text, date=date, extractor="test", extractor_version="1"
    )


def _rel(kind: str, a: str, b: str, date: str | None, subtype: str | None = None) -> Relation:
    return Relation(
        type=kind, source=a, target=b, subtype=subtype, evidence=[_ev(f"{a} {kind} {b}", date)]
    )


RELATIONS = {
    "investment": _rel("COLLABORATES_WITH", US1.id, DK1.id, "2021-03-01", "investment"),
    "ch_parent": _rel("SUBSIDIARY_OF", SE1.id, CH1.id, "2015-01-01"),
    "dk_parent": _rel("SUBSIDIARY_OF", CH2.id, DK2.id, "2016-01-01"),
    "acquisition": _rel("COLLABORATES_WITH", DK2.id, US1.id, "2019-09-01", "acquisition"),
    "dk_se": _rel("COLLABORATES_WITH", DK1.id, SE1.id, "2020-01-01", "partnership"),
    "de": _rel("COLLABORATES_WITH", DK2.id, DE1.id, "2018-01-01", "research_collaboration"),
    "nowhere": _rel("COLLABORATES_WITH", DK1.id, X1.id, "2020-01-01", "partnership"),
    "trial_dk": _rel("PARTICIPATES_IN", DK1.id, TRIAL.id, None),
    "trial_us": _rel("PARTICIPATES_IN", US1.id, TRIAL.id, None),
}


@pytest.fixture
def links(store: GraphStore) -> LinkGraph:
    store.upsert_nodes([DK1, DK2, SE1, US1, CH1, CH2, DE1, X1, TRIAL])
    store.upsert_relations(RELATIONS.values())
    return LinkGraph.from_store(store)


def test_reach_by_country(links: LinkGraph) -> None:
    result = international_reach(links)
    assert result.home == ["DK", "SE"]
    # dk1-us1, dk2-us1, se1-ch1, dk2-ch2, dk2-de1; dk1-se1 is inside the cluster and dk1-x1
    # goes to an organisation without a country.
    assert result.international_links == 5
    assert result.unknown_country_links == 1
    assert result.home_organisations == 3  # dk1, dk2, se1
    assert result.countries_total == 3
    rows = {c.country: c for c in result.countries}
    assert [c.country for c in result.countries] == ["CH", "US", "DE"]  # 2, 2 (by code), 1
    assert "SE" not in rows and "DK" not in rows
    us, ch, de = rows["US"], rows["CH"], rows["DE"]
    assert (us.links, us.home_organisations, us.foreign_organisations) == (2, 2, 1)
    assert us.by_home == {"DK": 2}
    # dk1-us1 is an investment (ownership) and a shared trial; dk2-us1 an acquisition.
    assert us.layers == {"ownership": 2, "trials": 1}
    assert (ch.links, ch.home_organisations, ch.foreign_organisations) == (2, 2, 2)
    assert ch.by_home == {"DK": 1, "SE": 1} and ch.layers == {"ownership": 2}
    assert (de.links, de.layers) == (1, {"news": 1})


def test_foreign_control(links: LinkGraph) -> None:
    result = international_reach(links)
    # The US investor in dk1 and the Swiss parent of se1; not dk2's US acquisition nor its
    # Swiss daughter, where the home organisation is the owner.
    assert result.foreign_control_total == 2
    first, second = result.foreign_control  # newest first
    assert (first.owner.id, first.target.id, first.type) == (US1.id, DK1.id, "investment")
    assert (first.first_seen, first.last_seen) == ("2021-03-01", "2021-03-01")
    assert first.relations == [RELATIONS["investment"].id]
    assert (second.owner.id, second.target.id, second.type) == (CH1.id, SE1.id, "subsidiary")
    assert second.relations == [RELATIONS["ch_parent"].id]
    assert [
        (c.country, c.investments, c.acquisitions, c.subsidiaries, c.total, c.owners, c.targets)
        for c in result.control_by_country
    ] == [("CH", 0, 0, 1, 1, 1, 1), ("US", 1, 0, 0, 1, 1, 1)]


def test_home_can_be_one_country(links: LinkGraph) -> None:
    result = international_reach(links, home=("DK",))
    rows = {c.country: c.links for c in result.countries}
    # With DK alone at home, dk1-se1 is international; se1-ch1 is not DK's at all.
    assert rows == {"US": 2, "SE": 1, "CH": 1, "DE": 1}
    assert [(c.owner.id, c.target.id) for c in result.foreign_control] == [(US1.id, DK1.id)]
    limited = international_reach(links, home=("DK",), limit=1)
    assert [c.country for c in limited.countries] == ["US"] and limited.countries_total == 4


def test_reach_rejects_bad_parameters(links: LinkGraph) -> None:
    with pytest.raises(ValidationError, match="ISO alpha-2"):
        international_reach(links, home=("Denmark",))
    with pytest.raises(ValidationError, match="at least one country"):
        international_reach(links, home=())
    with pytest.raises(ValidationError, match="limit"):
        international_reach(links, limit=0)
