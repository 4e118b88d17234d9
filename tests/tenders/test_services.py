import datetime

from django.utils import timezone, translation

import pytest

from housing.constants import StaffRole
from housing.errors import ServiceError
from tenders import services
from tenders.constants import TRANSITIONS, TenderStatus
from tenders.models import AmendmentNotice, Tender, TenderEvent
from tests.housing.factories import MembershipFactory, UserFactory
from tests.tenders.factories import (
    SubListFactory,
    TenderCategoryFactory,
    TenderFactory,
    in_days,
)

pytestmark = pytest.mark.django_db
EN = "en"
OWN_CATEGORY = {
    "category": "other",
    "slug": "researchers",
    "name": "Mladi raziskovalci",
    "substantiation": "Občina potrebuje raziskovalce.",
    "points": 60,
}


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


def test_own_category_in_tie_break_cannot_be_deleted(lessor_x):
    tender = ready_tender(lessor_x)
    own = TenderCategoryFactory(tender=tender, **OWN_CATEGORY)
    services.tender_tie_break_set(
        tender=tender, chain=["other:researchers", "young_family"], by=None
    )
    with pytest.raises(ServiceError):
        services.tender_child_delete(tender=tender, obj=own, by=None)
    assert tender.categories.filter(pk=own.pk).exists()
    # A category of the Rules may stay in the chain without being scored (issue 10).
    services.tender_child_delete(
        tender=tender, obj=tender.categories.get(category="young_family"), by=None
    )


def test_tie_break_names_any_category_of_the_rules_but_only_own_other_codes(
    lessor_x,
):
    tender = ready_tender(lessor_x)
    services.tender_tie_break_set(tender=tender, chain=["war_victim"], by=None)
    tender.refresh_from_db()
    assert tender.tie_break == ["war_victim"]
    for chain, field in [
        (["other:nope"], "position_1"),
        (["youth", "other"], "position_2"),
        (["youth", "youth"], "position_2"),
    ]:
        with pytest.raises(ServiceError) as refused:
            services.tender_tie_break_set(tender=tender, chain=chain, by=None)
        assert field in refused.value.errors
    tender.refresh_from_db()
    assert tender.tie_break == ["war_victim"]


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
    tender = services.tender_tie_break_set(
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


# --- Issue 9: rules live in the services ----------------------------------------------


def settings_of(tender, **overrides):
    """The tender's editable settings (what the edit form posts), with changes."""
    data = {name: getattr(tender, name) for name in services.TENDER_FIELDS}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"deadline": in_days(-1)},
            "deadline",
            "The deadline must be later than the publication date.",
        ),
        (
            {"results_expected_on": timezone.localdate()},
            "results_expected_on",
            "The results cannot be expected before the application deadline.",
        ),
        (
            {"published_on": datetime.date(1901, 1, 1)},
            "published_on",
            "cannot be published before",
        ),
        (
            {"published_on": datetime.date(2999, 1, 1)},
            "published_on",
            "more than a year ahead",
        ),
        (
            {"results_expected_on": datetime.date(9999, 12, 31)},
            "results_expected_on",
            "within three years",
        ),
        ({"security_terms": " "}, "security_terms", "Say on what terms"),
        ({"other_terms": "x" * 1_000_000}, "other_terms", "at most 10000"),
        ({"dwellings_list_a": 9_200_000_000_000_000_000}, "dwellings_list_a", "100000"),
    ],
)
def test_tender_rules_are_the_services(lessor_x, overrides, field, message):
    tender = TenderFactory(lessor=lessor_x)
    before = tender.version
    with translation.override(EN), pytest.raises(ServiceError) as refused:
        services.tender_update(
            tender=tender, data=settings_of(tender, **overrides), by=None
        )
    assert any(message in m for m in refused.value.errors[field]), refused.value.errors
    tender.refresh_from_db()
    assert tender.version == before
    with translation.override(EN), pytest.raises(ServiceError):
        services.tender_create(
            lessor=lessor_x, data=settings_of(tender, code="NEW", **overrides), by=None
        )
    assert not Tender.objects.filter(code="NEW").exists()


def test_service_messages_are_translated(lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    with translation.override("sl"), pytest.raises(ServiceError) as refused:
        services.tender_update(
            tender=tender, data=settings_of(tender, deadline=in_days(-1)), by=None
        )
    assert refused.value.errors["deadline"] == [
        "Rok mora biti poznejši od datuma objave."
    ]


def test_tender_code_taken_is_a_message_at_the_code(lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    with pytest.raises(ServiceError) as refused:
        services.tender_create(lessor=lessor_x, data=settings_of(tender), by=None)
    assert "code" in refused.value.errors


def test_update_saves_only_the_fields_it_means_to_change(lessor_x):
    """A copy read before the tie-break was set does not put the old chain back."""
    tender = ready_tender(lessor_x)
    stale = Tender.objects.get(pk=tender.pk)
    services.tender_tie_break_set(tender=tender, chain=["youth"], by=None)
    services.tender_update(tender=stale, data={"title": "Nov naslov"}, by=None)
    tender.refresh_from_db()
    assert (tender.title, tender.tie_break) == ("Nov naslov", ["youth"])


def test_an_edit_of_an_older_version_is_refused_with_what_changed(lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    seen = tender.version
    services.tender_update(tender=tender, data={"title": "Drugi urednik"}, by=None)
    with translation.override(EN), pytest.raises(ServiceError) as refused:
        services.tender_update(
            tender=tender, data={"dwellings_list_a": 7}, by=None, version=seen
        )
    assert refused.value.code == "conflict"
    assert "Changed meanwhile: Title." in refused.value.messages[0]
    tender.refresh_from_db()
    assert (tender.title, tender.dwellings_list_a) == ("Drugi urednik", 100)


def test_published_tender_refuses_every_configuration_service(lessor_x):
    tender = ready_tender(lessor_x, status="published")
    category = tender.categories.get()
    calls = [
        lambda: services.tender_update(tender=tender, data={"title": "x"}, by=None),
        lambda: services.tender_category_save(
            tender=tender, category=category, data={"points": 150}, by=None
        ),
        lambda: services.tender_condition_save(
            tender=tender, data={"code": "x", "name": "x", "points": 5}, by=None
        ),
        lambda: services.tender_sublist_save(
            tender=tender,
            data={
                "list_kind": "A",
                "code": "A1",
                "name": "x",
                "rule": "families",
                "dwellings": 1,
            },
            by=None,
        ),
        lambda: services.tender_child_delete(tender=tender, obj=category, by=None),
        lambda: services.tender_tie_break_set(tender=tender, chain=["youth"], by=None),
    ]
    for call in calls:
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.code == "frozen"
    category.refresh_from_db()
    assert category.points == 80


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"category": "young_family", "points": 49}, "points", "between 50 and 150"),
        ({"category": "young_family", "points": 151}, "points", "between 50 and 150"),
        ({"category": "youth", "points": 1000}, "points", "between 50 and 150"),
        ({"category": "young_family", "points": 60}, "category", "already has"),
        ({"category": "large_family_extra_child", "points": 5}, "category", "first"),
        ({"category": "other", "points": 60}, "slug", "Required"),
    ],
)
def test_category_rules(lessor_x, data, field, message):
    tender = ready_tender(lessor_x)
    with translation.override(EN), pytest.raises(ServiceError) as refused:
        services.tender_category_save(tender=tender, data=data, by=None)
    assert any(message in m for m in refused.value.errors[field]), refused.value.errors
    assert tender.categories.count() == 1


def test_category_edited_in_place_keeps_the_chain_and_the_supplement_valid(
    lessor_x,
):
    tender = ready_tender(lessor_x)
    large = TenderCategoryFactory(tender=tender, category="large_family", points=90)
    TenderCategoryFactory(tender=tender, category="large_family_extra_child", points=9)
    own = TenderCategoryFactory(tender=tender, **OWN_CATEGORY)
    services.tender_tie_break_set(tender=tender, chain=["other:researchers"], by=None)
    with translation.override(EN), pytest.raises(ServiceError) as refused:
        services.tender_category_save(
            tender=tender, category=large, data={"category": "youth"}, by=None
        )
    assert "supplement" in refused.value.errors["category"][0]
    with translation.override(EN), pytest.raises(ServiceError) as refused:
        services.tender_category_save(
            tender=tender, category=own, data={"slug": "renamed"}, by=None
        )
    assert "tie-break" in refused.value.errors["slug"][0]
    assert {c.code for c in tender.categories.all()} >= {
        "large_family",
        "other:researchers",
    }
    # Only the points change: everything else of the row stays.
    services.tender_category_save(
        tender=tender, category=large, data={"points": 100}, by=None
    )
    large.refresh_from_db()
    assert (large.category, large.points) == ("large_family", 100)
    from scoring.services import tender_rules_errors

    assert tender_rules_errors(tender) == []


def test_sublist_and_condition_rules(lessor_x):
    tender = ready_tender(lessor_x)
    SubListFactory(tender=tender, list_kind="A", code="A1", rule="families")
    sublist = {"list_kind": "A", "code": "a9", "name": "x", "dwellings": 3}
    with pytest.raises(ServiceError) as refused:
        services.tender_sublist_save(
            tender=tender, data={**sublist, "rule": "families"}, by=None
        )
    assert "rule" in refused.value.errors
    with pytest.raises(ServiceError) as refused:
        services.tender_sublist_save(
            tender=tender,
            data={**sublist, "code": "a1", "rule": "wheelchair"},
            by=None,
        )
    assert "code" in refused.value.errors
    with pytest.raises(ServiceError) as refused:
        services.tender_sublist_save(
            tender=tender,
            data={**sublist, "rule": "wheelchair", "dwellings": 9_200_000_000_000_000},
            by=None,
        )
    assert "dwellings" in refused.value.errors
    condition = {"code": "Res", "name": "Prebivališče", "points": 40}
    saved = services.tender_condition_save(tender=tender, data=condition, by=None)
    assert saved.code == "res"
    with pytest.raises(ServiceError) as refused:
        services.tender_condition_save(tender=tender, data=condition, by=None)
    assert "code" in refused.value.errors
    with pytest.raises(ServiceError) as refused:
        services.tender_condition_save(
            tender=tender, data={**condition, "code": "big", "points": 113}, by=None
        )
    assert "points" in refused.value.errors
    with pytest.raises(ServiceError) as refused:
        services.tender_condition_save(
            tender=tender,
            data={**condition, "code": "long", "description": "x" * 1_000_000},
            by=None,
        )
    assert "description" in refused.value.errors


def test_publication_problems_are_separate_messages(lessor_x):
    tender = TenderFactory(lessor=lessor_x, required_documents=" ")
    with translation.override(EN), pytest.raises(ServiceError) as refused:
        services.tender_transition(
            tender=tender, to_status="published", by=UserFactory(superuser=True)
        )
    assert refused.value.messages == [
        "The tender defines no priority category (Art. 18(7)).",
        "The tender lists no documents to attach (Art. 19).",
    ]


# --- Issue 9: closed is a fact of the clock ------------------------------------------


def test_closed_tender_does_not_reopen_by_an_amendment(lessor_x):
    """Finding 2: after the deadline, before the job, an extension was accepted."""
    admin = staff(lessor_x, StaffRole.LESSOR_ADMIN)
    tender = ready_tender(lessor_x, status="published", deadline=in_days(-1))
    with translation.override(EN), pytest.raises(ServiceError) as refused:
        services.amendment_publish(
            tender=tender, text="Podaljšanje.", new_deadline=in_days(10), by=admin
        )
    assert refused.value.code == "closed"
    tender.refresh_from_db()
    assert tender.deadline < timezone.now()
    assert not tender.is_open
    assert tender.effective_status == "closed"
    assert not AmendmentNotice.objects.exists()


def test_amendment_cannot_move_the_deadline_past_the_results(lessor_x):
    admin = staff(lessor_x, StaffRole.LESSOR_ADMIN)
    tender = ready_tender(lessor_x, status="published")
    far = datetime.datetime(9999, 12, 30, 12, tzinfo=datetime.UTC)
    with translation.override(EN), pytest.raises(ServiceError) as refused:
        services.amendment_publish(tender=tender, text="x", new_deadline=far, by=admin)
    assert "results" in refused.value.errors["new_deadline"][0]
    with pytest.raises(ServiceError) as refused:
        services.amendment_publish(
            tender=tender, text="x" * 10_001, new_deadline=None, by=admin
        )
    assert "text" in refused.value.errors


def test_archiving_after_the_deadline_records_the_closing_first(lessor_x):
    admin = staff(lessor_x, StaffRole.LESSOR_ADMIN)
    tender = ready_tender(lessor_x, status="published", deadline=in_days(-1))
    assert services.allowed_transitions(tender=tender, user=admin) == ["archived"]
    services.tender_transition(tender=tender, to_status="archived", by=admin)
    steps = list(tender.events.values_list("to_status", "by"))
    assert steps == [("closed", None), ("archived", admin.pk)]


def test_close_due_skips_what_is_already_closed(lessor_x):
    tender = ready_tender(lessor_x, status="published", deadline=in_days(-1))
    stale = list(Tender.objects.filter(pk=tender.pk))
    assert len(services.tenders_close_due()) == 1
    assert services.tenders_close_due() == []
    with pytest.raises(ServiceError) as refused:
        services.tender_transition(tender=stale[0], to_status="closed", by=None)
    assert refused.value.code == "conflict"
    assert tender.events.count() == 1


def test_the_lifecycle_ends_at_closed_and_archived():
    assert {s.value for s in TenderStatus} == {
        "draft",
        "published",
        "closed",
        "archived",
    }
    assert set(TRANSITIONS) == {
        ("draft", "published"),
        ("published", "closed"),
        ("closed", "archived"),
    }


# --- Issue 9: ``by`` is recorded ------------------------------------------------------


def test_services_record_the_acting_user_without_a_request(lessor_x):
    admin = staff(lessor_x, StaffRole.LESSOR_ADMIN)
    TenderFactory(lessor=lessor_x)  # gives the lessor its area
    tender = services.tender_create(
        lessor=lessor_x,
        data=settings_of(TenderFactory.build(lessor=lessor_x), code="BY-1"),
        by=admin,
    )
    services.tender_update(tender=tender, data={"title": "Z uporabnikom"}, by=admin)
    category = services.tender_category_save(
        tender=tender, data={"category": "youth", "points": 60}, by=admin
    )
    services.tender_transition(tender=tender, to_status="published", by=admin)
    assert [h.history_user for h in tender.history.all()] == [admin, admin, admin]
    assert category.history.get().history_user == admin
    services.tenders_close_due(now=tender.deadline)
    assert tender.history.latest().history_user is None


def test_housing_services_record_the_acting_user():
    from housing import services as housing_services
    from housing.models import Lessor

    root = UserFactory(superuser=True)
    lessor, created = housing_services.lessor_ensure(
        name="JSS Maribor",
        slug="jss-mb",
        type="public_fund",
        municipalities=["Maribor"],
        by=root,
    )
    user, _ = housing_services.user_ensure(
        email="New@Example.test", password="x" * 12, by=root
    )
    housing_services.membership_ensure(
        user=user, lessor=lessor, role=StaffRole.CLERK, by=root
    )
    assert created
    assert user.email == "new@example.test"
    assert {h.history_user for h in Lessor.history.filter(slug="jss-mb")} == {root}
    assert user.history.get().history_user == root
    assert user.memberships.get().history.get().history_user == root
