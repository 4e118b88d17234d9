"""The facts the engine scores: a tender's settings and one application, as frozen
dataclasses.

The engine never reads a database: ``scoring/services.py`` (or
:mod:`scoring.engine.jsonio`) builds these objects, and :func:`tender_errors` /
:func:`application_errors` check them before anything is scored. A missing or invalid
fact is an error (:class:`InvalidFacts`), never a guess (house style, section 3). Errors
are ``(path, message)`` pairs whose paths follow the JSON case format
(``tender.priority_categories.youth``, ``application.members[1].birth_date``).

The checks accept any Python value in any field and never raise: a float where a
``Decimal`` belongs is reported, not multiplied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Literal, TypeGuard, overload

from scoring.engine.editions import EDITIONS, LATEST, Edition
from scoring.engine.result import SpatialStandard

Error = tuple[str, str]
"""A validation error: (JSON path, message)."""

ROLES = ("applicant", "spouse", "partner", "child", "parent", "other")
SEXES = ("F", "M", "X")
CODE_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
OTHER_CATEGORY_RE = re.compile(r"other:[a-z0-9][a-z0-9_-]*")
ADMISSION_TOKENS = ("EU", "IP")
INTERNATIONAL_PROTECTION = "IP"

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

# Money, areas and years have at most two decimals and at most 18 digits before the
# point: far beyond any real value, and small enough for exact arithmetic in the
# engine's 60-digit decimal context.
MAX_INTEGER_DIGITS = 18
_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_CONTEXT = Context(prec=60)
_BOOL = frozenset({bool})
_DECIMAL = frozenset({Decimal})
# Plausibility guards, so that every date the engine derives from the publication date
# (birthdays 65 years back, reference dates a few days on) stays within the calendar.
EARLIEST_PUBLICATION = date(1900, 1, 1)
LATEST_PUBLICATION = date(2999, 12, 31)


class InvalidFacts(ValueError):
    """The facts are missing or invalid; ``errors`` lists every (path, message)."""

    def __init__(self, errors: Sequence[Error]) -> None:
        self.errors: list[Error] = list(errors)
        summary = "; ".join(f"{path}: {message}" for path, message in self.errors[:5])
        more = len(self.errors) - 5
        super().__init__(summary + (f"; and {more} more" if more > 0 else ""))


@dataclass(frozen=True, slots=True)
class Member:
    """A household member: the applicant or someone who will live with them (Art. 3)."""

    role: str
    birth_date: date
    sex: str
    citizenship: str
    permanent_residence: str
    employed: bool
    years_of_service: Decimal
    monthly_income: Decimal
    disability: bool
    institutional_care: bool
    wheelchair_user: bool
    needs_permanent_assistance: bool
    owns_dwelling: bool
    nonprofit_tenant: bool
    other_property_value: Decimal


@dataclass(frozen=True, slots=True)
class PointValue:
    """A tender's dated point value (EUR), overriding the edition's (note to Art. 3)."""

    eur: Decimal
    valid_from: date


@dataclass(frozen=True, slots=True)
class TenderRules:
    """A tender's settings (Art. 4, 6, 17, 18). Mappings keep the tender's key order."""

    rules: str
    published_on: date
    average_net_salary: Decimal
    area: str
    admitted_citizenships: tuple[str, ...]
    priority_categories: Mapping[str, int]
    tie_break: tuple[str, ...]
    additional_conditions: Mapping[str, int]
    separate_lists: bool
    point_value: PointValue | None = None

    def __post_init__(self) -> None:
        # Copy the mappings behind read-only proxies so a frozen tender stays frozen.
        for name in ("priority_categories", "additional_conditions"):
            value = getattr(self, name)
            if isinstance(value, Mapping):
                object.__setattr__(self, name, MappingProxyType(dict(value)))
        for name in ("admitted_citizenships", "tie_break"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    """One application: the Form's facts (items 1-7) and the household's members."""

    code: str
    housing_status: str
    dwelling_area_m2: Decimal | None
    inappropriate_dwelling: bool
    architectural_obstacles: bool
    entrance_from_yard: bool
    supports_member_over_65: bool
    separated_from_minors: bool
    single_parent: bool
    illness_minor_due_to_housing: bool
    illness_due_to_housing: bool
    pregnancy: bool
    domestic_violence_victim: bool
    temporary_residence_in_shelter: bool
    war_victim: bool
    important_profession: bool
    other_categories: tuple[str, ...]
    additional_conditions: tuple[str, ...]
    lost_housing_right_by_court: bool
    members: tuple[Member, ...]

    def __post_init__(self) -> None:
        for name in ("other_categories", "additional_conditions", "members"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))


TENDER_FIELDS = tuple(TenderRules.__dataclass_fields__)
APPLICATION_FIELDS = tuple(ApplicationFacts.__dataclass_fields__)
MEMBER_FIELDS = tuple(Member.__dataclass_fields__)
APPLICATION_FLAGS = tuple(
    name
    for name, f in ApplicationFacts.__dataclass_fields__.items()
    if f.type == "bool"
)
MEMBER_FLAGS = tuple(
    name for name, f in Member.__dataclass_fields__.items() if f.type == "bool"
)
MEMBER_DECIMALS = ("years_of_service", "monthly_income", "other_property_value")
_application_flags = attrgetter(*APPLICATION_FLAGS)
_member_flags = attrgetter(*MEMBER_FLAGS)
_member_amounts = attrgetter(*MEMBER_DECIMALS)


def _bool_errors(
    values: tuple[object, ...], names: tuple[str, ...], path: str
) -> list[Error]:
    """Errors for the values that are not exactly ``True`` or ``False`` (not 0 or 1)."""
    if _BOOL.issuperset(map(type, values)):  # the common case, checked in one pass
        return []
    return [
        (f"{path}.{name}", "must be true or false")
        for name, value in zip(names, values, strict=True)
        if type(value) is not bool
    ]


def _is_mapping(value: object) -> TypeGuard[Mapping[Any, Any]]:
    # The tender's own proxies first: an ABC isinstance check is slow on the hot path.
    return type(value) is MappingProxyType or isinstance(value, Mapping)


def edition_of(tender: object) -> Edition:
    """The edition the tender names, or the latest one when the name is unknown.

    The fallback serves error reports only: :func:`tender_errors` reports an unknown
    edition.
    """
    rules = getattr(tender, "rules", None)
    edition = EDITIONS.get(rules) if isinstance(rules, str) else None
    return edition if edition is not None else LATEST


# --- value checks: each returns a message or None -------------------------------------


def decimal_problem(value: object, *, positive: bool = False) -> str | None:
    """Why ``value`` is not a usable amount (money, m2, years), or None if it is."""
    if type(value) is not Decimal:
        return "must be a Decimal"
    if not value.is_finite():
        return "must be a finite number"
    if value < 0:
        return "must not be negative"
    if positive and value == 0:
        return "must be greater than 0"
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        return f"is too large (at most {MAX_INTEGER_DIGITS} digits before the point)"
    # Numerically at most two decimals ("1.50" and "1.500" alike): exact in cents.
    if value != value.quantize(_CENT, context=_CONTEXT):
        return "must have at most 2 decimal places"
    return None


def date_problem(value: object) -> str | None:
    """Why ``value`` is not a calendar date, or None."""
    if type(value) is not date:
        return "must be a date"
    return None


def points_problem(value: object, low: int, high: int | None) -> str | None:
    """Why ``value`` is not a whole number of points in [low, high], or None."""
    if type(value) is not int:
        return "must be a whole number (integer)"
    if value < low or (high is not None and value > high):
        if high is None:
            return f"must be at least {low}"
        return f"must be between {low} and {high}"
    return None


def is_category_code(code: object, edition: Edition) -> bool:
    """A code a tender may use in ``priority_categories`` (Form III; Art. 6(2))."""
    return isinstance(code, str) and (
        code in edition.category_codes or OTHER_CATEGORY_RE.fullmatch(code) is not None
    )


_PLAIN_KEY_RE = re.compile(r"[A-Za-z0-9_:-]+")


def key_path(prefix: str, key: object) -> str:
    """The path of ``key`` under ``prefix``: ``tender.area``, or ``tender["a b"]`` for a
    key that is not plain letters, digits, ``_``, ``:`` and ``-``; a root ``$`` is left
    out (``tender``)."""
    text = str(key)
    if _PLAIN_KEY_RE.fullmatch(text):
        return text if prefix == "$" else f"{prefix}.{text}"
    return f"{prefix}[{json.dumps(text, ensure_ascii=False)}]"


# --- the tender -----------------------------------------------------------------------


def tender_errors(tender: object, path: str = "tender") -> list[Error]:
    """Every invalid setting of a tender (Art. 4, 6, 17; Form III).

    :returns: ``(path, message)`` pairs, empty when the tender is valid; never raises.
    """
    if not isinstance(tender, TenderRules):
        return [(path, "must be a TenderRules")]
    errors: list[Error] = []
    add = errors.append
    t = tender
    if not isinstance(t.rules, str) or t.rules not in EDITIONS:
        known = ", ".join(EDITIONS)
        add((f"{path}.rules", f"must be a known edition of the Rules ({known})"))
    edition = edition_of(t)
    if (problem := date_problem(t.published_on)) is not None:
        add((f"{path}.published_on", problem))
    elif t.published_on < EARLIEST_PUBLICATION:
        add((f"{path}.published_on", f"must not be before {EARLIEST_PUBLICATION}"))
    elif t.published_on > LATEST_PUBLICATION:
        add((f"{path}.published_on", f"must not be after {LATEST_PUBLICATION}"))
    if (problem := decimal_problem(t.average_net_salary, positive=True)) is not None:
        add((f"{path}.average_net_salary", problem))
    if not isinstance(t.area, str):
        add((f"{path}.area", "must be a string"))
    elif not t.area.strip():
        add((f"{path}.area", "must not be empty"))
    errors.extend(
        _admitted_errors(t.admitted_citizenships, f"{path}.admitted_citizenships")
    )
    categories = t.priority_categories
    errors.extend(
        _categories_errors(categories, edition, f"{path}.priority_categories")
    )
    used = set(categories) if _is_mapping(categories) else set()
    errors.extend(_tie_break_errors(t.tie_break, used, f"{path}.tie_break"))
    errors.extend(
        _conditions_errors(t.additional_conditions, f"{path}.additional_conditions")
    )
    if type(t.separate_lists) is not bool:
        add((f"{path}.separate_lists", "must be true or false"))
    errors.extend(
        _point_value_errors(t.point_value, t.published_on, f"{path}.point_value")
    )
    return errors


def _admitted_errors(admitted: object, path: str) -> list[Error]:
    if not isinstance(admitted, tuple | list):
        return [(path, "must be a list")]
    if not admitted:
        return [(path, "must not be empty")]
    errors: list[Error] = []
    for i, code in enumerate(admitted):
        if not isinstance(code, str) or not (
            code in ISO_COUNTRIES or code in ADMISSION_TOKENS
        ):
            errors.append(
                (
                    f"{path}[{i}]",
                    'must be an ISO 3166-1 alpha-2 code in capitals (e.g. "SI") or '
                    '"EU" or "IP"',
                )
            )
    return errors


def _categories_errors(categories: object, edition: Edition, path: str) -> list[Error]:
    if not _is_mapping(categories):
        return [(path, "must be a mapping of category code to points")]
    errors: list[Error] = []
    for code, points in categories.items():
        at = key_path(path, code)
        if not is_category_code(code, edition):
            errors.append(
                (
                    at,
                    "is not a priority category of the Rules (Form III) nor "
                    "other:<slug> (lower-case letters, digits, _ and -)",
                )
            )
            continue
        low, high = edition.category_points_bounds(code)
        if (problem := points_problem(points, low, high)) is not None:
            errors.append((at, problem))
    if "large_family_extra_child" in categories and "large_family" not in categories:
        errors.append(
            (
                key_path(path, "large_family_extra_child"),
                "needs large_family: the supplement per further child is a line under "
                "the large-family category",
            )
        )
    return errors


def _tie_break_errors(tie_break: object, used: set[Any], path: str) -> list[Error]:
    if not isinstance(tie_break, tuple | list):
        return [(path, "must be a list")]
    errors: list[Error] = []
    seen: set[str] = set()
    for i, code in enumerate(tie_break):
        if not isinstance(code, str):
            errors.append((f"{path}[{i}]", "must be a string"))
        elif code in seen:
            errors.append((f"{path}[{i}]", f'"{code}" is listed twice'))
        elif code not in used:
            errors.append(
                (
                    f"{path}[{i}]",
                    f'"{code}" is not a priority category this tender uses',
                )
            )
        if isinstance(code, str):
            seen.add(code)
    return errors


def _conditions_errors(conditions: object, path: str) -> list[Error]:
    if not _is_mapping(conditions):
        return [(path, "must be a mapping of condition code to points")]
    errors: list[Error] = []
    for code, points in conditions.items():
        at = key_path(path, code)
        if not isinstance(code, str) or CODE_RE.fullmatch(code) is None:
            errors.append(
                (
                    at,
                    "must be a code of lower-case letters, digits, _ and - "
                    "(starting with a letter or digit)",
                )
            )
            continue
        if (problem := points_problem(points, 0, None)) is not None:
            errors.append((at, problem))
    return errors


def _point_value_errors(value: object, published_on: object, path: str) -> list[Error]:
    if value is None:
        return []
    if not isinstance(value, PointValue):
        return [(path, "must be a PointValue or None")]
    errors: list[Error] = []
    if (problem := decimal_problem(value.eur, positive=True)) is not None:
        errors.append((f"{path}.eur", problem))
    if (problem := date_problem(value.valid_from)) is not None:
        errors.append((f"{path}.valid_from", problem))
    elif type(published_on) is date and value.valid_from > published_on:
        errors.append(
            (
                f"{path}.valid_from",
                f"must not be after the tender's publication date ({published_on})",
            )
        )
    return errors


# --- the application ------------------------------------------------------------------


def application_errors(
    tender: object, application: object, path: str = "application"
) -> list[Error]:
    """Every invalid or missing fact of an application, read against its tender.

    Checks the Form's facts (item 1 status and the dwelling area it needs), the
    household (exactly one applicant, Art. 3(1); births not after the publication date)
    and the tender's own codes (``other:<slug>`` categories, additional conditions).

    :returns: ``(path, message)`` pairs, empty when the application is valid; never
    raises.
    """
    errors = application_own_errors(tender, application, path)
    if isinstance(application, ApplicationFacts):
        published_on = getattr(tender, "published_on", None)
        errors.extend(
            _members_errors(application.members, published_on, f"{path}.members")
        )
    return errors


def application_own_errors(
    tender: object, application: object, path: str = "application"
) -> list[Error]:
    """The errors of :func:`application_errors` outside the members (whose checks
    :func:`summarise` can run while it reads them)."""
    if not isinstance(application, ApplicationFacts):
        return [(path, "must be an ApplicationFacts")]
    errors: list[Error] = []
    add = errors.append
    a = application
    edition = edition_of(tender)
    if not isinstance(a.code, str):
        add((f"{path}.code", "must be a string"))
    elif not a.code.strip():
        add((f"{path}.code", "must not be empty"))
    status = a.housing_status
    statuses = edition.housing_statuses
    status_ok = isinstance(status, str) and status in statuses
    if not status_ok:
        add((f"{path}.housing_status", f"must be one of {', '.join(statuses)}"))
    area = a.dwelling_area_m2
    if status_ok and status == edition.status_without_dwelling:
        if area is not None:
            add(
                (
                    f"{path}.dwelling_area_m2",
                    f"must be absent or null with housing status {status} "
                    "(items 2-4 are not scored without a dwelling)",
                )
            )
    elif area is None:
        if status_ok:
            add(
                (
                    f"{path}.dwelling_area_m2",
                    f"is required with housing status {status}",
                )
            )
    elif not (_amount_fine(area) and area) and (
        problem := decimal_problem(area, positive=True)
    ):
        add((f"{path}.dwelling_area_m2", problem))
    errors.extend(_bool_errors(_application_flags(a), APPLICATION_FLAGS, path))
    if a.other_categories == () and a.additional_conditions == ():
        return errors  # nothing to look up in the tender's lists (the common case)
    # Codes are checked against the tender's own lists only when those are readable: a
    # broken tender is reported once, at the tender.
    categories = getattr(tender, "priority_categories", None)
    errors.extend(
        _codes_errors(
            a.other_categories,
            f"{path}.other_categories",
            (
                (
                    lambda code: (
                        OTHER_CATEGORY_RE.fullmatch(code) is not None
                        and code in categories
                    )
                )
                if _is_mapping(categories)
                else None
            ),
            "is not an other:<slug> category this tender defines",
        )
    )
    conditions = getattr(tender, "additional_conditions", None)
    errors.extend(
        _codes_errors(
            a.additional_conditions,
            f"{path}.additional_conditions",
            (lambda code: code in conditions) if _is_mapping(conditions) else None,
            "is not an additional condition this tender defines",
        )
    )
    return errors


def duplicate_code_errors(
    applications: Sequence[object], path: str = "applications"
) -> list[Error]:
    """A code used by two applications of one tender: an error at the later code."""
    errors: list[Error] = []
    first_index: dict[str, int] = {}
    for i, application in enumerate(applications):
        code = getattr(application, "code", None)
        if not isinstance(code, str):
            continue
        if code in first_index:
            errors.append(
                (
                    f"{path}[{i}].code",
                    f'"{code}" is already the code of {path}[{first_index[code]}]',
                )
            )
        else:
            first_index[code] = i
    return errors


def _codes_errors(
    codes: object, path: str, known: Callable[[str], bool] | None, unknown_message: str
) -> list[Error]:
    if not isinstance(codes, tuple | list):
        return [(path, "must be a list")]
    errors: list[Error] = []
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if not isinstance(code, str):
            errors.append((f"{path}[{i}]", "must be a string"))
            continue
        if code in seen:
            errors.append((f"{path}[{i}]", f'"{code}" is listed twice'))
        elif known is not None and not known(code):
            errors.append((f"{path}[{i}]", f'"{code}" {unknown_message}'))
        seen.add(code)
    return errors


_ONE_APPLICANT = 'must include exactly one member with role "applicant"'
_SECOND_APPLICANT = 'is a second applicant: exactly one member has role "applicant"'

# Amounts already found valid, by value (a value's validity depends on nothing else);
# most households repeat a few amounts such as 0.00. Bounded.
_GOOD_AMOUNTS: set[Decimal] = set()


def _amount_fine(value: object) -> bool:
    """``decimal_problem(value) is None``, remembered for values seen before."""
    if type(value) is not Decimal or not value.is_finite():
        return False
    if value in _GOOD_AMOUNTS:
        return True
    if decimal_problem(value) is not None:
        return False
    if len(_GOOD_AMOUNTS) >= 100_000:
        _GOOD_AMOUNTS.clear()
    _GOOD_AMOUNTS.add(value)
    return True


def _member_fine(m: Member, reference: date | None) -> bool:
    """True when the member passes every check of :func:`_members_errors`."""
    born = m.birth_date
    citizenship = m.citizenship
    residence = m.permanent_residence
    return (
        m.role in ROLES
        and type(born) is date
        and (reference is None or born <= reference)
        and m.sex in SEXES
        and type(citizenship) is str
        and (citizenship in ISO_COUNTRIES or citizenship == INTERNATIONAL_PROTECTION)
        and type(residence) is str
        and residence.strip() != ""
        and _BOOL.issuperset(map(type, _member_flags(m)))
        and _amounts_fine(_member_amounts(m))
    )


def _amounts_fine(amounts: tuple[object, ...]) -> bool:
    """Every amount passes :func:`decimal_problem` (two set look-ups when all known)."""
    if not _DECIMAL.issuperset(map(type, amounts)):  # no float (1.5 == Decimal("1.5"))
        return False
    try:
        if _GOOD_AMOUNTS.issuperset(amounts):
            return True
    except TypeError:  # a NaN cannot be hashed; it is no amount either
        return False
    return all(map(_amount_fine, amounts))


def _members_errors(members: object, published_on: object, path: str) -> list[Error]:
    if not isinstance(members, tuple | list):
        return [(path, "must be a list of members")]
    if not members:
        return [(path, "must not be empty: the applicant is a member")]
    errors: list[Error] = []
    add = errors.append
    applicants = 0
    reference = published_on if type(published_on) is date else None
    for i, member in enumerate(members):
        if type(member) is Member and _member_fine(member, reference):
            # The common case, checked in one expression; errors are worded below.
            if member.role == "applicant":
                applicants += 1
                if applicants > 1:
                    add((f"{path}[{i}].role", _SECOND_APPLICANT))
            continue
        mpath = f"{path}[{i}]"
        if not isinstance(member, Member):
            add((mpath, "must be a Member"))
            continue
        m = member
        if m.role not in ROLES:
            add((f"{mpath}.role", f"must be one of {', '.join(ROLES)}"))
        elif m.role == "applicant":
            applicants += 1
            if applicants > 1:
                add((f"{mpath}.role", _SECOND_APPLICANT))
        if (problem := date_problem(m.birth_date)) is not None:
            add((f"{mpath}.birth_date", problem))
        elif reference is not None and m.birth_date > reference:
            add(
                (
                    f"{mpath}.birth_date",
                    f"must not be after the tender's publication date ({reference}); "
                    "a pregnancy is not a member",
                )
            )
        if m.sex not in SEXES:
            add((f"{mpath}.sex", f"must be one of {', '.join(SEXES)}"))
        citizenship = m.citizenship
        if not isinstance(citizenship, str) or not (
            citizenship in ISO_COUNTRIES or citizenship == INTERNATIONAL_PROTECTION
        ):
            add(
                (
                    f"{mpath}.citizenship",
                    "must be an ISO 3166-1 alpha-2 code in capitals "
                    '(e.g. "SI") or "IP"',
                )
            )
        if not isinstance(m.permanent_residence, str):
            add((f"{mpath}.permanent_residence", "must be a string"))
        elif not m.permanent_residence.strip():
            add((f"{mpath}.permanent_residence", "must not be empty"))
        errors.extend(_bool_errors(_member_flags(m), MEMBER_FLAGS, mpath))
        for name, value in (
            ("years_of_service", m.years_of_service),
            ("monthly_income", m.monthly_income),
            ("other_property_value", m.other_property_value),
        ):
            if (problem := decimal_problem(value)) is not None:
                add((f"{mpath}.{name}", problem))
    if applicants == 0:
        add((path, _ONE_APPLICANT))
    return errors


# --- derived facts: computed once per tender and once per application -----------------


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


@dataclass(frozen=True, slots=True)
class NumbersForSize:
    """The tender's limits for a household of one size (Art. 3(1), 5, 9, 14)."""

    income_limit_percent: int
    exemption_percent: int
    #: EUR per month: ``income_limit_percent`` % of the average net salary.
    income_limit: Decimal
    #: EUR per month: ``exemption_percent`` % of the average net salary.
    exemption_limit: Decimal
    #: EUR: 40 % of (320 points x point value x upper area with own share).
    property_limit: Decimal
    spatial: SpatialStandard
    #: Form item 3 for this size: (largest area in m2, item), e.g. ((4n, "3.1"), ...).
    crowding: tuple[tuple[Decimal, str], ...]


class TenderContext:
    """A valid tender prepared for scoring: its edition, reference dates and limits.

    Built once per tender (``assess`` keeps the last one, ``rank`` builds one), so
    scoring an application costs comparisons, not table look-ups and Decimal
    construction.

    - Minor: the 18th birthday falls after the reference date (``published_on``); on the
      birthday itself the member is no longer a minor. Precomputed as "born after
      ``minor_born_after``".
    - Over 65: the 65th birthday falls before the reference date; on the birthday itself
      the member is not yet over 65. Precomputed as "born on or before
      ``over_65_born_by``".
    """

    __slots__ = (
        "_by_size",
        "additional",
        "additional_cap",
        "admitted",
        "area_key",
        "categories",
        "edition",
        "long_service_years",
        "memo",
        "minor_born_after",
        "over_65_born_by",
        "point_value",
        "reference",
        "salary",
        "salary_cents",
        "tender",
    )

    def __init__(self, tender: TenderRules) -> None:
        edition = EDITIONS[tender.rules]
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
        self.area_key = residence_key(tender.area)
        admitted: set[str] = set()
        for code in tender.admitted_citizenships:
            if code == "EU":
                admitted.update(edition.eu_member_states)
            else:
                admitted.add(code)
        self.admitted = frozenset(admitted)
        self.categories = tuple(tender.priority_categories.items())
        self.additional = tuple(tender.additional_conditions.items())
        self.additional_cap = edition.additional_cap
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
        """The limits for a household of ``n`` members (cached)."""
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
        property_limit = (
            Decimal(edition.property_limit_percent)
            * edition.appropriate_dwelling_points
            * self.point_value
            * with_share[1]
            / 100
        )
        return NumbersForSize(
            income_limit_percent=limit_percent,
            exemption_percent=exemption_percent,
            income_limit=self.salary * limit_percent / 100,
            exemption_limit=self.salary * exemption_percent / 100,
            property_limit=property_limit,
            spatial=SpatialStandard(
                without_own_share=without, with_own_share=with_share
            ),
            crowding=tuple(
                (Decimal(bound * n), item) for bound, item in edition.crowding_bands
            ),
        )


def residence_key(place: str) -> str:
    """Places compare trimmed and case-folded (Art. 3(1) indent 2)."""
    return place.strip().casefold()


@dataclass(slots=True)  # internal and short-lived: plain slots construct faster
class Household:
    """What the eligibility checks and the points need from the members, in one pass."""

    size: int  # n: members only; a pregnancy is not a member (Art. 3(1))
    applicant: Member
    income: Decimal  # sum of the members' average monthly net incomes (Art. 5)
    minors: int  # members under 18 on the reference date (without a pregnancy)
    has_minor_child: bool  # a member with role "child" who is a minor (young family)
    oldest_parent_birth_year: int  # among applicant, spouse and partner (young family)
    wheelchair_user: bool  # some member depends on a wheelchair (item 4.1)
    other_member_over_65: bool  # a member besides the applicant is over 65 (5.2)
    employed: int  # employed members (few employed)
    disabled_without_care: bool  # a member with a disability and no institutional care
    other_dwelling: bool  # some member owns a dwelling or rents non-profit housing
    largest_property: Decimal  # the largest other_property_value of a member


@overload
def summarise(
    context: TenderContext,
    application: ApplicationFacts,
    *,
    check: Literal[False] = ...,
) -> Household: ...


@overload
def summarise(
    context: TenderContext, application: ApplicationFacts, *, check: bool
) -> Household | None: ...


def summarise(
    context: TenderContext, application: ApplicationFacts, *, check: bool = False
) -> Household | None:
    """Summarise the members of an application against the tender's reference date.

    With ``check=True`` the members are also checked as they are read, exactly as
    :func:`application_errors` checks them (one pass over the members instead of two);
    the result is None when any check fails, and the caller asks
    :func:`application_errors` for the worded errors. Without it, the members must be
    valid already.
    """
    members = application.members
    reference = context.reference
    if check and (type(members) is not tuple or not members):
        return None
    minor_after = context.minor_born_after
    over_65_by = context.over_65_born_by
    applicant: Member | None = None
    income = _ZERO
    minors = 0
    has_minor_child = False
    oldest_parent = 10**6
    wheelchair = False
    other_over_65 = False
    employed = 0
    disabled = False
    other_dwelling = False
    largest_property = _ZERO
    applicants = 0
    for m in members:
        if check and not (type(m) is Member and _member_fine(m, reference)):
            return None
        born = m.birth_date
        income += m.monthly_income
        if born > minor_after:
            minors += 1
            if m.role == "child":
                has_minor_child = True
        role = m.role
        if role == "applicant":
            applicant = m
            applicants += 1
        elif born <= over_65_by:
            other_over_65 = True
        if (role == "applicant" or role == "spouse" or role == "partner") and (
            born.year < oldest_parent
        ):
            oldest_parent = born.year
        if m.wheelchair_user:
            wheelchair = True
        if m.employed:
            employed += 1
        if m.disability and not m.institutional_care:
            disabled = True
        if m.owns_dwelling or m.nonprofit_tenant:
            other_dwelling = True
        if m.other_property_value > largest_property:
            largest_property = m.other_property_value
    if applicants != 1 or applicant is None:
        if check:
            return None
        raise InvalidFacts([("application.members", _ONE_APPLICANT)])
    return Household(
        size=len(members),
        applicant=applicant,
        income=income,
        minors=minors,
        has_minor_child=has_minor_child,
        oldest_parent_birth_year=oldest_parent,
        wheelchair_user=wheelchair,
        other_member_over_65=other_over_65,
        employed=employed,
        disabled_without_care=disabled,
        other_dwelling=other_dwelling,
        largest_property=largest_property,
    )
