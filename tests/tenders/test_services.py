import datetime

from django.utils import timezone, translation

import pytest

from housing.constants import StaffRole
from tenders import services
from tenders.constants import TRANSITIONS, TenderStatus
from tenders.models import AmendmentNotice, Tender, TenderEvent
from tests.housing.factories import MembershipFactory, UserFactory
from tests.tenders.factories import (
    TenderCategoryFactory,
    TenderFactory,
    in_days,
)

pytestmark = pytest.mark.django_db


def staff(lessor, role):
    return MembershipFactory(lessor=lessor, role=role).user


def ready_tender(lessor, **kwargs):
    tender = TenderFactory(lessor=lessor, **kwargs)
    TenderCategoryFactory(tender=tender, category="young_family", points=80)
    return tender


def test_lessor_admin_publishes_a_complete_tender_and_it_is_logged(lessor_x):
    admin = staff(lessor_x, StaffRole.LESSOR_ADMIN)
    tender = ready_tender(lessor_x)
    services.tender_transition(tender=tender, to_status="published", by=admin)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    event = TenderEvent.objects.get(tender=tender)
    assert (event.from_status, event.to_status, event.by) == (
        "draft",
        "published",
        admin,
    )
    assert abs(event.at - timezone.now()) < datetime.timedelta(seconds=30)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"categories": False}, "no priority category"),
        ({"deadline": -1}, "deadline has already passed"),
        ({"published_on": 3}, "publication date is in the future"),
        ({"dwellings": False}, "offers no dwellings"),
        ({"documents": False}, "no documents"),
    ],
)
def test_incomplete_tender_cannot_be_published(lessor_x, change, message):
    admin = staff(lessor_x, StaffRole.LESSOR_ADMIN)
    tender = TenderFactory(lessor=lessor_x)
    if change.get("categories", True):
        TenderCategoryFactory(tender=tender)
    if "deadline" in change:
        tender.deadline = in_days(change["deadline"])
    if "published_on" in change:
        tender.published_on = timezone.localdate() + datetime.timedelta(
            days=change["published_on"]
        )
        tender.deadline = in_days(30)
    if change.get("dwellings", True) is False:
        tender.dwellings_list_a = tender.dwellings_list_b = 0
    if change.get("documents", True) is False:
        tender.required_documents = "  \n"
    tender.save()
    with (
        translation.override("en"),
        pytest.raises(services.TransitionError, match=message),
    ):
        services.tender_transition(tender=tender, to_status="published", by=admin)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT
    assert not TenderEvent.objects.exists()


@pytest.mark.parametrize(("step", "roles"), list(TRANSITIONS.items()))
@pytest.mark.parametrize("role", list(StaffRole))
def test_each_step_only_for_its_roles(lessor_x, step, roles, role):
    from_status, to_status = step
    tender = ready_tender(lessor_x, status=from_status)
    user = staff(lessor_x, role)
    if not roles or role not in roles:
        with pytest.raises(services.TransitionError):
            services.tender_transition(tender=tender, to_status=to_status, by=user)
        assert Tender.objects.get(pk=tender.pk).status == from_status
    else:
        services.tender_transition(tender=tender, to_status=to_status, by=user)
        assert Tender.objects.get(pk=tender.pk).status == to_status


def test_staff_of_another_lessor_cannot_move_the_tender(lessor_x, lessor_y):
    tender = ready_tender(lessor_x)
    with pytest.raises(services.TransitionError):
        services.tender_transition(
            tender=tender,
            to_status="published",
            by=staff(lessor_y, StaffRole.LESSOR_ADMIN),
        )


def test_steps_that_do_not_exist_are_refused(lessor_x):
    tender = ready_tender(lessor_x)
    with (
        translation.override("en"),
        pytest.raises(services.TransitionError, match="not possible"),
    ):
        services.tender_transition(
            tender=tender, to_status="final_list", by=UserFactory(superuser=True)
        )


def test_superuser_may_make_any_step(lessor_x):
    tender = ready_tender(lessor_x)
    services.tender_transition(
        tender=tender, to_status="published", by=UserFactory(superuser=True)
    )


def test_tenders_close_automatically_at_the_deadline(lessor_x):
    due = ready_tender(lessor_x, status="published", deadline=in_days(-1))
    open_ = ready_tender(lessor_x, status="published", deadline=in_days(1))
    closed = services.tenders_close_due()
    assert [t.pk for t in closed] == [due.pk]
    due.refresh_from_db()
    open_.refresh_from_db()
    assert due.status == "closed"
    assert open_.status == "published"
    event = TenderEvent.objects.get(tender=due)
    assert event.by is None


def test_nobody_closes_before_the_deadline(lessor_x):
    tender = ready_tender(lessor_x, status="published", deadline=in_days(1))
    with pytest.raises(services.TransitionError):
        services.tender_transition(tender=tender, to_status="closed", by=None)


def test_close_exactly_at_the_deadline(lessor_x):
    tender = ready_tender(lessor_x, status="published")
    services.tenders_close_due(now=tender.deadline - datetime.timedelta(seconds=1))
    tender.refresh_from_db()
    assert tender.status == "published"
    services.tenders_close_due(now=tender.deadline)
    tender.refresh_from_db()
    assert tender.status == "closed"


def test_close_tenders_command(lessor_x):
    from django.core.management import call_command

    tender = ready_tender(lessor_x, status="published", deadline=in_days(-1))
    call_command("close_tenders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    tender.refresh_from_db()
    assert tender.status == "closed"


def test_published_tender_cannot_be_updated(lessor_x):
    tender = ready_tender(lessor_x, status="published")
    with pytest.raises(services.TransitionError):
        services.tender_update(tender=tender, data={"title": "x"}, by=None)
    tender.refresh_from_db()
    assert tender.title != "x"


def test_category_in_tie_break_cannot_be_deleted(lessor_x):
    tender = ready_tender(lessor_x)
    category = tender.categories.get()
    services.tender_tie_break_set(tender=tender, chain=["young_family"], by=None)
    with pytest.raises(services.TransitionError):
        services.tender_child_delete(tender=tender, obj=category, by=None)
    assert tender.categories.exists()


def test_tie_break_refuses_unused_category(lessor_x):
    tender = ready_tender(lessor_x)
    with pytest.raises(services.TransitionError):
        services.tender_tie_break_set(tender=tender, chain=["war_victim"], by=None)
    tender.refresh_from_db()
    assert tender.tie_break == []


def test_amendment_extends_the_deadline_and_is_recorded(lessor_x):
    admin = staff(lessor_x, StaffRole.LESSOR_ADMIN)
    tender = ready_tender(lessor_x, status="published")
    new_deadline = tender.deadline + datetime.timedelta(days=7)
    services.amendment_publish(
        tender=tender, text="Podaljšanje roka.", new_deadline=new_deadline, by=admin
    )
    tender.refresh_from_db()
    assert tender.deadline == new_deadline
    assert AmendmentNotice.objects.get(tender=tender).by == admin


def test_amendment_cannot_shorten_the_deadline(lessor_x):
    tender = ready_tender(lessor_x, status="published")
    with pytest.raises(services.TransitionError):
        services.amendment_publish(
            tender=tender,
            text="x",
            new_deadline=tender.deadline - datetime.timedelta(days=1),
            by=UserFactory(),
        )
    assert not AmendmentNotice.objects.exists()


def test_tender_rules_for_the_engine(lessor_x):
    from scoring.services import tender_rules, tender_rules_errors

    tender = ready_tender(lessor_x, admits_international_protection=True)
    TenderCategoryFactory(tender=tender, category="large_family", points=100)
    TenderCategoryFactory(tender=tender, category="large_family_extra_child", points=20)
    services.tender_tie_break_set(
        tender=tender, chain=["large_family", "young_family"], by=None
    )
    rules = tender_rules(tender)
    assert dict(rules.priority_categories) == {
        "young_family": 80,
        "large_family": 100,
        "large_family_extra_child": 20,
    }
    assert rules.tie_break == ("large_family", "young_family")
    assert rules.admitted_citizenships == ("SI", "EU", "IP")
    assert tender_rules_errors(tender) == []
