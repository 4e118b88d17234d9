import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from axes.utils import reset as axes_reset
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Lessor, Membership, Municipality, User


@transaction.atomic
def lessor_ensure(
    *,
    name: str,
    slug: str,
    type: str,
    municipalities: list[str],
    by: User | None = None,
) -> tuple[Lessor, bool]:
    """Create the lessor with its municipalities unless it exists (used by seeding).

    ``by`` is recorded in the audit trail as who made the change (``None``: the
    system, e.g. a command), also when no request is running.

    :returns: the lessor and whether it was created.
    """
    lessor = Lessor.objects.filter(slug=slug).first()
    created = lessor is None
    if created:
        lessor = Lessor(slug=slug, name=name, type=type)
        lessor._history_user = by
        lessor.save()
    lessor._history_user = by  # for the municipalities' history too
    for municipality_name in municipalities:
        municipality, _ = Municipality.objects.get_or_create(name=municipality_name)
        if not lessor.municipalities.filter(pk=municipality.pk).exists():
            lessor.municipalities.add(municipality)
    return lessor, created


@transaction.atomic
def user_ensure(
    *,
    email: str,
    password: str,
    full_name: str = "",
    is_superuser: bool = False,
    by: User | None = None,
) -> tuple[User, bool]:
    """Create the user unless one with this email exists; never resets a password.

    ``by`` is recorded in the audit trail as who created the user (``None``: the
    system).
    """
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User(
        email=User.objects.normalize_email(email).lower(),
        full_name=full_name,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user._history_user = by
    user.save()
    return user, True


@transaction.atomic
def membership_ensure(
    *, user: User, lessor: Lessor, role: str, by: User | None = None
) -> bool:
    """Give ``user`` the ``role`` at ``lessor``; returns whether it was new.

    ``by`` is recorded in the audit trail as who gave the role (``None``: the system).
    """
    if Membership.objects.filter(user=user, lessor=lessor, role=role).exists():
        return False
    membership = Membership(user=user, lessor=lessor, role=role)
    membership._history_user = by
    membership.save()
    return True


# --- Second factor (django-otp) ------------------------------------------------------

TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODE_COUNT = 10


class OTPTokenRejected(Exception):
    """A second-factor code was refused; ``reason`` is one of the constants below."""

    INVALID = "invalid"
    THROTTLED = "throttled"
    NO_PENDING_DEVICE = "no_pending_device"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# django-otp's own throttling is switched off in settings (OTP_*_THROTTLE_FACTOR = 0):
# it refused every code for a second after the very first wrong one, so the right code
# typed straight after a typo was refused as "too many wrong codes". The devices still
# count failures (throttling_failure_count, _timestamp); otp_throttled() reads them.
OTP_MAX_DELAY_SECONDS = 60 * 60


def otp_throttled(device: Device, *, now: datetime.datetime | None = None) -> bool:
    """Whether ``device`` refuses codes now after wrong ones.

    The first ``NAJEM_OTP_FREE_FAILURES`` wrong codes in a row cost nothing (typos);
    each further one makes the person wait ``NAJEM_OTP_THROTTLE_SECONDS``, doubled
    for every wrong code after it (at most an hour). A right code resets the count.
    """
    failures = getattr(device, "throttling_failure_count", 0)
    last = getattr(device, "throttling_failure_timestamp", None)
    free = settings.NAJEM_OTP_FREE_FAILURES
    if failures < free or last is None:
        return False
    delay = min(
        settings.NAJEM_OTP_THROTTLE_SECONDS * 2 ** (failures - free),
        OTP_MAX_DELAY_SECONDS,
    )
    return (now or timezone.now()) < last + datetime.timedelta(seconds=delay)


def otp_totp_device_start(*, user: User) -> TOTPDevice:
    """The user's authenticator device waiting for its first code; made if missing.

    The device stays unconfirmed (and never verifies a login) until
    :func:`otp_totp_device_confirm` accepts a code from it.
    """
    device = _pending_totp_devices(user).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


def otp_totp_device_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with its first code; issue new backup codes.

    The confirmed device replaces the user's earlier authenticators, and the new
    backup codes replace earlier ones.

    :returns: the device and the plain backup codes, to show once.
    :raises OTPTokenRejected: no pending device, too many wrong codes, or a wrong code.
    """
    # A wrong code must still count against the device (throttling), so the refusal
    # is raised only after the transaction that recorded it has committed.
    codes: list[str] = []
    with transaction.atomic():
        device = _pending_totp_devices(user).select_for_update().first()
        if device is None:
            reason = OTPTokenRejected.NO_PENDING_DEVICE
        elif otp_throttled(device):
            reason = OTPTokenRejected.THROTTLED
        elif not device.verify_token(token):
            reason = OTPTokenRejected.INVALID
        else:
            reason = ""
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = otp_backup_codes_replace(user=user)
    if reason:
        raise OTPTokenRejected(reason)
    return device, codes


def otp_backup_codes_replace(*, user: User) -> list[str]:
    """Give the user ``BACKUP_CODE_COUNT`` new single-use backup codes.

    Earlier backup codes stop working. Each code works once (django-otp deletes it).

    :returns: the new codes.
    """
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
    return codes


def otp_verify(*, user: User, token: str) -> Device:
    """Check a code from the user's authenticator or one of their backup codes.

    Throttling is per user: while any of the user's devices is throttled after wrong
    codes (:func:`otp_throttled`), every code is refused. A code is
    tried only on the device it can belong to, so a good authenticator code never
    counts as a failure against the backup codes, nor the other way round.

    :returns: the device that accepted the code (a backup code is used up).
    :raises OTPTokenRejected: too many wrong codes, or a wrong code.
    """
    with transaction.atomic():
        device, reason = _otp_verify(user, token)
    if device is None:
        raise OTPTokenRejected(reason)
    return device


def _otp_verify(user: User, token: str) -> tuple[Device | None, str]:
    devices = list(devices_for_user(user, confirmed=True, for_verify=True))
    if any(otp_throttled(device) for device in devices):
        return None, OTPTokenRejected.THROTTLED
    static = [d for d in devices if isinstance(d, StaticDevice)]
    others = [d for d in devices if not isinstance(d, StaticDevice)]
    holding_code = [d for d in static if d.token_set.filter(token=token).exists()]
    for device in holding_code or others or static:
        if device.verify_token(token):
            return device, ""
    return None, OTPTokenRejected.INVALID


def _pending_totp_devices(user: User):
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk")


@transaction.atomic
def otp_static_device_ensure(*, user: User, name: str, token: str) -> bool:
    """Give ``user`` a confirmed backup-code device ``name`` holding ``token``.

    Used by ``seed_demo``: the demo code is restored when it was used up, and
    nothing changes when it is in place.

    :returns: whether anything was created.
    """
    device, created = StaticDevice.objects.get_or_create(
        user=user, name=name, defaults={"confirmed": True}
    )
    if device.token_set.filter(token=token).exists():
        return created
    device.token_set.create(token=token)
    return True


def login_attempts_reset(*, username: str) -> int:
    """Forget the failed logins of ``username`` from every address (django-axes).

    Called when the person proved they own the account by resetting the password
    through the emailed link.

    :returns: how many throttling records were removed.
    """
    return axes_reset(username=username.strip().lower())


# --- Accounts: registration and email verification (issue 12) ------------------------

VERIFY_SALT = "najem.account.verify"
# How long the link emailed at registration works.
VERIFY_MAX_AGE = datetime.timedelta(days=3)


class VerificationLinkInvalid(Exception):
    """A verification link that is tampered with, expired or for no account."""


def account_verification_token(*, user: User) -> str:
    """A signed, timestamped token naming ``user`` and their email address.

    It proves only that its bearer read the mail sent to that address; opening the
    account also needs the password (``housing.views_accounts.account_verify``), so a
    person who registered someone else's address can never use the account.
    """
    signer = signing.TimestampSigner(salt=VERIFY_SALT)
    return signer.sign_object({"u": user.pk, "e": user.email})


def account_for_verification(*, token: str) -> User:
    """The account a verification ``token`` names, if it is valid (3 days).

    :raises VerificationLinkInvalid: tampered, expired, or the account is gone or has
        another address now.
    """
    signer = signing.TimestampSigner(salt=VERIFY_SALT)
    try:
        data = signer.unsign_object(token, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is one
        raise VerificationLinkInvalid from error
    if not isinstance(data, dict):
        raise VerificationLinkInvalid
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise VerificationLinkInvalid
    return user


@transaction.atomic
def account_register(
    *, email: str, password: str, full_name: str, language: str, base_url: str
) -> None:
    """Register an applicant's account, or tell the address's owner it exists.

    - A new address: an unconfirmed account (``email_verified_at`` empty) is made and
      a link to confirm it is mailed, valid for 3 days.
    - An address whose account is still unconfirmed: whoever registers last sets the
      password, name and language, and a new link is mailed. The account was never
      usable, and only the mailbox's owner can open it.
    - An address with a confirmed account: nothing changes; its owner is mailed that
      someone tried to register with it, with links to log in and reset the password.

    Returns nothing, so that the caller cannot tell these apart: the page says
    "check your email" in every case. Mails go out in the account's language once the
    transaction commits.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and user.email_verified:
        _mail_on_commit(user=user, kind="account_exists", base_url=base_url)
        return
    if user is None:
        user = User(email=email, email_verified_at=None)
    user.full_name = full_name
    user.preferred_language = language
    user.set_password(password)
    user._history_user = None
    user.save()
    _mail_on_commit(user=user, kind="account_verify", base_url=base_url)


def account_verification_resend(*, email: str, base_url: str) -> None:
    """Mail a new confirmation link if ``email`` has an unconfirmed account.

    Unknown and confirmed addresses get nothing; the caller answers the same page.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is not None and not user.email_verified:
        _mail_on_commit(user=user, kind="account_verify", base_url=base_url)


@transaction.atomic
def account_verify(*, user: User) -> User:
    """Record that the owner of ``user``'s address confirmed it (may log in now).

    Called after the emailed link and the password were checked, and after a password
    reset through the emailed link (that proves the mailbox too). Idempotent.
    """
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user._history_user = user
        user.save(update_fields=["email_verified_at"])
    return user


@transaction.atomic
def account_update(*, user: User, full_name: str, preferred_language: str) -> User:
    """Save the account page: the person's name and the language of pages and mails.

    :raises ValueError: a language the site does not offer.
    """
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {preferred_language!r}")
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user._history_user = user
    user.save(update_fields=["full_name", "preferred_language"])
    return user


@transaction.atomic
def otp_devices_remove(*, user: User) -> int:
    """Turn off an applicant's voluntary second factor: delete all their devices.

    :returns: how many devices were deleted.
    """
    total = 0
    for model in (TOTPDevice, StaticDevice):
        deleted, _ = model.objects.filter(user=user).delete()
        total += deleted
    return total


def _mail_on_commit(*, user: User, kind: str, base_url: str) -> None:
    pk = user.pk
    transaction.on_commit(
        lambda: account_mail_send(user_id=pk, kind=kind, base_url=base_url)
    )


def account_mail_send(*, user_id: int, kind: str, base_url: str) -> None:
    """Send one account mail, plain text, in the user's ``preferred_language``.

    ``kind`` names the templates ``registration/<kind>_subject.txt`` and
    ``registration/<kind>_email.txt``: ``account_verify`` (the link to confirm the
    address) or ``account_exists`` (someone tried to register with it).
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "email": user.email,
            "full_name": user.full_name,
            "days": VERIFY_MAX_AGE.days,
            "login_url": base_url + reverse("login"),
            "password_reset_url": base_url + reverse("password_reset"),
            "verify_url": base_url
            + reverse(
                "account_verify",
                kwargs={"token": account_verification_token(user=user)},
            ),
            "site": settings.NAJEM_CONTACT_NAME,
        }
        subject = render_to_string(f"registration/{kind}_subject.txt", context)
        body = render_to_string(f"registration/{kind}_email.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    ).send()
