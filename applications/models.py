"""Applications for a tender: the household, its claims, documents and events.

One :class:`Application` per household per tender, with its :class:`Member` rows.
The claim fields mirror the scoring engine's application object
(``shared/spec/case-format.md``); :mod:`applications.engine_input` maps them.
Rules live in :mod:`applications.services`, never here.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.audit import AuditHistoricalRecords
from housing.models import Lessor, Municipality
from tenders.models import Tender

from .constants import (
    SPECIAL_APPLICATION_FIELDS,
    SPECIAL_MEMBER_FIELDS,
    AmendmentStatus,
    ApplicationStatus,
    DocumentKind,
    EventKind,
    HousingStatus,
    MemberRole,
    Sex,
)

ZERO = Decimal("0.00")


def _money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, default=ZERO, **kwargs
    )


class Application(models.Model):
    """A household's application to one tender (Art. 19).

    ``applicant`` is the account that applies; it is empty for a paper application a
    clerk enters (``entered_by``) for a person without an account, who is then reached
    at ``postal_address``. ``code`` is given at the first submission and kept through
    corrections (``version`` counts them); ``row_version`` changes at every write, for
    optimistic concurrency between two tabs or two clerks.
    """

    tender = models.ForeignKey(
        Tender,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("tender"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("applicant's account"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by staff"),
    )
    postal_address = models.TextField(_("postal address"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    # NULL, not "", until the first submission: "no code yet" is not a code.
    code = models.CharField(  # noqa: DJ001
        _("application code"), max_length=40, null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    row_version = models.PositiveIntegerField(_("row version"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    received_at = models.DateTimeField(
        _("received (paper)"),
        null=True,
        blank=True,
        help_text=_("A paper application: when it was posted or handed in."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    # --- Form section I: housing status and the dwelling --------------------------
    housing_status = models.CharField(
        _("housing status"), max_length=3, choices=HousingStatus.choices, blank=True
    )
    dwelling_area_m2 = models.DecimalField(
        _("usable area of the dwelling (m²)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    inappropriate_dwelling = models.BooleanField(
        _("lives in an inappropriate dwelling"), default=False
    )
    architectural_obstacles = models.BooleanField(
        _("architectural obstacles for a wheelchair user"), default=False
    )
    entrance_from_yard = models.BooleanField(
        _("entrance directly from the yard"), default=False
    )
    # --- Form section II: the household ---------------------------------------------
    supports_member_over_65 = models.BooleanField(
        _("provides for a member over 65"), default=False
    )
    separated_from_minors = models.BooleanField(
        _("parents and minors live apart because of housing"), default=False
    )
    single_parent = models.BooleanField(_("single parent"), default=False)
    illness_minor_due_to_housing = models.BooleanField(
        _("illness of a minor caused by housing conditions"), default=False
    )
    illness_due_to_housing = models.BooleanField(
        _("illness of a member caused by housing conditions"), default=False
    )
    pregnancy = models.BooleanField(_("pregnancy"), default=False)
    disability_aids_monthly = _money(_("monthly spending on disability aids (EUR)"))
    # --- Circumstances: categories and exceptions -------------------------------------
    domestic_violence_victim = models.BooleanField(
        _("victim of domestic violence"), default=False
    )
    violence_co_ownership_unusable = models.BooleanField(
        _("co-owned dwelling unusable because of the violence"), default=False
    )
    temporary_residence_in_shelter = models.BooleanField(
        _("temporary residence in a shelter or safe house"), default=False
    )
    war_victim = models.BooleanField(_("status of a war victim"), default=False)
    important_profession = models.BooleanField(
        _("profession important for the municipality"), default=False
    )
    lost_housing_right_by_court = models.BooleanField(
        _("lost a housing right or tenancy by a court decision"), default=False
    )
    # Codes, not foreign keys: a published tender's categories and conditions are
    # frozen, the engine speaks codes, and the claim is kept as it was made.
    other_categories = models.JSONField(
        _("further categories of the lessor claimed"), default=list, blank=True
    )
    additional_conditions = models.JSONField(
        _("additional conditions claimed"), default=list, blank=True
    )

    section_status = models.JSONField(_("progress"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Never the special-category facts: audit rows can never be deleted.
    history = AuditHistoricalRecords(excluded_fields=sorted(SPECIAL_APPLICATION_FIELDS))

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "applicant"],
                condition=Q(applicant__isnull=False) & ~Q(status="withdrawn"),
                name="one_live_application_per_applicant_per_tender",
            ),
            models.UniqueConstraint(
                fields=["tender", "code"],
                condition=Q(code__isnull=False),
                name="unique_application_code_per_tender",
            ),
            models.CheckConstraint(
                condition=Q(applicant__isnull=False) | Q(entered_by__isnull=False),
                name="application_has_applicant_or_clerk",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(code__isnull=False)
                | Q(status="withdrawn"),
                name="submitted_application_has_code",
            ),
        ]

    def __str__(self) -> str:
        return self.code or _("Draft application #%(pk)s") % {"pk": self.pk}

    @property
    def is_paper(self) -> bool:
        """Entered by a clerk for a person without an account."""
        return self.applicant_id is None

    @property
    def is_correcting(self) -> bool:
        """Reopened for correction: its last submission stands until resubmitted."""
        return self.status == ApplicationStatus.DRAFT and self.code is not None


class Member(models.Model):
    """A person of the household (Art. 3(1)): the applicant and everyone moving in."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("application"),
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Empty only for a foreign member who has none (see docs/decisions.md).
    emso = models.CharField(_("EMŠO"), max_length=13, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    citizenship = models.CharField(
        _("citizenship"),
        max_length=2,
        help_text=_("ISO country code, or IP for international protection."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality of permanent residence"),
    )
    other_municipality = models.CharField(
        _("another municipality of permanent residence"), max_length=100, blank=True
    )
    employed = models.BooleanField(_("employed"), default=False)
    years_of_service = models.DecimalField(
        _("years of service"), max_digits=5, decimal_places=2, default=ZERO
    )
    monthly_income = _money(
        _("average monthly net income (EUR)"),
        help_text=_("Over the 12 months before the tender was published."),
    )
    disability = models.BooleanField(_("disability"), default=False)
    institutional_care = models.BooleanField(_("in institutional care"), default=False)
    wheelchair_user = models.BooleanField(
        _("permanently uses a wheelchair"), default=False
    )
    deaf_or_blind = models.BooleanField(_("deaf or blind"), default=False)
    needs_permanent_assistance = models.BooleanField(
        _("needs another person's permanent assistance"), default=False
    )
    owns_dwelling = models.BooleanField(_("owns another dwelling"), default=False)
    nonprofit_tenant = models.BooleanField(
        _("tenant of a non-profit dwelling for an indefinite period"), default=False
    )
    other_property_value = _money(_("value of other property (EUR)"))
    business_property_value = _money(
        _("value of business premises and equipment (EUR)")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = AuditHistoricalRecords(excluded_fields=sorted(SPECIAL_MEMBER_FIELDS))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(role="applicant"),
                name="one_applicant_member_per_application",
            ),
            models.UniqueConstraint(
                fields=["application", "emso"],
                condition=~Q(emso=""),
                name="unique_member_emso_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def permanent_residence(self) -> str:
        """The municipality's name, or the other one the member wrote."""
        if self.municipality_id is not None:
            return self.municipality.name
        return self.other_municipality


class ApplicationSubmission(models.Model):
    """The receipt of one submission: one per version (the idempotency constraint).

    ``case`` is the engine input as submitted, so that the last submitted version
    stands even while a correction is left unfinished; ``digest`` is its SHA-256.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("application"),
    )
    version = models.PositiveIntegerField(_("version"))
    code = models.CharField(_("application code"), max_length=40)
    submitted_at = models.DateTimeField(_("submitted"))
    received_at = models.DateTimeField(_("received (paper)"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    case = models.JSONField(_("facts as submitted"))
    digest = models.CharField(_("SHA-256 of the facts"), max_length=64)
    # What the receipt shows besides ``case``: names, masked EMŠO, postal address and
    # the documents with their SHA-256 (applications.pdf.receipt_snapshot).
    receipt = models.JSONField(_("receipt details"), default=dict, blank=True)
    # When the worker's confirmation email went out (applications.pdf
    # .send_submission_email): set in the transaction that sends it, so a second run
    # of the job sends nothing. Empty for paper applications and until it is sent.
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["application", "version"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "version"],
                name="one_submission_per_application_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class ApplicationCodeCounter(models.Model):
    """The last number given to a lessor's applications in a year (gap-free codes)."""

    lessor = models.ForeignKey(
        Lessor, on_delete=models.PROTECT, related_name="+", verbose_name=_("lessor")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("application code counter")
        verbose_name_plural = _("application code counters")
        constraints = [
            models.UniqueConstraint(
                fields=["lessor", "year"], name="one_code_counter_per_lessor_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lessor} {self.year}: {self.last_number}"


class AmendmentRequest(models.Model):
    """The commission asks for a missing document or answer, by a deadline (Art. 20)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="amendment_requests",
        verbose_name=_("application"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    deadline = models.DateTimeField(_("answer by"))
    text = models.TextField(_("what is requested"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.OPEN,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answer_text = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("amendment request")
        verbose_name_plural = _("amendment requests")

    def __str__(self) -> str:
        return f"{self.application} — {self.requested_at:%Y-%m-%d}"


def document_path(instance: "Document", filename: str) -> str:
    """Stored under a random name: the original name is kept in a field only."""
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file attached to an application (``applications.documents``): checked by
    content, images re-encoded without metadata, stored under a random name in the
    private storage, with the SHA-256 of the stored bytes."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("household member"),
    )
    amendment_request = models.ForeignKey(
        AmendmentRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("amendment request"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    # The key of the required document it answers (applications.documents), or "".
    requirement = models.CharField(_("requirement"), max_length=40, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """One step in an application's life: who, when, and which facts changed.

    ``changed_fields`` names fields only, never their values: the log says that a
    special-category fact changed without saying what it is now.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"))
    section = models.CharField(_("section"), max_length=20, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def receipt_path(instance: "SubmissionReceipt", filename: str) -> str:
    return f"receipts/{instance.submission.application_id}/{uuid.uuid4().hex}.pdf"


class SubmissionReceipt(models.Model):
    """The receipt of a submission as a PDF, rendered once per language and kept.

    Rendered from the submission (``case`` and ``receipt``), never from the
    application as it is now, so a later correction does not change it.
    """

    submission = models.ForeignKey(
        ApplicationSubmission,
        on_delete=models.CASCADE,
        related_name="receipts",
        verbose_name=_("submission"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), upload_to=receipt_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["submission", "language"]
        verbose_name = _("submission receipt")
        verbose_name_plural = _("submission receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "language"],
                name="one_receipt_per_submission_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} ({self.language})"
