"""The one validator: every check of a tender's settings and of an application.

Each check accepts any Python value in any field and never raises: a float where a
``Decimal`` belongs is reported, not multiplied. Every problem is reported, never just
the first, as a :class:`~scoring.engine.facts.Problem` (JSON path, message code,
parameters); its words are in :data:`scoring.engine.labels.MESSAGES`, in sl and en.
:func:`scoring.engine.assess` and :func:`scoring.engine.rank` run these checks before
anything is scored; :mod:`scoring.engine.jsonio` runs them after reading a document.
"""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from operator import attrgetter
from types import MappingProxyType
from typing import Any, TypeGuard

from scoring.engine.editions import EDITIONS, LATEST, Edition
from scoring.engine.facts import (
    SUB_LIST_RULES,
    ApplicationFacts,
    Member,
    PointValue,
    Problem,
    SubList,
    TenderRules,
)

ROLES = ("applicant", "spouse", "partner", "child", "parent", "other")
SEXES = ("F", "M", "X")
CODE_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
OTHER_CATEGORY_RE = re.compile(r"other:[a-z0-9][a-z0-9_-]*")
ADMISSION_TOKENS = ("EU", "IP")
INTERNATIONAL_PROTECTION = "IP"
LIST_A, LIST_B, LIST_ALL = "A", "B", "all"

# ISO 3166-1 alpha-2, the 249 officially assigned codes, plus XK (Kosovo), the
# user-assigned code the EU and the Slovenian authorities use for Kosovo's citizens.
ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
    BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX
    CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG
    GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
    IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
    LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE
    NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF
    WS YE YT ZA ZM ZW XK
    """.split()  # noqa: SIM905 - a table is easier to check than 250 literals
)
CITIZENSHIPS = ISO_COUNTRIES | {INTERNATIONAL_PROTECTION}

# Money, areas and years have at most two decimals and at most 18 digits before the
# point: far beyond any real value, and small enough for exact arithmetic in the
# engine's 60-digit decimal context.
MAX_INTEGER_DIGITS = 18
_CENT = Decimal("0.01")
# Amounts are bounded by these checks (18 digits before the point, 2 after), so 60
# digits keep every check, sum and product exact, whatever the caller's decimal context
# is. The checks and the scoring run in it.
DECIMAL_CONTEXT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)
# Plausibility guards, so that every date the engine derives from the publication date
# (birthdays 65 years back, reference dates a few days on) stays within the calendar.
EARLIEST_PUBLICATION = date(1900, 1, 1)
LATEST_PUBLICATION = date(2999, 12, 31)

APPLICATION_FLAGS = tuple(
    name
    for name, f in ApplicationFacts.__dataclass_fields__.items()
    if f.type == "bool"
)
MEMBER_FLAGS = tuple(
    name for name, f in Member.__dataclass_fields__.items() if f.type == "bool"
)
MEMBER_AMOUNTS = tuple(
    name for name, f in Member.__dataclass_fields__.items() if f.type == "Decimal"
)
_application_flags = attrgetter(*APPLICATION_FLAGS)
_member_flags = attrgetter(*MEMBER_FLAGS)
_member_amounts = attrgetter(*MEMBER_AMOUNTS)


def _p(path: str, message_code: str, **params: object) -> Problem:
    return Problem(path, message_code, tuple((k, str(v)) for k, v in params.items()))


def _is_mapping(value: object) -> TypeGuard[Mapping[Any, Any]]:
    # A tender's own proxies first: an ABC isinstance check is slow.
    return type(value) is MappingProxyType or isinstance(value, Mapping)


def edition_of(tender: object) -> Edition:
    """The edition the tender names, or the latest one when the name is unknown.

    The fallback serves error reports only: :func:`tender_problems` reports an unknown
    edition.
    """
    rules = getattr(tender, "rules", None)
    edition = EDITIONS.get(rules) if isinstance(rules, str) else None
    return edition if edition is not None else LATEST


def list_names(separate_lists: object) -> tuple[str, ...]:
    """A tender's lists: ``("A", "B")`` when it separates them, else ``("all",)``."""
    return (LIST_A, LIST_B) if separate_lists is True else (LIST_ALL,)


_PLAIN_KEY_RE = re.compile(r"[A-Za-z0-9_:-]+")


def key_path(prefix: str, key: object) -> str:
    """The path of ``key`` under ``prefix``: ``tender.area``, or ``tender["a b"]`` for a
    key that is not plain letters, digits, ``_``, ``:`` and ``-``; a root ``$`` is left
    out (``tender``)."""
    text = str(key)
    if _PLAIN_KEY_RE.fullmatch(text):
        return text if prefix == "$" else f"{prefix}.{text}"
    return f"{prefix}[{json.dumps(text, ensure_ascii=False)}]"


# --- values: each returns a message code (and its parameters) or None -----------------


# Amounts already found valid (a value's validity depends on nothing else); a
# household's amounts are mostly a few values such as 0.00. Process-wide, bounded.
_VALID: set[Decimal] = set()
_VALID_LIMIT = 100_000


def _amount_code(value: object, positive: bool = False) -> str | None:
    """The message code of why ``value`` is not a usable amount (money, m2, years), or
    None if it is. Runs in :data:`DECIMAL_CONTEXT`."""
    if type(value) is not Decimal:  # not a float, though 1.5 == Decimal("1.5")
        return "decimal"
    try:
        known = value in _VALID
    except TypeError:  # a signalling NaN cannot be hashed; it is no amount either
        known = False
    if known:
        return "positive" if positive and not value else None
    if not value.is_finite():
        return "finite"
    if value.is_signed():  # also -0.00, as the JSON reader refuses "-0.00"
        return "not_negative"
    if positive and not value:
        return "positive"
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        return "too_large"
    # Numerically at most two decimals ("1.50" and "1.500" alike): exact in cents.
    if value != value.quantize(_CENT):
        return "two_places"
    if len(_VALID) < _VALID_LIMIT:
        _VALID.add(value)
    return None


def decimal_problem(
    value: object, path: str, *, positive: bool = False
) -> Problem | None:
    """Why ``value`` is not a usable amount (money, m2, years), or None if it is."""
    code = _amount_code(value, positive)
    return None if code is None else _amount_problem(code, path)


def _amount_problem(code: str, path: str) -> Problem:
    """The problem of an amount refused with ``code`` by :func:`_amount_code`."""
    if code == "too_large":
        return _p(path, code, digits=MAX_INTEGER_DIGITS)
    return _p(path, code)


def integer_problem(
    value: object, path: str, low: int, high: int | None
) -> Problem | None:
    """Why ``value`` is not a whole number in [low, high], or None."""
    if type(value) is not int:
        return _p(path, "integer")
    if high is None and value < low:
        return _p(path, "at_least", low=low)
    if high is not None and not low <= value <= high:
        return _p(path, "between", low=low, high=high)
    return None


def _text_problem(value: object, path: str) -> Problem | None:
    if not isinstance(value, str):
        return _p(path, "string")
    if not value.strip():
        return _p(path, "not_empty")
    return None


def is_category_code(code: object, edition: Edition) -> bool:
    """A code a tender may use in ``priority_categories`` (Form III; Art. 6(2))."""
    return isinstance(code, str) and (
        code in edition.category_codes or OTHER_CATEGORY_RE.fullmatch(code) is not None
    )


# --- the tender -----------------------------------------------------------------------


def tender_problems(tender: object, path: str = "tender") -> list[Problem]:
    """Every invalid setting of a tender (Art. 3, 4, 6, 17; Form III; sub-lists).

    :returns: the problems, empty when the tender is valid; never raises.
    """
    with decimal.localcontext(DECIMAL_CONTEXT):
        return _tender_problems(tender, path)


def _tender_problems(tender: object, path: str) -> list[Problem]:
    if not isinstance(tender, TenderRules):
        return [_p(path, "type", kind="TenderRules")]
    found: list[Problem] = []
    add = found.append
    t = tender
    if not isinstance(t.rules, str) or t.rules not in EDITIONS:
        add(_p(f"{path}.rules", "edition", known=", ".join(EDITIONS)))
    edition = edition_of(t)
    at = f"{path}.published_on"
    if type(t.published_on) is not date:
        add(_p(at, "date"))
    elif t.published_on < EARLIEST_PUBLICATION:
        add(_p(at, "date_not_before", date=EARLIEST_PUBLICATION))
    elif t.published_on > LATEST_PUBLICATION:
        add(_p(at, "date_not_after", date=LATEST_PUBLICATION))
    at = f"{path}.average_net_salary"
    if problem := decimal_problem(t.average_net_salary, at, positive=True):
        add(problem)
    found += _area_problems(t.area, f"{path}.area")
    found += _admitted_problems(
        t.admitted_citizenships, f"{path}.admitted_citizenships"
    )
    categories = t.priority_categories
    found += _categories_problems(categories, edition, f"{path}.priority_categories")
    used = set(categories) if _is_mapping(categories) else set()
    found += _tie_break_problems(t.tie_break, edition, used, f"{path}.tie_break")
    found += _conditions_problems(
        t.additional_conditions, f"{path}.additional_conditions"
    )
    if type(t.separate_lists) is not bool:
        add(_p(f"{path}.separate_lists", "boolean"))
    found += _point_value_problems(t.point_value, t.published_on, f"{path}.point_value")
    found += _sub_lists_problems(t.sub_lists, t.separate_lists, f"{path}.sub_lists")
    return found


def _area_problems(area: object, path: str) -> list[Problem]:
    if isinstance(area, str):
        problem = _text_problem(area, path)
        return [problem] if problem else []
    if not isinstance(area, tuple | list):
        return [_p(path, "area")]
    if not area:
        return [_p(path, "area_empty")]
    found = []
    for i, name in enumerate(area):
        if problem := _text_problem(name, f"{path}[{i}]"):
            found.append(problem)
    return found


def _admitted_problems(admitted: object, path: str) -> list[Problem]:
    if not isinstance(admitted, tuple | list):
        return [_p(path, "list")]
    if not admitted:
        return [_p(path, "not_empty")]
    return [
        _p(f"{path}[{i}]", "admission_code")
        for i, code in enumerate(admitted)
        if not (
            isinstance(code, str)
            and (code in ISO_COUNTRIES or code in ADMISSION_TOKENS)
        )
    ]


def _categories_problems(
    categories: object, edition: Edition, path: str
) -> list[Problem]:
    if not _is_mapping(categories):
        return [_p(path, "categories_mapping")]
    found: list[Problem] = []
    for code, points in categories.items():
        at = key_path(path, code)
        if not is_category_code(code, edition):
            found.append(_p(at, "category_code"))
            continue
        low, high = edition.category_points_bounds(code)
        if problem := integer_problem(points, at, low, high):
            found.append(problem)
    if "large_family_extra_child" in categories and "large_family" not in categories:
        found.append(
            _p(key_path(path, "large_family_extra_child"), "extra_child_alone")
        )
    return found


def _tie_break_problems(
    tie_break: object, edition: Edition, used: set[Any], path: str
) -> list[Problem]:
    """The chain may name any category of the Rules, scored or not (Art. 6(3), 18),
    and the tender's own ``other:`` categories."""
    if not isinstance(tie_break, tuple | list):
        return [_p(path, "list")]
    found: list[Problem] = []
    seen: set[str] = set()
    for i, code in enumerate(tie_break):
        at = f"{path}[{i}]"
        if not isinstance(code, str):
            found.append(_p(at, "string"))
            continue
        if code in seen:
            found.append(_p(at, "listed_twice", code=code))
        elif code not in edition.category_codes and code not in used:
            found.append(_p(at, "tie_break_code", code=code))
        seen.add(code)
    return found


def _conditions_problems(conditions: object, path: str) -> list[Problem]:
    if not _is_mapping(conditions):
        return [_p(path, "conditions_mapping")]
    found: list[Problem] = []
    for code, points in conditions.items():
        at = key_path(path, code)
        if not isinstance(code, str) or CODE_RE.fullmatch(code) is None:
            found.append(_p(at, "condition_code"))
        elif problem := integer_problem(points, at, 0, None):
            found.append(problem)
    return found


def _point_value_problems(
    value: object, published_on: object, path: str
) -> list[Problem]:
    if value is None:
        return []
    if not isinstance(value, PointValue):
        return [_p(path, "type", kind="PointValue")]
    found = []
    if problem := decimal_problem(value.eur, f"{path}.eur", positive=True):
        found.append(problem)
    at = f"{path}.valid_from"
    if type(value.valid_from) is not date:
        found.append(_p(at, "date"))
    elif type(published_on) is date and value.valid_from > published_on:
        found.append(_p(at, "after_publication", date=published_on))
    return found


def _sub_lists_problems(
    sub_lists: object, separate_lists: object, path: str
) -> list[Problem]:
    if not isinstance(sub_lists, tuple | list):
        return [_p(path, "list")]
    found: list[Problem] = []
    first: dict[str, int] = {}
    names = list_names(separate_lists)
    for i, sub in enumerate(sub_lists):
        at = f"{path}[{i}]"
        if not isinstance(sub, SubList):
            found.append(_p(at, "type", kind="SubList"))
            continue
        if problem := _text_problem(sub.code, f"{at}.code"):
            found.append(problem)
        elif sub.code in first:
            found.append(
                _p(
                    f"{at}.code",
                    "duplicate_code",
                    code=sub.code,
                    other=f"{path}[{first[sub.code]}]",
                )
            )
        else:
            first[sub.code] = i
        if not (isinstance(sub.list, str) and sub.list in names):
            found.append(_p(f"{at}.list", "sub_list_list", choices=", ".join(names)))
        if not (isinstance(sub.rule, str) and sub.rule in SUB_LIST_RULES):
            found.append(_p(f"{at}.rule", "one_of", choices=", ".join(SUB_LIST_RULES)))
        if problem := integer_problem(sub.dwellings, f"{at}.dwellings", 0, None):
            found.append(problem)
        if sub.cutoff is not None and (
            problem := integer_problem(sub.cutoff, f"{at}.cutoff", 0, None)
        ):
            found.append(problem)
    return found


# --- the application ------------------------------------------------------------------


class _ApplicationRules:
    """What an application is checked against, read from its tender once: the edition,
    the tender's own codes when they are readable (a broken tender is reported once, at
    the tender) and the publication date births may not follow."""

    __slots__ = ("conditions", "edition", "other_category_known", "reference")

    def __init__(self, tender: object) -> None:
        self.edition = edition_of(tender)
        categories = getattr(tender, "priority_categories", None)
        self.other_category_known: Callable[[str], bool] | None = (
            (
                lambda code: (
                    OTHER_CATEGORY_RE.fullmatch(code) is not None and code in categories
                )
            )
            if _is_mapping(categories)
            else None
        )
        conditions = getattr(tender, "additional_conditions", None)
        self.conditions: Callable[[str], bool] | None = (
            (lambda code: code in conditions) if _is_mapping(conditions) else None
        )
        published_on = getattr(tender, "published_on", None)
        self.reference = published_on if type(published_on) is date else None


def application_problems(
    tender: object, application: object, path: str = "application"
) -> list[Problem]:
    """Every invalid or missing fact of an application, read against its tender.

    Checks the Form's facts (item 1 status and the dwelling area it needs), the
    household (exactly one applicant, Art. 3(1); births not after the publication date)
    and the tender's own codes (``other:<slug>`` categories, additional conditions).

    :returns: the problems, empty when the application is valid; never raises.
    """
    with decimal.localcontext(DECIMAL_CONTEXT):
        return _application_problems(_ApplicationRules(tender), application, path)


def _application_problems(
    rules: _ApplicationRules, application: object, path: str
) -> list[Problem]:
    if not isinstance(application, ApplicationFacts):
        return [_p(path, "type", kind="ApplicationFacts")]
    found: list[Problem] = []
    add = found.append
    a = application
    edition = rules.edition
    code = a.code
    if not isinstance(code, str):
        add(_p(f"{path}.code", "string"))
    elif not code.strip():
        add(_p(f"{path}.code", "not_empty"))
    status = a.housing_status
    statuses = edition.housing_statuses
    status_ok = isinstance(status, str) and status in statuses
    if not status_ok:
        add(_p(f"{path}.housing_status", "one_of", choices=", ".join(statuses)))
    area = a.dwelling_area_m2
    if status_ok and status == edition.status_without_dwelling:
        if area is not None:
            add(_p(f"{path}.dwelling_area_m2", "area_without_dwelling", status=status))
    elif area is None:
        if status_ok:
            add(_p(f"{path}.dwelling_area_m2", "area_required", status=status))
    elif (problem_code := _amount_code(area, positive=True)) is not None:
        add(_amount_problem(problem_code, f"{path}.dwelling_area_m2"))
    # Every flag exactly True or False (not 0 or 1): APPLICATION_FLAGS, one by one.
    if not (
        type(a.inappropriate_dwelling) is bool
        and type(a.architectural_obstacles) is bool
        and type(a.entrance_from_yard) is bool
        and type(a.supports_member_over_65) is bool
        and type(a.separated_from_minors) is bool
        and type(a.single_parent) is bool
        and type(a.illness_minor_due_to_housing) is bool
        and type(a.illness_due_to_housing) is bool
        and type(a.pregnancy) is bool
        and type(a.domestic_violence_victim) is bool
        and type(a.temporary_residence_in_shelter) is bool
        and type(a.war_victim) is bool
        and type(a.important_profession) is bool
        and type(a.lost_housing_right_by_court) is bool
        and type(a.violence_co_ownership_unusable) is bool
    ):
        found += [
            _p(f"{path}.{name}", "boolean")
            for name, value in zip(
                APPLICATION_FLAGS, _application_flags(a), strict=True
            )
            if type(value) is not bool
        ]
    if (problem_code := _amount_code(a.disability_aids_monthly)) is not None:
        add(_amount_problem(problem_code, f"{path}.disability_aids_monthly"))
    # Codes are checked against the tender's own lists only when those are readable.
    if a.other_categories != ():
        found += _codes_problems(
            a.other_categories,
            f"{path}.other_categories",
            rules.other_category_known,
            "other_category_unknown",
        )
    if a.additional_conditions != ():
        found += _codes_problems(
            a.additional_conditions,
            f"{path}.additional_conditions",
            rules.conditions,
            "condition_unknown",
        )
    found += _members_problems(a.members, rules.reference, path)
    return found


def _codes_problems(
    codes: object, path: str, known: Callable[[str], bool] | None, unknown: str
) -> list[Problem]:
    if not isinstance(codes, tuple | list):
        return [_p(path, "list")]
    found: list[Problem] = []
    seen: set[str] = set()
    for i, code in enumerate(codes):
        at = f"{path}[{i}]"
        if not isinstance(code, str):
            found.append(_p(at, "string"))
            continue
        if code in seen:
            found.append(_p(at, "listed_twice", code=code))
        elif known is not None and not known(code):
            found.append(_p(at, unknown, code=code))
        seen.add(code)
    return found


def _members_problems(
    members: object, reference: date | None, application_path: str
) -> list[Problem]:
    """A household's members (at ``{application_path}.members``), each field checked
    once; paths are built only for the problems found."""
    if type(members) is not tuple and not isinstance(members, list):
        return [_p(f"{application_path}.members", "members_list")]
    if not members:
        return [_p(f"{application_path}.members", "members_empty")]
    found: list[Problem] = []
    applicants = 0
    valid = _VALID
    for i, m in enumerate(members):
        if type(m) is not Member and not isinstance(m, Member):
            found.append(_p(f"{application_path}.members[{i}]", "type", kind="Member"))
            continue
        # (field, message code, parameters) of this member's problems.
        bad: list[tuple[str, str, dict[str, object]]] = []
        role = m.role
        if role not in ROLES:
            bad.append(("role", "one_of", {"choices": ", ".join(ROLES)}))
        elif role == "applicant":
            applicants += 1
            if applicants > 1:
                bad.append(("role", "second_applicant", {}))
        born = m.birth_date
        if type(born) is not date:
            bad.append(("birth_date", "date", {}))
        elif reference is not None and born > reference:
            bad.append(("birth_date", "born_after_publication", {"date": reference}))
        if m.sex not in SEXES:
            bad.append(("sex", "one_of", {"choices": ", ".join(SEXES)}))
        citizenship = m.citizenship
        if type(citizenship) is not str or citizenship not in CITIZENSHIPS:
            bad.append(("citizenship", "citizenship_code", {}))
        residence = m.permanent_residence
        if not isinstance(residence, str):
            bad.append(("permanent_residence", "string", {}))
        elif not residence.strip():
            bad.append(("permanent_residence", "not_empty", {}))
        # Every flag exactly True or False: MEMBER_FLAGS, one by one.
        if not (
            type(m.employed) is bool
            and type(m.disability) is bool
            and type(m.institutional_care) is bool
            and type(m.wheelchair_user) is bool
            and type(m.needs_permanent_assistance) is bool
            and type(m.owns_dwelling) is bool
            and type(m.nonprofit_tenant) is bool
            and type(m.deaf_or_blind) is bool
        ):
            bad += [
                (name, "boolean", {})
                for name, value in zip(MEMBER_FLAGS, _member_flags(m), strict=True)
                if type(value) is not bool
            ]
        # MEMBER_AMOUNTS: each one a Decimal already found valid, or checked now.
        years, income = m.years_of_service, m.monthly_income
        other, business = m.other_property_value, m.business_property_value
        try:
            known = (
                type(years) is Decimal
                and type(income) is Decimal
                and type(other) is Decimal
                and type(business) is Decimal
                and years in valid
                and income in valid
                and other in valid
                and business in valid
            )
        except TypeError:  # a signalling NaN cannot be hashed; it is no amount either
            known = False
        if not known:
            for name, value in zip(MEMBER_AMOUNTS, _member_amounts(m), strict=True):
                if (code := _amount_code(value)) is not None:
                    params: dict[str, object] = (
                        {"digits": MAX_INTEGER_DIGITS} if code == "too_large" else {}
                    )
                    bad.append((name, code, params))
        if bad:
            found += [
                _p(f"{application_path}.members[{i}].{name}", code, **params)
                for name, code, params in bad
            ]
    if applicants == 0:
        found.append(_p(f"{application_path}.members", "one_applicant"))
    return found


def applications_problems(
    tender: object, applications: Sequence[object], path: str = "applications"
) -> list[Problem]:
    """:func:`application_problems` of every application (at ``applications[i]``) and
    :func:`duplicate_code_problems`."""
    found: list[Problem] = []
    rules = _ApplicationRules(tender)
    with decimal.localcontext(DECIMAL_CONTEXT):
        for i, application in enumerate(applications):
            found += _application_problems(rules, application, f"{path}[{i}]")
    found += duplicate_code_problems(applications, path)
    return found


def duplicate_code_problems(
    applications: Sequence[object], path: str = "applications"
) -> list[Problem]:
    """A code used by two applications of one tender: a problem at the later code."""
    found: list[Problem] = []
    first: dict[str, int] = {}
    for i, application in enumerate(applications):
        code = getattr(application, "code", None)
        if not isinstance(code, str):
            continue
        if code in first:
            found.append(
                _p(
                    f"{path}[{i}].code",
                    "duplicate_code",
                    code=code,
                    other=f"{path}[{first[code]}]",
                )
            )
        else:
            first[code] = i
    return found
