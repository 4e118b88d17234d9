"""Points: the Form's sections I and II, the priority categories (III) and Art. 4
conditions.

Lines come in Form order: items of sections I and II, then the tender's priority
categories in the tender's order (the large-family supplement right after the
large-family line), then the additional conditions in the tender's order. Lines that
score 0 are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from scoring.engine.facts import ApplicationFacts
from scoring.engine.household import Household, NumbersForSize, TenderContext
from scoring.engine.result import ScoreLine

SOURCE_CATEGORY = "Form III; Art. 6"
SOURCE_OTHER_CATEGORY = "Form III; Art. 6(2)"
SOURCE_ADDITIONAL = "Art. 4"


def _line(code: str, points: int, source: str) -> ScoreLine:
    return ScoreLine(code, points, source, points)


def _items(context: TenderContext) -> dict[str, ScoreLine]:
    """Every Form item's line (the source names its section: ``"Form I.1.2"``), built
    once per tender: lines are immutable and few."""
    lines: dict[str, ScoreLine] | None = context.memo.get("items")
    if lines is None:
        edition = context.edition
        lines = context.memo["items"] = {
            code: _line(code, points, edition.sources[code])
            for code, points in edition.points.items()
        }
    return lines


def _per_minor(context: TenderContext, children: int) -> ScoreLine:
    """Item 5.1's line for ``children`` minors (a pregnancy counting), one per count."""
    lines: dict[int, ScoreLine] = context.memo.setdefault("per_minor", {})
    line = lines.get(children)
    if line is None:
        edition = context.edition
        points = edition.points["5.1"] * children
        line = lines[children] = _line("5.1", points, edition.sources["5.1"])
    return line


def crowding_item(numbers: NumbersForSize, area_m2: Decimal) -> str | None:
    """Form item 3: the band of the floor area per member, or None above the last band.

    ``area / n <= 4`` -> 3.1, ``> 4 and <= 8`` -> 3.2, ``> 8 and <= 12`` -> 3.3;
    compared as ``area <= 4 n`` so that no division rounds (exactly 4.00 m2 per member
    is 3.1).
    """
    for largest, code in numbers.crowding:
        if area_m2 <= largest:
            return code
    return None


def form_lines(
    context: TenderContext,
    application: ApplicationFacts,
    household: Household,
    numbers: NumbersForSize,
) -> list[ScoreLine]:
    """The Form's sections I and II for one application.

    - 1.x: the housing status, exactly one.
    - 2.1, 3.x, 4.x: only with a dwelling (not status 1.1, note to 1.1). 4.1 needs
      architectural obstacles *and* a member permanently dependent on a wheelchair.
    - 5.1: points per minor, a pregnancy counting as one more (note to 5.1).
    - 5.2: the applicant provides for a member *other than the applicant* who is over
      65.
    - 6.1, 6.2, 7.1, 7.2: from the application's flags.
    """
    item = _items(context)
    a = application
    lines = [item[a.housing_status]]
    if a.housing_status != context.edition.status_without_dwelling:
        if a.inappropriate_dwelling:
            lines.append(item["2.1"])
        if a.dwelling_area_m2 is not None:
            crowding = crowding_item(numbers, a.dwelling_area_m2)
            if crowding is not None:
                lines.append(item[crowding])
        if a.architectural_obstacles and household.wheelchair_user:
            lines.append(item["4.1"])
        if a.entrance_from_yard:
            lines.append(item["4.2"])
    children = household.minors + (1 if a.pregnancy else 0)
    if children:
        lines.append(_per_minor(context, children))
    if a.supports_member_over_65 and household.other_member_over_65:
        lines.append(item["5.2"])
    if a.separated_from_minors:
        lines.append(item["6.1"])
    if a.single_parent:
        lines.append(item["6.2"])
    if a.illness_minor_due_to_housing:
        lines.append(item["7.1"])
    if a.illness_due_to_housing:
        lines.append(item["7.2"])
    return lines


Predicate = Callable[[TenderContext, ApplicationFacts, Household], bool]


def _young_family(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """At least one child, of any age ("at least one child", notes to III), and no
    parent older than 35 in the year of publishing."""
    oldest_age = c.reference.year - h.oldest_parent_birth_year
    return h.has_child and oldest_age <= c.edition.young_family_max_age


def _youth(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """The applicant is not older than 30 in the year of publishing (notes to III)."""
    age = c.reference.year - h.applicant.birth_date.year
    return age <= c.edition.youth_max_age


def _large_family(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """At least three minors, a pregnancy counting (notes to III)."""
    return h.minors + (1 if a.pregnancy else 0) >= c.edition.large_family_min_minors


def _disability(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """A disabled member without institutional care (notes to III)."""
    return h.disabled_without_care


def _few_employed(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """At least three members, of whom only one is employed (notes to III)."""
    edition = c.edition
    return (
        h.size >= edition.few_employed_min_members
        and h.employed == edition.few_employed_employed
    )


def _long_service(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """Status 1.1 or 1.2; 13 years of service (men, X) or 12 (women) (notes, III)."""
    edition = c.edition
    if a.housing_status not in edition.long_service_statuses:
        return False
    applicant = h.applicant
    return applicant.years_of_service >= c.long_service_years[applicant.sex]


def _important_profession(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """The applicant's profession is one the tender names (Art. 6(1))."""
    return a.important_profession


def _domestic_violence(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """The applicant, of any sex, is a victim of domestic violence (notes to III as
    amended in 2006; decisions.md)."""
    return a.domestic_violence_victim


def _war_victim(c: TenderContext, a: ApplicationFacts, h: Household) -> bool:
    """The applicant has the status of a war victim (notes to III)."""
    return a.war_victim


CATEGORY_TESTS: dict[str, Predicate] = {
    "young_family": _young_family,
    "youth": _youth,
    "large_family": _large_family,
    "disability": _disability,
    "few_employed": _few_employed,
    "long_service": _long_service,
    "important_profession": _important_profession,
    "domestic_violence": _domestic_violence,
    "war_victim": _war_victim,
}
"""Form III: when an application is in a category. ``large_family_extra_child`` is the
supplement under ``large_family`` and ``other:<slug>`` comes from the application's
list."""


def further_children(
    context: TenderContext, application: ApplicationFacts, household: Household
) -> int:
    """Minors (a pregnancy counting) beyond the third: the supplement's children."""
    children = household.minors + (1 if application.pregnancy else 0)
    return max(0, children - context.edition.large_family_min_minors)


def in_category(
    code: str,
    context: TenderContext,
    application: ApplicationFacts,
    household: Household,
) -> bool:
    """Whether the application is in the category ``code`` by the category's rule,
    whether or not the tender scores it (the tie-break chain, Art. 6(3))."""
    return category_test(code)(context, application, household)


def category_test(code: str) -> Predicate:
    """The rule of the category ``code`` (see :func:`in_category`), to ask many
    applications: ``other:<slug>`` is in the application's list,
    ``large_family_extra_child`` needs a minor beyond the third."""
    if code.startswith("other:"):
        return lambda c, a, h: code in a.other_categories
    if code == "large_family_extra_child":
        return lambda c, a, h: further_children(c, a, h) > 0
    return CATEGORY_TESTS[code]


def category_lines(
    context: TenderContext, application: ApplicationFacts, household: Household
) -> list[ScoreLine]:
    """Form III: the tender's categories the application is in, in the tender's order.

    ``large_family_extra_child`` gives its points for every minor (a pregnancy counting)
    beyond the third, on a line right after the large-family line.
    """
    plan, extra = _category_plan(context)
    lines: list[ScoreLine] = []
    for code, test, line in plan:
        if test is None:  # other:<slug>, listed by the application
            if code in application.other_categories:
                lines.append(line)
        elif test(context, application, household):
            lines.append(line)
            if extra and code == "large_family":
                further = further_children(context, application, household)
                if further > 0:
                    lines.append(
                        _line(
                            "large_family_extra_child", extra * further, SOURCE_CATEGORY
                        )
                    )
    return lines


CategoryPlan = tuple[tuple[tuple[str, Predicate | None, ScoreLine], ...], int]


def _category_plan(context: TenderContext) -> CategoryPlan:
    """The tender's categories as (code, test or None for other:<slug>, line), in the
    tender's order without the supplement, and the supplement's points per child
    (0 when unused); built once per tender."""
    plan: CategoryPlan | None = context.memo.get("categories")
    if plan is None:
        entries: list[tuple[str, Predicate | None, ScoreLine]] = []
        extra = 0
        for code, points in context.tender.priority_categories.items():
            if code == "large_family_extra_child":
                extra = points
            elif code.startswith("other:"):
                entries.append((code, None, _line(code, points, SOURCE_OTHER_CATEGORY)))
            else:
                line = _line(code, points, SOURCE_CATEGORY)
                entries.append((code, CATEGORY_TESTS[code], line))
        plan = context.memo["categories"] = (tuple(entries), extra)
    return plan


def additional_lines(
    context: TenderContext, application: ApplicationFacts
) -> list[ScoreLine]:
    """Art. 4: the tender's additional conditions the application meets, capped
    together.

    The cap (112 points in SI-2004, note to Art. 4) trims lines in the tender's order:
    each line gets what is left of the cap, a line left with 0 points is dropped, so
    that the lines always add up to the capped sum and none is negative.
    ``claimed_points`` keeps the uncapped points of a trimmed line.
    """
    met = application.additional_conditions
    if not met:
        return []
    remaining = context.edition.additional_cap
    lines: list[ScoreLine] = []
    for code, claimed, line in _additional_plan(context):
        if code not in met:
            continue
        if claimed <= remaining:
            lines.append(line)
            remaining -= claimed
        elif remaining > 0:
            lines.append(ScoreLine(line.code, remaining, SOURCE_ADDITIONAL, claimed))
            remaining = 0
    return lines


def _additional_plan(context: TenderContext) -> tuple[tuple[str, int, ScoreLine], ...]:
    """The tender's additional conditions that score, as (code, points, line), in the
    tender's order; built once per tender."""
    plan: tuple[tuple[str, int, ScoreLine], ...] | None = context.memo.get("additional")
    if plan is None:
        plan = context.memo["additional"] = tuple(
            (code, claimed, _line(f"additional:{code}", claimed, SOURCE_ADDITIONAL))
            for code, claimed in context.tender.additional_conditions.items()
            if claimed > 0
        )
    return plan
