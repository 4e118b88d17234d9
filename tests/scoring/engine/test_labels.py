"""Labels: every code has a short label and an explanation in Slovenian and English."""

from __future__ import annotations

import pytest

from scoring.engine import EDITIONS
from scoring.engine.eligibility import CONDITIONS
from scoring.engine.labels import CATALOGUE, CATEGORIES, ITEMS, label
from scoring.engine.labels import CONDITIONS as CONDITION_LABELS

EDITION = EDITIONS["SI-2004"]
ITEM_CODES = sorted(EDITION.points)
CATEGORY_CODES = list(EDITION.category_codes)
CONDITION_CODES = [condition for _, condition in CONDITIONS]
ALL_CODES = ITEM_CODES + CATEGORY_CODES + CONDITION_CODES


def test_the_catalogue_covers_exactly_the_codes() -> None:
    assert set(ITEMS) == set(ITEM_CODES)
    assert set(CATEGORIES) == set(CATEGORY_CODES)
    assert set(CONDITION_LABELS) == set(CONDITION_CODES)
    assert len(CATALOGUE) == len(ITEMS) + len(CATEGORIES) + len(CONDITION_LABELS)


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize("lang", ["sl", "en"])
def test_every_code_has_both_languages(code: str, lang: str) -> None:
    short, explanation = label(code, lang)
    assert short.strip()
    assert explanation.strip()
    assert short == short.strip()
    assert explanation == explanation.strip()
    assert explanation.endswith(".")
    assert len(short) <= 60
    assert set(CATALOGUE[code]) == {"sl", "en"}


@pytest.mark.parametrize("code", ALL_CODES)
def test_the_languages_differ(code: str) -> None:
    assert label(code, "sl") != label(code, "en")


def test_slovenian_is_written_with_its_letters() -> None:
    text = " ".join(" ".join(label(code, "sl")) for code in ALL_CODES)
    assert {"č", "š", "ž"} <= set(text)
    assert "c\u030c" not in text  # precomposed letters, not combining marks


@pytest.mark.parametrize("lang", ["de", "", "fr-FR"])
def test_unknown_languages_fall_back_to_english(lang: str) -> None:
    assert label("1.1", lang) == label("1.1", "en")


@pytest.mark.parametrize("lang", ["sl-SI", "SL", "sl_SI"])
def test_language_tags_are_read(lang: str) -> None:
    assert label("youth", lang) == label("youth", "sl")


@pytest.mark.parametrize("lang", ["sl", "en"])
def test_other_and_additional_codes_get_generic_labels(lang: str) -> None:
    short, explanation = label("other:returnee", lang)
    assert "returnee" in short
    assert explanation
    short, explanation = label("additional:residence_10y", lang)
    assert "residence_10y" in short
    assert explanation
    assert label("additional:x", lang) != label("other:x", lang)


def test_an_unknown_code_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        label("9.9", "en")
