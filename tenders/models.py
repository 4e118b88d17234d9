import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.utils import timezone
from django.utils.html import (
    conditional_escape,
    format_html,
    format_html_join,
    linebreaks,
)
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from housing.audit import AuditHistoricalRecords
from housing.models import Lessor
from scoring.engine import EDITIONS

from .constants import (
    DEFAULT_AMENDMENT_DAYS,
    EDITION_NAMES,
    MAX_DWELLINGS,
    MAX_TEXT_LONG,
    MAX_TEXT_SHORT,
    Category,
    ListKind,
    SubListRule,
    TenderStatus,
)


def _text(limit: int) -> dict:
    """A free text of at most ``limit`` characters (forms and ``full_clean()``)."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}


def _count() -> list:
    """A count of dwellings: at most ``MAX_DWELLINGS``."""
    return [MaxValueValidator(MAX_DWELLINGS)]


# --- Texts a lessor writes in both languages (issue 11) --------------------------------
#
# Paired fields: ``<field>`` holds the Slovenian text, the original that binds (and the
# one every other app reads), ``<field>_en`` its English version, optional. An English
# page shows the English version where there is one and otherwise the Slovenian text,
# marked ``lang="sl"`` (:class:`Localized`). docs/decisions.md, "Bilingual content".

ORIGINAL_LANGUAGE = "sl"


def _english(field: models.Field) -> models.Field:
    """The optional English twin of ``field`` (same type and limits, never required)."""
    _name, _path, args, kwargs = field.deconstruct()
    kwargs.pop("default", None)
    kwargs["blank"] = True
    kwargs["default"] = ""
    kwargs["verbose_name"] = format_lazy(_("{} in English"), field.verbose_name)
    kwargs["help_text"] = _("Where it is empty, English pages show the Slovenian text.")
    return type(field)(*args, **kwargs)


class Localized:
    """A lessor's text as shown in one language: ``text``, the language it is written
    in (``lang``) and whether that differs from the page's (``foreign``).

    In a template ``{{ value }}`` gives the text, wrapped in ``<span lang="sl">`` when it
    is foreign to the page; ``{{ value.block }}`` gives paragraphs (``linebreaks``) in a
    ``<div lang="sl">`` likewise; ``value.lines`` the non-empty lines.
    """

    def __init__(self, text: str, lang: str, page_language: str) -> None:
        self.text = text or ""
        self.lang = lang
        self.foreign = lang != (page_language or ORIGINAL_LANGUAGE)[:2]

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text.strip())

    @property
    def lang_attr(self) -> SafeString:
        """`` lang="sl"`` when the text is foreign to the page, else nothing."""
        return format_html(' lang="{}"', self.lang) if self.foreign else mark_safe("")  # nosec B308 B703 - a constant

    def __html__(self) -> str:
        if self.foreign:
            return format_html('<span lang="{}">{}</span>', self.lang, self.text)
        return str(conditional_escape(self.text))

    @property
    def inline(self) -> SafeString:
        """The text with line breaks kept (``<br>``), marked when foreign."""
        lines = self.text.splitlines()
        br = mark_safe("<br>")  # nosec B308 B703 - a constant
        body = format_html_join(br, "{}", ((line,) for line in lines))
        if self.foreign:
            return format_html('<span lang="{}">{}</span>', self.lang, body)
        return body

    @property
    def block(self) -> SafeString:
        """The text as paragraphs, in a ``<div lang=...>`` when foreign."""
        body = linebreaks(self.text, autoescape=True)
        if self.foreign:
            return format_html('<div lang="{}">{}</div>', self.lang, body)
        return body

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


class BilingualMixin:
    """Models whose ``bilingual_fields`` each have an ``<field>_en`` twin."""

    bilingual_fields: tuple[str, ...] = ()

    def localized(self, field: str, language: str | None = None) -> Localized:
        """``field`` in ``language`` (default: the active one), falling back to the
        Slovenian original where the English version is empty."""
        page = (language or get_language() or ORIGINAL_LANGUAGE)[:2]
        if page != ORIGINAL_LANGUAGE:
            translated = getattr(self, f"{field}_{page}", "") or ""
            if translated.strip():
                return Localized(translated, page, page)
        return Localized(getattr(self, field) or "", ORIGINAL_LANGUAGE, page)


EDITION_CHOICES = [
    (edition.id, EDITION_NAMES.get(edition.id, edition.title))
    for edition in EDITIONS.values()
]


class Tender(BilingualMixin, models.Model):
    """An invitation to tender for non-profit rental dwellings (Art. 17, 18).

    The fields follow Art. 18 point by point. Once published, the rules of the tender
    (everything that decides who is eligible and how they are scored) are frozen;
    corrections go out as an :class:`AmendmentNotice`.
    """

    lessor = models.ForeignKey(
        Lessor,
        on_delete=models.PROTECT,
        related_name="tenders",
        verbose_name=_("lessor"),
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = _english(title)
    code = models.SlugField(
        _("code"),
        max_length=20,
        help_text=_("Short code used in application codes, e.g. LJ-2026."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TenderStatus.choices,
        default=TenderStatus.DRAFT,
    )
    rules_edition = models.CharField(
        _("rules edition"), max_length=20, choices=EDITION_CHOICES, default="SI-2004"
    )
    # Art. 18(10): dates. The publication date is the reference date of every age,
    # income year and point value (scoring.md).
    published_on = models.DateField(_("publication date"))
    deadline = models.DateTimeField(_("application deadline"))
    amendment_days = models.PositiveSmallIntegerField(
        _("days to complete an incomplete application"),
        default=DEFAULT_AMENDMENT_DAYS,
        validators=[MinValueValidator(8), MaxValueValidator(90)],
        help_text=_("Art. 20(2): the time limit for amending incomplete applications."),
    )
    results_expected_on = models.DateField(_("indicative date of the results"))
    availability_note = models.CharField(
        _("when the dwellings are expected to be available"),
        max_length=300,
        blank=True,
        help_text=_("Art. 18(9): an indicative time limit."),
    )
    availability_note_en = _english(availability_note)
    # Art. 5 and 9: income limits are percentages of this salary.
    average_net_salary = models.DecimalField(
        _("average monthly net salary in the State (EUR)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    salary_source_year = models.PositiveSmallIntegerField(
        _("year of the average salary"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    salary_source = models.CharField(
        _("source of the average salary"),
        max_length=200,
        default="Statistični urad RS (SURS)",
    )
    salary_source_en = _english(salary_source)
    # Note to Art. 3: value of a point for the appropriate dwelling (property test).
    point_value = models.DecimalField(
        _("point value (EUR)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("2.63"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    point_value_valid_from = models.DateField(
        _("point value valid from"), null=True, blank=True
    )
    # Art. 3(1) indent 1: citizenship.
    admits_eu_citizens = models.BooleanField(
        _("admit citizens of other EU member states"), default=True
    )
    admits_international_protection = models.BooleanField(
        _("admit persons granted international protection"), default=False
    )
    # Art. 18(4), (5), (6): own share and security, lists, dwellings.
    own_share_required = models.BooleanField(
        _("list B tenants pay an own share"), default=False
    )
    own_share_terms = models.TextField(
        _("own share terms"), blank=True, **_text(MAX_TEXT_SHORT)
    )
    own_share_terms_en = _english(own_share_terms)
    security_required = models.BooleanField(
        _("list B tenants pay a security"), default=True
    )
    security_terms = models.TextField(
        _("security terms"), blank=True, **_text(MAX_TEXT_SHORT)
    )
    security_terms_en = _english(security_terms)
    separate_lists = models.BooleanField(
        _("separate priority lists A and B"),
        default=True,
        help_text=_("Art. 17(2): rank list A and list B separately."),
    )
    dwellings_list_a = models.PositiveIntegerField(
        _("indicative number of dwellings for list A"), default=0, validators=_count()
    )
    dwellings_list_b = models.PositiveIntegerField(
        _("indicative number of dwellings for list B"), default=0, validators=_count()
    )
    # Art. 18(11), (12): rent.
    average_rent = models.DecimalField(
        _("rent of the average dwelling (EUR per month)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    rent_regulations = models.TextField(
        _("regulations on rents and rent subsidies"),
        default=(
            "Uredba o metodologiji za oblikovanje najemnin v neprofitnih stanovanjih "
            "in merilih za uveljavljanje subvencioniranih najemnin"
        ),
        **_text(MAX_TEXT_LONG),
    )
    rent_regulations_en = _english(rent_regulations)
    # Art. 18(1), (2), (3), (12) and the rest: free text.
    required_documents = models.TextField(
        _("documents applicants must attach"),
        help_text=_("One document per line (Art. 19)."),
        **_text(MAX_TEXT_LONG),
    )
    required_documents_en = _english(required_documents)
    other_terms = models.TextField(
        _("other terms of the invitation"),
        blank=True,
        help_text=_(
            "Anything else Art. 18 requires, e.g. changing the rent (Art. 90)."
        ),
        **_text(MAX_TEXT_LONG),
    )
    other_terms_en = _english(other_terms)
    tie_break = models.JSONField(
        _("tie-break chain"),
        default=list,
        blank=True,
        help_text=_(
            "Art. 6(3): categories that decide between equal totals, in order."
        ),
    )
    # Optimistic lock: every write of the tender's row adds one, and an edit made on
    # an older version is refused with what changed meanwhile (tenders.services).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    bilingual_fields = (
        "title",
        "availability_note",
        "salary_source",
        "own_share_terms",
        "security_terms",
        "rent_regulations",
        "required_documents",
        "other_terms",
    )

    history = AuditHistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        constraints = [
            models.UniqueConstraint(
                fields=["lessor", "code"], name="unique_tender_code_per_lessor"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """Only a draft's rules may change; a published tender gets amendment notices."""
        return self.status == TenderStatus.DRAFT

    def effective_status_at(self, now: datetime.datetime) -> str:
        """The status at ``now``: a published tender is closed once its deadline
        passed, whether or not the closing job has recorded it yet."""
        if self.status == TenderStatus.PUBLISHED and self.deadline <= now:
            return TenderStatus.CLOSED
        return self.status

    @property
    def effective_status(self) -> str:
        """The status now (see :meth:`effective_status_at`); every rule reads this."""
        return self.effective_status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        """Applications are accepted: published and the deadline has not passed."""
        return self.effective_status == TenderStatus.PUBLISHED

    @property
    def status_display(self) -> str:
        """The effective status's label, for staff and public pages alike."""
        return str(TenderStatus(self.effective_status).label)

    # The public pages' name for it (kept for their templates).
    public_status_display = status_display

    @property
    def admitted_citizenships(self) -> list[str]:
        """The engine's tokens: Slovenia always, EU and IP as configured."""
        tokens = ["SI"]
        if self.admits_eu_citizens:
            tokens.append("EU")
        if self.admits_international_protection:
            tokens.append("IP")
        return tokens

    @property
    def required_documents_list(self) -> list[str]:
        return [
            line.strip()
            for line in self.required_documents.splitlines()
            if line.strip()
        ]


class TenderCategory(BilingualMixin, models.Model):
    """A Form III priority category the tender uses, with its points (Art. 6)."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="categories"
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    slug = models.SlugField(
        _("short code"),
        max_length=40,
        blank=True,
        help_text=_("For another category only: e.g. young-researchers."),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("For another category only: its name as published."),
    )
    name_en = _english(name)
    substantiation = models.TextField(
        _("substantiation"),
        blank=True,
        **_text(MAX_TEXT_SHORT),
        help_text=_("Art. 6(2): why this further category is needed."),
    )
    substantiation_en = _english(substantiation)
    points = models.PositiveSmallIntegerField(
        _("points"), validators=[MaxValueValidator(1000)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    bilingual_fields = ("name", "substantiation")

    history = AuditHistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("priority category")
        verbose_name_plural = _("priority categories")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "category", "slug"], name="unique_category_per_tender"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def code(self) -> str:
        """The engine's code: ``young_family`` ... or ``other:<slug>``."""
        if self.category == Category.OTHER:
            return f"other:{self.slug}"
        return self.category

    @property
    def display_name(self) -> str:
        """The name in the Slovenian original (staff pages, other apps)."""
        if self.category == Category.OTHER:
            return self.name
        return str(self.get_category_display())

    @property
    def public_name(self) -> str:
        """The name in the active language, as HTML: a lessor's own category falls
        back to its Slovenian name in ``<span lang="sl">``; the Rules' categories are
        translated."""
        if self.category == Category.OTHER:
            # Escaped by Localized.__html__ (format_html / conditional_escape).
            return mark_safe(self.localized("name").__html__())  # noqa: S308  # nosec B308 B703
        return str(self.get_category_display())


class AdditionalCondition(BilingualMixin, models.Model):
    """A condition of the lessor's own with points (Art. 4), e.g. years of residence."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="additional_conditions"
    )
    code = models.SlugField(_("short code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("how it is proved"), blank=True, **_text(MAX_TEXT_SHORT)
    )
    name_en = _english(name)
    description_en = _english(description)
    points = models.PositiveSmallIntegerField(
        _("points"), validators=[MaxValueValidator(1000)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    bilingual_fields = ("name", "description")

    history = AuditHistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("additional condition")
        verbose_name_plural = _("additional conditions")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "code"], name="unique_condition_per_tender"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubList(BilingualMixin, models.Model):
    """A part of list A or B with its own dwellings (e.g. A1 families, A2 singles)."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="sublists"
    )
    list_kind = models.CharField(_("list"), max_length=1, choices=ListKind.choices)
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    name_en = _english(name)
    rule = models.CharField(
        _("who is assigned to it"), max_length=20, choices=SubListRule.choices
    )
    dwellings = models.PositiveIntegerField(
        _("number of dwellings"), validators=_count()
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    bilingual_fields = ("name",)

    history = AuditHistoricalRecords()

    class Meta:
        ordering = ["list_kind", "position", "code"]
        verbose_name = _("sub-list")
        verbose_name_plural = _("sub-lists")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "code"], name="unique_sublist_code_per_tender"
            ),
            # One sub-list of a list takes each kind of application.
            models.UniqueConstraint(
                fields=["tender", "list_kind", "rule"],
                name="unique_sublist_rule_per_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TenderEvent(models.Model):
    """One transition of the tender's lifecycle: who moved it, from where, when."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=20, choices=TenderStatus.choices
    )
    to_status = models.CharField(_("to"), max_length=20, choices=TenderStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system made the change (closing at the deadline)."),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("tender event")
        verbose_name_plural = _("tender events")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class AmendmentNotice(BilingualMixin, models.Model):
    """A published correction of a published tender (the rules themselves stay frozen)."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="amendments"
    )
    text = models.TextField(_("text of the notice"), **_text(MAX_TEXT_LONG))
    text_en = _english(text)
    new_deadline = models.DateTimeField(
        _("new application deadline"),
        null=True,
        blank=True,
        help_text=_("Only to extend the deadline; leave empty to keep it."),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    bilingual_fields = ("text",)

    class Meta:
        ordering = ["published_at", "pk"]
        verbose_name = _("amendment notice")
        verbose_name_plural = _("amendment notices")

    def __str__(self) -> str:
        return f"{self.tender} — {self.published_at:%Y-%m-%d}"


def _document_path(document: "TenderDocument", filename: str) -> str:
    """Where a published PDF is stored under ``MEDIA_ROOT`` (never web-served)."""
    return (
        f"tenders/{document.tender_id}/"
        f"invitation-{document.language}-v{document.version}.pdf"
    )


class TenderDocument(models.Model):
    """The invitation to tender as published: one PDF per language and version.

    Version 1 is rendered when the tender is published and one more for every
    amendment notice (``tenders.pdf.tender_documents_publish``); requests only serve
    these files, they never render. A version is never changed or deleted: it was
    published. The public page shows the newest version of each language with its
    SHA-256, so anyone can check the file they were given.
    """

    tender = models.ForeignKey(
        Tender,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("tender"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    version = models.PositiveSmallIntegerField(
        _("version"),
        help_text=_("1 at publication, one more for every amendment notice."),
    )
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Who published the tender or the amendment notice."),
    )

    class Meta:
        ordering = ["tender", "-version", "language"]
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "language", "version"],
                name="unique_tender_document_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender} ({self.language}, v{self.version})"
