"""Issue 9: the tender pages and services hold when requests arrive at the same moment.

Real threads, each with its own database connection, released together by a barrier,
against the real database (PostgreSQL: CI runs it; row locks there are what these
tests prove). Each test repeats its race a few times, since one lucky ordering proves
little.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse

import pytest

from housing.constants import StaffRole
from housing.errors import ServiceError
from tenders import services
from tenders.models import Tender, TenderCategory, TenderEvent
from tests.housing.factories import MembershipFactory
from tests.tenders.factories import TenderCategoryFactory, TenderFactory, in_days
from tests.tenders.test_views import form_values

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks and one writer at a time, and "
    "the test database is in memory (CI runs these on PostgreSQL)",
)
pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 5


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` at once, one thread each; their results or the exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def admin(lessor_x):
    return MembershipFactory(lessor=lessor_x, role=StaffRole.LESSOR_ADMIN).user


@pytest.fixture
def staff_client(otp_login, admin):
    """A new signed-in client of the lessor admin per call (one per thread)."""

    def make() -> Client:
        client = Client(raise_request_exception=False)
        otp_login(client, admin)
        return client

    return make


def ready_tender(lessor, **kwargs) -> Tender:
    tender = TenderFactory(lessor=lessor, **kwargs)
    TenderCategoryFactory(tender=tender, category="young_family", points=80)
    return tender


@postgresql_only
def test_edit_and_publish_at_once_never_lose_the_publication(lessor_x, staff_client):
    """Finding 1: the edit saved the whole row from a copy read before the publish,
    and the tender ended a draft while its event log said published."""
    editor, publisher = staff_client(), staff_client()
    for _round in range(ROUNDS):
        tender = ready_tender(lessor_x)
        edit = reverse("tenders:edit", args=[tender.pk])
        data = form_values(editor.get(edit).content.decode())
        data["title"] = "Popravljen naslov"
        publish = reverse("tenders:transition", args=[tender.pk])
        edited, published = race(
            lambda: editor.post(edit, data),  # noqa: B023
            lambda: publisher.post(publish, {"to_status": "published"}),  # noqa: B023
        )
        assert edited.status_code in (200, 302)
        assert published.status_code == 302
        tender.refresh_from_db()
        events = list(tender.events.values_list("to_status", flat=True))
        assert tender.status == "published"
        assert events == ["published"]
        if edited.status_code == 200:  # after the publish: refused, frozen
            assert tender.title != "Popravljen naslov"


@postgresql_only
def test_category_change_and_publish_at_once_keep_the_published_rules(lessor_x, admin):
    """Finding 1: a category's points changed at the moment of publishing."""
    for _round in range(ROUNDS):
        tender = ready_tender(lessor_x)
        category = tender.categories.get()
        changed, published = race(
            lambda: services.tender_category_save(
                tender=tender,  # noqa: B023
                category=category,  # noqa: B023
                data={"points": 120},
                by=admin,
            ),
            lambda: services.tender_transition(
                tender=tender,  # noqa: B023
                to_status="published",
                by=admin,
            ),
        )
        assert isinstance(published, Tender)
        event = TenderEvent.objects.get(tender=tender)
        if isinstance(changed, ServiceError):
            assert changed.code == "frozen"
            assert TenderCategory.objects.get(pk=category.pk).points == 80
        else:
            # The change committed first; nothing changed after the publication.
            assert category.history.latest().history_date <= event.at


@postgresql_only
def test_tie_break_and_publish_at_once(lessor_x, admin):
    for _round in range(ROUNDS):
        tender = ready_tender(lessor_x)
        chained, _published = race(
            lambda: services.tender_tie_break_set(
                tender=tender,  # noqa: B023
                chain=["young_family"],
                by=admin,
            ),
            lambda: services.tender_transition(
                tender=tender,  # noqa: B023
                to_status="published",
                by=admin,
            ),
        )
        tender.refresh_from_db()
        assert tender.status == "published"
        expected = [] if isinstance(chained, ServiceError) else ["young_family"]
        assert tender.tie_break == expected


@postgresql_only
def test_parallel_staff_pages_after_the_deadline_and_the_job(lessor_x, staff_client):
    """Finding 4: 7 of 8 GETs answered 500 (the closing ran inside each GET)."""
    tender = TenderFactory(lessor=lessor_x, published=True, deadline=in_days(-1))
    clients = [staff_client() for _ in range(8)]
    pages = [
        reverse("tenders:manage", args=[tender.pk]),
        reverse("tenders:staff_list"),
    ]
    results = race(
        *[
            lambda c=client, n=n: c.get(pages[n % 2])
            for n, client in enumerate(clients)
        ],
        services.tenders_close_due,
        services.tenders_close_due,
    )
    assert [r.status_code for r in results[:8]] == [200] * 8
    closed = [t for batch in results[8:] for t in batch]
    assert [t.pk for t in closed] == [tender.pk]
    assert TenderEvent.objects.filter(tender=tender).count() == 1


@postgresql_only
@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("categories", {"category": "youth", "points": "60"}),
        ("conditions", {"code": "residence", "name": "Prebivališče", "points": "40"}),
        # Same rule, different codes: the form cannot see the other request.
        ("sublists", {"list_kind": "A", "name": "D", "rule": "families"}),
    ],
)
def test_six_identical_creates_make_one_and_five_messages(
    lessor_x, staff_client, kind, data
):
    """Finding 4: UniqueViolation 500s, and five sub-lists with one rule stored."""
    tender = TenderFactory(lessor=lessor_x)
    url = reverse("tenders:child_create", args=[tender.pk, kind])
    clients = [staff_client() for _ in range(6)]
    results = race(
        *[
            lambda c=client, n=n: c.post(
                url, {**data, "code": data.get("code", f"A{n}"), "dwellings": "5"}
            )
            for n, client in enumerate(clients)
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200] * 5 + [302]
    for response in results:
        if response.status_code == 200:
            assert response.context["form"].errors
    related = {"categories": "categories", "conditions": "additional_conditions"}
    assert getattr(tender, related.get(kind, kind)).count() == 1


@postgresql_only
def test_two_tenders_with_one_code_at_once(lessor_x, admin):
    template = TenderFactory.build(lessor=lessor_x)
    data = {name: getattr(template, name) for name in services.TENDER_FIELDS}
    results = race(
        *[
            lambda: services.tender_create(lessor=lessor_x, data=data, by=admin)
            for _ in range(4)
        ]
    )
    assert sum(isinstance(r, Tender) for r in results) == 1
    refusals = [r for r in results if isinstance(r, ServiceError)]
    assert len(refusals) == 3
    assert all("code" in r.errors for r in refusals)


@postgresql_only
def test_amendment_and_the_closing_job_at_the_deadline(lessor_x, admin):
    """Finding 2 under concurrency: the tender closes or is extended, never both."""
    import datetime

    from django.utils import timezone

    for _round in range(ROUNDS):
        tender = ready_tender(lessor_x, status="published")
        now = timezone.now()
        Tender.objects.filter(pk=tender.pk).update(deadline=now)
        amended, _closed = race(
            lambda: services.amendment_publish(
                tender=tender,  # noqa: B023
                text="Podaljšanje",
                new_deadline=now + datetime.timedelta(days=5),  # noqa: B023
                by=admin,
            ),
            services.tenders_close_due,
        )
        tender.refresh_from_db()
        assert isinstance(amended, ServiceError)
        assert amended.code == "closed"
        assert tender.deadline == now
        assert tender.effective_status == "closed"
        assert TenderEvent.objects.filter(tender=tender).count() <= 1


@pytest.mark.django_db
def test_sqlite_writers_queue_instead_of_database_is_locked(tmp_path, settings):
    """Finding 4 on SQLite: two transactions that read, then write, at once failed
    with "database is locked". With the settings' transaction mode each takes the
    write lock when it begins, so the second waits (a file database, like a real one).
    """
    from django.db.backends.sqlite3.base import DatabaseWrapper

    configured = settings.DATABASES["default"]
    if configured["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the SQLite settings only")
    file_settings = {**configured, "NAME": str(tmp_path / "db.sqlite3")}

    def wrapper() -> DatabaseWrapper:
        return DatabaseWrapper(file_settings, alias="issue9")

    setup = wrapper()
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def read_then_write() -> None:
        db = wrapper()
        try:
            barrier.wait(timeout=10)
            # What transaction.atomic() does on SQLite: BEGIN in the configured mode.
            db.set_autocommit(
                False, force_begin_transaction_with_broken_autocommit=True
            )
            with db.cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                (n,) = cursor.fetchone()
                threading.Event().wait(0.2)  # the other transaction reads meanwhile
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
            db.commit()
        except Exception as error:  # the test inspects it
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=read_then_write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    check = wrapper()
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (2,)  # no lost update either
    check.close()
