"""Delete personal records whose retention period has ended (GDPR Art. 5(1)(e)).

Run it daily from cron (docs/operations.md). It deletes:

- sessions past their expiry date (Django's ``clear_expired``, as ``clearsessions``);
- django-axes' lockout counters whose cool-off has passed (axes deletes them itself only
  when the same person tries to log in again);
- django-axes' login records (``AccessLog``, ``AccessFailureLog``) older than
  ``NAJEM_LOGIN_RECORDS_RETENTION_DAYS`` (``DJANGO_LOGIN_RECORDS_RETENTION_DAYS``);
- applications never submitted (drafts, and drafts withdrawn without a code) once
  ``NAJEM_DRAFT_RETENTION_DAYS`` (``DJANGO_DRAFT_RETENTION_DAYS``) have passed since
  their tender's deadline, with their members, events and documents' files.

Audit history is not touched: deleting it is a deliberate operation (docs/security.md).
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt


class Command(BaseCommand):
    help = (
        "Delete expired sessions, lockout counters, old login records and drafts "
        "never submitted."
    )
    stealth_options = ("now",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--login-records-days",
            type=int,
            default=None,
            help="keep login records this many days (default: the setting "
            "NAJEM_LOGIN_RECORDS_RETENTION_DAYS)",
        )
        parser.add_argument(
            "--draft-days",
            type=int,
            default=None,
            help="delete drafts never submitted this many days after their tender's "
            "deadline (default: the setting NAJEM_DRAFT_RETENTION_DAYS)",
        )

    def handle(self, *args, now=None, **options):
        # ``now`` (call_command only) lets tests move the clock for the drafts.
        now = now or timezone.now()
        draft_days = options.get("draft_days")
        if draft_days is None:
            draft_days = settings.NAJEM_DRAFT_RETENTION_DAYS
        if draft_days < 1:
            raise CommandError("--draft-days must be 1 or more")
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

        drafts, files = purge_drafts(now=now, days=draft_days)

        self.stdout.write(
            f"{drafts} application draft(s) never submitted, with {files} document "
            f"file(s), deleted {draft_days} days after their tender's deadline."
        )
        self.stdout.write(
            f"{timezone.now():%Y-%m-%d %H:%M} purge_expired: {sessions} expired "
            f"session(s), {attempts} expired lockout counter(s), {logs} login record(s) "
            f"and {failure_logs} failed-login record(s) older than {days} days deleted."
        )


def purge_drafts(*, now, days: int) -> tuple[int, int]:
    """Delete applications never submitted whose tender's deadline is more than
    ``days`` before ``now``; their documents' files go once the deletion commits.

    :returns: how many applications and files were deleted.
    """
    from applications.constants import ApplicationStatus
    from applications.documents import delete_document_files
    from applications.models import Application, Document

    expired = Application.objects.filter(
        code__isnull=True,
        status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN],
        tender__deadline__lt=now - timedelta(days=days),
    )
    with transaction.atomic():
        ids = list(expired.select_for_update().values_list("pk", flat=True))
        documents = list(Document.objects.filter(application_id__in=ids))
        for application in Application.objects.filter(pk__in=ids):
            application.delete()
        transaction.on_commit(lambda: delete_document_files(documents))
    return len(ids), len([d for d in documents if d.file.name])
