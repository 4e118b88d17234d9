"""Derived facts: a valid tender prepared for scoring, and one household summarised.

Both are computed from facts that :mod:`scoring.engine.checks` has found valid, once
per tender (:class:`TenderContext`) and once per application (:func:`summarise`), so
that eligibility and points read comparisons, not tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from scoring.engine.editions import EDITIONS, Edition
from scoring.engine.facts import ApplicationFacts, Member, TenderRules
from scoring.engine.result import SpatialStandard

_ZERO = Decimal("0.00")


def birthday(born: date, years: int) -> date:
    """The day ``born`` turns ``years`` old; a 29 February birthday falls on 1 March in
    a common year (the person has not yet completed the year on 28 February)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year
        return date(born.year + years, 3, 1)


def _last_birth_date(reference: date, years: int, *, strictly_before: bool) -> date:
    """The latest birth date whose ``years``-th birthday is on or before ``reference``
    (or strictly before it). Birthdays are monotone in the birth date and shift it by
    ``years`` years give or take a day, so the answer lies within a few days of the
    plain shift."""
    year = reference.year - years
    day = min(reference.day, 28) if reference.month == 2 else reference.day
    anchor = date(year, reference.month, day)
    best = None
    for offset in range(-4, 5):
        candidate = date.fromordinal(anchor.toordinal() + offset)
        turns = birthday(candidate, years)
        if turns < reference or (not strictly_before and turns == reference):
            best = candidate
    if best is None:  # pragma: no cover - impossible by the monotonicity above
        raise AssertionError("no birth date found")
    return best


def residence_key(place: str) -> str:
    """Places compare trimmed and case-folded (Art. 3(1) indent 2)."""
    return place.strip().casefold()


@dataclass(frozen=True, slots=True)
class NumbersForSize:
    """The tender's limits for a household of one size (Art. 3(1), 5, 9, 14)."""

    income_limit_percent: int
    exemption_percent: int
    #: EUR per month: ``income_limit_percent`` % of the average net salary.
    income_limit: Decimal
    #: EUR per month: ``exemption_percent`` % of the average net salary.
    exemption_limit: Decimal
    #: EUR: 320 points x point value x upper area with own share (note to Art. 3).
    dwelling_value: Decimal
    #: EUR: 40 % of ``dwelling_value``.
    property_limit: Decimal
    spatial: SpatialStandard
    #: Form item 3 for this size: (largest area in m2, item), e.g. ((4n, "3.1"), ...).
    crowding: tuple[tuple[Decimal, str], ...]


class TenderContext:
    """A valid tender prepared for scoring: its edition, reference dates and limits.

    - Minor: the 18th birthday falls after the reference date (``published_on``); on the
      birthday itself the member is no longer a minor. Precomputed as "born after
      ``minor_born_after``".
    - Over 65: the 65th birthday falls before the reference date; on the birthday itself
      the member is not yet over 65. Precomputed as "born on or before
      ``over_65_born_by``".
    """

    def __init__(self, tender: TenderRules) -> None:
        edition: Edition = EDITIONS[tender.rules]
        self.tender = tender
        self.edition = edition
        self.reference = tender.published_on
        self.salary = tender.average_net_salary
        self.salary_cents = int(tender.average_net_salary * 100)
        self.point_value = (
            tender.point_value.eur
            if tender.point_value is not None
            else edition.point_value_eur
        )
        area = (tender.area,) if isinstance(tender.area, str) else tender.area
        self.area_keys = frozenset(map(residence_key, area))
        admitted: set[str] = set()
        for code in tender.admitted_citizenships:
            if code == "EU":
                admitted.update(edition.eu_member_states)
            else:
                admitted.add(code)
        self.admitted = frozenset(admitted)
        self.minor_born_after = _last_birth_date(
            self.reference, edition.minor_age, strictly_before=False
        )
        self.over_65_born_by = _last_birth_date(
            self.reference, edition.over_65_age, strictly_before=True
        )
        self.long_service_years = {
            sex: Decimal(years) for sex, years in edition.long_service_years
        }
        self._by_size: dict[int, NumbersForSize] = {}
        #: Per-tender tables other modules build once (e.g. the category lines).
        self.memo: dict[str, Any] = {}

    def for_size(self, n: int) -> NumbersForSize:
        """The limits for a household of ``n`` members (cached per tender)."""
        numbers = self._by_size.get(n)
        if numbers is None:
            numbers = self._by_size[n] = self._numbers(n)
        return numbers

    def _numbers(self, n: int) -> NumbersForSize:
        edition = self.edition
        limit_percent = edition.income_limit_percent_for(n)
        exemption_percent = edition.exemption_percent_for(n)
        without, with_share = edition.spatial_standard_for(n)
        # Exact: the salary and the point value have at most two decimals.
        dwelling_value = (
            edition.appropriate_dwelling_points * self.point_value * with_share[1]
        )
        return NumbersForSize(
            income_limit_percent=limit_percent,
            exemption_percent=exemption_percent,
            income_limit=self.salary * limit_percent / 100,
            exemption_limit=self.salary * exemption_percent / 100,
            dwelling_value=dwelling_value,
            property_limit=dwelling_value * edition.property_limit_percent / 100,
            spatial=SpatialStandard(
                without_own_share=without, with_own_share=with_share
            ),
            crowding=tuple(
                (Decimal(bound * n), item) for bound, item in edition.crowding_bands
            ),
        )


@dataclass(slots=True)
class Household:
    """What the eligibility checks, the points and the sub-lists need from the members,
    read in one pass."""

    size: int  # n: members only; a pregnancy is not a member (Art. 3(1))
    applicant: Member
    #: Sum of the members' average monthly net incomes less the disability aids
    #: (Art. 5; note to Art. 3), never below zero.
    income: Decimal
    minors: int  # members under 18 on the reference date (without a pregnancy)
    has_child: bool  # a member with role "child", of any age (young family)
    oldest_parent_birth_year: int  # among applicant, spouse and partner (young family)
    wheelchair_user: bool  # some member depends on a wheelchair (item 4.1, sub-list)
    deaf_or_blind: bool  # some member is deaf or blind (sub-list)
    other_member_over_65: bool  # a member besides the applicant is over 65 (5.2)
    employed: int  # employed members (few employed)
    disabled_without_care: bool  # a member with a disability and no institutional care
    other_dwelling: bool  # Art. 3(1) indent 3, with the exceptions of decisions.md
    other_property: Decimal  # every member's other property, added up
    business_property: Decimal  # every member's business premises and equipment


def summarise(context: TenderContext, application: ApplicationFacts) -> Household:
    """Summarise the members of a valid application against the tender's reference
    date (see :class:`Household` for what each field means)."""
    a = application
    minor_after = context.minor_born_after
    over_65_by = context.over_65_born_by
    applicant = a.members[0]
    income = _ZERO
    minors = 0
    has_child = False
    oldest_parent = 10**6
    wheelchair = deaf_or_blind = other_over_65 = disabled = other_dwelling = False
    employed = 0
    other_property = business_property = _ZERO
    # Art. 3(4): status 1.5 is a non-profit tenancy for an indefinite period that does
    # not exclude its tenant; note to Art. 3: a victim's co-owned dwelling she or he
    # cannot use because of the violence does not exclude either.
    denationalised = a.housing_status == context.edition.status_denationalised
    unusable = a.domestic_violence_victim and a.violence_co_ownership_unusable
    for m in a.members:
        born = m.birth_date
        role = m.role
        income += m.monthly_income
        if born > minor_after:
            minors += 1
        if role == "child":
            has_child = True
        if role == "applicant":
            applicant = m
            if (m.owns_dwelling and not unusable) or (
                m.nonprofit_tenant and not denationalised
            ):
                other_dwelling = True
        else:
            if born <= over_65_by:
                other_over_65 = True
            if m.owns_dwelling or m.nonprofit_tenant:
                other_dwelling = True
        if (role == "applicant" or role == "spouse" or role == "partner") and (
            born.year < oldest_parent
        ):
            oldest_parent = born.year
        if m.wheelchair_user:
            wheelchair = True
        if m.deaf_or_blind:
            deaf_or_blind = True
        if m.employed:
            employed += 1
        if m.disability and not m.institutional_care:
            disabled = True
        other_property += m.other_property_value
        business_property += m.business_property_value
    income -= a.disability_aids_monthly
    return Household(
        size=len(a.members),
        applicant=applicant,
        income=income if income > 0 else _ZERO,
        minors=minors,
        has_child=has_child,
        oldest_parent_birth_year=oldest_parent,
        wheelchair_user=wheelchair,
        deaf_or_blind=deaf_or_blind,
        other_member_over_65=other_over_65,
        employed=employed,
        disabled_without_care=disabled,
        other_dwelling=other_dwelling,
        other_property=other_property,
        business_property=business_property,
    )
