import io
from collections import Counter

from django.core.management import call_command

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from housing.models import Lessor, Membership, User
from tenders.models import SubList, Tender, TenderCategory, TenderEvent

pytestmark = pytest.mark.django_db


def seed(*, applications=False):
    """``seed_demo``; without the applications unless asked (they take seconds)."""
    options = {} if applications else {"without_applications": True}
    call_command("seed_demo", stdout=io.StringIO(), **options)


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
    seed()
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
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first


STAFF_EMAILS = DEMO_EMAILS - {"applicant1@najem.test", "applicant2@najem.test"}


def test_seed_demo_gives_staff_and_superuser_the_demo_backup_code():
    seed()
    devices = StaticDevice.objects.filter(name="demo", confirmed=True)
    assert set(devices.values_list("user__email", flat=True)) == STAFF_EMAILS
    for device in devices:
        assert list(device.token_set.values_list("token", flat=True)) == ["123456"]


def test_seed_demo_restores_a_used_demo_code():
    seed()
    device = StaticDevice.objects.get(user__email="chair@najem.test", name="demo")
    assert device.verify_token("123456")  # used up
    assert not device.token_set.exists()
    seed()
    assert list(device.token_set.values_list("token", flat=True)) == ["123456"]
    assert StaticDevice.objects.filter(user__email="chair@najem.test").count() == 1


def test_seed_demo_tenders_open_and_closed():
    from scoring.services import tender_rules_errors
    from tenders.selectors import tender_list_open

    seed()
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

    seed()
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
    seed()
    assert TenderDocument.objects.count() == count


def full_snapshot():
    from applications.models import (
        AmendmentRequest,
        Application,
        ApplicationSubmission,
        Member,
    )
    from lists.models import ListEntry, ListVersion
    from review.models import ApplicationReview, CommissionSeat, FactCheck

    return (
        snapshot(),
        sorted(Application.objects.values_list("pk", "code", "status", "row_version")),
        sorted(Member.objects.values_list("pk", "emso", "monthly_income")),
        sorted(ApplicationSubmission.objects.values_list("pk", "digest")),
        sorted(ApplicationReview.objects.values_list("pk", "state", "row_version")),
        sorted(FactCheck.objects.values_list("pk", "state")),
        sorted(AmendmentRequest.objects.values_list("pk", "status")),
        sorted(CommissionSeat.objects.values_list("pk", "user__email", "role")),
        sorted(ListVersion.objects.values_list("pk", "state", "data_sha256")),
        ListEntry.objects.count(),
    )


def test_seed_demo_applications_reviews_and_lists_idempotent():
    from stdnum.si import emso

    from applications.models import AmendmentRequest, Application, Member
    from lists.models import ListVersion
    from review.models import ApplicationReview

    seed(applications=True)
    first = full_snapshot()
    seed(applications=True)
    assert full_snapshot() == first
    # Every submission's receipt is left to the worker as one queued job (neither
    # dropped nor rendered in the seed); seeding again starts none more.
    from applications.models import ApplicationSubmission
    from applications.tasks import EMAIL_KIND, RECEIPTS_KIND
    from jobs.models import Job

    receipt_jobs = Job.objects.filter(kind=RECEIPTS_KIND)
    assert sorted(receipt_jobs.values_list("target_id", flat=True)) == sorted(
        str(pk) for pk in ApplicationSubmission.objects.values_list("pk", flat=True)
    )
    assert set(receipt_jobs.values_list("status", flat=True)) == {"queued"}
    # So is the confirmation email of every online submission (none for paper ones).
    email_jobs = Job.objects.filter(kind=EMAIL_KIND)
    assert sorted(email_jobs.values_list("target_id", flat=True)) == sorted(
        str(pk)
        for pk in ApplicationSubmission.objects.filter(
            application__applicant__isnull=False
        ).values_list("pk", flat=True)
    )
    assert set(email_jobs.values_list("status", flat=True)) == {"queued"}
    assert ApplicationSubmission.objects.filter(application__applicant=None).exists()

    # The open tender: applicant1 submitted, applicant2 a draft.
    assert Application.objects.get(
        tender__code="JSS-2026", applicant__email="applicant1@najem.test"
    ).status == ("submitted")
    assert (
        Application.objects.get(
            tender__code="JSS-2026", applicant__email="applicant2@najem.test"
        ).status
        == "draft"
    )
    # The closed tender: about 60 submitted, in every state of the review.
    closed = Application.objects.filter(tender__code="JSS-2025")
    assert closed.filter(status="submitted").count() == 60
    assert closed.filter(applicant=None, entered_by__email="clerk@najem.test").exists()
    reviews = ApplicationReview.objects.filter(application__tender__code="JSS-2025")
    states = Counter(reviews.values_list("state", flat=True))
    assert set(states) == {"submitted", "incomplete", "complete", "verified"}
    assert reviews.filter(rejection_state="drafted").exists()
    assert (
        AmendmentRequest.objects.filter(
            application__tender__code="JSS-2025", status="open"
        ).count()
        == states["incomplete"]
    )
    verified = reviews.filter(state="verified")
    assert verified.filter(verified_eligible=False).exists()
    reasons = {
        reason["condition"]
        for review in verified.filter(verified_eligible=False)
        for reason in review.verified_result["ineligible_reasons"]
    }
    assert {"income", "other_dwelling"} <= reasons
    lists = {r.verified_result["list"] for r in verified.filter(verified_eligible=True)}
    assert lists == {"A", "B"}
    members = Member.objects.filter(application__tender__code="JSS-2025")
    emsos = Counter(members.values_list("emso", flat=True))
    assert [e for e, n in emsos.items() if n > 1]  # the same person twice
    for member in members:
        assert emso.get_birth_date(member.emso) == member.birth_date
        assert emso.get_gender(member.emso) == member.sex
    assert set(
        reviews.first().application.tender.commission_seats.values_list(
            "user__email", "role"
        )
    ) == {
        ("chair@najem.test", "chair"),
        ("commission@najem.test", "member"),
        ("clerk@najem.test", "clerk"),
    }
    # The older tender: its lists published, approved by a second member, every
    # sub-list of list A used.
    version = ListVersion.objects.get(tender__code="JSS-2024", state="published")
    assert version.built_by.email == "chair@najem.test"
    assert version.approved_by.email == "commission@najem.test"
    assert {"A1", "A2", "A3", "A4"} <= set(
        version.entries.values_list("sub_list", flat=True)
    )
    # ... appealed and final: the decisions issued on version 1, an appeal recorded
    # by the clerk and upheld by the chair, version 2 re-ranked (it supersedes
    # version 1), its changed decisions issued, and version 2 the final list.
    from lists.models import Appeal, Decision

    older = version.tender
    assert version.number == 2
    assert version.final
    assert version.final_by.email == "chair@najem.test"
    first = ListVersion.objects.get(tender=older, number=1)
    assert first.state == "superseded"
    assert first.superseded_by == version
    assert Decision.objects.filter(version=first).count() == 14
    changed = Decision.objects.filter(version=version)
    assert 1 <= changed.count() < 14
    appeal = Appeal.objects.get(decision__version__tender=older)
    assert appeal.outcome == "upheld"
    assert appeal.recorded_by.email == "clerk@najem.test"
    assert appeal.decided_by.email == "chair@najem.test"
    assert appeal.decided_at < version.published_at < version.final_at
    # The appellant's opponent lost the rejected fact's points in version 2.
    first_codes = {e.code: e.total for e in first.entries.all()}
    moved = {e.code for e in version.entries.all() if e.total != first_codes[e.code]}
    assert len(moved) == 1
    assert moved <= set(changed.values_list("application__code", flat=True))
    for decision in Decision.objects.filter(version__tender=older):
        assert decision.sha256
        assert decision.delivered_at is not None


def test_seed_demo_older_tender_reachable_from_the_home_page(client):
    """From the home page to the archive, to the tender with its two versions, the
    final list, hashes and cut-offs, and each version's public page."""
    import re

    from lists.models import ListVersion

    seed(applications=True)
    english = {"accept-language": "en"}
    older = Tender.objects.get(code="JSS-2024")

    def links(url):
        page = client.get(url, headers=english)
        assert page.status_code == 200, url
        return page.content.decode(), set(
            re.findall(r'href="([^"#?]+)', page.content.decode())
        )

    _home, home_links = links("/")
    archive = next(u for u in home_links if u.startswith("/tenders/archive"))
    _page, archive_links = links(archive)
    assert f"/tenders/{older.pk}/" in archive_links
    text, tender_links = links(f"/tenders/{older.pk}/")
    assert "Final list" in text
    for version in ListVersion.objects.filter(tender=older):
        assert f"/lists/{version.pk}/" in tender_links
        for digest in (version.input_sha256, version.data_sha256, version.pdf_sha256):
            assert digest in text
        assert client.get(f"/lists/{version.pk}/").status_code == 200
    assert text.count("Cut-offs per sub-list") == 2
