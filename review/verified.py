"""The facts as the commission verified them, as the scoring engine's input.

The claimed input is the engine ``application`` object kept with the submission under
review (``ApplicationSubmission.case``, case-format.md). :func:`verified_case` applies
every decided fact to a copy of it:

- confirmed: the claim stands;
- corrected: the verified value replaces the claim;
- rejected: a claimed yes becomes no; a claimed category (``category:other:<slug>``)
  or additional condition (``additional:<code>``) is removed. Other values (income,
  area, dates...) cannot be rejected without a value: they are corrected.

The categories of the Rules (young family, large family, long service...) are not
claimed: the engine derives them from the members' facts, so they change when those
facts are corrected. :func:`claimed_facts` lists what is verified (see
``review.constants``), :func:`claimed_vs_verified` gives the lines of the side-by-side
view: code, label, article, claimed and verified points.
"""

import copy
import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring import engine
from scoring.services import tender_rules

from .constants import (
    ALWAYS_CHECKED,
    APPLICATION_BOOLEANS,
    APPLICATION_VALUES,
    MEMBER_BOOLEANS,
    MEMBER_VALUES,
    SPECIAL_FACTS,
    FactState,
)

CATEGORY = "category:"
ADDITIONAL = "additional:"
_MONEY = (
    "years_of_service",
    "monthly_income",
    "other_property_value",
    "business_property_value",
)


# --- fact paths -------------------------------------------------------------------------


@dataclass(frozen=True)
class FactPath:
    """A parsed fact path: ``kind`` is ``application``, ``member``, ``category`` or
    ``additional``; ``member_pk`` for members; ``key`` the case-format key or code."""

    kind: str
    key: str
    member_pk: int | None = None

    @property
    def special(self) -> bool:
        """A special-category fact (its value never goes to the log)."""
        return self.kind in ("application", "member") and self.key in SPECIAL_FACTS


def parse_path(path: str) -> FactPath:
    """``application.single_parent``, ``members[12].monthly_income``,
    ``category:other:young-researchers``, ``additional:residence_10y``.

    :raises ValueError: for anything else.
    """
    if path.startswith(CATEGORY):
        return FactPath("category", path[len(CATEGORY) :])
    if path.startswith(ADDITIONAL):
        return FactPath("additional", path[len(ADDITIONAL) :])
    if path.startswith("application."):
        key = path[len("application.") :]
        if key in APPLICATION_VALUES or key in APPLICATION_BOOLEANS:
            return FactPath("application", key)
    if path.startswith("members[") and "]." in path:
        number, key = path[len("members[") :].split("].", 1)
        if number.isdigit() and (key in MEMBER_VALUES or key in MEMBER_BOOLEANS):
            return FactPath("member", key, int(number))
    raise ValueError(path)


def is_special_path(path: str) -> bool:
    try:
        return parse_path(path).special
    except ValueError:
        return False


def claimed_facts(case: dict[str, Any], member_pks: list[int]) -> list[tuple[str, Any]]:
    """Every fact to verify, ``(path, claimed value)``, in Form order: the housing
    status and area, each claimed Form I-II condition, the exceptions, each member's
    facts (identity, citizenship, residence, work, income, property, health), each
    claimed category and additional condition. A yes/no fact other than those in
    ``ALWAYS_CHECKED`` is a fact only when claimed yes."""
    facts: list[tuple[str, Any]] = []
    for key in APPLICATION_VALUES:
        if case.get(key) is not None:
            facts.append((f"application.{key}", case[key]))
    for key in APPLICATION_BOOLEANS:
        value = bool(case.get(key, False))
        if value or key in ALWAYS_CHECKED:
            facts.append((f"application.{key}", value))
    for index, member in enumerate(case.get("members", [])):
        pk = member_pks[index]
        for key in MEMBER_VALUES:
            if key in member:
                facts.append((f"members[{pk}].{key}", member[key]))
        for key in MEMBER_BOOLEANS:
            value = bool(member.get(key, False))
            if value or key in ALWAYS_CHECKED:
                facts.append((f"members[{pk}].{key}", value))
    for code in case.get("other_categories", []):
        facts.append((f"{CATEGORY}{code}", True))
    for code in case.get("additional_conditions", []):
        facts.append((f"{ADDITIONAL}{code}", True))
    return facts


# --- the verified case ------------------------------------------------------------------


def apply_facts(
    case: dict[str, Any],
    member_pks: list[int],
    decisions: list[tuple[str, str, Any]],
) -> dict[str, Any]:
    """A copy of ``case`` with ``decisions`` (``(path, state, verified value)``)
    applied (module docstring)."""
    data = copy.deepcopy(case)
    index = {pk: i for i, pk in enumerate(member_pks)}
    for path, state, value in decisions:
        if state not in (FactState.CORRECTED, FactState.REJECTED):
            continue
        fact = parse_path(path)
        if fact.kind in ("category", "additional"):
            key = (
                "other_categories"
                if fact.kind == "category"
                else ("additional_conditions")
            )
            if state == FactState.REJECTED:
                data[key] = [c for c in data.get(key, []) if c != fact.key]
            continue
        target = (
            data
            if fact.kind == "application"
            else (data["members"][index[fact.member_pk]])
        )
        if state == FactState.REJECTED:
            target[fact.key] = False
        else:
            target[fact.key] = value
    if data.get("housing_status") == "1.1":
        # Note to item 1.1: no dwelling, so no area (the engine refuses one).
        data.pop("dwelling_area_m2", None)
    return data


def decisions_of(review) -> list[tuple[str, str, Any]]:
    return list(review.facts.values_list("path", "state", "verified"))


def verified_case(review) -> dict[str, Any]:
    """The engine ``application`` object of ``review``'s application built from the
    claims with every corrected or rejected fact applied (module docstring)."""
    return apply_facts(review.submission.case, review.member_pks, decisions_of(review))


# --- running the engine -----------------------------------------------------------------


def facts_from_case(case: dict[str, Any]) -> engine.ApplicationFacts:
    """The engine's frozen facts from a case-format ``application`` object."""
    members = []
    for member in case["members"]:
        values = dict(member)
        values["birth_date"] = datetime.date.fromisoformat(str(values["birth_date"]))
        for name in _MONEY:
            if name in values:
                values[name] = Decimal(str(values[name]))
        members.append(engine.Member(**values))
    values = {**case, "members": tuple(members)}
    for name in ("dwelling_area_m2", "disability_aids_monthly"):
        if values.get(name) is not None:
            values[name] = Decimal(str(values[name]))
    values.setdefault("dwelling_area_m2", None)
    values["other_categories"] = tuple(values.get("other_categories", ()))
    values["additional_conditions"] = tuple(values.get("additional_conditions", ()))
    return engine.ApplicationFacts(**values)


def assessment_json(result: engine.Assessment) -> dict[str, Any]:
    """The engine's assessment as JSON (money as decimal strings), lines with their
    article (``source``)."""
    return {
        "code": result.code,
        "edition": result.edition,
        "eligible": result.eligible,
        "ineligible_reasons": [
            {"article": r.article, "condition": r.condition}
            for r in result.ineligible_reasons
        ],
        "list": result.list,
        "household_size": result.household_size,
        "household_monthly_income": str(result.household_monthly_income),
        "income_percent": str(result.income_percent),
        "items": [
            {"code": i.code, "points": i.points, "source": i.source}
            for i in result.items
        ],
        "form_points": result.form_points,
        "priority_points": result.priority_points,
        "additional_points": result.additional_points,
        "total": result.total,
    }


def assess(tender, case: dict[str, Any]) -> dict[str, Any]:
    """The engine's assessment of ``case`` under ``tender``'s rules, as JSON.

    :raises engine.InvalidFacts: when the engine refuses the facts.
    """
    return assessment_json(engine.assess(tender_rules(tender), facts_from_case(case)))


def digest(value: Any) -> str:
    """SHA-256 of canonical JSON (sorted keys, no spaces), as the submissions'."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# --- the side-by-side view ----------------------------------------------------------------


@dataclass(frozen=True)
class ComparedLine:
    """One line of the Form: claimed and verified points, with its article."""

    code: str
    label: str
    article: str
    claimed_points: int
    verified_points: int | None

    @property
    def changed(self) -> bool:
        return self.verified_points is not None and (
            self.verified_points != self.claimed_points
        )


@dataclass(frozen=True)
class Comparison:
    """Claimed and verified assessment side by side. ``verified_*`` are ``None`` and
    ``problems`` lists why when the engine refuses the verified facts."""

    lines: list[ComparedLine]
    claimed_total: int | None
    verified_total: int | None
    claimed_eligible: bool | None
    verified_eligible: bool | None
    claimed_ineligible: list[ComparedLine]
    verified_ineligible: list[ComparedLine]
    problems: list[tuple[str, str]]


def _language(language: str) -> str:
    return "sl" if language.lower().startswith("sl") else "en"


def line_label(tender, code: str, language: str) -> str:
    """The short label of an engine code in ``language`` (the tender's own name for
    its ``other:`` categories and additional conditions)."""
    language = _language(language)
    if code.startswith("other:"):
        for category in tender.categories.all():
            if category.code == code:
                return category.display_name
    if code.startswith(ADDITIONAL):
        for condition in tender.additional_conditions.all():
            if f"{ADDITIONAL}{condition.code}" == code:
                return condition.name
    try:
        return engine.label(code, language)[0]
    except KeyError:
        return code


def _safe_assess(tender, case, language):
    try:
        return assess(tender, case), []
    except engine.InvalidFacts as error:
        return None, list(error.messages(_language(language)))


def _reasons(tender, result, language) -> list[ComparedLine]:
    if result is None:
        return []
    return [
        ComparedLine(
            r["condition"],
            line_label(tender, r["condition"], language),
            r["article"],
            0,
            None,
        )
        for r in result["ineligible_reasons"]
    ]


def compare(tender, claimed_case, checked_case, language: str = "sl") -> Comparison:
    """:class:`Comparison` of two cases (claimed, verified)."""
    claimed, _problems = _safe_assess(tender, claimed_case, language)
    verified, problems = _safe_assess(tender, checked_case, language)
    claimed_items = {i["code"]: i for i in (claimed or {}).get("items", [])}
    verified_items = {i["code"]: i for i in (verified or {}).get("items", [])}
    codes = list(claimed_items)
    codes += [c for c in verified_items if c not in claimed_items]
    lines = []
    for code in codes:
        item = claimed_items.get(code) or verified_items[code]
        lines.append(
            ComparedLine(
                code=code,
                label=line_label(tender, code, language),
                article=item["source"],
                claimed_points=claimed_items.get(code, {}).get("points", 0),
                verified_points=None
                if verified is None
                else verified_items.get(code, {}).get("points", 0),
            )
        )
    return Comparison(
        lines=lines,
        claimed_total=claimed and claimed["total"],
        verified_total=verified and verified["total"],
        claimed_eligible=claimed and claimed["eligible"],
        verified_eligible=verified and verified["eligible"],
        claimed_ineligible=_reasons(tender, claimed, language),
        verified_ineligible=_reasons(tender, verified, language),
        problems=problems,
    )


def claimed_vs_verified(review, language: str = "sl") -> Comparison:
    """The side-by-side view of ``review``: the applicant's claims (the provisional
    assessment) and the facts as verified so far, line by line with their articles.
    Works at any stage: undecided facts count as claimed."""
    tender = review.application.tender
    return compare(tender, review.submission.case, verified_case(review), language)
