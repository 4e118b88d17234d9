"""Building, changing, approving and publishing priority lists (issue 14; Art. 9,
17(2), 20(4), 23 of the Rules).

A version is built from the commission's verified facts only
(``ApplicationReview.verified_case``) through the scoring engine's ``rank``: the
input is kept exactly as ``python -m scoring rank -`` reads it (case-format.md), so
anyone can run the engine on it again and get the stored output
(``manage.py export_rank_input``). Every write refuses with a
:class:`~housing.errors.ServiceError` and changes nothing.
"""

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.constants import LJUBLJANA
from applications.engine_input import tender_case
from applications.models import AmendmentRequest, Application
from applications.selectors import lodged_applications
from housing.errors import ServiceError
from housing.models import User
from review.constants import RejectionState, ReviewState
from review.models import ApplicationReview
from scoring import engine
from scoring.engine.jsonio import decode, ranking_json, read_rank
from scoring.services import SUB_LIST_RULES
from tenders.models import Tender

from . import permissions as perm
from .constants import (
    APPEAL_DAYS,
    FROZEN_STATES,
    AppealOutcome,
    DecisionKind,
    ListState,
)
from .models import Appeal, CutoffOverride, Decision, ListEntry, ListVersion

logger = logging.getLogger(__name__)

#: How many codes a refusal names before "and N more".
SHOWN_CODES = 10


# --- canonical JSON and hashes ---------------------------------------------------------


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8 (the hashes are of these bytes)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sha256(value: Any) -> str:
    """SHA-256 (hex) of :func:`canonical` ``value``."""
    return hashlib.sha256(canonical(value)).hexdigest()


def run_rank(engine_input: dict[str, Any]) -> dict[str, Any]:
    """The engine's ``rank`` output for a case-format ``rank`` input, read exactly as
    ``python -m scoring rank -`` reads it.

    :raises engine.InvalidFacts: when the engine refuses the input.
    """
    return _rank_and_hash(engine_input)[0]


def _rank_and_hash(engine_input: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """:func:`run_rank` and the :func:`sha256` of ``engine_input``, from one
    encoding of it to canonical JSON (the bytes the engine reads are the bytes hashed).
    """
    data = canonical(engine_input)
    tender, applications = read_rank(decode(data))
    return ranking_json(engine.rank(tender, applications)), hashlib.sha256(
        data
    ).hexdigest()


# --- the engine input ------------------------------------------------------------------


def sub_lists_input(tender: Tender, cutoffs: dict[str, int]) -> list[dict[str, Any]]:
    """The tender's sub-lists in its order (case-format ``sub_lists``), with the
    cut-offs the lessor set (``cutoffs``, by sub-list code)."""
    items = []
    for sub in tender.sublists.all():
        item: dict[str, Any] = {
            "code": sub.code,
            "list": sub.list_kind if tender.separate_lists else "all",
            "rule": SUB_LIST_RULES.get(sub.rule, sub.rule),
            "dwellings": sub.dwellings,
        }
        if cutoffs.get(sub.code) is not None:
            item["cutoff"] = cutoffs[sub.code]
        items.append(item)
    return items


def lessor_cutoffs(engine_input: dict[str, Any]) -> dict[str, int]:
    """The cut-offs set by the lessor in an engine input, by sub-list code."""
    return {
        s["code"]: s["cutoff"]
        for s in engine_input["tender"].get("sub_lists", [])
        if s.get("cutoff") is not None
    }


def rank_input(
    tender: Tender, cases: list[dict[str, Any]], cutoffs: dict[str, int]
) -> dict[str, Any]:
    """The ``rank`` input (case-format.md): the tender with its sub-lists and the
    lessor's cut-offs, and the verified ``cases`` in code order."""
    data = tender_case(tender)
    if tender.sublists.exists():
        data["sub_lists"] = sub_lists_input(tender, cutoffs)
    return {
        "tender": data,
        "applications": sorted(cases, key=lambda case: case["code"]),
    }


# --- preconditions ---------------------------------------------------------------------


def _codes(codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOWN_CODES])
    if len(codes) > SHOWN_CODES:
        shown += " " + _("and %(count)d more") % {"count": len(codes) - SHOWN_CODES}
    return shown


def build_problems(tender: Tender, now: datetime.datetime | None = None) -> list[str]:
    """Why the lists of ``tender`` cannot be built now (empty when they can): the
    application deadline not passed, an application not yet decided (verified, or
    rejected), an amendment deadline not passed (Art. 20(4))."""
    now = now or timezone.now()
    problems = []
    if tender.deadline > now:
        problems.append(_("The tender is still open for applications."))
    # Only the columns needed (a review's JSON columns are large, issue 14 "Speed").
    lodged = list(
        lodged_applications(tender).order_by("code").values_list("pk", "code")
    )
    reviews = {
        application_id: (state, rejection_state)
        for application_id, state, rejection_state in ApplicationReview.objects.filter(
            application__tender=tender
        ).values_list("application_id", "state", "rejection_state")
    }
    undecided = []
    for pk, code in lodged:
        state, rejection_state = reviews.get(pk, (None, None))
        decided = state == ReviewState.REJECTED or (
            state == ReviewState.VERIFIED and rejection_state != RejectionState.DRAFTED
        )
        if not decided:
            undecided.append(code)
    if undecided:
        problems.append(
            _(
                "%(count)d application(s) are not yet decided (verified or "
                "rejected): %(codes)s."
            )
            % {"count": len(undecided), "codes": _codes(undecided)}
        )
    open_amendments = sorted(
        AmendmentRequest.objects.filter(
            application__tender=tender, deadline__gt=now
        ).values_list("application__code", flat=True)
    )
    if open_amendments:
        problems.append(
            _(
                "The time limit for amending an application has not yet expired "
                "(Art. 20(4)): %(codes)s."
            )
            % {"codes": _codes(list(dict.fromkeys(open_amendments)))}
        )
    if not lodged:
        problems.append(_("The tender has no applications."))
    return problems


# --- building --------------------------------------------------------------------------


def _next_number(tender: Tender) -> int:
    last = (
        ListVersion.objects.filter(tender=tender)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def version_data(version: ListVersion) -> dict[str, Any]:
    """The data of a version: its sub-lists (dwellings, cut-off, whether the lessor
    set it) and its entries in list order; ``data_sha256`` is of this."""
    return _data(
        version.engine_input,
        version.engine_output,
        version.entries.order_by("position"),
    )


def _data(
    engine_input: dict[str, Any],
    engine_output: dict[str, Any],
    entries: Iterable[ListEntry],
) -> dict[str, Any]:
    """:func:`version_data` of a version's input, output and ``entries`` (in
    position order), stored or about to be."""
    sub_lists = engine_output.get("sub_lists", {})
    set_by_lessor = lessor_cutoffs(engine_input)
    return {
        "sub_lists": [
            {
                "code": code,
                "dwellings": sub["dwellings"],
                "cutoff": sub["cutoff"],
                "cutoff_set_by_lessor": code in set_by_lessor,
            }
            for code, sub in sub_lists.items()
        ],
        "entries": [
            {
                "code": e.code,
                "list": e.list,
                "sub_list": e.sub_list,
                "rank": e.rank,
                "list_rank": e.list_rank,
                "total": e.total,
                "within": e.within,
            }
            for e in entries
        ],
    }


def _entries(
    version: ListVersion, output: dict[str, Any], applications: dict[str, int]
) -> list[ListEntry]:
    """The entries of ``output``: every ranked application in list order, with its
    sub-list, rank there and whether it is within the cut-off (unassigned ones have
    no sub-list and no rank)."""
    placed = {}
    for code, sub in output.get("sub_lists", {}).items():
        for entry in sub["entries"]:
            placed[entry["code"]] = (code, entry["rank"], entry["within"])
    has_sub_lists = "sub_lists" in output
    entries = []
    position = 0
    for list_name, items in output["lists"].items():
        for item in items:
            position += 1
            sub_list, rank, within = placed.get(item["code"], ("", None, None))
            if not has_sub_lists:
                rank = item["rank"]
            entries.append(
                ListEntry(
                    version=version,
                    application_id=applications[item["code"]],
                    code=item["code"],
                    list=list_name,
                    sub_list=sub_list,
                    rank=rank,
                    list_rank=item["rank"],
                    total=item["total"],
                    within=within,
                    position=position,
                )
            )
    return entries


def _save_version(
    *,
    tender: Tender,
    engine_input: dict[str, Any],
    by: User,
    now: datetime.datetime,
    based_on: ListVersion | None = None,
) -> tuple[ListVersion, list[ListEntry]]:
    """Run the engine on ``engine_input`` and save a new draft with its entries
    (returned too; its hashes are of what is written, not read back); every earlier
    draft or approved version becomes superseded by it."""
    try:
        output, input_sha256 = _rank_and_hash(engine_input)
    except engine.InvalidFacts as error:
        lang = translation.get_language() or "sl"
        raise ServiceError(
            {None: [f"{p}: {m}" for p, m in error.messages(lang)]}
        ) from error
    version = ListVersion(
        tender=tender,
        number=_next_number(tender),
        state=ListState.DRAFT,
        based_on=based_on,
        built_by=by,
        built_at=now,
        engine_input=engine_input,
        engine_output=output,
        input_sha256=input_sha256,
        data_sha256="",
    )
    applications = dict(
        Application.objects.filter(
            tender=tender, code__in=[c["code"] for c in engine_input["applications"]]
        ).values_list("code", "pk")
    )
    # The entries refer to the version before it is saved (Django fills in its id
    # when they are), so the version is inserted once, with both hashes.
    entries = _entries(version, output, applications)
    version.data_sha256 = sha256(_data(engine_input, output, entries))
    version.save(force_insert=True)
    ListEntry.objects.bulk_create(entries)
    for older in ListVersion.objects.filter(
        tender=tender, state__in=(ListState.DRAFT, ListState.APPROVED)
    ).exclude(pk=version.pk):
        older.state = ListState.SUPERSEDED
        older.superseded_by = version
        older.save(update_fields=["state", "superseded_by"])
    return version, entries


def _latest(tender: Tender) -> ListVersion | None:
    return ListVersion.objects.filter(tender=tender).order_by("-number").first()


@transaction.atomic
def list_build(
    *, tender: Tender, by: User, now: datetime.datetime | None = None
) -> ListVersion:
    """Build a new draft version of ``tender``'s priority lists from the verified
    facts through the engine's ``rank``: lists A and B (Art. 9, 17(2), 23(2)) or one
    list, each split into the tender's sub-lists, with ranks (ties by the tender's
    chain, Art. 6(3)) and each sub-list's cut-off from its dwellings (or the one the
    lessor set on the latest version, which carries over).

    Only when every lodged application is decided (verified, or rejected) and every
    amendment deadline has passed (Art. 20(4)). Rejected applications are left out;
    verified ones the engine finds ineligible are listed apart (``ineligible``).

    :raises ServiceError: ``forbidden`` (not the commission's chair or a member, nor
        the lessor's admin); ``invalid`` with every reason it cannot be built yet, or
        when a verified total no longer matches the engine's (the tender's settings
        changed after verification).
    """
    now = now or timezone.now()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if not perm.can_build_lists(by, tender):
        raise ServiceError(
            _(
                "Only the chair or a member of the tender's commission, or the "
                "lessor's administrator, may build the priority lists."
            ),
            code="forbidden",
        )
    problems = build_problems(tender, now)
    if problems:
        raise ServiceError({None: problems})
    # Only the verified facts, their code and total: one JSON column decoded.
    reviews = list(
        ApplicationReview.objects.filter(
            application__tender=tender,
            application__in=lodged_applications(tender),
            state=ReviewState.VERIFIED,
        ).values_list("application__code", "verified_case", "verified_total")
    )
    cases = [case for _code, case, _total in reviews]
    latest = _latest(tender)
    cutoffs = lessor_cutoffs(latest.engine_input) if latest else {}
    engine_input = rank_input(tender, cases, cutoffs)
    version, entries = _save_version(
        tender=tender, engine_input=engine_input, by=by, now=now
    )
    totals = {e.code: e.total for e in entries}
    stale = sorted(
        code
        for code, _case, verified_total in reviews
        if code in totals and totals[code] != verified_total
    )
    if stale:
        raise ServiceError(
            _(
                "The engine now gives other totals than the verified ones (the "
                "tender's settings changed after verification): %(codes)s. Verify "
                "these applications again."
            )
            % {"codes": _codes(stale)}
        )
    return version


@transaction.atomic
def list_cutoff_set(
    *,
    version: ListVersion,
    sub_list_code: str,
    cutoff: int | None,
    reason: str,
    by: User,
    now: datetime.datetime | None = None,
) -> ListVersion:
    """The lessor changes a sub-list's cut-off (``None``: back to the one its
    dwellings give), with a reason. The change makes a new draft version from
    ``version``'s input (the same verified facts) with the engine run again; a
    published version never changes.

    :raises ServiceError: ``forbidden``; ``frozen`` when ``version`` was superseded;
        ``invalid`` without a reason, for an unknown sub-list or a negative cut-off.
    """
    now = now or timezone.now()
    version = ListVersion.objects.select_for_update().get(pk=version.pk)
    tender = version.tender
    if not perm.can_build_lists(by, tender):
        raise ServiceError(
            _(
                "Only the chair or a member of the tender's commission, or the "
                "lessor's administrator, may change a cut-off."
            ),
            code="forbidden",
        )
    if version.state == ListState.SUPERSEDED:
        raise ServiceError(
            _("This version was superseded: change the cut-off on the latest one."),
            code="frozen",
        )
    reason = (reason or "").strip()
    errors: dict[str | None, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the reason for changing the cut-off.")]
    sub_lists = version.engine_input["tender"].get("sub_lists", [])
    codes = [s["code"] for s in sub_lists]
    if sub_list_code not in codes:
        errors["sub_list"] = [_("The tender has no such sub-list.")]
    if cutoff is not None and cutoff < 0:
        errors["cutoff"] = [_("A cut-off cannot be negative.")]
    if errors:
        raise ServiceError(errors)
    previous = version.engine_output.get("sub_lists", {}).get(sub_list_code, {})
    engine_input = json.loads(canonical(version.engine_input))
    for item in engine_input["tender"]["sub_lists"]:
        if item["code"] == sub_list_code:
            item.pop("cutoff", None)
            if cutoff is not None:
                item["cutoff"] = cutoff
    new, _new_entries = _save_version(
        tender=tender, engine_input=engine_input, by=by, now=now, based_on=version
    )
    CutoffOverride.objects.create(
        version=new,
        sub_list=sub_list_code,
        cutoff=cutoff,
        previous=previous.get("cutoff"),
        reason=reason,
        by=by,
        at=now,
    )
    return new


@transaction.atomic
def list_approve(
    *, version: ListVersion, by: User, now: datetime.datetime | None = None
) -> ListVersion:
    """A second member of the commission approves a draft (not the one who built
    it, nor who changed its cut-off).

    :raises ServiceError: ``forbidden`` (the builder, or not a deciding seat of the
        commission); ``frozen`` when the version is not a draft.
    """
    now = now or timezone.now()
    version = ListVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != ListState.DRAFT:
        raise ServiceError(_("Only a draft can be approved."), code="frozen")
    if version.built_by_id == by.pk:
        raise ServiceError(
            _(
                "The priority lists must be approved by a second member of the "
                "commission, not by the one who built this version."
            ),
            code="forbidden",
        )
    if not perm.can_approve_list(by, version):
        raise ServiceError(
            _("Only the chair or a member of the tender's commission may approve."),
            code="forbidden",
        )
    version.state = ListState.APPROVED
    version.approved_by = by
    version.approved_at = now
    version.save(update_fields=["state", "approved_by", "approved_at"])
    return version


def publication_problems(version: ListVersion) -> list[str]:
    """Why ``version`` cannot be published (empty when it can)."""
    problems = []
    if version.state != ListState.APPROVED:
        problems.append(
            _(
                "A version is published only after a second member of the "
                "commission approved it."
            )
        )
    unassigned = version.engine_output.get("unassigned", [])
    if unassigned:
        problems.append(
            _(
                "%(count)d application(s) meet no rule of their list's sub-lists and "
                "are on no sub-list: %(codes)s. Add a sub-list that takes them (e.g. "
                "'all others') and build the lists again."
            )
            % {"count": len(unassigned), "codes": _codes(list(unassigned))}
        )
    return problems


def _render_pdfs(version: ListVersion) -> None:
    """The public list as PDF in Slovenian and English (no names: application code,
    list, sub-list, rank, points, within the cut-off), with its SHA-256; and the
    internal list with the households' names for the commission (issue 14, 3) in
    Slovenian, the same way. Saved with the publication (the version is not frozen
    yet). The internal list in English follows in its own job
    (:func:`internal_list_en_render`, docs/decisions.md)."""
    from .pdf import internal_pdf_arguments, version_pdf_arguments

    try:
        from documents_pdf.long_table import render_long_tables_pdf
    except ImportError:  # pragma: no cover - the renderer ships separately
        logger.warning("documents_pdf.long_table is missing: no PDF of the list")
        return
    outputs = (
        (version_pdf_arguments, "sl", "pdf", "pdf_sha256"),
        (version_pdf_arguments, "en", "pdf_en", "pdf_en_sha256"),
        (internal_pdf_arguments, "sl", "internal_pdf", "internal_pdf_sha256"),
    )
    # The rows are read here (this transaction); the three PDFs share one pool of
    # worker processes (issue 15, 2).
    pdfs = render_long_tables_pdf(
        [arguments(version, language) for arguments, language, _f, _d in outputs]
    )
    for (_arguments, language, field, digest), data in zip(outputs, pdfs, strict=True):
        _keep_pdf(version, data, language=language, field=field, digest=digest)


def _keep_pdf(
    version: ListVersion, data: bytes, *, language: str, field: str, digest: str
) -> None:
    """Write one of ``version``'s PDFs to its file field and its SHA-256 beside it
    (the caller saves the row)."""
    getattr(version, field).save(f"{language}.pdf", ContentFile(data), save=False)
    setattr(version, digest, hashlib.sha256(data).hexdigest())


@transaction.atomic
def list_publish(
    *,
    version: ListVersion,
    by: User,
    final: bool = False,
    now: datetime.datetime | None = None,
) -> ListVersion:
    """Publish an approved version (Art. 23(1)): it never changes again. The
    previously published version becomes superseded; the PDFs (both languages) are
    rendered and kept with their SHA-256.

    :raises ServiceError: ``forbidden``; ``invalid`` when not approved or when an
        application is on no sub-list.
    """
    now = now or timezone.now()
    version = ListVersion.objects.select_for_update().get(pk=version.pk)
    if not perm.can_build_lists(by, version.tender):
        raise ServiceError(
            _(
                "Only the chair or a member of the tender's commission, or the "
                "lessor's administrator, may publish the priority lists."
            ),
            code="forbidden",
        )
    problems = publication_problems(version)
    if problems:
        raise ServiceError({None: problems})
    previous = list(
        ListVersion.objects.select_for_update().filter(
            tender=version.tender, state=ListState.PUBLISHED
        )
    )
    _render_pdfs(version)
    version.state = ListState.PUBLISHED
    version.published_by = by
    version.published_at = now
    version.final = final
    version.save()
    for old in previous:
        old.state = ListState.SUPERSEDED
        old.superseded_by = version
        old.save(update_fields=["state", "superseded_by"])
    return version


@transaction.atomic
def internal_list_en_render(*, version: ListVersion, by: User | None) -> bool:
    """The internal list with names in English for a published version, stored with
    its SHA-256: the only change a frozen version accepts, once, from empty
    (``lists.immutable``). Run by the job that publishing starts
    (:func:`lists.tasks.render_internal_list_en`) after the publication committed, so
    the lists are public without waiting for this courtesy translation of the
    commission's working paper (docs/decisions.md).

    :returns: whether it rendered one (False when the version already has it, has no
        internal list at all, or is not published).
    """
    from .pdf import internal_pdf_arguments

    version = ListVersion.objects.select_for_update().get(pk=version.pk)
    if (
        version.state not in FROZEN_STATES
        or not version.internal_pdf
        or version.internal_pdf_en
    ):
        return False
    from documents_pdf.long_table import render_long_tables_pdf

    (data,) = render_long_tables_pdf([internal_pdf_arguments(version, "en")])
    _keep_pdf(
        version,
        data,
        language="en",
        field="internal_pdf_en",
        digest="internal_pdf_en_sha256",
    )
    version.save(update_fields=["internal_pdf_en", "internal_pdf_en_sha256"])
    return True


# --- decisions, appeals and the final list (Art. 24) -----------------------------------


def _decision_facts(
    version: ListVersion,
    application: Application,
    entry: ListEntry | None,
    review: ApplicationReview | None,
) -> dict[str, Any]:
    """What a decision on ``application`` says on ``version``: classified with its
    place, or not classified with the reasons and their articles."""
    if entry is not None:
        cutoff = None
        if entry.sub_list:
            cutoff = (
                version.engine_output.get("sub_lists", {})
                .get(entry.sub_list, {})
                .get("cutoff")
            )
        return {
            "kind": DecisionKind.CLASSIFIED,
            "points": entry.total,
            "rank": entry.rank,
            "list_rank": entry.list_rank,
            "sub_list": entry.sub_list,
            "cutoff": cutoff,
            "within": entry.within,
            "reasons": [],
        }
    reasons: list[dict[str, str]] = []
    points = None
    if review is not None and review.state == ReviewState.REJECTED:
        reasons.append(
            {
                "condition": "",
                "article": review.rejection_article,
                "text": review.rejection_reason,
            }
        )
    elif review is not None:
        result = review.verified_result or {}
        points = result.get("total")
        reasons = [
            {"condition": r["condition"], "article": r["article"], "text": ""}
            for r in result.get("ineligible_reasons", [])
        ]
    if not reasons:
        reasons.append(
            {
                "condition": "",
                "article": "Art. 24(1)",
                "text": _("The application is not on the published priority list."),
            }
        )
    return {
        "kind": DecisionKind.NOT_CLASSIFIED,
        "points": points,
        "rank": None,
        "list_rank": None,
        "sub_list": "",
        "cutoff": None,
        "within": None,
        "reasons": reasons,
    }


_COMPARED = ("kind", "points", "rank", "sub_list", "cutoff", "within", "reasons")


@transaction.atomic
def decisions_issue(
    *, version: ListVersion, by: User, now: datetime.datetime | None = None
) -> list[Decision]:
    """Issue the decisions on a published version (Art. 24(1)): one per lodged
    application of the tender, rejected and ineligible ones included (the reasons
    from the commission's rejection or the engine's ineligibility, with articles).

    On a later version (after an upheld appeal) only applications whose decision
    would say something else than their latest one get a new decision.

    Each decision is rendered once as a PDF (the applicant's language; a paper
    applicant: Slovenian and English) and kept with its SHA-256. An online applicant
    gets it on their page at once (that is its delivery) and an email once the
    transaction commits; a paper applicant's delivery date is recorded by the clerk
    (:func:`decision_delivery_record`).

    :raises ServiceError: ``forbidden``; ``invalid`` when the version is not the
        published one, or nothing is left to issue on it.
    """
    from .decisions import send_decision_email, store_decision_pdf

    now = now or timezone.now()
    version = ListVersion.objects.select_for_update().get(pk=version.pk)
    tender = version.tender
    if not perm.can_build_lists(by, tender):
        raise ServiceError(
            _(
                "Only the chair or a member of the tender's commission, or the "
                "lessor's administrator, may issue the decisions."
            ),
            code="forbidden",
        )
    if version.state != ListState.PUBLISHED:
        raise ServiceError(
            _("Decisions are issued only on the published version of the lists.")
        )
    if version.final:
        raise ServiceError(_("The final list was published: no more decisions."))
    entries = {e.application_id: e for e in version.entries.all()}
    reviews = {
        r.application_id: r
        for r in ApplicationReview.objects.filter(application__tender=tender)
    }
    latest: dict[int, Decision] = {}
    for earlier in Decision.objects.filter(version__tender=tender).order_by(
        "issued_at", "pk"
    ):
        latest[earlier.application_id] = earlier
    issued = []
    for application in lodged_applications(tender).select_related("applicant"):
        if Decision.objects.filter(version=version, application=application).exists():
            continue
        facts = _decision_facts(
            version,
            application,
            entries.get(application.pk),
            reviews.get(application.pk),
        )
        before = latest.get(application.pk)
        if before is not None and all(
            getattr(before, name) == facts[name] for name in _COMPARED
        ):
            continue
        if application.is_paper:
            language = "sl+en"
        else:
            language = (
                application.applicant.preferred_language or settings.LANGUAGE_CODE
            )
        decision = Decision.objects.create(
            version=version,
            application=application,
            appeal_body=tender.lessor.type,
            language=language,
            issued_by=by,
            issued_at=now,
            delivered_at=None if application.is_paper else now,
            **facts,
        )
        store_decision_pdf(decision)
        issued.append(decision)
        if not application.is_paper:
            pk = decision.pk
            # robust: a failed email (logged, left unmarked to be sent again) does
            # not stop the other applicants' emails after it.
            transaction.on_commit(lambda pk=pk: send_decision_email(pk), robust=True)
    if not issued:
        raise ServiceError(
            _("Every application already has its decision on this version.")
        )
    return issued


@transaction.atomic
def decision_delivery_record(
    *,
    decision: Decision,
    delivered_on: datetime.date,
    by: User,
    now: datetime.datetime | None = None,
) -> Decision:
    """The clerk records when a paper applicant's decision was delivered (the 15
    days to appeal start then).

    :raises ServiceError: ``forbidden`` (not a seat of the commission nor the
        lessor's admin); ``invalid`` for an online applicant's decision, a date
        already recorded, before the issue or in the future.
    """
    now = now or timezone.now()
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not perm.can_record_appeals(by, decision.version.tender):
        raise ServiceError(
            _("Only the tender's commission or the lessor's admin may record this."),
            code="forbidden",
        )
    if decision.delivered_at is not None:
        raise ServiceError(_("The delivery of this decision is already recorded."))
    issued_on = timezone.localtime(decision.issued_at, LJUBLJANA).date()
    today = timezone.localtime(now, LJUBLJANA).date()
    if not issued_on <= delivered_on <= today:
        raise ServiceError(
            {
                "delivered_on": [
                    _(
                        "The delivery date must be between the issue of the "
                        "decision and today."
                    )
                ]
            }
        )
    decision.delivered_at = datetime.datetime.combine(
        delivered_on, datetime.time(12), tzinfo=LJUBLJANA
    )
    decision.delivery_recorded_by = by
    decision.save(update_fields=["delivered_at", "delivery_recorded_by"])
    return decision


@transaction.atomic
def appeal_record(
    *,
    decision: Decision,
    received_on: datetime.date,
    grounds: str,
    by: User,
    now: datetime.datetime | None = None,
) -> Appeal:
    """Record an appeal against ``decision`` received on ``received_on`` (a date in
    Ljubljana). Accepted up to and including the 15th day after delivery; a paper
    decision whose delivery is not yet recorded may be appealed at once.

    :raises ServiceError: ``forbidden``; ``invalid`` without grounds, a date in the
        future or before the decision, after the 15 days, or after the final list.
    """
    from .decisions import appeal_deadline

    now = now or timezone.now()
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    tender = decision.version.tender
    if not perm.can_record_appeals(by, tender):
        raise ServiceError(
            _(
                "Only the tender's commission or the lessor's admin may record an "
                "appeal."
            ),
            code="forbidden",
        )
    grounds = (grounds or "").strip()
    errors: dict[str | None, list[str]] = {}
    if not grounds:
        errors["grounds"] = [_("Give the grounds of the appeal.")]
    today = timezone.localtime(now, LJUBLJANA).date()
    issued_on = timezone.localtime(decision.issued_at, LJUBLJANA).date()
    deadline = appeal_deadline(decision)
    if received_on > today or received_on < issued_on:
        errors["received_on"] = [
            _("The date received must be between the decision and today.")
        ]
    elif deadline is not None and received_on > deadline:
        errors["received_on"] = [
            _(
                "The appeal came too late: the %(days)d days to appeal ended on "
                "%(deadline)s (the decision was delivered on %(delivered)s). It is "
                "not recorded."
            )
            % {
                "days": APPEAL_DAYS,
                "deadline": deadline.strftime("%d. %m. %Y"),
                "delivered": timezone.localtime(decision.delivered_at, LJUBLJANA)
                .date()
                .strftime("%d. %m. %Y"),
            }
        ]
    if ListVersion.objects.filter(tender=tender, final=True).exists():
        errors[None] = [_("The final list was published: no more appeals.")]
    if errors:
        raise ServiceError(errors)
    return Appeal.objects.create(
        decision=decision,
        received_on=received_on,
        grounds=grounds,
        recorded_by=by,
        recorded_at=now,
    )


@transaction.atomic
def appeal_decide(
    *,
    appeal: Appeal,
    outcome: str,
    reason: str,
    by: User,
    now: datetime.datetime | None = None,
) -> Appeal:
    """Record the appeal body's decision: rejected, or upheld. When upheld, the
    commission has corrected the facts through the review first; the lists are
    then built again (:func:`list_build`), approved and published as a new version
    that supersedes the old one, and :func:`decisions_issue` issues new decisions
    where they changed.

    :raises ServiceError: ``forbidden``; ``invalid`` without a reason, for an
        unknown outcome or an appeal already decided.
    """
    now = now or timezone.now()
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not perm.can_build_lists(by, appeal.decision.version.tender):
        raise ServiceError(
            _(
                "Only the chair or a member of the tender's commission, or the "
                "lessor's administrator, may record the outcome of an appeal."
            ),
            code="forbidden",
        )
    if appeal.outcome != AppealOutcome.PENDING:
        raise ServiceError(_("This appeal was already decided."))
    reason = (reason or "").strip()
    errors: dict[str | None, list[str]] = {}
    if outcome not in (AppealOutcome.REJECTED, AppealOutcome.UPHELD):
        errors["outcome"] = [_("Choose whether the appeal is rejected or upheld.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the outcome.")]
    if errors:
        raise ServiceError(errors)
    appeal.outcome = outcome
    appeal.outcome_reason = reason
    appeal.decided_by = by
    appeal.decided_at = now
    appeal.save(update_fields=["outcome", "outcome_reason", "decided_by", "decided_at"])
    return appeal


def final_list_problems(
    version: ListVersion, now: datetime.datetime | None = None
) -> list[str]:
    """Why ``version`` cannot be published as the final list (empty when it can):
    it must be the published version with its decisions issued; every decision
    delivered and its 15 days passed; every appeal decided; and after an upheld
    appeal, a version published after that outcome."""
    from .decisions import appeal_deadline

    now = now or timezone.now()
    today = timezone.localtime(now, LJUBLJANA).date()
    problems = []
    if version.state != ListState.PUBLISHED:
        problems.append(_("Only the published version can become the final list."))
    if version.final:
        problems.append(_("This version is already the final list."))
    tender = version.tender
    decisions = list(
        Decision.objects.filter(version__tender=tender).select_related("application")
    )
    if not decisions:
        problems.append(_("No decisions were issued on the lists yet."))
    undelivered = sorted(
        d.application.code for d in decisions if d.delivered_at is None
    )
    if undelivered:
        problems.append(
            _("The delivery of %(count)d decision(s) is not recorded: %(codes)s.")
            % {"count": len(undelivered), "codes": _codes(undelivered)}
        )
    running = sorted(
        d.application.code
        for d in decisions
        if d.delivered_at is not None and appeal_deadline(d) >= today
    )
    if running:
        problems.append(
            _("The %(days)d days to appeal have not passed for: %(codes)s.")
            % {"days": APPEAL_DAYS, "codes": _codes(running)}
        )
    appeals = list(
        Appeal.objects.filter(decision__version__tender=tender).select_related(
            "decision__application"
        )
    )
    pending = sorted(
        a.decision.application.code
        for a in appeals
        if a.outcome == AppealOutcome.PENDING
    )
    if pending:
        problems.append(
            _("%(count)d appeal(s) are not decided: %(codes)s.")
            % {"count": len(pending), "codes": _codes(pending)}
        )
    upheld = [a.decided_at for a in appeals if a.outcome == AppealOutcome.UPHELD]
    if upheld and (version.published_at is None or version.published_at < max(upheld)):
        problems.append(
            _(
                "An appeal was upheld: correct the facts, build, approve and publish "
                "a new version, and issue its decisions first."
            )
        )
    return problems


@transaction.atomic
def final_list_publish(
    *, version: ListVersion, by: User, now: datetime.datetime | None = None
) -> ListVersion:
    """Publish ``version`` as the final list once the appeals are solved (Art.
    24(5)): marks the published version final (the only change allowed on it).

    :raises ServiceError: ``forbidden``; ``invalid`` with every reason from
        :func:`final_list_problems`.
    """
    now = now or timezone.now()
    version = ListVersion.objects.select_for_update().get(pk=version.pk)
    if not perm.can_build_lists(by, version.tender):
        raise ServiceError(
            _(
                "Only the chair or a member of the tender's commission, or the "
                "lessor's administrator, may publish the final list."
            ),
            code="forbidden",
        )
    problems = final_list_problems(version, now)
    if problems:
        raise ServiceError({None: problems})
    version.final = True
    version.final_by = by
    version.final_at = now
    version.save(update_fields=["final", "final_by", "final_at"])
    return version
