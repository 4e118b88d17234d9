"""JSON in and out: the case format of ``spec/case-format.md``.

Reading is in two layers, and both report every error, never just the first:

1. *Representation* (here): the document's shape. Unknown keys, missing keys, JSON
   objects and arrays where the format has them, money/areas/years as decimal strings
   (``"1234.50"``), dates as real ``YYYY-MM-DD`` dates. Each value that passes becomes
   its Python value (``Decimal``, ``date``, ``tuple``); one that fails is reported here.
2. *Meaning* (:mod:`scoring.engine.checks`): the same checks the Python API runs on the
   dataclasses (types, ranges, codes, exactly one applicant, the tender's own codes).
   Errors at a path already reported by the first layer are not repeated.

Writing turns an :class:`Assessment` or a :class:`Ranking` into exactly the keys of the
format: money with two decimals, points as integers, spatial bounds as strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from scoring.engine.checks import (
    application_problems,
    duplicate_code_problems,
    key_path,
    tender_problems,
)
from scoring.engine.facts import (
    ApplicationFacts,
    Error,
    InvalidFacts,
    Member,
    PointValue,
    Problem,
    SubList,
    TenderRules,
)
from scoring.engine.result import Assessment, Ranking

JSON = Any
"""A decoded JSON value."""

ROOT = "$"
_ZERO = Decimal("0.00")

_DECIMAL_RE = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_NEGATIVE_RE = re.compile(r"-[0-9]+(?:\.[0-9]+)?")
_MANY_PLACES_RE = re.compile(r"[0-9]+\.[0-9]{3,}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CENT = Decimal("0.01")
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)
_COMPACT = json.JSONEncoder(ensure_ascii=False)
_PRETTY = json.JSONEncoder(ensure_ascii=False, indent=2)


class _Invalid:
    """A value the first layer refused; the second layer does not report it again."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Any = _Invalid()


class _Object(dict[str, Any]):
    """A JSON object that had a key more than once (the last value is kept)."""

    duplicates: list[str]

    def __repr__(self) -> str:  # never equal to a plain dict's repr (see _tender)
        return f"_Object({dict.__repr__(self)}, duplicates={self.duplicates!r})"


# --- decoding -------------------------------------------------------------------------


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        tagged = _Object(obj)
        tagged.duplicates = []
        for key, _ in pairs:
            if key in seen and key not in tagged.duplicates:
                tagged.duplicates.append(key)
            seen.add(key)
        return tagged
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def decode(data: bytes | str) -> JSON:
    """Decode UTF-8 JSON text (a byte-order mark is allowed).

    Numbers with a fraction or exponent decode as ``Decimal`` (never a float that might
    be infinite); ``NaN`` and ``Infinity`` are refused; repeated keys are reported
    later.

    :raises InvalidFacts: at ``$`` for bytes that are not UTF-8 or text that is not
    JSON.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidFacts(
                [
                    Problem(
                        ROOT,
                        "not_utf8",
                        (("byte", str(exc.start)), ("reason", exc.reason)),
                    )
                ]
            ) from None
    else:
        text = data
    try:
        return json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_float=Decimal,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise InvalidFacts([Problem(ROOT, "not_json", (("detail", detail),))]) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidFacts(
            [Problem(ROOT, "not_json", (("detail", str(exc)),))]
        ) from None


# --- the first layer: representation --------------------------------------------------


def _decimal(value: JSON, path: str, errors: list[Problem]) -> Any:
    if type(value) is str:
        if _DECIMAL_RE.fullmatch(value):
            return Decimal(value)
        if _NEGATIVE_RE.fullmatch(value):
            errors.append(Problem(path, "not_negative"))
        elif _MANY_PLACES_RE.fullmatch(value):
            errors.append(Problem(path, "two_places"))
        else:
            errors.append(Problem(path, "decimal_string"))
    elif value is None or type(value) is bool:
        errors.append(Problem(path, "decimal_string"))
    else:
        errors.append(Problem(path, "decimal_string_number"))
    return INVALID


def _nullable_decimal(value: JSON, path: str, errors: list[Problem]) -> Any:
    return None if value is None else _decimal(value, path, errors)


def _date(value: JSON, path: str, errors: list[Problem]) -> Any:
    if type(value) is str and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)  # YYYY-MM-DD: a real date or an error
        except ValueError:
            errors.append(Problem(path, "not_a_real_date", (("value", value),)))
            return INVALID
    errors.append(Problem(path, "date_string"))
    return INVALID


def _raw(value: JSON, path: str, errors: list[Problem]) -> Any:
    return value  # checked by the second layer: bool, int, str


def _array(value: JSON, path: str, errors: list[Problem]) -> Any:
    if type(value) is list:
        return tuple(value)
    errors.append(Problem(path, "json_array"))
    return INVALID


def _object(value: JSON, path: str, errors: list[Problem]) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        errors.append(Problem(path, "json_object"))
        return None
    if isinstance(value, _Object):
        for key in value.duplicates:
            errors.append(Problem(key_path(path, key), "given_twice"))
    return value


def _mapping(value: JSON, path: str, errors: list[Problem]) -> Any:
    obj = _object(value, path, errors)
    return INVALID if obj is None else obj


Parser = Callable[[JSON, str, list[Problem]], Any]


class _Spec:
    """The keys of one kind of JSON object, in the order of its dataclass's fields, with
    the parser of each value and the value of each key that may be left out."""

    __slots__ = ("defaults", "known", "names", "optional", "parsed", "parsers")

    def __init__(
        self, parsers: dict[str, Parser], defaults: dict[str, Any] | None = None
    ) -> None:
        self.parsers = parsers
        self.defaults = defaults or {}
        self.names = tuple(parsers)
        self.known = frozenset(parsers)
        #: (position, default) of each key that may be left out.
        self.optional = tuple(
            (i, self.defaults[name])
            for i, name in enumerate(self.names)
            if name in self.defaults
        )
        #: (position, key, parser) of each value that is parsed, not passed on as is.
        self.parsed = tuple(
            (i, name, parse)
            for i, (name, parse) in enumerate(parsers.items())
            if parse is not _raw
        )


_MISSING: Any = object()


def _fields(
    obj: dict[str, Any], spec: _Spec, path: str, errors: list[Problem]
) -> list[Any]:
    """The values of ``obj`` in the spec's order (positional arguments for the
    dataclass); unknown and missing keys are errors, a refused value is ``INVALID``."""
    if spec.known.issuperset(obj):  # no unknown key: one set operation
        get = obj.get
        values = [get(name, _MISSING) for name in spec.names]
        left_out = len(values) - len(obj)
        defaults = (
            [(i, d) for i, d in spec.optional if values[i] is _MISSING]
            if left_out
            else ()
        )
        if len(defaults) == left_out:  # every key left out may be left out
            prefix = "" if path == ROOT else path + "."
            for i, name, parse in spec.parsed:
                value = values[i]
                if value is not _MISSING:
                    values[i] = parse(value, prefix + name, errors)
            for i, default in defaults:
                values[i] = default
            return values
    return _fields_reported(obj, spec, path, errors)


def _fields_reported(
    obj: dict[str, Any], spec: _Spec, path: str, errors: list[Problem]
) -> list[Any]:
    """:func:`_fields` of an object with an unknown or a missing key: every such key
    is reported, in the spec's order, then the unknown keys in the object's order."""
    prefix = "" if path == ROOT else path + "."
    values: list[Any] = []
    found = 0
    for name, parse in spec.parsers.items():
        if name in obj:
            found += 1
            value = obj[name]
            values.append(
                value if parse is _raw else parse(value, prefix + name, errors)
            )
        elif name in spec.defaults:
            values.append(spec.defaults[name])
        else:
            errors.append(Problem(prefix + name, "required"))
            values.append(INVALID)
    if found != len(obj):
        for key in obj:
            if key not in spec.parsers:
                errors.append(Problem(key_path(path, key), "unknown_key"))
    return values


def _point_value(value: JSON, path: str, errors: list[Problem]) -> Any:
    if value is None:
        return None
    obj = _object(value, path, errors)
    if obj is None:
        return INVALID
    return PointValue(*_fields(obj, _POINT_VALUE, path, errors))


_POINT_VALUE = _Spec({"eur": _decimal, "valid_from": _date})
_SUB_LIST = _Spec(
    {"code": _raw, "list": _raw, "rule": _raw, "dwellings": _raw, "cutoff": _raw},
    defaults={"cutoff": None},
)


def _objects(
    value: JSON, path: str, errors: list[Problem], spec: _Spec, cls: Any
) -> Any:
    """A JSON array of objects of one kind -> a tuple of ``cls`` (INVALID for an item
    that is not an object)."""
    if type(value) is not list:
        errors.append(Problem(path, "json_array"))
        return INVALID
    items: list[Any] = []
    for i, item in enumerate(value):
        item_path = f"{path}[{i}]"
        obj = _object(item, item_path, errors)
        items.append(
            INVALID if obj is None else cls(*_fields(obj, spec, item_path, errors))
        )
    return tuple(items)


def _sub_lists(value: JSON, path: str, errors: list[Problem]) -> Any:
    return _objects(value, path, errors, _SUB_LIST, SubList)


_TENDER = _Spec(
    {
        "rules": _raw,
        "published_on": _date,
        "average_net_salary": _decimal,
        "area": _raw,
        "admitted_citizenships": _array,
        "priority_categories": _mapping,
        "tie_break": _array,
        "additional_conditions": _mapping,
        "separate_lists": _raw,
        "point_value": _point_value,
        "sub_lists": _sub_lists,
    },
    defaults={"point_value": None, "sub_lists": ()},
)

_MEMBER = _Spec(
    {
        "role": _raw,
        "birth_date": _date,
        "sex": _raw,
        "citizenship": _raw,
        "permanent_residence": _raw,
        "employed": _raw,
        "years_of_service": _decimal,
        "monthly_income": _decimal,
        "disability": _raw,
        "institutional_care": _raw,
        "wheelchair_user": _raw,
        "needs_permanent_assistance": _raw,
        "owns_dwelling": _raw,
        "nonprofit_tenant": _raw,
        "other_property_value": _decimal,
        "deaf_or_blind": _raw,
        "business_property_value": _decimal,
    },
    defaults={"deaf_or_blind": False, "business_property_value": _ZERO},
)


def _members(value: JSON, path: str, errors: list[Problem]) -> Any:
    return _objects(value, path, errors, _MEMBER, Member)


_APPLICATION = _Spec(
    {
        "code": _raw,
        "housing_status": _raw,
        "dwelling_area_m2": _nullable_decimal,
        "inappropriate_dwelling": _raw,
        "architectural_obstacles": _raw,
        "entrance_from_yard": _raw,
        "supports_member_over_65": _raw,
        "separated_from_minors": _raw,
        "single_parent": _raw,
        "illness_minor_due_to_housing": _raw,
        "illness_due_to_housing": _raw,
        "pregnancy": _raw,
        "domestic_violence_victim": _raw,
        "temporary_residence_in_shelter": _raw,
        "war_victim": _raw,
        "important_profession": _raw,
        "other_categories": _array,
        "additional_conditions": _array,
        "lost_housing_right_by_court": _raw,
        "members": _members,
        "disability_aids_monthly": _decimal,
        "violence_co_ownership_unusable": _raw,
    },
    defaults={
        "dwelling_area_m2": None,
        "disability_aids_monthly": _ZERO,
        "violence_co_ownership_unusable": False,
    },
)


def _without_repeats(found: list[Problem], reported: list[Problem]) -> list[Problem]:
    """The second layer's errors that are not at (or inside) a path already reported."""
    if not reported:
        return found
    paths = {p.path for p in reported}
    kept = []
    for error in found:
        path = error.path
        inside = any(path == p or path.startswith((p + ".", p + "[")) for p in paths)
        if not inside:
            kept.append(error)
    return kept


# The last valid tender read, by the repr of its JSON object: the cases of a ``--jsonl``
# file usually share one tender, and returning the same (frozen) object lets the engine
# reuse its prepared context. ``repr`` tells apart what ``==`` does not (``true`` from
# ``1``, ``80`` from ``80.0``) and marks objects with a repeated key.
_last_tender: tuple[str, TenderRules] | None = None


def _tender(value: JSON, path: str, errors: list[Problem]) -> TenderRules | None:
    global _last_tender  # a one-slot cache, replaced atomically
    key = repr(value) if type(value) is dict else None
    last = _last_tender
    if key is not None and last is not None and last[0] == key:
        return last[1]
    obj = _object(value, path, errors)
    if obj is None:
        return None
    own: list[Problem] = []
    tender = TenderRules(*_fields(obj, _TENDER, path, own))
    found = _without_repeats(tender_problems(tender, path), own)
    errors.extend(own)
    errors.extend(found)
    if key is not None and not own and not found:
        _last_tender = (key, tender)
    return tender


def _application(
    tender: TenderRules | None, value: JSON, path: str, errors: list[Problem]
) -> ApplicationFacts | None:
    obj = _object(value, path, errors)
    if obj is None:
        return None
    own: list[Problem] = []
    application = ApplicationFacts(*_fields(obj, _APPLICATION, path, own))
    errors.extend(own)
    errors.extend(
        _without_repeats(application_problems(tender, application, path), own)
    )
    return application


def _root(doc: JSON, spec: _Spec, errors: list[Problem]) -> dict[str, Any]:
    obj = _object(doc, ROOT, errors)
    if obj is None:
        return {}
    return dict(zip(spec.parsers, _fields(obj, spec, ROOT, errors), strict=True))


def _keep(value: JSON, path: str, errors: list[Problem]) -> Any:
    return value


_ASSESS_ROOT = _Spec({"tender": _keep, "application": _keep})
_RANK_ROOT = _Spec({"tender": _keep, "applications": _keep})


def read_assess(doc: JSON) -> tuple[TenderRules, ApplicationFacts]:
    """The tender and the application of an ``assess`` case.

    :raises InvalidFacts: listing every error, with paths like ``tender.area`` and
        ``application.members[1].birth_date`` (``$`` is the document itself).
    """
    errors: list[Problem] = []
    top = _root(doc, _ASSESS_ROOT, errors)
    tender = application = None
    if "tender" in top and top["tender"] is not INVALID:
        tender = _tender(top["tender"], "tender", errors)
    if "application" in top and top["application"] is not INVALID:
        application = _application(tender, top["application"], "application", errors)
    if errors or tender is None or application is None:
        raise InvalidFacts(errors)
    return tender, application


def read_rank(doc: JSON) -> tuple[TenderRules, list[ApplicationFacts]]:
    """The tender and the applications of a ``rank`` case.

    :raises InvalidFacts: listing every error, with paths like ``applications[3].code``
        (a code used twice is an error at the second application's code).
    """
    errors: list[Problem] = []
    top = _root(doc, _RANK_ROOT, errors)
    tender = None
    applications: list[ApplicationFacts | None] = []
    if "tender" in top and top["tender"] is not INVALID:
        tender = _tender(top["tender"], "tender", errors)
    if "applications" in top and top["applications"] is not INVALID:
        items = top["applications"]
        if type(items) is not list:
            errors.append(Problem("applications", "json_array"))
        else:
            for i, item in enumerate(items):
                path = f"applications[{i}]"
                applications.append(_application(tender, item, path, errors))
            errors.extend(duplicate_code_problems(applications))
    valid = [application for application in applications if application is not None]
    if errors or tender is None or len(valid) != len(applications):
        raise InvalidFacts(errors)
    return tender, valid


# --- writing --------------------------------------------------------------------------


def money(value: Decimal) -> str:
    """Euros with two decimals, rounded half up: ``Decimal("15148.8")`` ->
    ``"15148.80"``."""
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP, context=_CONTEXT))


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    """An assessment as the case format's ``assess`` output, key for key."""
    a = assessment
    spatial = a.spatial_standard
    return {
        "code": a.code,
        "eligible": a.eligible,
        "ineligible_reasons": [
            {"article": r.article, "condition": r.condition, "message": r.message}
            for r in a.ineligible_reasons
        ],
        "list": a.list,
        "household_size": a.household_size,
        "household_monthly_income": money(a.household_monthly_income),
        "income_percent": money(a.income_percent),
        "income_limit_percent": a.income_limit_percent,
        "exemption_limit_percent": a.exemption_limit_percent,
        "property_limit": money(a.property_limit),
        "items": [{"code": line.code, "points": line.points} for line in a.items],
        "form_points": a.form_points,
        "priority_points": a.priority_points,
        "additional_points": a.additional_points,
        "total": a.total,
        "spatial_standard": {
            "without_own_share": [str(bound) for bound in spatial.without_own_share],
            "with_own_share": [str(bound) for bound in spatial.with_own_share],
        },
    }


def ranking_json(ranking: Ranking) -> dict[str, Any]:
    """A ranking as the case format's ``rank`` output (``sub_lists`` and
    ``unassigned`` only when the tender has sub-lists)."""
    result: dict[str, Any] = {
        "lists": {
            name: [
                {"code": entry.code, "rank": entry.rank, "total": entry.total}
                for entry in entries
            ]
            for name, entries in ranking.lists.items()
        },
        "ineligible": list(ranking.ineligible),
    }
    if ranking.sub_lists:
        result["sub_lists"] = {
            code: {
                "dwellings": sub.dwellings,
                "cutoff": sub.cutoff,
                "entries": [
                    {
                        "code": e.code,
                        "rank": e.rank,
                        "total": e.total,
                        "within": e.within,
                    }
                    for e in sub.entries
                ],
            }
            for code, sub in ranking.sub_lists.items()
        }
        result["unassigned"] = list(ranking.unassigned)
    return result


def errors_json(errors: Sequence[Error]) -> dict[str, Any]:
    """``{"errors": [{"path": ..., "message": ...}, ...]}``."""
    return {"errors": [{"path": path, "message": message} for path, message in errors]}


def dumps(value: Any, *, pretty: bool = False) -> bytes:
    """JSON as UTF-8 bytes and a newline; lone surrogates from ``\\ud800`` escapes in
    the input come out escaped again, so the output is always valid UTF-8 JSON."""
    text = (_PRETTY if pretty else _COMPACT).encode(value)
    return (text + "\n").encode("utf-8", "backslashreplace")
