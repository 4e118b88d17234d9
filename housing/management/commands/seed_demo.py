"""Demo data for trying Najem out: lessors, staff of every role, applicants.

Staff and the superuser get a backup-code device holding the demo code, so they can
pass the second factor without an authenticator app. A backup code works once: a
second run restores a used code and otherwise finds everything in place and changes
nothing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from applications.demo_seed import seed_demo_applications
from housing.constants import LessorType, StaffRole
from housing.models import User
from housing.services import (
    lessor_ensure,
    membership_ensure,
    otp_static_device_ensure,
    user_ensure,
)
from tenders.demo import seed_demo_tenders

DEMO_PASSWORD = "Najem-demo-2026"  # noqa: S105 (published demo password)
DEMO_OTP_DEVICE = "demo"
DEMO_OTP_TOKEN = "123456"  # noqa: S105 (published demo backup code)

JSS_MUNICIPALITIES = [
    "Ljubljana",
    "Brezovica",
    "Dobrova - Polhov Gradec",
    "Ig",
    "Medvode",
    "Škofljica",
]

DEMO_USERS = [
    # email, full name, superuser, (lessor slug, role) or None
    ("admin@najem.test", "Ana Administratorka", True, None),
    (
        "lessor-admin@najem.test",
        "Luka Skrbnik",
        False,
        ("jss-ljubljana", StaffRole.LESSOR_ADMIN),
    ),
    (
        "chair@najem.test",
        "Cvetka Predsednica",
        False,
        ("jss-ljubljana", StaffRole.COMMISSION_CHAIR),
    ),
    (
        "commission@najem.test",
        "Matej Član",
        False,
        ("jss-ljubljana", StaffRole.COMMISSION_MEMBER),
    ),
    ("clerk@najem.test", "Katja Referentka", False, ("jss-ljubljana", StaffRole.CLERK)),
    (
        "commission@kranj.najem.test",
        "Žiga Kranjski",
        False,
        ("obcina-kranj", StaffRole.COMMISSION_MEMBER),
    ),
    ("applicant1@najem.test", "Maja Novak", False, None),
    ("applicant2@najem.test", "Samir Hodžić", False, None),
]


# The demo lessors' letterheads (issue 11: the invitation is an official document).
LETTERHEADS = {
    "jss-ljubljana": {
        "code": "JSS",
        "address": "Zarnikova ulica 3",
        "postal_code": "1000",
        "town": "Ljubljana",
        "email": "razpis@jss-ljubljana.example",
        "phone": "01 306 19 00",
        "website": "https://jss-ljubljana.example",
        "signatory": "mag. Ana Kovač, direktorica",
    },
    "obcina-kranj": {
        "code": "KR",
        "address": "Slovenski trg 1",
        "postal_code": "4000",
        "town": "Kranj",
        "email": "stanovanja@kranj.example",
        "phone": "04 237 31 00",
        "website": "",
        "signatory": "Marko Zupan, župan",
    },
}


def _fill_letterhead(lessor, fields: dict[str, str]) -> None:
    """Fill the letterhead fields that are still empty (an edit is never undone)."""
    changed = [name for name, value in fields.items() if not getattr(lessor, name)]
    for name in changed:
        setattr(lessor, name, fields[name])
    if changed:
        lessor._history_user = None
        lessor.save(update_fields=changed)


class Command(BaseCommand):
    help = "Create demo lessors, staff and applicants (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-applications",
            action="store_true",
            help="lessors, users and tenders only (no applications, reviews, lists)",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        lessors = {}
        lessors["jss-ljubljana"], new = lessor_ensure(
            name="JSS Ljubljana",
            slug="jss-ljubljana",
            type=LessorType.PUBLIC_HOUSING_FUND,
            municipalities=JSS_MUNICIPALITIES,
        )
        created += new
        lessors["obcina-kranj"], new = lessor_ensure(
            name="Občina Kranj",
            slug="obcina-kranj",
            type=LessorType.MUNICIPALITY,
            municipalities=["Kranj"],
        )
        created += new
        for slug, letterhead in LETTERHEADS.items():
            _fill_letterhead(lessors[slug], letterhead)
        for email, full_name, superuser, membership in DEMO_USERS:
            user, new = user_ensure(
                email=email,
                password=DEMO_PASSWORD,
                full_name=full_name,
                is_superuser=superuser,
            )
            created += new
            if membership:
                slug, role = membership
                created += membership_ensure(user=user, lessor=lessors[slug], role=role)
            if superuser or membership:
                created += otp_static_device_ensure(
                    user=user, name=DEMO_OTP_DEVICE, token=DEMO_OTP_TOKEN
                )
        created += seed_demo_tenders(
            lessor=lessors["jss-ljubljana"],
            published_by=User.objects.get(email="lessor-admin@najem.test"),
        )
        if not options["without_applications"]:
            created += seed_demo_applications(lessor=lessors["jss-ljubljana"])
        # The demo tenders are made public without the publish service: store their
        # invitation PDFs as publishing would (idempotent: skipped once stored).
        call_command("tender_documents_missing", stdout=self.stdout)
        self.stdout.write(f"Demo data ready ({created} objects created).")
