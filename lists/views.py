"""Pages of the priority lists (issue 14).

Public: a version's page (codes, never names; hashes; cut-offs per sub-list), its
PDFs and its CSV/XLSX, for published (and superseded) versions; the applicant's
place. Staff (second factor verified): the tender's versions and building, a
version with its cut-offs, approval, publication (with a confirmation page), the
difference between versions; the decisions (a confirmation page), appeals and the
final list (Art. 24). The applicant downloads their decision. Anyone else gets 404
(another party's object).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from applications.models import Application
from housing.downloads import file_response
from housing.errors import ServiceError, add_to_form
from housing.mixins import staff_otp_required
from jobs.services import job_start
from review.permissions import can_view_tender
from tenders.models import Tender

from . import export, selectors, services, tasks
from . import permissions as perm
from .constants import ListState
from .decisions import appeal_body, appeal_deadline
from .forms import (
    AppealDecideForm,
    AppealForm,
    ConfirmForm,
    CutoffForm,
    DeliveryForm,
    PublishForm,
)
from .models import Appeal, Decision, ListVersion


def _version(pk: int) -> ListVersion:
    return get_object_or_404(ListVersion.objects.select_related("tender"), pk=pk)


def _visible_version(request, pk: int) -> ListVersion:
    version = _version(pk)
    if not perm.can_view_version(request.user, version):
        raise Http404
    return version


# --- public -----------------------------------------------------------------------------


@require_safe
def version_detail(request, pk: int):
    """A version of a tender's lists: sub-lists with their cut-offs and entries
    (codes only), the SHA-256 of the input, the data and the PDFs."""
    version = _visible_version(request, pk)
    return render(
        request,
        "lists/version_detail.html",
        {
            "version": version,
            "tender": version.tender,
            "groups": selectors.sub_lists_of(version),
            "ineligible": version.engine_output.get("ineligible", []),
        },
    )


@require_safe
def version_pdf(request, pk: int, language: str):
    version = _visible_version(request, pk)
    file = {"sl": version.pdf, "en": version.pdf_en}.get(language)
    if file is None:
        raise Http404
    return file_response(
        file, filename=export.filename(version, f"{language}.pdf"), public=True
    )


@require_safe
def version_export(request, pk: int, fmt: str):
    """CSV or XLSX of the version (public columns only)."""
    version = _visible_version(request, pk)
    if fmt == "csv":
        data, content_type = export.version_csv(version), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        data = export.version_xlsx(version)
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{export.filename(version, fmt)}"'
    )
    return response


@require_safe
@login_required
def standing(request, application_pk: int):
    """The applicant's rank, sub-list and cut-off on the published list."""
    application = get_object_or_404(
        Application.objects.select_related("tender"), pk=application_pk
    )
    if application.applicant_id != request.user.pk and not can_view_tender(
        request.user, application.tender
    ):
        raise Http404
    return render(
        request,
        "lists/standing.html",
        {"application": application, "standing": selectors.standing_for(application)},
    )


# --- staff ------------------------------------------------------------------------------


def _staff_tender(request, pk: int) -> Tender:
    tender = get_object_or_404(Tender, pk=pk)
    if not perm.can_view_lists(request.user, tender):
        raise Http404
    return tender


def _staff_version(request, pk: int) -> ListVersion:
    version = _version(pk)
    if not perm.can_view_lists(request.user, version.tender):
        raise Http404
    return version


def _refused(request, error: ServiceError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_otp_required
def tender_lists(request, pk: int):
    """The tender's versions; POST builds a new draft."""
    tender = _staff_tender(request, pk)
    can_build = perm.can_build_lists(request.user, tender)
    if request.method == "POST":
        # What can be told at once is told at once; the build runs in the worker.
        problems = services.build_problems(tender)
        if not can_build:
            problems = [_("You may not build the priority lists.")]
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            job_start(
                kind=tasks.BUILD_KIND,
                target=tender,
                by=request.user,
                task=tasks.build_lists,
                lessor=tender.lessor,
                tender_id=tender.pk,
                user_id=request.user.pk,
            )
            messages.success(
                request,
                _("The lists are being built in the background: see the progress."),
            )
        return redirect("lists:tender", pk=tender.pk)
    return render(
        request,
        "lists/staff/tender_lists.html",
        {
            "tender": tender,
            "versions": selectors.versions_for_staff(tender),
            "problems": services.build_problems(tender),
            "can_build": can_build,
            "job": selectors.latest_job(tasks.BUILD_KIND, tender),
        },
    )


def _manage(request, version: ListVersion, form: CutoffForm | None = None):
    codes = [s["code"] for s in version.engine_input["tender"].get("sub_lists", [])]
    return render(
        request,
        "lists/staff/version_manage.html",
        {
            "version": version,
            "tender": version.tender,
            "groups": selectors.sub_lists_of(version),
            "overrides": version.cutoff_overrides.select_related("by"),
            "ineligible": version.engine_output.get("ineligible", []),
            "problems": services.publication_problems(version),
            "cutoff_form": form or CutoffForm(sub_lists=codes),
            "has_sub_lists": bool(codes),
            "can_build": perm.can_build_lists(request.user, version.tender),
            "can_approve": perm.can_approve_list(request.user, version),
            "can_view_internal": perm.can_view_internal_list(
                request.user, version.tender
            ),
            "editable": version.state in (ListState.DRAFT, ListState.APPROVED),
            "job": selectors.latest_job(tasks.PUBLISH_KIND, version),
        },
    )


@require_safe
@staff_otp_required
def version_manage(request, pk: int):
    return _manage(request, _staff_version(request, pk))


@require_safe
@staff_otp_required
def version_internal_pdf(request, pk: int, language: str):
    """The internal list with names (issue 14, 3): only the tender's commission, as
    a private attachment; 404 for anyone else and before it is published."""
    version = _version(pk)
    if not perm.can_view_internal_list(request.user, version.tender):
        raise Http404
    file = {"sl": version.internal_pdf, "en": version.internal_pdf_en}.get(language)
    if file is None:
        raise Http404
    return file_response(
        file, filename=export.filename(version, f"internal-{language}.pdf")
    )


@require_POST
@staff_otp_required
def version_cutoff(request, pk: int):
    """Change a sub-list's cut-off (reason required): a new draft version."""
    version = _staff_version(request, pk)
    codes = [s["code"] for s in version.engine_input["tender"].get("sub_lists", [])]
    form = CutoffForm(request.POST, sub_lists=codes)
    if form.is_valid():
        try:
            new = services.list_cutoff_set(
                version=version,
                sub_list_code=form.cleaned_data["sub_list"],
                cutoff=form.cleaned_data["cutoff"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("The cut-off was changed: version %(number)d.")
                % {"number": new.number},
            )
            return redirect("lists:manage", pk=new.pk)
    return _manage(request, version, form)


@require_POST
@staff_otp_required
def version_approve(request, pk: int):
    version = _staff_version(request, pk)
    try:
        services.list_approve(version=version, by=request.user)
    except ServiceError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The version was approved."))
    return redirect("lists:manage", pk=version.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_otp_required
def version_publish(request, pk: int):
    """A confirmation page, then publication."""
    version = _staff_version(request, pk)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problems = services.publication_problems(version)
        if not perm.can_build_lists(request.user, version.tender):
            problems = [_("You may not publish the priority lists.")]
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            # Publication renders the PDFs: in the worker.
            job_start(
                kind=tasks.PUBLISH_KIND,
                target=version,
                by=request.user,
                task=tasks.publish_lists,
                lessor=version.tender.lessor,
                version_id=version.pk,
                user_id=request.user.pk,
                final=form.cleaned_data["final"],
            )
            messages.success(
                request,
                _("The lists are being published in the background: see the progress."),
            )
        return redirect("lists:manage", pk=version.pk)
    return render(
        request,
        "lists/staff/publish_confirm.html",
        {
            "version": version,
            "tender": version.tender,
            "form": form,
            "problems": services.publication_problems(version),
            "groups": selectors.sub_lists_of(version),
        },
    )


@require_safe
@staff_otp_required
def version_diff(request, pk: int):
    """What changed from another version (``?against=<id>``; by default the one it
    was made from, else the version before it)."""
    version = _staff_version(request, pk)
    against = request.GET.get("against", "")
    others = ListVersion.objects.filter(tender=version.tender).exclude(pk=version.pk)
    if against.isdecimal():
        old = get_object_or_404(others, pk=int(against))
    else:
        old = (
            version.based_on
            or others.filter(number__lt=version.number).order_by("-number").first()
        )
    if old is None:
        raise Http404
    return render(
        request,
        "lists/staff/version_diff.html",
        {
            "version": version,
            "tender": version.tender,
            "diff": selectors.list_diff(old, version),
            "others": others.order_by("-number"),
        },
    )


# --- decisions, appeals and the final list (Art. 24) -----------------------------------


def _decision_pdf_response(decision: Decision) -> FileResponse:
    return file_response(
        decision.pdf,
        filename=f"decision-{decision.application.code}-v{decision.version.number}.pdf",
    )


@require_safe
@login_required
def decision_pdf(request, application_pk: int, pk: int):
    """The applicant's own decision (only the applicant: staff use the staff link)."""
    decision = get_object_or_404(
        Decision.objects.select_related("application", "version"),
        pk=pk,
        application_id=application_pk,
    )
    if decision.application.applicant_id != request.user.pk:
        raise Http404
    return _decision_pdf_response(decision)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_otp_required
def decisions_issue(request, pk: int):
    """A confirmation page, then the decisions on a published version."""
    version = _staff_version(request, pk)
    form = ConfirmForm(request.POST or None)
    can_build = perm.can_build_lists(request.user, version.tender)
    if request.method == "POST" and can_build and form.is_valid():
        if version.state != ListState.PUBLISHED or version.final:
            messages.error(
                request,
                _("Decisions are issued only on the published version of the lists."),
            )
        else:
            # One PDF per application: in the worker.
            job_start(
                kind=tasks.DECISIONS_KIND,
                target=version,
                by=request.user,
                task=tasks.issue_decisions,
                lessor=version.tender.lessor,
                version_id=version.pk,
                user_id=request.user.pk,
            )
            messages.success(
                request,
                _(
                    "The decisions are being issued in the background: see the progress."
                ),
            )
        return redirect("lists:decisions", pk=version.pk)
    return render(
        request,
        "lists/staff/decisions_confirm.html",
        {
            "version": version,
            "tender": version.tender,
            "form": form,
            "can_build": can_build,
            "issued": version.decisions.select_related("application"),
            "job": selectors.latest_job(tasks.DECISIONS_KIND, version),
        },
    )


@require_safe
@staff_otp_required
def appeals(request, pk: int):
    """The tender's decisions with their delivery, appeal deadline and appeals."""
    tender = _staff_tender(request, pk)
    rows = [
        {"decision": d, "deadline": appeal_deadline(d)}
        for d in selectors.decisions_of_tender(tender)
    ]
    current = selectors.current_version(tender)
    return render(
        request,
        "lists/staff/appeals.html",
        {
            "tender": tender,
            "rows": rows,
            "current": current,
            "can_record": perm.can_record_appeals(request.user, tender),
            "can_build": perm.can_build_lists(request.user, tender),
            "delivery_form": DeliveryForm(),
        },
    )


def _staff_decision(request, pk: int) -> Decision:
    decision = get_object_or_404(
        Decision.objects.select_related("application", "version__tender__lessor"),
        pk=pk,
    )
    if not perm.can_view_lists(request.user, decision.version.tender):
        raise Http404
    return decision


@require_safe
@staff_otp_required
def decision_pdf_staff(request, pk: int):
    """The decision for the file or to print (a paper applicant's letter)."""
    return _decision_pdf_response(_staff_decision(request, pk))


@require_POST
@staff_otp_required
def decision_delivery(request, pk: int):
    """The clerk records when a paper decision was delivered."""
    decision = _staff_decision(request, pk)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services.decision_delivery_record(
                decision=decision,
                delivered_on=form.cleaned_data["delivered_on"],
                by=request.user,
            )
        except ServiceError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The delivery was recorded."))
    else:
        messages.error(request, _("Give a valid delivery date."))
    return redirect("lists:appeals", pk=decision.version.tender_id)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_otp_required
def appeal_new(request, pk: int):
    """Record an appeal against a decision (refused after the 15 days)."""
    decision = _staff_decision(request, pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_record(
                decision=decision,
                received_on=form.cleaned_data["received_on"],
                grounds=form.cleaned_data["grounds"],
                by=request.user,
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The appeal was recorded."))
            return redirect("lists:appeals", pk=decision.version.tender_id)
    body, article = appeal_body(decision)
    return render(
        request,
        "lists/staff/appeal_form.html",
        {
            "decision": decision,
            "tender": decision.version.tender,
            "form": form,
            "deadline": appeal_deadline(decision),
            "appeal_body": body,
            "appeal_article": article,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_otp_required
def appeal_decide(request, pk: int):
    """Record the appeal body's outcome."""
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "decision__application", "decision__version__tender__lessor"
        ),
        pk=pk,
    )
    tender = appeal.decision.version.tender
    if not perm.can_view_lists(request.user, tender):
        raise Http404
    form = AppealDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_decide(
                appeal=appeal,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The outcome of the appeal was recorded."))
            return redirect("lists:appeals", pk=tender.pk)
    body, article = appeal_body(appeal.decision)
    return render(
        request,
        "lists/staff/appeal_decide.html",
        {
            "appeal": appeal,
            "decision": appeal.decision,
            "tender": tender,
            "form": form,
            "appeal_body": body,
            "appeal_article": article,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_otp_required
def final_publish(request, pk: int):
    """A confirmation page, then the final list (Art. 24(5))."""
    version = _staff_version(request, pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.final_list_publish(version=version, by=request.user)
        except ServiceError as error:
            _refused(request, error)
            return redirect("lists:final", pk=version.pk)
        messages.success(request, _("The final list was published."))
        return redirect("lists:version", pk=version.pk)
    return render(
        request,
        "lists/staff/final_confirm.html",
        {
            "version": version,
            "tender": version.tender,
            "form": form,
            "problems": services.final_list_problems(version),
            "can_build": perm.can_build_lists(request.user, version.tender),
        },
    )
