import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# Factories are imported inside the fixtures: the scoring engine's tests run without
# Django (pytest -p no:django), and importing models here would need its settings.


@pytest.fixture
def lessor_x(db):
    from tests.housing.factories import LessorFactory

    return LessorFactory(name="JSS Ljubljana", slug="jss-ljubljana")


@pytest.fixture
def lessor_y(db):
    from tests.housing.factories import LessorFactory

    return LessorFactory(name="Občina Kranj", slug="obcina-kranj", type="municipality")


@pytest.fixture
def actors(db, lessor_x, lessor_y):
    """Every role the authorization tests walk: one user each."""
    from housing.constants import StaffRole
    from tests.housing.factories import MembershipFactory, UserFactory

    def staff(lessor, role, email):
        return MembershipFactory(
            lessor=lessor, role=role, user=UserFactory(email=email)
        ).user

    return {
        "anonymous": None,
        "applicant_a": UserFactory(email="a@example.test"),
        "applicant_b": UserFactory(email="b@example.test"),
        "member_x": staff(
            lessor_x, StaffRole.COMMISSION_MEMBER, "member-x@example.test"
        ),
        "member_y": staff(
            lessor_y, StaffRole.COMMISSION_MEMBER, "member-y@example.test"
        ),
        "admin_x": staff(lessor_x, StaffRole.LESSOR_ADMIN, "admin-x@example.test"),
        "superuser": UserFactory(email="root@example.test", superuser=True),
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: request limits (password reset) count
    there, and one test's requests must not count against the next one's."""
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()


# --- Browser tests (Playwright driving Debian's Chromium) -------------------------


def pytest_collection_modifyitems(config, items):
    """Browser tests never skip silently in CI: a missing Chromium fails there."""
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        return  # let them fail loudly
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# --- Accounts: django-axes and the second factor -----------------------------------


@pytest.fixture(autouse=True)
def _client_login_passes_a_request(monkeypatch):
    """``client.login()`` works with django-axes on.

    Axes refuses ``authenticate()`` without a request, and the test client's
    ``login()`` passes none: give it an empty one (axes' documented advice). Failed
    ``client.login()`` calls count against (email, no address) like any other.
    """
    from django.http import HttpRequest
    from django.test import Client

    original = Client.login

    def login(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture
def otp_login(db):
    """Log a user in on a test client with a second factor verified in the session.

    ``otp_login(client, user)`` gives the user a backup-code device and returns it;
    use it for staff pages (``housing.mixins``) and the Django admin.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.housing.factories import StaticDeviceFactory

    def login(client, user):
        device = StaticDeviceFactory(user=user, tokens=[])
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return device

    return login
