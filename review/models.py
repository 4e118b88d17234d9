"""The commission's review of applications (issue 13; Art. 19-22 of the Rules).

- :class:`CommissionSeat`: who sits on a tender's commission and in what role;
- :class:`ConflictDeclaration`: a seat holder's declared conflict of interest;
- :class:`ApplicationReview`: one per lodged application: its state, its optimistic
  lock (``row_version``) and the verified assessment;
- :class:`FactCheck`: each claimed fact and what the commission made of it;
- :class:`Inspection`: a visit to the dwelling (Art. 22(2)-(5)), with its
  :class:`InspectionPhoto` files;
- :class:`ScoringRecord`, :class:`AmendmentLetter`: issued PDFs with their SHA-256;
- :class:`ReviewLog`, :class:`SpecialDataView`: append-only logs (``review.immutable``).

Rules live in :mod:`review.services`, never here.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import (
    AmendmentRequest,
    Application,
    ApplicationSubmission,
    Document,
)
from tenders.models import Tender

from .constants import CommissionRole, FactState, LogKind, RejectionState, ReviewState
from .immutable import AppendOnlyManager


class CommissionSeat(models.Model):
    """A member of a tender's commission (Art. 20(1)), set by the lessor's admin."""

    tender = models.ForeignKey(
        Tender,
        on_delete=models.CASCADE,
        related_name="commission_seats",
        verbose_name=_("tender"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commission_seats",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=CommissionRole.choices)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appointed by"),
    )
    appointed_at = models.DateTimeField(_("appointed"), default=timezone.now)

    class Meta:
        ordering = ["tender", "role", "pk"]
        verbose_name = _("commission seat")
        verbose_name_plural = _("commission seats")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "user"], name="one_seat_per_person_and_tender"
            ),
            models.UniqueConstraint(
                fields=["tender"],
                condition=Q(role="chair"),
                name="one_chair_per_tender",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ConflictDeclaration(models.Model):
    """A seat holder declares a conflict of interest on one application (or on the
    whole tender when ``application`` is empty) and may no longer act on it."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="+", verbose_name=_("tender")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        ordering = ["declared_at", "pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "application", "user"],
                condition=Q(application__isnull=False),
                name="one_conflict_per_person_and_application",
            ),
            models.UniqueConstraint(
                fields=["tender", "user"],
                condition=Q(application__isnull=True),
                name="one_conflict_per_person_and_tender",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.application or self.tender}"


class ApplicationReview(models.Model):
    """The commission's review of one lodged application.

    ``submission`` is the submission under review (its ``case`` is the claimed engine
    input); ``member_pks`` lists the members' ids in the order of ``case["members"]``
    (fact paths name members by id). ``row_version`` changes at every write: services
    take the version a page showed (``expected_version``) and refuse a stale one.
    The verified assessment (``verified_*``) is computed by the engine from the
    verified facts only (``review.verified``).
    """

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="review",
        verbose_name=_("application"),
    )
    submission = models.ForeignKey(
        ApplicationSubmission,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submission under review"),
    )
    member_pks = models.JSONField(_("members in the order of the facts"), default=list)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.SUBMITTED,
    )
    row_version = models.PositiveIntegerField(_("row version"), default=0)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    completed_at = models.DateTimeField(_("found complete"), null=True, blank=True)
    # Rejection (Art. 20(3) or another article): drafted, then issued by the commission.
    rejection_state = models.CharField(
        _("rejection"),
        max_length=10,
        choices=RejectionState.choices,
        default=RejectionState.NONE,
        blank=True,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    rejection_article = models.CharField(_("article"), max_length=30, blank=True)
    rejection_drafted_at = models.DateTimeField(
        _("rejection drafted"), null=True, blank=True
    )
    rejection_issued_at = models.DateTimeField(
        _("rejection issued"), null=True, blank=True
    )
    rejection_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rejection issued by"),
    )
    # The verified assessment: input (engine application object from verified facts),
    # output (the engine's JSON), totals, and the SHA-256 of input and output.
    verified_case = models.JSONField(_("verified facts"), null=True, blank=True)
    verified_result = models.JSONField(_("verified assessment"), null=True, blank=True)
    verified_total = models.IntegerField(_("verified total"), null=True, blank=True)
    verified_eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    verified_digest = models.CharField(
        _("SHA-256 of the verified assessment"), max_length=64, blank=True
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )

    class Meta:
        ordering = ["application__code", "pk"]
        verbose_name = _("application review")
        verbose_name_plural = _("application reviews")

    def __str__(self) -> str:
        return f"{self.application.code} ({self.get_state_display()})"


class FactCheck(models.Model):
    """One claimed fact and the commission's finding.

    ``path``: ``application.<field>``, ``members[<member id>].<field>``,
    ``category:other:<slug>`` or ``additional:<code>``. ``claimed`` and ``verified``
    are case-format JSON values (money as decimal strings).
    """

    review = models.ForeignKey(
        ApplicationReview,
        on_delete=models.CASCADE,
        related_name="facts",
        verbose_name=_("review"),
    )
    path = models.CharField(_("fact"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    claimed = models.JSONField(_("claimed value"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=FactState.choices, default=FactState.CLAIMED
    )
    verified = models.JSONField(_("verified value"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # SET_NULL, not PROTECT: an applicant may still delete a document while an
    # amendment request is open; the log keeps the document's id.
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supporting document"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["review", "position", "pk"]
        verbose_name = _("fact check")
        verbose_name_plural = _("fact checks")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "path"], name="one_check_per_fact"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.get_state_display()}"


class Inspection(models.Model):
    """A visit to the applicant's dwelling by the commission (Art. 22(2), (3))."""

    review = models.ForeignKey(
        ApplicationReview,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("review"),
    )
    date = models.DateField(_("date of the visit"))
    members_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        verbose_name=_("commission members present"),
    )
    findings = models.TextField(_("findings"))
    photos = models.ManyToManyField(
        Document, blank=True, related_name="+", verbose_name=_("photos")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.review} {self.date}"


def photo_path(instance: "InspectionPhoto", filename: str) -> str:
    """A random name in the private storage; the original name is kept in a field."""
    return (
        f"review/photos/{instance.inspection.review.application_id}/{uuid.uuid4().hex}"
    )


class InspectionPhoto(models.Model):
    """A photo taken at an inspection (Art. 22(2)), uploaded by the commission: checked
    by content and re-encoded without metadata (``applications.documents.check_file``),
    stored in the private storage with the SHA-256 of the stored bytes. Only the
    tender's commission without a conflict downloads it (``review.views``)."""

    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        related_name="uploaded_photos",
        verbose_name=_("inspection"),
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=photo_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self) -> str:
        return self.original_name


def record_path(instance: "ScoringRecord", filename: str) -> str:
    return f"review/{instance.review.application_id}/{uuid.uuid4().hex}.pdf"


def letter_path(instance: "AmendmentLetter", filename: str) -> str:
    return f"review/letters/{instance.amendment.application_id}/{uuid.uuid4().hex}.pdf"


class ScoringRecord(models.Model):
    """The scoring record (Art. 22(1), (4)) from the verified assessment, issued once
    to the applicant, with the members who sign it and its SHA-256."""

    review = models.OneToOneField(
        ApplicationReview,
        on_delete=models.PROTECT,
        related_name="record",
        verbose_name=_("review"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    signers = models.JSONField(_("signed by"), default=list)
    signed_on = models.DateField(_("date"))
    file = models.FileField(_("file"), upload_to=record_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("scoring record")
        verbose_name_plural = _("scoring records")

    def __str__(self) -> str:
        return f"{self.review} {self.signed_on}"


class AmendmentLetter(models.Model):
    """The amendment request as a letter (Slovenian and English) for a paper
    applicant, who has no account to see it in: rendered once, kept with SHA-256."""

    amendment = models.OneToOneField(
        AmendmentRequest,
        on_delete=models.PROTECT,
        related_name="letter",
        verbose_name=_("amendment request"),
    )
    file = models.FileField(_("file"), upload_to=letter_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("amendment letter")
        verbose_name_plural = _("amendment letters")

    def __str__(self) -> str:
        return str(self.amendment)


class ReviewLog(models.Model):
    """Append-only: one change to a review, a fact, a seat or a state: who, when,
    what, the old and new value and the reason.

    For special-category facts ``old`` and ``new`` stay empty and ``special`` is set:
    the row records that the fact changed, never its value, because these rows can
    never be deleted (the values live in :class:`FactCheck`, which can).
    """

    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="+", verbose_name=_("tender")
    )
    review = models.ForeignKey(
        ApplicationReview,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log",
        verbose_name=_("review"),
    )
    version = models.PositiveIntegerField(_("review version"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=30, choices=LogKind.choices)
    path = models.CharField(_("field"), max_length=120, blank=True)
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"), null=True, blank=True)
    special = models.BooleanField(_("special-category value left out"), default=False)
    reason = models.TextField(_("reason"), blank=True)

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review log entry")
        verbose_name_plural = _("review log")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.path}"


class SpecialDataView(models.Model):
    """Append-only: a member of staff was shown an application's special-category
    data (who, when, which application, what), for the applicant's data download."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("viewed by"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    what = models.CharField(_("what was shown"), max_length=200)

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("view of special-category data")
        verbose_name_plural = _("views of special-category data")

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M}"
