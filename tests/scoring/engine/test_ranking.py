"""Ranking (Art. 6(3), 17(2), 23): totals, the tie-break chain, shared ranks, the lists."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from scoring.engine import InvalidFacts, assess, rank
from scoring.engine.ranking import rank_keyed
from tests.scoring.engine.builders import application, assessment, member, tender


def entries(result) -> list[tuple[str, int, int]]:
    return [(e.code, e.rank, e.total) for e in result]


def rank_list(assessments, chain):
    """Rank bare assessments as rank() keys them: total, then "in" (scored the line)
    for each code of the chain, then the code."""
    keyed = []
    for a in assessments:
        codes = {line.code for line in a.items}
        flags = [0 if code in codes else 1 for code in chain]
        keyed.append((-a.total, *flags, a.code, a.total))
    return rank_keyed(keyed)


def test_higher_total_first() -> None:
    ranked = rank_list(
        [assessment("a", 100), assessment("b", 300), assessment("c", 200)], ()
    )
    assert entries(ranked) == [("b", 1, 300), ("c", 2, 200), ("a", 3, 100)]


def test_equal_totals_share_a_rank_in_code_order_competition_style() -> None:
    ranked = rank_list(
        [
            assessment("d", 100),
            assessment("c", 200),
            assessment("b", 200),
            assessment("a", 300),
        ],
        (),
    )
    assert entries(ranked) == [
        ("a", 1, 300),
        ("b", 2, 200),
        ("c", 2, 200),
        ("d", 4, 100),
    ]


def test_tie_break_puts_those_in_the_first_differing_category_first() -> None:
    tied = [
        assessment("a", 200),
        assessment("b", 200, categories=("large_family",)),
        assessment("c", 200, categories=("young_family",)),
        assessment("d", 200, categories=("young_family", "large_family")),
    ]
    chain = ("young_family", "large_family")
    assert entries(rank_list(tied, chain)) == [
        ("d", 1, 200),
        ("c", 2, 200),
        ("b", 3, 200),
        ("a", 4, 200),
    ]
    other_chain = ("large_family", "young_family")
    assert [e.code for e in rank_list(tied, other_chain)] == ["d", "b", "c", "a"]


def test_tie_break_never_overrides_a_higher_total() -> None:
    ranked = rank_list(
        [assessment("a", 201), assessment("b", 200, categories=("young_family",))],
        ("young_family",),
    )
    assert [e.code for e in ranked] == ["a", "b"]


def test_still_equal_after_the_chain_share_a_rank() -> None:
    ranked = rank_list(
        [
            assessment("b", 200, categories=("youth",)),
            assessment("a", 200, categories=("youth",)),
            assessment("c", 200),
            assessment("z", 300),
        ],
        ("youth",),
    )
    assert entries(ranked) == [
        ("z", 1, 300),
        ("a", 2, 200),
        ("b", 2, 200),
        ("c", 4, 200),
    ]


def test_a_category_outside_the_chain_does_not_break_ties() -> None:
    ranked = rank_list(
        [assessment("b", 200, categories=("war_victim",)), assessment("a", 200)],
        ("youth",),
    )
    assert entries(ranked) == [("a", 1, 200), ("b", 1, 200)]


def test_order_does_not_depend_on_the_input_order() -> None:
    pool = [
        assessment(f"c{i:02}", 100 + 10 * (i % 4), categories=("youth",) * (i % 2))
        for i in range(20)
    ]
    expected = entries(rank_list(pool, ("youth",)))
    shuffler = random.Random(7)
    for _ in range(10):
        shuffler.shuffle(pool)
        assert entries(rank_list(pool, ("youth",))) == expected


def test_both_lists_are_present_even_when_empty() -> None:
    result = rank(tender(), [])
    assert dict(result.lists) == {"A": (), "B": ()}
    assert result.ineligible == ()


def test_one_list_when_the_tender_does_not_separate() -> None:
    result = rank(
        tender(separate_lists=False),
        [
            application(member(monthly_income="950.00"), code="b"),  # list B income
            application(member(monthly_income="800.00"), code="a", war_victim=True),
        ],
    )
    assert set(result.lists) == {"all"}
    assert [e.code for e in result.lists["all"]] == ["a", "b"]


# --- through the engine -----------------------------------------------------------------


def _apps():
    # Incomes of EUR 800 are 80 % of the salary: list A (90 %); EUR 950 is list B.
    poor = member(monthly_income="800.00")
    young = member(
        birth_date=date(2000, 1, 1), monthly_income="800.00"
    )  # youth in 2025
    rich = member(monthly_income="950.00")
    return [
        application(poor, code="P-3", war_victim=True),  # 120 + 50
        application(young, code="P-2"),  # 120 + 50
        application(poor, code="P-1"),  # 120
        application(member(citizenship="US"), code="P-0"),  # ineligible
        application(rich, code="P-4", war_victim=True),  # 120 + 50, list B
    ]


def test_rank_through_the_engine_uses_the_tenders_chain() -> None:
    categories = {"youth": 50, "war_victim": 50}
    t = tender(priority_categories=categories, tie_break=("youth", "war_victim"))
    result = rank(t, _apps())
    assert entries(result.lists["A"]) == [
        ("P-2", 1, 170),
        ("P-3", 2, 170),
        ("P-1", 3, 120),
    ]
    assert entries(result.lists["B"]) == [("P-4", 1, 170)]
    assert result.ineligible == ("P-0",)
    assert set(result.assessments) == {"P-0", "P-1", "P-2", "P-3", "P-4"}
    swapped = tender(priority_categories=categories, tie_break=("war_victim", "youth"))
    assert [e.code for e in rank(swapped, _apps()).lists["A"]] == ["P-3", "P-2", "P-1"]
    no_chain = tender(priority_categories=categories, separate_lists=False)
    assert entries(rank(no_chain, _apps()).lists["all"]) == [
        ("P-2", 1, 170),
        ("P-3", 1, 170),
        ("P-4", 1, 170),
        ("P-1", 4, 120),
    ]


def test_rank_refuses_a_code_used_twice() -> None:
    apps = [application(code="X"), application(code="Y"), application(code="X")]
    with pytest.raises(InvalidFacts) as caught:
        rank(tender(), apps)
    assert [path for path, _ in caught.value.errors] == ["applications[2].code"]


def test_rank_reports_every_application_error() -> None:
    apps = [
        application(code=""),
        application(code="ok"),
        application(housing_status="9"),
    ]
    with pytest.raises(InvalidFacts) as caught:
        rank(tender(), apps)
    paths = [path for path, _ in caught.value.errors]
    assert "applications[0].code" in paths
    assert "applications[2].housing_status" in paths


def test_rank_of_no_applications() -> None:
    result = rank(tender(), [])
    assert dict(result.lists) == {"A": (), "B": ()}
    assert result.ineligible == ()


def test_rank_reports_a_broken_tender_and_its_applications_together() -> None:
    with pytest.raises(InvalidFacts) as caught:
        rank({"rules": "SI-2004"}, [application(code="")])  # type: ignore[arg-type]
    assert [p for p, _ in caught.value.errors] == ["tender", "applications[0].code"]
    broken = tender(average_net_salary=Decimal("0.00"))
    with pytest.raises(InvalidFacts) as caught:
        rank(broken, [application(), application()])
    assert [p for p, _ in caught.value.errors] == [
        "tender.average_net_salary",
        "applications[1].code",
    ]


def test_rank_and_assess_agree() -> None:
    t = tender(
        priority_categories={"youth": 50, "war_victim": 50}, tie_break=("youth",)
    )
    apps = _apps()
    ranking = rank(t, apps)
    for app in apps:
        assert ranking.assessments[app.code] == assess(t, app)


def test_rank_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    assert gc.isenabled()
    rank(tender(), [application()])
    assert gc.isenabled()
    with pytest.raises(InvalidFacts):
        rank(tender(), [application(code="")])
    assert gc.isenabled()
    gc.disable()
    try:
        rank(tender(), [application()])
        assert not gc.isenabled()
    finally:
        gc.enable()
