"""Priority lists (Art. 6(3), 17(2), 23): deterministic ranking of assessed
applications.

Ranking rule, in full:

1. Only eligible applications are ranked; the codes of the others are listed apart,
   sorted.
2. With ``separate_lists`` the applications go to list ``A`` (exempt from own share and
   security, Art. 9) or ``B`` (Art. 10), ranked separately (Art. 17(2), 23(2)); both
   keys are always present. Otherwise there is one list, ``all``.
3. Higher total first.
4. Equal totals: the tender's tie-break chain (Art. 6(3)), a list of its priority
   categories. At the first category in the chain where the tied applications differ,
   those *in* the category (that scored the category's line) come first.
5. Applications equal on the total and on every category of the chain share a rank
   (standard competition ranking: 1, 2, 2, 4) and are shown in order of application code
   (plain string order), so the output never depends on input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from scoring.engine.result import Assessment, RankedEntry

LIST_A = "A"
LIST_B = "B"
LIST_ALL = "all"


Keyed = tuple[Any, ...]
"""An entry to rank, one flat tuple: (-total, 0 in / 1 out of each tie-break code, code,
total). Flat, so that ranking 100,000 applications allocates few objects."""


def keyed(assessment: Assessment, tie_break: Sequence[str]) -> Keyed:
    """Rules 3 to 5 of the module docstring as a sortable tuple (smaller first)."""
    codes = {line.code for line in assessment.items}
    return (
        -assessment.total,
        *[0 if code in codes else 1 for code in tie_break],
        assessment.code,
        assessment.total,
    )


def rank_keyed(entries: list[Keyed]) -> tuple[RankedEntry, ...]:
    """Rank :func:`keyed` tuples: equal keys (everything before the code) share the rank
    of the first of them (competition ranking). Sorts ``entries`` in place."""
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


def rank_list(
    assessments: Iterable[Assessment], tie_break: Sequence[str]
) -> tuple[RankedEntry, ...]:
    """Rank one list of eligible assessments by the rule in this module's docstring."""
    return rank_keyed([keyed(a, tie_break) for a in assessments])


def list_names(separate_lists: bool) -> tuple[str, ...]:
    """A tender's lists: ``("A", "B")`` when it separates them, else ``("all",)``."""
    return (LIST_A, LIST_B) if separate_lists else (LIST_ALL,)


def priority_lists(
    assessments: Sequence[Assessment], *, tie_break: Sequence[str], separate_lists: bool
) -> tuple[dict[str, tuple[RankedEntry, ...]], tuple[str, ...]]:
    """The priority lists and the sorted codes of the ineligible applications."""
    by_list: dict[str, list[Keyed]] = {name: [] for name in list_names(separate_lists)}
    ineligible = []
    for a in assessments:
        if a.eligible:
            name = a.list if separate_lists else LIST_ALL
            by_list[name].append(keyed(a, tie_break))
        else:
            ineligible.append(a.code)
    lists = {name: rank_keyed(entries) for name, entries in by_list.items()}
    return lists, tuple(sorted(ineligible))
