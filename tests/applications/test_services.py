import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest

from applications import services
from applications.constants import (
    SPECIAL_APPLICATION_FIELDS,
    SPECIAL_MEMBER_FIELDS,
    ApplicationStatus,
    EventKind,
    Section,
)
from applications.models import (
    Application,
    ApplicationCodeCounter,
    ApplicationEvent,
    ApplicationSubmission,
    Member,
)
from config import data_classification as dc
from housing.errors import ServiceError
from tests.applications.conftest import BEFORE, DEADLINE, ljubljana
from tests.applications.factories import (
    AmendmentRequestFactory,
    ApplicationFactory,
    DocumentFactory,
    MemberFactory,
    make_emso,
)
from tests.housing.factories import UserFactory
from tests.tenders.factories import TenderFactory

AFTER = ljubljana(2026, 10, 26, 0, 0, 0)


def submit(application, now=BEFORE, by=None):
    return services.application_submit(
        application=application, by=by or application.applicant, now=now
    )


def save(application, section, data, *, by=None, now=BEFORE, version=None):
    application.refresh_from_db()
    return services.application_save_section(
        application=application,
        section=section,
        data=data,
        by=by or application.applicant,
        expected_version=application.row_version if version is None else version,
        now=now,
    )


def add_member(application, now=BEFORE, **data):
    application.refresh_from_db()
    values = {
        "role": "child",
        "first_name": "Luka",
        "last_name": "Novak",
        "birth_date": datetime.date(2019, 7, 8),
        "sex": "M",
        "citizenship": "SI",
        "municipality": application.tender.lessor.municipalities.get(name="Ljubljana"),
        **data,
    }
    if "emso" not in data:
        values["emso"] = make_emso(values["birth_date"], values["sex"], 7)
    return services.member_add(
        application=application,
        data=values,
        by=application.applicant,
        expected_version=application.row_version,
        now=now,
    )


def refused(call, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(*args, **kwargs)
    return error.value


# --- start ---------------------------------------------------------------------------


def test_start_is_idempotent(tender, applicant):
    first = services.application_start(
        tender=tender, applicant=applicant, by=applicant, now=BEFORE
    )
    again = services.application_start(
        tender=tender, applicant=applicant, by=applicant, now=BEFORE
    )
    assert again.pk == first.pk
    assert first.status == ApplicationStatus.DRAFT
    assert list(first.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_start_after_the_deadline_is_refused(tender, applicant):
    error = refused(
        services.application_start,
        tender=tender,
        applicant=applicant,
        by=applicant,
        now=AFTER,
    )
    assert error.code == "closed"
    assert not Application.objects.exists()


def test_start_of_an_unpublished_tender_is_refused(applicant):
    tender = TenderFactory()
    error = refused(
        services.application_start, tender=tender, applicant=applicant, by=applicant
    )
    assert error.code == "closed"


def test_start_for_someone_else_is_refused(tender, applicant):
    error = refused(
        services.application_start,
        tender=tender,
        applicant=applicant,
        by=UserFactory(),
        now=BEFORE,
    )
    assert error.code == "forbidden"


def test_paper_application_is_entered_by_staff_with_a_postal_address(tender, clerk):
    error = refused(
        services.application_start,
        tender=tender,
        applicant=None,
        by=clerk,
        now=BEFORE,
    )
    assert "postal_address" in error.errors
    application = services.application_start(
        tender=tender,
        applicant=None,
        by=clerk,
        postal_address="Trubarjeva 5, 1000 Ljubljana",
        now=BEFORE,
    )
    assert application.is_paper
    assert application.entered_by == clerk
    assert application.events.get().note == "paper"


def test_paper_application_only_by_the_lessors_staff(tender, applicant):
    error = refused(
        services.application_start,
        tender=tender,
        applicant=None,
        by=applicant,
        postal_address="Trubarjeva 5",
        now=BEFORE,
    )
    assert error.code == "forbidden"


# --- sections ------------------------------------------------------------------------


def test_save_section_records_changed_field_names(draft):
    application = save(
        draft,
        Section.HOUSING,
        {"housing_status": "1.4", "dwelling_area_m2": "18.50"},
    )
    assert application.housing_status == "1.4"
    assert application.dwelling_area_m2 == Decimal("18.50")
    assert application.section_status == {"declaration": "done", "housing": "done"}
    event = application.events.get(kind=EventKind.STEP_SAVED)
    assert event.section == "housing"
    assert event.changed_fields == ["housing_status", "dwelling_area_m2"]
    assert event.by == draft.applicant


def test_a_step_saved_again_unchanged_writes_only_its_event(draft):
    first = save(
        draft,
        Section.HOUSING,
        {"housing_status": "1.4", "dwelling_area_m2": "18.50"},
    )
    history = first.history.count()
    # The same answers (the area spelt another way): nothing to write but the event.
    with CaptureQueriesContext(connection) as queries:
        save(
            draft,
            Section.HOUSING,
            {"housing_status": "1.4", "dwelling_area_m2": "18.5"},
        )
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert [sql.split()[0] for sql in writes if not sql.startswith("SELECT")] == [
        "INSERT"
    ]
    assert "applications_applicationevent" in writes[-1]
    stored = Application.objects.get(pk=draft.pk)
    assert stored.row_version == first.row_version
    assert stored.updated_at == first.updated_at
    assert stored.history.count() == history
    events = stored.events.filter(kind=EventKind.STEP_SAVED).order_by("pk")
    assert [(e.section, e.changed_fields) for e in events] == [
        ("housing", ["housing_status", "dwelling_area_m2"]),
        ("housing", []),
    ]


def test_a_step_saved_unchanged_the_first_time_is_marked_completed(draft):
    before = Application.objects.get(pk=draft.pk)
    history = before.history.count()
    application = save(draft, Section.PROPERTY, {})
    assert application.section_status["property"] == "done"
    stored = Application.objects.get(pk=draft.pk)
    assert stored.section_status == application.section_status
    assert stored.row_version == before.row_version + 1
    assert stored.history.count() == history + 1
    assert application.events.get(kind=EventKind.STEP_SAVED).changed_fields == []


def test_a_step_writes_only_the_columns_that_changed(draft):
    save(draft, Section.INCOME, {})
    member = draft.members.get()
    stored = Application.objects.get(pk=draft.pk)
    with CaptureQueriesContext(connection) as queries:
        services.application_save_section(
            application=stored,
            section=Section.INCOME,
            data={},
            members={member.pk: {"monthly_income": member.monthly_income + 1}},
            by=draft.applicant,
            expected_version=stored.row_version,
            now=BEFORE,
        )
    updates = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")
    ]
    assert len(updates) == 2
    member_set = updates[0].split(" SET ")[1].split(" WHERE ")[0]
    application_set = updates[1].split(" SET ")[1].split(" WHERE ")[0]
    assert [part.split(" = ")[0] for part in member_set.split(", ")] == [
        '"monthly_income"'
    ]
    assert [part.split(" = ")[0] for part in application_set.split(", ")] == [
        '"row_version"',
        '"updated_at"',
    ]
    assert Member.objects.get(pk=member.pk).monthly_income == member.monthly_income + 1
    assert Application.objects.get(pk=draft.pk).row_version == stored.row_version + 1
    event = draft.events.filter(kind=EventKind.STEP_SAVED).latest("pk")
    assert event.changed_fields == [f"members.{member.pk}.monthly_income"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"housing_status": "1.2", "dwelling_area_m2": None}, "dwelling_area_m2"),
        ({"housing_status": "1.2", "dwelling_area_m2": "0"}, "dwelling_area_m2"),
        ({"housing_status": "1.1", "dwelling_area_m2": "20.00"}, "dwelling_area_m2"),
        ({"housing_status": "1.3", "dwelling_area_m2": "-4"}, "dwelling_area_m2"),
        ({"housing_status": "1.3", "dwelling_area_m2": "12.345"}, "dwelling_area_m2"),
        ({"housing_status": "2.1"}, "housing_status"),
        ({"inappropriate_dwelling": "maybe"}, "inappropriate_dwelling"),
    ],
)
def test_housing_section_is_checked(draft, data, field):
    error = refused(save, draft, Section.HOUSING, data)
    assert field in error.errors


def test_without_dwelling_has_no_area(draft):
    application = save(
        draft, Section.HOUSING, {"housing_status": "1.1", "dwelling_area_m2": ""}
    )
    assert application.dwelling_area_m2 is None


def test_a_refused_section_saves_nothing(draft):
    before = Application.objects.get(pk=draft.pk)
    refused(
        save,
        draft,
        Section.HEALTH,
        {"single_parent": True, "disability_aids_monthly": "-10.00"},
    )
    after = Application.objects.get(pk=draft.pk)
    assert after.single_parent is False
    assert after.row_version == before.row_version
    assert not after.events.exists()


def test_categories_only_from_the_tender(draft):
    error = refused(
        save, draft, Section.CATEGORIES, {"other_categories": ["other:nope"]}
    )
    assert "other_categories" in error.errors
    # A category the engine derives itself is not claimed here either.
    error = refused(
        save, draft, Section.CATEGORIES, {"other_categories": ["young_family"]}
    )
    assert "other_categories" in error.errors
    application = save(
        draft,
        Section.CATEGORIES,
        {
            "other_categories": ["other:young-researchers"],
            "additional_conditions": ["residence_10y", "residence_10y"],
        },
    )
    assert application.other_categories == ["other:young-researchers"]
    assert application.additional_conditions == ["residence_10y"]


def _claims_read(call, *args, **kwargs) -> list[str]:
    """The reads of the tender's categories and conditions ``call`` makes."""
    with CaptureQueriesContext(connection) as queries:
        call(*args, **kwargs)
    return [
        q["sql"]
        for q in queries.captured_queries
        if "tenders_tendercategory" in q["sql"]
        or "tenders_additionalcondition" in q["sql"]
    ]


def test_the_claims_are_checked_against_the_rows_the_page_read(draft):
    from applications import selectors

    application = selectors.prefetch_claims(
        Application.objects.select_related("tender").get(pk=draft.pk)
    )

    def save_claims(data):
        services.application_save_section(
            application=application,
            section=Section.CATEGORIES,
            data=data,
            by=draft.applicant,
            expected_version=Application.objects.get(pk=draft.pk).row_version,
            now=BEFORE,
        )

    error = refused(save_claims, {"other_categories": ["other:nope"]})
    assert "other_categories" in error.errors
    assert (
        _claims_read(save_claims, {"other_categories": ["other:young-researchers"]})
        == []
    )
    assert Application.objects.get(pk=draft.pk).other_categories == [
        "other:young-researchers"
    ]
    # Another caller, without the page's rows: the checks read them.
    data = {"additional_conditions": ["residence_10y"]}
    assert len(_claims_read(save, draft, Section.CATEGORIES, data)) == 2
    assert Application.objects.get(pk=draft.pk).additional_conditions == [
        "residence_10y"
    ]


def test_unknown_field_or_section_is_refused(draft):
    assert "code" in refused(save, draft, Section.HOUSING, {"code": "X"}).errors
    assert refused(save, draft, "nonsense", {}).code == "invalid"


def test_co_ownership_exception_needs_a_violence_victim(draft):
    error = refused(
        save,
        draft,
        Section.PROPERTY,
        {"violence_co_ownership_unusable": True},
    )
    assert "violence_co_ownership_unusable" in error.errors
    save(draft, Section.HEALTH, {"domestic_violence_victim": True})
    application = save(
        draft, Section.PROPERTY, {"violence_co_ownership_unusable": True}
    )
    assert application.violence_co_ownership_unusable is True


def test_stale_version_is_refused_with_a_translated_message(draft):
    stale = draft.row_version
    save(draft, Section.HOUSING, {"dwelling_area_m2": "41.00"})
    with translation.override("sl"):
        error = refused(
            save, draft, Section.HOUSING, {"dwelling_area_m2": "42.00"}, version=stale
        )
    assert error.code == "conflict"
    assert "vmes" in error.messages[0]  # "spremenjena v vmesnem času"
    draft.refresh_from_db()
    assert draft.dwelling_area_m2 == Decimal("41.00")


def test_another_applicants_application_is_refused(draft):
    error = refused(
        save, draft, Section.HOUSING, {"dwelling_area_m2": "41.00"}, by=UserFactory()
    )
    assert error.code == "forbidden"


def test_editing_a_submitted_application_is_refused(draft):
    submit(draft)
    error = refused(save, draft, Section.HOUSING, {"dwelling_area_m2": "41.00"})
    assert error.code == "frozen"


def test_editing_after_the_deadline_is_refused(draft):
    error = refused(
        save, draft, Section.HOUSING, {"dwelling_area_m2": "41.00"}, now=AFTER
    )
    assert error.code == "closed"


# --- members -------------------------------------------------------------------------


def test_member_add_and_update_and_remove(draft):
    child = add_member(draft)
    assert child.municipality.name == "Ljubljana"
    draft.refresh_from_db()
    child = services.member_update(
        member=child,
        data={"municipality": None, "other_municipality": "Kranj"},
        by=draft.applicant,
        expected_version=draft.row_version,
        now=BEFORE,
    )
    assert child.permanent_residence == "Kranj"
    event = draft.events.order_by("-pk").first()
    assert event.changed_fields == [
        f"members.{child.pk}.municipality",
        f"members.{child.pk}.other_municipality",
    ]
    draft.refresh_from_db()
    services.member_remove(
        member=child,
        by=draft.applicant,
        expected_version=draft.row_version,
        now=BEFORE,
    )
    assert not Member.objects.filter(pk=child.pk).exists()
    assert draft.events.order_by("-pk").first().note == "removed"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"emso": "0101006500007"}, "emso"),  # wrong check digit
        ({"emso": "12345"}, "emso"),
        ({"emso": make_emso(datetime.date(2019, 7, 9), "M", 3)}, "emso"),  # date
        ({"emso": make_emso(datetime.date(2019, 7, 8), "F", 3)}, "emso"),  # sex
        ({"emso": ""}, "emso"),  # a Slovenian citizen has one
        ({"birth_date": datetime.date(2026, 5, 5), "emso": ""}, "birth_date"),
        ({"monthly_income": Decimal("-1.00")}, "monthly_income"),
        ({"monthly_income": 1200.5}, "monthly_income"),  # a float is refused
        ({"other_property_value": "1.001"}, "other_property_value"),
        ({"years_of_service": "71"}, "years_of_service"),
        ({"municipality": None}, "municipality"),
        ({"other_municipality": "Kranj"}, "municipality"),
        ({"role": "applicant"}, "role"),  # the household has one already
        ({"role": "cousin"}, "role"),
        ({"citizenship": "EU"}, "citizenship"),
        ({"sex": "Q"}, "sex"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_member_fields_are_checked(draft, data, field):
    with translation.override("sl"):
        error = refused(add_member, draft, **data)
    assert field in error.errors
    assert draft.members.count() == 1


def test_birth_date_in_the_future_is_refused_with_a_translated_message(draft):
    with translation.override("sl"):
        error = refused(
            add_member, draft, birth_date=datetime.date(2026, 5, 5), emso=""
        )
    assert error.errors["birth_date"] == ["Datum rojstva ne more biti v prihodnosti."]


def test_the_same_person_twice_in_a_household_is_refused(draft):
    emso = draft.members.get().emso
    error = refused(
        add_member,
        draft,
        birth_date=datetime.date(1991, 5, 1),
        sex="F",
        emso=emso,
    )
    assert "emso" in error.errors


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("HR", "HR"),
        ("ua", "UA"),
        (" de ", "DE"),
        ("XK", "XK"),  # Kosovo: user-assigned, used by the registers
        ("IP", "IP"),  # international protection
        ("ip", "IP"),
        ("Hrvaška", "HR"),  # a name in Slovenian...
        ("hrvaska", "HR"),  # ...without the accent...
        ("Croatia", "HR"),  # ...or in English
        ("Združene države", "US"),
        ("Bosnia and Herzegovina", "BA"),
    ],
)
def test_citizenship_is_stored_as_the_iso_code(draft, typed, stored):
    member = add_member(draft, citizenship=typed, emso="")
    assert member.citizenship == stored


@pytest.mark.parametrize("typed", ["ZZ", "XX", "EU", "UK", "S1", "Narnija", "Slo"])
def test_citizenship_that_is_no_country_is_refused(draft, typed):
    with translation.override("en"):
        error = refused(add_member, draft, citizenship=typed, emso="")
    assert error.errors["citizenship"] == [
        "Enter a country from the list, by its name or its two-letter code (for "
        "example SI for Slovenia), or IP for international protection."
    ]
    assert draft.members.count() == 1


def test_a_foreign_member_may_have_no_emso(draft):
    member = add_member(draft, citizenship="HR", emso="")
    assert member.emso == ""


def test_municipality_outside_the_lessors_area_is_refused(draft):
    from tests.housing.factories import MunicipalityFactory

    error = refused(add_member, draft, municipality=MunicipalityFactory(name="Maribor"))
    assert "municipality" in error.errors


# --- submit --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "deadline",
    [
        ljubljana(2026, 10, 25, 23, 59, 59),  # clocks went back that morning
        ljubljana(2027, 3, 28, 23, 59, 59),  # clocks went forward that morning
    ],
)
def test_deadline_in_ljubljana_time_on_daylight_saving_days(draft, deadline):
    tender = draft.tender
    tender.deadline = deadline
    tender.save()
    next_midnight = ljubljana(deadline.year, deadline.month, deadline.day + 1, 0, 0, 0)
    error = refused(submit, draft, now=next_midnight)
    assert error.code == "closed"
    assert "23:59:59" in error.messages[0]
    # The last second counts, to its last microsecond.
    application = submit(draft, now=deadline.replace(microsecond=999_999))
    assert application.status == ApplicationStatus.SUBMITTED


def test_deadline_is_compared_in_utc_correctly(draft):
    # 23:59:59 in Ljubljana on 25 October 2026 is 22:59:59 UTC (CET, +01:00).
    utc = datetime.UTC
    assert DEADLINE.astimezone(utc).hour == 22
    assert (
        refused(
            submit, draft, now=datetime.datetime(2026, 10, 25, 23, 0, tzinfo=utc)
        ).code
        == "closed"
    )
    assert submit(draft, now=datetime.datetime(2026, 10, 25, 22, 59, 59, tzinfo=utc))


def test_submit_gives_a_code_a_receipt_and_one_event(draft):
    application = submit(draft)
    assert application.code == "LJ-2026-00001"
    assert application.submitted_at == BEFORE
    receipt = application.submissions.get()
    assert receipt.version == 1
    assert receipt.code == "LJ-2026-00001"
    assert receipt.case["code"] == "LJ-2026-00001"
    assert len(receipt.digest) == 64
    assert application.events.filter(kind=EventKind.SUBMITTED).count() == 1


def test_submit_twice_gives_the_same_receipt(draft):
    first = submit(draft)
    again = submit(draft, now=BEFORE + datetime.timedelta(seconds=1))
    assert again.code == first.code
    assert again.submitted_at == first.submitted_at
    assert ApplicationSubmission.objects.count() == 1
    assert draft.events.filter(kind=EventKind.SUBMITTED).count() == 1
    assert ApplicationCodeCounter.objects.get().last_number == 1


def test_codes_follow_on_per_lessor_and_year(draft, tender):
    other_tender = TenderFactory(
        lessor=tender.lessor,
        code="LJ-2026-B",
        published=True,
        published_on=tender.published_on,
        deadline=tender.deadline,
    )
    second = ApplicationFactory(tender=other_tender)
    MemberFactory(application=second)
    elsewhere = ApplicationFactory()
    MemberFactory(application=elsewhere)
    assert submit(draft).code == "LJ-2026-00001"
    assert submit(second).code == "LJ-2026-B-2026-00002"
    assert submit(elsewhere, now=None).code.endswith("-00001")


def test_codes_use_the_lessors_code_one_gap_free_sequence_per_lessor_and_year(
    draft, tender
):
    """Two tenders of one lessor in one year share the lessor's sequence (whatever
    their own codes); another lessor counts on its own; a rolled-back submission
    gives its number back; the next year starts again at 1."""
    from tests.housing.factories import LessorFactory

    lessor = tender.lessor
    lessor.code = "lj"  # stored as typed; the code is upper case
    lessor.save()

    def household(tender_):
        application = ApplicationFactory(tender=tender_)
        MemberFactory(application=application)
        return application

    def tender_of(lessor_, code, published_on=tender.published_on):
        return TenderFactory(
            lessor=lessor_,
            code=code,
            published=True,
            published_on=published_on,
            deadline=tender.deadline,
        )

    spring = tender_of(lessor, "najem-pomlad")
    autumn = tender_of(lessor, "najem-jesen")
    kranj = LessorFactory(code="KR")
    other = tender_of(kranj, "KR-2026")

    assert submit(draft).code == "LJ-2026-00001"
    assert submit(household(spring)).code == "LJ-2026-00002"
    assert submit(household(other)).code == "KR-2026-00001"

    # Rolled back after the number was drawn: the number goes back.
    def submit_then_fail():
        with transaction.atomic():
            assert submit(household(autumn)).code == "LJ-2026-00003"
            raise RuntimeError

    with pytest.raises(RuntimeError):
        submit_then_fail()
    assert submit(household(autumn)).code == "LJ-2026-00003"
    assert submit(household(spring)).code == "LJ-2026-00004"
    assert submit(household(other)).code == "KR-2026-00002"
    next_year = tender_of(lessor, "LJ-2027", datetime.date(2027, 3, 1))
    assert submit(household(next_year)).code == "LJ-2027-00001"
    counters = {
        (c.lessor.code, c.year): c.last_number
        for c in ApplicationCodeCounter.objects.select_related("lessor")
    }
    assert counters == {("lj", 2026): 4, ("KR", 2026): 2, ("lj", 2027): 1}


def test_incomplete_application_is_refused_at_its_fields(tender, applicant):
    application = ApplicationFactory(
        tender=tender, applicant=applicant, housing_status="", dwelling_area_m2=None
    )
    MemberFactory(application=application, child=True)
    error = refused(submit, application)
    assert set(error.errors) >= {"housing_status", "members"}
    application.refresh_from_db()
    assert application.code is None
    assert not ApplicationCodeCounter.objects.exists()


def test_a_stored_member_value_is_checked_again_at_submit(draft):
    draft.members.update(emso="0101006500007")
    error = refused(submit, draft)
    assert "members[0].emso" in error.errors


# --- correct and withdraw ------------------------------------------------------------


def test_correction_keeps_the_code_and_makes_a_new_version(draft):
    code = submit(draft).code
    application = services.application_correct(
        application=draft, by=draft.applicant, now=BEFORE
    )
    assert application.status == ApplicationStatus.DRAFT
    assert application.version == 2
    assert application.is_correcting
    save(application, Section.HOUSING, {"dwelling_area_m2": "38.00"})
    # The declaration covers one version: the corrected one is declared again.
    assert "declaration" not in application.section_status
    assert "declaration" in refused(submit, application).errors
    save(application, Section.DECLARATION, {"declaration": True, "consent": True})
    application = submit(application)
    assert application.code == code
    assert list(application.submissions.values_list("version", "code")) == [
        (1, code),
        (2, code),
    ]
    assert ApplicationCodeCounter.objects.get().last_number == 1


def test_correction_after_the_deadline_is_refused(draft):
    submit(draft)
    error = refused(
        services.application_correct, application=draft, by=draft.applicant, now=AFTER
    )
    assert error.code == "closed"


def test_withdraw_before_the_deadline_and_apply_again(draft):
    submit(draft)
    withdrawn = services.application_withdraw(
        application=draft, by=draft.applicant, now=BEFORE
    )
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    new = services.application_start(
        tender=draft.tender, applicant=draft.applicant, by=draft.applicant, now=BEFORE
    )
    assert new.pk != draft.pk


def test_withdraw_after_the_deadline_is_refused(draft):
    submit(draft)
    error = refused(
        services.application_withdraw,
        application=draft,
        by=draft.applicant,
        now=AFTER,
    )
    assert error.code == "closed"


# --- paper applications ---------------------------------------------------------------


def test_paper_application_received_in_time_is_submitted_later(tender, clerk):
    application = ApplicationFactory(tender=tender, paper=True, entered_by=clerk)
    MemberFactory(application=application)
    tender.status = "closed"
    tender.save()
    late = ljubljana(2026, 10, 27, 9, 0)
    error = refused(
        services.application_submit, application=application, by=clerk, now=late
    )
    assert error.code == "closed"
    error = refused(
        services.application_submit,
        application=application,
        by=clerk,
        now=late,
        received_at=ljubljana(2026, 10, 26, 8, 0),
    )
    assert error.code == "closed"
    application = services.application_submit(
        application=application,
        by=clerk,
        now=late,
        received_at=ljubljana(2026, 10, 25, 14, 30),
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submissions.get().by == clerk


def test_only_paper_applications_have_a_date_of_receipt(draft):
    error = refused(
        services.application_submit,
        application=draft,
        by=draft.applicant,
        now=BEFORE,
        received_at=BEFORE,
    )
    assert "received_at" in error.errors


def test_paper_application_not_editable_by_another_lessors_staff(tender, clerk):
    from housing.constants import StaffRole
    from tests.housing.factories import MembershipFactory

    application = ApplicationFactory(tender=tender, paper=True, entered_by=clerk)
    stranger = MembershipFactory(role=StaffRole.CLERK).user
    error = refused(
        save,
        application,
        Section.CONTACT,
        {"postal_address": "Drugje 1"},
        by=stranger,
    )
    assert error.code == "forbidden"
    application = save(
        application, Section.CONTACT, {"postal_address": "Drugje 1"}, by=clerk
    )
    assert application.postal_address == "Drugje 1"


# --- amendment requests ---------------------------------------------------------------


def test_amendment_answered_in_time_with_a_document(draft):
    submit(draft)
    request = AmendmentRequestFactory(
        application=draft, deadline=ljubljana(2026, 11, 20, 23, 59, 59)
    )
    document = DocumentFactory(application=draft)
    answered = services.amendment_answer(
        amendment=request,
        answer_text="Prilagam potrdilo.",
        documents=[document],
        by=draft.applicant,
        now=ljubljana(2026, 11, 20, 23, 59, 59),
    )
    assert answered.status == "answered"
    document.refresh_from_db()
    assert document.amendment_request == answered
    event = draft.events.get(kind=EventKind.AMENDMENT_ANSWERED)
    assert event.changed_fields == [
        "answer_text",
        f"documents.{document.pk}.sha256:{document.sha256}",
    ]


def test_amendment_answer_is_checked(draft):
    submit(draft)
    request = AmendmentRequestFactory(
        application=draft, deadline=ljubljana(2026, 11, 20, 23, 59, 59)
    )
    on_time = ljubljana(2026, 11, 1, 12, 0)
    error = refused(
        services.amendment_answer,
        amendment=request,
        answer_text="",
        by=draft.applicant,
        now=on_time,
    )
    assert "answer_text" in error.errors
    foreign = DocumentFactory()
    error = refused(
        services.amendment_answer,
        amendment=request,
        answer_text="x",
        documents=[foreign],
        by=draft.applicant,
        now=on_time,
    )
    assert "documents" in error.errors
    error = refused(
        services.amendment_answer,
        amendment=request,
        answer_text="Prepozno.",
        by=draft.applicant,
        now=ljubljana(2026, 11, 21, 0, 0, 0),
    )
    assert error.code == "closed"
    error = refused(
        services.amendment_answer,
        amendment=request,
        answer_text="Ni moje.",
        by=UserFactory(),
        now=on_time,
    )
    assert error.code == "forbidden"


# --- the log and the audit keep no special-category values ----------------------------


def test_event_log_and_history_hold_no_special_category_values(draft):
    save(draft, Section.HEALTH, {"domestic_violence_victim": True})
    save(draft, Section.PROPERTY, {"violence_co_ownership_unusable": True})
    save(draft, Section.HEALTH, {"pregnancy": True, "illness_due_to_housing": True})
    member = draft.members.get()
    draft.refresh_from_db()
    services.member_update(
        member=member,
        data={"disability": True, "wheelchair_user": True},
        by=draft.applicant,
        expected_version=draft.row_version,
        now=BEFORE,
    )
    for event in ApplicationEvent.objects.all():
        assert all(isinstance(name, str) for name in event.changed_fields)
        assert "true" not in event.note.lower()
    changed = [n for e in ApplicationEvent.objects.all() for n in e.changed_fields]
    assert "domestic_violence_victim" in changed
    assert f"members.{member.pk}.disability" in changed

    historical_application = Application.history.model
    historical_member = Member.history.model
    kept = {f.name for f in historical_application._meta.fields}
    assert not kept & SPECIAL_APPLICATION_FIELDS
    assert not {f.name for f in historical_member._meta.fields} & SPECIAL_MEMBER_FIELDS
    assert draft.history.exists()
    assert member.history.latest().history_user == draft.applicant


def test_special_fields_are_exactly_the_classified_special_ones():
    def special(model):
        return {
            name
            for name in dc.model_field_names(model)
            if dc.classify(model, name) is dc.SPECIAL
        }

    assert special(Application) == SPECIAL_APPLICATION_FIELDS
    assert special(Member) == SPECIAL_MEMBER_FIELDS


# --- sections over every member, progress, declaration (the portal's pages) -----------


def save_members(application, section, data, members, *, now=BEFORE):
    application.refresh_from_db()
    return services.application_save_section(
        application=application,
        section=section,
        data=data,
        members=members,
        by=application.applicant,
        expected_version=application.row_version,
        now=now,
    )


def test_a_section_saves_every_members_answers_at_once(draft):
    child = MemberFactory(application=draft, child=True)
    applicant = draft.members.get(role="applicant")
    application = save_members(
        draft,
        Section.INCOME,
        {},
        {
            applicant.pk: {"monthly_income": "1300.50", "employed": True},
            child.pk: {"monthly_income": "0"},
        },
    )
    applicant.refresh_from_db()
    assert applicant.monthly_income == Decimal("1300.50")
    assert application.section_status["income"] == "done"
    event = application.events.get(kind=EventKind.STEP_SAVED)
    assert event.changed_fields == [f"members.{applicant.pk}.monthly_income"]


def test_a_members_bad_answer_saves_nobodys(draft):
    child = MemberFactory(application=draft, child=True)
    applicant = draft.members.get(role="applicant")
    error = refused(
        save_members,
        draft,
        Section.INCOME,
        {},
        {applicant.pk: {"monthly_income": "900"}, child.pk: {"monthly_income": "-1"}},
    )
    assert list(error.errors) == ["members[1].monthly_income"]
    applicant.refresh_from_db()
    assert applicant.monthly_income == Decimal("1200.00")
    # A field of another section, or a member of another household, is refused.
    error = refused(
        save_members, draft, Section.INCOME, {}, {child.pk: {"disability": True}}
    )
    assert "disability" in error.errors
    other = MemberFactory()
    error = refused(save_members, draft, Section.INCOME, {}, {other.pk: {}})
    assert error.code == "conflict"


def test_aids_are_deducted_only_for_a_members_disability(draft):
    applicant = draft.members.get(role="applicant")
    error = refused(
        save_members,
        draft,
        Section.HEALTH,
        {"disability_aids_monthly": "80.00"},
        {applicant.pk: {"disability": False}},
    )
    assert "disability_aids_monthly" in error.errors
    application = save_members(
        draft,
        Section.HEALTH,
        {"disability_aids_monthly": "80.00"},
        {applicant.pk: {"disability": True}},
    )
    assert application.disability_aids_monthly == Decimal("80.00")


def test_declaration_needs_every_answer_true(draft):
    draft.section_status = {}
    draft.save()
    error = refused(save, draft, Section.DECLARATION, {"declaration": True})
    assert "consent" in error.errors
    assert "declaration" in refused(submit, draft).errors
    application = save(
        draft, Section.DECLARATION, {"declaration": "on", "consent": True}
    )
    assert application.section_status == {"declaration": "done"}
    assert submit(application).code


def test_progress_of_the_applicant_and_the_household(draft, applicant):
    save(draft, Section.INCOME, {})
    draft.members.all().delete()
    draft.refresh_from_db()
    services.member_add(
        application=draft,
        data={
            "role": "applicant",
            "first_name": "Ana",
            "last_name": "Novak",
            "birth_date": datetime.date(1991, 5, 1),
            "sex": "F",
            "emso": make_emso(datetime.date(1991, 5, 1), "F", 7),
            "citizenship": "SI",
            "municipality": draft.tender.lessor.municipalities.first(),
        },
        by=applicant,
        expected_version=draft.row_version,
        now=BEFORE,
    )
    draft.refresh_from_db()
    assert draft.section_status["applicant"] == "done"
    assert "members" not in draft.section_status
    # A new member has not answered the income questions yet.
    assert draft.section_status["income"] == "in_progress"
    add_member(draft)
    draft.refresh_from_db()
    assert draft.section_status["members"] == "in_progress"
    assert save(draft, Section.MEMBERS, {}).section_status["members"] == "done"


def test_application_problems_lists_what_submit_would_refuse(draft):
    assert services.application_problems(draft, now=BEFORE) == {}
    draft.housing_status = ""
    draft.save()
    assert "housing_status" in services.application_problems(draft, now=BEFORE)
