"""The extraction pipeline end to end: entities, linking, the contract, limits and batches."""

from __future__ import annotations

import pickle

import pytest

from graph.model import Organisation
from nlp.errors import TextTooLongError
from nlp.pipeline import MAX_TEXT_CHARS, Extraction, Extractor

EXAMPLE = (
    "Novo Nordisk and Lund University have entered into a research collaboration on type 2 "
    "diabetes. Camurus AB, based in Lund, signed a licensing agreement with Genmab A/S. CEO Lars "
    "Fruergaard Jørgensen said the partnerships strengthen the Medicon Valley cluster."
)


def organisations() -> list[Organisation]:
    return [
        Organisation(
            name="Novo Nordisk A/S",
            country="DK",
            id="org:dk:novo-nordisk",
            aliases=("Novo Nordisk", "Novo"),
        ),
        Organisation(
            name="Lund University",
            country="SE",
            id="org:se:lund-university",
            aliases=("Lunds universitet", "LU"),
        ),
        Organisation(name="Camurus AB", country="SE", id="org:se:camurus"),
        Organisation(name="Genmab A/S", country="DK", id="org:dk:genmab"),
        Organisation(name="Novo Holdings A/S", country="DK", aliases=("Novo Holdings",)),
        Organisation(
            name="Skåne University Hospital",
            country="SE",
            id="org:se:sus",
            aliases=("Skånes universitetssjukhus", "SUS"),
        ),
        Organisation(
            name="Technical University of Denmark",
            country="DK",
            id="org:dk:dtu",
            aliases=("Danmarks Tekniske Universitet", "DTU"),
        ),
        Organisation(name="Københavns Universitet", country="DK", id="org:dk:ku"),
        Organisation(name="Vinnova", country="SE", id="org:se:vinnova"),
    ]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.build(organisations())


@pytest.fixture(scope="module")
def bare_extractor() -> Extractor:
    return Extractor.build()


def texts(items: list) -> list[str]:
    return [item.text for item in items]


# ---------------------------------------------------------------------------- the example


def test_example_organisations_are_the_four_named(extractor: Extractor) -> None:
    result = extractor.extract(EXAMPLE, id="example")
    assert texts(result.orgs) == ["Novo Nordisk", "Lund University", "Camurus AB", "Genmab A/S"]
    assert not any("CEO" in org.text for org in result.orgs)


def test_example_links_every_organisation_with_country(extractor: Extractor) -> None:
    orgs = {o.text: o for o in extractor.extract(EXAMPLE).orgs}
    assert orgs["Novo Nordisk"].entity_id == "org:dk:novo-nordisk"
    assert orgs["Novo Nordisk"].name == "Novo Nordisk A/S"
    assert orgs["Lund University"].entity_id == "org:se:lund-university"
    assert orgs["Genmab A/S"].entity_id == "org:dk:genmab"
    assert {t: o.country for t, o in orgs.items()} == {
        "Novo Nordisk": "DK",
        "Lund University": "SE",
        "Camurus AB": "SE",
        "Genmab A/S": "DK",
    }


def test_example_place_person_and_relations(extractor: Extractor) -> None:
    result = extractor.extract(EXAMPLE)
    places = {p.text: p.country for p in result.places}
    assert places["Lund"] == "SE"
    assert "Medicon Valley" in places
    (person,) = result.persons
    assert (person.text, person.role, person.org) == ("Lars Fruergaard Jørgensen", "CEO", None)
    assert EXAMPLE[person.start : person.end] == person.text
    relations = {(r.a, r.b, r.type) for r in result.relations}
    assert relations == {
        ("Novo Nordisk", "Lund University", "research_collaboration"),
        ("Camurus AB", "Genmab A/S", "licensing"),
    }
    licensing = next(r for r in result.relations if r.type == "licensing")
    assert licensing.directed and licensing.evidence.startswith("Camurus AB, based in Lund")
    assert licensing.a_id == "org:se:camurus" and licensing.b_id == "org:dk:genmab"
    assert EXAMPLE[licensing.sentence_start :].startswith("Camurus AB")


def test_example_without_any_known_organisation(bare_extractor: Extractor) -> None:
    """The rules alone: legal forms and head words; no ORG swallows the next sentence."""
    result = bare_extractor.extract(EXAMPLE)
    found = texts(result.orgs)
    assert {"Lund University", "Camurus AB", "Genmab A/S"} <= set(found)
    assert all("CEO" not in text and "." not in text for text in found)
    assert next(o for o in result.orgs if o.text == "Camurus AB").country == "SE"
    assert ("Camurus AB", "Genmab A/S", "licensing") in {
        (r.a, r.b, r.type) for r in result.relations
    }


def test_legal_forms_are_tokens_and_end_sentences(extractor: Extractor) -> None:
    nlp = extractor.pipeline("en")
    doc = nlp("Deals: Oticon ApS, LEO Pharma I/S, Ørsted P/S and Camurus AB (publ).")
    words = [t.text for t in doc]
    for form in ("ApS", "I/S", "P/S", "AB", "(publ)"):
        assert form in words
    doc = nlp("It signed with Genmab A/S. CEO Jan van de Winkel said so.")
    words = [t.text for t in doc]
    assert words[words.index("A/S") + 1] == "."
    starts = [s[0].text for s in doc.sents]
    assert starts == ["It", "CEO"]


def test_to_contract_has_exactly_the_contract_fields(extractor: Extractor) -> None:
    contract = extractor.extract(EXAMPLE, id="x1", language="en").to_contract()
    assert set(contract) == {"id", "language", "orgs", "persons", "places", "relations"}
    assert contract["id"] == "x1" and contract["language"] == "en"
    assert set(contract["orgs"][0]) == {"text", "start", "end", "name", "entity_id", "country"}
    assert set(contract["persons"][0]) == {"text", "start", "end", "org", "role"}
    assert set(contract["places"][0]) == {"text", "country"}
    assert set(contract["relations"][0]) == {"a", "b", "type", "evidence", "confidence"}
    for org in contract["orgs"]:
        assert EXAMPLE[org["start"] : org["end"]] == org["text"]


def test_version_names_the_model(extractor: Extractor) -> None:
    assert extractor.version.startswith("mvkg-nlp 1.0 / en_core_web_sm 3.8")


# ---------------------------------------------------------------------------- entities


def test_unknown_organisations_by_legal_form_and_head_word(bare_extractor: Extractor) -> None:
    text = (
        "Kalmia Diagnostics AB and Tidal Bio have joined the Öresund Growth Capital portfolio, "
        "said the Swedish Research Council and Region Skåne."
    )
    found = set(texts(bare_extractor.extract(text).orgs))
    assert {"Kalmia Diagnostics AB", "Tidal Bio", "Öresund Growth Capital"} <= found
    assert {"Swedish Research Council", "Region Skåne"} <= found


def test_countries_stated_in_the_text(bare_extractor: Extractor) -> None:
    text = (
        "Copenhagen-based Hemab Therapeutics and Xintela Bio, based in Lund, work with "
        "Vasko Medical (Malmö, Sweden) and the Swedish company Kullen Immuno."
    )
    countries = {o.text: o.country for o in bare_extractor.extract(text).orgs}
    assert countries["Hemab Therapeutics"] == "DK"
    assert countries["Xintela Bio"] == "SE"
    assert countries["Vasko Medical"] == "SE"
    assert countries["Kullen Immuno"] == "SE"


def test_no_country_when_the_text_gives_none(bare_extractor: Extractor) -> None:
    orgs = bare_extractor.extract("Westbay Biologics will present data at a conference.").orgs
    assert [(o.text, o.country) for o in orgs] == [("Westbay Biologics", None)]


def test_short_form_needs_context(extractor: Extractor) -> None:
    assert extractor.extract("Novo said sales grew.").orgs == []
    result = extractor.extract("Novo Nordisk reported results. Novo said sales grew.")
    assert [(o.text, o.entity_id) for o in result.orgs] == [
        ("Novo Nordisk", "org:dk:novo-nordisk"),
        ("Novo", "org:dk:novo-nordisk"),
    ]


def test_acronyms_need_context_unless_long_and_unambiguous(extractor: Extractor) -> None:
    assert extractor.extract("LU said so on Monday.").orgs == []
    later = extractor.extract("Lund University leads the study. LU said so on Monday.")
    assert [o.entity_id for o in later.orgs] == ["org:se:lund-university"] * 2
    alone = extractor.extract("Patients were treated at SUS in Malmö.")
    assert [(o.text, o.entity_id) for o in alone.orgs] == [("SUS", "org:se:sus")]


def test_repeated_short_forms_and_bracketed_acronyms(bare_extractor: Extractor) -> None:
    text = (
        "Alligator Bioscience AB and the Export and Investment Fund of Denmark (EIFO) signed "
        "an agreement. EIFO will invest in Alligator."
    )
    found = texts(bare_extractor.extract(text).orgs)
    assert found.count("EIFO") == 2
    assert "Alligator" in found


def test_known_organisation_is_not_a_person_or_place(extractor: Extractor) -> None:
    result = extractor.extract("Novo Nordisk and Lund University met in Lund.")
    assert "Novo Nordisk" not in texts(result.persons)
    assert [p.text for p in result.places] == ["Lund"]


def test_region_as_territory_is_a_place(extractor: Extractor) -> None:
    result = extractor.extract("Waiting times grew for patients in the Capital Region of Denmark.")
    assert result.orgs == []
    assert "Capital Region of Denmark" in [p.text for p in result.places]


def test_linking_normalised_and_fuzzy(extractor: Extractor) -> None:
    orgs = extractor.extract("Researchers at Koebenhavns Universitet and Genmab AS met.").orgs
    assert [o.entity_id for o in orgs] == ["org:dk:ku", "org:dk:genmab"]
    fuzzy = extractor.extract("A typo: Genmabb A/S hosted the meeting.").orgs
    assert [(o.text, o.entity_id, o.name) for o in fuzzy] == [
        ("Genmabb A/S", "org:dk:genmab", "Genmab A/S")
    ]


def test_unknown_organisation_is_not_linked(extractor: Extractor) -> None:
    (org,) = extractor.extract("Pharmacosmos A/S opened a plant.").orgs
    assert (org.text, org.name, org.entity_id, org.country) == (
        "Pharmacosmos A/S",
        "Pharmacosmos A/S",
        None,
        "DK",
    )


# ---------------------------------------------------------------------------- languages


def test_danish_passage(extractor: Extractor) -> None:
    text = (
        "Novo Nordisk A/S indgår et forskningssamarbejde med Københavns Universitet om fedme. "
        "Aftalen er underskrevet af adm. direktør Lars Fruergaard Jørgensen."
    )
    result = extractor.extract(text)
    assert result.language == "da"
    assert texts(result.orgs) == ["Novo Nordisk A/S", "Københavns Universitet"]
    assert [(p.text, p.role) for p in result.persons] == [
        ("Lars Fruergaard Jørgensen", "adm. direktør")
    ]
    (relation,) = result.relations
    assert (relation.a, relation.b, relation.type) == (
        "Novo Nordisk A/S",
        "Københavns Universitet",
        "research_collaboration",
    )
    assert relation.confidence < 0.85


def test_swedish_passage(extractor: Extractor) -> None:
    text = (
        "Camurus har tecknat ett licensavtal med Genmab om långverkande läkemedel. "
        "– Det är ett viktigt steg, säger Fredrik Tiberg, vd för Camurus."
    )
    result = extractor.extract(text)
    assert result.language == "sv"
    assert texts(result.orgs) == ["Camurus", "Genmab", "Camurus"]
    assert [(p.text, p.role, p.org) for p in result.persons] == [
        ("Fredrik Tiberg", "vd", "Camurus")
    ]
    assert [(r.a, r.b, r.type) for r in result.relations] == [("Camurus", "Genmab", "licensing")]


def test_swedish_genitive_is_cut_off_known_names(extractor: Extractor) -> None:
    result = extractor.extract("Vi får tillgång till DTU's stamsamling och Genmabs plattform.")
    assert texts(result.orgs) == ["DTU", "Genmab"]


def test_language_given_by_the_caller_wins(extractor: Extractor) -> None:
    result = extractor.extract("Genmab", language="sv-SE")
    assert result.language == "sv" and not result.language_uncertain
    assert texts(result.orgs) == ["Genmab"]


def test_other_language_gets_rules_only(extractor: Extractor) -> None:
    result = extractor.extract("Die Novo Nordisk A/S hat eine Kooperation mit Camurus AB.")
    assert result.language == "other"
    assert texts(result.orgs) == ["Novo Nordisk A/S", "Camurus AB"]
    assert result.relations == [] and result.persons == []


# ---------------------------------------------------------------------------- limits


def test_empty_text_gives_empty_lists(extractor: Extractor) -> None:
    for text in ("", "   \n"):
        result = extractor.extract(text, id="e")
        assert (result.orgs, result.persons, result.places, result.relations) == ([], [], [], [])
        assert result.error is None and result.id == "e"


def test_too_long_text_raises_a_clear_error(extractor: Extractor) -> None:
    five_mb = "Genmab A/S. " * 440_000  # about 5.3 MB
    with pytest.raises(TextTooLongError, match=r"at most 1,000,000 characters") as info:
        extractor.extract(five_mb, id="big")
    assert info.value.length == len(five_mb) and info.value.limit == MAX_TEXT_CHARS
    assert "'big'" in str(info.value)


def test_text_at_the_limit_is_processed(extractor: Extractor) -> None:
    # Danish: the rule pipeline is quick enough to run a whole megabyte in a unit test.
    sentence = "Genmab A/S køber Camurus AB. "
    text = (sentence * (MAX_TEXT_CHARS // len(sentence))).ljust(MAX_TEXT_CHARS)
    assert len(text) == MAX_TEXT_CHARS
    result = extractor.extract(text, language="da")
    assert result.error is None and len(result.orgs) > 60_000
    assert [(r.a, r.b, r.type) for r in result.relations] == [
        ("Genmab A/S", "Camurus AB", "acquisition")
    ]


def test_extract_many_keeps_order_and_reports_bad_items(extractor: Extractor) -> None:
    items = [
        ("a", EXAMPLE, None),
        ("too-long", "x" * (MAX_TEXT_CHARS + 1), "en"),
        ("b", "Camurus köper Genmab för 2 miljarder kronor.", None),
        ("empty", "", None),
        ("c", "Genmab A/S opened an office.", "en"),
    ]
    results = list(extractor.extract_many(items, batch_size=2))
    assert [r.id for r in results] == ["a", "too-long", "b", "empty", "c"]
    assert results[1].error is not None and "1,000,000" in results[1].error
    assert results[1].orgs == [] and results[1].to_contract()["error"] == results[1].error
    assert results[0].error is None and "error" not in results[0].to_contract()
    assert results[2].language == "sv"
    assert [(r.a, r.b, r.type) for r in results[2].relations] == [
        ("Camurus", "Genmab", "acquisition")
    ]
    assert texts(results[4].orgs) == ["Genmab A/S"]


def test_extract_many_matches_extract(extractor: Extractor) -> None:
    items = [(str(i), text, None) for i, text in enumerate([EXAMPLE, "Vinnova funds SUS."])]
    many = [r.to_contract() for r in extractor.extract_many(items)]
    single = [extractor.extract(text, id=i).to_contract() for i, text, _ in items]
    assert many == single


def test_extract_many_with_two_processes(extractor: Extractor) -> None:
    items = [(str(i), EXAMPLE if i % 2 else "Genmab A/S hired staff.", "en") for i in range(8)]
    one = [r.to_contract() for r in extractor.extract_many(items)]
    two = [r.to_contract() for r in extractor.extract_many(items, n_process=2, batch_size=2)]
    assert two == one
    assert len(two[1]["relations"]) == 2


def test_components_survive_pickling(extractor: Extractor) -> None:
    """What spawn-based multiprocessing needs: the pipeline pickles and still works."""
    nlp = pickle.loads(pickle.dumps(extractor.pipeline("en")))
    doc = nlp(EXAMPLE)
    assert len(doc._.mvkg_orgs) == 4 and len(doc._.mvkg_relations) == 2


def test_extraction_error_field_is_optional() -> None:
    blank = Extraction(id=None, language="en")
    assert blank.error is None and "error" not in blank.to_contract()


def test_and_between_two_multiword_names_splits_them() -> None:
    from nlp.pipeline import Extractor

    found = Extractor.build([]).extract(
        "Alligator Bioscience and Orion Corporation will co-develop bispecific antibodies."
    )
    assert [o.text for o in found.orgs] == ["Alligator Bioscience", "Orion Corporation"]
