import os
import shutil

import pytest

from tests.housing.factories import LessorFactory, MembershipFactory, UserFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def lessor_x(db):
    return LessorFactory(name="JSS Ljubljana", slug="jss-ljubljana")


@pytest.fixture
def lessor_y(db):
    return LessorFactory(name="Občina Kranj", slug="obcina-kranj", type="municipality")


@pytest.fixture
def actors(db, lessor_x, lessor_y):
    """Every role the authorization tests walk: one user each."""
    from housing.constants import StaffRole

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
