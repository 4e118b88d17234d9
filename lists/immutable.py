"""A published list version never changes (issue 14, 2).

Like the audit history (``housing.audit``), the rule holds twice:

- the ORM: ``pre_save`` / ``pre_delete`` receivers refuse to change or delete a
  published (or superseded) :class:`~lists.models.ListVersion`, and to add, change or
  delete its entries and cut-off changes; the models' querysets refuse
  ``update()`` / ``delete()`` touching one (``lists.models.FrozenQuerySet``);
- PostgreSQL: triggers installed after every ``migrate`` refuse the same ``UPDATE``,
  ``DELETE`` (and ``INSERT`` of entries), so raw SQL is refused too.

The changes allowed on a published version: the one publishing the next makes
(``state`` to ``superseded`` with ``superseded_by`` set), and publishing it as the
final list after the appeals (``final`` to true with ``final_by``/``final_at`` set,
Art. 24(5)); every other column equal.
SQLite (the quick start) gets the ORM guard only.
"""

from typing import Any

from django.db import connections
from django.db.models.signals import pre_delete, pre_save

from .constants import FROZEN_STATES, ListState

VERSION_TRIGGER = "najem_list_version_frozen"
CHILD_TRIGGER = "najem_list_child_frozen"
_FROZEN_SQL = ", ".join(f"'{s}'" for s in sorted(FROZEN_STATES))

_VERSION_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {VERSION_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state NOT IN ({_FROZEN_SQL}) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.state = '{ListState.PUBLISHED}'
        AND NEW.state = '{ListState.SUPERSEDED}'
        AND OLD.superseded_by_id IS NULL AND NEW.superseded_by_id IS NOT NULL
        AND (to_jsonb(NEW) - 'state' - 'superseded_by_id')
            = (to_jsonb(OLD) - 'state' - 'superseded_by_id') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.state = '{ListState.PUBLISHED}'
        AND NEW.state = '{ListState.PUBLISHED}'
        AND NOT OLD.final AND NEW.final
        AND NEW.final_by_id IS NOT NULL AND NEW.final_at IS NOT NULL
        AND (to_jsonb(NEW) - 'final' - 'final_by_id' - 'final_at')
            = (to_jsonb(OLD) - 'final' - 'final_by_id' - 'final_at') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'published list version % cannot be changed or deleted (%)',
        OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""

# Built from constants only (no input), so no injection.
_CHILD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {CHILD_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    frozen boolean;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT state IN ({_FROZEN_SQL}) INTO frozen
            FROM lists_listversion WHERE id = OLD.version_id;
        IF frozen THEN
            RAISE EXCEPTION 'row of published list version % in % cannot be changed (%)',
                OLD.version_id, TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        SELECT state IN ({_FROZEN_SQL}) INTO frozen
            FROM lists_listversion WHERE id = NEW.version_id;
        IF frozen THEN
            RAISE EXCEPTION 'published list version % cannot get rows in % (%)',
                NEW.version_id, TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$
"""  # noqa: S608  # nosec B608 - built from constants only


class ListVersionImmutable(RuntimeError):
    """Raised when code tries to change a published list version or its rows."""


def _stored_state(model, pk) -> str | None:
    return model._default_manager.filter(pk=pk).values_list("state", flat=True).first()


_SUPERSEDE_FIELDS = frozenset({"state", "superseded_by", "superseded_by_id"})
_FINAL_FIELDS = frozenset({"final", "final_by_id", "final_at"})


def refuse_version_change(sender, instance, **kwargs: Any) -> None:
    """``pre_save``: a frozen version changes only from published to superseded."""
    if instance._state.adding or instance.pk is None:
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    if stored is None or stored.state not in FROZEN_STATES:
        return
    changed = {
        f.attname
        for f in sender._meta.concrete_fields
        if getattr(stored, f.attname) != getattr(instance, f.attname)
    }
    if (
        stored.state == ListState.PUBLISHED
        and instance.state == ListState.SUPERSEDED
        and changed <= _SUPERSEDE_FIELDS
        and instance.superseded_by_id
    ):
        return
    if (
        stored.state == ListState.PUBLISHED
        and instance.state == ListState.PUBLISHED
        and not stored.final
        and instance.final
        and instance.final_by_id
        and instance.final_at
        and changed <= _FINAL_FIELDS
    ):
        return
    raise ListVersionImmutable(
        f"List version #{instance.pk} is published and cannot be changed."
    )


def refuse_version_delete(sender, instance, **kwargs: Any) -> None:
    """``pre_delete``: a frozen version is never deleted."""
    if _stored_state(sender, instance.pk) in FROZEN_STATES:
        raise ListVersionImmutable(
            f"List version #{instance.pk} is published and cannot be deleted."
        )


def _version_frozen(version_id) -> bool:
    from .models import ListVersion

    return _stored_state(ListVersion, version_id) in FROZEN_STATES


def refuse_child_change(sender, instance, **kwargs: Any) -> None:
    """``pre_save``: no row is added to or changed in a frozen version."""
    old_version = None
    if not instance._state.adding and instance.pk is not None:
        old_version = (
            sender._default_manager.filter(pk=instance.pk)
            .values_list("version_id", flat=True)
            .first()
        )
    for version_id in {old_version, instance.version_id} - {None}:
        if _version_frozen(version_id):
            raise ListVersionImmutable(
                f"{sender._meta.label}: list version #{version_id} is published and "
                "cannot be changed."
            )


def refuse_child_delete(sender, instance, **kwargs: Any) -> None:
    if _version_frozen(instance.version_id):
        raise ListVersionImmutable(
            f"{sender._meta.label}: list version #{instance.version_id} is published "
            "and cannot be changed."
        )


def connect_guards() -> None:
    from .models import CutoffOverride, ListEntry, ListVersion

    pre_save.connect(
        refuse_version_change, sender=ListVersion, dispatch_uid="lists-version-save"
    )
    pre_delete.connect(
        refuse_version_delete, sender=ListVersion, dispatch_uid="lists-version-delete"
    )
    for model in (ListEntry, CutoffOverride):
        label = model._meta.label_lower
        pre_save.connect(
            refuse_child_change, sender=model, dispatch_uid=f"lists-save-{label}"
        )
        pre_delete.connect(
            refuse_child_delete, sender=model, dispatch_uid=f"lists-delete-{label}"
        )


def install_database_guards(using: str = "default", **kwargs: Any) -> list[str]:
    """Create (or re-create) the triggers (PostgreSQL only); idempotent.

    :returns: the tables now guarded.
    """
    from .models import CutoffOverride, ListEntry, ListVersion

    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    existing = set(connection.introspection.table_names())
    version_table = ListVersion._meta.db_table
    if version_table not in existing:
        return []
    quote = connection.ops.quote_name
    guarded = [version_table]
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_FUNCTION)
        cursor.execute(_CHILD_FUNCTION)
        cursor.execute(
            f"DROP TRIGGER IF EXISTS {VERSION_TRIGGER} ON {quote(version_table)}"
        )
        cursor.execute(
            f"CREATE TRIGGER {VERSION_TRIGGER} BEFORE UPDATE OR DELETE ON "
            f"{quote(version_table)} FOR EACH ROW EXECUTE FUNCTION {VERSION_TRIGGER}()"
        )
        for model in (ListEntry, CutoffOverride):
            table = model._meta.db_table
            if table not in existing:
                continue
            cursor.execute(f"DROP TRIGGER IF EXISTS {CHILD_TRIGGER} ON {quote(table)}")
            cursor.execute(
                f"CREATE TRIGGER {CHILD_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE ON "
                f"{quote(table)} FOR EACH ROW EXECUTE FUNCTION {CHILD_TRIGGER}()"
            )
            guarded.append(table)
    return guarded
