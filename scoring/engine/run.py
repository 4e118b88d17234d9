"""Scoring valid facts: one application assessed, many ranked into lists and sub-lists.

Everything here expects facts that :mod:`scoring.engine.checks` has found valid; the
public :func:`scoring.engine.assess` and :func:`scoring.engine.rank` check them first,
and the command line through :mod:`scoring.engine.jsonio`, which checks what it reads.
"""

from __future__ import annotations

import decimal
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from types import MappingProxyType

from scoring.engine.checks import (
    DECIMAL_CONTEXT,
    LIST_ALL,
    list_names,
    tender_problems,
)
from scoring.engine.eligibility import exempt_from_own_share, ineligibilities
from scoring.engine.facts import (
    ApplicationFacts,
    InvalidFacts,
    Problem,
    SubList,
    TenderRules,
)
from scoring.engine.household import Household, TenderContext, summarise
from scoring.engine.points import (
    additional_lines,
    category_lines,
    category_test,
    form_lines,
)
from scoring.engine.ranking import Keyed, assign, rank_keyed, sub_list_results
from scoring.engine.result import Assessment, Ranking

# The last tender found valid and prepared: scoring many applications of one tender one
# by one (the command line's --jsonl, a form assessing one application at a time)
# checks and prepares the tender once. Tenders are frozen, so identity suffices. See
# docs/performance.md for what it buys.
_last: tuple[TenderRules, TenderContext] | None = None
_points = attrgetter("points")


def checked(tender: TenderRules) -> tuple[TenderContext | None, list[Problem]]:
    """The tender's prepared context and no problems, or None and its problems."""
    global _last  # a one-slot cache, replaced atomically
    last = _last
    if last is not None and last[0] is tender:
        return last[1], []
    problems = tender_problems(tender)
    if problems:
        return None, problems
    context = TenderContext(tender)
    _last = (tender, context)
    return context, []


def prepare(tender: TenderRules) -> TenderContext:
    """The prepared context of a tender :mod:`scoring.engine.jsonio` has checked."""
    context, problems = checked(tender)
    if context is None:
        raise InvalidFacts(problems)
    return context


def assess_valid(context: TenderContext, application: ApplicationFacts) -> Assessment:
    """Assess a valid application against a prepared tender."""
    with decimal.localcontext(DECIMAL_CONTEXT):
        return _assess(context, application, summarise(context, application))


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during one bulk ranking.

    Ranking 100,000 applications keeps about a million small objects alive, and every
    full pass of the collector walks all of them (docs/performance.md says what that
    costs). The engine creates no reference cycles, so reference counting frees all its
    garbage anyway; the collector is switched back on (if it was on) at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rank_valid(
    context: TenderContext, applications: Sequence[ApplicationFacts]
) -> Ranking:
    """Assess valid applications (with unique codes) and rank the eligible ones into
    the tender's lists and sub-lists (:mod:`scoring.engine.ranking`)."""
    tender = context.tender
    separate = tender.separate_lists
    chain = [category_test(code) for code in tender.tie_break]
    sub_lists = tender.sub_lists
    by_list: dict[str, list[Keyed]] = {name: [] for name in list_names(separate)}
    subs_of: dict[str, tuple[SubList, ...]] = {
        name: tuple(s for s in tender.sub_lists if s.list == name) for name in by_list
    }
    by_sub: dict[str, list[Keyed]] = {s.code: [] for s in tender.sub_lists}
    assessments: dict[str, Assessment] = {}
    ineligible: list[str] = []
    unassigned: list[str] = []
    with decimal.localcontext(DECIMAL_CONTEXT), cyclic_gc_paused():
        for application in applications:
            household = summarise(context, application)
            assessment = _assess(context, application, household)
            code = assessment.code
            assessments[code] = assessment
            if not assessment.eligible:
                ineligible.append(code)
                continue
            total = assessment.total
            key = (
                -total,
                *[0 if test(context, application, household) else 1 for test in chain],
                code,
                total,
            )
            name = assessment.list if separate else LIST_ALL
            by_list[name].append(key)
            if sub_lists:
                sub = assign(subs_of[name], household)
                if sub is None:
                    unassigned.append(code)
                else:
                    by_sub[sub].append(key)
        return Ranking(
            lists=MappingProxyType(
                {name: rank_keyed(keys) for name, keys in by_list.items()}
            ),
            ineligible=tuple(sorted(ineligible)),
            assessments=MappingProxyType(assessments),
            sub_lists=MappingProxyType(sub_list_results(tender.sub_lists, by_sub)),
            unassigned=tuple(sorted(unassigned)),
        )


def _assess(
    context: TenderContext, application: ApplicationFacts, household: Household
) -> Assessment:
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
    return Assessment(
        code=application.code,
        edition=context.edition.id,
        point_value=context.point_value,
        eligible=not reasons,
        ineligible_reasons=reasons,
        list="A" if exempt_from_own_share(household, numbers) else "B",
        household_size=household.size,
        household_monthly_income=income,
        income_percent=decimal.Decimal(hundredths).scaleb(-2),
        income_limit_percent=numbers.income_limit_percent,
        exemption_limit_percent=numbers.exemption_percent,
        property_limit=numbers.property_limit,
        items=(*form, *categories, *additional),
        form_points=form_points,
        priority_points=priority_points,
        additional_points=additional_points,
        total=form_points + priority_points + additional_points,
        spatial_standard=numbers.spatial,
    )
