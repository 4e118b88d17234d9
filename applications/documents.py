"""Applicants' documents (issue 12, 4): what must be attached, upload, delete.

An upload is PDF, JPEG or PNG up to ``NAJEM_DOCUMENT_MAX_BYTES`` (10 MB). The type is
decided from the content (``filetype``), never from the name or the browser's claim,
so a ``.pdf`` that is really a PNG is kept as the PNG it is and a ``.png`` that is
text is refused. Images are decoded and re-encoded by Pillow: what is stored has no
EXIF (GPS position, camera), no ICC profile, no comments, and a decompression bomb is
refused before it is decoded. A PDF is kept byte for byte (re-writing it could change
what the applicant signed) but must open and must not be encrypted. Files go to the
private storage (``MEDIA_ROOT``: never web-served) under random names, with the
SHA-256 of the stored bytes.

Uploads and deletions are allowed while the application is an editable draft (before
the deadline; a paper draft also after it), and after submission only to answer an
open amendment request by its deadline (Art. 20(2)).
"""

import datetime
import hashlib
import io
import logging
import os
import unicodedata
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.errors import ErrorCollector, ServiceError
from housing.models import User
from tenders.models import Tender

from .constants import (
    AmendmentStatus,
    ApplicationStatus,
    DocumentKind,
    EventKind,
    HousingStatus,
)
from .models import ZERO, AmendmentRequest, Application, Document, Member

logger = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
#: Content type -> the extension a download gets.
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
DOCUMENTS_SECTION = "documents"


# --- what must be attached (Art. 19 and the Form's notes) -------------------------------


@dataclass(frozen=True)
class RequiredDocument:
    """One document the application needs, and whether one was uploaded for it.

    ``key`` names the requirement (``income:<member id>``, ``housing``,
    ``tender:<n>``...); an upload answers it by ``Document.requirement``.
    """

    key: str
    kind: str
    reason: str
    member: Member | None = None
    satisfied: bool = False


_HOUSING_REASONS = {
    HousingStatus.WITHOUT_DWELLING: gettext_lazy(
        "Proof of living without a dwelling: a certificate of the shelter, safe "
        "house, maternity home or temporary housing unit (Form, note 1.1)."
    ),
    HousingStatus.SUBTENANT: gettext_lazy(
        "The subtenancy agreement, or proof of paying rent for a market-rent dwelling "
        "(Art. 19(1); Form, note 1.2)."
    ),
    HousingStatus.WORKERS_HOME: gettext_lazy(
        "The agreement on using a room in a workers' home (Form, note 1.3)."
    ),
    HousingStatus.WITH_PARENTS: gettext_lazy(
        "Proof of living at the home of parents or relatives: a certificate of "
        "residence or of a common household (Form, note 1.4)."
    ),
    HousingStatus.DENATIONALISED: gettext_lazy(
        "The tenancy agreement of the denationalised dwelling (Form, note 1.5)."
    ),
    HousingStatus.FORMER_CARETAKER: gettext_lazy(
        "Proof of having been a caretaker before 1991 (Form, note 1.6)."
    ),
}

# Application claims that need a proof: (field, key, kind, reason).
_CLAIMS = (
    (
        "illness_minor_due_to_housing",
        "illness_minor",
        DocumentKind.HEALTH,
        gettext_lazy(
            "A medical report that a minor's permanent illness is caused by the "
            "housing conditions (Form, note 7.1)."
        ),
    ),
    (
        "illness_due_to_housing",
        "illness",
        DocumentKind.HEALTH,
        gettext_lazy(
            "A medical report of the level I medical commission of the Health "
            "Insurance Institute (ZZZS) on the permanent illness (Form, note 7.2)."
        ),
    ),
    (
        "pregnancy",
        "pregnancy",
        DocumentKind.HEALTH,
        gettext_lazy("A doctor's certificate of the pregnancy (Form, note 5.1)."),
    ),
    (
        "separated_from_minors",
        "separated",
        DocumentKind.OTHER,
        gettext_lazy(
            "The decision on foster placement or placement in another family or an "
            "institution, giving housing conditions as the reason (Form, note 6.1)."
        ),
    ),
    (
        "single_parent",
        "single_parent",
        DocumentKind.CATEGORY,
        gettext_lazy(
            "A certificate that maintenance cannot be recovered, or of maintenance "
            "from the Maintenance Fund (Form, note 6.2)."
        ),
    ),
    (
        "supports_member_over_65",
        "over_65",
        DocumentKind.OTHER,
        gettext_lazy(
            "Proof of the duty to provide for the member over 65 (Form, note 5.2)."
        ),
    ),
    (
        "domestic_violence_victim",
        "violence",
        DocumentKind.VIOLENCE,
        gettext_lazy(
            "The professional opinion of a social work centre or of an organisation "
            "helping victims of violence (shelter, safe house, maternity home)."
        ),
    ),
    (
        "temporary_residence_in_shelter",
        "shelter",
        DocumentKind.VIOLENCE,
        gettext_lazy("A certificate of the shelter or safe house on the stay."),
    ),
    (
        "war_victim",
        "war_victim",
        DocumentKind.CATEGORY,
        gettext_lazy(
            "The decision granting the status of a victim of war violence (Victims "
            "of War Violence Act, Art. 17)."
        ),
    ),
    (
        "important_profession",
        "profession",
        DocumentKind.CATEGORY,
        gettext_lazy(
            "Proof of the profession or activity important for the municipality."
        ),
    ),
    (
        "lost_housing_right_by_court",
        "court",
        DocumentKind.HOUSING,
        gettext_lazy("The court decision by which the housing right or tenancy ended."),
    ),
)


def _member_name(member: Member) -> str:
    return f"{member.first_name} {member.last_name}".strip()


def _requirements(application: Application) -> list[RequiredDocument]:
    """What the claims need, without the satisfied flag."""
    needed: list[RequiredDocument] = []
    members = list(application.members.all())
    for member in members:
        if member.monthly_income > ZERO:
            needed.append(
                RequiredDocument(
                    key=f"income:{member.pk}",
                    kind=DocumentKind.INCOME,
                    reason=_(
                        "Proof of income of %(name)s: the statement on financial "
                        "conditions and the last personal income tax assessment "
                        "(Art. 19(1))."
                    )
                    % {"name": _member_name(member)},
                    member=member,
                )
            )
    if application.housing_status in _HOUSING_REASONS:
        needed.append(
            RequiredDocument(
                key="housing",
                kind=DocumentKind.HOUSING,
                reason=str(_HOUSING_REASONS[application.housing_status]),
            )
        )
    for member in members:
        if member.wheelchair_user or member.needs_permanent_assistance:
            reason = _(
                "Documentation of %(name)s's permanent use of a wheelchair or need "
                "of another person's assistance (Art. 19(1))."
            )
        elif member.disability or member.deaf_or_blind:
            reason = _(
                "The decision on the disability of %(name)s (social work centre, "
                "ZPIZ or the Employment Service), or for a child the opinion of "
                "the competent commission."
            )
        else:
            continue
        needed.append(
            RequiredDocument(
                key=f"health:{member.pk}",
                kind=DocumentKind.HEALTH,
                reason=reason % {"name": _member_name(member)},
                member=member,
            )
        )
    for field, key, kind, reason in _CLAIMS:
        if getattr(application, field):
            needed.append(RequiredDocument(key=key, kind=kind, reason=str(reason)))
    if application.disability_aids_monthly > ZERO:
        needed.append(
            RequiredDocument(
                key="aids",
                kind=DocumentKind.HEALTH,
                reason=_("Proof of the monthly spending on disability aids."),
            )
        )
    tender = application.tender
    names = {c.code: c.display_name for c in tender.categories.all()}
    for code in application.other_categories:
        needed.append(
            RequiredDocument(
                key=f"category:{code}"[:40],
                kind=DocumentKind.CATEGORY,
                reason=_("Proof of the category “%(name)s”.")
                % {"name": names.get(code, code)},
            )
        )
    conditions = {c.code: c for c in tender.additional_conditions.all()}
    for code in application.additional_conditions:
        condition = conditions.get(code)
        how = f" {condition.description}" if condition and condition.description else ""
        needed.append(
            RequiredDocument(
                key=f"condition:{code}"[:40],
                kind=DocumentKind.CATEGORY,
                reason=_("Proof of the condition “%(name)s”.")
                % {"name": condition.name if condition else code}
                + how,
            )
        )
    for number, line in enumerate(tender.required_documents_list, start=1):
        needed.append(
            RequiredDocument(
                key=f"tender:{number}", kind=DocumentKind.OTHER, reason=line
            )
        )
    return needed


def required_documents(application: Application) -> list[RequiredDocument]:
    """The documents ``application`` needs (Art. 19(1), the Form's notes and the
    tender's own list), each marked ``satisfied`` when a document was uploaded for it.

    Derived from the claims as they are now: income proofs per member with income,
    proof of the housing status, medical and disability documents per member and
    claim, proof of violence, of a war victim's status, of each category and
    condition claimed, then every line of ``tender.required_documents_list``.
    Citizenship, residence and the household's size are not asked for: the lessor
    obtains them from the registers (Art. 19(2)).
    """
    answered = set(
        application.documents.exclude(requirement="").values_list(
            "requirement", flat=True
        )
    )
    return [
        RequiredDocument(
            key=r.key,
            kind=r.kind,
            reason=r.reason,
            member=r.member,
            satisfied=r.key in answered,
        )
        for r in _requirements(application)
    ]


# --- checking a file ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """What will be stored: the bytes, their type and SHA-256."""

    data: bytes
    content_type: str
    sha256: str


def _file_error(message: str) -> ServiceError:
    return ServiceError({"file": [message]})


def _read(file: IO[bytes], limit: int) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _too_big(limit)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_big(limit)
    if not data:
        raise _file_error(_("The file is empty."))
    return data


def too_big_message(limit: int | None = None) -> str:
    """The translated refusal of a file over ``limit`` bytes (the document limit)."""
    if limit is None:
        limit = settings.NAJEM_DOCUMENT_MAX_BYTES
    return _("The file is larger than %(mb)s MB: scan it at a lower resolution.") % {
        "mb": f"{limit / (1024 * 1024):g}"
    }


def _too_big(limit: int) -> ServiceError:
    return _file_error(too_big_message(limit))


def _check_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _file_error(
                _("The PDF is protected with a password: upload it without one.")
            )
        if len(reader.pages) < 1:
            raise _file_error(_("The PDF has no pages."))
    except ServiceError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise _file_error(_("The PDF is damaged and cannot be opened.")) from None
    return data


def _reencode_image(data: bytes, content_type: str) -> bytes:
    """Decode and encode again: only the pixels are kept (no EXIF, no profile, no
    text chunks). The orientation the EXIF gave is applied to the pixels first."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_pixels = settings.NAJEM_DOCUMENT_MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            # Checked on the header, before anything is decoded (decompression bombs).
            if image.width * image.height > max_pixels:
                raise _file_error(
                    _("The image has too many pixels: scan it at a lower resolution.")
                )
            image.load()
            upright = ImageOps.exif_transpose(image)
            if content_type == JPEG:
                mode = "L" if upright.mode in ("L", "1") else "RGB"
            else:
                has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
                    "transparency" in upright.info
                )
                mode = "RGBA" if has_alpha else "RGB"
            pixels = upright.convert(mode)
            # A new image from the pixels alone: no info, no EXIF, no palette tricks.
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except ServiceError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ):
        raise _file_error(_("The image is damaged and cannot be opened.")) from None
    out = io.BytesIO()
    if content_type == JPEG:
        clean.save(out, format="JPEG", quality=90, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def check_file(file: IO[bytes]) -> CheckedFile:
    """Read and check an uploaded file (type from content, size, integrity) and give
    the bytes to store.

    :raises ServiceError: at ``file``: too big, empty, not a PDF, JPEG or PNG (by
        content, whatever its name), a damaged or encrypted PDF, a damaged image or
        one of too many pixels.
    """
    import filetype

    data = _read(file, settings.NAJEM_DOCUMENT_MAX_BYTES)
    kind = filetype.guess(data[:8192])
    content_type = kind.mime if kind is not None else ""
    if content_type == PDF:
        stored = _check_pdf(data)
    elif content_type in (JPEG, PNG):
        stored = _reencode_image(data, content_type)
    else:
        raise _file_error(
            _(
                "The file must be a PDF, JPEG or PNG (judged by its content, not its "
                "name)."
            )
        )
    return CheckedFile(
        data=stored,
        content_type=content_type,
        sha256=hashlib.sha256(stored).hexdigest(),
    )


def clean_file_name(name: str) -> str:
    """The name as the applicant gave it, without folders or control characters."""
    name = os.path.basename(str(name).replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name or "document")[:200]


def download_name(document: Document) -> str:
    """The original name with the extension of what the file really is."""
    stem, _ext = os.path.splitext(document.original_name)
    extension = EXTENSIONS.get(document.content_type, "bin")
    return f"{stem or 'document'}.{extension}"


# --- upload and delete ------------------------------------------------------------------


def _require_amendment_open(
    amendment: AmendmentRequest, application: Application, now: datetime.datetime
) -> None:
    if amendment.application_id != application.pk:
        raise ServiceError(
            _("This request belongs to another application."), code="forbidden"
        )
    if amendment.status != AmendmentStatus.OPEN:
        raise ServiceError(
            _("This request has already been answered or has expired."),
            code="frozen",
        )
    if now.replace(microsecond=0) > amendment.deadline:
        raise ServiceError(
            _("The time limit for this request has passed."), code="closed"
        )
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ServiceError(
            _("This application was withdrawn and can no longer be changed."),
            code="frozen",
        )


def submitted_document_ids(application: Application) -> set[int]:
    """Ids of the documents named in a receipt of ``application``: they were
    submitted and stay on record."""
    ids: set[int] = set()
    for receipt in application.submissions.values_list("receipt", flat=True):
        for document in (receipt or {}).get("documents", []):
            if isinstance(document, dict) and isinstance(document.get("id"), int):
                ids.add(document["id"])
    return ids


def document_upload(
    *,
    application: Application,
    file: IO[bytes],
    kind: str = "",
    member: Member | None = None,
    amendment: AmendmentRequest | None = None,
    requirement: str = "",
    by: User,
    now: datetime.datetime | None = None,
) -> Document:
    """Attach a document to ``application`` (issue 12, 4; Art. 19).

    ``requirement`` (a key of :func:`required_documents`) says what it proves and
    gives its ``kind`` and ``member``; without one, ``kind`` is required. A draft
    takes uploads until the deadline (a paper draft also after it); a submitted
    application only with an open ``amendment`` request of its own, by that
    request's deadline (then the document is linked to the request when it is
    answered, :func:`applications.services.amendment_answer`). The file is checked
    by :func:`check_file` and stored in the private storage under a random name.

    :raises ServiceError: ``invalid`` at ``file`` (type, size, damaged), at
        ``requirement``, ``kind`` or ``member``; ``forbidden``, ``frozen``,
        ``closed`` as the application's services.
    """
    from .services import _lock, _now, _require_editable, _require_may_edit

    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        _require_may_edit(application, by)
        if amendment is not None:
            amendment = AmendmentRequest.objects.select_for_update().get(
                pk=amendment.pk
            )
            _require_amendment_open(amendment, application, now)
        else:
            _require_editable(application, now)

        errors = ErrorCollector()
        if requirement:
            needed = {r.key: r for r in _requirements(application)}
            if requirement not in needed:
                errors.add("requirement", _("Choose what the document proves."))
            else:
                kind = needed[requirement].kind
                member = needed[requirement].member
        elif amendment is not None and not kind:
            kind = DocumentKind.AMENDMENT
        if kind not in DocumentKind.values:
            errors.add("kind", _("Choose the kind of document."))
        if member is not None and member.application_id != application.pk:
            errors.add("member", _("Choose a member of this household."))
        errors.raise_if_any()
        checked = check_file(file)

        document = Document(
            application=application,
            member=member,
            kind=kind,
            requirement=requirement,
            amendment_request=amendment,
            original_name=clean_file_name(getattr(file, "name", "") or ""),
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            uploaded_by=by,
            uploaded_at=now,
        )
        document.file.save("upload", _content(checked.data), save=False)
        stored = document.file.name
        # Should this transaction, or one around it (the request's), roll back
        # later, the file goes with the row.
        delete_on_rollback(document.file.storage, stored)
        # A failed write must not leave the file behind (at once).
        try:
            document.save()
            _documents_event(
                application, by, now, [f"documents.{document.pk}"], "added"
            )
        except BaseException:
            document.file.storage.delete(stored)
            raise
    return document


class _KeepFileOnCommit:
    """An on-commit callback that marks a stored file as kept.

    Django has no on-rollback hook, but it drops the on-commit callbacks of a
    transaction (or savepoint) that rolls back. Dropped, this object is freed at once
    (CPython's reference counting; nothing else refers to it) and its finalizer then
    deletes the file it was not told to keep. Committed, it runs first and the file
    stays.
    """

    def __init__(self, storage: Any, name: str) -> None:
        self._state = {"kept": False}
        weakref.finalize(self, _delete_unless_kept, self._state, storage, name)

    def __call__(self) -> None:
        self._state["kept"] = True


def _delete_unless_kept(state: dict, storage: Any, name: str) -> None:
    if not state["kept"]:
        try:
            storage.delete(name)
        except Exception:  # a finalizer must not raise; the file is only an orphan
            logger.exception("could not delete the orphan file %s", name)


def delete_on_rollback(storage: Any, name: str) -> None:
    """Delete the stored file ``name`` if the current transaction, or any
    transaction or savepoint around this point, rolls back (issue 12, 4: no orphan
    files). Outside a transaction the file is kept at once. Call it right after the
    file is saved, before the row that names it."""
    # No local reference: a traceback holding this frame must not keep it alive.
    transaction.on_commit(_KeepFileOnCommit(storage, name))


def _content(data: bytes) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(data)


def _documents_event(
    application: Application,
    by: User,
    now: datetime.datetime,
    changed: Iterable[str],
    note: str,
) -> None:
    from .services import _event

    _event(
        application,
        EventKind.STEP_SAVED,
        by,
        at=now,
        section=DOCUMENTS_SECTION,
        changed=list(changed),
        note=note,
    )


def document_delete(
    *, document: Document, by: User, now: datetime.datetime | None = None
) -> None:
    """Delete a document of an editable draft, its file when the deletion commits.

    A document that was submitted (named in a receipt) or given to answer an
    amendment request stays on record: upload a new one instead.

    :raises ServiceError: ``frozen`` for such a document, else as
        :func:`document_upload`.
    """
    from .services import _lock, _now, _require_editable, _require_may_edit

    now = _now(now)
    with transaction.atomic():
        application = _lock(document.application)
        _require_may_edit(application, by)
        _require_editable(application, now)
        document = application.documents.select_for_update().get(pk=document.pk)
        if (
            document.amendment_request_id is not None
            or document.pk in submitted_document_ids(application)
        ):
            raise ServiceError(
                _(
                    "This document was part of a submitted application and stays on "
                    "record. Upload a new one instead."
                ),
                code="frozen",
            )
        name, storage = document.file.name, document.file.storage
        pk = document.pk
        document.delete()
        _documents_event(application, by, now, [f"documents.{pk}"], "removed")
        transaction.on_commit(lambda: storage.delete(name))


def delete_document_files(documents: Iterable[Document]) -> int:
    """Delete the stored files of ``documents`` (after their rows are gone)."""
    count = 0
    for document in documents:
        if document.file.name:
            document.file.storage.delete(document.file.name)
            count += 1
    return count


# --- duplicates (issue 12, 8) -----------------------------------------------------------


@dataclass(frozen=True)
class DuplicateDocument:
    """The same file (by SHA-256) in applications of different households."""

    sha256: str
    codes: tuple[str, ...]


def duplicate_documents(tender: Tender) -> list[DuplicateDocument]:
    """Files uploaded to two or more lodged applications of ``tender`` (submitted at
    least once, not withdrawn), with the applications' codes, for the commission:
    one household's payslip in another household's application is worth a look. It
    blocks nothing; the commission decides."""
    lodged = Document.objects.filter(
        application__tender=tender, application__code__isnull=False
    ).exclude(application__status=ApplicationStatus.WITHDRAWN)
    repeated = (
        lodged.values("sha256")
        .annotate(n=Count("application", distinct=True))
        .filter(n__gte=2)
        .values_list("sha256", flat=True)
    )
    codes: dict[str, set[str]] = {}
    for sha, code in lodged.filter(sha256__in=list(repeated)).values_list(
        "sha256", "application__code"
    ):
        codes.setdefault(sha, set()).add(code)
    return [
        DuplicateDocument(sha256=sha, codes=tuple(sorted(found)))
        for sha, found in sorted(codes.items())
    ]
