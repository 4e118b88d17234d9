"""What the engine returns: an assessment line by line, and ranked priority lists.

Every value is plain Python (``Decimal`` for money, ``int`` for points), so that
``scoring/services.py`` can save it and :mod:`scoring.engine.jsonio` can print it. Each
score line names its legal source; each ineligibility names its article and condition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One scored line: a Form item, a priority category or an additional condition.

    ``source`` names the legal basis, e.g. ``"Form I.1.2"``, ``"Form III; Art. 6"``,
    ``"Art. 4"``. ``claimed_points`` is what the line would score alone; it differs from
    ``points`` only for an additional condition trimmed by the cap of the note to Art.
    4.
    """

    code: str
    points: int
    source: str
    claimed_points: int


@dataclass(frozen=True, slots=True)
class Ineligibility:
    """A failed general condition: Art. 3(1) (``condition`` names which) or Art. 7."""

    article: str
    condition: str
    message: str


@dataclass(frozen=True, slots=True)
class SpatialStandard:
    """Art. 14: the household's dwelling area bounds in m2, (lower, upper)."""

    without_own_share: tuple[int, int]
    with_own_share: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Assessment:
    """One application assessed against its tender under one edition of the Rules.

    ``household_monthly_income`` and ``property_limit`` are exact; ``income_percent`` is
    the income in % of the average net salary rounded half up to two decimals, for
    display only (eligibility compares exact amounts). ``total == form_points +
    priority_points + additional_points == sum(line.points for line in items)``.
    """

    code: str
    edition: str
    point_value: Decimal
    eligible: bool
    ineligible_reasons: tuple[Ineligibility, ...]
    list: str
    household_size: int
    household_monthly_income: Decimal
    income_percent: Decimal
    income_limit_percent: int
    exemption_limit_percent: int
    property_limit: Decimal
    items: tuple[ScoreLine, ...]
    form_points: int
    priority_points: int
    additional_points: int
    total: int
    spatial_standard: SpatialStandard


@dataclass(frozen=True, slots=True)
class RankedEntry:
    """A place on a priority list (Art. 23); equal entries share a rank."""

    code: str
    rank: int
    total: int


@dataclass(frozen=True, slots=True)
class SubListEntry:
    """A place on a sub-list: ranks start again at 1 in every sub-list; ``within`` when
    the total is at least the sub-list's cut-off."""

    code: str
    rank: int
    total: int
    within: bool


@dataclass(frozen=True, slots=True)
class SubListResult:
    """One sub-list of a tender ranked: its dwellings, its cut-off (None: none) and its
    entries in the list's order."""

    code: str
    list: str
    rule: str
    dwellings: int
    cutoff: int | None
    cutoff_set_by_lessor: bool
    entries: tuple[SubListEntry, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    """The priority lists of a tender (Art. 17(2), 23).

    ``lists`` has the keys ``"A"`` and ``"B"`` when the tender separates the lists, else
    the one key ``"all"``. ``ineligible`` holds the codes of ineligible applications in
    code order. ``assessments`` maps every application's code to its assessment,
    eligible or not. ``sub_lists`` maps each of the tender's sub-lists' codes (in the
    tender's order) to its result, and ``unassigned`` holds the codes of eligible
    applications that meet no rule of their list, in code order; both are empty when
    the tender has no sub-lists.
    """

    lists: Mapping[str, tuple[RankedEntry, ...]]
    ineligible: tuple[str, ...]
    assessments: Mapping[str, Assessment]
    sub_lists: Mapping[str, SubListResult]
    unassigned: tuple[str, ...]
