"""The applicant's copy of their data (GDPR Art. 15 access and Art. 20 portability).

:func:`applicant_data_export` gathers everything the service holds about the signed-in
person as an applicant: the account, every application of their account with its
answers, household members (EMŠO in full: it is their own household's), history,
submissions (the facts as submitted and their SHA-256), amendment requests, and the
documents' metadata with SHA-256 (the files are downloaded one by one from the
documents page). Staff who acted on an application are named by role only ("lessor
staff"), not by name. There is no log of staff views yet; when there is, it belongs
here.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from housing.models import User

from .constants import MEMBER_FIELDS, SECTION_FIELDS
from .models import Application, Member

FORMAT_VERSION = 1


def _who(by_id: int | None, user: User) -> str | None:
    if by_id is None:
        return None
    return "you" if by_id == user.pk else "lessor staff"


def _application(application: Application, user: User) -> dict[str, Any]:
    # The commission's access log lives with the review (issue 13); imported here so
    # that applications does not depend on review at import time.
    from review.selectors import special_data_views_for

    answers = {
        name: getattr(application, name)
        for fields in SECTION_FIELDS.values()
        for name in fields
    }
    members = []
    for member in application.members.all():
        row = {name: getattr(member, name) for name in MEMBER_FIELDS}
        row["municipality"] = member.municipality.name if member.municipality else ""
        members.append(row)
    return {
        "id": application.pk,
        # Who on the lessor's staff viewed the special-category data, when and what.
        "staff_views_of_special_data": special_data_views_for(application),
        "tender": {"code": application.tender.code, "title": application.tender.title},
        "status": application.status,
        "code": application.code,
        "version": application.version,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "received_at": application.received_at,
        "withdrawn_at": application.withdrawn_at,
        "answers": answers,
        "members": members,
        "events": [
            {
                "kind": e.kind,
                "at": e.at,
                "by": _who(e.by_id, user),
                "version": e.version,
                "section": e.section,
                "changed_fields": e.changed_fields,
                "note": e.note,
            }
            for e in application.events.all()
        ],
        "submissions": [
            {
                "version": s.version,
                "code": s.code,
                "submitted_at": s.submitted_at,
                "received_at": s.received_at,
                "by": _who(s.by_id, user),
                "facts": s.case,
                "facts_sha256": s.digest,
                "receipt": s.receipt,
                "receipt_pdfs": [
                    {"language": r.language, "sha256": r.sha256, "size": r.size}
                    for r in s.receipts.all()
                ],
            }
            for s in application.submissions.all()
        ],
        "amendment_requests": [
            {
                "requested_at": a.requested_at,
                "deadline": a.deadline,
                "text": a.text,
                "status": a.status,
                "answered_at": a.answered_at,
                "answer_text": a.answer_text,
            }
            for a in application.amendment_requests.all()
        ],
        "documents": [
            {
                "id": d.pk,
                "name": d.original_name,
                "kind": d.kind,
                "requirement": d.requirement,
                "member": str(d.member) if d.member_id else None,
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
                "uploaded_at": d.uploaded_at,
                "uploaded_by": _who(d.uploaded_by_id, user),
            }
            for d in application.documents.all()
        ],
    }


def applicant_data_export(user: User) -> dict[str, Any]:
    """Everything held about ``user`` as an applicant, as plain JSON values
    (strings, numbers, booleans, lists, dicts; datetimes in ISO 8601)."""
    applications = (
        Application.objects.filter(applicant=user)
        .select_related("tender")
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.select_related("municipality")),
            "events",
            "submissions__receipts",
            "amendment_requests",
            "documents__member",
        )
        .order_by("created_at", "pk")
    )
    data = {
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "applications": [_application(a, user) for a in applications],
    }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _rows(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Flatten to (path, text) rows for the PDF."""
    if isinstance(value, dict):
        rows: list[tuple[str, str]] = []
        for key, item in value.items():
            rows.extend(_rows(item, f"{path}.{key}" if path else str(key)))
        return rows
    if isinstance(value, list):
        if not value:
            return [(path, "—")]
        rows = []
        for index, item in enumerate(value):
            rows.extend(_rows(item, f"{path}[{index}]"))
        return rows
    if value is None or value == "":
        return [(path, "—")]
    return [(path, str(value))]


def render_export_pdf(user: User, language: str) -> tuple[str, bytes]:
    """The same data as :func:`applicant_data_export`, as a tagged PDF (PDF/UA-1).

    :returns: the HTML and the PDF bytes.
    """
    import weasyprint  # slow to import: only when a PDF is rendered

    from .pdf import RECEIPT_CSS

    data = applicant_data_export(user)
    with translation.override(language):
        html = render_to_string(
            "applications/pdf/export.html",
            {
                "language": language,
                "generated_at": timezone.localtime(),
                "account": _rows(data["account"]),
                "applications": [
                    {
                        "title": a["code"] or a["tender"]["title"],
                        "rows": _rows(a),
                    }
                    for a in data["applications"]
                ],
                "css": RECEIPT_CSS,
            },
        )
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return html, pdf
