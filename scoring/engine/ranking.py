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

from scoring.engine.result import Assessment, RankedEntry, build

LIST_A = "A"
LIST_B = "B"
LIST_ALL = "all"


def _key(
    assessment: Assessment, tie_break: Sequence[str]
) -> tuple[int, tuple[int, ...]]:
    """Sort key without the code: (-total, 0 for in / 1 for out of each tie-break
    category)."""
    codes = {line.code for line in assessment.items}
    return (-assessment.total, tuple(0 if code in codes else 1 for code in tie_break))


def rank_list(
    assessments: Iterable[Assessment], tie_break: Sequence[str]
) -> tuple[RankedEntry, ...]:
    """Rank one list of eligible assessments by the rule in this module's docstring."""
    keyed = sorted(
        ((_key(a, tie_break), a.code, a.total) for a in assessments),
        key=lambda item: (item[0], item[1]),
    )
    entries: list[RankedEntry] = []
    previous: tuple[int, tuple[int, ...]] | None = None
    rank = 0
    for position, (key, code, total) in enumerate(keyed, start=1):
        if key != previous:
            rank = position
            previous = key
        entries.append(build(RankedEntry, {"code": code, "rank": rank, "total": total}))
    return tuple(entries)


def priority_lists(
    assessments: Sequence[Assessment], *, tie_break: Sequence[str], separate_lists: bool
) -> tuple[dict[str, tuple[RankedEntry, ...]], tuple[str, ...]]:
    """The priority lists and the sorted codes of the ineligible applications."""
    eligible = [a for a in assessments if a.eligible]
    ineligible = tuple(sorted(a.code for a in assessments if not a.eligible))
    if separate_lists:
        lists = {
            LIST_A: rank_list((a for a in eligible if a.list == LIST_A), tie_break),
            LIST_B: rank_list((a for a in eligible if a.list == LIST_B), tie_break),
        }
    else:
        lists = {LIST_ALL: rank_list(eligible, tie_break)}
    return lists, ineligible
