"""The audit trail: who changed what and when (GDPR Art. 5(2), 32; ZVOP-2 processing log).

django-simple-history keeps a historical row for every create, change and delete of the
audited models; ``HistoryRequestMiddleware`` records the acting user. This module adds:

- :class:`AuditHistoricalRecords`: ``HistoricalRecords`` that keep the acting user's id as a
  plain number, so deleting a user later never rewrites (``SET NULL``) the audit rows that
  name them;
- a guard that refuses, in the ORM, to update or delete an existing historical row
  (:func:`connect_guards`, called from ``HousingConfig.ready``);
- the same rule in PostgreSQL (:func:`install_database_guards`, run after every
  ``migrate``): a trigger on every historical table refuses ``UPDATE`` and ``DELETE``, so
  ``QuerySet.update()``, bulk deletes and raw SQL are refused too. ``TRUNCATE`` (Django's
  ``flush``, used between browser tests) is left alone. SQLite, the quick-start
  database, has no ``TRUNCATE``: its ``flush`` deletes rows, so it gets the ORM guard
  only. Only a table's owner can switch the trigger off, for a deliberate retention
  deletion (``docs/operations.md``); production grants should still keep the
  application's role from owning these tables (``docs/security.md``);
- one registry of every refusing trigger of the project (:func:`register_guard`): the
  review's append-only logs and the lists' published versions, decisions and appeals
  register theirs from their apps' ``ready()``, and the one installer creates them all;
  :func:`guarded_tables` reads back what the database holds.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connections, models
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


# --- The same rule in the database ------------------------------------------------------

TRIGGER = "najem_audit_immutable"
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit record in % cannot be changed or deleted (%)',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def historical_tables() -> list[str]:
    """The database tables of every historical (audit) model, sorted."""
    return sorted(
        {m._meta.db_table for m in apps.get_models() if is_historical_model(m)}
    )


# --- One registry of the refusing triggers ----------------------------------------------


@dataclass(frozen=True)
class GuardKind:
    """One refusing trigger: its name (also its PL/pgSQL function's), the function's
    ``CREATE OR REPLACE FUNCTION`` statement (built from constants only) and the
    events it fires on (``BEFORE <events> ... FOR EACH ROW``)."""

    name: str
    function_sql: str
    events: str = "UPDATE OR DELETE"


#: The audit history's trigger: refuses every ``UPDATE`` and ``DELETE``. Also used by
#: other append-only tables (the review's logs).
AUDIT = GuardKind(TRIGGER, _PG_FUNCTION)

#: Tables guarded beside the historical ones: model label -> trigger
#: (:func:`register_guard`, called from the apps' ``ready()``).
_REGISTERED: dict[str, GuardKind] = {}


def register_guard(label: str, kind: GuardKind) -> None:
    """Guard the table of the model ``label`` (``"app_label.ModelName"``) with the
    trigger ``kind`` on PostgreSQL, installed by :func:`install_database_guards`
    after every ``migrate``. Idempotent; a model has one guard.

    :raises ValueError: when ``label`` is already guarded by another trigger.
    """
    known = _REGISTERED.get(label)
    if known is not None and known != kind:
        raise ValueError(f"{label} is already guarded by {known.name}")
    _REGISTERED[label] = kind


def registered_guards() -> dict[str, GuardKind]:
    """Every guarded table -> its trigger: the historical (audit) tables and the
    tables registered with :func:`register_guard`, sorted by table."""
    guards = dict.fromkeys(historical_tables(), AUDIT)
    for label, kind in _REGISTERED.items():
        guards[apps.get_model(label)._meta.db_table] = kind
    return dict(sorted(guards.items()))


def _trigger_statements(table: str, quote: Any, kind: GuardKind = AUDIT) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {kind.name} ON {quote(table)}",
        f"CREATE TRIGGER {kind.name} BEFORE {kind.events} ON {quote(table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {kind.name}()",
    ]


def install_database_guards(using: str = "default", **kwargs: Any) -> list[str]:
    """Create (or re-create) every registered refusing trigger on its table, where the
    table exists: the historical tables and those of :func:`register_guard`.

    Idempotent; connected to ``post_migrate`` (once, by ``housing``) so that a new
    guarded model is guarded as soon as its table is migrated. PostgreSQL only: other
    databases get the ORM guards alone.

    :returns: the tables now guarded, sorted.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    existing = set(connection.introspection.table_names())
    guards = {t: k for t, k in registered_guards().items() if t in existing}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for kind in {k.name: k for k in guards.values()}.values():
            cursor.execute(kind.function_sql)
        for table, kind in guards.items():
            for statement in _trigger_statements(table, quote, kind):
                cursor.execute(statement)
    return list(guards)


def database_guards(using: str = "default") -> dict[str, str]:
    """What the database holds: every table carrying an enabled trigger of the
    registry -> the trigger's name (PostgreSQL; empty elsewhere)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return {}
    names = sorted({AUDIT.name} | {k.name for k in _REGISTERED.values()})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = ANY(%s) AND t.tgenabled <> 'D'",
            [names],
        )
        return dict(sorted(cursor.fetchall()))


def guarded_tables(using: str = "default") -> list[str]:
    """The tables that carry an enabled refusing trigger of the registry
    (PostgreSQL)."""
    return list(database_guards(using))
