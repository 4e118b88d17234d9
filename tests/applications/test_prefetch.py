"""applications.selectors' prefetches run SQL compiled once instead of a queryset per
request: they leave exactly what ``prefetch_related_objects`` leaves (the same rows, in
the same order, with the same values and types, and the related rows they carry)."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext

import pytest

from applications import selectors
from applications.models import Application
from tests.applications import conftest as shared
from tests.applications.factories import ApplicationFactory, MemberFactory
from tests.tenders.factories import SubListFactory

municipality = shared.municipality
lessor = shared.lessor
tender = shared.tender


@pytest.fixture
def application(tender):
    application = ApplicationFactory(tender=tender)
    MemberFactory(application=application, monthly_income=Decimal("1234.56"))
    MemberFactory(
        application=application,
        child=True,
        municipality=None,
        other_municipality="Koper",
        disability=True,
    )
    MemberFactory(
        application=application, child=True, birth_date=datetime.date(2019, 1, 2)
    )
    SubListFactory(tender=tender)
    return application


def fresh(application) -> Application:
    return Application.objects.select_related("tender__lessor").get(pk=application.pk)


def values(obj) -> list:
    return [
        (f.attname, getattr(obj, f.attname), type(getattr(obj, f.attname)))
        for f in obj._meta.concrete_fields
    ]


RELATIONS = [
    (lambda a: a, "members"),
    (lambda a: a.tender, "categories"),
    (lambda a: a.tender, "additional_conditions"),
    (lambda a: a.tender, "sublists"),
    (lambda a: a.tender.lessor, "municipalities"),
]


@pytest.mark.parametrize(("owner", "name"), RELATIONS)
def test_the_same_rows_as_prefetch_related_objects(application, owner, name):
    expected = fresh(application)
    prefetch_related_objects([expected], *selectors.CHECK_PREFETCH)
    got = fresh(application)
    with CaptureQueriesContext(connection) as captured:
        selectors.prefetch_for_check(got)
    assert len(captured.captured_queries) == 5
    with CaptureQueriesContext(connection) as captured:
        rows = list(getattr(owner(got), name).all())
        wanted = list(getattr(owner(expected), name).all())
        assert rows, name
        assert [values(r) for r in rows] == [values(r) for r in wanted]
        if name == "members":
            assert [m.permanent_residence for m in rows] == [
                m.permanent_residence for m in wanted
            ]
            assert all(m.application is got for m in rows)
        elif name != "municipalities":
            assert all(r.tender is got.tender for r in rows)
    assert captured.captured_queries == []
    # A filter on the prefetched manager still reads the owner's rows only.
    assert list(getattr(owner(got), name).filter(pk__gt=0)) == wanted


def test_a_second_prefetch_reads_nothing(application):
    got = fresh(application)
    selectors.prefetch_for_check(got)
    with CaptureQueriesContext(connection) as captured:
        selectors.prefetch_for_check(got)
        selectors.prefetch_for_summary(got)
        selectors.prefetch_for_submit(got)
    assert captured.captured_queries == []


def test_the_status_page_s_events_are_the_orm_s(application):
    from applications.constants import EventKind
    from applications.models import ApplicationEvent

    at = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)
    for minutes, kind in ((3, EventKind.SUBMITTED), (1, EventKind.STEP_SAVED)):
        ApplicationEvent.objects.create(
            application=application,
            kind=kind,
            at=at + datetime.timedelta(minutes=minutes),
            version=1,
            note="LJ-2026-00001",
            changed_fields=["income"],
        )
    ApplicationEvent.objects.create(
        application=application, kind=EventKind.CREATED, at=at, version=1
    )
    ApplicationEvent.objects.create(
        application=ApplicationFactory(tender=application.tender),
        kind=EventKind.CREATED,
        at=at,
        version=1,
    )
    expected = list(application.events.exclude(kind="step_saved").order_by("at", "pk"))
    got = selectors.status_events(application)
    assert [e.kind for e in got] == ["created", "submitted"]
    assert [values(e) for e in got] == [values(e) for e in expected]
    assert all(e.application is application for e in got)


def test_the_receipt_is_the_orm_s_last_submission(application):
    from django.utils import timezone

    from applications.models import ApplicationSubmission

    assert selectors.application_receipt(application) is None
    for version in (1, 3, 2):
        ApplicationSubmission.objects.create(
            application=application,
            version=version,
            code="LJ-2026-00001",
            submitted_at=timezone.now(),
            case={"members": [{"monthly_income": "1234.56"}], "v": version},
            digest="0" * 64,
            receipt={"lang": "sl"},
        )
    expected = application.submissions.order_by("-version").first()
    got = selectors.application_receipt(application)
    assert got.version == 3
    assert values(got) == values(expected)
    assert got.application is application
