"""The applicant portal: start, the task list, one topic per page, check your answers,
submit, the receipt, and the application's status afterwards.

Applicants reach their own applications only; a clerk or commission member of the
tender's lessor (second factor verified) reaches the paper applications of that lessor
through the same pages. Anyone else's application answers 404. Views parse input with a
form and call one service; a refusal (:class:`ServiceError`) is shown at its fields and
in the error summary, and nothing is saved.
"""

import functools
import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache as django_cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from housing.errors import ServiceError, add_to_form
from housing.fingerprint import release_fingerprint
from housing.mixins import second_factor_redirect, staff_otp_required
from housing.permissions import can_review_applications
from tenders.constants import TenderStatus
from tenders.models import Tender
from tenders.selectors import tender_get_public

from . import selectors, services
from .constants import (
    SECTION_FIELDS,
    SECTION_MEMBER_FIELDS,
    AmendmentStatus,
    ApplicationStatus,
    MemberRole,
    Section,
    SectionState,
)
from .forms import (
    MEMBER_FORMS,
    SECTION_FORMS,
    STATUSES_WITH_AREA,
    AmendmentAnswerForm,
    ConfirmForm,
    MemberForm,
    PaperStartForm,
    PaperSubmitForm,
    SubmitForm,
    member_initial,
)
from .models import Application, Member
from .permissions import can_edit_application

# --- access ------------------------------------------------------------------------------


def is_editable(application: Application) -> bool:
    """A draft the acting person may still change: before the deadline online; a paper
    draft also after it (the paper's date of receipt decides)."""
    if application.status != ApplicationStatus.DRAFT:
        return False
    if application.is_paper:
        return application.tender.status in (
            TenderStatus.PUBLISHED,
            TenderStatus.CLOSED,
        )
    return application.tender.status == TenderStatus.PUBLISHED and not (
        services.after_deadline(application.tender, timezone.now())
    )


def application_page(*, edit: bool = False) -> Callable:
    """The view gets the application instead of its id: the applicant's own, or a
    paper application of a lessor the user reviews for (second factor verified);
    anything else is 404. ``edit``: a page that changes the draft; once it cannot be
    changed, the page sends the reader to the application's status page.

    These views run outside the request's transaction (``ATOMIC_REQUESTS``): each
    changes the application through one service call, which is its own transaction
    (``@transaction.atomic``, the row locked), and a page that only reads gains
    nothing from one under PostgreSQL's read committed (each statement sees what was
    committed when it began, in a transaction or not). It saves the BEGIN and COMMIT
    of every page, and a save's savepoint (docs/decisions.md, "The applicant's pages
    without the request's transaction")."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
            application = selectors.application_of(request.user, pk)
            if application is None:
                application = (
                    selectors.paper_applications_for(request.user).filter(pk=pk).first()
                )
                if application is None or not can_edit_application(
                    request.user, application
                ):
                    raise Http404
                needs_otp = second_factor_redirect(request)
                if needs_otp is not None:
                    return needs_otp
            if edit and not is_editable(application):
                messages.info(request, _("This application can no longer be changed."))
                return redirect("applications:detail", pk=application.pk)
            return view(request, application, *args, **kwargs)

        return transaction.non_atomic_requests(wrapper)

    return decorate


def _show_error(
    forms_by_key: dict, main_form, error: ServiceError, members: list[Member]
) -> None:
    """Put a service's messages at their fields: ``members[<i>].<field>`` at the
    i-th member's form (or at the top with the member's name); the rest on the main
    form (at the top when it has no such field)."""
    for field, messages_ in error.errors.items():
        target, name = main_form, field
        if field and field.startswith("members["):
            index_text, _dot, name = field[len("members[") :].partition("].")
            index = int(index_text)
            target = forms_by_key.get(index)
            if target is None or name not in target.fields:
                member = members[index] if index < len(members) else None
                for message in messages_:
                    main_form.add_error(
                        None, f"{member}: {message}" if member else message
                    )
                continue
        for message in messages_:
            target.add_error(name if name in target.fields else None, message)


def _next(application: Application) -> HttpResponse:
    """After a page is saved: back to the task list (GOV.UK task list pattern)."""
    return redirect("applications:detail", pk=application.pk)


# --- start -----------------------------------------------------------------------------


@login_required
def tender_apply(request: HttpRequest, tender_pk: int) -> HttpResponse:
    """The start page of an online application; starting is idempotent (two tabs or a
    double click give one application)."""
    tender = tender_get_public(pk=tender_pk)
    existing = (
        selectors.applications_for(request.user)
        .filter(tender=tender)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )
    if existing is not None:
        return redirect("applications:detail", pk=existing.pk)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                tender=tender, applicant=request.user, by=request.user
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/application_start.html",
        {
            "tender": tender,
            "form": form,
            "is_lessor_staff": can_review_applications(request.user, tender.lessor_id),
        },
    )


@staff_otp_required
def paper_start(request: HttpRequest, tender_pk: int) -> HttpResponse:
    """A clerk starts a paper application for a person without an account."""
    tender = get_object_or_404(
        Tender.objects.select_related("lessor"),
        pk=tender_pk,
        status__in=[TenderStatus.PUBLISHED, TenderStatus.CLOSED],
    )
    if not can_review_applications(request.user, tender.lessor_id):
        raise Http404
    form = PaperStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                tender=tender,
                applicant=None,
                by=request.user,
                postal_address=form.cleaned_data["postal_address"],
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            return redirect("applications:detail", pk=application.pk)
    return render(
        request, "applications/paper_start.html", {"tender": tender, "form": form}
    )


@require_safe
@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """The applicant's applications."""
    return render(
        request,
        "applications/application_list.html",
        {"applications": selectors.applications_for(request.user)},
    )


# --- the task list and the status page --------------------------------------------------


@require_safe
@application_page()
def application_detail(request: HttpRequest, application: Application) -> HttpResponse:
    """A draft that can be changed: its task list. Otherwise: its status page."""
    if is_editable(application):
        tasks = selectors.task_list(application)
        return render(
            request,
            "applications/application_tasks.html",
            {
                "application": application,
                "tasks": [(task, _task_url(application, task)) for task in tasks],
                "done": sum(t.state == SectionState.DONE for t in tasks),
            },
        )
    return render(request, "applications/application_status.html", _status(application))


def _task_url(application: Application, task: selectors.Task) -> str:
    """The page of a line of the task list (worked out here: three ``{% url %}``
    tags in a condition cost the template more, eleven times a page)."""
    if task.section in (Section.APPLICANT, Section.MEMBERS):
        return reverse(f"applications:{task.section}", args=[application.pk])
    return reverse("applications:section", args=[application.pk, task.section])


def _status(application: Application) -> dict:
    # What later stages hold about the application: the commission's scoring record
    # (review), its place on the published priority list and its decision (lists),
    # the requests to amend it; each is read only when one query says it exists.
    from lists.selectors import decision_notice, standing_for
    from review.selectors import issued_documents_for

    tender = application.tender
    now = timezone.now()
    closed = services.after_deadline(tender, now)
    demand = selectors.tender_demand(tender) if closed else None
    stages = selectors.later_stages(application)
    lodged = bool(application.code)
    return {
        "application": application,
        "tender": tender,
        "events": selectors.status_events(application),
        "deadline_passed": closed,
        "demand": demand,
        "can_correct": application.status == ApplicationStatus.SUBMITTED and not closed,
        "can_withdraw": application.status != ApplicationStatus.WITHDRAWN
        and not (closed and application.code),
        "amendments": application.amendment_requests.order_by("deadline")
        if stages.amendments
        else [],
        "summary_html": _status_summary_html(application, stages.summary_rows),
        "issued": issued_documents_for(application)
        if lodged and stages.scoring_record
        else [],
        "standing": standing_for(application)
        if lodged and stages.published_list
        else None,
        "decision": decision_notice(application)
        if lodged and stages.decision
        else None,
    }


# The status page's summary of the answers, rendered once per content and language
# and kept in Django's cache (the status page is the one an applicant reloads after
# submitting). Its key holds everything the rendering reads: every column of the
# application's row (as read for this request), the text of every other row it shows
# (the members with their municipalities' names, the tender's categories and
# conditions: ``LaterStages.summary_rows``, read by the status page's one query of
# existence checks), the language, and the code and templates that render it. Any
# change makes a new key at once in every process; the old entry simply ages out.
# The application's id is in the key, and the page is reached only through the
# application's access check, so one applicant's entry never serves another.

SUMMARY_TIMEOUT = 6 * 60 * 60
#: What renders the summary (with the translations: ``release_fingerprint``): a new
#: release renders anew.
_SUMMARY_SOURCES = (
    "applications/views.py",
    "applications/forms.py",
    "applications/constants.py",
    "applications/models.py",
    "tenders/models.py",
    "config/forms.py",
    "config/settings/base.py",
    "config/formats/sl/formats.py",
    "config/formats/en/formats.py",
    "templates/applications/_summary.html",
)


@functools.cache
def _summary_salt() -> str:
    return release_fingerprint(settings.BASE_DIR / name for name in _SUMMARY_SOURCES)


def _summary_key(application: Application, rows: str) -> str:
    digest = hashlib.sha256()
    values = [
        getattr(application, f.attname) for f in Application._meta.concrete_fields
    ]
    for part in (_summary_salt(), get_language(), repr(values), rows):
        digest.update(part.encode())
        digest.update(b"\x00")
    return f"najem:summary:{application.pk}:{digest.hexdigest()}"


def _status_summary_html(application: Application, rows: str | None) -> SafeString:
    """The summary of the answers without change links, from the cache when its
    content has not changed (``rows``: ``None`` renders it afresh, uncached)."""
    key = _summary_key(application, rows) if rows is not None else None
    html = django_cache.get(key) if key is not None else None
    if html is None:
        selectors.prefetch_for_summary(application)
        html = render_to_string(
            "applications/_summary.html",
            {"summary": _summary(application, change_links=False)},
        )
        # Kept only when nothing changed while rendering, so that a key never holds
        # content other than its own.
        if key is not None and selectors.later_stages(application).summary_rows == rows:
            django_cache.set(key, str(html), SUMMARY_TIMEOUT)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - a rendered template


# --- the applicant's details and the household -----------------------------------------


@application_page(edit=True)
def applicant_details(request: HttpRequest, application: Application) -> HttpResponse:
    member = selectors.applicant_member(application)
    return _member_page(request, application, member, applicant=True)


@application_page(edit=True)
def member_edit(
    request: HttpRequest, application: Application, member_pk: int | None = None
) -> HttpResponse:
    member = None
    if member_pk is not None:
        member = get_object_or_404(application.members, pk=member_pk)
        if member.role == MemberRole.APPLICANT:
            return redirect("applications:applicant", pk=application.pk)
    return _member_page(request, application, member, applicant=False)


def _member_page(request, application, member, *, applicant: bool) -> HttpResponse:
    form = MemberForm(
        request.POST or None,
        application=application,
        applicant=applicant,
        initial={**member_initial(member), "expected_version": application.row_version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        version = form.cleaned_data["expected_version"]
        try:
            if member is None:
                services.member_add(
                    application=application,
                    data=data,
                    by=request.user,
                    expected_version=version,
                )
            else:
                services.member_update(
                    member=member, data=data, by=request.user, expected_version=version
                )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            if applicant:
                return _next(application)
            return redirect("applications:members", pk=application.pk)
    return render(
        request,
        "applications/member_form.html",
        {
            "application": application,
            "form": form,
            "member": member,
            "applicant": applicant,
        },
    )


@application_page(edit=True)
def members(request: HttpRequest, application: Application) -> HttpResponse:
    """The household: its members with change and remove links; "Save and continue"
    confirms the list."""
    form = ConfirmForm(
        request.POST or None, initial={"expected_version": application.row_version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save_section(
                application=application,
                section=Section.MEMBERS,
                data={},
                by=request.user,
                expected_version=form.cleaned_data["expected_version"],
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            return _next(application)
    return render(
        request,
        "applications/member_list.html",
        {
            "application": application,
            "form": form,
            "members": selectors.household(application),
        },
    )


@application_page(edit=True)
def member_remove(
    request: HttpRequest, application: Application, member_pk: int
) -> HttpResponse:
    member = get_object_or_404(application.members, pk=member_pk)
    if member.role == MemberRole.APPLICANT:
        raise Http404
    form = ConfirmForm(
        request.POST or None, initial={"expected_version": application.row_version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_remove(
                member=member,
                by=request.user,
                expected_version=form.cleaned_data["expected_version"],
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was removed from the household.") % {"name": member},
            )
            return redirect("applications:members", pk=application.pk)
    return render(
        request,
        "applications/member_remove.html",
        {"application": application, "form": form, "member": member},
    )


# --- the topic pages ----------------------------------------------------------------------


def _section_initial(application: Application, section: str) -> dict:
    initial = {name: getattr(application, name) for name in SECTION_FIELDS[section]}
    initial["expected_version"] = application.row_version
    return initial


@application_page(edit=True)
def section_edit(
    request: HttpRequest, application: Application, section: str
) -> HttpResponse:
    """One topic (:data:`SECTION_FORMS`); the questions asked of every member are one
    small form per member on the same page, saved together by one service call."""
    if section not in SECTION_FORMS or (
        section == Section.CONTACT and not application.is_paper
    ):
        raise Http404
    form_class = SECTION_FORMS[section]
    kwargs = {}
    if section == Section.CATEGORIES:
        kwargs["application"] = selectors.prefetch_claims(application)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial=_section_initial(application, section), **kwargs)
    household = selectors.household(application)
    member_form_class = MEMBER_FORMS.get(section)
    member_forms = []
    if member_form_class is not None:
        fields = SECTION_MEMBER_FIELDS[section]
        member_forms = [
            member_form_class(
                data,
                prefix=f"m{member.pk}",
                initial={name: getattr(member, name) for name in fields},
            )
            for member in household
        ]
    if request.method == "POST":
        valid = form.is_valid()
        results = [f.is_valid() for f in member_forms]  # every form shows its errors
        valid = all(results) and valid
        if valid:
            try:
                services.application_save_section(
                    application=application,
                    section=section,
                    data=form.service_data(),
                    members={
                        member.pk: f.cleaned_data
                        for member, f in zip(household, member_forms, strict=False)
                    },
                    by=request.user,
                    expected_version=form.cleaned_data["expected_version"],
                )
            except ServiceError as error:
                _show_error(dict(enumerate(member_forms)), form, error, household)
            else:
                return _next(application)
    return render(
        request,
        f"applications/section_{section}.html",
        {
            "application": application,
            "section": section,
            "title": Section(section).label,
            "form": form,
            "forms": [form, *member_forms],
            "member_forms": list(zip(household, member_forms, strict=False)),
            "household": household,
            "statuses_with_area": " ".join(STATUSES_WITH_AREA),
            "required_documents": application.tender.required_documents_list,
        },
    )


# --- check your answers, submit, receipt ---------------------------------------------------


def _display(value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "" or value == []:
        return _("Not given")
    if hasattr(value, "quantize"):
        return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    return str(value)


def _summary(application: Application, *, change_links: bool = True) -> list[dict]:
    """The answers section by section, as rows of (question, answer), with the page
    that changes them."""
    from .forms import (
        CategoriesForm,
        HealthForm,
        HousingForm,
        PropertyForm,
        ResidenceForm,
    )

    page_forms = {
        Section.RESIDENCE: ResidenceForm,
        Section.HOUSING: HousingForm,
        Section.HEALTH: HealthForm,
        Section.PROPERTY: PropertyForm,
        Section.CATEGORIES: CategoriesForm,
    }
    household = selectors.household(application)
    tender = application.tender
    # A category's name is worked out only for the codes chosen (get_FOO_display
    # costs); a condition's code wins over a category's, as it always has.
    categories = {c.code: c for c in tender.categories.all()}
    conditions = {c.code: c.name for c in tender.additional_conditions.all()}

    def name_of(code: str) -> str:
        if code in conditions:
            return conditions[code]
        if code in categories:
            return categories[code].display_name
        return code

    sections = []

    def url(name: str, **kwargs) -> str:
        if not change_links:
            return ""
        return reverse(f"applications:{name}", kwargs={"pk": application.pk, **kwargs})

    def member_rows(member: Member) -> list[dict]:
        return [
            {"label": _("Name"), "value": str(member)},
            {"label": _("Relationship"), "value": member.get_role_display()},
            {
                "label": _("Date of birth"),
                "value": formats.date_format(member.birth_date, "SHORT_DATE_FORMAT"),
            },
            {"label": _("EMŠO"), "value": member.emso or _("Not given")},
            {"label": _("Citizenship"), "value": member.citizenship},
            {
                "label": _("Municipality of permanent residence"),
                "value": member.permanent_residence,
            },
        ]

    applicant = next((m for m in household if m.role == MemberRole.APPLICANT), None)
    sections.append(
        {
            "title": str(Section.APPLICANT.label),
            "rows": member_rows(applicant) if applicant else [],
            "url": url("applicant"),
        }
    )
    others = [m for m in household if m.role != MemberRole.APPLICANT]
    sections.append(
        {
            "title": str(Section.MEMBERS.label),
            "rows": [
                {
                    "label": m.get_role_display(),
                    "value": f"{m}, {formats.date_format(m.birth_date, 'SHORT_DATE_FORMAT')}",
                }
                for m in others
            ]
            or [{"label": _("Other members"), "value": _("None")}],
            "url": url("members"),
        }
    )
    for section in (
        Section.RESIDENCE,
        Section.HOUSING,
        Section.INCOME,
        Section.HEALTH,
        Section.PROPERTY,
        Section.CATEGORIES,
        Section.CONTACT,
    ):
        if section == Section.CONTACT and not application.is_paper:
            continue
        rows = []
        form_class = page_forms.get(section)
        fields = None
        if form_class is CategoriesForm:
            # Its fields depend on the tender (the others' labels are the class's).
            fields = form_class(application=application).fields
        elif form_class is not None:
            fields = form_class.base_fields
        for name in SECTION_FIELDS[section]:
            if fields is not None and name not in fields:
                continue
            label = fields[name].label if fields is not None else None
            value = getattr(application, name)
            if name == "housing_status":
                value = (
                    f"{value} \u2013 {application.get_housing_status_display()}"
                    if value
                    else ""
                )
            elif name in ("other_categories", "additional_conditions"):
                value = ", ".join(name_of(code) for code in value)
            elif name == "postal_address":
                label = _("Postal address")
            rows.append({"label": str(label or name), "value": _display(value)})
        member_form_class = MEMBER_FORMS.get(section)
        if member_form_class is not None:
            # Each label translated once, not once per member (nor again when
            # rendered): the rows hold text, not lazy translations.
            labels = {
                name: str(member_form_class.base_fields[name].label)
                for name in SECTION_MEMBER_FIELDS[section]
            }
            for member in household:
                for name in SECTION_MEMBER_FIELDS[section]:
                    rows.append(
                        {
                            "label": f"{member}: {labels[name]}",
                            "value": _display(getattr(member, name)),
                        }
                    )
        if section == Section.RESIDENCE:
            for member in household:
                rows.append(
                    {
                        "label": f"{member}: {_('Citizenship')}",
                        "value": f"{member.citizenship}, {member.permanent_residence}",
                    }
                )
        sections.append(
            {
                "title": str(section.label),
                "rows": rows,
                "url": url("section", section=section.value),
            }
        )
    return sections


def _check_context(application: Application, submit_form=None) -> dict:
    selectors.prefetch_for_check(application)
    problems = services.application_problems(application)
    tasks = [
        t for t in selectors.task_list(application) if t.state != SectionState.DONE
    ]
    assessment = None
    if not problems:
        assessment = selectors.provisional_assessment(application, get_language())
    return {
        "application": application,
        "summary": _summary(application),
        "problems": problems,
        "incomplete_tasks": tasks,
        "assessment": assessment,
        "form": submit_form or SubmitForm(),
        "paper_form": PaperSubmitForm() if application.is_paper else None,
    }


@require_safe
@application_page(edit=True)
def check_answers(request: HttpRequest, application: Application) -> HttpResponse:
    """Every answer with its "Change" link, the provisional assessment, and the
    submit button."""
    return render(
        request, "applications/check_answers.html", _check_context(application)
    )


@require_POST
@application_page()
def submit(request: HttpRequest, application: Application) -> HttpResponse:
    """Submit: idempotent (a double click, a retry or two tabs give one code)."""
    if application.status == ApplicationStatus.SUBMITTED:
        return redirect("applications:confirmation", pk=application.pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    received_at = None
    if application.is_paper:
        paper_form = PaperSubmitForm(request.POST)
        if paper_form.is_valid():
            received_at = paper_form.cleaned_data["received_at"]
    try:
        services.application_submit(
            application=application, by=request.user, received_at=received_at
        )
    except ServiceError as error:
        selectors.prefetch_for_check(application)  # shared with the page below
        _show_error({}, form, error, selectors.household(application))
        if not is_editable(application):
            messages.error(request, " ".join(error.messages))
            return redirect("applications:detail", pk=application.pk)
        return render(
            request,
            "applications/check_answers.html",
            _check_context(application, form),
        )
    return redirect("applications:confirmation", pk=application.pk)


@require_safe
@application_page()
def confirmation(request: HttpRequest, application: Application) -> HttpResponse:
    """The receipt: the code, when, and what happens next; the receipt PDF to
    download, or "being prepared" while the worker renders it (the page checks again
    with a link, and by itself with JavaScript)."""
    receipt = selectors.application_receipt(application)
    if receipt is None:
        raise Http404
    return render(
        request,
        "applications/confirmation.html",
        {
            "application": application,
            "receipt": receipt,
            "tender": application.tender,
            "receipt_state": selectors.receipt_state(receipt, get_language() or "sl"),
        },
    )


# --- after submitting -----------------------------------------------------------------------


@require_POST
@application_page()
def correct(request: HttpRequest, application: Application) -> HttpResponse:
    try:
        services.application_correct(application=application, by=request.user)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The application is open for correction. Your submitted version "
                "stands until you submit again."
            ),
        )
    return redirect("applications:detail", pk=application.pk)


@application_page()
def withdraw(request: HttpRequest, application: Application) -> HttpResponse:
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(application=application, by=request.user)
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The application was withdrawn."))
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/withdraw.html",
        {"application": application, "form": form},
    )


@application_page()
def amendment_answer(
    request: HttpRequest, application: Application, amendment_pk: int
) -> HttpResponse:
    """Answer the commission's request with the documents uploaded for it (the
    documents page, applications/views_documents.py) and/or a short text: the
    service takes the request's documents itself."""
    amendment = get_object_or_404(application.amendment_requests, pk=amendment_pk)
    if amendment.status != AmendmentStatus.OPEN:
        raise PermissionDenied
    form = AmendmentAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.amendment_answer(
                amendment=amendment,
                answer_text=form.cleaned_data["answer_text"],
                by=request.user,
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your answer was sent to the commission."))
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/amendment_answer.html",
        {
            "application": application,
            "amendment": amendment,
            "documents": amendment.documents.order_by("uploaded_at", "pk"),
            "form": form,
        },
    )
