"""Account pages: login, registration and email verification, the account page,
second factor (required for staff, optional for applicants), password reset and change,
lockout page.

Views stay thin: forms check that input is well formed, ``housing.services`` decides.
"""

import logging
import time
from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

import django_otp
import qrcode
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from . import services
from .forms_accounts import (
    AccountForm,
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    OTPSetupForm,
    OTPVerifyForm,
    RegistrationForm,
    ResendVerificationForm,
    VerifyForm,
)
from .mixins import second_factor_redirect
from .models import User
from .permissions import (
    has_second_factor,
    needs_second_factor,
    second_factor_verified,
)
from .throttling import (
    account_mail_allowed,
    client_ip_address,
    password_reset_allowed,
)

logger = logging.getLogger(__name__)

REJECTION_MESSAGES = {
    services.OTPTokenRejected.INVALID: _(
        "This code is not right. Check it and try again."
    ),
    services.OTPTokenRejected.THROTTLED: _(
        "Too many wrong codes. Please wait a little and try again."
    ),
    services.OTPTokenRejected.NO_PENDING_DEVICE: _(
        "This set-up has expired. Scan the new QR code below and try again."
    ),
}


def _next_url(request: HttpRequest) -> str:
    """Where to go afterwards: a ``next`` on this site, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return reverse("home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _mark_verified(request: HttpRequest, device) -> None:
    """Remember the device in the session, under a new session key (ASVS 7.2.4)."""
    django_otp.login(request, device)
    request.session.cycle_key()


@login_required
def login_continue(request: HttpRequest) -> HttpResponse:
    """``LOGIN_REDIRECT_URL``: staff go on to their second factor, others home."""
    home = reverse("home")
    return second_factor_redirect(request, home) or HttpResponseRedirect(home)


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code and key, then a first code to confirm.

    Staff must; applicants may (issue 12), and are then asked for a code at every
    login (``LoginView``). On success the session counts as verified and ten backup
    codes are shown, once. Whoever already has a device must verify with it first: a
    stolen password alone must never be enough to add a device.
    """
    user = request.user
    next_url = _next_url(request)
    if has_second_factor(user) and not second_factor_verified(user):
        return redirect(_with_next("otp_verify", request.get_full_path()))
    form = OTPSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.otp_totp_device_confirm(
                user=user, token=form.cleaned_data["token"]
            )
        except services.OTPTokenRejected as rejection:
            form.add_error("token", REJECTION_MESSAGES[rejection.reason])
        else:
            _mark_verified(request, device)
            return render(
                request,
                "registration/otp_backup_codes.html",
                {"codes": codes, "next_url": next_url},
            )
    device = services.otp_totp_device_start(user=user)
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "next_url": next_url,
            "qr_svg": _qr_svg(device),
            "secret": _secret_for_typing(device),
            "for_staff": needs_second_factor(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the authenticator app or a backup code.

    Staff, and applicants who chose a second factor (whose session was opened before
    they set it up elsewhere); applicants without one get 403.
    """
    user = request.user
    if not needs_second_factor(user) and not has_second_factor(user):
        raise PermissionDenied
    next_url = _next_url(request)
    if second_factor_verified(user):
        return redirect(next_url)
    if not has_second_factor(user):
        return redirect(_with_next("otp_setup", next_url))
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_verify(user=user, token=form.cleaned_data["token"])
        except services.OTPTokenRejected as rejection:
            form.add_error("token", REJECTION_MESSAGES[rejection.reason])
        else:
            _mark_verified(request, device)
            return redirect(next_url)
    return render(
        request, "registration/otp_verify.html", {"form": form, "next_url": next_url}
    )


def _qr_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` URL as an inline SVG QR code (no script, no style)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage)
    root = image.get_image()
    root.set("role", "img")
    root.set("aria-label", str(_("QR code for your authenticator app")))
    root.set("class", "otp-qr")
    return image.to_string(encoding="unicode")


def _secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page django-axes shows after too many failed logins (429).

    It names neither the email address nor whether an account exists for it.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/lockout.html",
        {"minutes": minutes},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, with a limit on the mails it sends (``password_reset_allowed``).

    Over the limit no mail goes out, and the answer is the same redirect to the same
    "if an account exists, we sent a mail" page: the limit reveals nothing.
    """

    def form_valid(self, form):
        if password_reset_allowed(
            email=form.cleaned_data["email"],
            ip_address=client_ip_address(self.request),
        ):
            return super().form_valid(form)
        logger.warning("Password reset mail not sent: request limit reached")
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a new password also lifts a login lockout for the account."""

    form_class = NewPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_attempts_reset(username=form.user.get_username())
        # The link reached the mailbox: that confirms the address as well.
        services.account_verify(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view; staff must have verified their second factor first."""

    form_class = ChangePasswordForm

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            response = second_factor_redirect(request)
            if response is not None:
                return response
        return super().dispatch(request, *args, **kwargs)


# --- Login, with the language and the optional second factor (issue 12) -------------

PENDING_LOGIN_KEY = "najem_pending_login"
# How long the code page waits after the right password for an applicant's code.
PENDING_LOGIN_SECONDS = 5 * 60


def apply_language(response: HttpResponse, language: str) -> HttpResponse:
    """Set the language cookie ``LocaleMiddleware`` reads, as ``set_language`` does."""
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _asks_code_at_login(user) -> bool:
    """Applicants who chose a second factor give a code before they are logged in.

    Staff are logged in first and sent to ``otp_verify`` before any staff page, as
    before: their pages check the session, applicants' pages need not.
    """
    return not needs_second_factor(user) and has_second_factor(user)


class LoginView(auth_views.LoginView):
    """Django's login with our form; afterwards the person's language applies.

    An applicant with a second factor is not logged in by the password alone: the
    session only remembers them for ``PENDING_LOGIN_SECONDS`` and the code page
    (``login_code``) logs them in.
    """

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if _asks_code_at_login(user):
            self.request.session[PENDING_LOGIN_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "at": int(time.time()),
                "next": self.get_success_url(),
            }
            return redirect("login_code")
        return apply_language(super().form_valid(form), user.preferred_language)

    def get_default_redirect_url(self) -> str:
        """Once logged in, straight where :func:`login_continue` would send the
        person (staff to their second factor, others home), without its round trip
        (on a phone, each costs a noticeable wait). Before the code of an applicant
        with a second factor the person is not logged in yet: ``login_continue``."""
        if self.request.user.is_authenticated:
            home = reverse("home")
            onward = second_factor_redirect(self.request, home)
            return onward["Location"] if onward is not None else home
        return super().get_default_redirect_url()


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of an applicant's login: a code from their app or a backup code."""
    if request.user.is_authenticated:
        return redirect("home")
    pending = request.session.get(PENDING_LOGIN_KEY) or {}
    user = None
    if time.time() - pending.get("at", 0) <= PENDING_LOGIN_SECONDS:
        user = User.objects.filter(pk=pending.get("user")).first()
    if user is None or not user.is_active or not _asks_code_at_login(user):
        request.session.pop(PENDING_LOGIN_KEY, None)
        messages.info(request, _("Please log in again."))
        return redirect("login")
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_verify(user=user, token=form.cleaned_data["token"])
        except services.OTPTokenRejected as rejection:
            form.add_error("token", REJECTION_MESSAGES[rejection.reason])
        else:
            del request.session[PENDING_LOGIN_KEY]
            auth_login(request, user, backend=pending["backend"])
            _mark_verified(request, device)
            return apply_language(redirect(pending["next"]), user.preferred_language)
    return render(request, "registration/login_code.html", {"form": form})


# --- Registration and email verification (issue 12) ---------------------------------


def _base_url(request: HttpRequest) -> str:
    """The site's address for links in mails: ``NAJEM_SITE_URL``, else this request's."""
    return settings.NAJEM_SITE_URL or request.build_absolute_uri("/").rstrip("/")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Create an account (one page), then "check your email" whatever happened.

    New addresses get a link to confirm them; an address that has an account gets a
    mail saying so (``services.account_register``). Over the mail limit
    (``account_mail_allowed``) nothing happens and the answer is the same.
    """
    if request.user.is_authenticated:
        return redirect("account")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if account_mail_allowed(
            email=data["email"], ip_address=client_ip_address(request)
        ):
            services.account_register(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
                base_url=_base_url(request),
            )
        else:
            logger.warning("Registration mail not sent: request limit reached")
        return redirect("register_done")
    return render(request, "registration/register.html", {"form": form})


def register_done(request: HttpRequest) -> HttpResponse:
    """ "Check your email": the same after registering and asking for a new link."""
    return render(request, "registration/register_done.html")


@require_http_methods(["GET", "POST"])
def verification_resend(request: HttpRequest) -> HttpResponse:
    """Ask for a new confirmation link; the answer never says whether one was sent."""
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if account_mail_allowed(email=email, ip_address=client_ip_address(request)):
            services.account_verification_resend(
                email=email, base_url=_base_url(request)
            )
        else:
            logger.warning("Verification mail not sent: request limit reached")
        return redirect("register_done")
    return render(request, "registration/verification_resend.html", {"form": form})


@require_http_methods(["GET", "POST"])
def account_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: confirm the address with the account's password and log in.

    GET shows the form (a mail scanner opening the link changes nothing); the
    password is checked by ``authenticate()``, so django-axes counts and locks out
    wrong ones like at the login page. A bad or expired link is a page with the way
    to a new one, never a 500.
    """
    try:
        user = services.account_for_verification(token=token)
    except services.VerificationLinkInvalid:
        return render(request, "registration/verify_invalid.html")
    if user.email_verified:
        messages.info(request, _("Your email address is already confirmed. Log in."))
        return redirect("login")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        authenticated = authenticate(
            request, username=user.email, password=form.cleaned_data["password"]
        )
        if authenticated is None or authenticated.pk != user.pk:
            form.add_error(
                "password",
                _("This is not the password of this account. Check it and try again."),
            )
        else:
            services.account_verify(user=authenticated)
            auth_login(request, authenticated)
            messages.success(request, _("Your email address is confirmed."))
            return apply_language(redirect("account"), authenticated.preferred_language)
    return render(
        request, "registration/verify.html", {"form": form, "email": user.email}
    )


# --- The account page (issue 12) -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Name and language (saved here), links to the password and the second factor.

    Staff verify their second factor first, as for changing the password.
    """
    response = second_factor_redirect(request)
    if response is not None:
        return response
    user = request.user
    form = AccountForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.account_update(
            user=user,
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        with translation.override(user.preferred_language):
            messages.success(request, str(_("Your details are saved.")))
        return apply_language(redirect("account"), user.preferred_language)
    return render(
        request,
        "registration/account.html",
        {
            "form": form,
            "account_user": user,
            "has_second_factor": has_second_factor(user),
            "second_factor_required": needs_second_factor(user),
        },
    )


@login_required
@require_http_methods(["POST"])
def otp_remove(request: HttpRequest) -> HttpResponse:
    """Turn off an applicant's voluntary second factor (staff cannot: 403).

    Only in a session verified with it, so a stolen password cannot turn it off.
    """
    user = request.user
    if needs_second_factor(user):
        raise PermissionDenied
    if has_second_factor(user) and not second_factor_verified(user):
        raise PermissionDenied
    services.otp_devices_remove(user=user)
    messages.success(request, _("The second step at login is turned off."))
    return redirect("account")
