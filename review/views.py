"""The commission's workspace (issue 13): dashboard, seats, queue, exports and the
review of one application.

Every page is for lessor staff with a second factor (``staff_otp_required``); the
tender must be one the user may review (:func:`review.permissions.can_view_tender`):
another lessor's tender or application answers 404, the lessor's staff without a
seat 403. Writes go through one service each; a refusal (``ServiceError``) is shown
at its field, and a stale edit (``conflict``) shows what changed meanwhile and lets
the member redo the edit. GET never writes; the special-data selectors log each
view of special-category data (an access log, by design).
"""

import hashlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from applications.constants import AmendmentStatus
from applications.documents import (
    EXTENSIONS,
    required_documents,
)
from applications.models import AmendmentRequest, Application
from applications.selectors import lodged_applications
from housing.downloads import file_response
from housing.errors import ServiceError, add_to_form
from housing.mixins import staff_otp_required
from housing.models import User
from housing.permissions import is_staff_of
from tenders.models import Tender

from . import permissions as perm
from . import services
from .constants import CommissionRole, FactState, RejectionState, ReviewState
from .exports import applicant_name, as_csv, as_xlsx, queue_rows
from .filters import QueueFilter
from .forms import (
    AmendmentForm,
    BulkConfirmForm,
    ConflictForm,
    FactConfirmForm,
    FactCorrectForm,
    FactRejectForm,
    InspectionForm,
    RejectionDraftForm,
    RejectionWithdrawForm,
    SeatForm,
    SeatRemoveForm,
    VersionForm,
)
from .models import ApplicationReview, CommissionSeat, InspectionPhoto, ScoringRecord
from .selectors import (
    assessment_for,
    changes_since,
    commission_for,
    conflicts_for,
    fact_lines,
    flags_for,
    inspections_for,
    log_special_view,
    queue_page,
    review_for,
    review_history,
    reviews_for,
)

PER_PAGE = 50


# --- access ---------------------------------------------------------------------------------


def _tender(request: HttpRequest, pk: int) -> Tender:
    """The tender if the user may see its review pages: 404 for another lessor's,
    403 for the lessor's staff without a seat."""
    tender = get_object_or_404(Tender.objects.select_related("lessor"), pk=pk)
    if not is_staff_of(request.user, tender.lessor_id):
        raise Http404
    if not perm.can_view_tender(request.user, tender):
        raise PermissionDenied
    return tender


def _application(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("tender__lessor"), pk=pk
    )
    _tender(request, application.tender_id)
    if application.code is None:
        raise Http404
    return application


def _staff(tender: Tender):
    return (
        User.objects.filter(memberships__lessor=tender.lessor, is_active=True)
        .exclude(is_superuser=True)
        .distinct()
        .order_by("full_name", "email")
    )


# --- dashboard -------------------------------------------------------------------------------


@require_safe
@staff_otp_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts by state, deadlines, progress, duplicates and flags of one tender."""
    tender = _tender(request, pk)
    reviews = reviews_for(tender=tender, by=request.user)
    by_state = dict(reviews.order_by().values_list("state").annotate(n=Count("pk")))
    lodged = lodged_applications(tender).count()
    opened = sum(by_state.values())
    rows = [
        {"state": "unopened", "label": _("Not yet opened"), "n": lodged - opened}
    ] + [
        {"state": value, "label": label, "n": by_state.get(value, 0)}
        for value, label in ReviewState.choices
    ]
    biggest = max([r["n"] for r in rows] + [1])
    for index, row in enumerate(rows):
        row["percent"] = round(100 * row["n"] / biggest)
        row["y"] = index * 28
    done = by_state.get(ReviewState.VERIFIED, 0) + by_state.get(ReviewState.REJECTED, 0)
    amendments = AmendmentRequest.objects.filter(
        application__tender=tender, status=AmendmentStatus.OPEN
    ).aggregate(n=Count("pk"), first=Min("deadline"))
    flags = flags_for(tender)
    return render(
        request,
        "review/tender_dashboard.html",
        {
            "tender": tender,
            "rows": rows,
            "chart_height": len(rows) * 28,
            "lodged": lodged,
            "opened": opened,
            "done": done,
            "progress": round(100 * done / lodged) if lodged else 0,
            "amendments": amendments,
            "drafted": reviews.filter(rejection_state=RejectionState.DRAFTED).count(),
            "records": ScoringRecord.objects.filter(
                review__application__tender=tender
            ).count(),
            "flag_counts": {
                "people": sum(1 for f in flags.values() if f.duplicate_people),
                "documents": sum(1 for f in flags.values() if f.duplicate_documents),
                "near": sum(1 for f in flags.values() if f.near_cutoff),
            },
            "can_set_seats": perm.can_set_seats(request.user, tender),
            "seat": perm.seat_role(request.user, tender),
            "now": timezone.now(),
        },
    )


@require_POST
@staff_otp_required
def open_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the review of every submitted application (lazily opened otherwise)."""
    tender = _tender(request, pk)
    try:
        count = services.reviews_open(tender=tender, by=request.user)
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(count)d applications are in the queue.") % {"count": count}
        )
    return redirect("review:queue", pk=tender.pk)


# --- the commission's seats --------------------------------------------------------------------


@staff_otp_required
def seats(request: HttpRequest, pk: int) -> HttpResponse:
    """The commission of a tender; the lessor's admin (or a superuser) sets it."""
    tender = _tender(request, pk)
    can_set = perm.can_set_seats(request.user, tender)
    form = SeatForm(request.POST or None, staff=_staff(tender))
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.seat_set(
                    tender=tender,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
            except ServiceError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The commission was changed."))
                return redirect("review:seats", pk=tender.pk)
    return render(
        request,
        "review/commission_seats.html",
        {
            "tender": tender,
            "seats": commission_for(tender),
            "form": form if can_set else None,
            "can_set": can_set,
            "seat": perm.seat_role(request.user, tender),
        },
    )


@require_POST
@staff_otp_required
def seat_remove(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    form = SeatRemoveForm(request.POST)
    if not perm.can_set_seats(request.user, tender):
        raise PermissionDenied
    if form.is_valid():
        seat = get_object_or_404(
            CommissionSeat.objects.select_related("user"),
            tender=tender,
            user_id=form.cleaned_data["user"],
        )
        try:
            services.seat_remove(tender=tender, user=seat.user, by=request.user)
        except ServiceError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The commission was changed."))
    return redirect("review:seats", pk=tender.pk)


# --- the queue ---------------------------------------------------------------------------------


def _filtered(request: HttpRequest, tender: Tender) -> QueueFilter:
    reviews = (
        reviews_for(tender=tender, by=request.user)
        .select_related("application", "submission")
        .defer("submission__case", "verified_case")
    )
    return QueueFilter(request.GET or None, queryset=reviews, tender=tender)


def _form_key(request: HttpRequest, filtered: QueueFilter) -> str:
    """Everything the filter form's HTML depends on besides the language (the
    template's ``{% cache %}`` adds it): bound or not, the submitted value of each
    field, each field's choices (the tender's categories and sub-lists). Rendering the
    form costs more CPU than the rest of the page's template; a queue is paged with
    the same filters, so each worker renders one set of filters once."""
    fields = filtered.form.fields
    return hashlib.sha256(
        repr(
            (
                filtered.is_bound,
                [(name, request.GET.getlist(name)) for name in fields],
                [
                    (name, [(value, str(label)) for value, label in field.choices])
                    for name, field in fields.items()
                    if hasattr(field, "choices")
                ],
            )
        ).encode()
    ).hexdigest()


@require_safe
@staff_otp_required
def queue(request: HttpRequest, pk: int) -> HttpResponse:
    """The applications under review: filters, search, sorting, pages of 50."""
    tender = _tender(request, pk)
    filtered = _filtered(request, tender)
    # Two queries for the page and its count, the duplicates asked of its 50 rows
    # only (review.selectors.queue_page): not the whole tender's members and
    # documents grouped at each request.
    found = queue_page(
        filtered.qs, request.GET.get("page"), tender=tender, per_page=PER_PAGE
    )
    page = found.page
    # Each cell worked out here once, not by template tags in each of the 50 rows.
    channels = {True: _("Online"), False: _("On paper")}
    states = {value: str(label) for value, label in ReviewState.choices}
    rows = [
        {
            "review": r,
            "url": reverse("review:detail", args=[r.application_id]),
            "code": r.application.code,
            "name": applicant_name(r),
            "channel": channels[r.application.applicant_id is not None],
            "state": states.get(r.state, r.state),
            "rejection_drafted": r.rejection_state == RejectionState.DRAFTED,
            "points": r.verified_total,
            "same_person": r.same_person,
            "same_document": r.same_document,
            "distance": getattr(r, "cutoff_distance", None),
        }
        for r in found.reviews
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "review/review_queue.html",
        {
            "tender": tender,
            "filter": filtered,
            "form": filtered.form,
            "form_key": _form_key(request, filtered),
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "bulk_form": BulkConfirmForm(
                initial={"facts": ["citizenship", "residence"]}
            ),
            "seat": perm.seat_role(request.user, tender),
        },
    )


@require_safe
@staff_otp_required
def queue_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The queue (with its filters) as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    tender = _tender(request, pk)
    filtered = _filtered(request, tender)
    rows = queue_rows(
        filtered.qs, by=request.user, tender=tender, flags=flags_for(tender)
    )
    name = f"{tender.code}-queue-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(as_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            as_xlsx(rows, tender.code),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_POST
@staff_otp_required
def bulk_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the Art. 19(2) facts of every open review of the tender."""
    tender = _tender(request, pk)
    form = BulkConfirmForm(request.POST)
    if form.is_valid():
        try:
            count = services.facts_confirm_bulk(
                by=request.user, facts=form.cleaned_data["facts"], tender=tender
            )
        except ServiceError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("%(count)d facts were confirmed.") % {"count": count}
            )
    return redirect("review:queue", pk=tender.pk)


# --- the review of one application --------------------------------------------------------------

ACTIONS = {
    "amendment": AmendmentForm,
    "complete": VersionForm,
    "confirm": FactConfirmForm,
    "correct": FactCorrectForm,
    "reject": FactRejectForm,
    "verify": VersionForm,
    "draft_rejection": RejectionDraftForm,
    "issue_rejection": VersionForm,
    "withdraw_rejection": RejectionWithdrawForm,
    "inspection": InspectionForm,
    "record": VersionForm,
    "conflict": ConflictForm,
}
# Steps that cannot be undone: a confirmation page comes first.
CONFIRMED_ACTIONS = {"issue_rejection", "record"}
FACT_ACTIONS = {"confirm", "correct", "reject"}


def _deciders(tender: Tender):
    return User.objects.filter(
        commission_seats__tender=tender,
        commission_seats__role__in=[CommissionRole.CHAIR, CommissionRole.MEMBER],
    ).order_by("full_name")


def _make_form(action: str, review: ApplicationReview, data=None, files=None, **extra):
    form_class = ACTIONS[action]
    kwargs: dict[str, Any] = {"prefix": action}
    if files is not None:
        kwargs["files"] = files
    if action == "correct":
        kwargs["documents"] = review.application.documents.order_by("uploaded_at")
    if action == "inspection":
        kwargs["members"] = _deciders(review.application.tender)
    initial = {"expected_version": review.row_version, **extra}
    if action == "amendment":
        deadline = services.default_amendment_deadline(review.application.tender)
        initial.setdefault("deadline", deadline.date())
    return form_class(data, initial=initial, **kwargs)


def _review_context(
    request: HttpRequest,
    application: Application,
    review: ApplicationReview | None,
    bound: dict[str, Any] | None = None,
    changes: list | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "application": application,
        "tender": application.tender,
        "review": review,
        "changes": changes or [],
    }
    if review is None:
        return context
    user = request.user
    bound = bound or {}
    forms = {name: bound.get(name) or _make_form(name, review) for name in ACTIONS}
    lines = fact_lines(review=review, by=user)
    reader = not any(line.masked for line in lines) and perm.can_read_special(
        user, review
    )
    context.update(
        {
            "forms": list(forms.values()),
            "f": forms,
            "lines": lines,
            "undecided": sum(1 for line in lines if line.state == FactState.CLAIMED),
            "comparison": assessment_for(
                review=review, by=user, language=request.LANGUAGE_CODE
            ),
            "history": review_history(review=review, by=user),
            "documents": (required_documents(application) if reader else None),
            "uploaded": application.documents.order_by("uploaded_at") if reader else [],
            "amendments": application.amendment_requests.order_by("-requested_at"),
            "inspections": inspections_for(review),
            "reader": reader,
            "record": ScoringRecord.objects.filter(review=review).first(),
            "can_act": perm.can_act(user, review),
            "can_decide": perm.can_decide(user, review),
            "seat": perm.seat_role(user, application.tender),
            "bound_fact": bound.get("fact_path"),
            "fact_forms": {
                "correct": bound.get("correct"),
                "reject": bound.get("reject"),
            },
        }
    )
    return context


@require_safe
@staff_otp_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The review of one application: documents, facts, points, steps, history."""
    application = _application(request, pk)
    review = review_for(application)
    return render(
        request,
        "review/review_detail.html",
        _review_context(request, application, review),
    )


@require_POST
@staff_otp_required
def review_open(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        services.review_open(application=application, by=request.user)
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("review:detail", pk=application.pk)


@require_safe
@staff_otp_required
def fact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One fact with its correct and reject forms (``?path=``)."""
    application = _application(request, pk)
    review = review_for(application)
    if review is None:
        raise Http404
    path = request.GET.get("path", "")
    return _fact_page(request, application, review, path)


def _fact_page(request, application, review, path, bound=None, changes=None):
    lines = fact_lines(review=review, by=request.user)
    line = next((x for x in lines if x.path == path), None)
    if line is None:
        raise Http404
    bound = bound or {}
    forms = {
        name: bound.get(name) or _make_form(name, review, path=path)
        for name in ("correct", "reject")
    }
    return render(
        request,
        "review/fact_form.html",
        {
            "application": application,
            "tender": application.tender,
            "review": review,
            "line": line,
            "forms": list(forms.values()),
            "f": forms,
            "changes": changes or [],
            "can_act": perm.can_act(request.user, review),
            "rejectable": line.kind in ("category", "additional")
            or isinstance(line.claimed, bool),
        },
    )


@require_safe
@staff_otp_required
def confirm_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The confirmation page of a step that cannot be undone."""
    if action not in CONFIRMED_ACTIONS:
        raise Http404
    application = _application(request, pk)
    review = review_for(application)
    if review is None:
        raise Http404
    return render(
        request,
        "review/confirm_step.html",
        {
            "application": application,
            "tender": application.tender,
            "review": review,
            "action": action,
            "form": _make_form(action, review),
        },
    )


def _run(action: str, form, review: ApplicationReview, user: User):
    data = form.cleaned_data
    common = {
        "review": review,
        "expected_version": data["expected_version"],
        "by": user,
    }
    if action == "amendment":
        return services.amendment_request(
            text=data["text"], deadline=form.deadline_moment(), **common
        )
    if action == "complete":
        return services.completeness_mark_complete(**common)
    if action == "confirm":
        return services.fact_confirm(path=data["path"], **common)
    if action == "correct":
        return services.fact_correct(
            path=data["path"],
            value=form.cleaned_value(),
            reason=data["reason"],
            document=data["document"],
            **common,
        )
    if action == "reject":
        return services.fact_reject(path=data["path"], reason=data["reason"], **common)
    if action == "verify":
        return services.review_verify(**common)
    if action == "draft_rejection":
        return services.rejection_draft(
            reason=data["reason"], article=data["article"], **common
        )
    if action == "issue_rejection":
        return services.rejection_issue(**common)
    if action == "withdraw_rejection":
        return services.rejection_withdraw(reason=data["reason"], **common)
    if action == "inspection":
        return services.inspection_record(
            date=data["date"],
            present=list(data["present"]),
            findings=data["findings"],
            photo_files=data["photos"],
            **common,
        )
    if action == "record":
        return services.record_issue(**common)
    if action == "conflict":
        return services.conflict_declare(
            tender=review.application.tender,
            application=review.application,
            reason=data["reason"],
            by=user,
        )
    raise Http404


DONE = {
    "amendment": gettext_lazy("The amendment request was sent."),
    "complete": gettext_lazy("The application is marked complete."),
    "confirm": gettext_lazy("The fact was confirmed."),
    "correct": gettext_lazy("The fact was corrected."),
    "reject": gettext_lazy("The claim was rejected."),
    "verify": gettext_lazy("The verified assessment was computed."),
    "draft_rejection": gettext_lazy("The rejection was drafted."),
    "issue_rejection": gettext_lazy("The rejection was issued."),
    "withdraw_rejection": gettext_lazy("The drafted rejection was withdrawn."),
    "inspection": gettext_lazy("The inspection was recorded."),
    "record": gettext_lazy("The scoring record was issued."),
    "conflict": gettext_lazy("Your conflict of interest was declared."),
}


@require_POST
@staff_otp_required
def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step on a review, through its service; a refusal is shown at the form."""
    if action not in ACTIONS:
        raise Http404
    application = _application(request, pk)
    review = review_for(application)
    if review is None:
        raise Http404
    form = _make_form(action, review, data=request.POST, files=request.FILES)
    changes = None
    if form.is_valid():
        try:
            _run(action, form, review, request.user)
        except ServiceError as error:
            review = review_for(application)
            if error.code == "conflict":
                # Show what changed and let the member redo the edit on the new
                # version: the same answers, the version the page now shows.
                changes = changes_since(
                    review=review, version=form.cleaned_data["expected_version"]
                )
                data = request.POST.copy()
                data[f"{action}-expected_version"] = str(review.row_version)
                form = _make_form(action, review, data=data, files=request.FILES)
                form.is_valid()
            add_to_form(form, error)
        else:
            messages.success(request, DONE[action])
            if action in FACT_ACTIONS:
                anchor = "#facts"
            elif action == "record":
                anchor = "#record"
            else:
                anchor = ""
            return redirect(reverse("review:detail", args=[application.pk]) + anchor)
    if action in ("correct", "reject"):
        return _fact_page(
            request,
            application,
            review,
            form.data.get(f"{action}-path", ""),
            bound={action: form},
            changes=changes,
        )
    if action in CONFIRMED_ACTIONS and not changes:
        template = "review/confirm_step.html"
        context = {
            "application": application,
            "tender": application.tender,
            "review": review,
            "action": action,
            "form": form,
        }
        return render(request, template, context)
    context = _review_context(request, application, review, {action: form}, changes)
    return render(request, "review/review_detail.html", context)


@require_safe
@staff_otp_required
def record_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The issued scoring record (PDF). Its lines may show special-category data
    (health, disability, violence): only for those who may read it (the commission
    without a conflict), and each download is logged like a view of that data."""
    application = _application(request, pk)
    record = get_object_or_404(
        ScoringRecord.objects.select_related("review__application"),
        review__application=application,
    )
    if not perm.can_read_special(request.user, record.review):
        raise PermissionDenied
    log_special_view(request.user, application, "scoring record")
    return file_response(record.file, filename=f"{application.code}-scoring-record.pdf")


@require_safe
@staff_otp_required
def photo_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of an inspection, as an attachment: the tender's commission without a
    conflict on the application only (inspection photos are special-category data,
    ``config.data_classification``); each download is logged like a view of it."""
    photo = get_object_or_404(
        InspectionPhoto.objects.select_related("inspection__review"), pk=pk
    )
    review = photo.inspection.review
    application = _application(request, review.application_id)
    if not perm.can_read_special(request.user, review):
        raise PermissionDenied
    log_special_view(request.user, application, "inspection photo")
    stem = (photo.original_name.rsplit(".", 1)[0] or "photo")[:100]
    extension = EXTENSIONS.get(photo.content_type, "bin")
    return file_response(
        photo.file,
        filename=f"{application.code}-{stem}.{extension}",
        content_type=photo.content_type,
    )


@require_safe
@staff_otp_required
def conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    """Every conflict of interest declared on the tender: for its seat holders."""
    tender = _tender(request, pk)
    if not perm.can_see_conflicts(request.user, tender):
        raise PermissionDenied
    return render(
        request,
        "review/conflict_list.html",
        {"tender": tender, "conflicts": conflicts_for(tender=tender, by=request.user)},
    )
