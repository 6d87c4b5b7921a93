"""Language detection on short texts, and the caller's language codes."""

from __future__ import annotations

import pytest

from nlp.language import detect_language, normalise_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Novo Nordisk and Lund University have entered into a research collaboration.", "en"),
        ("The company said it will invest in a new plant.", "en"),
        ("Novo Nordisk køber det danske biotekselskab Xenion ApS for 2 mia. kr.", "da"),
        ("Genmab investerer ikke i Camurus.", "da"),
        ("Novo Nordisk og Lunds universitet samarbejder.", "da"),
        (
            "Rigshospitalet og Herlev Hospital melder om stigende ventetider. Problemet ventes "
            "at vare året ud.",
            "da",
        ),
        ("Camurus köper Xenion.", "sv"),
        ("Lunds universitet och Region Skåne samarbetar.", "sv"),
        ("Projektet finansieras av Vinnova med 30 miljoner kronor.", "sv"),
        ("Die Universität Lund und die Firma haben eine Kooperation vereinbart.", "other"),
        ("Novo Nordisk a annoncé un partenariat avec la société Camurus.", "other"),
    ],
)
def test_detects_one_or_two_sentences(text: str, code: str) -> None:
    guess = detect_language(text)
    assert guess.code == code
    assert not guess.uncertain


@pytest.mark.parametrize("text", ["", "   ", "Genmab", "12345 67", "Lund, Malmö"])
def test_no_evidence_is_english_flagged_uncertain(text: str) -> None:
    guess = detect_language(text)
    assert (guess.code, guess.uncertain) == ("en", True)


def test_never_crashes_on_odd_input() -> None:
    for text in ("\x00\x01", "😀" * 50, "æøå" * 10_000, None):
        assert detect_language(text).code in ("en", "da", "sv", "other")  # type: ignore[arg-type]


def test_danish_letters_against_swedish_letters() -> None:
    assert detect_language("Bæredygtig fødevareproduktion på Sjælland").code == "da"
    assert detect_language("Läkemedel för långverkande behandling i Malmö").code == "sv"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("da_DK", "da"),
        ("SV", "sv"),
        ("nb", "da"),
        ("Swedish", "sv"),
        ("fr", "other"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_language(given: str | None, expected: str | None) -> None:
    assert normalise_language(given) == expected
