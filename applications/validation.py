"""Field checks of applications and members, with translated messages.

Each check takes raw values (Python values from a form, or strings) and returns the
parsed value, adding a message at the field when it is refused. Used by
:mod:`applications.services` only.
"""

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from stdnum import exceptions as stdnum_errors
from stdnum.si import emso as stdnum_emso

from housing.errors import ErrorCollector

from .constants import INTERNATIONAL_PROTECTION, LJUBLJANA, Sex
from .countries import code_for_name, is_country

MONEY_MAX = Decimal("9999999999.99")
CENT = Decimal("0.01")
_COUNTRY = re.compile(r"[A-Z]{2}")
# Codes that are not a citizenship: "EU" is a token of the tender only (and
# exceptionally reserved in ISO 3166-1, so not in the list either).
_NOT_COUNTRIES = frozenset({"EU"})


def boolean(value: Any, field: str, errors: ErrorCollector) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "on", "1", 1):
        return True
    if value in ("false", "off", "0", 0, "", None):
        return False
    errors.add(field, _("Choose yes or no."))
    return False


def decimal(
    value: Any,
    field: str,
    errors: ErrorCollector,
    *,
    maximum: Decimal = MONEY_MAX,
    required: bool = True,
) -> Decimal | None:
    """A non-negative amount with at most two decimals (money, areas, years)."""
    if value is None or value == "":
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, float | bool):
        errors.add(field, _("Enter a number."))
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors.add(field, _("Enter a number."))
        return None
    if not number.is_finite():
        errors.add(field, _("Enter a number."))
        return None
    if number < 0:
        errors.add(field, _("The amount cannot be negative."))
        return None
    if number != number.quantize(CENT):
        errors.add(field, _("Use at most two decimal places."))
        return None
    if number > maximum:
        errors.add(
            field,
            _("The amount cannot be more than %(max)s.") % {"max": maximum},
        )
        return None
    return number.quantize(CENT)


def birth_date(
    value: Any, field: str, errors: ErrorCollector, *, today: datetime.date
) -> datetime.date | None:
    if value in (None, ""):
        errors.add(field, _("This field is required."))
        return None
    if isinstance(value, datetime.datetime):
        errors.add(field, _("Enter a valid date."))
        return None
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            errors.add(field, _("Enter a valid date."))
            return None
    if value > today:
        errors.add(field, _("The birth date cannot be in the future."))
        return None
    if value.year < 1900:
        errors.add(field, _("Enter a valid date."))
        return None
    return value


def text(
    value: Any, field: str, errors: ErrorCollector, *, max_length: int, required: bool
) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors.add(field, _("This field is required."))
    elif len(value) > max_length:
        errors.add(
            field,
            _("Use at most %(max)d characters.") % {"max": max_length},
        )
    return value


def citizenship(value: Any, field: str, errors: ErrorCollector) -> str:
    """A country's ISO 3166-1 alpha-2 code (or ``XK``, Kosovo), or ``IP`` for
    international protection; a country's name in Slovenian or English is taken for
    its code (:mod:`applications.countries`). Returns the code."""
    text = "" if value is None else str(value).strip()
    code = text.upper()
    if not code:
        errors.add(field, _("This field is required."))
        return code
    if code == INTERNATIONAL_PROTECTION or (
        _COUNTRY.fullmatch(code) and code not in _NOT_COUNTRIES and is_country(code)
    ):
        return code
    by_name = code_for_name(text)
    if by_name is not None:
        return by_name
    errors.add(
        field,
        _(
            "Enter a country from the list, by its name or its two-letter code (for "
            "example SI for Slovenia), or %(ip)s for international protection."
        )
        % {"ip": INTERNATIONAL_PROTECTION},
    )
    return code


def emso(
    value: Any,
    field: str,
    errors: ErrorCollector,
    *,
    birth: datetime.date | None,
    sex: str | None,
) -> str:
    """An EMŠO (13 digits, check digit), matching the birth date and, for F or M, sex.

    The EMŠO holds the birth date (digits 1-7) and the sex at registration
    (digits 10-12: below 500 male); sex ``X`` is not compared.
    """
    number = "" if value is None else "".join(str(value).split())
    if not number:
        return ""
    for problem in _emso_problems(number, birth, sex):
        errors.add(field, _EMSO_MESSAGES[problem]())
    return number


_EMSO_MESSAGES = {
    "checksum": lambda: _("This EMŠO is not valid: its check digit is wrong."),
    "length": lambda: _("An EMŠO has exactly 13 digits."),
    "date": lambda: _("This EMŠO does not begin with a real date."),
    "birth": lambda: _("The EMŠO does not match the birth date."),
    "sex": lambda: _("The EMŠO does not match the sex."),
}


@functools.lru_cache(maxsize=4096)
def _emso_problems(
    number: str, birth: datetime.date | None, sex: str | None
) -> tuple[str, ...]:
    """What is wrong with ``number`` (keys of ``_EMSO_MESSAGES``): a pure function
    of its arguments, kept for the next save of the same household (every save
    checks every member)."""
    try:
        stdnum_emso.validate(number)
    except stdnum_errors.InvalidChecksum:
        return ("checksum",)
    except (stdnum_errors.InvalidLength, stdnum_errors.InvalidFormat):
        return ("length",)
    except stdnum_errors.ValidationError:
        return ("date",)
    problems = []
    if birth is not None and stdnum_emso.get_birth_date(number) != birth:
        problems.append("birth")
    if sex in (Sex.FEMALE, Sex.MALE) and stdnum_emso.get_gender(number) != sex:
        problems.append("sex")
    return tuple(problems)


def local_today(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(now or timezone.now(), LJUBLJANA)
