"""People with their organisation and role, in English, Danish and Swedish."""

from __future__ import annotations

import pytest

from graph.model import Organisation
from nlp.pipeline import Extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.build(
        [
            Organisation(name="Novo Nordisk A/S", country="DK", aliases=("Novo Nordisk",)),
            Organisation(name="Lund University", country="SE", aliases=("Lunds universitet",)),
            Organisation(name="Camurus AB", country="SE", aliases=("Camurus",)),
            Organisation(name="Genmab A/S", country="DK", aliases=("Genmab",)),
            Organisation(name="Novonesis", country="DK"),
            Organisation(name="Bavarian Nordic A/S", country="DK", aliases=("Bavarian Nordic",)),
        ]
    )


def people(extractor: Extractor, text: str) -> list[tuple[str, str | None, str | None]]:
    result = extractor.extract(text)
    for person in result.persons:
        assert text[person.start : person.end] == person.text
    return [(p.text, p.role, p.org) for p in result.persons]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "CEO Lars Fruergaard Jørgensen said demand was strong.",
            ("Lars Fruergaard Jørgensen", "CEO", None),
        ),
        (
            "Lars Fruergaard Jørgensen, CEO of Novo Nordisk, said demand was strong.",
            ("Lars Fruergaard Jørgensen", "CEO", "Novo Nordisk"),
        ),
        (
            "Anna Svensson, professor at Lund University, leads the study.",
            ("Anna Svensson", "professor", "Lund University"),
        ),
        (
            "Maria Berg has been appointed Chief Scientific Officer of Camurus AB.",
            ("Maria Berg", "Chief Scientific Officer", "Camurus AB"),
        ),
        (
            "Genmab's CEO Jan van de Winkel said the deal is important.",
            ("Jan van de Winkel", "CEO", "Genmab"),
        ),
        (
            "Novo Nordisk CEO Lars Fruergaard Jørgensen spoke first.",
            ("Lars Fruergaard Jørgensen", "CEO", "Novo Nordisk"),
        ),
        (
            "Professor Karen Holm of Lund University will lead the centre.",
            ("Karen Holm", "Professor", "Lund University"),
        ),
        (
            "Per Hansen, professor of pharmacology at Lund University, leads the programme.",
            ("Per Hansen", "professor of pharmacology", "Lund University"),
        ),
        (
            "Camurus has appointed Erik Nyström as its new CFO.",
            ("Erik Nyström", "CFO", "Camurus"),
        ),
        (
            "Eva Lind joins Genmab as Chief Medical Officer.",
            ("Eva Lind", "Chief Medical Officer", "Genmab"),
        ),
        (
            '"We are pleased," said Genmab\'s Lena Strand.',
            ("Lena Strand", None, "Genmab"),
        ),
    ],
)
def test_english_roles_and_organisations(
    extractor: Extractor, text: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert people(extractor, text) == [expected]


def test_the_company_is_the_only_organisation_named(extractor: Extractor) -> None:
    text = (
        "Novo Nordisk will build a plant in Hillerød. The company's executive vice president "
        "for product supply, Karsten Lund, said the site opens in 2027."
    )
    assert people(extractor, text) == [
        ("Karsten Lund", "executive vice president for product supply", "Novo Nordisk")
    ]


def test_the_company_is_nobody_when_two_were_named(extractor: Extractor) -> None:
    text = "Genmab and Camurus met. The company's CEO, Anna Berg, said little."
    assert people(extractor, text) == [("Anna Berg", "CEO", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "– Det er en vigtig aftale, siger adm. direktør Lars Fruergaard Jørgensen.",
            ("Lars Fruergaard Jørgensen", "adm. direktør", None),
        ),
        (
            "Aftalen er vigtig, siger Bavarian Nordics adm. direktør, Jens Kofoed.",
            ("Jens Kofoed", "adm. direktør", "Bavarian Nordic"),
        ),
        (
            "– Vi får adgang til nye stammer, siger forskningschef Maja Holm fra Novonesis.",
            ("Maja Holm", "forskningschef", "Novonesis"),
        ),
        (
            "– Vi kommenterer ikke rygter, siger Anne Kjær, kommunikationschef i Novonesis.",
            ("Anne Kjær", "kommunikationschef", "Novonesis"),
        ),
    ],
)
def test_danish_titles(
    extractor: Extractor, text: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert extractor.extract(text).language == "da"
    assert people(extractor, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "– Det är ett viktigt steg för oss, säger Henrik Sjögren, vd för Camurus.",
            ("Henrik Sjögren", "vd", "Camurus"),
        ),
        (
            "– Vi vill korta tiden till klinik, säger Eva Lindberg, professor vid Lunds universitet.",
            ("Eva Lindberg", "professor", "Lunds universitet"),
        ),
        (
            "Studien leds av överläkare Karin Wallin vid Lunds universitet.",
            ("Karin Wallin", "överläkare", "Lunds universitet"),
        ),
    ],
)
def test_swedish_titles(
    extractor: Extractor, text: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert extractor.extract(text).language == "sv"
    assert people(extractor, text) == [expected]


def test_a_surname_alone_is_no_person_and_no_organisation(extractor: Extractor) -> None:
    text = (
        "Camurus has appointed Maria Lindqvist as Chief Scientific Officer. Lindqvist joins "
        "from Genmab."
    )
    result = extractor.extract(text)
    assert [p.text for p in result.persons] == ["Maria Lindqvist"]
    assert [o.text for o in result.orgs] == ["Camurus", "Genmab"]


def test_known_organisation_is_no_person(extractor: Extractor) -> None:
    assert people(extractor, "Novo Nordisk and Lund University signed an agreement.") == []


def test_never_an_email_or_phone_number(extractor: Extractor) -> None:
    text = (
        "For questions contact press officer Anna Svensson, anna.svensson@example.com, "
        "+46 46 222 00 00."
    )
    found = people(extractor, text)
    assert all("@" not in name and not any(c.isdigit() for c in name) for name, _, _ in found)
    for _, role, org in found:
        assert role is None or "@" not in role
        assert org is None or "@" not in org
