"""How django-axes names the client of a login attempt (settings ``AXES_*``).

Logins are throttled per (email, IP address). Emails are compared case-insensitively
when people log in, so they are counted case-insensitively too: otherwise changing the
case of one letter would start a fresh count.
"""

from django.conf import settings
from django.http import HttpRequest


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
