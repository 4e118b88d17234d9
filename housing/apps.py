from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Lessors and housing")

    def ready(self) -> None:
        # Audit rows are insert-only: refuse ORM updates and deletes of them.
        from .audit import connect_guards

        connect_guards()
