"""Registry of the editions of the Rules: one module of numbers per edition.

An *edition* is the set of numbers a version of the Rules fixes (income limits, spatial
standards, Form points, the point value, ages). The numbers live in one module per
edition (``si_2004.py`` for the Rules of 2004); this package turns each module into an
:class:`Edition` and registers it under its id. A tender names its edition in ``rules``;
a saved scoring run keeps the id, so a later amendment never changes an earlier result.

Adding an edition: copy ``si_2004.py`` to a new module, change the numbers and ``ID``,
and add the module to ``_MODULES`` below. :func:`_from_module` refuses a module that
leaves a number out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from types import MappingProxyType, ModuleType

from scoring.engine.editions import si_2004

Bounds = tuple[int, int]


@dataclass(frozen=True)
class Edition:
    """The numbers of one edition of the Rules (``si_2004.py`` names the articles)."""

    id: str
    title: str
    income_limit_percent: tuple[int, ...]
    income_limit_step: int
    exemption_percent: tuple[int, ...]
    exemption_step: int
    spatial_without_own_share: tuple[Bounds, ...]
    spatial_with_own_share: tuple[Bounds, ...]
    spatial_step: int
    appropriate_dwelling_points: int
    point_value_eur: Decimal
    property_limit_percent: int
    form_maximum_points: int
    additional_cap_percent: int
    housing_status_points: tuple[tuple[str, int], ...]
    item_points: tuple[tuple[str, int], ...]
    form_sections: tuple[tuple[str, tuple[int, ...]], ...]
    crowding_bands: tuple[tuple[int, str], ...]
    status_without_dwelling: str
    status_denationalised: str
    category_codes: tuple[str, ...]
    category_points_range: Bounds
    extra_child_points_range: Bounds
    minor_age: int
    over_65_age: int
    young_family_max_age: int
    youth_max_age: int
    large_family_min_minors: int
    few_employed_min_members: int
    few_employed_employed: int
    long_service_years: tuple[tuple[str, int], ...]
    long_service_statuses: tuple[str, ...]
    eu_member_states: tuple[str, ...]
    # Derived look-ups, built once from the numbers above.
    points: Mapping[str, int] = field(init=False, repr=False, compare=False)
    #: Note to Art. 4: 25 % of the Form's 450, rounded down (112 in SI-2004).
    additional_cap: int = field(init=False, repr=False, compare=False)
    sources: Mapping[str, str] = field(init=False, repr=False, compare=False)
    #: The Form item 1 codes, in Form order ("1.1" .. "1.6").
    housing_statuses: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = dict(self.housing_status_points)
        table.update(self.item_points)
        object.__setattr__(self, "points", MappingProxyType(table))
        object.__setattr__(
            self,
            "additional_cap",
            self.form_maximum_points * self.additional_cap_percent // 100,
        )
        section_of = {
            item: section for section, items in self.form_sections for item in items
        }
        sources = {
            code: f"Form {section_of[int(code.split('.', 1)[0])]}.{code}"
            for code in table
        }
        object.__setattr__(self, "sources", MappingProxyType(sources))
        statuses = tuple(code for code, _ in self.housing_status_points)
        object.__setattr__(self, "housing_statuses", statuses)

    def income_limit_percent_for(self, n: int) -> int:
        """Art. 5: the income limit, % of the average net salary, for ``n`` members."""
        return _scale(self.income_limit_percent, self.income_limit_step, n)

    def exemption_percent_for(self, n: int) -> int:
        """Art. 9: the exemption limit (list A), in % of the average net salary."""
        return _scale(self.exemption_percent, self.exemption_step, n)

    def spatial_standard_for(self, n: int) -> tuple[Bounds, Bounds]:
        """Art. 14: ((lower, upper) without, (lower, upper) with own share), in m2."""
        return (
            _bounds(self.spatial_without_own_share, self.spatial_step, n),
            _bounds(self.spatial_with_own_share, self.spatial_step, n),
        )

    def category_points_bounds(self, code: str) -> Bounds:
        """Form III, Art. 6: the points a tender may give the category ``code``."""
        if code == "large_family_extra_child":
            return self.extra_child_points_range
        return self.category_points_range


def _scale(table: tuple[int, ...], step: int, n: int) -> int:
    if n < 1:
        raise ValueError("a household has at least one member")
    if n <= len(table):
        return table[n - 1]
    return table[-1] + step * (n - len(table))


def _bounds(table: tuple[Bounds, ...], step: int, n: int) -> Bounds:
    if n < 1:
        raise ValueError("a household has at least one member")
    if n <= len(table):
        return table[n - 1]
    lower, upper = table[-1]
    extra = step * (n - len(table))
    return (lower + extra, upper + extra)


def _from_module(module: ModuleType) -> Edition:
    """An :class:`Edition` from a module with an upper-case constant per field."""
    names = [f.name for f in fields(Edition) if f.init]
    missing = [name.upper() for name in names if not hasattr(module, name.upper())]
    if missing:
        raise ImportError(f"{module.__name__} leaves out {', '.join(missing)}")
    return Edition(**{name: getattr(module, name.upper()) for name in names})


_MODULES: tuple[ModuleType, ...] = (si_2004,)

#: Every known edition by its id (the tender's ``rules``).
EDITIONS: Mapping[str, Edition] = MappingProxyType(
    {edition.id: edition for edition in map(_from_module, _MODULES)}
)

#: Never assumed in scoring: used only to check numbers for an error report when a
#: tender names an unknown edition (so that every bad field is still reported).
LATEST: Edition = EDITIONS[si_2004.ID]

__all__ = ["EDITIONS", "LATEST", "Edition"]
