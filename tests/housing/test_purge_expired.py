"""manage.py purge_expired deletes personal records past their retention, and only those."""

from datetime import timedelta
from importlib import import_module
from io import StringIO

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog

pytestmark = pytest.mark.django_db


def _login_record(model, days_ago=0, *, minutes_ago=0, **extra):
    record = model.objects.create(
        username="someone@example.test",
        ip_address="192.0.2.7",
        http_accept="text/html",
        path_info="/accounts/login/",
        **{"user_agent": "test", **extra},
    )
    # attempt_time is set on creation (auto_now_add): move it back in time.
    model.objects.filter(pk=record.pk).update(
        attempt_time=timezone.now() - timedelta(days=days_ago, minutes=minutes_ago)
    )
    return record


def _session(expires_in):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["who"] = "someone"
    store.set_expiry(expires_in)
    store.save()
    return store.session_key


def _purge(*args):
    out = StringIO()
    call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


def test_deletes_old_login_records_and_keeps_recent_ones(settings):
    settings.NAJEM_LOGIN_RECORDS_RETENTION_DAYS = 365
    old_log = _login_record(AccessLog, 366)
    kept_log = _login_record(AccessLog, 364)
    old_failure = _login_record(AccessFailureLog, 400, locked_out=False)
    kept_failure = _login_record(AccessFailureLog, 10, locked_out=True)

    output = _purge()

    assert set(AccessLog.objects.values_list("pk", flat=True)) == {kept_log.pk}
    assert set(AccessFailureLog.objects.values_list("pk", flat=True)) == {
        kept_failure.pk
    }
    assert not AccessLog.objects.filter(pk=old_log.pk).exists()
    assert not AccessFailureLog.objects.filter(pk=old_failure.pk).exists()
    assert (
        "1 login record(s) and 1 failed-login record(s) older than 365 days" in output
    )


def test_days_from_the_command_line_win_over_the_setting(settings):
    settings.NAJEM_LOGIN_RECORDS_RETENTION_DAYS = 365
    _login_record(AccessLog, 40)
    kept = _login_record(AccessLog, 20)
    _purge("--login-records-days", "30")
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]


def test_deletes_expired_sessions_only():
    expired = _session(-60)
    live = _session(3600)
    output = _purge()
    keys = set(Session.objects.values_list("session_key", flat=True))
    assert live in keys
    assert expired not in keys
    assert "1 expired session(s)" in output


def test_deletes_lockout_counters_past_their_cool_off(settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    counter = {"get_data": "", "post_data": "", "failures_since_start": 5}
    stale = _login_record(AccessAttempt, minutes_ago=16, **counter)
    fresh = _login_record(
        AccessAttempt, minutes_ago=14, **counter | {"user_agent": "another browser"}
    )
    output = _purge()
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not AccessAttempt.objects.filter(pk=stale.pk).exists()
    assert "1 expired lockout counter(s)" in output


def test_refuses_a_retention_below_one_day_and_deletes_nothing():
    _login_record(AccessLog, 5)
    with pytest.raises(CommandError, match="1 or more"):
        _purge("--login-records-days", "0")
    assert AccessLog.objects.count() == 1


# --- drafts never submitted (issue 12, 10) -----------------------------------------------


@pytest.fixture
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def _document(application, name):
    from django.core.files.base import ContentFile

    from applications.models import Document

    document = Document(
        application=application,
        kind="income",
        original_name=name,
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
    )
    document.file.save("x", ContentFile(b"%PDF"), save=False)
    document.save()
    return document


@pytest.mark.usefixtures("_private_root")
def test_deletes_only_old_drafts_never_submitted_with_their_files(
    settings, django_capture_on_commit_callbacks
):
    import datetime
    import os

    from applications.models import Application, Document, Member
    from tests.applications.factories import ApplicationFactory, MemberFactory
    from tests.tenders.factories import TenderFactory

    settings.NAJEM_DRAFT_RETENTION_DAYS = 90
    deadline = datetime.datetime(2026, 3, 1, 23, 59, 59, tzinfo=datetime.UTC)
    closed = TenderFactory(published=True, deadline=deadline)
    recent = TenderFactory(
        published=True, deadline=deadline + datetime.timedelta(days=30)
    )

    old_draft = ApplicationFactory(tender=closed)
    MemberFactory(application=old_draft)
    old_file = _document(old_draft, "old.pdf")
    old_path = old_file.file.path
    withdrawn_draft = ApplicationFactory(tender=closed, withdrawn=True)
    submitted = ApplicationFactory(tender=closed, submitted=True)
    kept_file = _document(submitted, "kept.pdf")
    # Reopened for correction and never resubmitted: its last submission stands.
    correcting = ApplicationFactory(tender=closed, code="LJ-2026-00077")
    recent_draft = ApplicationFactory(tender=recent)

    # 90 days after the deadline, to the second: nothing yet.
    at_limit = deadline + datetime.timedelta(days=90)
    with django_capture_on_commit_callbacks(execute=True):
        output = _purge_at(at_limit)
    assert "0 application draft(s)" in output
    assert Application.objects.count() == 5

    # One second later (simulated time): the two old drafts go, with their file.
    with django_capture_on_commit_callbacks(execute=True):
        output = _purge_at(at_limit + datetime.timedelta(seconds=1))
    assert "2 application draft(s) never submitted, with 1 document file(s)" in output
    assert set(Application.objects.values_list("pk", flat=True)) == {
        submitted.pk,
        correcting.pk,
        recent_draft.pk,
    }
    assert not Application.objects.filter(pk=withdrawn_draft.pk).exists()
    assert not Member.objects.filter(application_id=old_draft.pk).exists()
    assert list(Document.objects.values_list("pk", flat=True)) == [kept_file.pk]
    assert not os.path.exists(old_path)
    assert os.path.exists(kept_file.file.path)


def _purge_at(now, *args):
    out = StringIO()
    call_command("purge_expired", *args, now=now, stdout=out)
    return out.getvalue()


def test_draft_days_must_be_positive():
    with pytest.raises(CommandError):
        _purge("--draft-days", "0")
