"""Writes of the commission's review (issue 13; Art. 19-22 of the Rules).

Every service takes keyword arguments and the acting user ``by``, checks every rule
before it writes (a refusal saves nothing), records a :class:`~review.models.ReviewLog`
row, and refuses with :class:`housing.errors.ServiceError` (translated messages at
their fields; ``code`` ``"forbidden"``, ``"conflict"``, ``"frozen"`` or
``"invalid"``).

Concurrency (issue 13, 8): services that change a review lock its row
(``select_for_update``) and take ``expected_version``, the ``row_version`` the page
showed. A stale one is refused with code ``"conflict"``, naming what changed since
(:func:`review.selectors.changes_since` gives the rows for the page), and nothing is
written: the second editor sees the change and redoes the edit.

Who may act: :mod:`review.permissions` (a seat on the tender's commission, no declared
conflict on the application; the chair and members for the decisions).
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.constants import (
    LJUBLJANA,
    AmendmentStatus,
    ApplicationStatus,
    EventKind,
    HousingStatus,
    MemberRole,
    Sex,
)
from applications.documents import (
    JPEG,
    PNG,
    CheckedFile,
    check_file,
    clean_file_name,
)
from applications.models import (
    AmendmentRequest,
    Application,
    ApplicationEvent,
    Document,
)
from documents_pdf.stored import store_pdf
from housing.errors import ErrorCollector, ServiceError
from housing.models import User
from scoring import engine
from scoring.services import tender_rules
from tenders.models import Tender

from . import permissions as perm
from .constants import (
    APPLICATION_BOOLEANS,
    ARTICLE_UNAMENDED,
    BULK_FACTS,
    MEMBER_BOOLEANS,
    MONEY_FIELDS,
    CommissionRole,
    FactState,
    LogKind,
    RejectionState,
    ReviewState,
)
from .models import (
    ApplicationReview,
    CommissionSeat,
    ConflictDeclaration,
    FactCheck,
    Inspection,
    InspectionPhoto,
    ReviewLog,
    ScoringRecord,
)
from .verified import (
    FactPath,
    apply_facts,
    assess,
    claimed_facts,
    decisions_of,
    digest,
    facts_from_case,
    parse_path,
    verified_case,
)

TEXT_MAX = 5000
PHOTO_TYPES = frozenset({JPEG, PNG})
FINAL_STATES = frozenset({ReviewState.REJECTED})
_CITIZENSHIP = re.compile(r"^[A-Z]{2}$")


# --- helpers ----------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment, LJUBLJANA):%d. %m. %Y %H:%M}"


def _lock(review: ApplicationReview) -> ApplicationReview:
    """The review's row, locked until the transaction ends, read afresh."""
    return (
        ApplicationReview.objects.select_for_update(of=("self",))
        .select_related("application__tender__lessor", "submission")
        .get(pk=review.pk)
    )


def _check_version(review: ApplicationReview, expected_version: int) -> None:
    """:raises ServiceError: ``conflict`` when someone changed the review since the
    page was shown, naming what they changed."""
    if review.row_version == expected_version:
        return
    changes = list(
        ReviewLog.objects.filter(review=review, version__gt=expected_version)
        .select_related("by")
        .order_by("at", "pk")
    )
    described = "; ".join(
        f"{entry.get_kind_display()}"
        + (f" {entry.path}" if entry.path else "")
        + (f" ({entry.by.get_full_name()}, {_local(entry.at)})" if entry.by else "")
        for entry in changes[-5:]
    )
    raise ServiceError(
        _(
            "Someone else changed this application while you were working on it "
            "(%(changes)s). Nothing was saved: look at their changes and redo your "
            "edit."
        )
        % {"changes": described or _("a change")},
        code="conflict",
    )


def _require_act(review: ApplicationReview, by: User) -> None:
    if perm.can_act(by, review):
        return
    if perm.seat_role(by, review.application.tender_id) is not None:
        raise ServiceError(
            _(
                "You declared a conflict of interest on this application and cannot "
                "act on it."
            ),
            code="forbidden",
        )
    raise ServiceError(
        _("You do not sit on this tender's commission."), code="forbidden"
    )


def _require_decide(review: ApplicationReview, by: User) -> None:
    _require_act(review, by)
    if not perm.can_decide(by, review):
        raise ServiceError(
            _("Only the chair and the members of the commission may do this."),
            code="forbidden",
        )


def _require_open(review: ApplicationReview) -> None:
    if review.state in FINAL_STATES:
        raise ServiceError(
            _("This application was rejected; its review is closed."), code="frozen"
        )
    if ScoringRecord.objects.filter(review=review).exists():
        raise ServiceError(
            _(
                "The scoring record has been issued; the verified facts can no "
                "longer change."
            ),
            code="frozen",
        )


def _bump(review: ApplicationReview, fields: Sequence[str] = ()) -> None:
    review.row_version += 1
    review.save(update_fields=[*fields, "row_version"])


def _log(
    review: ApplicationReview | None,
    kind: str,
    by: User | None,
    *,
    tender: Tender | None = None,
    path: str = "",
    old: Any = None,
    new: Any = None,
    special: bool = False,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> ReviewLog:
    """One append-only log row. For a special-category fact the values and the
    reason are left out (they stay in the fact check, which can be deleted) and
    ``special`` says that it changed."""
    if special:
        old = new = None
        reason = ""
    return ReviewLog.objects.create(
        tender=tender or review.application.tender,
        review=review,
        version=review.row_version if review is not None else 0,
        by=by,
        at=_now(at),
        kind=kind,
        path=path,
        old=old,
        new=new,
        special=special,
        reason=reason,
    )


def _event(
    application: Application, kind: str, by: User | None, at, note: str = ""
) -> None:
    """A step on the applicant's timeline (``applications.ApplicationEvent``)."""
    ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        by=by,
        at=at,
        version=application.version,
        note=note[:300],
    )


def _text(
    value: str, field: str, errors: ErrorCollector, *, required_message: str
) -> str:
    text = (value or "").strip()
    if not text:
        errors.add(field, required_message)
    elif len(text) > TEXT_MAX:
        errors.add(
            field,
            _("Write at most %(max)d characters.") % {"max": TEXT_MAX},
        )
    return text


# --- the commission (issue 13, 1) -------------------------------------------------------


@transaction.atomic
def seat_set(*, tender: Tender, user: User, role: str, by: User) -> CommissionSeat:
    """Appoint ``user`` to the tender's commission as chair, member or clerk, or
    change their role (Art. 20(1)). One chair per commission.

    :raises ServiceError: ``forbidden`` unless ``by`` is the lessor's admin (or a
        superuser); ``invalid`` for a superuser or someone who is not the lessor's
        staff, an unknown role, or a second chair.
    """
    if not perm.can_set_seats(by, tender):
        raise ServiceError(
            _("Only the lessor's administrator appoints the commission."),
            code="forbidden",
        )
    errors = ErrorCollector()
    if user.is_superuser:
        errors.add(
            "user",
            _("A superuser administers the site and does not sit on commissions."),
        )
    elif not perm.may_hold_seat(user, tender):
        errors.add(
            "user", _("Only active staff of the lessor can sit on its commission.")
        )
    if role not in CommissionRole.values:
        errors.add("role", _("Choose chair, member or clerk."))
    elif role == CommissionRole.CHAIR and (
        CommissionSeat.objects.filter(tender=tender, role=CommissionRole.CHAIR)
        .exclude(user=user)
        .exists()
    ):
        errors.add(
            "role",
            _("The commission already has a chair: make them a member first."),
        )
    errors.raise_if_any()
    seat = (
        CommissionSeat.objects.select_for_update()
        .filter(tender=tender, user=user)
        .first()
    )
    old = seat.role if seat else None
    if seat is None:
        try:
            with transaction.atomic():
                seat = CommissionSeat.objects.create(
                    tender=tender, user=user, role=role, appointed_by=by
                )
        except IntegrityError as error:
            raise ServiceError(
                _("The commission changed meanwhile; try again."), code="conflict"
            ) from error
    elif seat.role != role:
        seat.role = role
        seat.save(update_fields=["role"])
    else:
        return seat
    _log(
        None,
        LogKind.SEAT_SET,
        by,
        tender=tender,
        path=f"seat:{user.pk}",
        old=old,
        new=role,
    )
    perm.forget_seats(user)
    return seat


@transaction.atomic
def seat_remove(*, tender: Tender, user: User, by: User) -> None:
    """Remove ``user`` from the tender's commission.

    :raises ServiceError: ``forbidden`` unless ``by`` is the lessor's admin (or a
        superuser); ``invalid`` when the user has no seat.
    """
    if not perm.can_set_seats(by, tender):
        raise ServiceError(
            _("Only the lessor's administrator appoints the commission."),
            code="forbidden",
        )
    seat = CommissionSeat.objects.filter(tender=tender, user=user).first()
    if seat is None:
        raise ServiceError({"user": [_("This person does not sit on the commission.")]})
    old = seat.role
    seat.delete()
    _log(None, LogKind.SEAT_REMOVED, by, tender=tender, path=f"seat:{user.pk}", old=old)
    perm.forget_seats(user)


@transaction.atomic
def conflict_declare(
    *,
    tender: Tender,
    reason: str,
    by: User,
    application: Application | None = None,
    now: datetime.datetime | None = None,
) -> ConflictDeclaration:
    """``by`` declares a conflict of interest on ``application`` (or on the whole
    tender) and from then on cannot act on it nor see its special-category data.
    Declaring the same conflict again returns the first declaration.

    :raises ServiceError: ``forbidden`` without a seat on the tender's commission;
        ``invalid`` without a reason or for another tender's application.
    """
    now = _now(now)
    if perm.seat_role(by, tender) is None:
        raise ServiceError(
            _("You do not sit on this tender's commission."), code="forbidden"
        )
    errors = ErrorCollector()
    text = _text(
        reason,
        "reason",
        errors,
        required_message=_("Say why you cannot act on this application."),
    )
    if application is not None and application.tender_id != tender.pk:
        errors.add("application", _("Choose an application of this tender."))
    errors.raise_if_any()
    existing = ConflictDeclaration.objects.filter(
        tender=tender, user=by, application=application
    ).first()
    if existing is not None:
        return existing
    declaration = ConflictDeclaration.objects.create(
        tender=tender, application=application, user=by, reason=text, declared_at=now
    )
    review = (
        ApplicationReview.objects.filter(application=application).first()
        if application is not None
        else None
    )
    if review is not None:
        review = _lock(review)
        _bump(review)
    _log(
        review,
        LogKind.CONFLICT_DECLARED,
        by,
        tender=tender,
        path=f"user:{by.pk}",
        reason=text,
        at=now,
    )
    return declaration


# --- opening a review ---------------------------------------------------------------------


def _member_pks(application: Application) -> list[int]:
    # The order of applications.engine_input.application_case.
    members = sorted(
        application.members.all(),
        key=lambda m: (m.role != MemberRole.APPLICANT, m.position, m.pk),
    )
    return [m.pk for m in members]


def _sync_facts(review: ApplicationReview) -> list[str]:
    """Make the fact checks match the submission under review: new facts are added
    as claimed, facts whose claim changed start again as claimed, facts no longer
    claimed go. Decisions on unchanged claims stay. :returns: the changed paths."""
    wanted = claimed_facts(review.submission.case, review.member_pks)
    existing = {f.path: f for f in review.facts.all()}
    changed = []
    for position, (path, value) in enumerate(wanted):
        fact = existing.pop(path, None)
        if fact is None:
            FactCheck.objects.create(
                review=review, path=path, position=position, claimed=value
            )
            changed.append(path)
        elif fact.claimed != value:
            fact.claimed = value
            fact.position = position
            fact.state = FactState.CLAIMED
            fact.verified = None
            fact.reason = ""
            fact.document = None
            fact.decided_by = None
            fact.decided_at = None
            fact.save()
            changed.append(path)
        elif fact.position != position:
            fact.position = position
            fact.save(update_fields=["position"])
    for path, fact in existing.items():
        fact.delete()
        changed.append(path)
    return changed


@transaction.atomic
def review_open(
    *,
    application: Application,
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> ApplicationReview:
    """The review of a lodged application, opened the first time it is asked for
    (lazily: the commission's pages call this, or :func:`reviews_open`), with a
    claimed fact check for every fact of its last submission.

    When the applicant submitted a corrected version after the review was opened (a
    correction before the deadline), the facts are taken from the new submission:
    decisions on unchanged claims stay, changed claims start again.

    :raises ServiceError: ``forbidden`` when ``by`` (``None``: the system) may not see
        the tender's reviews; ``frozen`` for an application never submitted,
        withdrawn, or being corrected (members may differ from the submission).
    """
    now = _now(now)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("tender")
        .get(pk=application.pk)
    )
    if by is not None and not perm.can_view_tender(by, application.tender):
        raise ServiceError(
            _("You do not sit on this tender's commission."), code="forbidden"
        )
    review = (
        ApplicationReview.objects.select_for_update(of=("self",))
        .filter(application=application)
        .first()
    )
    submission = application.submissions.order_by("-version").first()
    if submission is None or application.status == ApplicationStatus.WITHDRAWN:
        raise ServiceError(
            _("Only a submitted application that was not withdrawn is reviewed."),
            code="frozen",
        )
    if review is not None and (
        review.submission_id == submission.pk
        or application.status != ApplicationStatus.SUBMITTED
        or review.state in FINAL_STATES
        or ScoringRecord.objects.filter(review=review).exists()
    ):
        return review
    if application.status != ApplicationStatus.SUBMITTED:
        raise ServiceError(
            _(
                "The applicant is correcting this application; it can be reviewed "
                "once it is submitted again."
            ),
            code="frozen",
        )
    if review is None:
        review = ApplicationReview.objects.create(
            application=application,
            submission=submission,
            member_pks=_member_pks(application),
            opened_at=now,
        )
        _sync_facts(review)
        _log(review, LogKind.OPENED, by, new={"version": submission.version}, at=now)
        return review
    old_version = review.submission.version
    review.submission = submission
    review.member_pks = _member_pks(application)
    fields = ["submission", "member_pks"]
    if review.state == ReviewState.VERIFIED:
        review.state = ReviewState.COMPLETE
        fields.append("state")
        _clear_verified(review)
        fields += VERIFIED_FIELDS
    changed = _sync_facts(review)
    _bump(review, fields)
    _log(
        review,
        LogKind.RESYNCED,
        by,
        old={"version": old_version},
        new={"version": submission.version, "changed": len(changed)},
        at=now,
    )
    return review


def reviews_open(*, tender: Tender, by: User | None = None) -> int:
    """Open (or bring up to date) the review of every lodged, submitted application
    of ``tender``. :returns: how many reviews there are now."""
    from applications.selectors import lodged_applications

    count = 0
    for application in lodged_applications(tender).filter(
        status=ApplicationStatus.SUBMITTED
    ):
        review_open(application=application, by=by)
        count += 1
    return count


# --- completeness and amendments (issue 13, 4; Art. 20) ------------------------------------


@transaction.atomic
def completeness_mark_complete(
    *,
    review: ApplicationReview,
    expected_version: int,
    by: User,
    now: datetime.datetime | None = None,
) -> ApplicationReview:
    """The commission finds the application complete (Art. 20): every document is
    there, or the amendment answered what was missing.

    :raises ServiceError: ``conflict`` (stale version), ``forbidden``, ``frozen``
        when rejected or already past this step, ``invalid`` while an amendment
        request is open or a rejection is drafted.
    """
    now = _now(now)
    review = _lock(review)
    _check_version(review, expected_version)
    _require_act(review, by)
    _require_open(review)
    if review.state not in (ReviewState.SUBMITTED, ReviewState.INCOMPLETE):
        raise ServiceError(
            _("This application has already been found complete."), code="frozen"
        )
    if review.rejection_state == RejectionState.DRAFTED:
        raise ServiceError(
            _("A rejection is drafted: withdraw it before marking this complete.")
        )
    if review.application.amendment_requests.filter(
        status=AmendmentStatus.OPEN
    ).exists():
        raise ServiceError(
            _(
                "An amendment request is still open: wait for the answer or the deadline."
            )
        )
    old = review.state
    review.state = ReviewState.COMPLETE
    review.completed_at = now
    _bump(review, ["state", "completed_at"])
    _log(review, LogKind.COMPLETE, by, path="state", old=old, new=review.state, at=now)
    return review


def default_amendment_deadline(
    tender: Tender, now: datetime.datetime | None = None
) -> datetime.datetime:
    """The end (23:59:59, Ljubljana time) of the day ``tender.amendment_days`` after
    today in Ljubljana (Art. 20(2): the tender's time limit, 15 days by default)."""
    today = timezone.localtime(_now(now), LJUBLJANA).date()
    day = today + datetime.timedelta(days=tender.amendment_days)
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=LJUBLJANA)


@transaction.atomic
def amendment_request(
    *,
    review: ApplicationReview,
    text: str,
    expected_version: int,
    by: User,
    deadline: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> AmendmentRequest:
    """Ask the applicant to complete the application by a deadline (Art. 20(2)); the
    review becomes ``incomplete``. The deadline defaults to the end of the day
    ``tender.amendment_days`` from today (:func:`default_amendment_deadline`).

    On commit the applicant is emailed in their language (no facts in the mail: a
    link to sign in); a paper applicant gets a letter PDF in Slovenian and English
    (``review.pdf.amendment_letter_for``) for the clerk to post. The request shows on
    the applicant's pages (``applications.AmendmentRequest``) and timeline.

    :raises ServiceError: ``conflict``, ``forbidden``, ``frozen`` (rejected, or a
        rejection drafted, or verified), ``invalid`` (no text, deadline not in the
        future).
    """
    now = _now(now)
    review = _lock(review)
    _check_version(review, expected_version)
    _require_act(review, by)
    _require_open(review)
    if review.state == ReviewState.VERIFIED or review.rejection_state:
        raise ServiceError(
            _("An amendment can no longer be requested for this application."),
            code="frozen",
        )
    application = review.application
    errors = ErrorCollector()
    body = _text(
        text, "text", errors, required_message=_("Say what the applicant must add.")
    )
    if deadline is None:
        deadline = default_amendment_deadline(application.tender, now)
    elif deadline <= now:
        errors.add("deadline", _("The deadline must be in the future."))
    errors.raise_if_any()
    amendment = AmendmentRequest.objects.create(
        application=application,
        requested_by=by,
        requested_at=now,
        deadline=deadline,
        text=body,
    )
    _event(application, EventKind.AMENDMENT_REQUESTED, by, now, note=_local(deadline))
    old = review.state
    review.state = ReviewState.INCOMPLETE
    _bump(review, ["state"])
    # The request's text may name what is missing (a medical certificate...): the log
    # keeps its id and deadline; the text stays in the request.
    _log(
        review,
        LogKind.AMENDMENT_REQUESTED,
        by,
        path="state",
        old=old,
        new={
            "state": review.state,
            "amendment": amendment.pk,
            "deadline": deadline.isoformat(),
        },
        at=now,
    )
    from .pdf import on_amendment_requested

    on_amendment_requested(amendment)
    return amendment


def amendments_expire(
    *, now: datetime.datetime | None = None
) -> list[AmendmentRequest]:
    """The daily job (``manage.py review_expire_amendments``): every open request
    whose deadline passed (whole seconds, as submissions) becomes ``expired``, and
    the application's review gets a rejection *drafted* under Art. 20(3) for the
    commission to issue (:func:`rejection_issue`); it is never issued here.

    :returns: the requests that expired now.
    """
    now = _now(now)
    moment = now.replace(microsecond=0)
    expired = []
    candidates = AmendmentRequest.objects.filter(
        status=AmendmentStatus.OPEN, deadline__lt=moment
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            amendment = (
                AmendmentRequest.objects.select_for_update(of=("self",))
                .select_related("application")
                .get(pk=pk)
            )
            if amendment.status != AmendmentStatus.OPEN or amendment.deadline >= moment:
                continue
            amendment.status = AmendmentStatus.EXPIRED
            amendment.save(update_fields=["status"])
            expired.append(amendment)
            review = ApplicationReview.objects.filter(
                application=amendment.application
            ).first()
            if review is None:
                continue
            review = _lock(review)
            _log(
                review,
                LogKind.AMENDMENT_EXPIRED,
                None,
                new={"amendment": amendment.pk},
                at=now,
            )
            if review.state in FINAL_STATES or review.rejection_state:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                reason = _(
                    "The application was not completed by the deadline of the request "
                    "to amend it (%(deadline)s)."
                ) % {"deadline": _local(amendment.deadline)}
            _draft(review, reason, ARTICLE_UNAMENDED, None, now)
    return expired


# --- rejections ----------------------------------------------------------------------------


def _draft(review, reason, article, by, now) -> None:
    review.rejection_state = RejectionState.DRAFTED
    review.rejection_reason = reason
    review.rejection_article = article
    review.rejection_drafted_at = now
    _bump(
        review,
        [
            "rejection_state",
            "rejection_reason",
            "rejection_article",
            "rejection_drafted_at",
        ],
    )
    _log(
        review,
        LogKind.REJECTION_DRAFTED,
        by,
        path="rejection",
        new={"article": article},
        reason=reason,
        at=now,
    )


@transaction.atomic
def rejection_draft(
    *,
    review: ApplicationReview,
    reason: str,
    article: str,
    expected_version: int,
    by: User,
    now: datetime.datetime | None = None,
) -> ApplicationReview:
    """Draft a decision rejecting the application, with its reason and article (e.g.
    an ineligible household, Art. 3; not amended in time, Art. 20(3), which
    :func:`amendments_expire` drafts itself).

    :raises ServiceError: ``conflict``, ``forbidden``, ``frozen`` (already rejected or
        drafted), ``invalid`` (no reason or article).
    """
    now = _now(now)
    review = _lock(review)
    _check_version(review, expected_version)
    _require_act(review, by)
    _require_open(review)
    if review.rejection_state:
        raise ServiceError(_("A rejection is already drafted."), code="frozen")
    errors = ErrorCollector()
    text = _text(
        reason, "reason", errors, required_message=_("Give the reason for rejection.")
    )
    if not (article or "").strip():
        errors.add("article", _("Name the article the rejection rests on."))
    errors.raise_if_any()
    _draft(review, text, article.strip(), by, now)
    return review


@transaction.atomic
def rejection_withdraw(
    *,
    review: ApplicationReview,
    reason: str,
    expected_version: int,
    by: User,
    now: datetime.datetime | None = None,
) -> ApplicationReview:
    """Withdraw a drafted (not issued) rejection, with a reason (e.g. the amendment
    arrived by post on time, or an Art. 20(3) draft of :func:`amendments_expire`
    that the commission does not issue). The chair or a member only, like issuing
    it; logged as ``rejection_withdrawn`` with the reason.

    :raises ServiceError: ``conflict``, ``forbidden``, ``frozen`` (nothing drafted,
        or issued), ``invalid`` (no reason).
    """
    now = _now(now)
    review = _lock(review)
    _check_version(review, expected_version)
    _require_decide(review, by)
    if review.rejection_state != RejectionState.DRAFTED:
        raise ServiceError(_("No rejection is drafted."), code="frozen")
    errors = ErrorCollector()
    text = _text(
        reason, "reason", errors, required_message=_("Say why the draft is withdrawn.")
    )
    errors.raise_if_any()
    article = review.rejection_article
    review.rejection_state = RejectionState.NONE
    review.rejection_reason = ""
    review.rejection_article = ""
    review.rejection_drafted_at = None
    _bump(
        review,
        [
            "rejection_state",
            "rejection_reason",
            "rejection_article",
            "rejection_drafted_at",
        ],
    )
    _log(
        review,
        LogKind.REJECTION_WITHDRAWN,
        by,
        path="rejection",
        old={"state": RejectionState.DRAFTED, "article": article},
        new=RejectionState.NONE,
        reason=text,
        at=now,
    )
    return review


@transaction.atomic
def rejection_issue(
    *,
    review: ApplicationReview,
    expected_version: int,
    by: User,
    now: datetime.datetime | None = None,
) -> ApplicationReview:
    """The commission issues the drafted rejection: the review is ``rejected`` and
    closed; the applicant's timeline shows it.

    :raises ServiceError: ``conflict``, ``forbidden`` (chair and members only),
        ``frozen`` when no rejection is drafted.
    """
    now = _now(now)
    review = _lock(review)
    _check_version(review, expected_version)
    _require_decide(review, by)
    if review.rejection_state != RejectionState.DRAFTED:
        raise ServiceError(_("No rejection is drafted."), code="frozen")
    old = review.state
    review.state = ReviewState.REJECTED
    review.rejection_state = RejectionState.ISSUED
    review.rejection_issued_at = now
    review.rejection_issued_by = by
    _bump(
        review,
        ["state", "rejection_state", "rejection_issued_at", "rejection_issued_by"],
    )
    _log(
        review,
        LogKind.REJECTION_ISSUED,
        by,
        path="state",
        old=old,
        new=review.state,
        reason=review.rejection_reason,
        at=now,
    )
    _event(
        review.application,
        EventKind.STATUS_CHANGED,
        by,
        now,
        note=f"rejected (Art. {review.rejection_article})",
    )
    return review


# --- verification of facts (issue 13, 5) ---------------------------------------------------

VERIFIED_FIELDS = [
    "verified_case",
    "verified_result",
    "verified_total",
    "verified_eligible",
    "verified_digest",
    "verified_at",
    "verified_by",
]


def _clear_verified(review: ApplicationReview) -> None:
    review.verified_case = None
    review.verified_result = None
    review.verified_total = None
    review.verified_eligible = None
    review.verified_digest = ""
    review.verified_at = None
    review.verified_by = None


def _effective(fact: FactCheck) -> Any:
    if fact.state == FactState.CORRECTED:
        return fact.verified
    if fact.state == FactState.REJECTED:
        return False
    return fact.claimed


def _clean_value(fact: FactPath, value: Any, errors: ErrorCollector) -> Any:
    """The corrected value in the case format, or ``None`` with a message added."""
    key = fact.key
    bad = _("Enter a valid value for this fact.")
    if key in APPLICATION_BOOLEANS or key in MEMBER_BOOLEANS:
        if isinstance(value, bool):
            return value
        errors.add("value", _("Answer yes or no."))
        return None
    if key in MONEY_FIELDS:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            errors.add("value", _("Enter a number, e.g. 1234.50."))
            return None
        if not number.is_finite() or number < 0 or number > Decimal("99999999.99"):
            errors.add("value", _("Enter a number of zero or more."))
            return None
        return str(number.quantize(Decimal("0.01")))
    if key == "housing_status":
        if value in HousingStatus.values:
            return value
        errors.add("value", _("Choose one of the housing statuses of the Form."))
        return None
    if key == "birth_date":
        try:
            day = (
                value
                if isinstance(value, datetime.date)
                else datetime.date.fromisoformat(str(value))
            )
        except ValueError:
            errors.add("value", _("Enter a date, e.g. 2001-05-31."))
            return None
        return day.isoformat()
    if key == "sex":
        if value in Sex.values:
            return value
    elif key == "role":
        if value in MemberRole.values:
            return value
    elif key == "citizenship":
        text = str(value or "").strip().upper()
        if _CITIZENSHIP.match(text) and text != "EU":
            return text
    elif key == "permanent_residence":
        text = str(value or "").strip()
        if 0 < len(text) <= 200:
            return text
    errors.add("value", bad)
    return None


def _decide(
    *,
    review: ApplicationReview,
    path: str,
    state: str,
    expected_version: int,
    by: User,
    value: Any = None,
    reason: str = "",
    document: Document | None = None,
    now: datetime.datetime | None = None,
) -> FactCheck:
    now = _now(now)
    review = _lock(review)
    _check_version(review, expected_version)
    _require_act(review, by)
    _require_open(review)
    errors = ErrorCollector()
    fact = review.facts.filter(path=path).first()
    if fact is None:
        raise ServiceError({"path": [_("This fact is not among the claims.")]})
    parsed = parse_path(path)
    list_fact = parsed.kind in ("category", "additional")
    text = (reason or "").strip()
    if state in (FactState.CORRECTED, FactState.REJECTED):
        text = _text(
            reason,
            "reason",
            errors,
            required_message=_("Give the reason: it is recorded and shown."),
        )
    cleaned = None
    if state == FactState.CORRECTED:
        if list_fact:
            errors.add(
                "value",
                _("A category or condition is confirmed or rejected, not corrected."),
            )
        else:
            cleaned = _clean_value(parsed, value, errors)
            if cleaned is not None and cleaned == fact.claimed:
                errors.add(
                    "value",
                    _("This is the claimed value: confirm the fact instead."),
                )
    if state == FactState.REJECTED and not (
        list_fact or isinstance(fact.claimed, bool)
    ):
        errors.add(
            "value",
            _("A value cannot be rejected without the right one: correct it."),
        )
    if document is not None and document.application_id != review.application_id:
        errors.add("document", _("Choose a document of this application."))
    if not errors and state == FactState.CORRECTED:
        # The engine must accept the facts as they would then be.
        decisions = [(p, s, v) for p, s, v in decisions_of(review) if p != path] + [
            (path, state, cleaned)
        ]
        case = apply_facts(review.submission.case, review.member_pks, decisions)
        problems = engine.application_problems(
            tender_rules(review.application.tender), facts_from_case(case)
        )
        lang = translation.get_language() or settings.LANGUAGE_CODE
        for problem in problems:
            errors.add("value", problem.message(lang))
    errors.raise_if_any()

    old = {"state": fact.state, "value": _effective(fact)}
    fact.state = state
    fact.verified = cleaned if state == FactState.CORRECTED else None
    fact.reason = text
    fact.document = document
    fact.decided_by = by
    fact.decided_at = now
    fact.save()
    kind = {
        FactState.CONFIRMED: LogKind.FACT_CONFIRMED,
        FactState.CORRECTED: LogKind.FACT_CORRECTED,
        FactState.REJECTED: LogKind.FACT_REJECTED,
    }[state]
    fields: list[str] = []
    if review.state == ReviewState.VERIFIED:
        # A later change withdraws the verified assessment: verify again.
        review.state = ReviewState.COMPLETE
        _clear_verified(review)
        fields = ["state", *VERIFIED_FIELDS]
    _bump(review, fields)
    _log(
        review,
        kind,
        by,
        path=path,
        old=old,
        new={"state": state, "value": _effective(fact), "document": fact.document_id},
        special=parsed.special,
        reason=text,
        at=now,
    )
    if fields:
        _log(review, LogKind.UNVERIFIED, by, path="state", at=now)
    return fact


@transaction.atomic
def fact_confirm(
    *,
    review: ApplicationReview,
    path: str,
    expected_version: int,
    by: User,
    document: Document | None = None,
    now: datetime.datetime | None = None,
) -> FactCheck:
    """Confirm a claimed fact as claimed (optionally citing the document that proves
    it). A change after verification withdraws the verified assessment.

    :raises ServiceError: ``conflict``, ``forbidden``, ``frozen``, ``invalid``
        (unknown fact, another application's document).
    """
    return _decide(
        review=review,
        path=path,
        state=FactState.CONFIRMED,
        expected_version=expected_version,
        by=by,
        document=document,
        now=now,
    )


@transaction.atomic
def fact_correct(
    *,
    review: ApplicationReview,
    path: str,
    value: Any,
    reason: str,
    expected_version: int,
    by: User,
    document: Document | None = None,
    now: datetime.datetime | None = None,
) -> FactCheck:
    """Record the true value of a fact (the new value replaces the claim in the
    verified facts), with the reason and optionally the document.

    :raises ServiceError: ``invalid`` without a reason, with a value the fact cannot
        take or the engine refuses, the claimed value itself, a category; also
        ``conflict``, ``forbidden``, ``frozen``.
    """
    return _decide(
        review=review,
        path=path,
        state=FactState.CORRECTED,
        value=value,
        reason=reason,
        expected_version=expected_version,
        by=by,
        document=document,
        now=now,
    )


@transaction.atomic
def fact_reject(
    *,
    review: ApplicationReview,
    path: str,
    reason: str,
    expected_version: int,
    by: User,
    document: Document | None = None,
    now: datetime.datetime | None = None,
) -> FactCheck:
    """Reject a claim: a claimed yes counts as no, a claimed category or additional
    condition is removed. Values (income, area...) are corrected instead.

    :raises ServiceError: ``invalid`` without a reason or for a value fact; also
        ``conflict``, ``forbidden``, ``frozen``.
    """
    return _decide(
        review=review,
        path=path,
        state=FactState.REJECTED,
        reason=reason,
        expected_version=expected_version,
        by=by,
        document=document,
        now=now,
    )


def facts_confirm_bulk(
    *,
    by: User,
    facts: Iterable[str] = ("citizenship", "residence"),
    review: ApplicationReview | None = None,
    tender: Tender | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Confirm at once the still-claimed facts the lessor obtains itself from the
    registers (Art. 19(2): ``citizenship``, ``residence``, ``household``), on one
    review or on every open review of a tender. Decided facts are left alone, so no
    version is needed; on a tender, reviews on which ``by`` declared a conflict or
    that are closed are skipped.

    :raises ServiceError: ``invalid`` (unknown fact name, neither or both of review
        and tender), ``forbidden`` (no seat; on one review: a conflict).
    :returns: how many facts were confirmed.
    """
    now = _now(now)
    names = list(facts)
    errors = ErrorCollector()
    unknown = [n for n in names if n not in BULK_FACTS]
    if unknown or not names:
        errors.add(
            "facts",
            _("Choose among the facts the lessor obtains itself: %(names)s.")
            % {"names": ", ".join(BULK_FACTS)},
        )
    if (review is None) == (tender is None):
        errors.add(None, _("Choose one application or one tender."))
    errors.raise_if_any()
    keys = {BULK_FACTS[n] for n in names}
    if review is not None:
        targets = [review]
        tender = review.application.tender
    else:
        targets = list(
            ApplicationReview.objects.filter(application__tender=tender).exclude(
                state__in=FINAL_STATES
            )
        )
    if perm.seat_role(by, tender) is None:
        raise ServiceError(
            _("You do not sit on this tender's commission."), code="forbidden"
        )
    count = 0
    for target in targets:
        with transaction.atomic():
            locked = _lock(target)
            if review is not None:
                _require_act(locked, by)
                _require_open(locked)
            elif (
                not perm.can_act(by, locked)
                or locked.state in FINAL_STATES
                or ScoringRecord.objects.filter(review=locked).exists()
            ):
                continue
            pending = [
                f
                for f in locked.facts.filter(state=FactState.CLAIMED)
                if f.path.startswith("members[") and f.path.split(".", 1)[1] in keys
            ]
            if not pending:
                continue
            locked.row_version += 1
            with translation.override(settings.LANGUAGE_CODE):
                reason = _("Obtained by the lessor from the register (Art. 19(2)).")
            for fact in pending:
                fact.state = FactState.CONFIRMED
                fact.reason = reason
                fact.decided_by = by
                fact.decided_at = now
                fact.save()
                _log(
                    locked,
                    LogKind.FACT_CONFIRMED,
                    by,
                    path=fact.path,
                    old={"state": FactState.CLAIMED, "value": fact.claimed},
                    new={"state": FactState.CONFIRMED, "value": fact.claimed},
                    reason=fact.reason,
                    at=now,
                )
            fields = []
            if locked.state == ReviewState.VERIFIED:
                locked.state = ReviewState.COMPLETE
                _clear_verified(locked)
                fields = ["state", *VERIFIED_FIELDS]
            locked.save(update_fields=[*fields, "row_version"])
            count += len(pending)
    return count


@transaction.atomic
def review_verify(
    *,
    review: ApplicationReview,
    expected_version: int,
    by: User,
    now: datetime.datetime | None = None,
) -> ApplicationReview:
    """Compute the official assessment from the verified facts only (issue 13: never
    from the applicant's claims) and keep it: the engine input (``verified_case``),
    its output, total, eligibility and the SHA-256 of input and output.

    :raises ServiceError: ``conflict``; ``forbidden`` (chair and members only);
        ``frozen`` before the application is complete, or when rejected; ``invalid``
        while a fact is undecided or when the engine refuses the facts.
    """
    now = _now(now)
    review = _lock(review)
    _check_version(review, expected_version)
    _require_decide(review, by)
    _require_open(review)
    if review.state != ReviewState.COMPLETE:
        raise ServiceError(
            _("Only a complete application can be verified."), code="frozen"
        )
    undecided = review.facts.filter(state=FactState.CLAIMED).count()
    if undecided:
        raise ServiceError(
            _("%(count)d fact(s) are not yet confirmed, corrected or rejected.")
            % {"count": undecided}
        )
    case = verified_case(review)
    try:
        result = assess(review.application.tender, case)
    except engine.InvalidFacts as error:
        lang = translation.get_language() or settings.LANGUAGE_CODE
        raise ServiceError(
            {None: [f"{p}: {m}" for p, m in error.messages(lang)]}
        ) from error
    review.verified_case = case
    review.verified_result = result
    review.verified_total = result["total"]
    review.verified_eligible = result["eligible"]
    review.verified_digest = digest({"application": case, "assessment": result})
    review.verified_at = now
    review.verified_by = by
    old = review.state
    review.state = ReviewState.VERIFIED
    _bump(review, ["state", *VERIFIED_FIELDS])
    _log(
        review,
        LogKind.VERIFIED,
        by,
        path="state",
        old=old,
        new={
            "state": review.state,
            "total": review.verified_total,
            "eligible": review.verified_eligible,
            "sha256": review.verified_digest,
        },
        at=now,
    )
    return review


# --- inspections (issue 13, 6; Art. 22(2)-(5)) ----------------------------------------------


def _in_shelter(review: ApplicationReview) -> bool:
    """The household claims a temporary residence in a maternity home, shelter or
    safe house (the commission did not reject or correct that away)."""
    fact = review.facts.filter(
        path="application.temporary_residence_in_shelter"
    ).first()
    if fact is None:
        return bool(review.submission.case.get("temporary_residence_in_shelter"))
    return bool(_effective(fact))


@transaction.atomic
def inspection_record(
    *,
    review: ApplicationReview,
    date: datetime.date,
    present: Sequence[User],
    findings: str,
    expected_version: int,
    by: User,
    photos: Sequence[Document] = (),
    photo_files: Sequence[IO[bytes]] = (),
    now: datetime.datetime | None = None,
) -> Inspection:
    """Record a visit to the dwelling (Art. 22(2)): date, the commission members
    present, findings, photos (documents of the application) and photos taken at
    the visit (``photo_files``: JPEG or PNG, at most :data:`PHOTOS_MAX`, each checked
    by content and re-encoded without metadata by
    :func:`applications.documents.check_file`, stored in the private storage as
    :class:`~review.models.InspectionPhoto`).

    Refused for a household in a maternity home, shelter or safe house (Art. 22(5)):
    the commission does not inspect there.

    :raises ServiceError: ``invalid`` (shelter, date in the future, nobody present or
        someone who is not a member without a conflict, no findings, another
        application's photo; at ``photos``: a file that is not a JPEG or PNG by
        content, too big, damaged, or too many); ``conflict``, ``forbidden``,
        ``frozen``.
    """
    now = _now(now)
    review = _lock(review)
    _check_version(review, expected_version)
    _require_decide(review, by)
    _require_open(review)
    if _in_shelter(review):
        raise ServiceError(
            _(
                "The commission does not inspect housing conditions in maternity "
                "homes, shelters, safe houses and places of refuge (Art. 22(5))."
            )
        )
    errors = ErrorCollector()
    if date > timezone.localtime(now, LJUBLJANA).date():
        errors.add("date", _("The date of the visit cannot be in the future."))
    people = list(present)
    if not people:
        errors.add("present", _("Name the commission members who were present."))
    elif any(not perm.can_decide(u, review) for u in people):
        errors.add(
            "present",
            _(
                "Only the chair and members of the commission without a conflict of "
                "interest can inspect."
            ),
        )
    text = _text(
        findings, "findings", errors, required_message=_("Write what was found.")
    )
    if any(p.application_id != review.application_id for p in photos):
        errors.add("photos", _("Choose documents of this application."))
    checked = _check_photos(photo_files, errors)
    errors.raise_if_any()
    inspection = Inspection.objects.create(
        review=review, date=date, findings=text, recorded_by=by, recorded_at=now
    )
    inspection.members_present.set(people)
    inspection.photos.set(photos)
    _bump(review)
    _log(
        review,
        LogKind.INSPECTION,
        by,
        path=f"inspection:{inspection.pk}",
        new={
            "date": date.isoformat(),
            "present": sorted(u.pk for u in people),
            "photos": [result.sha256 for _name, result in checked],
        },
        at=now,
    )
    # The files last: a failure removes those already written (the rows roll back).
    _store_photos(inspection, checked, by, now)
    return inspection


PHOTOS_MAX = 20


def _check_photos(
    files: Sequence[IO[bytes]], errors: ErrorCollector
) -> list[tuple[str, CheckedFile]]:
    """Each file checked as an applicant's document is (type from the content, size,
    re-encoded image); only images are photos. Refusals go to ``photos``."""
    if len(files) > PHOTOS_MAX:
        errors.add(
            "photos", _("Upload at most %(max)d photos at once.") % {"max": PHOTOS_MAX}
        )
        return []
    checked = []
    for file in files:
        name = clean_file_name(getattr(file, "name", "") or "")
        try:
            result = check_file(file)
        except ServiceError as error:
            for message in error.messages:
                errors.add("photos", f"{name}: {message}")
            continue
        if result.content_type not in PHOTO_TYPES:
            errors.add(
                "photos",
                _(
                    "%(name)s: a photo must be a JPEG or PNG image (judged by its "
                    "content, not its name)."
                )
                % {"name": name},
            )
            continue
        checked.append((name, result))
    return checked


def _store_photos(
    inspection: Inspection,
    checked: Sequence[tuple[str, CheckedFile]],
    by: User,
    now: datetime.datetime,
) -> list[InspectionPhoto]:
    """Write the checked photos; a failure removes the files already written."""
    stored: list[InspectionPhoto] = []
    try:
        for name, result in checked:
            photo = InspectionPhoto(
                inspection=inspection,
                original_name=name,
                content_type=result.content_type,
                size=len(result.data),
                sha256=result.sha256,
                uploaded_by=by,
                uploaded_at=now,
            )
            photo.file.save("photo", ContentFile(result.data), save=False)
            stored.append(photo)
            photo.save()
    except BaseException:
        for photo in stored:
            photo.file.storage.delete(photo.file.name)
        raise
    return stored


# --- the scoring record (issue 13, 7; Art. 22(1), (4)) ------------------------------------


def record_signers(review: ApplicationReview) -> list[dict[str, str]]:
    """Who signs the record (Art. 22(4)): the chair and the members of the commission,
    without those who declared a conflict on the application."""
    seats = (
        CommissionSeat.objects.filter(
            tender_id=review.application.tender_id,
            role__in=[CommissionRole.CHAIR, CommissionRole.MEMBER],
        )
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )
    return [
        {"name": s.user.get_full_name(), "role": s.role, "user": s.user_id}
        for s in seats
        if not perm.has_conflict(
            s.user, review.application.tender_id, review.application_id
        )
    ]


@transaction.atomic
def record_issue(
    *,
    review: ApplicationReview,
    expected_version: int,
    by: User,
    language: str | None = None,
    now: datetime.datetime | None = None,
) -> ScoringRecord:
    """Issue the scoring record: a PDF of the verified assessment, each line with its
    article, the members who sign it and the date; stored once with its SHA-256 and
    shown to the applicant (``review.selectors.issued_documents_for``). Issuing again
    returns the record issued. Language: the applicant's, else Slovenian.

    :raises ServiceError: ``conflict``, ``forbidden`` (chair and members only),
        ``frozen`` before verification.
    """
    now = _now(now)
    review = _lock(review)
    existing = ScoringRecord.objects.filter(review=review).first()
    if existing is not None:
        return existing
    _check_version(review, expected_version)
    _require_decide(review, by)
    if review.state != ReviewState.VERIFIED:
        raise ServiceError(
            _(
                "The scoring record is issued from the verified assessment: verify first."
            ),
            code="frozen",
        )
    application = review.application
    if language is None:
        applicant = application.applicant
        language = (
            applicant and applicant.preferred_language
        ) or settings.LANGUAGE_CODE
    signers = record_signers(review)
    signed_on = timezone.localtime(now, LJUBLJANA).date()
    from .pdf import render_scoring_record_pdf

    _html, pdf = render_scoring_record_pdf(
        review, language=language, signers=signers, signed_on=signed_on
    )
    record = ScoringRecord(
        review=review,
        language=language,
        signers=signers,
        signed_on=signed_on,
        issued_by=by,
        issued_at=now,
    )
    # No race to handle: the review row is locked (``_lock``) above.
    record = store_pdf(record, pdf, name="record.pdf")
    _bump(review)
    _log(
        review,
        LogKind.RECORD_ISSUED,
        by,
        path="record",
        new={"sha256": record.sha256, "signers": [s["user"] for s in signers]},
        at=now,
    )
    _event(application, EventKind.STATUS_CHANGED, by, now, note="scoring record issued")
    return record
