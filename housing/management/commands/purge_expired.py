"""Delete personal records whose retention period has ended (GDPR Art. 5(1)(e)).

Run it daily from cron (docs/operations.md). It deletes:

- sessions past their expiry date (Django's ``clear_expired``, as ``clearsessions``);
- django-axes' lockout counters whose cool-off has passed (axes deletes them itself only
  when the same person tries to log in again);
- django-axes' login records (``AccessLog``, ``AccessFailureLog``) older than
  ``NAJEM_LOGIN_RECORDS_RETENTION_DAYS`` (``DJANGO_LOGIN_RECORDS_RETENTION_DAYS``).

Audit history is not touched: deleting it is a deliberate operation (docs/security.md).
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt


class Command(BaseCommand):
    help = "Delete expired sessions, lockout counters and old login records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--login-records-days",
            type=int,
            default=None,
            help="keep login records this many days (default: the setting "
            "NAJEM_LOGIN_RECORDS_RETENTION_DAYS)",
        )

    def handle(self, *args, **options):
        days = options["login_records_days"]
        if days is None:
            days = settings.NAJEM_LOGIN_RECORDS_RETENTION_DAYS
        if days < 1:
            raise CommandError("--login-records-days must be 1 or more")

        sessions_before = Session.objects.count()
        engine = import_module(settings.SESSION_ENGINE)
        engine.SessionStore.clear_expired()
        sessions = sessions_before - Session.objects.count()

        # A counter whose last failure is older than the cool-off no longer locks anyone
        # out (axes' own clean-up needs a request, so it is done here).
        cool_off = settings.AXES_COOLOFF_TIME
        attempts = 0
        if isinstance(cool_off, timedelta):
            _, deleted = AccessAttempt.objects.filter(
                attempt_time__lte=timezone.now() - cool_off
            ).delete()
            attempts = deleted.get(AccessAttempt._meta.label, 0)
        logs = AxesProxyHandler.reset_logs(age_days=days)
        failure_logs = AxesProxyHandler.reset_failure_logs(age_days=days)

        self.stdout.write(
            f"{timezone.now():%Y-%m-%d %H:%M} purge_expired: {sessions} expired "
            f"session(s), {attempts} expired lockout counter(s), {logs} login record(s) "
            f"and {failure_logs} failed-login record(s) older than {days} days deleted."
        )
