"""Pages for documents, the receipt and the applicant's data (issue 12, 4, 6, 10).

Who reaches what (docs/security.md):

- the documents page, upload and delete: the applicant on their own application; for
  a paper application, the lessor's clerks and commission (second factor verified);
- a document or a receipt PDF: the same people, and the lessor's commission and
  clerks (``can_review_applications``) for any application to the lessor's tenders;
- the data download: the signed-in person, about themselves.

Anyone else gets 404, whether the object exists or not; anonymous visitors are sent to
the login page. Files are sent as attachments, ``nosniff``, never cached.
"""

import hashlib
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from housing.downloads import file_response, protect_download
from housing.errors import ServiceError, add_to_form
from housing.mixins import second_factor_redirect
from housing.permissions import can_review_applications

from . import selectors
from .constants import AmendmentStatus, ApplicationStatus, DocumentKind
from .documents import (
    document_delete,
    document_upload,
    download_name,
    required_documents,
    submitted_document_ids,
    too_big_message,
)
from .export import applicant_data_export, render_export_pdf
from .models import Application, Document, SubmissionReceipt
from .pdf import render_receipt_pdf
from .permissions import can_edit_application
from .uploads import capped_uploads


def _may_read(user, application: Application) -> bool:
    """The applicant (or the clerk of a paper application), or the lessor's
    commission and clerks."""
    return can_edit_application(user, application) or can_review_applications(
        user, application.tender.lessor_id
    )


def _application(request: HttpRequest, pk: int, *, edit: bool) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("tender__lessor"), pk=pk
    )
    allowed = (
        can_edit_application(request.user, application)
        if edit
        else _may_read(request.user, application)
    )
    if not allowed:
        raise Http404
    return application


# --- the documents page -----------------------------------------------------------------

OTHER_KINDS = [
    DocumentKind.INCOME,
    DocumentKind.HOUSING,
    DocumentKind.HEALTH,
    DocumentKind.VIOLENCE,
    DocumentKind.CATEGORY,
    DocumentKind.OTHER,
]


class DocumentUploadForm(forms.Form):
    """Parses the upload only: the service checks the file and the rules."""

    what = forms.ChoiceField(label=gettext_lazy("What does the document prove?"))
    file = forms.FileField(
        label=gettext_lazy("Upload a file"),
        help_text=gettext_lazy("PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args, choices, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = choices
        # The upload was cut off at the size cap (applications.uploads): no file came.
        self.too_large = too_large
        if too_large:
            self.fields["file"].required = False

    def clean_file(self):
        if self.too_large:
            raise forms.ValidationError(too_big_message(), code="too_large")
        return self.cleaned_data["file"]


def _choices(application: Application, required, amendments) -> list:
    choices: list = [("", _("Choose…"))]
    if amendments:
        choices.append(
            (
                _("Answer to the commission's request"),
                [(f"amendment:{a.pk}", a.text[:80]) for a in amendments],
            )
        )
    if application.status == ApplicationStatus.DRAFT:
        choices.append(
            (
                _("Required documents"),
                [(f"requirement:{r.key}", r.reason[:120]) for r in required],
            )
        )
        kinds = [*OTHER_KINDS]
        if application.is_paper:
            kinds.insert(0, DocumentKind.PAPER_FORM)
        choices.append(
            (
                _("Another document"),
                [(f"kind:{k.value}", k.label) for k in kinds],
            )
        )
    return choices


@capped_uploads
@login_required
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    """The application's documents: what is required and done, upload, delete.

    An upload over the size cap is cut off while it arrives (:mod:`.uploads`)."""
    if redirect_response := second_factor_redirect(request):
        return redirect_response
    application = _application(request, pk, edit=True)
    required = required_documents(application)
    now = timezone.now()
    amendments = [
        a
        for a in application.amendment_requests.filter(status=AmendmentStatus.OPEN)
        if a.deadline >= now.replace(microsecond=0)
    ]
    choices = _choices(application, required, amendments)
    posted = request.method == "POST"
    form = DocumentUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        choices=choices,
        too_large=getattr(request, "upload_too_large", False),
    )
    if request.method == "POST" and form.is_valid():
        what, _sep, value = form.cleaned_data["what"].partition(":")
        arguments: dict = {}
        if what == "requirement":
            arguments["requirement"] = value
        elif what == "amendment":
            arguments["amendment"] = next(a for a in amendments if str(a.pk) == value)
        else:
            arguments["kind"] = value
        try:
            document_upload(
                application=application,
                file=form.cleaned_data["file"],
                by=request.user,
                **arguments,
            )
        except ServiceError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The document was uploaded."))
            return redirect("applications:documents", pk=application.pk)
    kept = submitted_document_ids(application)
    editable = application.status == ApplicationStatus.DRAFT
    return render(
        request,
        "applications/documents.html",
        {
            "application": application,
            "required": required,
            "documents": [
                (d, editable and d.pk not in kept and d.amendment_request_id is None)
                for d in application.documents.select_related("member")
            ],
            "form": form,
            "can_upload": len(choices) > 1,
        },
    )


@require_POST
@login_required
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if redirect_response := second_factor_redirect(request):
        return redirect_response
    document = get_object_or_404(
        Document.objects.select_related("application__tender"), pk=pk
    )
    application = document.application
    if not can_edit_application(request.user, application):
        raise Http404
    try:
        document_delete(document=document, by=request.user)
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The document was deleted."))
    return redirect("applications:documents", pk=application.pk)


@require_safe
@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored file, as an attachment, to those who may read the application."""
    if redirect_response := second_factor_redirect(request):
        return redirect_response
    document = get_object_or_404(
        Document.objects.select_related("application__tender"), pk=pk
    )
    if not _may_read(request.user, document.application):
        raise Http404
    return file_response(
        document.file,
        filename=download_name(document),
        content_type=document.content_type,
    )


# --- the receipt --------------------------------------------------------------------------


@require_safe
@login_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of the last submission in the page's language (``?lang=sl|en``);
    a page saying it is being prepared while its job renders it."""
    if redirect_response := second_factor_redirect(request):
        return redirect_response
    application = _application(request, pk, edit=False)
    submission = application.submissions.order_by("-version").first()
    if submission is None:
        raise Http404
    language = request.GET.get("lang") or translation.get_language() or "sl"
    if language not in ("sl", "en"):
        language = "sl"
    filename = f"{submission.code}-v{submission.version}-{language}.pdf"
    receipt = SubmissionReceipt.objects.filter(
        submission=submission, language=language
    ).first()
    if receipt is None:
        if selectors.receipt_state(submission, language) == selectors.RECEIPT_PENDING:
            # Its job (applications.tasks) has not stored it yet: say so; the page
            # links here again.
            return render(
                request,
                "applications/receipt_pending.html",
                {
                    "application": application,
                    "submission": submission,
                    "again_url": f"{request.path}?lang={language}",
                },
            )
        # Its job failed or is late: the receipt is rendered for this answer only,
        # a GET never writes.
        _html, pdf = render_receipt_pdf(submission, language)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Receipt-SHA256"] = hashlib.sha256(pdf).hexdigest()
        return protect_download(response)
    response = file_response(receipt.file, filename=filename)
    response["X-Receipt-SHA256"] = receipt.sha256
    return response


# --- what the commission issued ----------------------------------------------------------


@require_safe
@login_required
def scoring_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring record the commission issued (Art. 22(1)), to the applicant only.

    Staff read it in the commission's workspace, where reading special-category data is
    logged; a paper applicant receives it by post.
    """
    from review.selectors import issued_documents_for

    application = get_object_or_404(Application, pk=pk, applicant=request.user)
    issued = [
        d for d in issued_documents_for(application) if d.kind == "scoring_record"
    ]
    if not issued:
        raise Http404
    record = issued[0]
    response = file_response(
        record.file, filename=f"{application.code}-scoring-record.pdf"
    )
    response["X-Document-SHA256"] = record.sha256
    return response


# --- the applicant's data (GDPR Art. 15, 20) ----------------------------------------------


@require_safe
@login_required
def data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/documents_data.html", {})


@require_safe
@login_required
def data_json(request: HttpRequest) -> HttpResponse:
    data = applicant_data_export(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="najem-data.json"'
    return protect_download(response)


@require_safe
@login_required
def data_pdf(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "sl"
    _html, pdf = render_export_pdf(request.user, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="najem-data.pdf"'
    return protect_download(response)
