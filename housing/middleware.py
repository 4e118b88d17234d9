import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _

# add_never_cache_headers() on a response without caching headers, plus no-store first.
_NO_STORE = "no-store, max-age=0, no-cache, no-store, must-revalidate, private"


class PrivatePagesNoStoreMiddleware:
    """Pages served to a signed-in person may hold personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "Cache-Control" in response or "Expires" in response:
                add_never_cache_headers(response)
                response["Cache-Control"] = "no-store, " + response["Cache-Control"]
            else:  # the usual page: what the lines above give, without parsing
                response.headers["Expires"] = http_date(time.time())
                response.headers["Cache-Control"] = _NO_STORE
        return response


# --- Session timeouts (ASVS 7.3) ---------------------------------------------------

SESSION_LOGIN_AT_KEY = "najem_login_at"
SESSION_LAST_ACTIVITY_KEY = "najem_last_activity"
# The last activity is written at most once a minute: a write of the session row on
# every request (a database UPDATE each time) bought nothing but a finer idle clock.
# The idle limit is counted from the stamp, so a session may end up to this many
# seconds before the limit, never after it (docs/decisions.md).
ACTIVITY_RESOLUTION_SECONDS = 60


def _now() -> int:
    """Whole seconds since the epoch (the session stores JSON)."""
    return int(time.time())


@receiver(user_logged_in, dispatch_uid="housing.session_stamp_login")
def session_stamp_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Start both session clocks when someone logs in.

    Django keeps the session's data when the same user logs in again, so the clocks
    must be reset here rather than only set when missing. Connected when this module
    is imported, which Django does when it loads ``MIDDLEWARE`` at start-up; the
    middleware starts missing clocks itself as well.
    """
    session = getattr(request, "session", None)
    if session is not None:
        now = _now()
        session[SESSION_LOGIN_AT_KEY] = now
        session[SESSION_LAST_ACTIVITY_KEY] = now


class SessionTimeoutMiddleware:
    """Log out after ``NAJEM_SESSION_IDLE_SECONDS`` without a request, and
    ``NAJEM_SESSION_ABSOLUTE_SECONDS`` after logging in, whatever happens.

    ``SESSION_COOKIE_AGE`` stays the server-side lifetime of the session itself. Put
    right after ``AuthenticationMiddleware`` and before ``OTPMiddleware``; the
    expired person goes on as anonymous (private pages send them to the login page)
    and sees a message saying why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = _now()
        login_at = session.get(SESSION_LOGIN_AT_KEY)
        last_activity = session.get(SESSION_LAST_ACTIVITY_KEY)
        if login_at is None:  # logged in before the clocks existed: start them now
            login_at = session[SESSION_LOGIN_AT_KEY] = now
        idle = last_activity is not None and (
            now - last_activity > settings.NAJEM_SESSION_IDLE_SECONDS
        )
        too_old = now - login_at > settings.NAJEM_SESSION_ABSOLUTE_SECONDS
        if idle or too_old:
            logout(request)  # flushes the session, request.user becomes anonymous
            request.najem_session_expired = True
        elif last_activity is None or now - last_activity >= min(
            ACTIVITY_RESOLUTION_SECONDS, settings.NAJEM_SESSION_IDLE_SECONDS // 2
        ):
            session[SESSION_LAST_ACTIVITY_KEY] = now

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        # Messages exist only once MessageMiddleware (further down) has run.
        if getattr(request, "najem_session_expired", False):
            messages.warning(
                request,
                _("Your session has expired, please log in again."),
                fail_silently=True,
            )
        return None
