from django.core.management import call_command

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from housing.models import Lessor, Membership, User
from tenders.models import SubList, Tender, TenderCategory, TenderEvent

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
        sorted(
            StaticDevice.objects.values_list("pk", "user__email", "name", "confirmed")
        ),
        sorted(StaticToken.objects.values_list("pk", "device_id", "token")),
        sorted(Tender.objects.values_list("code", "status", "deadline", "updated_at")),
        sorted(TenderCategory.objects.values_list("pk", "category", "points")),
        sorted(SubList.objects.values_list("pk", "code", "dwellings")),
        sorted(TenderEvent.objects.values_list("pk", "to_status")),
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


STAFF_EMAILS = DEMO_EMAILS - {"applicant1@najem.test", "applicant2@najem.test"}


def test_seed_demo_gives_staff_and_superuser_the_demo_backup_code():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    devices = StaticDevice.objects.filter(name="demo", confirmed=True)
    assert set(devices.values_list("user__email", flat=True)) == STAFF_EMAILS
    for device in devices:
        assert list(device.token_set.values_list("token", flat=True)) == ["123456"]


def test_seed_demo_restores_a_used_demo_code():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    device = StaticDevice.objects.get(user__email="chair@najem.test", name="demo")
    assert device.verify_token("123456")  # used up
    assert not device.token_set.exists()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(device.token_set.values_list("token", flat=True)) == ["123456"]
    assert StaticDevice.objects.filter(user__email="chair@najem.test").count() == 1


def test_seed_demo_tenders_open_and_closed():
    from scoring.services import tender_rules_errors
    from tenders.selectors import tender_list_open

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    open_tender = Tender.objects.get(code="JSS-2026")
    assert list(tender_list_open()) == [open_tender]
    assert open_tender.lessor.name == "JSS Ljubljana"
    assert open_tender.dwellings_list_a + open_tender.dwellings_list_b == 150
    assert sum(s.dwellings for s in open_tender.sublists.all()) == 150
    assert [s.code for s in open_tender.sublists.all()] == [
        "A1",
        "A2",
        "A3",
        "A4",
        "B1",
        "B2",
        "B3",
        "B4",
    ]
    assert open_tender.categories.count() == 10
    assert tender_rules_errors(open_tender) == []
    assert Tender.objects.get(code="JSS-2025").status == "closed"


def test_seed_demo_stores_the_invitation_pdfs_of_its_public_tenders(client):
    from tenders.constants import PUBLIC_STATUSES
    from tenders.models import TenderDocument

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    public = Tender.objects.filter(status__in=PUBLIC_STATUSES)
    assert public.exists()
    for tender in public:
        languages = set(
            TenderDocument.objects.filter(tender=tender).values_list(
                "language", flat=True
            )
        )
        assert languages == {"sl", "en"}
        response = client.get(f"/tenders/{tender.pk}/invitation.pdf")
        assert response.status_code == 200
    # Run again: nothing more is rendered.
    count = TenderDocument.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert TenderDocument.objects.count() == count
