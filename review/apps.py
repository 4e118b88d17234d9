from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Commission review")

    def ready(self) -> None:
        # The review log and the log of views of special-category data are
        # append-only: the same guards as the audit history (housing.audit, whose
        # installer creates the PostgreSQL trigger registered here).
        from .immutable import connect_guards

        connect_guards()
