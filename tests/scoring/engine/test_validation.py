"""Invalid input is refused with every bad field named by its JSON path (case-format.md).

Most tests read documents in-process through :mod:`scoring.engine.jsonio`; the command line
tests check the exit status 2, the ``{"errors": [...]}`` object on stdout and a silent stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scoring.engine import InvalidFacts, assess, rank
from scoring.engine.jsonio import decode, read_assess, read_rank
from tests.scoring.engine.builders import (
    APPLICATION_JSON,
    MEMBER_JSON,
    TENDER_JSON,
    application,
    application_json,
    case_json,
    child,
    member,
    member_json,
    tender,
    tender_json,
)

ROOT = Path(__file__).resolve().parents[3]


def errors_of(doc: Any, reader=read_assess) -> list[tuple[str, str]]:
    with pytest.raises(InvalidFacts) as caught:
        reader(doc)
    assert caught.value.errors, "InvalidFacts without errors"
    return caught.value.errors


def paths_of(doc: Any, reader=read_assess) -> list[str]:
    return [path for path, _ in errors_of(doc, reader)]


def message_at(doc: Any, path: str) -> str:
    found = [m for p, m in errors_of(doc) if p == path]
    assert found, f"no error at {path}: {errors_of(doc)}"
    return found[0]


def with_tender(**overrides: Any) -> dict[str, Any]:
    return case_json(tender=tender_json(**overrides))


def with_application(**overrides: Any) -> dict[str, Any]:
    return case_json(application=application_json(**overrides))


def with_member(**overrides: Any) -> dict[str, Any]:
    return with_application(members=[member_json(**overrides)])


def test_the_builders_case_is_valid() -> None:
    t, a = read_assess(case_json())
    assert assess(t, a).total == 120


# --- keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({**case_json(), "extra": 1}, "extra"),
        (with_tender(colour="red"), "tender.colour"),
        (with_application(notes="x"), "application.notes"),
        (with_member(nickname="x"), "application.members[0].nickname"),
        (
            with_tender(
                point_value={"eur": "3.00", "valid_from": "2025-01-01", "x": 1}
            ),
            "tender.point_value.x",
        ),
        ({**case_json(), "a b": 1}, '$["a b"]'),
    ],
)
def test_unknown_keys_are_errors(doc: dict[str, Any], path: str) -> None:
    assert message_at(doc, path) == "is not a known key"


@pytest.mark.parametrize("key", list(TENDER_JSON))
def test_every_tender_key_is_required(key: str) -> None:
    doc = case_json()
    del doc["tender"][key]
    assert message_at(doc, f"tender.{key}") == "is required"


@pytest.mark.parametrize(
    "key", [k for k in APPLICATION_JSON if k != "dwelling_area_m2"]
)
def test_every_application_key_is_required(key: str) -> None:
    doc = case_json()
    del doc["application"][key]
    assert message_at(doc, f"application.{key}") == "is required"


@pytest.mark.parametrize("key", list(MEMBER_JSON))
def test_every_member_key_is_required(key: str) -> None:
    doc = case_json()
    del doc["application"]["members"][0][key]
    assert message_at(doc, f"application.members[0].{key}") == "is required"


@pytest.mark.parametrize("key", ["tender", "application"])
def test_the_top_level_keys_are_required(key: str) -> None:
    doc = case_json()
    del doc[key]
    assert message_at(doc, key) == "is required"


def test_a_key_given_twice_is_an_error() -> None:
    text = json.dumps(case_json())
    text = text.replace('"area": "Kranj"', '"area": "Kranj", "area": "Bled"')
    with pytest.raises(InvalidFacts) as caught:
        read_assess(decode(text))
    assert ("tender.area", "is given more than once") in caught.value.errors


# --- the dwelling area and housing status ---------------------------------------------------


@pytest.mark.parametrize("status", ["1.2", "1.3", "1.4", "1.5", "1.6"])
def test_the_area_is_required_with_a_dwelling(status: str) -> None:
    absent = application_json(housing_status=status)
    del absent["dwelling_area_m2"]
    message = f"is required with housing status {status}"
    assert (
        message_at(case_json(application=absent), "application.dwelling_area_m2")
        == message
    )
    null = with_application(housing_status=status, dwelling_area_m2=None)
    assert message_at(null, "application.dwelling_area_m2") == message


@pytest.mark.parametrize("area", ["0", "0.00"])
def test_the_area_must_be_positive(area: str) -> None:
    doc = with_application(dwelling_area_m2=area)
    assert message_at(doc, "application.dwelling_area_m2") == "must be greater than 0"


def test_an_area_given_with_status_1_1_is_an_error() -> None:
    doc = with_application(housing_status="1.1", dwelling_area_m2="30.00")
    assert "absent or null with housing status 1.1" in message_at(
        doc, "application.dwelling_area_m2"
    )


def test_status_1_1_without_an_area_is_valid() -> None:
    absent = application_json(housing_status="1.1")
    del absent["dwelling_area_m2"]
    read_assess(case_json(application=absent))
    read_assess(with_application(housing_status="1.1", dwelling_area_m2=None))


@pytest.mark.parametrize("status", ["1.0", "1.7", "2.1", "", 1.2, None, "1.2 "])
def test_housing_status_must_be_a_form_item(status: Any) -> None:
    assert "application.housing_status" in paths_of(
        with_application(housing_status=status)
    )


# --- types --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, "true", None, "false"])
def test_booleans_must_be_json_booleans(value: Any) -> None:
    assert message_at(with_application(pregnancy=value), "application.pregnancy") == (
        "must be true or false"
    )
    assert message_at(
        with_member(employed=value), "application.members[0].employed"
    ) == ("must be true or false")
    assert message_at(with_tender(separate_lists=value), "tender.separate_lists") == (
        "must be true or false"
    )


@pytest.mark.parametrize("value", [80.0, 80.5, True, "80", None, [80]])
def test_category_points_must_be_integers(value: Any) -> None:
    doc = with_tender(priority_categories={"youth": value})
    assert message_at(doc, "tender.priority_categories.youth") == (
        "must be a whole number (integer)"
    )


@pytest.mark.parametrize("value", [40.0, False, "40"])
def test_condition_points_must_be_integers(value: Any) -> None:
    doc = with_tender(additional_conditions={"residence": value})
    assert message_at(doc, "tender.additional_conditions.residence") == (
        "must be a whole number (integer)"
    )


DECIMAL_FIELDS = [
    ("tender", "average_net_salary"),
    ("application", "dwelling_area_m2"),
    ("member", "years_of_service"),
    ("member", "monthly_income"),
    ("member", "other_property_value"),
]


def _doc_with(where: str, field: str, value: Any) -> tuple[dict[str, Any], str]:
    if where == "tender":
        return with_tender(**{field: value}), f"tender.{field}"
    if where == "application":
        return with_application(**{field: value}), f"application.{field}"
    return with_member(**{field: value}), f"application.members[0].{field}"


@pytest.mark.parametrize(("where", "field"), DECIMAL_FIELDS)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1200.5, 'must be a decimal string like "1234.50"'),
        (1200, 'must be a decimal string like "1234.50"'),
        ("1e3", 'must be a decimal string like "1234.50"'),
        ("NaN", 'must be a decimal string like "1234.50"'),
        ("Infinity", 'must be a decimal string like "1234.50"'),
        ("", 'must be a decimal string like "1234.50"'),
        (" 12.00", 'must be a decimal string like "1234.50"'),
        ("12,50", 'must be a decimal string like "1234.50"'),
        ("12.", 'must be a decimal string like "1234.50"'),
        (".5", 'must be a decimal string like "1234.50"'),
        ("+5.00", 'must be a decimal string like "1234.50"'),
        ("١٢٣", 'must be a decimal string like "1234.50"'),  # Arabic-Indic digits
        (True, 'must be a decimal string like "1234.50"'),
        ("-5.00", "must not be negative"),
        ("-5", "must not be negative"),
        ("12.345", "must have at most 2 decimal places"),
    ],
)
def test_amounts_must_be_decimal_strings(
    where: str, field: str, value: Any, message: str
) -> None:
    doc, path = _doc_with(where, field, value)
    assert message_at(doc, path).startswith(message)


@pytest.mark.parametrize(("where", "field"), DECIMAL_FIELDS)
def test_amounts_may_not_be_absurdly_large(where: str, field: str) -> None:
    doc, path = _doc_with(where, field, "1" * 19 + ".00")
    assert message_at(doc, path).startswith("is too large")
    fine, _ = _doc_with(where, field, "9" * 18 + ".99")
    if where == "member" and field == "monthly_income":
        return  # valid input, merely ineligible
    read_assess(fine)


def test_the_salary_must_be_positive() -> None:
    doc = with_tender(average_net_salary="0.00")
    assert message_at(doc, "tender.average_net_salary") == "must be greater than 0"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-02-30", '"2025-02-30" is not a real date'),
        ("2025-13-01", '"2025-13-01" is not a real date'),
        ("2023-02-29", '"2023-02-29" is not a real date'),
        ("2025-9-15", 'must be a date string "YYYY-MM-DD"'),
        ("20250915", 'must be a date string "YYYY-MM-DD"'),
        ("2025-09-15T00:00:00", 'must be a date string "YYYY-MM-DD"'),
        ("15.9.2025", 'must be a date string "YYYY-MM-DD"'),
        (20250915, 'must be a date string "YYYY-MM-DD"'),
        (None, 'must be a date string "YYYY-MM-DD"'),
    ],
)
def test_dates_must_be_real_yyyy_mm_dd(value: Any, message: str) -> None:
    assert message_at(with_tender(published_on=value), "tender.published_on") == message
    assert message_at(
        with_member(birth_date=value), "application.members[0].birth_date"
    ) == (message)


def test_a_leap_day_is_a_real_date() -> None:
    read_assess(with_member(birth_date="2000-02-29"))


@pytest.mark.parametrize(
    ("where", "field", "value", "message"),
    [
        ("tender", "area", 5, "must be a municipality's name or a list of names"),
        ("tender", "area", "", "must not be empty"),
        ("tender", "area", "   ", "must not be empty"),
        ("application", "code", "", "must not be empty"),
        ("application", "code", 17, "must be a string"),
        ("member", "permanent_residence", "", "must not be empty"),
        ("member", "permanent_residence", None, "must be a string"),
    ],
)
def test_strings(where: str, field: str, value: Any, message: str) -> None:
    doc, path = _doc_with(where, field, value)
    assert message_at(doc, path) == message


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("admitted_citizenships", "SI", "tender.admitted_citizenships"),
        ("tie_break", "youth", "tender.tie_break"),
        ("priority_categories", [], "tender.priority_categories"),
        ("additional_conditions", ["a"], "tender.additional_conditions"),
        ("point_value", "2.63", "tender.point_value"),
    ],
)
def test_containers_of_the_wrong_kind(field: str, value: Any, path: str) -> None:
    assert path in paths_of(with_tender(**{field: value}))


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("members", {}, "application.members"),
        ("members", [1], "application.members[0]"),
        ("other_categories", "other:x", "application.other_categories"),
        ("additional_conditions", {}, "application.additional_conditions"),
    ],
)
def test_application_containers_of_the_wrong_kind(
    field: str, value: Any, path: str
) -> None:
    assert path in paths_of(with_application(**{field: value}))


# --- the tender's settings ----------------------------------------------------------------


def test_rules_must_be_a_known_edition() -> None:
    assert message_at(with_tender(rules="SI-2099"), "tender.rules").startswith(
        "must be a known edition"
    )


def test_publication_before_1900_is_refused() -> None:
    assert "tender.published_on" in paths_of(with_tender(published_on="1899-12-31"))


@pytest.mark.parametrize("published_on", ["3000-01-01", "9999-12-28", "9999-12-31"])
def test_publication_after_2999_is_refused_not_a_crash(published_on: str) -> None:
    # The last days of year 9999 once crashed the engine (a derived date past 9999).
    assert message_at(
        with_tender(published_on=published_on), "tender.published_on"
    ) == ("must not be after 2999-12-31")


@pytest.mark.parametrize(
    ("admitted", "bad"),
    [
        ([], ["tender.admitted_citizenships"]),
        (["si"], ["tender.admitted_citizenships[0]"]),
        (["SI", "XX"], ["tender.admitted_citizenships[1]"]),
        (["SI", "SVN"], ["tender.admitted_citizenships[1]"]),
        (["SI", 7], ["tender.admitted_citizenships[1]"]),
        (["EU", "IP", "SI", "DE", "BA", "XK"], []),
    ],
)
def test_admitted_citizenships(admitted: list[Any], bad: list[str]) -> None:
    doc = with_tender(admitted_citizenships=admitted)
    if not bad:
        read_assess(doc)
    else:
        assert paths_of(doc) == bad


@pytest.mark.parametrize(
    ("categories", "bad"),
    [
        ({"youth": 50, "war_victim": 150}, []),
        ({"youth": 49}, ["tender.priority_categories.youth"]),
        ({"youth": 151}, ["tender.priority_categories.youth"]),
        ({"bogus": 60}, ["tender.priority_categories.bogus"]),
        ({"other:returnee": 60, "other:a_1-b": 50}, []),
        ({"other:": 60}, ["tender.priority_categories.other:"]),
        ({"other:Bad": 60}, ["tender.priority_categories.other:Bad"]),
        ({"other:a b": 60}, ['tender.priority_categories["other:a b"]']),
        ({"large_family": 80, "large_family_extra_child": 1}, []),
        ({"large_family": 80, "large_family_extra_child": 150}, []),
        (
            {"large_family": 80, "large_family_extra_child": 0},
            ["tender.priority_categories.large_family_extra_child"],
        ),
        (
            {"large_family": 80, "large_family_extra_child": 151},
            ["tender.priority_categories.large_family_extra_child"],
        ),
        (
            {"large_family_extra_child": 10},
            ["tender.priority_categories.large_family_extra_child"],
        ),
    ],
)
def test_priority_categories(categories: dict[str, Any], bad: list[str]) -> None:
    doc = with_tender(priority_categories=categories)
    if not bad:
        read_assess(doc)
    else:
        assert paths_of(doc) == bad


def test_the_further_child_needs_the_large_family_category() -> None:
    doc = with_tender(priority_categories={"large_family_extra_child": 10})
    assert "needs large_family" in message_at(
        doc, "tender.priority_categories.large_family_extra_child"
    )


@pytest.mark.parametrize(
    ("tie_break", "bad"),
    [
        (["youth", "war_victim"], []),
        (["youth", "youth"], ["tender.tie_break[1]"]),
        (["young_family"], []),  # a category of the Rules the tender does not score
        (["other:x"], ["tender.tie_break[0]"]),  # an other: category it does not have
        (["youth", 3], ["tender.tie_break[1]"]),
        (["additional:r"], ["tender.tie_break[0]"]),
    ],
)
def test_tie_break(tie_break: list[Any], bad: list[str]) -> None:
    doc = with_tender(
        priority_categories={"youth": 50, "war_victim": 60},
        additional_conditions={"r": 10},
        tie_break=tie_break,
    )
    if not bad:
        read_assess(doc)
    else:
        assert paths_of(doc) == bad


@pytest.mark.parametrize(
    ("conditions", "bad"),
    [
        ({"residence_10y": 0, "a-b_1": 112, "x": 500}, []),
        ({"Residence": 10}, ["tender.additional_conditions.Residence"]),
        ({"_x": 10}, ["tender.additional_conditions._x"]),
        ({"x": -1}, ["tender.additional_conditions.x"]),
    ],
)
def test_additional_conditions(conditions: dict[str, Any], bad: list[str]) -> None:
    doc = with_tender(additional_conditions=conditions)
    if not bad:
        read_assess(doc)
    else:
        assert paths_of(doc) == bad


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ({"eur": "3.00", "valid_from": "2025-01-01"}, []),
        ({"eur": "3.00", "valid_from": "2025-09-15"}, []),
        (None, []),
        ({"eur": "0.00", "valid_from": "2025-01-01"}, ["tender.point_value.eur"]),
        ({"eur": 3, "valid_from": "2025-01-01"}, ["tender.point_value.eur"]),
        (
            {"eur": "3.00", "valid_from": "2025-09-16"},
            ["tender.point_value.valid_from"],
        ),
        ({"eur": "3.00"}, ["tender.point_value.valid_from"]),
    ],
)
def test_point_value_extension(value: Any, bad: list[str]) -> None:
    doc = with_tender(point_value=value)
    if not bad:
        t, _ = read_assess(doc)
        assert (t.point_value is None) is (value is None)
    else:
        assert paths_of(doc) == bad


# --- the application ----------------------------------------------------------------------


def test_members_must_not_be_empty() -> None:
    assert paths_of(with_application(members=[])) == ["application.members"]


def test_a_second_applicant_is_an_error_at_its_role() -> None:
    doc = with_application(
        members=[member_json(), member_json(birth_date="1981-01-01")]
    )
    assert paths_of(doc) == ["application.members[1].role"]


def test_no_applicant_is_an_error_at_the_members() -> None:
    doc = with_application(members=[member_json(role="spouse")])
    assert message_at(doc, "application.members") == (
        'must include exactly one member with role "applicant"'
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role", "king"),
        ("role", "Applicant"),
        ("sex", "f"),
        ("sex", "W"),
        ("citizenship", "si"),
        ("citizenship", "EU"),
        ("citizenship", "XX"),
        ("citizenship", "SVN"),
    ],
)
def test_member_codes(field: str, value: str) -> None:
    doc = with_application(
        members=[member_json(), member_json(**{"role": "child", field: value})]
    )
    assert f"application.members[1].{field}" in paths_of(doc)


@pytest.mark.parametrize("citizenship", ["IP", "XK", "BA", "DE"])
def test_member_citizenships_that_are_fine(citizenship: str) -> None:
    read_assess(with_member(citizenship=citizenship))


def test_a_birth_after_publication_is_an_error() -> None:
    doc = with_application(
        members=[member_json(), member_json(role="child", birth_date="2025-09-16")]
    )
    assert "not be after the tender's publication date" in message_at(
        doc, "application.members[1].birth_date"
    )
    read_assess(
        with_application(
            members=[member_json(), member_json(role="child", birth_date="2025-09-15")]
        )
    )


@pytest.mark.parametrize(
    ("codes", "bad"),
    [
        (["other:returnee"], []),
        (["other:unknown"], ["application.other_categories[0]"]),
        (
            ["youth"],
            ["application.other_categories[0]"],
        ),  # only other:<slug> are listed
        (["other:returnee", "other:returnee"], ["application.other_categories[1]"]),
        ([5], ["application.other_categories[0]"]),
    ],
)
def test_other_categories(codes: list[Any], bad: list[str]) -> None:
    doc = case_json(
        tender=tender_json(priority_categories={"youth": 50, "other:returnee": 60}),
        application=application_json(other_categories=codes),
    )
    if not bad:
        read_assess(doc)
    else:
        assert paths_of(doc) == bad


@pytest.mark.parametrize(
    ("codes", "bad"),
    [
        (["r"], []),
        (["s"], ["application.additional_conditions[0]"]),
        (["r", "r"], ["application.additional_conditions[1]"]),
    ],
)
def test_application_additional_conditions(codes: list[str], bad: list[str]) -> None:
    doc = case_json(
        tender=tender_json(additional_conditions={"r": 40}),
        application=application_json(additional_conditions=codes),
    )
    if not bad:
        read_assess(doc)
    else:
        assert paths_of(doc) == bad


# --- several errors, the root, rank -----------------------------------------------------


def test_every_error_is_reported_together() -> None:
    doc = case_json(
        tender=tender_json(
            average_net_salary=1500, priority_categories={"youth": 20}, colour="red"
        ),
        application=application_json(
            housing_status="1.9",
            members=[
                member_json(birth_date="2025-02-30", employed=1),
                member_json(role="applicant", sex="f"),
            ],
        ),
    )
    assert set(paths_of(doc)) == {
        "tender.colour",
        "tender.average_net_salary",
        "tender.priority_categories.youth",
        "application.housing_status",
        "application.members[0].birth_date",
        "application.members[0].employed",
        "application.members[1].role",
        "application.members[1].sex",
    }


def test_an_error_is_reported_once() -> None:
    doc = with_member(monthly_income="-1.00")
    assert errors_of(doc) == [
        ("application.members[0].monthly_income", "must not be negative")
    ]


@pytest.mark.parametrize("doc", [[], "case", 5, None, True])
def test_the_document_must_be_an_object(doc: Any) -> None:
    assert errors_of(doc) == [("$", "must be a JSON object")]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b"{'a': 1}",
        b"[1,]",
        b'{"a": NaN}',
        b'{"a": -Infinity}',
        b"\xff\xfe{}",
        b'{"a": "\xc3"}',
        b"1" * 5000,
    ],
)
def test_undecodable_input_is_an_error_at_the_root(data: bytes) -> None:
    with pytest.raises(InvalidFacts) as caught:
        read_assess(decode(data))
    [(path, message)] = caught.value.errors
    assert path == "$"
    assert message.startswith(("is not valid JSON", "is not valid UTF-8"))


def test_a_byte_order_mark_is_accepted() -> None:
    read_assess(decode(b"\xef\xbb\xbf" + json.dumps(case_json()).encode()))


def rank_doc(*applications: dict[str, Any]) -> dict[str, Any]:
    return {"tender": tender_json(), "applications": list(applications)}


def test_rank_duplicate_codes_are_errors_at_the_later_code() -> None:
    doc = rank_doc(
        application_json(code="A"),
        application_json(code="B"),
        application_json(code="A"),
        application_json(code="A"),
    )
    assert paths_of(doc, read_rank) == ["applications[2].code", "applications[3].code"]


def test_rank_paths_name_the_application() -> None:
    doc = rank_doc(application_json(code="A"), application_json(code="B", pregnancy=0))
    assert paths_of(doc, read_rank) == ["applications[1].pregnancy"]


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"tender": tender_json(), "applications": {}}, "applications"),
        ({"tender": tender_json()}, "applications"),
        ({"tender": tender_json(), "applications": [], "x": 1}, "x"),
        ({"tender": tender_json(), "applications": [1]}, "applications[0]"),
    ],
)
def test_rank_document_shape(doc: dict[str, Any], path: str) -> None:
    assert path in paths_of(doc, read_rank)


# --- the Python API raises the same way ------------------------------------------------


def test_api_refuses_a_missing_area_for_a_dwelling() -> None:
    with pytest.raises(InvalidFacts) as caught:
        assess(tender(), application(housing_status="1.2", dwelling_area_m2=None))
    assert caught.value.errors == [
        ("application.dwelling_area_m2", "is required with housing status 1.2")
    ]


def test_api_refuses_floats_and_wrong_types() -> None:
    bad_member = member(monthly_income=1000.0)  # a float, not a Decimal
    bad_app = application(bad_member, pregnancy=0)
    with pytest.raises(InvalidFacts) as caught:
        assess(tender(average_net_salary=Decimal("1000.001")), bad_app)
    assert set(caught.value.errors) == {
        ("tender.average_net_salary", "must have at most 2 decimal places"),
        ("application.members[0].monthly_income", "must be a Decimal"),
        ("application.pregnancy", "must be true or false"),
    }


def test_api_refuses_no_applicant_and_a_late_birth() -> None:
    late = child(date(2026, 1, 1))
    with pytest.raises(InvalidFacts) as caught:
        assess(tender(), application(late))
    assert [p for p, _ in caught.value.errors] == [
        "application.members[0].birth_date",
        "application.members",
    ]


def test_api_refuses_what_is_not_a_dataclass() -> None:
    with pytest.raises(InvalidFacts) as caught:
        assess({"rules": "SI-2004"}, "application")  # type: ignore[arg-type]
    assert [p for p, _ in caught.value.errors] == ["tender", "application"]
    with pytest.raises(InvalidFacts):
        rank(tender(), [None])  # type: ignore[list-item]


def test_api_invalid_facts_message_summarises() -> None:
    with pytest.raises(InvalidFacts, match=r"application\.code: must not be empty"):
        assess(tender(), application(code=" "))


def test_api_tender_mappings_are_read_only_copies() -> None:
    categories = {"youth": 50}
    t = tender(priority_categories=categories)
    categories["youth"] = 10  # the caller's dict changes; the tender does not
    assert t.priority_categories["youth"] == 50
    with pytest.raises(TypeError):
        t.priority_categories["youth"] = 60  # type: ignore[index]


# --- the command line -------------------------------------------------------------------


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "scoring", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_cli_invalid_case_exit_2_errors_on_stdout_nothing_on_stderr() -> None:
    doc = with_member(birth_date="2025-02-30", monthly_income=12.5)
    result = cli("assess", "-", stdin=json.dumps(doc).encode())
    assert result.returncode == 2
    assert result.stderr == b""
    output = json.loads(result.stdout)
    assert set(output) == {"errors"}
    assert {e["path"] for e in output["errors"]} == {
        "application.members[0].birth_date",
        "application.members[0].monthly_income",
    }
    assert all(set(e) == {"path", "message"} for e in output["errors"])


@pytest.mark.parametrize(
    ("published_on", "status"),
    [("2999-12-31", 0), ("3000-01-01", 2), ("9999-12-31", 2)],
)
def test_cli_publication_date_bounds_assess_or_refuse_never_crash(
    published_on: str, status: int
) -> None:
    doc = with_tender(published_on=published_on)
    result = cli("assess", "-", stdin=json.dumps(doc).encode())
    assert (result.returncode, result.stderr) == (status, b"")
    output = json.loads(result.stdout)
    if status == 0:
        assert output["code"] == doc["application"]["code"]
    else:
        assert output == {
            "errors": [
                {
                    "path": "tender.published_on",
                    "message": "must not be after 2999-12-31",
                }
            ]
        }


@pytest.mark.parametrize(
    ("args", "stdin", "start"),
    [
        (
            ("assess", "/nonexistent/case.json"),
            None,
            "cannot read /nonexistent/case.json",
        ),
        (("assess", "/"), None, "cannot read /"),
        (("assess", "-"), b"\xff\xfe", "is not valid UTF-8"),
        (("assess", "-"), b"{nope", "is not valid JSON"),
        (("assess", "-"), b"", "is not valid JSON"),
        (("rank", "-"), b"[]", "must be a JSON object"),
        (("assess", "--jsonl", "/nonexistent"), None, "cannot read /nonexistent"),
    ],
)
def test_cli_unreadable_input_is_an_error_at_the_root(
    args: tuple[str, ...], stdin: bytes | None, start: str
) -> None:
    result = cli(*args, stdin=stdin)
    assert result.returncode == 2
    assert result.stderr == b""
    [error] = json.loads(result.stdout)["errors"]
    assert error["path"] == "$"
    assert error["message"].startswith(start)


@pytest.mark.parametrize(
    "args", [(), ("assess",), ("frobnicate", "x"), ("assess", "a.json", "--jsonl", "b")]
)
def test_cli_usage_errors_go_to_stderr(args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"usage" in result.stderr


def test_cli_jsonl_goes_on_after_a_bad_line_and_exits_2() -> None:
    good = json.dumps(case_json()).encode()
    bad = json.dumps(with_member(sex="f")).encode()
    data = b"\n".join([good, b"", bad, b"   ", b"\xff", b"{", good]) + b"\n"
    result = cli("assess", "--jsonl", "-", stdin=data)
    assert result.returncode == 2
    assert result.stderr == b""
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 5
    assert lines[0]["total"] == 120
    assert lines[1] == {
        "errors": [
            {"path": "application.members[0].sex", "message": "must be one of F, M, X"}
        ]
    }
    assert lines[2]["errors"][0]["message"].startswith("is not valid UTF-8")
    assert lines[3]["errors"][0]["path"] == "$"
    assert lines[4]["total"] == 120


def test_cli_jsonl_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(case_json()) + "\n" + json.dumps(case_json()), "utf-8")
    result = cli("assess", "--jsonl", str(path))
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2


def test_cli_output_keeps_non_ascii_codes() -> None:
    doc = with_application(code="LJ-Čšž-1")
    result = cli("assess", "-", stdin=json.dumps(doc, ensure_ascii=False).encode())
    assert result.returncode == 0
    assert json.loads(result.stdout)["code"] == "LJ-Čšž-1"


# --- the reader's shortcuts never change a verdict --------------------------------------


def test_a_reused_tender_is_still_checked_when_it_differs_only_in_type() -> None:
    read_assess(case_json())  # the valid tender is remembered ...
    for value in (1, 0):  # ... and true == 1 in Python, but not in JSON
        doc = with_tender(separate_lists=value)
        assert "tender.separate_lists" in paths_of(doc)
    doc = case_json(tender=tender_json(priority_categories={"youth": 60}))
    read_assess(doc)
    doc["tender"]["priority_categories"]["youth"] = Decimal("60.0")  # 60.0 in the JSON
    assert "tender.priority_categories.youth" in paths_of(doc)


def test_a_reused_tender_is_still_checked_for_repeated_keys() -> None:
    text = json.dumps(case_json())
    read_assess(decode(text))
    twice = text.replace('"rules": "SI-2004"', '"rules": "SI-2004", "rules": "SI-2004"')
    with pytest.raises(InvalidFacts) as caught:
        read_assess(decode(twice))
    assert ("tender.rules", "is given more than once") in caught.value.errors


def test_the_readers_field_order_is_the_dataclasses() -> None:
    from dataclasses import fields

    from scoring.engine import ApplicationFacts, Member, PointValue, TenderRules
    from scoring.engine.jsonio import _APPLICATION, _MEMBER, _POINT_VALUE, _TENDER

    for spec, cls in [
        (_TENDER, TenderRules),
        (_APPLICATION, ApplicationFacts),
        (_MEMBER, Member),
        (_POINT_VALUE, PointValue),
    ]:
        assert list(spec.parsers) == [f.name for f in fields(cls)]


def test_amounts_with_trailing_zeros_are_numerically_two_decimals() -> None:
    # The Python API accepts Decimal("1.500"): it is exactly 1.50.
    assess(tender(), application(member(monthly_income=Decimal("1000.000"))))
    with pytest.raises(InvalidFacts):
        assess(tender(), application(member(monthly_income=Decimal("1000.005"))))


def test_api_refuses_a_second_applicant() -> None:
    two = application(member(), member(birth_date=date(1981, 1, 1)))
    with pytest.raises(InvalidFacts) as caught:
        assess(tender(), two)
    assert caught.value.errors == [
        (
            "application.members[1].role",
            'is a second applicant: exactly one member has role "applicant"',
        )
    ]
    with pytest.raises(InvalidFacts) as caught:
        rank(tender(), [application(code="ok"), two])
    assert [p for p, _ in caught.value.errors] == ["applications[1].members[1].role"]


# --- every field of the dataclasses is checked (the checks name flags and amounts one
# by one, so a new field must be added to them) ---------------------------------------


def _fields_of_type(cls: Any, kind: str) -> list[str]:
    import dataclasses

    return [f.name for f in dataclasses.fields(cls) if f.type == kind]


@pytest.mark.parametrize("value", [1, 0, None])
def test_every_member_and_application_flag_is_checked(value: Any) -> None:
    from scoring.engine import ApplicationFacts, Member, application_problems
    from tests.scoring.engine.builders import application, member, tender

    member_flags = _fields_of_type(Member, "bool")
    application_flags = _fields_of_type(ApplicationFacts, "bool")
    assert len(member_flags) >= 8
    assert len(application_flags) >= 15
    app = application(
        member(**dict.fromkeys(member_flags, value)),
        **dict.fromkeys(application_flags, value),
    )
    paths = [p.path for p in application_problems(tender(), app) if p.code == "boolean"]
    assert paths == [f"application.{name}" for name in application_flags] + [
        f"application.members[0].{name}" for name in member_flags
    ]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.5, "decimal"),
        (Decimal("-1"), "not_negative"),
        (Decimal("0.001"), "two_places"),
    ],
)
def test_every_member_amount_is_checked(value: Any, code: str) -> None:
    from scoring.engine import Member, application_problems
    from tests.scoring.engine.builders import application, member, tender

    amounts = _fields_of_type(Member, "Decimal")
    assert len(amounts) >= 4
    for name in amounts:
        app = application(member(**{name: value}))
        problems = [(p.path, p.code) for p in application_problems(tender(), app)]
        assert problems == [(f"application.members[0].{name}", code)]
    app = application(member(**dict.fromkeys(amounts, value)))
    problems = [(p.path, p.code) for p in application_problems(tender(), app)]
    assert problems == [(f"application.members[0].{name}", code) for name in amounts]
