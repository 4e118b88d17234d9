from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = _("Priority lists")

    def ready(self) -> None:
        # A published version and its entries never change: ORM guards here, and on
        # PostgreSQL a trigger installed after every migrate (lists.immutable).
        from django.db.models.signals import post_migrate

        from .immutable import connect_guards, install_database_guards

        connect_guards()
        post_migrate.connect(
            install_database_guards,
            sender=self,
            dispatch_uid="lists-published-database-guards",
        )
