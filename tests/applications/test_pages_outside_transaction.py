"""The applicant's pages run outside the request's transaction; each change is its
service's own transaction (docs/decisions.md, "The applicant's pages without the
request's transaction"). On PostgreSQL with committed data and real threads: what
the test database's wrapping transaction would otherwise hide."""

import datetime
import threading
from decimal import Decimal

from django.db import connection, connections
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

import pytest

from applications import selectors
from applications.constants import EventKind
from applications.models import Application, Member
from bench.http.forms import post_form
from tests.applications.factories import ApplicationFactory, MemberFactory
from tests.applications.test_views import EN, section_post


@pytest.fixture
def draft(tender, applicant):
    """A draft of a tender open for a month (the pages use the clock)."""
    tender.deadline = timezone.now() + datetime.timedelta(days=30)
    tender.save()
    application = ApplicationFactory(tender=tender, applicant=applicant)
    MemberFactory(application=application)
    return application


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (set DATABASE_URL)",
    ),
]


def test_the_pages_read_outside_a_transaction_and_other_views_inside(
    client, draft, applicant, monkeypatch
):
    seen = []
    original = selectors.application_of

    def spy(user, pk):
        seen.append(connection.in_atomic_block)
        return original(user, pk)

    monkeypatch.setattr(selectors, "application_of", spy)
    client.force_login(applicant)
    for url in (
        reverse("applications:detail", args=[draft.pk]),
        reverse("applications:section", args=[draft.pk, "income"]),
        reverse("applications:check", args=[draft.pk]),
    ):
        assert client.get(url, headers=EN).status_code == 200
    assert seen == [False, False, False]

    # Every other view keeps the request's transaction (ATOMIC_REQUESTS).
    assert not getattr(resolve(reverse("account")).func, "_non_atomic_requests", None)


def test_the_public_home_and_tender_pages_read_outside_a_transaction(
    client, tender, monkeypatch
):
    from tenders import views as tender_views

    seen = []
    for name in ("tender_list_open", "tender_get_public_page"):
        original = getattr(tender_views, name)

        def spy(*args, _original=original, **kwargs):
            seen.append(connection.in_atomic_block)
            return _original(*args, **kwargs)

        monkeypatch.setattr(tender_views, name, spy)
    tender.deadline = timezone.now() + datetime.timedelta(days=30)
    tender.save()
    assert client.get(reverse("home"), headers=EN).status_code == 200
    tender_page = reverse("tenders:detail", args=[tender.pk])
    assert client.get(tender_page, headers=EN).status_code == 200
    assert seen == [False, False]


def test_a_refused_save_writes_nothing_and_the_page_shows_why(client, draft, applicant):
    client.force_login(applicant)
    before = Application.objects.get(pk=draft.pk)
    response = section_post(
        client, draft, "housing", {"housing_status": "1.2", "dwelling_area_m2": ""}
    )
    assert response.status_code == 200
    assert "Enter the usable area of the dwelling you live in now." in (
        response.content.decode()
    )
    after = Application.objects.get(pk=draft.pk)
    assert (after.row_version, after.housing_status) == (
        before.row_version,
        before.housing_status,
    )
    # The connection is usable: the next page reads as usual.
    assert (
        client.get(reverse("applications:detail", args=[draft.pk])).status_code == 200
    )


def test_two_tabs_saving_one_page_at_once_one_wins_the_other_is_told(draft, applicant):
    """Both tabs show version v and send it at the same moment with different
    incomes. The service's row lock orders them: one is saved, the other is refused
    with the conflict message and writes nothing."""
    member = draft.members.get()
    version = Application.objects.get(pk=draft.pk).row_version
    url = reverse("applications:section", args=[draft.pk, "income"])
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def tab(index, income):
        try:
            client = Client()
            client.force_login(applicant)
            # The tab shows the page (version v), the person types a new income.
            page = client.get(url, headers=EN).content.decode()
            _action, fields = post_form(page)
            payload = dict(fields)
            assert payload["expected_version"] == str(version)
            payload[f"m{member.pk}-monthly_income"] = income
            barrier.wait(timeout=30)
            responses[index] = client.post(url, payload, headers=EN)
        except Exception as error:  # reported below
            responses[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=tab, args=(0, "1000.00")),
        threading.Thread(target=tab, args=(1, "2000.00")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(isinstance(r, Exception) for r in responses), responses
    assert sorted(r.status_code for r in responses) == [200, 302]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    assert "This application was changed in the meantime" in (
        responses[1 - winner].content.decode()
    )
    stored = Member.objects.get(pk=member.pk).monthly_income
    assert stored == (Decimal("1000.00") if winner == 0 else Decimal("2000.00"))
    assert Application.objects.get(pk=draft.pk).row_version == version + 1
    saves = draft.events.filter(kind=EventKind.STEP_SAVED, section="income")
    assert saves.count() == 1
