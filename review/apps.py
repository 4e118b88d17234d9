from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Commission review")

    def ready(self) -> None:
        # The review log and the log of views of special-category data are
        # append-only: the same guards as the audit history (housing.audit).
        from django.db.models.signals import post_migrate

        from .immutable import connect_guards, install_database_guards

        connect_guards()
        post_migrate.connect(
            install_database_guards,
            sender=self,
            dispatch_uid="review-append-only-database-guards",
        )
