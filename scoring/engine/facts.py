"""The facts the engine scores: a tender's settings and its applications, as frozen
dataclasses, and the error that refuses them.

The engine never reads a database: ``scoring/services.py`` (or
:mod:`scoring.engine.jsonio`) builds these objects, and :mod:`scoring.engine.checks`
checks them before anything is scored. A missing or invalid fact is a
:class:`Problem` (house style, section 3: refuse to guess), whose path follows the JSON
case format (``tender.priority_categories.youth``,
``application.members[1].birth_date``) and whose words come from the sl/en catalogue in
:mod:`scoring.engine.labels`.

Fields added after the first case format (``deaf_or_blind``, ``business_property_value``,
``disability_aids_monthly``, ``violence_co_ownership_unusable``, ``sub_lists``) have
defaults (false, zero, none), so that existing callers stay valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from scoring.engine.labels import DEFAULT_LANGUAGE, message

_ZERO = Decimal("0.00")

Error = tuple[str, str]
"""A validation error as text: (JSON path, message)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One invalid or missing fact: where (``path``), what (``code``, a key of
    :data:`scoring.engine.labels.MESSAGES`) and the values its message names."""

    path: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` (``"sl"``, ``"en"``, ``"sl-SI"``; others: English)."""
        return message(self.code, lang, dict(self.params))


class InvalidFacts(ValueError):
    """The facts are missing or invalid.

    ``problems`` lists every :class:`Problem`; ``errors`` the same as (path, English
    message) pairs; :meth:`messages` in another language.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        self.errors: list[Error] = self.messages(DEFAULT_LANGUAGE)
        summary = "; ".join(f"{path}: {text}" for path, text in self.errors[:5])
        more = len(self.errors) - 5
        super().__init__(summary + (f"; and {more} more" if more > 0 else ""))

    def messages(self, lang: str) -> list[Error]:
        """Every problem as (path, message in ``lang``)."""
        return [(p.path, p.message(lang)) for p in self.problems]


@dataclass(frozen=True, slots=True)
class Member:
    """A household member: the applicant or someone who will live with them (Art. 3).

    ``other_property_value`` is the member's other property (note to Art. 3);
    ``business_property_value`` the business premises and equipment the member earns a
    living with, which count only above the appropriate dwelling's value.
    ``deaf_or_blind`` decides the ``deaf_or_blind`` sub-list only.
    """

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
    deaf_or_blind: bool = False
    business_property_value: Decimal = _ZERO


@dataclass(frozen=True, slots=True)
class PointValue:
    """A tender's dated point value (EUR), overriding the edition's (note to Art. 3)."""

    eur: Decimal
    valid_from: date


SUB_LIST_RULES = ("wheelchair", "deaf_or_blind", "families", "singles", "all")
"""The rules of a sub-list (scoring.md, "Sub-lists and cut-offs")."""


@dataclass(frozen=True, slots=True)
class SubList:
    """A part of list A, B (or ``all``) with its own dwellings, e.g. JSS MOL's A1.

    ``rule`` is one of :data:`SUB_LIST_RULES`; ``cutoff`` is a cut-off the lessor set by
    hand (None: computed from ``dwellings``).
    """

    code: str
    list: str
    rule: str
    dwellings: int
    cutoff: int | None = None


@dataclass(frozen=True, slots=True)
class TenderRules:
    """A tender's settings (Art. 3, 4, 6, 17, 18). Mappings keep the tender's key order.

    ``area`` is one municipality's name or a tuple of them (a lessor serving several);
    ``sub_lists`` are the tender's sub-lists in the tender's order.
    """

    rules: str
    published_on: date
    average_net_salary: Decimal
    area: str | tuple[str, ...]
    admitted_citizenships: tuple[str, ...]
    priority_categories: Mapping[str, int]
    tie_break: tuple[str, ...]
    additional_conditions: Mapping[str, int]
    separate_lists: bool
    point_value: PointValue | None = None
    sub_lists: tuple[SubList, ...] = ()

    def __post_init__(self) -> None:
        # Copy the mappings behind read-only proxies so a frozen tender stays frozen.
        for name in ("priority_categories", "additional_conditions"):
            value = getattr(self, name)
            if isinstance(value, Mapping):
                object.__setattr__(self, name, MappingProxyType(dict(value)))
        for name in ("area", "admitted_citizenships", "tie_break", "sub_lists"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    """One application: the Form's facts (items 1-7) and the household's members.

    ``disability_aids_monthly`` is what the household spends a month on the aids a
    member's disability requires (deducted from its income, note to Art. 3);
    ``violence_co_ownership_unusable``: the domestic-violence victim co-owns a dwelling
    she or he cannot use because of the violence (it does not exclude, note to Art. 3).
    """

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
    disability_aids_monthly: Decimal = _ZERO
    violence_co_ownership_unusable: bool = False

    def __post_init__(self) -> None:
        for name in ("other_categories", "additional_conditions", "members"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))
