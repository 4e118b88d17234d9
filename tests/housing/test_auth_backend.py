"""The authentication backend (``housing.auth_backends.UserBackend``): the user and
their staff roles read in one query on every signed-in request; signing in as
Django's ``ModelBackend`` does; sessions that name ``ModelBackend`` still served."""

from django.contrib.auth import BACKEND_SESSION_KEY, authenticate, get_user
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from housing.auth_backends import UserBackend
from housing.constants import StaffRole
from housing.permissions import is_any_lessor_staff, roles_at, staff_lessor_ids
from tests.housing.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BACKEND = "housing.auth_backends.UserBackend"
OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def test_the_user_and_every_role_are_read_in_one_query(lessor_x, lessor_y):
    user = UserFactory()
    MembershipFactory(user=user, lessor=lessor_x, role=StaffRole.COMMISSION_CHAIR)
    MembershipFactory(user=user, lessor=lessor_x, role=StaffRole.CLERK)
    MembershipFactory(user=user, lessor=lessor_y, role=StaffRole.LESSOR_ADMIN)
    MembershipFactory(lessor=lessor_y, role=StaffRole.CLERK)  # someone else's

    with CaptureQueriesContext(connection) as queries:
        found = UserBackend().get_user(user.pk)
        assert roles_at(found, lessor_x) == {
            StaffRole.COMMISSION_CHAIR,
            StaffRole.CLERK,
        }
        assert roles_at(found, lessor_y) == {StaffRole.LESSOR_ADMIN}
        assert staff_lessor_ids(found) == {lessor_x.pk, lessor_y.pk}
    assert len(queries) == 1
    assert found == user
    for field in type(user)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(user, field.attname)
    assert not hasattr(found, "najem_role")
    assert not hasattr(found, "najem_role_lessor")


def test_a_user_without_a_role_is_one_instance_with_no_roles(lessor_x):
    user = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        found = UserBackend().get_user(user.pk)
        assert not is_any_lessor_staff(found)
        assert roles_at(found, lessor_x) == frozenset()
    assert len(queries) == 1
    assert found == user


def test_an_unknown_or_inactive_user_is_nobody():
    inactive = UserFactory(is_active=False)
    assert UserBackend().get_user(inactive.pk) is None
    assert UserBackend().get_user(inactive.pk + 1000) is None


def test_a_signed_in_page_reads_the_user_and_the_menu_roles_once(client, lessor_x):
    """Session, user with roles: the menu's staff link needs no query of its own."""
    user = UserFactory()
    MembershipFactory(user=user, lessor=lessor_x, role=StaffRole.CLERK)
    client.force_login(user, backend=BACKEND)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accessibility/")
    assert reverse("tenders:staff_list") in response.content.decode()
    sql = [q["sql"] for q in queries]
    assert not any(s.startswith('SELECT "lessor_id", "role"') for s in sql), sql
    assert sum('FROM "housing_user"' in s for s in sql) == 1


def test_signing_in_sets_this_backend(client):
    user = UserFactory()
    response = client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_a_wrong_password_is_checked_once_and_reported_once(monkeypatch, rf):
    user = UserFactory()
    checks = []
    original = type(user).check_password

    def counted(self, raw):
        checks.append(raw)
        return original(self, raw)

    monkeypatch.setattr(type(user), "check_password", counted)
    failed = []

    def on_failed(sender, credentials, request, **kwargs):
        failed.append(credentials["username"])

    user_login_failed.connect(on_failed)
    try:
        request = rf.post("/accounts/login/")
        assert authenticate(request, username=user.email, password="wrong") is None
        assert authenticate(request, username=user.email, password=PASSWORD) == user
    finally:
        user_login_failed.disconnect(on_failed)
    # ModelBackend, listed after UserBackend, did not check the wrong password again.
    assert checks == ["wrong", PASSWORD]
    assert failed == [user.email]


def test_a_session_from_before_this_backend_stays_signed_in(client, lessor_x):
    """A session naming ModelBackend (signed in before UserBackend existed) is
    served by it, roles included."""
    user = UserFactory()
    MembershipFactory(user=user, lessor=lessor_x, role=StaffRole.CLERK)
    client.force_login(user, backend=OLD_BACKEND)
    assert client.session[BACKEND_SESSION_KEY] == OLD_BACKEND
    response = client.get("/accessibility/")
    assert reverse("tenders:staff_list") in response.content.decode()
    assert reverse("account") in response.content.decode()

    class Request:
        session = client.session

    found = get_user(Request())
    assert found == user
    assert type(found)._meta.label == "housing.User"


def test_a_changed_password_still_signs_out_other_sessions(client):
    """Django's session check (the password's hash in the session) is unchanged."""
    user = UserFactory()
    client.force_login(user, backend=BACKEND)
    assert client.get(reverse("account")).status_code == 200
    user.set_password("Another-long-password-42")
    user.save()
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
