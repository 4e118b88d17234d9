"""General conditions (Art. 3, 5, 7) and the list A/B mark (Art. 9), boundary by
boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.engine import PointValue, assess
from scoring.engine.labels import label
from tests.scoring.engine.builders import application, child, member, tender

INCOME_LIMIT = {1: 200, 2: 250, 3: 315, 4: 370, 5: 425, 6: 470, 7: 495, 8: 520, 9: 545}
EXEMPTION = {1: 90, 2: 135, 3: 165, 4: 195, 5: 225, 6: 255, 7: 275, 8: 295, 9: 315}
# 40 % x 320 points x EUR 2.63 x the upper area with own share (Art. 14) for n members.
PROPERTY_LIMIT = {
    1: "15148.80",
    2: "18515.20",
    3: "23564.80",
    4: "27604.48",
    5: "31980.80",
    6: "35347.20",
    7: "37367.04",
    8: "39386.88",
    9: "41406.72",
}


def conditions(tender_, app) -> list[tuple[str, str]]:
    return [(r.article, r.condition) for r in assess(tender_, app).ineligible_reasons]


def household(n: int, income: str) -> tuple:
    """An applicant earning ``income`` and n - 1 children without income."""
    applicant = member(monthly_income=income)
    return (applicant, *(child(date(2015, 1, 1)) for _ in range(n - 1)))


# --- income, Art. 5 -------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 10))
def test_income_exactly_at_the_limit_is_eligible(n: int) -> None:
    limit = Decimal(INCOME_LIMIT[n]) * 10  # salary 1000.00: P % is EUR 10 x P
    result = assess(tender(), application(*household(n, f"{limit:.2f}")))
    assert result.eligible
    assert result.income_limit_percent == INCOME_LIMIT[n]
    assert result.household_size == n


@pytest.mark.parametrize("n", range(1, 10))
def test_income_one_cent_over_the_limit_is_ineligible(n: int) -> None:
    over = Decimal(INCOME_LIMIT[n]) * 10 + Decimal("0.01")
    assert conditions(tender(), application(*household(n, f"{over:.2f}"))) == [
        ("3(1)", "income")
    ]


@pytest.mark.parametrize("n", range(1, 10))
def test_income_limit_with_a_salary_in_cents_compares_exact_amounts(n: int) -> None:
    # 1445.12 x P / 100 has up to four decimals; the largest amount in cents not above
    # it is eligible and one cent more is not, whatever the rounded percentage shows.
    salary = Decimal("1445.12")
    limit = salary * INCOME_LIMIT[n] / 100
    floor = limit.quantize(Decimal("0.01"), rounding="ROUND_FLOOR")
    t = tender(average_net_salary=salary)
    assert assess(t, application(*household(n, f"{floor:.2f}"))).eligible
    above = floor + Decimal("0.01")
    assert not assess(t, application(*household(n, f"{above:.2f}"))).eligible


def test_income_just_over_the_limit_shows_a_rounded_percent_equal_to_it() -> None:
    # 2000.04 / 1000 = 200.004 % shows as "200.00" but is over the 200 % limit.
    result = assess(tender(), application(member(monthly_income="2000.04")))
    assert result.income_percent == Decimal("200.00")
    assert not result.eligible


def test_household_income_is_the_sum_of_the_members_incomes() -> None:
    app = application(
        member(monthly_income="1200.00"),
        member(role="spouse", monthly_income="1300.01", birth_date=date(1982, 5, 5)),
    )
    result = assess(tender(), app)
    assert result.household_monthly_income == Decimal("2500.01")
    assert not result.eligible  # 250 % of 1000.00 is 2500.00


# --- list A or B, Art. 9 --------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 10))
def test_exemption_limit_decides_the_list(n: int) -> None:
    limit = Decimal(EXEMPTION[n]) * 10
    at = assess(tender(), application(*household(n, f"{limit:.2f}")))
    over = assess(
        tender(), application(*household(n, f"{limit + Decimal('0.01'):.2f}"))
    )
    assert (at.list, over.list) == ("A", "B")
    assert at.exemption_limit_percent == EXEMPTION[n]


def test_the_list_is_computed_for_ineligible_applications_too() -> None:
    app = application(member(monthly_income="500.00"), lost_housing_right_by_court=True)
    result = assess(tender(), app)
    assert not result.eligible
    assert result.list == "A"


# --- property, Art. 3(1) indent 4 -----------------------------------------------------


@pytest.mark.parametrize("n", range(1, 10))
def test_property_exactly_at_the_limit_is_eligible(n: int) -> None:
    members = list(household(n, "500.00"))
    members[0] = member(monthly_income="500.00", other_property_value=PROPERTY_LIMIT[n])
    result = assess(tender(), application(*members))
    assert result.property_limit == Decimal(PROPERTY_LIMIT[n])
    assert result.eligible


@pytest.mark.parametrize("n", range(1, 10))
def test_property_one_cent_over_the_limit_is_ineligible(n: int) -> None:
    over = Decimal(PROPERTY_LIMIT[n]) + Decimal("0.01")
    members = list(household(n, "500.00"))
    members[0] = member(monthly_income="500.00", other_property_value=over)
    assert conditions(tender(), application(*members)) == [("3(1)", "property")]


def _spouse(**overrides) -> object:
    values = {
        "role": "spouse",
        "birth_date": date(1981, 1, 1),
        "monthly_income": "0.00",
    }
    return member(**{**values, **overrides})


@pytest.mark.parametrize(
    ("mine", "spouses", "eligible"),
    [
        ("9257.60", "9257.60", True),  # 18,515.20 together: exactly the n = 2 limit
        ("9257.60", "9257.61", False),  # a cent over, though each is far under it
        ("0.00", "18515.20", True),
        ("18515.21", "0.00", False),
    ],
)
def test_property_is_the_households_together(
    mine: str, spouses: str, eligible: bool
) -> None:
    app = application(
        member(other_property_value=mine), _spouse(other_property_value=spouses)
    )
    assert (("3(1)", "property") not in conditions(tender(), app)) is eligible


@pytest.mark.parametrize(
    ("business", "other", "eligible"),
    [
        ("37872.00", "15148.80", True),  # n = 1: dwelling value 37,872.00 left out
        ("37872.01", "15148.80", False),  # a cent above it counts
        ("37872.00", "15148.81", False),
        ("53020.80", "0.00", True),  # 15,148.80 above the dwelling value: the limit
        ("53020.81", "0.00", False),
    ],
)
def test_business_property_counts_only_above_the_dwelling_value(
    business: str, other: str, eligible: bool
) -> None:
    app = application(
        member(business_property_value=Decimal(business), other_property_value=other)
    )
    assert (("3(1)", "property") not in conditions(tender(), app)) is eligible


def test_business_property_of_the_household_is_added_up() -> None:
    # 2 x 20,000 = 40,000; n = 2: dwelling value 46,288.00, so nothing counts; but
    # 2 x 32,401.60 = 64,803.20 is 18,515.20 above it: exactly the limit.
    def app(each: str):
        return application(
            member(business_property_value=Decimal(each)),
            _spouse(business_property_value=Decimal(each)),
        )

    assert conditions(tender(), app("20000.00")) == []
    assert conditions(tender(), app("32401.60")) == []
    assert conditions(tender(), app("32401.61")) == [("3(1)", "property")]


@pytest.mark.parametrize(
    ("income", "aids", "eligible", "shown"),
    [
        ("2100.00", "100.00", True, "2000.00"),  # n = 1: limit 200 % of 1,000.00
        ("2100.00", "99.99", False, "2000.01"),
        ("2000.00", "0.00", True, "2000.00"),
        ("50.00", "80.00", True, "0.00"),  # never below zero
    ],
)
def test_disability_aids_are_deducted_from_household_income(
    income: str, aids: str, eligible: bool, shown: str
) -> None:
    app = application(
        member(monthly_income=income), disability_aids_monthly=Decimal(aids)
    )
    result = assess(tender(), app)
    assert (("3(1)", "income") not in conditions(tender(), app)) is eligible
    assert result.household_monthly_income == Decimal(shown)


@pytest.mark.parametrize(
    ("status", "applicant_tenant", "spouse_tenant", "eligible"),
    [
        ("1.5", True, False, True),  # Art. 3(4): the denationalised dwelling's tenant
        ("1.4", True, False, False),
        ("1.5", False, True, False),  # another member's tenancy still excludes
        ("1.5", False, False, True),
    ],
)
def test_status_1_5_tenancy_does_not_exclude_the_applicant(
    status: str, applicant_tenant: bool, spouse_tenant: bool, eligible: bool
) -> None:
    app = application(
        member(nonprofit_tenant=applicant_tenant),
        _spouse(nonprofit_tenant=spouse_tenant),
        housing_status=status,
    )
    assert (("3(1)", "other_dwelling") not in conditions(tender(), app)) is eligible


@pytest.mark.parametrize(
    ("victim", "unusable", "eligible"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_a_victims_unusable_co_owned_dwelling_does_not_exclude(
    victim: bool, unusable: bool, eligible: bool
) -> None:
    app = application(
        member(owns_dwelling=True),
        domestic_violence_victim=victim,
        violence_co_ownership_unusable=unusable,
    )
    assert (("3(1)", "other_dwelling") not in conditions(tender(), app)) is eligible


def test_the_exception_covers_only_the_applicants_ownership() -> None:
    app = application(
        member(),
        _spouse(owns_dwelling=True),
        domestic_violence_victim=True,
        violence_co_ownership_unusable=True,
    )
    assert conditions(tender(), app) == [("3(1)", "other_dwelling")]


@pytest.mark.parametrize(
    ("residence", "eligible"),
    [
        (" ig ", True),
        ("IG", True),
        ("Škofljica", True),
        ("Kranj", False),
        ("Igg", False),
    ],
)
def test_an_area_of_several_municipalities(residence: str, eligible: bool) -> None:
    t = tender(area=("Ljubljana", "Ig", "Škofljica"))
    app = application(member(permanent_residence=residence))
    assert (("3(1)", "residence") not in conditions(t, app)) is eligible


def test_a_tender_point_value_changes_the_property_limit() -> None:
    dated = PointValue(Decimal("3.00"), date(2025, 1, 1))
    t = tender(point_value=dated)
    # 40 % x 320 x 3.00 x 45 = 17,280.00
    at = assess(t, application(member(other_property_value="17280.00")))
    assert at.property_limit == Decimal("17280.00")
    assert at.point_value == Decimal("3.00")
    assert at.eligible
    over = application(member(other_property_value="17280.01"))
    assert conditions(t, over) == [("3(1)", "property")]
    # Over the edition's limit (15,148.80), within the tender's.
    assert assess(t, application(member(other_property_value="15148.81"))).eligible
    assert not assess(
        tender(), application(member(other_property_value="15148.81"))
    ).eligible


def test_the_edition_point_value_is_used_without_an_override() -> None:
    result = assess(tender(), application())
    assert result.point_value == Decimal("2.63")
    assert result.edition == "SI-2004"


# --- citizenship, Art. 3(1) indent 1 --------------------------------------------------


@pytest.mark.parametrize(
    ("admitted", "citizenship", "ok"),
    [
        (("SI", "EU"), "SI", True),
        (("SI", "EU"), "DE", True),
        (("SI", "EU"), "HR", True),
        (("EU",), "SI", True),  # Slovenia is an EU member state
        (("SI", "EU"), "GB", False),  # not since 2020
        (("SI", "EU"), "US", False),
        (("SI", "EU"), "IP", False),  # international protection only where listed
        (("SI", "EU", "IP"), "IP", True),
        (("SI",), "DE", False),
        (("SI", "BA"), "BA", True),
    ],
)
def test_citizenship(admitted: tuple[str, ...], citizenship: str, ok: bool) -> None:
    t = tender(admitted_citizenships=admitted)
    result = conditions(t, application(member(citizenship=citizenship)))
    assert result == ([] if ok else [("3(1)", "citizenship")])


def test_only_the_applicants_citizenship_counts() -> None:
    spouse = member(role="spouse", citizenship="US", birth_date=date(1981, 1, 1))
    assert assess(tender(), application(member(), spouse)).eligible


# --- permanent residence, Art. 3(1) indent 2, 3(2), 3(3) ------------------------------


@pytest.mark.parametrize(
    ("residence", "flags", "ok"),
    [
        ("Kranj", {}, True),
        ("  kRANJ ", {}, True),  # spaces around and case do not matter
        ("Jesenice", {}, False),
        ("Kranjska Gora", {}, False),
        ("Jesenice", {"wheelchair_user": True}, True),  # Art. 3(3)
        ("Jesenice", {"needs_permanent_assistance": True}, True),  # Art. 3(3)
        ("Jesenice", {"disability": True}, False),  # disability alone is not 3(3)
    ],
)
def test_residence(residence: str, flags: dict[str, bool], ok: bool) -> None:
    app = application(member(permanent_residence=residence, **flags))
    assert conditions(tender(), app) == ([] if ok else [("3(1)", "residence")])


@pytest.mark.parametrize(
    ("victim", "shelter", "ok"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_residence_exception_for_domestic_violence(
    victim: bool, shelter: bool, ok: bool
) -> None:
    app = application(
        member(permanent_residence="Jesenice", sex="F"),
        domestic_violence_victim=victim,
        temporary_residence_in_shelter=shelter,
    )
    assert conditions(tender(), app) == ([] if ok else [("3(1)", "residence")])


def test_residence_exception_for_domestic_violence_does_not_ask_the_sex() -> None:
    # scoring.md states Art. 3(2) without a condition on sex; we follow it.
    app = application(
        member(permanent_residence="Jesenice", sex="M"),
        domestic_violence_victim=True,
        temporary_residence_in_shelter=True,
    )
    assert assess(tender(), app).eligible


def test_a_wheelchair_user_other_than_the_applicant_is_no_exception() -> None:
    wheelchair_child = child(date(2015, 1, 1), wheelchair_user=True)
    app = application(member(permanent_residence="Jesenice"), wheelchair_child)
    assert conditions(tender(), app) == [("3(1)", "residence")]


# --- other dwelling, Art. 3(1) indent 3; court loss, Art. 7 ---------------------------


@pytest.mark.parametrize("flag", ["owns_dwelling", "nonprofit_tenant"])
@pytest.mark.parametrize("who", ["applicant", "child"])
def test_other_dwelling_of_any_member(flag: str, who: str) -> None:
    if who == "applicant":
        app = application(member(**{flag: True}))
    else:
        app = application(member(), child(date(2015, 1, 1), **{flag: True}))
    assert conditions(tender(), app) == [("3(1)", "other_dwelling")]


def test_court_loss_excludes() -> None:
    app = application(lost_housing_right_by_court=True)
    assert conditions(tender(), app) == [("7", "court_loss")]


# --- every reason, in order -----------------------------------------------------------


def test_every_failed_condition_is_reported_in_article_order() -> None:
    app = application(
        member(
            citizenship="US",
            permanent_residence="Jesenice",
            owns_dwelling=True,
            other_property_value="15148.81",
            monthly_income="2000.01",
        ),
        lost_housing_right_by_court=True,
    )
    result = assess(tender(), app)
    assert not result.eligible
    assert [(r.article, r.condition) for r in result.ineligible_reasons] == [
        ("3(1)", "citizenship"),
        ("3(1)", "residence"),
        ("3(1)", "other_dwelling"),
        ("3(1)", "property"),
        ("3(1)", "income"),
        ("7", "court_loss"),
    ]
    for reason in result.ineligible_reasons:
        assert reason.message == label(reason.condition, "en")[1]


def test_an_ineligible_application_is_still_scored() -> None:
    result = assess(tender(), application(member(citizenship="US")))
    assert not result.eligible
    assert result.total == 120  # status 1.4
