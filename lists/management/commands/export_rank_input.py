"""``manage.py export_rank_input TENDER_ID``: the engine input of a tender's lists.

Prints the ``rank`` input (case-format.md) of the tender's latest published version,
or, when none is published, of a fresh draft built now from the verified facts (not
saved), so that anyone can run ``python -m scoring rank -`` on it and compare the
result with the published output. The input holds every household's verified facts,
health and disability among them: special-category data (for the lessor's staff).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from applications.selectors import lodged_applications
from lists.selectors import current_version
from lists.services import build_problems, lessor_cutoffs, rank_input
from review.constants import ReviewState
from review.models import ApplicationReview
from tenders.models import Tender


class Command(BaseCommand):
    help = (
        "Print the scoring engine's rank input of the tender's latest published "
        "priority list (or of a fresh draft when none is published)."
    )

    def add_arguments(self, parser):
        parser.add_argument("tender_id", type=int)

    def handle(self, *args, tender_id: int, **options):
        try:
            tender = Tender.objects.get(pk=tender_id)
        except Tender.DoesNotExist:
            raise CommandError(f"No tender with id {tender_id}.") from None
        version = current_version(tender)
        if version is not None:
            data = version.engine_input
        else:
            problems = build_problems(tender)
            if problems:
                raise CommandError(" ".join(str(p) for p in problems))
            cases = list(
                ApplicationReview.objects.filter(
                    application__in=lodged_applications(tender),
                    state=ReviewState.VERIFIED,
                ).values_list("verified_case", flat=True)
            )
            latest = tender.list_versions.order_by("-number").first()
            cutoffs = lessor_cutoffs(latest.engine_input) if latest else {}
            data = rank_input(tender, cases, cutoffs)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
