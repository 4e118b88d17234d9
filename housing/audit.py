"""The audit trail: who changed what and when (GDPR Art. 5(2), 32; ZVOP-2 processing log).

django-simple-history keeps a historical row for every create, change and delete of the
audited models; ``HistoryRequestMiddleware`` records the acting user. This module adds:

- :class:`AuditHistoricalRecords`: ``HistoricalRecords`` that keep the acting user's id as a
  plain number, so deleting a user later never rewrites (``SET NULL``) the audit rows that
  name them;
- a guard that refuses, in the ORM, to update or delete an existing historical row
  (:func:`connect_guards`, called from ``HousingConfig.ready``). It works on every database;
  ``QuerySet.update()`` and raw SQL bypass it, which the database's grants must close in
  production (``docs/security.md``).
"""

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalChanges, HistoricalRecords


class AuditRecordImmutable(RuntimeError):
    """Raised when code tries to change or delete an existing audit (historical) row."""


class AuditHistoricalRecords(HistoricalRecords):
    """``HistoricalRecords`` whose acting user survives the deletion of that user.

    simple-history's default ``history_user`` is a foreign key with ``SET NULL``: deleting
    a staff user would silently erase who made their changes. A plain id column keeps it;
    ``record.history_user`` still returns the user while they exist.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "history_user_id_field",
            models.BigIntegerField(
                _("changed by (user id)"), null=True, blank=True, db_index=True
            ),
        )
        super().__init__(*args, **kwargs)

    def post_save(
        self, instance: models.Model, created: bool, using: str | None = None, **kwargs
    ) -> None:
        """Record the save, unless it wrote only fields the history leaves out.

        A login saves ``last_login`` alone (``update_fields``): that would add an empty
        version of the user at every login. django-axes logs logins instead.
        """
        update_fields = kwargs.get("update_fields")
        if (
            not created
            and update_fields
            and set(update_fields) <= set(self.excluded_fields)
        ):
            return
        super().post_save(instance, created, using=using, **kwargs)


def is_historical_model(model: type[models.Model]) -> bool:
    """Whether ``model`` is a simple-history historical model (an audit table)."""
    return issubclass(model, HistoricalChanges)


def refuse_history_update(
    sender: type[models.Model],
    instance: models.Model,
    using: str | None = None,
    **kwargs: Any,
) -> None:
    """``pre_save`` guard: a historical row may be inserted once, never updated.

    :raises AuditRecordImmutable: for a row loaded from the database, or a new object
        whose primary key names a row that already exists.
    """
    exists = not instance._state.adding or (
        instance.pk is not None
        and sender._default_manager.using(using).filter(pk=instance.pk).exists()
    )
    if exists:
        raise AuditRecordImmutable(
            f"{sender._meta.label} #{instance.pk} is an audit record and cannot be "
            "changed."
        )


def refuse_history_delete(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    """``pre_delete`` guard: historical rows are never deleted through the ORM.

    :raises AuditRecordImmutable: always.
    """
    raise AuditRecordImmutable(
        f"{sender._meta.label} #{instance.pk} is an audit record and cannot be deleted."
    )


def connect_guards() -> None:
    """Connect the guards to every historical model of the project.

    Connected per model (``sender=``), not globally: a global ``pre_delete`` receiver
    would turn off Django's fast deletes for every model.
    """
    for model in apps.get_models():
        if is_historical_model(model):
            pre_save.connect(
                refuse_history_update,
                sender=model,
                dispatch_uid=f"audit-immutable-save-{model._meta.label_lower}",
            )
            pre_delete.connect(
                refuse_history_delete,
                sender=model,
                dispatch_uid=f"audit-immutable-delete-{model._meta.label_lower}",
            )
