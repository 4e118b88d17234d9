"""Daily job: expire amendment requests past their deadline and draft the rejections
(Art. 20(3)) for the commission to issue."""

from django.core.management.base import BaseCommand

from review.services import amendments_expire


class Command(BaseCommand):
    help = "Expire amendment requests past their deadline; draft Art. 20(3) rejections."

    def handle(self, *args, **options) -> None:
        expired = amendments_expire()
        self.stdout.write(f"{len(expired)} amendment request(s) expired.")
