"""The general conditions (Art. 3, 5, 7) and the list A/B mark (Art. 9).

Every failed condition is reported, in article order, never just the first: an
ineligible applicant is told everything that stands in the way.
"""

from __future__ import annotations

from decimal import Decimal

from scoring.engine.facts import ApplicationFacts
from scoring.engine.household import (
    Household,
    NumbersForSize,
    TenderContext,
    residence_key,
)
from scoring.engine.labels import label
from scoring.engine.result import Ineligibility

CONDITIONS = (
    ("3(1)", "citizenship"),
    ("3(1)", "residence"),
    ("3(1)", "other_dwelling"),
    ("3(1)", "property"),
    ("3(1)", "income"),
    ("7", "court_loss"),
)
"""(article, condition) of every general condition, in the order they are reported."""

_REASONS = {
    condition: Ineligibility(article, condition, label(condition, "en")[1])
    for article, condition in CONDITIONS
}


def citizenship_admitted(context: TenderContext, citizenship: str) -> bool:
    """Art. 3(1) indent 1: the applicant's citizenship is one the tender admits.

    ``EU`` in the tender admits the 27 member states (Slovenia included, Housing Act
    Art. 160); ``IP`` (international protection) is admitted only where the tender lists
    it.
    """
    return citizenship in context.admitted


def residence_in_area(
    context: TenderContext, application: ApplicationFacts, household: Household
) -> bool:
    """Art. 3(1) indent 2 with its exceptions in Art. 3(2) and 3(3).

    The applicant's permanent residence names one of the municipalities of the tender's
    area (compared without surrounding spaces and case-folded), or the applicant is a
    domestic-violence victim, of any sex, with temporary residence in a maternity home,
    shelter, safe house, place of refuge or centre for victims of crime (Art. 3(2);
    ``temporary_residence_in_shelter`` means one in the area), or the applicant depends on a wheelchair or on another
    person's permanent assistance (Art. 3(3): may apply anywhere).
    """
    applicant = household.applicant
    if residence_key(applicant.permanent_residence) in context.area_keys:
        return True
    if (
        application.domestic_violence_victim
        and application.temporary_residence_in_shelter
    ):
        return True
    return applicant.wheelchair_user or applicant.needs_permanent_assistance


def counted_property(household: Household, numbers: NumbersForSize) -> Decimal:
    """Art. 3(1) indent 4 and the note to Art. 3: the household's other property, all
    members' together, plus the part of their business premises and equipment (with
    which they earn a living) above the value of an appropriate dwelling."""
    above = household.business_property - numbers.dwelling_value
    return household.other_property + (above if above > 0 else 0)


def within_income_limit(household: Household, numbers: NumbersForSize) -> bool:
    """Art. 5: household income at most the limit % of the average net salary.

    Exact amounts are compared (never the rounded percentage); the limit itself is
    eligible.
    """
    return household.income <= numbers.income_limit


def exempt_from_own_share(household: Household, numbers: NumbersForSize) -> bool:
    """Art. 9: income at most the exemption % of the salary: list A, otherwise B."""
    return household.income <= numbers.exemption_limit


def ineligibilities(
    context: TenderContext,
    application: ApplicationFacts,
    household: Household,
    numbers: NumbersForSize,
) -> tuple[Ineligibility, ...]:
    """Every failed general condition, in article order (empty when eligible).

    - ``3(1) citizenship``: :func:`citizenship_admitted`.
    - ``3(1) residence``: :func:`residence_in_area`.
    - ``3(1) other_dwelling``: a member owns or co-owns a dwelling or residential
      building, or rents non-profit housing for an indefinite period (indent 3); not
      the applicant's tenancy in status 1.5 (Art. 3(4)), nor a victim's co-owned
      dwelling that cannot be used because of the violence (note to Art. 3).
    - ``3(1) property``: :func:`counted_property` is *more than* 40 % of an
      appropriate dwelling (indent 4 and its note; exactly the limit passes).
    - ``3(1) income``: :func:`within_income_limit` fails (indent 5 with Art. 5).
    - ``7 court_loss``: the applicant lost a housing right or a tenancy by a court's
      decision.
    """
    reasons: list[Ineligibility] = []
    if not citizenship_admitted(context, household.applicant.citizenship):
        reasons.append(_REASONS["citizenship"])
    if not residence_in_area(context, application, household):
        reasons.append(_REASONS["residence"])
    if household.other_dwelling:
        reasons.append(_REASONS["other_dwelling"])
    if counted_property(household, numbers) > numbers.property_limit:
        reasons.append(_REASONS["property"])
    if not within_income_limit(household, numbers):
        reasons.append(_REASONS["income"])
    if application.lost_housing_right_by_court:
        reasons.append(_REASONS["court_loss"])
    return tuple(reasons)
