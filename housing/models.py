from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import AuditHistoricalRecords
from .constants import APPEAL_BODY, LessorType, StaffRole
from .managers import UserManager


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: applicant, staff of a lessor, or superuser.

    Email is the login. ``is_staff`` only grants Django's admin site (superusers);
    what a person may do for a lessor comes from their :class:`Membership` rows.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # The language of pages after login and of mails (issue 12). Empty until the
    # person chooses (registration takes the page's language; the account page):
    # pages then follow the browser, and mails are in Slovenian (LANGUAGE_CODE).
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Empty while a self-registered account waits for its owner to open the emailed
    # link (issue 12): such an account cannot log in. Accounts made by staff, the
    # admin or commands count as verified when they are made.
    email_verified_at = models.DateTimeField(
        _("email address confirmed"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("Empty until the owner opens the link emailed at registration."),
    )

    objects = UserManager()
    # The audit trail; never the password hash or the last login time.
    history = AuditHistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Sign-in, password reset and registration find the account by its
            # address in any case (``email__iexact``, which is ``UPPER(email) =
            # UPPER(%s)``): this index answers that look-up (without it every login
            # read the whole user table: 3.3 ms at 4,400 accounts, growing with every
            # tender) and makes one account per address, whatever its case, a fact
            # of the database as well as of registration.
            models.UniqueConstraint(
                Upper("email"),
                name="unique_user_email_any_case",
                violation_error_message=_(
                    "An account with this email address already exists."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self) -> bool:
        """Whether the owner has confirmed the email address (may log in)."""
        return self.email_verified_at is not None


class Municipality(models.Model):
    """A Slovenian municipality (občina), the unit of permanent residence (Art. 3)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Lessor(models.Model):
    """An organisation that rents out non-profit dwellings (Art. 1)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=LessorType.choices)
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="lessors",
        verbose_name=_("municipalities served"),
        help_text=_("The area of activity: where applicants must reside (Art. 3)."),
    )
    # The letterhead of its official documents (the invitation to tender): where
    # applications on paper are handed in, and whom the public contacts.
    code = models.CharField(
        _("short code"),
        max_length=10,
        blank=True,
        help_text=_("A few capital letters, e.g. LJ; unique among lessors."),
    )
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    signatory = models.CharField(
        _("signatory"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who signs the lessor's invitations, with the office, "
            "e.g. “Janez Novak, direktor”."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The area of activity decides who may apply (Art. 3): its changes are audited too.
    history = AuditHistoricalRecords(m2m_fields=["municipalities"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("lessor")
        verbose_name_plural = _("lessors")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="unique_lessor_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def postal_address(self) -> str:
        """``Street 1, 1000 Ljubljana`` (what of it is known; empty when nothing)."""
        town = " ".join(part for part in (self.postal_code, self.town) if part)
        return ", ".join(part for part in (self.address, town) if part)

    @property
    def appeal_body(self) -> str:
        """Who decides appeals against this lessor's decisions (Art. 24)."""
        return str(APPEAL_BODY[LessorType(self.type)])


class Membership(models.Model):
    """A user's role on the staff of one lessor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    lessor = models.ForeignKey(
        Lessor,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("lessor"),
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = AuditHistoricalRecords()

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lessor", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.lessor} ({self.get_role_display()})"
