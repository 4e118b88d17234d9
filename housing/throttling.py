"""How django-axes names the client of a login attempt (settings ``AXES_*``).

Logins are throttled per (email, IP address). Emails are compared case-insensitively
when people log in, so they are counted case-insensitively too: otherwise changing the
case of one letter would start a fresh count.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The email of a login attempt, trimmed and lower-cased (axes' username).

    Read from the credentials given to ``authenticate()`` when there are any, else from
    the posted form.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field)
    if not isinstance(value, str):
        return None
    return value.strip().lower() or None


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's IP address (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR`` unless ``NAJEM_TRUSTED_PROXY_COUNT`` proxies stand in front of
    Django: then the address the outermost of them saw, counted from the right of
    ``X-Forwarded-For`` (each proxy appends; anything further left is the client's own
    claim and may be forged).
    """
    count = settings.NAJEM_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def password_reset_allowed(*, email: str, ip_address: str | None) -> bool:
    """Whether a password-reset mail may go out now for ``email`` from ``ip_address``.

    At most ``NAJEM_PASSWORD_RESET_PER_EMAIL`` mails per address and
    ``NAJEM_PASSWORD_RESET_PER_IP`` requests per client address in any
    ``NAJEM_PASSWORD_RESET_WINDOW`` seconds (a sliding window, kept in Django's cache).
    An allowed request is counted against both; a refused one against neither. The
    caller answers the same page either way, so the limit reveals nothing about
    whether an account exists. Addresses are kept as hashes only.
    """
    return mail_allowed(
        scope="pwreset",
        email=email,
        ip_address=ip_address,
        per_email=settings.NAJEM_PASSWORD_RESET_PER_EMAIL,
        per_ip=settings.NAJEM_PASSWORD_RESET_PER_IP,
        window=settings.NAJEM_PASSWORD_RESET_WINDOW,
    )


def account_mail_allowed(*, email: str, ip_address: str | None) -> bool:
    """Whether a registration or verification mail may go out now (issue 12).

    The same mechanism and, unless ``NAJEM_REGISTRATION_PER_EMAIL``,
    ``NAJEM_REGISTRATION_PER_IP`` or ``NAJEM_REGISTRATION_WINDOW`` are set, the same
    limits as password resets: 3 mails per address and 10 requests per client address
    an hour. Registering and asking for the link again count together: both mail the
    address, and both are what a bot filling the form would repeat.
    """
    return mail_allowed(
        scope="register",
        email=email,
        ip_address=ip_address,
        per_email=getattr(
            settings,
            "NAJEM_REGISTRATION_PER_EMAIL",
            settings.NAJEM_PASSWORD_RESET_PER_EMAIL,
        ),
        per_ip=getattr(
            settings, "NAJEM_REGISTRATION_PER_IP", settings.NAJEM_PASSWORD_RESET_PER_IP
        ),
        window=getattr(
            settings, "NAJEM_REGISTRATION_WINDOW", settings.NAJEM_PASSWORD_RESET_WINDOW
        ),
    )


def mail_allowed(
    *,
    scope: str,
    email: str,
    ip_address: str | None,
    per_email: int,
    per_ip: int,
    window: int,
) -> bool:
    """Whether a request that mails ``email`` may go ahead now (a sliding window).

    At most ``per_email`` requests per address (case-insensitive) and ``per_ip`` per
    client address in any ``window`` seconds, counted in Django's cache under
    ``scope``. An allowed request is counted against both; a refused one against
    neither. Addresses are kept as keyed hashes only.
    """
    now = time.time()
    email_key = f"najem:{scope}:email:" + _digest(email.strip().lower())
    keys = {email_key: per_email}
    if ip_address:
        keys[f"najem:{scope}:ip:" + _digest(ip_address)] = per_ip
    recent = {key: [t for t in cache.get(key, []) if t > now - window] for key in keys}
    if any(len(recent[key]) >= limit for key, limit in keys.items()):
        return False
    cache.set_many({key: [*times, now] for key, times in recent.items()}, window)
    return True


def _digest(value: str) -> str:
    """A keyed hash: the cache never holds an email or IP address in the clear."""
    return salted_hmac("najem.password_reset", value, algorithm="sha256").hexdigest()
