from django.core.management import call_command

import pytest

from housing.models import Lessor, Membership, User

pytestmark = pytest.mark.django_db

DEMO_EMAILS = {
    "admin@najem.test",
    "lessor-admin@najem.test",
    "chair@najem.test",
    "commission@najem.test",
    "clerk@najem.test",
    "commission@kranj.najem.test",
    "applicant1@najem.test",
    "applicant2@najem.test",
}


def snapshot():
    return (
        sorted(User.objects.values_list("email", "password", "is_superuser")),
        sorted(Lessor.objects.values_list("name", "type")),
        sorted(Membership.objects.values_list("user__email", "lessor__slug", "role")),
    )


def test_seed_demo_creates_lessors_users_and_roles():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(User.objects.values_list("email", flat=True)) >= DEMO_EMAILS
    jss = Lessor.objects.get(name="JSS Ljubljana")
    assert jss.type == "public_fund"
    assert Lessor.objects.get(name="Občina Kranj").type == "municipality"
    roles = set(jss.memberships.values_list("role", flat=True))
    assert roles == {"lessor_admin", "commission_chair", "commission_member", "clerk"}
    assert User.objects.get(email="admin@najem.test").is_superuser
    assert User.objects.get(email="applicant1@najem.test").check_password(
        "Najem-demo-2026"
    )
    kranj = Membership.objects.get(user__email="commission@kranj.najem.test")
    assert kranj.lessor.slug == "obcina-kranj"


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == first
