"""Close every published tender whose deadline has passed.

Run it every minute (cron or a systemd timer); it is idempotent. Public pages never
show a tender as open after its deadline even between runs (the selectors check the
deadline themselves).
"""

from django.core.management.base import BaseCommand

from tenders.services import tenders_close_due


class Command(BaseCommand):
    help = "Close published tenders whose application deadline has passed."

    def handle(self, *args, **options):
        closed = tenders_close_due()
        for tender in closed:
            self.stdout.write(f"Closed: {tender}")
        self.stdout.write(f"{len(closed)} tender(s) closed.")
