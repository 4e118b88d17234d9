"""Priority lists (issue 14; Art. 9, 17(2), 20(4), 23 of the Rules).

- :class:`ListVersion`: one version of a tender's priority lists: the engine's ``rank``
  input it was built from (verified facts, case-format.md) and the engine's output,
  with the SHA-256 of the input, of the data (the entries) and of the PDFs;
- :class:`ListEntry`: one ranked application of a version (code, list, sub-list,
  rank, total, within the cut-off);
- :class:`CutoffOverride`: a cut-off the lessor set, with the reason (it made the
  version it belongs to);
- :class:`Decision`: the decision on classification or non-classification of one
  application on a published version (Art. 24(1)), stored once as a PDF with its
  SHA-256;
- :class:`Appeal`: an appeal against a decision and its outcome (Art. 24(2)-(5)).

A published version, its entries and its cut-off changes never change again
(``lists.immutable``: ORM guards and a PostgreSQL trigger). Rules live in
:mod:`lists.services`, never here.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from tenders.models import Tender

from .constants import FROZEN_STATES, AppealOutcome, DecisionKind, ListState


def pdf_path(instance: "ListVersion", filename: str) -> str:
    return f"lists/{instance.tender_id}/{uuid.uuid4().hex}.pdf"


def internal_pdf_path(instance: "ListVersion", filename: str) -> str:
    return f"lists/{instance.tender_id}/internal/{uuid.uuid4().hex}.pdf"


class FrozenQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes touching a frozen version (no per-row signal
    would catch them). ``version_path`` leads from the row to its version's state."""

    version_path = "state"

    def _touches_frozen(self) -> bool:
        return self.filter(**{f"{self.version_path}__in": FROZEN_STATES}).exists()

    def update(self, **kwargs):
        from .immutable import ListVersionImmutable

        if self._touches_frozen():
            raise ListVersionImmutable(
                f"{self.model._meta.label}: a published list version cannot be changed."
            )
        return super().update(**kwargs)

    def delete(self):
        from .immutable import ListVersionImmutable

        if self._touches_frozen():
            raise ListVersionImmutable(
                f"{self.model._meta.label}: a published list version cannot be deleted."
            )
        return super().delete()

    delete.queryset_only = True  # type: ignore[attr-defined]


class EntryQuerySet(FrozenQuerySet):
    version_path = "version__state"


class ListVersion(models.Model):
    """One version of a tender's priority lists (lists A and B, or one list, each
    split into the tender's sub-lists).

    ``engine_input`` is the ``rank`` input of case-format.md (the tender with its
    sub-lists and cut-offs, and every verified application); ``engine_output`` what
    the engine returned for it. ``input_sha256`` and ``data_sha256`` are SHA-256 of
    canonical JSON (sorted keys, no spaces, UTF-8) of the input and of
    :func:`lists.services.version_data`.
    """

    tender = models.ForeignKey(
        Tender,
        on_delete=models.PROTECT,
        related_name="list_versions",
        verbose_name=_("tender"),
    )
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=12, choices=ListState.choices, default=ListState.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made from version"),
    )
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("built by"),
    )
    built_at = models.DateTimeField(_("built"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("superseded by"),
    )
    final = models.BooleanField(_("final list"), default=False)
    final_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("final list published by"),
    )
    final_at = models.DateTimeField(_("final list published"), null=True, blank=True)
    engine_input = models.JSONField(_("engine input"))
    engine_output = models.JSONField(_("engine output"))
    input_sha256 = models.CharField(_("SHA-256 of the input"), max_length=64)
    data_sha256 = models.CharField(_("SHA-256 of the data"), max_length=64)
    pdf = models.FileField(
        _("PDF (Slovenian)"), upload_to=pdf_path, max_length=200, blank=True
    )
    pdf_sha256 = models.CharField(
        _("SHA-256 of the PDF (Slovenian)"), max_length=64, blank=True
    )
    pdf_en = models.FileField(
        _("PDF (English)"), upload_to=pdf_path, max_length=200, blank=True
    )
    pdf_en_sha256 = models.CharField(
        _("SHA-256 of the PDF (English)"), max_length=64, blank=True
    )
    # The internal list with the applicants' names, for the commission only
    # (issue 14, 3): rendered with the public PDFs when the version is published.
    internal_pdf = models.FileField(
        _("internal PDF with names (Slovenian)"),
        upload_to=internal_pdf_path,
        max_length=200,
        blank=True,
    )
    internal_pdf_sha256 = models.CharField(
        _("SHA-256 of the internal PDF (Slovenian)"), max_length=64, blank=True
    )
    internal_pdf_en = models.FileField(
        _("internal PDF with names (English)"),
        upload_to=internal_pdf_path,
        max_length=200,
        blank=True,
    )
    internal_pdf_en_sha256 = models.CharField(
        _("SHA-256 of the internal PDF (English)"), max_length=64, blank=True
    )

    objects = FrozenQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "number"]
        verbose_name = _("priority list version")
        verbose_name_plural = _("priority list versions")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "number"], name="one_list_version_number_per_tender"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender.code} v{self.number} ({self.get_state_display()})"

    @property
    def is_public(self) -> bool:
        """Published once (now published or superseded by a later publication); a
        draft superseded before publication never is."""
        return self.published_at is not None


class ListEntry(models.Model):
    """One application on a version: its list (``A``, ``B`` or ``all``), sub-list
    (empty when unassigned or the tender has none), rank in the sub-list (``rank``)
    and in the list (``list_rank``), total, and whether it is within the cut-off."""

    version = models.ForeignKey(
        ListVersion,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("version"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application"),
    )
    code = models.CharField(_("application code"), max_length=40)
    list = models.CharField(_("list"), max_length=3)
    sub_list = models.CharField(_("sub-list"), max_length=10, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    list_rank = models.PositiveIntegerField(_("rank in the list"))
    total = models.IntegerField(_("points"))
    within = models.BooleanField(_("within the cut-off"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"))

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("priority list entry")
        verbose_name_plural = _("priority list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "application"], name="one_entry_per_application"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.sub_list or self.list} {self.rank}"


class CutoffOverride(models.Model):
    """The lessor changed a sub-list's cut-off (``None``: back to the one the
    dwellings give), with a reason; the change made ``version``."""

    version = models.ForeignKey(
        ListVersion,
        on_delete=models.CASCADE,
        related_name="cutoff_overrides",
        verbose_name=_("version"),
    )
    sub_list = models.CharField(_("sub-list"), max_length=10)
    cutoff = models.PositiveIntegerField(_("cut-off"), null=True, blank=True)
    previous = models.PositiveIntegerField(_("previous cut-off"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("cut-off change")
        verbose_name_plural = _("cut-off changes")

    def __str__(self) -> str:
        return f"{self.sub_list}: {self.cutoff}"


def decision_path(instance: "Decision", filename: str) -> str:
    return f"decisions/{instance.version.tender_id}/{uuid.uuid4().hex}.pdf"


class Decision(models.Model):
    """The decision on one application after ``version`` was published (Art. 24(1)):
    classified (points, rank in the sub-list, sub-list, its cut-off) or not
    classified (``reasons``: ``[{"condition", "article", "text"}]`` from the
    commission's rejection or the engine's ineligibility), with the appeal body the
    lessor's type decides (Art. 24(2)-(4)).

    Stored once: the PDF in the applicant's language (a paper applicant: Slovenian
    and English in one letter) with its SHA-256. ``delivered_at`` starts the 15 days
    to appeal: for an online applicant when the decision was made available on their
    page (= ``issued_at``); for a paper applicant the date the clerk records.
    """

    version = models.ForeignKey(
        ListVersion,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("version"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="list_decisions",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices)
    points = models.IntegerField(_("points"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    list_rank = models.PositiveIntegerField(
        _("rank in the list"), null=True, blank=True
    )
    sub_list = models.CharField(_("sub-list"), max_length=10, blank=True)
    cutoff = models.PositiveIntegerField(_("cut-off"), null=True, blank=True)
    within = models.BooleanField(_("within the cut-off"), null=True, blank=True)
    reasons = models.JSONField(_("reasons for non-classification"), default=list)
    appeal_body = models.CharField(_("appeal body"), max_length=20)
    language = models.CharField(_("language"), max_length=10)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    delivery_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivery recorded by"),
    )
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to=decision_path, max_length=200, blank=True
    )
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)

    class Meta:
        ordering = ["version", "application__code"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "application"], name="one_decision_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.code} v{self.version.number} {self.kind}"


class Appeal(models.Model):
    """An appeal against a :class:`Decision` (received within 15 days of delivery)
    and its outcome: rejected, or upheld (the commission corrected the facts; a new
    version re-ranks them)."""

    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("decision"),
    )
    received_on = models.DateField(_("received on"))
    grounds = models.TextField(_("grounds"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=AppealOutcome.choices,
        default=AppealOutcome.PENDING,
    )
    outcome_reason = models.TextField(_("reason for the outcome"), blank=True)
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
        ordering = ["received_on", "pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.decision.application.code} {self.received_on} {self.outcome}"
