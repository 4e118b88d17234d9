"""Points: the Form (sections I, II), priority categories (III), additional conditions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.engine import assess
from scoring.engine.household import birthday
from tests.scoring.engine.builders import application, child, member, tender

PUBLISHED = date(2025, 9, 15)


def items(t, app) -> list[tuple[str, int]]:
    return [(line.code, line.points) for line in assess(t, app).items]


def codes(t, app) -> list[str]:
    return [line.code for line in assess(t, app).items]


# --- section I ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "points"),
    [
        ("1.1", 180),
        ("1.2", 140),
        ("1.3", 130),
        ("1.4", 120),
        ("1.5", 120),
        ("1.6", 160),
    ],
)
def test_housing_status(status: str, points: int) -> None:
    area = None if status == "1.1" else Decimal("100.00")
    app = application(housing_status=status, dwelling_area_m2=area)
    assert items(tender(), app) == [(status, points)]


DWELLING_FLAGS = {
    "inappropriate_dwelling": True,
    "architectural_obstacles": True,
    "entrance_from_yard": True,
}


def test_without_a_dwelling_items_2_3_4_are_not_scored() -> None:
    wheelchair = member(wheelchair_user=True)
    app = application(
        wheelchair, housing_status="1.1", dwelling_area_m2=None, **DWELLING_FLAGS
    )
    assert items(tender(), app) == [("1.1", 180)]


def test_with_a_dwelling_items_2_3_4_are_scored() -> None:
    wheelchair = member(wheelchair_user=True)
    app = application(
        wheelchair, housing_status="1.2", dwelling_area_m2="3.00", **DWELLING_FLAGS
    )
    assert items(tender(), app) == [
        ("1.2", 140),
        ("2.1", 30),
        ("3.1", 20),
        ("4.1", 50),
        ("4.2", 10),
    ]


@pytest.mark.parametrize("n", [1, 2, 3, 7])
@pytest.mark.parametrize(
    ("per_member", "item"),
    [
        ("0.50", "3.1"),
        ("4.00", "3.1"),
        ("4.01", "3.2"),
        ("8.00", "3.2"),
        ("8.01", "3.3"),
        ("12.00", "3.3"),
        ("12.01", None),
        ("30.00", None),
    ],
)
def test_crowding_bands(n: int, per_member: str, item: str | None) -> None:
    members = [member(monthly_income="100.00")]
    members += [child(date(2015, 1, 1)) for _ in range(n - 1)]
    area = Decimal(per_member) * n
    app = application(*members, housing_status="1.2", dwelling_area_m2=area)
    crowding = [c for c in codes(tender(), app) if c.startswith("3.")]
    assert crowding == ([] if item is None else [item])


def test_crowding_compares_the_area_exactly_not_a_rounded_quotient() -> None:
    # 12.01 m2 for 3 members is 4.0033 m2 each: over 4, so 3.2.
    members = [member(), child(date(2015, 1, 1)), child(date(2016, 1, 1))]
    app = application(*members, housing_status="1.3", dwelling_area_m2="12.01")
    assert "3.2" in codes(tender(), app)


@pytest.mark.parametrize("status", ["1.2", "1.3", "1.4", "1.5", "1.6"])
def test_crowding_for_every_status_with_a_dwelling(status: str) -> None:
    app = application(housing_status=status, dwelling_area_m2="4.00")
    assert "3.1" in codes(tender(), app)


@pytest.mark.parametrize(
    ("obstacles", "wheelchair_member", "scored"),
    [
        (True, "applicant", True),
        (True, "child", True),
        (True, None, False),
        (False, "child", False),
    ],
)
def test_architectural_obstacles_need_a_wheelchair_user(
    obstacles: bool, wheelchair_member: str | None, scored: bool
) -> None:
    applicant = member(wheelchair_user=wheelchair_member == "applicant")
    kid = child(date(2015, 1, 1), wheelchair_user=wheelchair_member == "child")
    app = application(applicant, kid, architectural_obstacles=obstacles)
    assert ("4.1" in codes(tender(), app)) is scored


# --- section II: minors and the over-65 -------------------------------------------------


@pytest.mark.parametrize(
    ("born", "minor"),
    [
        (date(2007, 9, 14), False),  # 18th birthday the day before publication
        (date(2007, 9, 15), False),  # 18th birthday on the day: no longer a minor
        (date(2007, 9, 16), True),  # 18th birthday the day after: still a minor
        (date(2025, 9, 15), True),  # born on the day of publication
    ],
)
def test_minor_around_the_18th_birthday(born: date, minor: bool) -> None:
    app = application(member(), child(born))
    assert ("5.1" in codes(tender(), app)) is minor


@pytest.mark.parametrize(
    ("published", "minor"),
    [
        (date(2026, 2, 28), True),  # 18th birthday of a 29 February child: 1 March 2026
        (date(2026, 3, 1), False),
        (date(2026, 3, 2), False),
    ],
)
def test_minor_born_on_29_february(published: date, minor: bool) -> None:
    app = application(member(), child(date(2008, 2, 29)))
    t = tender(published_on=published)
    assert ("5.1" in codes(t, app)) is minor


def test_birthday_of_29_february_in_a_common_year_is_1_march() -> None:
    assert birthday(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert birthday(date(2008, 2, 29), 16) == date(2024, 2, 29)
    assert birthday(date(2008, 3, 1), 18) == date(2026, 3, 1)


@pytest.mark.parametrize("minors", [0, 1, 2, 3, 5])
@pytest.mark.parametrize("pregnancy", [False, True])
def test_points_for_every_minor_and_a_pregnancy(minors: int, pregnancy: bool) -> None:
    kids = [child(date(2010 + i, 1, 1)) for i in range(minors)]
    app = application(member(), *kids, pregnancy=pregnancy)
    expected = 30 * (minors + pregnancy)
    scored = dict(items(tender(), app)).get("5.1", 0)
    assert scored == expected


def test_an_adult_child_is_not_a_minor() -> None:
    app = application(member(), child(date(2000, 1, 1)))
    assert "5.1" not in codes(tender(), app)


def over_65_spouse(born: date):
    return member(
        role="spouse", birth_date=born, monthly_income="300.00", employed=False
    )


@pytest.mark.parametrize(
    ("born", "over_65"),
    [
        (date(1960, 9, 14), True),  # 65th birthday the day before publication
        (date(1960, 9, 15), False),  # 65th birthday on the day: not yet over 65
        (date(1960, 9, 16), False),
        (date(1950, 1, 1), True),
    ],
)
def test_over_65_around_the_65th_birthday(born: date, over_65: bool) -> None:
    app = application(member(), over_65_spouse(born), supports_member_over_65=True)
    assert ("5.2" in codes(tender(), app)) is over_65


@pytest.mark.parametrize(
    ("published", "over_65"),
    [(date(2025, 2, 28), False), (date(2025, 3, 1), False), (date(2025, 3, 2), True)],
)
def test_over_65_born_on_29_february(published: date, over_65: bool) -> None:
    app = application(
        member(), over_65_spouse(date(1960, 2, 29)), supports_member_over_65=True
    )
    assert ("5.2" in codes(tender(published_on=published), app)) is over_65


def test_over_65_needs_the_applicant_to_provide_for_the_member() -> None:
    app = application(member(), over_65_spouse(date(1950, 1, 1)))
    assert "5.2" not in codes(tender(), app)


def test_over_65_does_not_count_the_applicant() -> None:
    app = application(member(birth_date=date(1950, 1, 1)), supports_member_over_65=True)
    assert "5.2" not in codes(tender(), app)


@pytest.mark.parametrize(
    ("flag", "item", "points"),
    [
        ("separated_from_minors", "6.1", 60),
        ("single_parent", "6.2", 40),
        ("illness_minor_due_to_housing", "7.1", 80),
        ("illness_due_to_housing", "7.2", 60),
        ("inappropriate_dwelling", "2.1", 30),
        ("entrance_from_yard", "4.2", 10),
    ],
)
def test_flag_items(flag: str, item: str, points: int) -> None:
    assert items(tender(), application(**{flag: True})) == [
        ("1.4", 120),
        (item, points),
    ]


def test_sections_4_to_7_add_up() -> None:
    app = application(
        member(wheelchair_user=True),
        child(date(2015, 1, 1)),
        housing_status="1.2",
        dwelling_area_m2="100.00",
        architectural_obstacles=True,
        entrance_from_yard=True,
        separated_from_minors=True,
        single_parent=True,
        illness_minor_due_to_housing=True,
        illness_due_to_housing=True,
    )
    result = assess(tender(), app)
    assert result.form_points == 140 + 50 + 10 + 30 + 60 + 40 + 80 + 60
    assert result.total == result.form_points


# --- section III: priority categories ---------------------------------------------------

ALL_CATEGORIES = {
    "young_family": 100,
    "youth": 90,
    "large_family": 80,
    "large_family_extra_child": 10,
    "disability": 70,
    "few_employed": 60,
    "long_service": 55,
    "important_profession": 51,
    "domestic_violence": 52,
    "war_victim": 53,
    "other:returnee": 54,
}


def categories(app, **tender_overrides) -> list[tuple[str, int]]:
    t = tender(priority_categories=ALL_CATEGORIES, **tender_overrides)
    result = assess(t, app)
    return [
        (line.code, line.points) for line in result.items if not line.code[0].isdigit()
    ]


@pytest.mark.parametrize(
    ("applicant_born", "partner_born", "young"),
    [
        (date(1990, 12, 31), date(1990, 1, 1), True),  # both 35 in 2025
        (date(1989, 12, 31), date(1995, 1, 1), False),  # applicant 36 in 2025
        (date(1995, 1, 1), date(1989, 12, 31), False),  # partner 36 in 2025
    ],
)
def test_young_family_age_in_the_year_of_publishing(
    applicant_born: date, partner_born: date, young: bool
) -> None:
    partner = member(role="partner", birth_date=partner_born, employed=False)
    app = application(
        member(birth_date=applicant_born), partner, child(date(2020, 1, 1))
    )
    assert (("young_family", 100) in categories(app)) is young


def test_young_family_needs_a_child_of_any_age() -> None:
    # "at least one child" (notes to III): an adult child counts too (decisions.md).
    young = member(birth_date=date(1995, 1, 1))
    assert ("young_family", 100) not in categories(application(young))
    adult_child = child(date(2006, 1, 1))
    assert ("young_family", 100) in categories(application(young, adult_child))
    minor_other = member(role="other", birth_date=date(2015, 1, 1), employed=False)
    assert ("young_family", 100) not in categories(application(young, minor_other))
    assert ("young_family", 100) in categories(
        application(young, child(date(2015, 1, 1)))
    )


def test_young_family_ignores_grandparents() -> None:
    grandparent = member(role="parent", birth_date=date(1950, 1, 1), employed=False)
    app = application(
        member(birth_date=date(1995, 1, 1)), child(date(2020, 1, 1)), grandparent
    )
    assert ("young_family", 100) in categories(app)


@pytest.mark.parametrize(
    ("born", "youth"),
    [(date(1995, 12, 31), True), (date(1995, 1, 1), True), (date(1994, 12, 31), False)],
)
def test_youth_age_in_the_year_of_publishing(born: date, youth: bool) -> None:
    assert (("youth", 90) in categories(application(member(birth_date=born)))) is youth


@pytest.mark.parametrize(
    ("minors", "pregnancy", "expected"),
    [
        (2, False, []),
        (2, True, [("large_family", 80)]),
        (3, False, [("large_family", 80)]),
        (3, True, [("large_family", 80), ("large_family_extra_child", 10)]),
        (5, False, [("large_family", 80), ("large_family_extra_child", 20)]),
        (5, True, [("large_family", 80), ("large_family_extra_child", 30)]),
    ],
)
def test_large_family_and_every_further_child(
    minors: int, pregnancy: bool, expected: list[tuple[str, int]]
) -> None:
    kids = [child(date(2010 + i, 1, 1)) for i in range(minors)]
    app = application(member(birth_date=date(1980, 1, 1)), *kids, pregnancy=pregnancy)
    found = [c for c in categories(app) if c[0].startswith("large_family")]
    assert found == expected


def test_the_further_child_line_follows_the_large_family_line() -> None:
    order = {"large_family_extra_child": 10, "war_victim": 50, "large_family": 80}
    kids = [child(date(2010 + i, 1, 1)) for i in range(4)]
    app = application(member(), *kids, war_victim=True)
    t = tender(priority_categories=order)
    assert codes(t, app)[-3:] == [
        "war_victim",
        "large_family",
        "large_family_extra_child",
    ]


@pytest.mark.parametrize(
    ("disability", "care", "scored"),
    [(True, False, True), (True, True, False), (False, False, False)],
)
def test_disability_without_institutional_care(
    disability: bool, care: bool, scored: bool
) -> None:
    kid = child(date(2015, 1, 1), disability=disability, institutional_care=care)
    assert (("disability", 70) in categories(application(member(), kid))) is scored


def test_disability_and_care_must_be_the_same_member() -> None:
    kid = child(date(2015, 1, 1), disability=True)
    cared = child(date(2016, 1, 1), institutional_care=True)
    assert ("disability", 70) in categories(application(member(), kid, cared))


@pytest.mark.parametrize(
    ("employed", "size", "scored"),
    [
        ((True, False, False), 3, True),
        ((True, True, False), 3, False),
        ((False, False, False), 3, False),
        ((True, False), 2, False),
        ((True, False, False, False), 4, True),
    ],
)
def test_few_employed(employed: tuple[bool, ...], size: int, scored: bool) -> None:
    members = [member(employed=employed[0])]
    members += [
        member(role="other", birth_date=date(1990, 1, 1), employed=e)
        for e in employed[1:]
    ]
    assert len(members) == size
    assert (("few_employed", 60) in categories(application(*members))) is scored


@pytest.mark.parametrize(
    ("sex", "years", "scored"),
    [
        ("F", "12.00", True),
        ("F", "11.99", False),
        ("M", "12.00", False),
        ("M", "12.99", False),
        ("M", "13.00", True),
        ("X", "12.00", False),  # X takes the men's 13 years, the stricter reading
        ("X", "13.00", True),
    ],
)
def test_long_service_by_sex(sex: str, years: str, scored: bool) -> None:
    app = application(
        member(sex=sex, years_of_service=years),
        housing_status="1.2",
        dwelling_area_m2="50.00",
    )
    assert (("long_service", 55) in categories(app)) is scored


@pytest.mark.parametrize(
    ("status", "scored"),
    [
        ("1.1", True),
        ("1.2", True),
        ("1.3", False),
        ("1.4", False),
        ("1.5", False),
        ("1.6", False),
    ],
)
def test_long_service_only_without_a_dwelling_or_as_subtenant(
    status: str, scored: bool
) -> None:
    area = None if status == "1.1" else Decimal("50.00")
    app = application(
        member(years_of_service="30.00"), housing_status=status, dwelling_area_m2=area
    )
    assert (("long_service", 55) in categories(app)) is scored


@pytest.mark.parametrize(
    ("sex", "victim", "scored"),
    [("F", True, True), ("M", True, True), ("X", True, True), ("F", False, False)],
)
def test_domestic_violence_applies_to_a_victim_of_any_sex(
    sex: str, victim: bool, scored: bool
) -> None:
    app = application(member(sex=sex), domestic_violence_victim=victim)
    assert (("domestic_violence", 52) in categories(app)) is scored


@pytest.mark.parametrize(
    ("flag", "code", "points"),
    [
        ("important_profession", "important_profession", 51),
        ("war_victim", "war_victim", 53),
    ],
)
def test_flag_categories(flag: str, code: str, points: int) -> None:
    assert categories(application(**{flag: True})) == [(code, points)]
    assert categories(application()) == []


def test_other_categories_the_application_lists() -> None:
    app = application(other_categories=("other:returnee",))
    assert categories(app) == [("other:returnee", 54)]


def test_categories_the_tender_does_not_use_score_nothing() -> None:
    app = application(member(birth_date=date(2000, 1, 1)), war_victim=True)
    assert items(tender(), app) == [("1.4", 120)]
    t = tender(priority_categories={"war_victim": 77})
    assert items(t, app) == [("1.4", 120), ("war_victim", 77)]


def test_categories_come_in_the_tenders_order() -> None:
    app = application(
        member(birth_date=date(2000, 1, 1), sex="F"),
        war_victim=True,
        domestic_violence_victim=True,
    )
    order = {"war_victim": 50, "youth": 60, "domestic_violence": 70}
    assert codes(tender(priority_categories=order), app)[1:] == list(order)
    reverse = dict(reversed(order.items()))
    assert codes(tender(priority_categories=reverse), app)[1:] == list(reverse)


# --- additional conditions, Art. 4 ------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "met", "lines", "claimed"),
    [
        (
            {"a": 60, "b": 60},
            ("a", "b"),
            [("additional:a", 60), ("additional:b", 52)],
            [60, 60],
        ),
        ({"a": 112}, ("a",), [("additional:a", 112)], [112]),
        ({"a": 113}, ("a",), [("additional:a", 112)], [113]),
        (
            {"a": 100, "b": 50, "c": 30},
            ("a", "b", "c"),
            [("additional:a", 100), ("additional:b", 12)],
            [100, 50],
        ),
        ({"a": 40, "b": 30}, ("b",), [("additional:b", 30)], [30]),
        ({"a": 0, "b": 30}, ("a", "b"), [("additional:b", 30)], [30]),
        (
            {"a": 60, "b": 60},
            ("b", "a"),
            [("additional:a", 60), ("additional:b", 52)],
            [60, 60],
        ),
    ],
)
def test_additional_conditions_capped_at_112(
    conditions: dict[str, int],
    met: tuple[str, ...],
    lines: list[tuple[str, int]],
    claimed: list[int],
) -> None:
    result = assess(
        tender(additional_conditions=conditions), application(additional_conditions=met)
    )
    extra = [line for line in result.items if line.code.startswith("additional:")]
    assert [(line.code, line.points) for line in extra] == lines
    assert [line.claimed_points for line in extra] == claimed
    assert all(line.source == "Art. 4" for line in extra)
    assert result.additional_points == sum(points for _, points in lines)
    assert (
        result.total
        == result.form_points + result.priority_points + result.additional_points
    )


# --- totals, order, sources, spatial standard ------------------------------------------


def test_items_in_form_order_then_categories_then_additional() -> None:
    t = tender(priority_categories={"war_victim": 50}, additional_conditions={"r": 40})
    app = application(
        member(wheelchair_user=True),
        child(date(2015, 1, 1)),
        housing_status="1.2",
        dwelling_area_m2="16.00",
        illness_due_to_housing=True,
        architectural_obstacles=True,
        war_victim=True,
        additional_conditions=("r",),
    )
    result = assess(t, app)
    assert [(line.code, line.source) for line in result.items] == [
        ("1.2", "Form I.1.2"),
        ("3.2", "Form I.3.2"),
        ("4.1", "Form I.4.1"),
        ("5.1", "Form II.5.1"),
        ("7.2", "Form II.7.2"),
        ("war_victim", "Form III; Art. 6"),
        ("additional:r", "Art. 4"),
    ]
    assert (result.form_points, result.priority_points, result.additional_points) == (
        140 + 15 + 50 + 30 + 60,
        50,
        40,
    )
    assert result.total == 385


def test_other_categories_cite_article_6_2() -> None:
    t = tender(priority_categories={"other:returnee": 60})
    result = assess(t, application(other_categories=("other:returnee",)))
    assert result.items[-1].source == "Form III; Art. 6(2)"


SPATIAL = {
    1: ((20, 30), (20, 45)),
    2: ((30, 45), (30, 55)),
    3: ((45, 55), (45, 70)),
    4: ((55, 65), (55, 82)),
    5: ((65, 75), (65, 95)),
    6: ((75, 85), (75, 105)),
    7: ((81, 91), (81, 111)),
    8: ((87, 97), (87, 117)),
    9: ((93, 103), (93, 123)),
}


@pytest.mark.parametrize("n", range(1, 10))
def test_spatial_standard(n: int) -> None:
    members = [member()] + [child(date(2015, 1, 1)) for _ in range(n - 1)]
    standard = assess(tender(), application(*members)).spatial_standard
    assert (standard.without_own_share, standard.with_own_share) == SPATIAL[n]


@pytest.mark.parametrize(
    ("income", "percent"),
    [
        ("0.05", "0.01"),
        ("0.04", "0.00"),
        ("0.15", "0.02"),
        ("1234.56", "123.46"),
        ("0.00", "0.00"),
    ],
)
def test_income_percent_rounds_half_up(income: str, percent: str) -> None:
    # With a salary of 1000.00 the percentage of EUR x is x / 10: 0.05 -> 0.005 %.
    result = assess(tender(), application(member(monthly_income=income)))
    assert result.income_percent == Decimal(percent)
    assert str(result.income_percent) == percent


def test_reference_date_is_the_publication_date() -> None:
    kid = child(date(2007, 9, 16))
    assert "5.1" in codes(tender(published_on=PUBLISHED), application(member(), kid))
    later = tender(published_on=date(2025, 9, 16))
    assert "5.1" not in codes(later, application(member(), kid))


def test_assessments_are_frozen_and_equal_to_plainly_built_ones() -> None:
    from dataclasses import FrozenInstanceError, fields

    from scoring.engine import Assessment

    result = assess(tender(), application(member(), child(date(2015, 1, 1))))
    with pytest.raises(FrozenInstanceError):
        result.total = 1  # type: ignore[misc]
    plain = Assessment(**{f.name: getattr(result, f.name) for f in fields(Assessment)})
    assert plain == result
    assert hash(plain) == hash(result)
