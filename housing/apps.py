from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Lessors and housing")

    def ready(self) -> None:
        # Audit rows are insert-only: refuse ORM updates and deletes of them.
        from django.db.models.signals import post_migrate

        from .audit import connect_guards, install_database_guards

        connect_guards()
        # And in the database: triggers on every historical table, after each migrate.
        post_migrate.connect(
            install_database_guards, sender=self, dispatch_uid="audit-database-guards"
        )
