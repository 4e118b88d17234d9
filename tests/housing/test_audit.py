"""The audit trail: recorded with the acting user, immutable, readable by own staff only."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils import translation

import pytest

from config import urls as config_urls
from housing.audit import AuditRecordImmutable, is_historical_model
from housing.constants import LessorType, StaffRole
from housing.models import Lessor, Membership, User
from housing.selectors import object_history
from tests.housing.factories import (
    PASSWORD,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
)
from tests.tenders.factories import TenderFactory

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


def rename_lessor(request, pk):
    """A view that writes, to see the middleware record who made the change."""
    lessor = Lessor.objects.get(pk=pk)
    lessor.name = request.POST["name"]
    lessor.save()
    return HttpResponse("renamed")


urlpatterns = [
    path("test-audit/rename/<int:pk>/", rename_lessor),
    path("", include(config_urls)),
]


def history_url(model: str, pk: int) -> str:
    return reverse("object_history", args=[model, pk])


# --- Recording ---------------------------------------------------------------------


def test_history_middleware_is_installed_after_authentication():
    middleware = settings.MIDDLEWARE
    recorder = middleware.index("simple_history.middleware.HistoryRequestMiddleware")
    assert recorder > middleware.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


@pytest.mark.urls(__name__)
def test_change_through_a_request_records_the_acting_user(client, lessor_x):
    staff = MembershipFactory(lessor=lessor_x, role=StaffRole.LESSOR_ADMIN).user
    client.force_login(staff)
    response = client.post(f"/test-audit/rename/{lessor_x.pk}/", {"name": "JSS MOL"})
    assert response.status_code == 200
    latest = lessor_x.history.first()
    assert latest.history_type == "~"
    assert latest.name == "JSS MOL"
    assert latest.history_user_id == staff.pk
    assert latest.history_user == staff


@pytest.mark.parametrize(
    "model", ["housing.Lessor", "housing.Membership", "housing.User", "tenders.Tender"]
)
def test_audited_models_have_history(model):
    assert hasattr(apps.get_model(model), "history")


def test_create_change_delete_are_recorded(lessor_x):
    membership = MembershipFactory(lessor=lessor_x, role=StaffRole.CLERK)
    membership.role = StaffRole.COMMISSION_CHAIR
    membership.save()
    pk = membership.pk
    membership.delete()
    types = list(
        Membership.history.filter(id=pk)
        .order_by("history_date", "history_id")
        .values_list("history_type", flat=True)
    )
    assert types == ["+", "~", "-"]


def test_user_history_never_keeps_the_password_or_last_login():
    historical_user = User.history.model
    for name in ("password", "last_login"):
        with pytest.raises(FieldDoesNotExist):
            historical_user._meta.get_field(name)
    user = UserFactory()
    user.set_password("Another-long-passphrase-2")
    user.save()
    assert user.history.count() == 2
    for entry in object_history(user):
        assert {c.field for c in entry.changes}.isdisjoint({"password", "last_login"})


def test_logging_in_adds_no_empty_user_version(client):
    user = UserFactory()
    assert client.login(username=user.email, password=PASSWORD)
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == 1  # only its creation


def test_deleting_the_acting_user_keeps_who_in_the_history(lessor_x):
    staff = UserFactory()
    lessor_x.name = "Renamed"
    lessor_x._history_user = staff
    lessor_x.save()
    staff_id = staff.pk
    staff.delete()
    latest = lessor_x.history.first()
    assert latest.history_user_id == staff_id
    assert latest.history_user is None
    assert object_history(lessor_x)[0].who_id == staff_id


# --- Immutability ------------------------------------------------------------------


def test_every_historical_model_is_guarded():
    historical = [m for m in apps.get_models() if is_historical_model(m)]
    assert len(historical) >= 4
    from django.db.models.signals import pre_delete, pre_save

    for model in historical:
        assert pre_save.has_listeners(model), model
        assert pre_delete.has_listeners(model), model


def test_a_historical_row_cannot_be_changed(lessor_x):
    record = lessor_x.history.first()
    record.name = "Forged"
    with pytest.raises(AuditRecordImmutable):
        record.save()
    assert lessor_x.history.first().name == lessor_x.name


def test_a_historical_row_cannot_be_overwritten_by_a_new_object_with_its_id(lessor_x):
    record = lessor_x.history.first()
    forged = Lessor.history.model(
        history_id=record.history_id,
        id=lessor_x.pk,
        name="Forged",
        slug="forged",
        type=LessorType.STATE,
        created_at=record.created_at,
        history_date=record.history_date,
        history_type="~",
    )
    with pytest.raises(AuditRecordImmutable):
        forged.save()


def test_a_historical_row_cannot_be_deleted(lessor_x):
    record = lessor_x.history.first()
    # delete() joins the test's transaction without a savepoint: give it one.
    with pytest.raises(AuditRecordImmutable), transaction.atomic():
        record.delete()
    with pytest.raises(AuditRecordImmutable), transaction.atomic():
        Lessor.history.all().delete()
    assert lessor_x.history.count() == 1


def test_deleting_the_audited_object_keeps_its_history(lessor_x):
    pk = lessor_x.pk
    lessor_x.delete()
    assert Lessor.history.filter(id=pk).count() == 2


def test_no_admin_for_historical_models_and_revert_disabled():
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    for model in admin.site._registry:
        assert not is_historical_model(model), model


needs_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the refusing trigger is PostgreSQL's (CI runs these tests on it); SQLite "
    "has the ORM guard only",
)


def test_sqlite_gets_no_trigger_and_keeps_the_orm_guard():
    from housing.audit import guarded_tables, install_database_guards

    if connection.vendor == "postgresql":
        assert install_database_guards() == guarded_tables() != []
    else:
        assert install_database_guards() == guarded_tables() == []


def test_one_registry_names_every_guarded_table_and_its_trigger():
    """The audit tables, the review's logs and the lists' tables are registered in
    housing.audit, each with its trigger (one installer creates them all)."""
    from housing.audit import AUDIT, historical_tables, registered_guards
    from lists.immutable import GUARDS
    from review.immutable import APPEND_ONLY

    guards = {table: kind.name for table, kind in registered_guards().items()}
    # Every historical table gets the audit trigger.
    assert historical_tables() != []
    assert {t: guards[t] for t in historical_tables()} == dict.fromkeys(
        historical_tables(), AUDIT.name
    )
    # Beside them, exactly the tables the apps registered.
    others = {t: n for t, n in guards.items() if t not in historical_tables()}
    assert others == {
        **{apps.get_model(label)._meta.db_table: AUDIT.name for label in APPEND_ONLY},
        **{apps.get_model(label)._meta.db_table: k.name for label, k in GUARDS.items()},
    }
    assert {
        "review_reviewlog",
        "lists_decision",
        "lists_appeal",
        "lists_listversion",
    } <= set(others)
    # audit, version, child, decision, appeal
    assert len(set(guards.values())) == 5


def test_a_model_has_one_guard():
    from housing.audit import AUDIT, register_guard
    from lists.immutable import DECISION_GUARD

    register_guard("lists.Decision", DECISION_GUARD)  # again: nothing changes
    with pytest.raises(ValueError, match="already guarded"):
        register_guard("lists.Decision", AUDIT)


@needs_postgresql
def test_the_database_holds_every_registered_trigger():
    from housing.audit import database_guards, registered_guards

    assert database_guards() == {
        table: kind.name for table, kind in registered_guards().items()
    }
    assert "housing_historicallessor" in database_guards()
    assert "housing_historicallessor_municipalities" in database_guards()
    assert "tenders_historicaltender" in database_guards()


@needs_postgresql
def test_the_database_refuses_a_queryset_update_of_audit_rows(lessor_x):
    # QuerySet.update() sends no signal: only the database can refuse it.
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        Lessor.history.filter(id=lessor_x.pk).update(name="Forged")
    assert lessor_x.history.get().name == lessor_x.name


@needs_postgresql
def test_the_database_refuses_raw_sql_on_audit_rows(lessor_x):
    table = connection.ops.quote_name(Lessor.history.model._meta.db_table)
    statements = [
        f"UPDATE {table} SET name = 'Forged'",  # noqa: S608 - our own table name
        f"DELETE FROM {table}",  # noqa: S608
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            with (
                pytest.raises(DatabaseError, match="cannot be changed"),
                transaction.atomic(),
            ):
                cursor.execute(sql)
    assert lessor_x.history.get().name == lessor_x.name


@needs_postgresql
def test_installing_the_triggers_again_changes_nothing(lessor_x):
    from housing.audit import guarded_tables, install_database_guards

    before = guarded_tables()
    assert set(install_database_guards()) <= set(before)
    assert guarded_tables() == before
    lessor_x.name = "Renamed"
    lessor_x.save()  # new versions are still recorded (INSERT is allowed)
    assert lessor_x.history.count() == 2


# --- The selector ------------------------------------------------------------------


def test_object_history_lists_who_when_type_and_changes(
    lessor_x, django_assert_max_num_queries
):
    chair = UserFactory(full_name="Ana Novak")
    membership = MembershipFactory(lessor=lessor_x, role=StaffRole.CLERK)
    membership.role = StaffRole.COMMISSION_CHAIR
    membership._history_user = chair
    membership.save()

    with django_assert_max_num_queries(4):
        entries = object_history(membership)

    assert [e.type for e in entries] == ["~", "+"]
    changed, created = entries
    assert changed.who == chair
    assert changed.when >= created.when
    with translation.override("en"):
        assert changed.type_label == "Changed"
        assert [(c.field, str(c.old), str(c.new)) for c in changed.changes] == [
            ("role", "Clerk", "Commission chair")
        ]
    assert created.who is None  # made outside a request: the system
    fields = {c.field: c for c in created.changes}
    assert fields["lessor"].new == lessor_x
    assert fields["user"].new == membership.user
    assert fields["role"].old is None


def test_changes_to_the_municipalities_served_are_recorded_and_shown(lessor_x):
    ljubljana = MunicipalityFactory(name="Ljubljana")
    kranj = MunicipalityFactory(name="Kranj")
    lessor_x.municipalities.add(ljubljana)
    admin = UserFactory(full_name="Lessor Admin")
    lessor_x._history_user = admin
    lessor_x.municipalities.add(kranj)
    lessor_x.municipalities.remove(ljubljana)

    entries = object_history(lessor_x)

    assert [e.type for e in entries] == ["~", "~", "~", "+"]
    removed, added, first, created = entries
    assert removed.who == added.who == admin
    assert [(c.field, c.old, c.new) for c in first.changes] == [
        ("municipalities", None, "Ljubljana")
    ]
    assert [(c.field, c.old, c.new) for c in added.changes] == [
        ("municipalities", "Ljubljana", "Kranj, Ljubljana")
    ]
    assert [(c.field, c.old, c.new) for c in removed.changes] == [
        ("municipalities", "Kranj, Ljubljana", "Kranj")
    ]
    assert "municipalities" not in {c.field for c in created.changes}  # none yet


def test_a_lessor_created_with_its_municipalities_shows_them_on_creation():
    ljubljana = MunicipalityFactory(name="Ljubljana")
    lessor = Lessor.objects.create(name="JSS", slug="jss", type=LessorType.STATE)
    lessor.municipalities.set([ljubljana])
    # The creation is recorded before the links exist; the next version adds them.
    linked, created = object_history(lessor)
    assert created.type == "+"
    assert (linked.type, linked.changes[0].field) == ("~", "municipalities")
    assert (linked.changes[0].old, linked.changes[0].new) == (None, "Ljubljana")


def test_the_recorded_municipality_links_cannot_be_changed(lessor_x):
    lessor_x.municipalities.add(MunicipalityFactory(name="Ljubljana"))
    link = lessor_x.history.first().municipalities.get()
    link.municipality = MunicipalityFactory(name="Forged")
    with pytest.raises(AuditRecordImmutable):
        link.save()
    with pytest.raises(AuditRecordImmutable), transaction.atomic():
        link.delete()
    assert lessor_x.history.first().municipalities.get().municipality.name == (
        "Ljubljana"
    )


def test_a_deleted_municipality_is_named_as_deleted_in_the_history(lessor_x):
    gone = MunicipalityFactory(name="Gone")
    lessor_x.municipalities.add(gone)
    gone_id = gone.pk
    gone.delete()
    with translation.override("en"):
        entry = object_history(lessor_x)[0]  # the version that added it
    assert entry.changes[0].field == "municipalities"
    assert entry.changes[0].new == f"#{gone_id} (deleted)"


def test_object_history_of_a_deleted_object(lessor_x):
    membership = MembershipFactory(lessor=lessor_x)
    pk = membership.pk
    membership.delete()
    rebuilt = Membership.history.filter(id=pk).first().instance
    assert [e.type for e in object_history(rebuilt)] == ["-", "+"]


# --- The history page --------------------------------------------------------------


@pytest.fixture
def tender(lessor_x):
    return TenderFactory(lessor=lessor_x)


def test_anonymous_is_sent_to_login(client, lessor_x):
    response = client.get(history_url("lessor", lessor_x.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_applicant_gets_403_whatever_the_object(client, actors, lessor_x):
    client.force_login(actors["applicant_a"])
    assert client.get(history_url("lessor", lessor_x.pk)).status_code == 403
    assert client.get(history_url("lessor", 999_999)).status_code == 403


def test_staff_must_verify_a_second_factor_first(client, actors, lessor_x):
    client.force_login(actors["member_x"])
    response = client.get(history_url("lessor", lessor_x.pk))
    assert response.status_code == 302
    assert "otp" in response.url


@pytest.mark.parametrize("model", ["lessor", "membership", "tender"])
def test_staff_of_another_lessor_gets_404(
    client, otp_login, actors, lessor_x, tender, model
):
    objects = {
        "lessor": lessor_x,
        "membership": actors["member_x"].memberships.get(),
        "tender": tender,
    }
    otp_login(client, actors["member_y"])
    response = client.get(history_url(model, objects[model].pk))
    assert response.status_code == 404


@pytest.mark.parametrize("role", list(StaffRole))
@pytest.mark.parametrize("model", ["lessor", "membership", "tender"])
def test_own_staff_of_any_role_read_the_history(
    client, otp_login, lessor_x, tender, role, model
):
    user = MembershipFactory(lessor=lessor_x, role=role).user
    objects = {
        "lessor": lessor_x,
        "membership": user.memberships.get(),
        "tender": tender,
    }
    otp_login(client, user)
    response = client.get(history_url(model, objects[model].pk), headers=EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<caption>" in body
    assert '<th scope="col">' in body
    assert "Created" in body


def test_superuser_reads_any_history(client, otp_login, actors, tender):
    tender.title = "Javni razpis 2027"
    tender.save()
    otp_login(client, actors["superuser"])
    response = client.get(history_url("tender", tender.pk), headers=EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Javni razpis 2027" in body
    assert "Changed" in body


def test_lessor_history_page_shows_the_municipalities_before_and_after(
    client, otp_login, actors, lessor_x
):
    lessor_x.municipalities.add(MunicipalityFactory(name="Ljubljana"))
    lessor_x.municipalities.add(MunicipalityFactory(name="Kranj"))
    otp_login(client, actors["admin_x"])
    response = client.get(history_url("lessor", lessor_x.pk), headers=EN)
    body = response.content.decode()
    assert "Municipalities served" in body
    assert "<del>Ljubljana</del>" in body
    assert "Kranj, Ljubljana</ins>" in body


@pytest.mark.parametrize(
    "url",
    [
        "/history/user/1/",  # not in the whitelist
        "/history/municipality/1/",
        "/history/lessor/999999/",  # no such object, ever
    ],
)
def test_unknown_model_or_object_gives_404(client, otp_login, actors, url):
    otp_login(client, actors["superuser"])
    assert client.get(url).status_code == 404


def test_history_of_a_deleted_membership_stays_readable(
    client, otp_login, actors, lessor_x
):
    membership = MembershipFactory(lessor=lessor_x, role=StaffRole.CLERK)
    pk = membership.pk
    membership.delete()
    otp_login(client, actors["admin_x"])
    response = client.get(history_url("membership", pk), headers=EN)
    assert response.status_code == 200
    assert "Deleted" in response.content.decode()
    otp_login(client, actors["member_y"])
    assert client.get(history_url("membership", pk)).status_code == 404


def test_history_page_is_get_only(client, otp_login, actors, lessor_x):
    otp_login(client, actors["admin_x"])
    assert client.post(history_url("lessor", lessor_x.pk)).status_code == 405
