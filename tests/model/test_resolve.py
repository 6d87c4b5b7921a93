"""Entity resolution rules, in order, with the reasons they record."""

from __future__ import annotations

import dataclasses

import pytest

from graph.model import Merge
from graph.model import Organisation as Org
from graph.resolve import Resolver


@pytest.fixture
def resolver() -> Resolver:
    return Resolver(
        [
            Org(name="Lund University", country="SE", kind="university",
                identifiers={"ror": "012a77v79", "wikidata": "Q218506"}, aliases=("Lunds universitet",)),
            Org(name="Skåne University Hospital", country="SE", kind="hospital", identifiers={"ror": "02z31g829"}),
            Org(name="Genmab A/S", country="DK", kind="company", identifiers={"cvr": "21023884"}),
            Org(name="Novo Nordisk A/S", country="DK", kind="company"),
            Org(name="Novo Nordisk Foundation", country="DK", kind="foundation"),
        ]
    )  # fmt: skip


def test_identifier_match_including_crosswalks(resolver: Resolver) -> None:
    resolved, merge = resolver.resolve(
        Org(name="Lunds Universitet (LU)", country="SE", identifiers={"wikidata": "Q218506"})
    )
    assert resolved.id == "org:ror:012a77v79"
    assert merge is not None and (merge.rule, merge.score) == ("identifier:wikidata", 1.0)
    assert merge.merged_id == "org:wikidata:q218506"


@pytest.mark.parametrize(
    "name", ["LUNDS UNIVERSITET", "Lunds Universitet", "Lund university", "Lund University."]
)
def test_normalised_name_and_country(resolver: Resolver, name: str) -> None:
    resolved, merge = resolver.resolve(Org(name=name, country="SE", sources=("ctgov",)))
    assert resolved.id == "org:ror:012a77v79"
    assert merge is not None and merge.rule == "name_country" and merge.sources == ("ctgov",)


def test_diacritics_and_ascii_spellings(resolver: Resolver) -> None:
    for spelling in ("Skaane University Hospital", "Skane University Hospital"):
        resolved, _merge = resolver.resolve(Org(name=spelling, country="SE"))
        assert resolved.id == "org:ror:02z31g829", spelling


def test_legal_forms_are_ignored(resolver: Resolver) -> None:
    resolved, merge = resolver.resolve(Org(name="GENMAB", country="DK"))
    assert resolved.id == "org:cvr:21023884" and merge is not None


def test_name_without_country_only_when_unique(resolver: Resolver) -> None:
    resolved, merge = resolver.resolve(Org(name="Lund University"))
    assert resolved.id == "org:ror:012a77v79" and merge is not None and merge.rule == "name_only"
    namesakes = Resolver(
        [Org(name="Lund University", country="SE"), Org(name="Lund University", country="US")]
    )
    resolved, merge = namesakes.resolve(Org(name="LUND UNIVERSITY"))
    assert merge is None and resolved.id == "org:xx:lund-university"


def test_fuzzy_inside_country_blocks_keeps_the_score(resolver: Resolver) -> None:
    resolved, merge = resolver.resolve(Org(name="Skane Universitys Hospital", country="SE"))
    assert resolved.id == "org:ror:02z31g829"
    assert merge is not None and merge.rule == "fuzzy" and 0.92 <= merge.score < 1.0
    # The same words in another country are another organisation.
    other, merge = resolver.resolve(Org(name="Skane Universitys Hospital", country="DK"))
    assert merge is None and other.id.startswith("org:dk:")


def test_similar_but_different_names_stay_apart(resolver: Resolver) -> None:
    _resolved, merge = resolver.resolve(Org(name="Novo Nordisk Fonden Holding", country="DK"))
    assert merge is None
    assert (
        resolver.resolve(Org(name="Novo Nordisk Foundation", country="DK"))[0].id
        == "org:dk:novo-nordisk-foundation"
    )


def test_different_identifiers_of_one_kind_are_never_merged_by_name(resolver: Resolver) -> None:
    resolved, merge = resolver.resolve(
        Org(name="Genmab A/S", country="DK", identifiers={"cvr": "99999999"})
    )
    assert merge is None and resolved.id == "org:cvr:99999999"
    resolved, merge = resolver.resolve(
        Org(name="Lund University", country="SE", identifiers={"ror": "000000000"})
    )
    assert merge is None


def test_acronyms_alone_do_not_merge(resolver: Resolver) -> None:
    _resolved, merge = resolver.resolve(Org(name="LU", country="SE"))
    assert merge is None


def test_decided_and_undone_merges_are_honoured() -> None:
    known = [Org(name="Region Skåne", country="SE", kind="public_agency")]
    decided = Merge(
        canonical_id="org:se:region-skane",
        merged_id="org:se:skane-regional-council",
        merged_name="Skåne Regional Council",
        rule="fuzzy",
        score=0.5,
    )
    resolved, merge = Resolver(known, merges=[decided]).resolve(
        Org(name="Skåne Regional Council", country="SE")
    )
    assert resolved.id == "org:se:region-skane" and merge is not None and merge.rule == "decided"

    record = Org(name="Region Skåne", country="SE", identifiers={"lei": "L" * 20})
    resolved, merge = Resolver(known).resolve(record)
    assert merge is not None and merge.merged_id == "org:lei:llllllllllllllllllll"
    undone = dataclasses.replace(merge, undone=True)
    resolved, merge = Resolver(known, merges=[undone]).resolve(record)
    assert merge is None and resolved.id == "org:lei:llllllllllllllllllll"


def test_learning_as_it_goes() -> None:
    resolver = Resolver()
    first, _ = resolver.resolve(
        Org(name="Camurus AB", country="SE", identifiers={"ror": "0145pqc23"})
    )
    second, merge = resolver.resolve(
        Org(name="Camurus", country="SE", identifiers={"lei": "X" * 20})
    )
    assert second.id == first.id and merge is not None
    third, merge = resolver.resolve(
        Org(name="Something else", country="SE", identifiers={"lei": "X" * 20})
    )
    # The id this record would have had was merged before: the same decision again.
    assert third.id == first.id and merge is not None and merge.rule == "decided"


def test_a_high_ratio_with_one_different_word_is_not_a_match() -> None:
    resolver = Resolver([Org(name="ALMI Invest Östra Mellansverige AB", country="SE")])
    _, merge = resolver.resolve(Org(name="ALMI Invest Norra Mellansverige AB", country="SE"))
    assert merge is None
    _, merge = resolver.resolve(Org(name="Almi Invest Östra Mellansverig", country="SE"))
    assert merge is not None and merge.rule == "fuzzy"


def test_swedish_association_forms_are_legal_forms() -> None:
    known = Org(name="Visit Värmland Ekonomisk Förening", country="SE")
    same = Org(name="Visit Värmland Ekonomisk Fören", country="SE")
    assert same.id == known.id == "org:se:visit-varmland"
