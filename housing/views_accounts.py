"""Account pages: second factor for staff, password reset and change, lockout page.

Views stay thin: forms check that input is well formed, ``housing.services`` decides.
"""

import logging
from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

import django_otp
import qrcode
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from . import services
from .forms_accounts import (
    ChangePasswordForm,
    NewPasswordForm,
    OTPSetupForm,
    OTPVerifyForm,
)
from .mixins import second_factor_redirect
from .permissions import needs_second_factor, second_factor_verified
from .throttling import client_ip_address, password_reset_allowed

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

    On success the session counts as verified and ten backup codes are shown, once.
    Staff who already have a device must verify with it first: a stolen password
    alone must never be enough to add a device.
    """
    user = request.user
    if not needs_second_factor(user):
        raise PermissionDenied
    next_url = _next_url(request)
    if user_has_device(user, confirmed=True) and not second_factor_verified(user):
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask staff for a code from their authenticator app or a backup code."""
    user = request.user
    if not needs_second_factor(user):
        raise PermissionDenied
    next_url = _next_url(request)
    if second_factor_verified(user):
        return redirect(next_url)
    if not user_has_device(user, confirmed=True):
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
