"""Relations between organisations: triggers, types, directions, and what is not a relation."""

from __future__ import annotations

import pytest

from graph.model import Organisation
from nlp.pipeline import Extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.build(
        [
            Organisation(name="Novo Nordisk A/S", country="DK", aliases=("Novo Nordisk",)),
            Organisation(name="Novo Holdings A/S", country="DK", aliases=("Novo Holdings",)),
            Organisation(name="Lund University", country="SE", aliases=("Lunds universitet",)),
            Organisation(name="Camurus AB", country="SE", aliases=("Camurus",)),
            Organisation(name="Genmab A/S", country="DK", aliases=("Genmab",)),
            Organisation(name="Vinnova", country="SE"),
            Organisation(name="Region Skåne", country="SE"),
            Organisation(name="Skåne University Hospital", country="SE"),
        ]
    )


def relations(extractor: Extractor, text: str) -> set[tuple[str, str, str]]:
    return {(r.a, r.b, r.type) for r in extractor.extract(text).relations}


# ---------------------------------------------------------------------------- English


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Novo Nordisk and Lund University have entered into a research collaboration.",
            ("Novo Nordisk", "Lund University", "research_collaboration"),
        ),
        (
            "Camurus AB signed a licensing agreement with Genmab A/S.",
            ("Camurus AB", "Genmab A/S", "licensing"),
        ),
        (
            "The partnership between Genmab and Camurus covers two programmes.",
            ("Genmab", "Camurus", "partnership"),
        ),
        (
            "Lund University will collaborate with Genmab on a clinical study of antibodies.",
            ("Lund University", "Genmab", "research_collaboration"),
        ),
    ],
)
def test_collaborations(extractor: Extractor, text: str, expected: tuple[str, str, str]) -> None:
    assert relations(extractor, text) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "Pharmacosmos A/S has acquired Xenion Biotech ApS for DKK 900 million.",
        "Xenion Biotech ApS was acquired by Pharmacosmos A/S in May.",
        "Pharmacosmos A/S completed its acquisition of Xenion Biotech ApS.",
        "Pharmacosmos A/S said it has agreed to acquire Xenion Biotech ApS.",
    ],
)
def test_acquisition_runs_from_acquirer_to_acquired(extractor: Extractor, text: str) -> None:
    (relation,) = extractor.extract(text).relations
    assert (relation.a, relation.b, relation.type) == (
        "Pharmacosmos A/S",
        "Xenion Biotech ApS",
        "acquisition",
    )
    assert relation.directed and relation.confidence == pytest.approx(0.85)


def test_acquisition_names_no_seller(extractor: Extractor) -> None:
    text = (
        "Camurus has acquired Xenion Biotech ApS from the investment firm Nordic Capital Partners."
    )
    assert relations(extractor, text) == {("Camurus", "Xenion Biotech ApS", "acquisition")}


@pytest.mark.parametrize(
    "text",
    [
        "Novo Holdings invested EUR 20 million in Brightwater Therapeutics.",
        "Brightwater Therapeutics raised EUR 30 million in a Series A round led by Novo Holdings.",
    ],
)
def test_investment_runs_from_investor_to_investee(extractor: Extractor, text: str) -> None:
    assert relations(extractor, text) == {
        ("Novo Holdings", "Brightwater Therapeutics", "investment")
    }


def test_a_stake_is_an_investment(extractor: Extractor) -> None:
    text = "Novo Holdings has acquired a 15 percent stake in Kalmia Diagnostics AB."
    assert relations(extractor, text) == {("Novo Holdings", "Kalmia Diagnostics AB", "investment")}


def test_co_investors_invest_in_the_company_not_in_each_other(extractor: Extractor) -> None:
    text = (
        "Novo Holdings led a EUR 60 million financing in Tidal Bio, with participation from "
        "Sunstone Capital."
    )
    assert relations(extractor, text) == {
        ("Novo Holdings", "Tidal Bio", "investment"),
        ("Sunstone Capital", "Tidal Bio", "investment"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "Vinnova has awarded Lund University a grant of SEK 5 million.",
        "Lund University has received SEK 5 million from Vinnova.",
        "Vinnova has granted SEK 5 million to Lund University.",
    ],
)
def test_funding_runs_from_funder_to_funded(extractor: Extractor, text: str) -> None:
    assert relations(extractor, text) == {("Vinnova", "Lund University", "funding")}


def test_funding_through_a_person_goes_to_their_organisation(extractor: Extractor) -> None:
    text = "Anna Svensson, professor at Lund University, has received SEK 25 million from Vinnova."
    assert relations(extractor, text) == {("Vinnova", "Lund University", "funding")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Genmab licensed its antibody platform to Regenbio Inc. in 2022.",
            ("Genmab", "Regenbio Inc.", "licensing"),
        ),
        (
            "Regenbio Inc. in-licensed the compound from Genmab.",
            ("Genmab", "Regenbio Inc.", "licensing"),
        ),
        (
            "Genmab has granted Regenbio Inc. an exclusive licence to develop the antibody.",
            ("Genmab", "Regenbio Inc.", "licensing"),
        ),
    ],
)
def test_licensing_runs_from_licensor_to_licensee(
    extractor: Extractor, text: str, expected: tuple[str, str, str]
) -> None:
    assert relations(extractor, text) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "Genmab will supply antibodies to Camurus under a five-year agreement.",
        "Camurus has signed an agreement under which Genmab will supply antibodies.",
    ],
)
def test_supply_runs_from_supplier_to_customer(extractor: Extractor, text: str) -> None:
    assert relations(extractor, text) == {("Genmab", "Camurus", "supply")}


def test_project_funding_goes_to_each_partner(extractor: Extractor) -> None:
    text = (
        "Lund University and Region Skåne have launched a research collaboration on sepsis. "
        "The project is funded by Vinnova."
    )
    assert relations(extractor, text) == {
        ("Lund University", "Region Skåne", "research_collaboration"),
        ("Vinnova", "Lund University", "funding"),
        ("Vinnova", "Region Skåne", "funding"),
    }


# ---------------------------------------------------------------------------- not relations


@pytest.mark.parametrize(
    "text",
    [
        # Co-mentions: named together, no trigger linking them.
        "Genmab and Lund University were both present at the BIO conference in Boston.",
        "Executives from Novo Nordisk, Genmab and Camurus met in Copenhagen on Thursday.",
        "Genmab reported higher sales, while Camurus cut its forecast.",
        # Negations, denials, hedges, talks and ended deals.
        "Genmab denied that it had agreed to acquire Camurus.",
        "Novo Nordisk has no plans to acquire Camurus AB.",
        "Camurus did not sign an agreement with Genmab.",
        "Genmab is in early talks with Lund University about a research collaboration.",
        "Genmab could acquire Camurus next year, analysts said.",
        "Genmab has decided to end its collaboration with Camurus.",
        # A reported statement relates its own subject, not the speaker: no third party here.
        "Lund University said that the collaboration had started.",
    ],
)
def test_no_relation(extractor: Extractor, text: str) -> None:
    assert relations(extractor, text) == set()


def test_no_relation_of_an_organisation_with_itself(extractor: Extractor) -> None:
    text = "Genmab A/S and Genmab have entered into a collaboration with each other."
    assert relations(extractor, text) == set()


def test_evidence_is_the_sentence(extractor: Extractor) -> None:
    text = "Genmab hired staff. Camurus AB signed a licensing agreement with Genmab A/S."
    (relation,) = extractor.extract(text).relations
    assert relation.evidence == "Camurus AB signed a licensing agreement with Genmab A/S."
    assert text[relation.sentence_start :].startswith("Camurus AB signed")


# ---------------------------------------------------------------------------- Danish, Swedish


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Novo Nordisk køber det danske biotekselskab Xenion ApS for 2 mia. kr.",
            ("Novo Nordisk", "Xenion ApS", "acquisition"),
        ),
        (
            "Camurus köps av Novo Nordisk för 5 miljarder kronor.",
            ("Novo Nordisk", "Camurus", "acquisition"),
        ),
        (
            "Lunds universitet och Region Skåne inleder ett forskningssamarbete om cancer.",
            ("Lunds universitet", "Region Skåne", "research_collaboration"),
        ),
        (
            "Genmab har indgået en aftale med Camurus om at levere antistoffer.",
            ("Genmab", "Camurus", "supply"),
        ),
        (
            "Vinnova finansierar Lunds universitet med 10 miljoner kronor.",
            ("Vinnova", "Lunds universitet", "funding"),
        ),
    ],
)
def test_danish_and_swedish_triggers(
    extractor: Extractor, text: str, expected: tuple[str, str, str]
) -> None:
    result = extractor.extract(text)
    assert result.language in ("da", "sv")
    assert {(r.a, r.b, r.type) for r in result.relations} == {expected}
    assert all(r.confidence == pytest.approx(0.6) for r in result.relations)


@pytest.mark.parametrize(
    "text",
    [
        "Genmab investerer ikke i Camurus.",
        "Camurus avvisar rykten om att bolaget ska köpas av Genmab.",
        "Genmab og Camurus deltog begge i konferencen i København.",
    ],
)
def test_no_danish_or_swedish_relation(extractor: Extractor, text: str) -> None:
    assert relations(extractor, text) == set()
