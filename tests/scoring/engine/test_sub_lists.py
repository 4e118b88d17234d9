"""Sub-lists and cut-offs (scoring.md, "Sub-lists and cut-offs"), the deaf_or_blind
fact, and the tie-break chain naming categories the tender does not score."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scoring.engine import InvalidFacts, SubList, rank
from tests.scoring.engine.builders import (
    application,
    application_json,
    child,
    member,
    member_json,
    tender,
    tender_json,
)

ROOT = Path(__file__).resolve().parents[3]

# Incomes: EUR 800 a month is list A for one member (90 % of 1,000.00); 2 x 400 too.
SINGLE = member(monthly_income="800.00")


def spouse(**overrides: Any):
    values = {"role": "spouse", "birth_date": date(1981, 1, 1), "employed": False}
    return member(**{**values, "monthly_income": "0.00", **overrides})


def subs(*specs: tuple[str, str, str, int] | tuple[str, str, str, int, int]):
    return tuple(SubList(*spec) for spec in specs)


def entries(result, code: str) -> list[tuple[str, int, int, bool]]:
    return [(e.code, e.rank, e.total, e.within) for e in result.sub_lists[code].entries]


def test_first_matching_sub_list_in_the_tenders_order() -> None:
    wheelchair_family = application(
        member(monthly_income="400.00", wheelchair_user=True),
        spouse(),
        code="W",
    )
    family = application(member(monthly_income="400.00"), spouse(), code="F")
    single = application(SINGLE, code="S")
    t = tender(
        sub_lists=subs(
            ("A3", "A", "wheelchair", 1),
            ("A1", "A", "families", 5),
            ("A2", "A", "singles", 5),
        )
    )
    result = rank(t, [single, family, wheelchair_family])
    assert [e[0] for e in entries(result, "A3")] == ["W"]  # not also in A1
    assert [e[0] for e in entries(result, "A1")] == ["F"]
    assert [e[0] for e in entries(result, "A2")] == ["S"]
    assert result.unassigned == ()
    # The same sub-lists in another order: families first takes the wheelchair family.
    t = tender(
        sub_lists=subs(
            ("A1", "A", "families", 5),
            ("A3", "A", "wheelchair", 1),
            ("A2", "A", "singles", 5),
        )
    )
    result = rank(t, [single, family, wheelchair_family])
    assert [e[0] for e in entries(result, "A1")] == ["F", "W"]
    assert entries(result, "A3") == []


@pytest.mark.parametrize(
    ("who", "rule", "meets"),
    [
        ("applicant", "deaf_or_blind", True),
        ("spouse", "deaf_or_blind", True),
        (None, "deaf_or_blind", False),
        (None, "wheelchair", False),
        (None, "families", True),
        (None, "singles", False),
        (None, "all", True),
    ],
)
def test_rules(who: str | None, rule: str, meets: bool) -> None:
    app = application(
        member(monthly_income="400.00", deaf_or_blind=who == "applicant"),
        spouse(deaf_or_blind=who == "spouse"),
    )
    result = rank(tender(sub_lists=subs(("A1", "A", rule, 1))), [app])
    assert (result.unassigned == ()) is meets
    assert (len(result.sub_lists["A1"].entries) == 1) is meets


def test_deaf_or_blind_changes_nothing_but_the_sub_list() -> None:
    plain = application(SINGLE)
    deaf = application(member(monthly_income="800.00", deaf_or_blind=True))
    t = tender(priority_categories={"disability": 100})
    assert (
        rank(t, [plain]).assessments["T-0001"] == rank(t, [deaf]).assessments["T-0001"]
    )


def test_an_application_goes_only_to_sub_lists_of_its_own_list() -> None:
    rich = application(member(monthly_income="950.00"), code="B-1")  # list B
    t = tender(sub_lists=subs(("A1", "A", "all", 1)))
    result = rank(t, [rich])
    assert [e.code for e in result.lists["B"]] == ["B-1"]
    assert result.unassigned == ("B-1",)
    assert entries(result, "A1") == []


def test_without_separate_lists_the_list_is_all() -> None:
    rich = application(member(monthly_income="950.00"), code="X")
    t = tender(separate_lists=False, sub_lists=subs(("S", "all", "singles", 1)))
    assert entries(rank(t, [rich]), "S") == [("X", 1, 120, True)]


def test_ineligible_applications_are_neither_assigned_nor_unassigned() -> None:
    out = application(member(citizenship="US", monthly_income="800.00"), code="X")
    result = rank(tender(sub_lists=subs(("A1", "A", "families", 1))), [out])
    assert result.ineligible == ("X",)
    assert result.unassigned == ()


def _pool() -> list:
    # Totals: status 1.4 is 120; each minor adds 30 (5.1).
    return [
        application(SINGLE, code="a"),  # 120
        application(member(monthly_income="400.00"), child("2015-01-01"), code="b"),
        application(member(monthly_income="400.00"), child("2016-01-01"), code="c"),
        application(
            member(monthly_income="300.00"),
            child("2015-01-01"),
            child("2016-01-01"),
            code="d",
        ),
        application(member(monthly_income="400.00"), spouse(), code="e"),  # 120
    ]


@pytest.mark.parametrize(
    ("dwellings", "cutoff", "within"),
    [
        (0, None, []),  # no dwellings: no cut-off, nobody within
        (1, 180, ["d"]),
        (2, 150, ["d", "b", "c"]),  # b and c share 150: both within
        (3, 150, ["d", "b", "c"]),
        (4, 120, ["d", "b", "c", "e"]),
        (9, 120, ["d", "b", "c", "e"]),  # fewer entries: the lowest total
    ],
)
def test_cutoff_from_the_number_of_dwellings(
    dwellings: int, cutoff: int | None, within: list[str]
) -> None:
    t = tender(sub_lists=subs(("A1", "A", "families", dwellings)))
    result = rank(t, _pool())
    sub = result.sub_lists["A1"]
    assert sub.cutoff == cutoff
    assert not sub.cutoff_set_by_lessor
    assert [e.code for e in sub.entries if e.within] == within
    assert [(e.code, e.rank) for e in sub.entries] == [
        ("d", 1),
        ("b", 2),
        ("c", 2),
        ("e", 4),
    ]


@pytest.mark.parametrize(
    ("set_cutoff", "within"),
    [(150, ["d", "b", "c"]), (151, ["d"]), (0, ["d", "b", "c", "e"]), (999, [])],
)
def test_a_cutoff_set_by_the_lessor_wins(set_cutoff: int, within: list[str]) -> None:
    t = tender(sub_lists=subs(("A1", "A", "families", 1, set_cutoff)))
    sub = rank(t, _pool()).sub_lists["A1"]
    assert sub.cutoff == set_cutoff
    assert sub.cutoff_set_by_lessor
    assert [e.code for e in sub.entries if e.within] == within


def test_an_empty_sub_list_has_no_cutoff() -> None:
    t = tender(sub_lists=subs(("A1", "A", "wheelchair", 3)))
    sub = rank(t, _pool()).sub_lists["A1"]
    assert sub.cutoff is None
    assert sub.entries == ()


def test_ranks_start_again_in_every_sub_list_in_the_lists_order() -> None:
    t = tender(
        tie_break=("young_family",),
        sub_lists=subs(("A1", "A", "families", 9), ("A2", "A", "all", 9)),
    )
    result = rank(t, _pool())
    assert [e.code for e in result.lists["A"]] == ["d", "b", "c", "a", "e"]
    assert [(e[0], e[1]) for e in entries(result, "A2")] == [("a", 1)]


def test_without_sub_lists_the_result_has_none() -> None:
    result = rank(tender(), _pool())
    assert result.sub_lists == {}
    assert result.unassigned == ()


# --- the tie-break chain: categories of the Rules the tender does not score -----------


def test_the_chain_may_name_a_category_the_tender_does_not_score() -> None:
    # Both score 120 + 50 (war victim); only "young" has a child and parents <= 35.
    young = application(
        member(birth_date=date(1995, 1, 1), monthly_income="400.00"),
        child("2006-01-01"),  # an adult child counts for young family
        code="z-young",
        war_victim=True,
    )
    old = application(
        member(monthly_income="400.00"), spouse(), code="a-old", war_victim=True
    )
    t = tender(priority_categories={"war_victim": 50}, tie_break=("young_family",))
    result = rank(t, [old, young])
    assert [(e.code, e.rank, e.total) for e in result.lists["A"]] == [
        ("z-young", 1, 170),
        ("a-old", 2, 170),
    ]
    assert all(
        line.code != "young_family" for line in result.assessments["z-young"].items
    )


def test_the_chain_may_name_the_unscored_supplement() -> None:
    # 120 + 4 x 30 = 240 and 120 + 3 x 30 + 30 (condition x) = 240: tied; four minors
    # is one beyond the third, so "z-four" is in the supplement's category.
    four = application(
        member(monthly_income="100.00"),
        *(child(f"201{i}-01-01") for i in range(4)),
        code="z-four",
        dwelling_area_m2="200.00",  # no crowding points for either
    )
    three = application(
        member(monthly_income="100.00"),
        *(child(f"201{i}-01-01") for i in range(3)),
        code="a-three",
        dwelling_area_m2="200.00",
        additional_conditions=("x",),
    )
    t = tender(additional_conditions={"x": 30})
    assert [e.code for e in rank(t, [three, four]).lists["A"]] == ["a-three", "z-four"]
    t = tender(additional_conditions={"x": 30}, tie_break=("large_family_extra_child",))
    result = rank(t, [three, four])
    assert [(e.code, e.rank, e.total) for e in result.lists["A"]] == [
        ("z-four", 1, 240),
        ("a-three", 2, 240),
    ]


# --- bad input: a field error by JSON path, exit 2 ------------------------------------


def _sub(**overrides: Any) -> dict[str, Any]:
    return {"code": "A1", "list": "A", "rule": "families", "dwellings": 1, **overrides}


BAD = [
    ([_sub(), _sub()], True, "tender.sub_lists[1].code", "already the code of"),
    ([_sub(list="C")], True, "tender.sub_lists[0].list", "must be one of A, B"),
    ([_sub(list="all")], True, "tender.sub_lists[0].list", "must be one of A, B"),
    ([_sub(list="A")], False, "tender.sub_lists[0].list", "must be one of all"),
    ([_sub(rule="pensioners")], True, "tender.sub_lists[0].rule", "must be one of"),
    ([_sub(rule="single_persons")], True, "tender.sub_lists[0].rule", "one of"),
    ([_sub(dwellings=-1)], True, "tender.sub_lists[0].dwellings", "at least 0"),
    ([_sub(dwellings=1.5)], True, "tender.sub_lists[0].dwellings", "whole number"),
    ([_sub(cutoff=-5)], True, "tender.sub_lists[0].cutoff", "at least 0"),
    ([_sub(cutoff="555")], True, "tender.sub_lists[0].cutoff", "whole number"),
    ([_sub(code="")], True, "tender.sub_lists[0].code", "must not be empty"),
    ([_sub(colour="red")], True, "tender.sub_lists[0].colour", "not a known key"),
    ([{"code": "A1"}], True, "tender.sub_lists[0].list", "is required"),
    ([5], True, "tender.sub_lists[0]", "must be a JSON object"),
    ({"A1": 1}, True, "tender.sub_lists", "must be a JSON array"),
]


def _rank_cli(doc: dict[str, Any]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "scoring", "rank", "-"],
        cwd=ROOT,
        input=json.dumps(doc).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("sub_lists", "separate", "path", "message"), BAD)
def test_bad_sub_lists_are_field_errors(
    sub_lists: Any, separate: bool, path: str, message: str
) -> None:
    from scoring.engine.jsonio import read_rank

    doc = {
        "tender": tender_json(sub_lists=sub_lists, separate_lists=separate),
        "applications": [application_json()],
    }
    with pytest.raises(InvalidFacts) as caught:
        read_rank(doc)
    found = [m for p, m in caught.value.errors if p == path]
    assert found, caught.value.errors
    assert message in found[0]


@pytest.mark.parametrize(
    ("area", "path", "message"),
    [
        (["Ljubljana", ""], "tender.area[1]", "must not be empty"),
        (["Ljubljana", "  "], "tender.area[1]", "must not be empty"),
        (["Ljubljana", 5], "tender.area[1]", "must be a string"),
        ([], "tender.area", "at least one municipality"),
        ({"name": "Ig"}, "tender.area", "a list of names"),
    ],
)
def test_bad_areas_are_field_errors_exit_2(area: Any, path: str, message: str) -> None:
    result = _rank_cli(
        {"tender": tender_json(area=area), "applications": [application_json()]}
    )
    assert result.returncode == 2
    assert result.stderr == b""
    errors = json.loads(result.stdout)["errors"]
    assert [e for e in errors if e["path"] == path and message in e["message"]]


def test_bad_sub_lists_exit_2_through_the_command_line() -> None:
    result = _rank_cli(
        {
            "tender": tender_json(sub_lists=[_sub(), _sub(rule="x", dwellings=-1)]),
            "applications": [application_json()],
        }
    )
    assert result.returncode == 2
    paths = [e["path"] for e in json.loads(result.stdout)["errors"]]
    assert paths == [
        "tender.sub_lists[1].code",
        "tender.sub_lists[1].rule",
        "tender.sub_lists[1].dwellings",
    ]


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("deaf_or_blind", 1, "application.members[0].deaf_or_blind"),
        (
            "business_property_value",
            "-1.00",
            "application.members[0].business_property_value",
        ),
    ],
)
def test_new_member_fields_are_checked(field: str, value: Any, path: str) -> None:
    from scoring.engine.jsonio import read_assess

    doc = {
        "tender": tender_json(),
        "application": application_json(members=[member_json(**{field: value})]),
    }
    with pytest.raises(InvalidFacts) as caught:
        read_assess(doc)
    assert [p for p, _ in caught.value.errors] == [path]


@pytest.mark.parametrize(
    ("field", "value"),
    [("disability_aids_monthly", 100), ("violence_co_ownership_unusable", "yes")],
)
def test_new_application_fields_are_checked(field: str, value: Any) -> None:
    from scoring.engine.jsonio import read_assess

    doc = {"tender": tender_json(), "application": application_json(**{field: value})}
    with pytest.raises(InvalidFacts) as caught:
        read_assess(doc)
    assert [p for p, _ in caught.value.errors] == [f"application.{field}"]
