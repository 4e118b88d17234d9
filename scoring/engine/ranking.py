"""Priority lists (Art. 6(3), 17(2), 23) and sub-lists with cut-offs: deterministic
ranking of assessed applications.

Ranking rule, in full:

1. Only eligible applications are ranked; the codes of the others are listed apart,
   sorted.
2. With ``separate_lists`` the applications go to list ``A`` (exempt from own share and
   security, Art. 9) or ``B`` (Art. 10), ranked separately (Art. 17(2), 23(2)); both
   keys are always present. Otherwise there is one list, ``all``.
3. Higher total first.
4. Equal totals: the tender's tie-break chain (Art. 6(3)), a list of categories of the
   Rules (and the tender's ``other:`` ones). At the first category in the chain where
   the tied applications differ, those *in* the category come first; membership
   follows the category's rule (:func:`scoring.engine.points.in_category`), whether or
   not the tender scores it.
5. Applications equal on the total and on every category of the chain share a rank
   (standard competition ranking: 1, 2, 2, 4) and are shown in order of application code
   (plain string order), so the output never depends on input order.

Sub-lists (scoring.md, "Sub-lists and cut-offs"):

6. An eligible application goes to the *first* sub-list of its own list, in the
   tender's order, whose rule it meets (:func:`rule_met`); one that meets none is
   *unassigned*.
7. Within a sub-list the order is the list's order and ranks start again at 1.
8. Cut-off: the one the lessor set, else the total at position ``dwellings`` (1-based),
   the lowest total when there are fewer entries; none with no entries or no
   dwellings. An entry is *within* when its total is at least the cut-off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scoring.engine.facts import SubList
from scoring.engine.household import Household
from scoring.engine.result import RankedEntry, SubListEntry, SubListResult

Keyed = tuple[Any, ...]
"""An entry to rank, one flat tuple: (-total, 0 in / 1 out of each tie-break code, code,
total)."""


def rank_keyed(entries: list[Keyed]) -> tuple[RankedEntry, ...]:
    """Rank :data:`Keyed` tuples (rules 3 to 5): equal keys (everything before the
    code) share the rank of the first of them. Sorts ``entries`` in place."""
    entries.sort()  # codes are unique, so the code decides before the total compares
    ranked: list[RankedEntry] = []
    previous: Keyed | None = None
    rank = 0
    for position, entry in enumerate(entries, start=1):
        key = entry[:-2]
        if key != previous:
            rank = position
            previous = key
        ranked.append(RankedEntry(entry[-2], rank, entry[-1]))
    return tuple(ranked)


def rule_met(rule: str, household: Household) -> bool:
    """Whether a household meets a sub-list's rule (rule 6)."""
    if rule == "wheelchair":
        return household.wheelchair_user
    if rule == "deaf_or_blind":
        return household.deaf_or_blind
    if rule == "families":
        return household.size > 1
    if rule == "singles":
        return household.size == 1
    return rule == "all"


def assign(sub_lists: tuple[SubList, ...], household: Household) -> str | None:
    """The code of the first of ``sub_lists`` (those of one list, in the tender's order)
    whose rule the household meets, or None (unassigned)."""
    for sub in sub_lists:
        if rule_met(sub.rule, household):
            return sub.code
    return None


def cutoff(sub: SubList, ranked: tuple[RankedEntry, ...]) -> int | None:
    """Rule 8: the sub-list's cut-off, or None."""
    if sub.cutoff is not None:
        return sub.cutoff
    if not ranked or sub.dwellings == 0:
        return None
    return ranked[min(sub.dwellings, len(ranked)) - 1].total


def sub_list_results(
    sub_lists: tuple[SubList, ...], keyed: Mapping[str, list[Keyed]]
) -> dict[str, SubListResult]:
    """Each sub-list ranked (rule 7) with its cut-off (rule 8), in the tender's order."""
    results: dict[str, SubListResult] = {}
    for sub in sub_lists:
        ranked = rank_keyed(keyed[sub.code])
        line = cutoff(sub, ranked)
        results[sub.code] = SubListResult(
            code=sub.code,
            list=sub.list,
            rule=sub.rule,
            dwellings=sub.dwellings,
            cutoff=line,
            cutoff_set_by_lessor=sub.cutoff is not None,
            entries=tuple(
                SubListEntry(
                    e.code, e.rank, e.total, line is not None and e.total >= line
                )
                for e in ranked
            ),
        )
    return results
