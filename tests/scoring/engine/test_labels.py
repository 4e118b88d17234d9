"""Labels: every code has a short label and an explanation in Slovenian and English."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from scoring.engine import (
    EDITIONS,
    SUB_LIST_RULES,
    InvalidFacts,
    Problem,
    message,
    sub_list_rule_label,
)
from scoring.engine.eligibility import CONDITIONS
from scoring.engine.labels import CATALOGUE, CATEGORIES, ITEMS, MESSAGES, label
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


# --- messages: every message the engine produces, in sl and en ------------------------

ENGINE = Path(__file__).resolve().parents[3] / "scoring" / "engine"


def _codes_used_in_the_engine() -> set[str]:
    """Message codes passed to ``_p(...)`` and ``Problem(...)`` in the engine's
    sources (the second argument, a string literal)."""
    used: set[str] = set()
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_p", "Problem"}
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                used.add(node.args[1].value)
            if (  # a member's (field, code, parameters), built into a problem later
                isinstance(node, ast.Tuple)
                and len(node.elts) == 3
                and all(isinstance(e, ast.Constant) for e in node.elts[:2])
                and isinstance(node.elts[2], ast.Dict | ast.Name)
            ):
                used.add(node.elts[1].value)  # type: ignore[attr-defined]
            if (  # the codes _amount_code returns
                isinstance(node, ast.FunctionDef) and node.name == "_amount_code"
            ):
                used |= {
                    ret.value.value
                    for ret in ast.walk(node)
                    if isinstance(ret, ast.Return)
                    and isinstance(ret.value, ast.Constant)
                    and isinstance(ret.value.value, str)
                }
            if (  # the code of an unknown item, passed on to _p
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_codes_problems"
                and isinstance(node.args[-1], ast.Constant)
            ):
                used.add(node.args[-1].value)
    return used


def test_every_message_code_the_engine_uses_is_in_the_catalogue() -> None:
    used = _codes_used_in_the_engine()
    assert len(used) > 40
    assert used <= set(MESSAGES)
    assert set(MESSAGES) <= used  # no dead entries either


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_parameters(code: str) -> None:
    texts = MESSAGES[code]
    assert set(texts) == {"sl", "en"}
    fields = {
        lang: {name for _, name, _, _ in string.Formatter().parse(text) if name}
        for lang, text in texts.items()
    }
    assert fields["sl"] == fields["en"]
    params = {name: f"<{name}>" for name in fields["en"]}
    assert message(code, "sl", params) != message(code, "en", params)
    for name in fields["en"]:
        assert f"<{name}>" in message(code, "sl-SI", params)


def test_a_problem_speaks_the_readers_language() -> None:
    problem = Problem("tender.area[1]", "not_empty")
    assert problem.message("en") == "must not be empty"
    assert problem.message("sl") == "ne sme biti prazno"
    assert problem.message("de") == "must not be empty"


def test_invalid_facts_in_either_language() -> None:
    from scoring.engine import assess
    from tests.scoring.engine.builders import application, member, tender

    with pytest.raises(InvalidFacts) as caught:
        assess(tender(area=("Kranj", "")), application(member(sex="Z")))
    assert caught.value.errors == [
        ("tender.area[1]", "must not be empty"),
        ("application.members[0].sex", "must be one of F, M, X"),
    ]
    assert caught.value.messages("sl") == [
        ("tender.area[1]", "ne sme biti prazno"),
        ("application.members[0].sex", "mora biti ena od vrednosti F, M, X"),
    ]


@pytest.mark.parametrize("rule", SUB_LIST_RULES)
def test_every_sub_list_rule_has_a_label(rule: str) -> None:
    assert sub_list_rule_label(rule, "sl") != sub_list_rule_label(rule, "en")
    assert all(text.strip() for text in sub_list_rule_label(rule, "sl"))
