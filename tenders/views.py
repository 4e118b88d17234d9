"""Tender pages: the public's (home, tender, invitation PDF) and the lessor staff's
(list, create, configure, lifecycle). Views check input and call one service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from housing.downloads import file_response
from housing.errors import ServiceError, add_to_form
from housing.mixins import staff_otp_required
from housing.permissions import can_configure_tenders
from scoring.engine import EDITIONS

from . import pdf as invitation_pdf
from . import services
from .constants import TRANSITION_LABELS, TenderStatus
from .forms import (
    AdditionalConditionForm,
    AmendmentNoticeForm,
    SubListForm,
    TenderCategoryForm,
    TenderForm,
    TieBreakForm,
    TransitionForm,
)
from .models import AdditionalCondition, SubList, TenderCategory
from .selectors import (
    lessors_configurable_by,
    tender_get_for_staff,
    tender_get_public_page,
    tender_list_archived,
    tender_list_for_staff,
    tender_list_open,
    tender_page_fragments,
)

# --- public ---------------------------------------------------------------------------


@transaction.non_atomic_requests  # one read (docs/decisions.md)
@require_safe
def home(request):
    """The public home page: open tenders (an empty state when there are none)."""
    return render(request, "tenders/home.html", {"tenders": tender_list_open()})


@transaction.non_atomic_requests  # reads only (docs/decisions.md)
@require_safe
def tender_detail(request, pk: int):
    """Everything an applicant needs to know about one tender (Art. 18): the same
    for every reader, mostly from the cache (tenders.selectors.tender_page_fragments)."""
    tender = tender_get_public_page(pk=pk)
    return render(
        request,
        "tenders/tender_detail.html",
        {"tender": tender, "fragments": tender_page_fragments(tender=tender)},
    )


@require_safe
def tender_invitation_pdf(request, pk: int):
    """The invitation as published: a stored PDF, never rendered here.

    ``?language=`` (default: the page's) and ``?version=`` (default: the newest) pick
    the file; its SHA-256 is the ETag, and the public page shows it too.
    """
    language = request.GET.get("language") or request.LANGUAGE_CODE
    version = request.GET.get("version")
    if language not in dict(settings.LANGUAGES) or not (
        version is None or (version.isdecimal() and len(version) < 6)
    ):
        raise Http404
    document = invitation_pdf.tender_document_get_public(
        tender_pk=pk,
        language=language,
        version=int(version) if version is not None else None,
    )
    etag = f'"{document.sha256}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = file_response(
            document.file,
            filename=invitation_pdf.document_filename(
                document.tender, document.language, document.version
            ),
            public=True,
        )
    response["ETag"] = etag
    # A named version never changes; "the newest" changes with an amendment notice.
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable"
        if version is not None
        else "public, no-cache"
    )
    return response


# --- staff ----------------------------------------------------------------------------


def _configurable(request, pk: int):
    """The tender, if the user is its lessor's admin: 404 for other lessors, else 403."""
    tender = tender_get_for_staff(user=request.user, pk=pk)
    if not can_configure_tenders(request.user, tender.lessor_id):
        raise PermissionDenied
    return tender


@require_safe
@staff_otp_required
def tender_invitation_preview(request, pk: int):
    """Lessor staff: the invitation as it would be published now, drafts included.

    Rendered on demand (staff only, rarely), never stored, never cached.
    """
    tender = tender_get_for_staff(user=request.user, pk=pk)
    _html, pdf = invitation_pdf.render_invitation_pdf(
        tender=tender, language=request.LANGUAGE_CODE
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = invitation_pdf.document_filename(tender, request.LANGUAGE_CODE, None)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    return response


@require_safe
@staff_otp_required
def staff_tender_list(request):
    # GET requests never write: a tender past its deadline shows as closed (its
    # effective status) before the closing job (manage.py close_tenders) records it.
    return render(
        request,
        "tenders/staff/tender_list.html",
        {
            "tenders": tender_list_for_staff(user=request.user),
            "can_create": lessors_configurable_by(user=request.user).exists(),
        },
    )


@staff_otp_required
def tender_create(request):
    lessors = lessors_configurable_by(user=request.user)
    if not lessors.exists():
        raise PermissionDenied
    form = TenderForm(request.POST or None, lessors=lessors)
    if request.method == "POST" and form.is_valid():
        try:
            tender = services.tender_create(
                lessor=form.cleaned_data["lessor"],
                data=form.cleaned_data,
                by=request.user,
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The tender was created as a draft."))
            return redirect("tenders:manage", pk=tender.pk)
    return render(
        request, "tenders/staff/tender_form.html", {"form": form, "tender": None}
    )


@require_safe
@staff_otp_required
def tender_manage(request, pk: int):
    tender = tender_get_for_staff(user=request.user, pk=pk)
    edition = EDITIONS[tender.rules_edition]
    return render(
        request,
        "tenders/staff/tender_manage.html",
        {
            "tender": tender,
            "edition": edition,
            "can_configure": can_configure_tenders(request.user, tender.lessor_id),
            "transitions": [
                (status, TRANSITION_LABELS[status])
                for status in services.allowed_transitions(
                    tender=tender, user=request.user
                )
            ],
            "events": tender.events.select_related("by"),
            "amendments": tender.amendments.all(),
            "category_names": dict(services.tie_break_choices(tender=tender)),
        },
    )


@staff_otp_required
def tender_edit(request, pk: int):
    tender = _configurable(request, pk)
    lessors = lessors_configurable_by(user=request.user)
    form = TenderForm(request.POST or None, instance=tender, lessors=lessors)
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_update(
                tender=tender,
                data=form.cleaned_data,
                by=request.user,
                version=form.cleaned_data.get("version"),
            )
        except ServiceError as error:
            add_to_form(form, error)
            if error.code == "conflict":
                # Saving again after reading the message saves over the new version.
                form.data = form.data.copy()
                form.data["version"] = str(
                    type(tender)
                    .objects.values_list("version", flat=True)
                    .get(pk=tender.pk)
                )
        else:
            messages.success(request, _("The tender was saved."))
            return redirect("tenders:manage", pk=tender.pk)
    return render(
        request, "tenders/staff/tender_form.html", {"form": form, "tender": tender}
    )


# Categories, additional conditions and sub-lists share one set of views; each kind
# has its own service (and the keyword it takes the edited object by).
CHILDREN = {
    "categories": (
        TenderCategory,
        TenderCategoryForm,
        "categories",
        services.tender_category_save,
        "category",
    ),
    "conditions": (
        AdditionalCondition,
        AdditionalConditionForm,
        "additional_conditions",
        services.tender_condition_save,
        "condition",
    ),
    "sublists": (
        SubList,
        SubListForm,
        "sublists",
        services.tender_sublist_save,
        "sublist",
    ),
}


def _child_kind(kind: str):
    if kind not in CHILDREN:
        raise Http404
    return CHILDREN[kind]


@staff_otp_required
def tender_child_edit(request, pk: int, kind: str, child_pk: int | None = None):
    tender = _configurable(request, pk)
    model, form_class, related, save, keyword = _child_kind(kind)
    instance = None
    if child_pk is not None:
        instance = get_object_or_404(getattr(tender, related), pk=child_pk)
    form = form_class(request.POST or None, instance=instance, tender=tender)
    if request.method == "POST" and form.is_valid():
        try:
            save(
                tender=tender,
                data=form.cleaned_data,
                by=request.user,
                **{keyword: instance},
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("tenders:manage", pk=tender.pk)
    return render(
        request,
        "tenders/staff/child_form.html",
        {
            "form": form,
            "tender": tender,
            "kind": kind,
            "title": model._meta.verbose_name,
            "edition": EDITIONS[tender.rules_edition],
        },
    )


@staff_otp_required
def tender_child_delete(request, pk: int, kind: str, child_pk: int):
    tender = _configurable(request, pk)
    model, _form_class, related, _save, _keyword = _child_kind(kind)
    obj = get_object_or_404(getattr(tender, related), pk=child_pk)
    if request.method == "POST":
        try:
            services.tender_child_delete(tender=tender, obj=obj, by=request.user)
        except ServiceError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Deleted."))
        return redirect("tenders:manage", pk=tender.pk)
    return render(
        request,
        "tenders/staff/child_confirm_delete.html",
        {"tender": tender, "obj": obj, "title": model._meta.verbose_name},
    )


@staff_otp_required
def tender_tie_break(request, pk: int):
    tender = _configurable(request, pk)
    form = TieBreakForm(request.POST or None, tender=tender)
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_tie_break_set(
                tender=tender, chain=form.cleaned_data["chain"], by=request.user
            )
        except ServiceError as error:
            # The service numbers the chain's positions; the form may have gaps.
            fields = form.cleaned_data["chain_fields"]
            for key, texts in error.errors.items():
                number = key.removeprefix("position_") if key else ""
                target = fields[int(number) - 1] if number.isdigit() else None
                for text in texts:
                    form.add_error(target, text)
        else:
            messages.success(request, _("The tie-break chain was saved."))
            return redirect("tenders:manage", pk=tender.pk)
    return render(
        request, "tenders/staff/tie_break_form.html", {"form": form, "tender": tender}
    )


def _deadline_text(deadline) -> str:
    """A deadline as people read it: "15. 3. 2026 12:00" in Ljubljana time."""
    return formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")


def _transition_done(tender, to_status: str) -> str:
    """What a step did, said specifically (issue 11: never "status changed")."""
    names = {"code": tender.code, "title": tender.title}
    if to_status == TenderStatus.PUBLISHED:
        return _(
            "Tender %(code)s “%(title)s” published; applications open until "
            "%(deadline)s (Ljubljana time)."
        ) % {**names, "deadline": _deadline_text(tender.deadline)}
    if to_status == TenderStatus.ARCHIVED:
        return (
            _(
                "Tender %(code)s “%(title)s” archived; its page stays readable among the "
                "closed tenders."
            )
            % names
        )
    return _("Tender %(code)s “%(title)s” is now: %(status)s.") % {
        **names,
        "status": TenderStatus(to_status).label,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@staff_otp_required
def tender_transition(request, pk: int):
    """A step of the lifecycle. GET ``?to_status=`` shows what the step will do and to
    whom, with the button that makes it; POST makes it (the service decides).

    Both answer the same people: the tender's staff (404 for other lessors); a step
    the user cannot make now leads back to the tender with a message.
    """
    tender = tender_get_for_staff(user=request.user, pk=pk)
    form = TransitionForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("Unknown step."))
        return redirect("tenders:manage", pk=tender.pk)
    to_status = form.cleaned_data["to_status"]
    if request.method != "POST":
        if to_status not in services.allowed_transitions(
            tender=tender, user=request.user
        ):
            messages.error(request, _("You cannot make this step now."))
            return redirect("tenders:manage", pk=tender.pk)
        problems = (
            services.tender_publication_problems(tender=tender)
            if to_status == TenderStatus.PUBLISHED
            else []
        )
        return render(
            request,
            "tenders/staff/transition_confirm.html",
            {
                "tender": tender,
                "to_status": to_status,
                "label": TRANSITION_LABELS[to_status],
                "problems": problems,
                "deadline": tender.deadline,
            },
        )
    try:
        tender = services.tender_transition(
            tender=tender, to_status=to_status, by=request.user
        )
    except ServiceError as error:
        # Each problem on its own (publishing an incomplete tender lists several).
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _transition_done(tender, to_status))
    return redirect("tenders:manage", pk=tender.pk)


@staff_otp_required
def amendment_create(request, pk: int):
    tender = _configurable(request, pk)
    """Write a notice, check it on a page that says what publishing it does, then
    publish it (``confirm``); ``change`` goes back to the form with the text kept."""
    form = AmendmentNoticeForm(request.POST or None, tender=tender)
    if request.method == "POST" and form.is_valid() and "change" not in request.POST:
        if "confirm" not in request.POST:
            return render(
                request,
                "tenders/staff/amendment_confirm.html",
                {"form": form, "tender": tender},
            )
        try:
            notice = services.amendment_publish(
                tender=tender,
                text=form.cleaned_data["text"],
                text_en=form.cleaned_data["text_en"],
                new_deadline=form.cleaned_data["new_deadline"],
                by=request.user,
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            names = {"code": tender.code, "title": tender.title}
            if notice.new_deadline:
                message = _(
                    "Amendment notice to tender %(code)s “%(title)s” published; "
                    "applications are now open until %(deadline)s (Ljubljana time)."
                ) % {**names, "deadline": _deadline_text(notice.new_deadline)}
            else:
                message = (
                    _(
                        "Amendment notice to tender %(code)s “%(title)s” published on its "
                        "page and in its PDF."
                    )
                    % names
                )
            messages.success(request, message)
            return redirect("tenders:manage", pk=tender.pk)
    return render(
        request, "tenders/staff/amendment_form.html", {"form": form, "tender": tender}
    )


@require_safe
def tender_archive(request):
    """Tenders no longer open: the public may still read their terms and dates."""
    return render(request, "tenders/archive.html", {"tenders": tender_list_archived()})
