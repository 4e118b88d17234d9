"""Reads of the priority lists (issue 14): the public pages, the applicant's place,
the staff pages and the difference between two versions.

Public reads return application codes, never names.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from applications.models import Application
from review.constants import SPECIAL_FACTS
from tenders.models import Tender

from .constants import FROZEN_STATES, ListState
from .models import CutoffOverride, Decision, ListEntry, ListVersion
from .services import lessor_cutoffs

MASK = "***"


def published_versions(tender: Tender) -> QuerySet[ListVersion]:
    """The tender's versions ever published (the one in force and those a later
    publication superseded), newest first; never a draft."""
    return ListVersion.objects.filter(
        tender=tender, state__in=FROZEN_STATES, published_at__isnull=False
    ).order_by("-number")


def current_version(tender: Tender) -> ListVersion | None:
    """The version in force: the published one (``None`` before publication)."""
    return (
        ListVersion.objects.filter(tender=tender, state=ListState.PUBLISHED)
        .order_by("-number")
        .first()
    )


def versions_for_staff(tender: Tender) -> QuerySet[ListVersion]:
    """Every version of the tender, newest first, with who built and approved it."""
    return (
        ListVersion.objects.filter(tender=tender)
        .select_related("built_by", "approved_by", "published_by")
        .order_by("-number")
    )


@dataclass
class SubListView:
    """One sub-list of a version (or a whole list when the tender has none)."""

    code: str
    list: str
    name: str
    dwellings: int | None
    cutoff: int | None
    cutoff_set_by_lessor: bool
    entries: list[ListEntry] = field(default_factory=list)


def _sub_list_names(tender: Tender) -> dict[str, str]:
    from django.utils.translation import get_language

    english = not (get_language() or "sl").startswith("sl")
    return {
        s.code: (s.name_en if english and s.name_en else s.name)
        for s in tender.sublists.all()
    }


def sub_lists_of(
    version: ListVersion, *, with_entries: bool = True
) -> list[SubListView]:
    """The version's sub-lists in the tender's order with their entries and
    cut-offs; without sub-lists one group per list; unassigned entries last.
    ``with_entries=False`` reads no entry (the cut-offs come from the output)."""
    entries = list(version.entries.order_by("position")) if with_entries else []
    output = version.engine_output
    if "sub_lists" not in output:
        return [
            SubListView(
                code=name,
                list=name,
                name="",
                dwellings=None,
                cutoff=None,
                cutoff_set_by_lessor=False,
                entries=[e for e in entries if e.list == name],
            )
            for name in output["lists"]
        ]
    names = _sub_list_names(version.tender)
    by_lessor = lessor_cutoffs(version.engine_input)
    lists = {s["code"]: s["list"] for s in version.engine_input["tender"]["sub_lists"]}
    groups = []
    for code, sub in output["sub_lists"].items():
        in_sub = sorted(
            (e for e in entries if e.sub_list == code), key=lambda e: (e.rank, e.code)
        )
        groups.append(
            SubListView(
                code=code,
                list=lists.get(code, ""),
                name=names.get(code, ""),
                dwellings=sub["dwellings"],
                cutoff=sub["cutoff"],
                cutoff_set_by_lessor=code in by_lessor,
                entries=in_sub,
            )
        )
    unassigned = [e for e in entries if not e.sub_list]
    if unassigned:
        groups.append(
            SubListView(
                code="",
                list="",
                name="",
                dwellings=None,
                cutoff=None,
                cutoff_set_by_lessor=False,
                entries=unassigned,
            )
        )
    return groups


@dataclass(frozen=True)
class Standing:
    """An applicant's place on the version in force."""

    version: ListVersion
    entry: ListEntry | None
    cutoff: int | None
    dwellings: int | None
    ineligible: bool


def standing_for(application: Application) -> Standing | None:
    """``application``'s rank, sub-list and the sub-list's cut-off on the published
    version of its tender; ``None`` before publication. ``entry`` is ``None`` when
    the application is not on the list (rejected or ineligible)."""
    # The version in force (:func:`current_version`) without its input, which holds
    # every verified application of the tender and is not needed here.
    version = (
        ListVersion.objects.filter(
            tender_id=application.tender_id, state=ListState.PUBLISHED
        )
        .defer("engine_input")
        .order_by("-number")
        .first()
    )
    if version is None:
        return None
    # One entry at most (``one_entry_per_application``): the default ordering would
    # join the version and the tender to sort it.
    entry = (
        ListEntry.objects.filter(version=version, application=application)
        .order_by("pk")
        .first()
    )
    sub = {}
    if entry is not None and entry.sub_list:
        sub = version.engine_output.get("sub_lists", {}).get(entry.sub_list, {})
    return Standing(
        version=version,
        entry=entry,
        cutoff=sub.get("cutoff"),
        dwellings=sub.get("dwellings"),
        ineligible=application.code in version.engine_output.get("ineligible", []),
    )


# --- the difference between two versions ---------------------------------------------


@dataclass(frozen=True)
class FactChange:
    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class EntryChange:
    """One application that moved between two versions. ``rank_change`` is positive
    when it moved up the list; ``why`` the verified facts that changed (values of
    special-category facts masked)."""

    code: str
    old: ListEntry | None
    new: ListEntry | None
    why: list[FactChange]

    @property
    def rank_change(self) -> int | None:
        if self.old is None or self.new is None:
            return None
        return self.old.list_rank - self.new.list_rank

    @property
    def total_change(self) -> int | None:
        if self.old is None or self.new is None:
            return None
        return self.new.total - self.old.total


@dataclass(frozen=True)
class CutoffChange:
    sub_list: str
    old: int | None
    new: int | None
    overrides: list[CutoffOverride]


@dataclass(frozen=True)
class Diff:
    old: ListVersion
    new: ListVersion
    entries: list[EntryChange]
    cutoffs: list[CutoffChange]


def _flat(case: dict[str, Any] | None) -> dict[str, Any]:
    if case is None:
        return {}
    flat = {k: v for k, v in case.items() if k != "members"}
    for index, member in enumerate(case.get("members", [])):
        for key, value in member.items():
            flat[f"members[{index}].{key}"] = value
    return flat


def fact_changes(old_case, new_case) -> list[FactChange]:
    """The keys of two engine ``application`` objects that differ (special-category
    values masked)."""
    old, new = _flat(old_case), _flat(new_case)
    changes = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) == new.get(path):
            continue
        special = path.rsplit(".", 1)[-1] in SPECIAL_FACTS
        changes.append(
            FactChange(
                path,
                MASK if special else old.get(path),
                MASK if special else new.get(path),
            )
        )
    return changes


def _cases(version: ListVersion) -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in version.engine_input["applications"]}


def list_diff(old: ListVersion, new: ListVersion) -> Diff:
    """Who moved between ``old`` and ``new`` (entered, left, other rank, other total,
    other sub-list or side of the cut-off), by how much, and why: the verified facts
    that changed between the two inputs, and the cut-offs changed (with the
    lessor's reasons recorded on the versions between them)."""
    old_entries = {e.code: e for e in old.entries.all()}
    new_entries = {e.code: e for e in new.entries.all()}
    old_cases, new_cases = _cases(old), _cases(new)
    changes = []
    for code in sorted(set(old_entries) | set(new_entries)):
        a, b = old_entries.get(code), new_entries.get(code)
        if (
            a is not None
            and b is not None
            and (a.list, a.sub_list, a.rank, a.list_rank, a.total, a.within)
            == (b.list, b.sub_list, b.rank, b.list_rank, b.total, b.within)
        ):
            continue
        changes.append(
            EntryChange(
                code, a, b, fact_changes(old_cases.get(code), new_cases.get(code))
            )
        )
    low, high = sorted((old.number, new.number))
    overrides = list(
        CutoffOverride.objects.filter(
            version__tender=old.tender,
            version__number__gt=low,
            version__number__lte=high,
        ).select_related("by")
    )
    old_subs = old.engine_output.get("sub_lists", {})
    new_subs = new.engine_output.get("sub_lists", {})
    cutoffs = []
    for code in [*new_subs, *(c for c in old_subs if c not in new_subs)]:
        before = old_subs.get(code, {}).get("cutoff")
        after = new_subs.get(code, {}).get("cutoff")
        if before != after:
            cutoffs.append(
                CutoffChange(
                    code, before, after, [o for o in overrides if o.sub_list == code]
                )
            )
    changes.sort(key=lambda c: (c.new.position if c.new else 10**9, c.code))
    return Diff(old=old, new=new, entries=changes, cutoffs=cutoffs)


# --- decisions and appeals (Art. 24) ---------------------------------------------------


def decisions_of_tender(tender: Tender) -> list[Decision]:
    """Every decision of the tender (latest version first), with its appeals."""
    return list(
        Decision.objects.filter(version__tender=tender)
        .select_related("application", "version")
        .prefetch_related("appeals")
        .order_by("-version__number", "application__code")
    )


def decision_for_applicant(application: Application) -> Decision | None:
    """The latest decision on ``application`` (the one that counts), or ``None``."""
    return (
        Decision.objects.filter(application=application)
        .order_by("-issued_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class DecisionNotice:
    """What the applicant's page says of their decision: the decision, the appeal
    body (active language) and article, the last day to appeal (``None`` until a
    paper decision's delivery is recorded)."""

    decision: Decision
    appeal_body: str
    appeal_article: str
    deadline: Any
    days: int


def decision_notice(application: Application) -> DecisionNotice | None:
    """The applicant's latest decision with its appeal instruction, or ``None``."""
    from .constants import APPEAL_DAYS
    from .decisions import appeal_body, appeal_deadline

    decision = decision_for_applicant(application)
    if decision is None:
        return None
    body, article = appeal_body(decision)
    return DecisionNotice(
        decision=decision,
        appeal_body=body,
        appeal_article=article,
        deadline=appeal_deadline(decision),
        days=APPEAL_DAYS,
    )


def latest_job(kind: str, target: Any):
    """The latest background job of ``kind`` on ``target`` (to show its progress),
    or ``None``."""
    from django.contrib.contenttypes.models import ContentType

    from jobs.models import Job

    return (
        Job.objects.filter(
            kind=kind,
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
        )
        .order_by("-pk")
        .first()
    )
