"""Append-only tables of the review: :class:`~review.models.ReviewLog` and
:class:`~review.models.SpecialDataView`.

Rows are inserted once and never changed or deleted through the application, like the
audit history (``housing.audit``), whose guards are reused:

- the ORM: ``pre_save`` / ``pre_delete`` receivers refuse to update or delete a row, and
  the models' manager refuses ``QuerySet.update()`` and ``QuerySet.delete()`` (which
  send no per-row signals);
- PostgreSQL: the same refusing trigger as the historical tables, installed after every
  ``migrate``.
"""

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import pre_delete, pre_save

from housing.audit import (
    AUDIT,
    TRIGGER,
    AuditRecordImmutable,
    refuse_history_delete,
    refuse_history_update,
    register_guard,
)

#: The append-only models, as ``app_label.ModelName``.
APPEND_ONLY = ("review.ReviewLog", "review.SpecialDataView")


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes (no per-row signal would catch them)."""

    def update(self, **kwargs: Any) -> int:
        raise AuditRecordImmutable(
            f"{self.model._meta.label} rows are a log and cannot be changed."
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditRecordImmutable(
            f"{self.model._meta.label} rows are a log and cannot be deleted."
        )

    delete.queryset_only = True  # type: ignore[attr-defined]


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


def connect_guards() -> None:
    for label in APPEND_ONLY:
        register_guard(label, AUDIT)  # the trigger, installed by housing.audit
        model = apps.get_model(label)
        pre_save.connect(
            refuse_history_update,
            sender=model,
            dispatch_uid=f"append-only-save-{label.lower()}",
        )
        pre_delete.connect(
            refuse_history_delete,
            sender=model,
            dispatch_uid=f"append-only-delete-{label.lower()}",
        )


__all__ = [
    "APPEND_ONLY",
    "TRIGGER",
    "AppendOnlyManager",
    "AuditRecordImmutable",
    "connect_guards",
]
