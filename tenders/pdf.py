"""The invitation to tender as a PDF (WeasyPrint): rendered once, stored, served.

Rendering costs 0.2 to 2 s of CPU (far more for long texts), so a request never renders
for the public: :func:`tender_documents_publish` renders the invitation in every
language when the tender is published and again after each amendment notice, and
stores each as a :class:`~tenders.models.TenderDocument` (a new version; the earlier
ones stay, they were published). Only lessor staff render on demand, to preview a
draft.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from documents_pdf.stored import store_pdf
from housing.models import User

from .constants import PUBLIC_STATUSES, TenderStatus
from .models import Tender, TenderCategory, TenderDocument
from .selectors import tender_public_facts


def _tender_for_pdf(pk: int) -> Tender:
    """The tender with everything the invitation shows, read afresh."""
    return (
        Tender.objects.select_related("lessor")
        .prefetch_related(
            Prefetch(
                "categories", queryset=TenderCategory.objects.order_by("position")
            ),
            "additional_conditions",
            "sublists",
            "amendments",
        )
        .get(pk=pk)
    )


def tender_apply_url(tender: Tender) -> str:
    """Where to apply online: the tender's public page (absolute with
    ``NAJEM_SITE_URL``)."""
    path = reverse("tenders:detail", args=[tender.pk])
    return f"{settings.NAJEM_SITE_URL.rstrip('/')}{path}"


def render_invitation_pdf(
    *, tender: Tender, language: str, version: int | None = None
) -> tuple[str, bytes]:
    """Render the invitation in ``language`` as a tagged PDF (PDF/UA-1): an official
    document with the lessor's letterhead, the reference number (the tender's code)
    and ``version``, numbered sections, how to apply, appeals and signature.

    The tender is read afresh from the database (with its amendment notices), so
    the PDF shows what is saved; a draft is marked as one.

    :returns: the HTML and the PDF bytes (tests read both).
    """
    import weasyprint  # slow to import (about 1 s): only when a PDF is rendered

    tender = _tender_for_pdf(tender.pk)
    with translation.override(language):
        html = render_to_string(
            "pdf/tender_invitation.html",
            {
                "tender": tender,
                "language": language,
                "version": version,
                "draft": tender.status == TenderStatus.DRAFT,
                "apply_url": tender_apply_url(tender),
                **tender_public_facts(tender=tender),
            },
        )
    stylesheet = weasyprint.CSS(filename=finders.find("pdf/invitation.css"))
    pdf = weasyprint.HTML(string=html, base_url=str(finders.find("pdf"))).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )
    return html, pdf


@transaction.atomic
def tender_documents_publish(
    *, tender: Tender, by: User | None
) -> list[TenderDocument]:
    """Render the invitation in every language of the site and store it as the
    tender's next version (1 at publication, one more per amendment notice).

    Call it when the tender is published and after every amendment notice, inside
    their transaction: the new documents appear together with the change. Files go
    to the default storage (``MEDIA_ROOT``); a name already taken is never
    overwritten (the storage picks a free one).

    :returns: the new documents, one per language.
    """
    last = TenderDocument.objects.filter(tender_id=tender.pk).aggregate(
        m=Max("version")
    )["m"]
    version = (last or 0) + 1
    documents = []
    for language, _name in settings.LANGUAGES:
        _html, pdf = render_invitation_pdf(
            tender=tender, language=language, version=version
        )
        document = TenderDocument(
            tender_id=tender.pk, language=language, version=version, created_by=by
        )
        documents.append(store_pdf(document, pdf, name="invitation.pdf"))
    return documents


def tender_documents_current(*, tender: Tender) -> list[TenderDocument]:
    """The newest version of the invitation in each language, in the order of
    ``LANGUAGES`` (empty before the tender's first publication)."""
    newest: dict[str, TenderDocument] = {}
    for document in TenderDocument.objects.filter(tender_id=tender.pk).order_by(
        "-version"
    ):
        newest.setdefault(document.language, document)
    return [newest[code] for code, _name in settings.LANGUAGES if code in newest]


def tender_document_get_public(
    *, tender_pk: int, language: str, version: int | None = None
) -> TenderDocument:
    """A stored invitation of a tender the public may read, in ``language``:
    ``version``, or else the newest (in the site's default language when there is
    none in ``language``, e.g. a language added after publication).

    :raises Http404: for drafts, unknown tenders, languages and versions alike.
    """
    documents = TenderDocument.objects.filter(
        tender_id=tender_pk, tender__status__in=PUBLIC_STATUSES
    ).select_related("tender__lessor")
    if version is not None:
        documents = documents.filter(version=version)
    newest = documents.order_by("-version")
    document = newest.filter(language=language).first()
    if document is None and version is None:
        document = newest.filter(language=settings.LANGUAGE_CODE).first()
    if document is None:
        raise Http404
    return document


def document_filename(tender: Tender, language: str, version: int | None) -> str:
    """A name people can file: ``razpis-<lessor>-<code>-<language>-v<version>.pdf``."""
    suffix = f"v{version}" if version is not None else "predogled"
    return f"razpis-{tender.lessor.slug}-{tender.code}-{language}-{suffix}.pdf"
