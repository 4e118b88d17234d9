from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = _("Priority lists")

    def ready(self) -> None:
        # A published version and its entries, the issued decisions and the recorded
        # appeals never change: ORM guards here, and on PostgreSQL triggers registered
        # with housing.audit, whose installer creates them after every migrate.
        from .immutable import connect_guards

        connect_guards()
