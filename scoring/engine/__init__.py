"""The scoring engine: pure Python, no Django, no database.

Public API::

    from scoring.engine import assess, rank, TenderRules, ApplicationFacts, Member

    assessment = assess(tender, application)   # one application -> Assessment
    ranking = rank(tender, applications)       # many -> Ranking (priority lists)

Both check every fact first and raise :class:`InvalidFacts` listing every invalid or
missing one (house style: refuse to guess). The numbers of the Rules come from the
tender's edition (:data:`EDITIONS`); a tender may override the point value
(``TenderRules.point_value``). See ``docs/scoring.md``.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from operator import attrgetter
from types import MappingProxyType

from scoring.engine.editions import EDITIONS, Edition
from scoring.engine.eligibility import exempt_from_own_share, ineligibilities
from scoring.engine.facts import (
    ApplicationFacts,
    Error,
    InvalidFacts,
    Member,
    PointValue,
    TenderContext,
    TenderRules,
    application_errors,
    duplicate_code_errors,
    summarise,
    tender_errors,
)
from scoring.engine.points import additional_lines, category_lines, form_lines
from scoring.engine.ranking import priority_lists
from scoring.engine.result import (
    Assessment,
    Ineligibility,
    RankedEntry,
    Ranking,
    ScoreLine,
    SpatialStandard,
    build,
)

__all__ = [
    "EDITIONS",
    "ApplicationFacts",
    "Assessment",
    "Edition",
    "Ineligibility",
    "InvalidFacts",
    "Member",
    "PointValue",
    "RankedEntry",
    "Ranking",
    "ScoreLine",
    "SpatialStandard",
    "TenderRules",
    "assess",
    "rank",
]

_points = attrgetter("points")

# Amounts are bounded by validation (18 digits before the point, 2 after), so 60 digits
# keep every sum and product exact, whatever the caller's decimal context is.
_DECIMAL = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)

# The last valid tender and its prepared context: scoring many applications of one
# tender one by one checks and prepares the tender once. Tenders are frozen, so identity
# suffices.
_last: tuple[TenderRules, TenderContext] | None = None


def _prepared(tender: TenderRules, errors: list[Error]) -> TenderContext | None:
    """The tender's context, or None after adding the tender's errors to ``errors``."""
    global _last  # a one-slot cache, replaced atomically
    last = _last
    if last is not None and last[0] is tender:
        return last[1]
    found = tender_errors(tender)
    if found:
        errors.extend(found)
        return None
    context = TenderContext(tender)
    _last = (tender, context)
    return context


def assess(
    tender: TenderRules, application: ApplicationFacts, *, checked: bool = False
) -> Assessment:
    """Assess one application: eligibility (Art. 3, 5, 7), list A/B (Art. 9), the Form's
    points (sections I-II), priority categories (III, Art. 6), additional conditions
    (Art. 4), and the household's spatial standard (Art. 14).

    ``checked=True`` skips checking the application again, for facts that
    :func:`scoring.engine.jsonio.read_assess` has just checked (the command line); the
    tender is still checked, once per tender object.

    :raises InvalidFacts: listing every invalid or missing fact of the tender and the
        application, with paths like ``application.members[1].birth_date``.
    """
    with decimal.localcontext(_DECIMAL):
        errors: list[Error] = []
        context = _prepared(tender, errors)
        if not checked:
            errors.extend(application_errors(tender, application))
        if errors or context is None:
            raise InvalidFacts(errors)
        return _assess(context, application)


def rank(
    tender: TenderRules,
    applications: Sequence[ApplicationFacts],
    *,
    checked: bool = False,
) -> Ranking:
    """Assess every application and rank the eligible ones into priority lists (Art.
    23).

    The ranking rule (total, then the tender's tie-break chain, then shared ranks in
    code order) is spelled out in :mod:`scoring.engine.ranking`.

    ``checked=True`` skips checking the applications again, for facts that
    :func:`scoring.engine.jsonio.read_rank` has just checked.

    :raises InvalidFacts: listing every invalid or missing fact, with paths like
        ``applications[3].members[0].sex``; a code used twice is an error at the second
        ``applications[i].code``.
    """
    with decimal.localcontext(_DECIMAL):
        errors: list[Error] = []
        context = _prepared(tender, errors)
        if not checked:
            for i, application in enumerate(applications):
                path = f"applications[{i}]"
                errors.extend(application_errors(tender, application, path))
            errors.extend(duplicate_code_errors(applications))
        if errors or context is None:
            raise InvalidFacts(errors)
        assessments = [_assess(context, application) for application in applications]
    lists, ineligible = priority_lists(
        assessments, tie_break=tender.tie_break, separate_lists=tender.separate_lists
    )
    return Ranking(
        lists=MappingProxyType(lists),
        ineligible=ineligible,
        assessments=MappingProxyType({a.code: a for a in assessments}),
    )


def _assess(context: TenderContext, application: ApplicationFacts) -> Assessment:
    """Assess a valid application against a prepared tender."""
    household = summarise(context, application)
    numbers = context.for_size(household.size)
    reasons = ineligibilities(context, application, household, numbers)
    form = form_lines(context, application, household, numbers)
    categories = category_lines(context, application, household)
    additional = additional_lines(context, application)
    form_points = sum(map(_points, form))
    priority_points = sum(map(_points, categories))
    additional_points = sum(map(_points, additional))
    income = household.income
    # Round half up to hundredths of a percent, exactly: q = floor(100 I / S + 1/2) in
    # hundredths, with I and S in cents (eligibility never uses this rounded value).
    income_cents = int(income * 100)
    salary_cents = context.salary_cents
    hundredths = (income_cents * 20000 + salary_cents) // (2 * salary_cents)
    return build(
        Assessment,
        {
            "code": application.code,
            "edition": context.edition.id,
            "point_value": context.point_value,
            "eligible": not reasons,
            "ineligible_reasons": reasons,
            "list": "A" if exempt_from_own_share(household, numbers) else "B",
            "household_size": household.size,
            "household_monthly_income": income,
            "income_percent": decimal.Decimal(hundredths).scaleb(-2),
            "income_limit_percent": numbers.income_limit_percent,
            "exemption_limit_percent": numbers.exemption_percent,
            "property_limit": numbers.property_limit,
            "items": (*form, *categories, *additional),
            "form_points": form_points,
            "priority_points": priority_points,
            "additional_points": additional_points,
            "total": form_points + priority_points + additional_points,
            "spatial_standard": numbers.spatial,
        },
    )
