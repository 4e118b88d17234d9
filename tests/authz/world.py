"""The actors of the authorization matrix and the objects they act on.

Two lessors: X (every staff role of ``StaffRole``) and Y (its admin and a commission
member). Applicant A has a draft, a submitted application with an open amendment
request, and documents; applicant B has nothing of A's. Each lessor has a paper
application its clerks and commission enter. Everything is made afresh for each test.
"""

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client

from django_otp import DEVICE_ID_SESSION_KEY
from pypdf import PdfWriter

from housing.constants import StaffRole
from tests.housing.factories import (
    LessorFactory,
    MembershipFactory,
    MunicipalityFactory,
    StaticDeviceFactory,
    UserFactory,
)

ANONYMOUS = "anonymous"
APPLICANT_A = "applicant_a"
APPLICANT_B = "applicant_b"
ADMIN_X = "admin_x"
CHAIR_X = "chair_x"
MEMBER_X = "member_x"
CLERK_X = "clerk_x"
ADMIN_Y = "admin_y"
MEMBER_Y = "member_y"
SUPERUSER = "superuser"

# Staff of lessor X: one user per role of StaffRole (a new role must be added here).
STAFF_X = {
    ADMIN_X: StaffRole.LESSOR_ADMIN,
    CHAIR_X: StaffRole.COMMISSION_CHAIR,
    MEMBER_X: StaffRole.COMMISSION_MEMBER,
    CLERK_X: StaffRole.CLERK,
}
STAFF_Y = {
    ADMIN_Y: StaffRole.LESSOR_ADMIN,
    MEMBER_Y: StaffRole.COMMISSION_MEMBER,
}
ACTORS = [
    ANONYMOUS,
    APPLICANT_A,
    APPLICANT_B,
    *STAFF_X,
    *STAFF_Y,
    SUPERUSER,
]
GROUPS = {
    "applicants": {APPLICANT_A, APPLICANT_B},
    "x_staff": set(STAFF_X),
    "y_staff": set(STAFF_Y),
    "x_reviewers": {CHAIR_X, MEMBER_X, CLERK_X},  # housing.permissions.REVIEW_ROLES
    "logged_in": set(ACTORS) - {ANONYMOUS},
}


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class World:
    users: dict[str, Any]
    clients: dict[str, Client]
    objects: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]

    def ensure(self, key: str, build) -> None:
        """Objects only some cases need, built once for this world by ``build(world)``
        (which adds them to ``objects``); the other cases stay fast."""
        if key not in self.objects:
            self.objects[key] = True
            build(self)


def make_users() -> dict[str, Any]:
    x = LessorFactory(name="JSS Ljubljana", slug="jss-ljubljana")
    y = LessorFactory(name="Občina Kranj", slug="obcina-kranj", type="municipality")
    x.municipalities.set([MunicipalityFactory(name="Ljubljana")])
    y.municipalities.set([MunicipalityFactory(name="Kranj")])
    users: dict[str, Any] = {
        ANONYMOUS: None,
        APPLICANT_A: UserFactory(email="a@example.test"),
        APPLICANT_B: UserFactory(email="b@example.test"),
        SUPERUSER: UserFactory(email="root@example.test", superuser=True),
        "lessor_x": x,
        "lessor_y": y,
    }
    for lessor, staff in ((x, STAFF_X), (y, STAFF_Y)):
        for name, role in staff.items():
            user = UserFactory(email=f"{name.replace('_', '-')}@example.test")
            MembershipFactory(lessor=lessor, role=role, user=user)
            users[name] = user
    return users


def make_clients(users: dict[str, Any]) -> dict[str, Client]:
    """One client per actor; staff and the superuser verified a second factor."""
    clients = {}
    for name in ACTORS:
        client = Client()
        user = users[name]
        if user is not None:
            client.force_login(user)
            if name not in GROUPS["applicants"]:
                device = StaticDeviceFactory(user=user, tokens=[])
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        clients[name] = client
    return clients


def make_objects(users: dict[str, Any]) -> dict[str, Any]:
    from applications import services as application_services
    from tests.applications.factories import (
        AmendmentRequestFactory,
        ApplicationFactory,
        DocumentFactory,
        MemberFactory,
    )
    from tests.tenders.factories import (
        AdditionalConditionFactory,
        SubListFactory,
        TenderCategoryFactory,
        TenderFactory,
    )

    x, y = users["lessor_x"], users["lessor_y"]
    a = users[APPLICANT_A]
    o: dict[str, Any] = {"lessor_x": x, "lessor_y": y}
    # Registered, address not confirmed yet (the emailed link's account).
    o["unverified"] = UserFactory(email="unverified@example.test")
    type(o["unverified"]).objects.filter(pk=o["unverified"].pk).update(
        email_verified_at=None
    )

    # Tenders: a publishable draft of each lessor with one child of each kind.
    for key, lessor in (("x", x), ("y", y)):
        draft = TenderFactory(lessor=lessor, code=f"D{key.upper()}-2026")
        o[f"draft_{key}"] = draft
        o[f"category_{key}"] = TenderCategoryFactory(tender=draft)
        o[f"condition_{key}"] = AdditionalConditionFactory(tender=draft, points=10)
        o[f"sublist_{key}"] = SubListFactory(tender=draft)
        o[f"published_{key}"] = TenderFactory(
            lessor=lessor, published=True, code=f"P{key.upper()}-2026"
        )
    o["published_x2"] = TenderFactory(lessor=x, published=True, code="PX2-2026")
    o["closed_x"] = TenderFactory(lessor=x, closed=True, code="CX-2026")

    # Applicant A: a complete draft with a child and a document ...
    app_a = ApplicationFactory(tender=o["published_x"], applicant=a)
    MemberFactory(application=app_a)
    o["app_a"] = app_a
    o["child_a"] = MemberFactory(application=app_a, child=True)
    # ... and a submitted application with an open amendment request.
    sub_a = ApplicationFactory(tender=o["published_x2"], applicant=a)
    MemberFactory(application=sub_a)
    application_services.application_submit(application=sub_a, by=a)
    sub_a.refresh_from_db()
    o["sub_a"] = sub_a
    o["amendment_a"] = AmendmentRequestFactory(
        application=sub_a, requested_by=users[MEMBER_X]
    )

    # Paper applications (no account) of each lessor, entered by its staff.
    for key, tender, clerk in (
        ("x", o["published_x"], users[CLERK_X]),
        ("y", o["published_y"], users[MEMBER_Y]),
    ):
        paper = ApplicationFactory(tender=tender, paper=True, entered_by=clerk)
        MemberFactory(application=paper)
        o[f"paper_{key}"] = paper
        o[f"paper_child_{key}"] = MemberFactory(application=paper, child=True)

    # Background jobs (issue 13's jobs app, once installed): a failed one of lessor X
    # and a failed one without a lessor that X's commission member started.
    from django.apps import apps

    if apps.is_installed("jobs"):
        from jobs.models import Job

        for key, lessor, by in (
            ("job_x", x, users[ADMIN_X]),
            ("job_own", None, users[MEMBER_X]),
        ):
            o[key] = Job.objects.create(
                kind="ping",
                lessor=lessor,
                status="failed",
                error="RuntimeError",
                task_path="jobs.tasks.ping",
                created_by=by,
            )

    # The commission of A's submitted application's tender (issue 13): X's chair and
    # member sit on it; X's clerk does not (403 on its review pages).
    if apps.is_installed("review"):
        from review.models import CommissionSeat

        for name, role in ((CHAIR_X, "chair"), (MEMBER_X, "member")):
            CommissionSeat.objects.create(
                tender=o["published_x2"],
                user=users[name],
                role=role,
                appointed_by=users[ADMIN_X],
            )

    # Documents with a stored file (a download must find it).
    for key, application in (("a", app_a), ("paper_x", o["paper_x"])):
        document = DocumentFactory(application=application)
        document.file.save("potrdilo.pdf", ContentFile(pdf_bytes()), save=True)
        o[f"document_{key}"] = document
    return o


def _list_tender(lessor, code: str, seats: dict, appointed_by):
    """A tender like the review tests' (categories and a condition the applications
    claim), with sub-lists A1 (families) and B1 (all others) and its commission."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from review.models import CommissionSeat
    from tenders.constants import ListKind, SubListRule
    from tests.tenders.factories import (
        AdditionalConditionFactory,
        SubListFactory,
        TenderCategoryFactory,
        TenderFactory,
    )

    tender = TenderFactory(
        lessor=lessor,
        code=code,
        published=True,
        published_on=timezone.localdate() - datetime.timedelta(days=7),
        average_net_salary=Decimal("1500.00"),
    )
    TenderCategoryFactory(tender=tender, category="young_family", points=80)
    TenderCategoryFactory(
        tender=tender,
        category="other",
        slug="young-researchers",
        name="Mladi raziskovalci",
        substantiation="Občina potrebuje raziskovalce.",
        points=60,
    )
    AdditionalConditionFactory(tender=tender, code="residence_10y", points=60)
    for kind, code_, rule, dwellings in (
        (ListKind.A, "A1", SubListRule.FAMILIES, 1),
        (ListKind.B, "B1", SubListRule.ALL_OTHERS, 5),
    ):
        SubListFactory(
            tender=tender,
            list_kind=kind,
            code=code_,
            name=code_,
            rule=rule,
            dwellings=dwellings,
            position=0,
        )
    for user, role in seats.items():
        CommissionSeat.objects.create(
            tender=tender, user=user, role=role, appointed_by=appointed_by
        )
    return tender


def make_list_objects(w: World) -> None:
    """Priority lists (issue 14), only for their cases: a closed tender of each
    lessor whose applications (of other applicants than A and B, with no amendment
    request) are all verified. X's (chair, member and clerk of X seated): version 1
    built by X's chair, approved by X's member and published; version 2 a draft
    built by X's chair. Y's (Y's member seated): a draft."""
    from lists import services
    from tests.lists.conftest import close, verify
    from tests.review.conftest import make_application

    u = w.users
    for key, lessor, seats, admin in (
        (
            "x",
            u["lessor_x"],
            {u[CHAIR_X]: "chair", u[MEMBER_X]: "member", u[CLERK_X]: "clerk"},
            u[ADMIN_X],
        ),
        ("y", u["lessor_y"], {u[MEMBER_Y]: "member"}, u[ADMIN_Y]),
    ):
        tender = _list_tender(lessor, f"L{key.upper()}-2026", seats, admin)
        people = list(seats)
        # verify(): the chair opens, the clerk completes, the member verifies.
        staff = {"chair": people[0], "member": people[min(1, len(people) - 1)]}
        staff["clerk"] = people[-1]
        count = 2 if key == "x" else 1
        for n in range(count):
            applicant = UserFactory(email=f"lists-{key}{n}@example.test")
            verify(make_application(tender, applicant), staff)
        w.objects[f"lists_{key}"] = close(tender)
    x_chair, x_member = u[CHAIR_X], u[MEMBER_X]
    first = services.list_build(tender=w["lists_x"], by=x_chair)
    services.list_approve(version=first, by=x_member)
    published = services.list_publish(version=first, by=x_chair)
    # The English internal list follows in its own job after the publication.
    services.internal_list_en_render(version=published, by=x_chair)
    published.refresh_from_db()
    w.objects["list_published_x"] = published
    w.objects["list_draft_x"] = services.list_build(tender=w["lists_x"], by=x_chair)
    w.objects["list_draft_y"] = services.list_build(tender=w["lists_y"], by=u[MEMBER_Y])


def make_world() -> World:
    users = make_users()
    world = World(users=users, clients=make_clients(users))
    world.objects = make_objects(users)
    return world
