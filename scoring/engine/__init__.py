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
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from types import MappingProxyType

from scoring.engine.editions import EDITIONS, Edition
from scoring.engine.eligibility import exempt_from_own_share, ineligibilities
from scoring.engine.facts import (
    ApplicationFacts,
    Error,
    Household,
    InvalidFacts,
    Member,
    PointValue,
    TenderContext,
    TenderRules,
    application_errors,
    application_own_errors,
    duplicate_code_errors,
    summarise,
    tender_errors,
)
from scoring.engine.points import additional_lines, category_lines, form_lines
from scoring.engine.ranking import LIST_ALL, Keyed, keyed, list_names, rank_keyed
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


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during one bulk ranking.

    Ranking 100,000 applications keeps about a million small objects alive, and every
    full pass of the cyclic collector walks all of them: two passes cost 0.8 s of a 5 to
    8 s ranking on the benchmark machine. The engine creates no reference cycles, so
    reference counting frees all its garbage anyway; the collector is switched back on
    (if it was on) when the ranking ends, normally or not.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        household = None
        if not checked:
            household = _checked_household(
                context, tender, application, "application", errors
            )
        if errors or context is None:
            raise InvalidFacts(errors)
        return _assess(context, application, household)


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
    # One pass: each application is checked and, while no error is found, assessed and
    # keyed at once, so its objects are read while they are still in the CPU's caches.
    with decimal.localcontext(_DECIMAL), _cyclic_gc_paused():
        errors: list[Error] = []
        context = _prepared(tender, errors)
        separate = context is not None and context.tender.separate_lists
        tie_break = context.tender.tie_break if context is not None else ()
        by_list: dict[str, list[Keyed]] = {name: [] for name in list_names(separate)}
        assessments: dict[str, Assessment] = {}
        ineligible: list[str] = []
        for i, application in enumerate(applications):
            household = None
            if not checked:
                path = f"applications[{i}]"
                household = _checked_household(
                    context, tender, application, path, errors
                )
                if household is None:
                    continue
            if errors or context is None:
                continue  # still checking the rest, no longer assessing
            assessment = _assess(context, application, household)
            assessments[assessment.code] = assessment
            if assessment.eligible:
                name = assessment.list if separate else LIST_ALL
                by_list[name].append(keyed(assessment, tie_break))
            else:
                ineligible.append(assessment.code)
        if not checked:
            errors.extend(duplicate_code_errors(applications))
        if errors or context is None:
            raise InvalidFacts(errors)
    return Ranking(
        lists=MappingProxyType({name: rank_keyed(k) for name, k in by_list.items()}),
        ineligible=tuple(sorted(ineligible)),
        assessments=MappingProxyType(assessments),
    )


def _checked_household(
    context: TenderContext | None,
    tender: TenderRules,
    application: ApplicationFacts,
    path: str,
    errors: list[Error],
) -> Household | None:
    """Check an application (adding its errors to ``errors``) and, when it and the
    tender are valid, summarise its household in the same pass over the members."""
    if context is not None and not application_own_errors(tender, application, path):
        household = summarise(context, application, check=True)
        if household is not None:
            return household
    found = application_errors(tender, application, path)
    if found:
        errors.extend(found)
        return None
    if context is None:
        return None
    # The worded checks are the authority: a valid application the fast path refused
    # (which the tests say cannot happen) is still assessed.
    return summarise(context, application)


def _assess(
    context: TenderContext,
    application: ApplicationFacts,
    household: Household | None = None,
) -> Assessment:
    """Assess a valid application against a prepared tender."""
    if household is None:
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
