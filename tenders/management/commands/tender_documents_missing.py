"""Render and store the invitation PDF of every public tender that has none yet.

Tenders published before the PDFs were stored (issue 9), or made public without the
publish service (demo data), have no stored PDF: their public page shows no download
link and the PDF answers 404 until this has run. Run it once after deploying, and
after ``seed_demo``. It is idempotent: tenders that have a stored PDF are skipped.
"""

from django.core.management.base import BaseCommand

from tenders.constants import PUBLIC_STATUSES
from tenders.models import Tender
from tenders.pdf import tender_documents_publish


class Command(BaseCommand):
    help = "Store the invitation PDFs of public tenders that have none yet."

    def handle(self, *args, **options):
        missing = Tender.objects.filter(
            status__in=PUBLIC_STATUSES, documents__isnull=True
        ).order_by("pk")
        count = 0
        for tender in missing:
            documents = tender_documents_publish(tender=tender, by=None)
            self.stdout.write(f"Stored {len(documents)} PDF(s): {tender}")
            count += 1
        self.stdout.write(f"{count} tender(s) given their PDFs.")
