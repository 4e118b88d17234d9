"""A published list version never changes (issue 14, 2).

Like the audit history (``housing.audit``), the rule holds twice:

- the ORM: ``pre_save`` / ``pre_delete`` receivers refuse to change or delete a
  published (or superseded) :class:`~lists.models.ListVersion`, and to add, change or
  delete its entries and cut-off changes; the models' querysets refuse
  ``update()`` / ``delete()`` touching one (``lists.models.FrozenQuerySet``);
- PostgreSQL: triggers installed after every ``migrate`` refuse the same ``UPDATE``,
  ``DELETE`` (and ``INSERT`` of entries), so raw SQL is refused too.

Issued decisions and recorded appeals (Art. 24) are kept the same way: a
:class:`~lists.models.Decision` is never deleted, and changes only once in each of
the columns filled after it is issued (its PDF with the SHA-256, the delivery date
the clerk records, the time the email went out); an :class:`~lists.models.Appeal` is
never deleted, and changes only once: from pending to its outcome (rejected or
upheld) with the reason, who decided and when. The triggers are registered in the
one registry of ``housing.audit`` (``register_guard``), whose
installer creates them after every ``migrate``.

The changes allowed on a published version: the one publishing the next makes
(``state`` to ``superseded`` with ``superseded_by`` set), and publishing it as the
final list after the appeals (``final`` to true with ``final_by``/``final_at`` set,
Art. 24(5)); and its internal list in English with its SHA-256, rendered by a job
after the publication, once, from empty; every other column equal.
SQLite (the quick start) gets the ORM guard only.
"""

from typing import Any

from django.db.models.signals import pre_delete, pre_save

from housing.audit import GuardKind, register_guard

from .constants import FROZEN_STATES, AppealOutcome, ListState

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
    IF TG_OP = 'UPDATE' AND OLD.internal_pdf_en = '' AND OLD.internal_pdf_en_sha256 = ''
        AND NEW.internal_pdf_en <> '' AND NEW.internal_pdf_en_sha256 <> ''
        AND (to_jsonb(NEW) - 'internal_pdf_en' - 'internal_pdf_en_sha256')
            = (to_jsonb(OLD) - 'internal_pdf_en' - 'internal_pdf_en_sha256') THEN
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


DECISION_TRIGGER = "najem_decision_issued"
APPEAL_TRIGGER = "najem_appeal_recorded"

#: Columns of a decision filled once after it is issued, each group allowed to change
#: only from empty: (the column that shows it is empty, the columns it brings).
DECISION_SET_ONCE = (
    ("sha256", ("pdf", "sha256")),
    ("delivered_at", ("delivered_at", "delivery_recorded_by_id")),
    ("emailed_at", ("emailed_at",)),
)
#: Columns of an appeal that its outcome fills (once, from pending).
APPEAL_OUTCOME_FIELDS = ("outcome", "outcome_reason", "decided_by_id", "decided_at")


def _array(columns) -> str:
    return "ARRAY[" + ", ".join(f"'{c}'" for c in columns) + "]::text[]"


def _empty(column: str, row: str) -> str:
    if column == "sha256":
        return f"{row}.{column} = ''"
    return f"{row}.{column} IS NULL"


_DECISION_SET_ONCE_SQL = "\n".join(
    f"""        IF {_empty(flag, "OLD")} AND NOT {_empty(flag, "NEW")} THEN
            allowed := allowed || {_array(columns)};
        END IF;"""
    for flag, columns in DECISION_SET_ONCE
)

# Built from constants only (no input), so no injection.
_DECISION_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {DECISION_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    allowed text[] := ARRAY[]::text[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
{_DECISION_SET_ONCE_SQL}
        IF (to_jsonb(NEW) - allowed) = (to_jsonb(OLD) - allowed) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'issued decision % cannot be changed or deleted (%)',
        OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""  # nosec B608 - built from constants only

_APPEAL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {APPEAL_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.outcome = '{AppealOutcome.PENDING}'
        AND NEW.outcome IN ('{AppealOutcome.REJECTED}', '{AppealOutcome.UPHELD}')
        AND NEW.outcome_reason <> ''
        AND NEW.decided_by_id IS NOT NULL AND NEW.decided_at IS NOT NULL
        AND (to_jsonb(NEW) - {_array(APPEAL_OUTCOME_FIELDS)})
            = (to_jsonb(OLD) - {_array(APPEAL_OUTCOME_FIELDS)}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'recorded appeal % cannot be changed or deleted (%)',
        OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""  # nosec B608 - built from constants only

VERSION_GUARD = GuardKind(VERSION_TRIGGER, _VERSION_FUNCTION)
CHILD_GUARD = GuardKind(CHILD_TRIGGER, _CHILD_FUNCTION, "INSERT OR UPDATE OR DELETE")
DECISION_GUARD = GuardKind(DECISION_TRIGGER, _DECISION_FUNCTION)
APPEAL_GUARD = GuardKind(APPEAL_TRIGGER, _APPEAL_FUNCTION)

#: The lists' tables and their triggers (registered in ``housing.audit``).
GUARDS = {
    "lists.ListVersion": VERSION_GUARD,
    "lists.ListEntry": CHILD_GUARD,
    "lists.CutoffOverride": CHILD_GUARD,
    "lists.Decision": DECISION_GUARD,
    "lists.Appeal": APPEAL_GUARD,
}


class ListVersionImmutable(RuntimeError):
    """Raised when code tries to change a published list version or its rows."""


def _stored_state(model, pk) -> str | None:
    return model._default_manager.filter(pk=pk).values_list("state", flat=True).first()


_SUPERSEDE_FIELDS = frozenset({"state", "superseded_by", "superseded_by_id"})
_FINAL_FIELDS = frozenset({"final", "final_by_id", "final_at"})
# The English internal list, rendered after the publication (set once, from empty).
_INTERNAL_EN_FIELDS = frozenset({"internal_pdf_en", "internal_pdf_en_sha256"})


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
    if (
        changed <= _INTERNAL_EN_FIELDS
        and not stored.internal_pdf_en
        and not stored.internal_pdf_en_sha256
        and instance.internal_pdf_en
        and instance.internal_pdf_en_sha256
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


class DecisionImmutable(ListVersionImmutable):
    """Raised when code tries to change an issued decision or a recorded appeal."""


def _changed(sender, stored, instance) -> set[str]:
    return {
        f.attname
        for f in sender._meta.concrete_fields
        if getattr(stored, f.attname) != getattr(instance, f.attname)
    }


def refuse_decision_change(sender, instance, **kwargs: Any) -> None:
    """``pre_save``: an issued decision changes only where a column is filled once
    (:data:`DECISION_SET_ONCE`)."""
    if instance._state.adding or instance.pk is None:
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    if stored is None:
        return
    allowed: set[str] = set()
    for flag, columns in DECISION_SET_ONCE:
        if not getattr(stored, flag) and getattr(instance, flag):
            allowed |= set(columns)
    if not _changed(sender, stored, instance) <= allowed:
        raise DecisionImmutable(
            f"Decision #{instance.pk} is issued and cannot be changed."
        )


def refuse_appeal_change(sender, instance, **kwargs: Any) -> None:
    """``pre_save``: a recorded appeal changes once, from pending to its outcome."""
    if instance._state.adding or instance.pk is None:
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    if stored is None:
        return
    changed = _changed(sender, stored, instance)
    if not changed:
        return
    if (
        stored.outcome == AppealOutcome.PENDING
        and instance.outcome in (AppealOutcome.REJECTED, AppealOutcome.UPHELD)
        and instance.outcome_reason
        and instance.decided_by_id
        and instance.decided_at
        and changed <= set(APPEAL_OUTCOME_FIELDS)
    ):
        return
    raise DecisionImmutable(f"Appeal #{instance.pk} is recorded and cannot be changed.")


def refuse_delete(sender, instance, **kwargs: Any) -> None:
    """``pre_delete``: decisions and appeals are never deleted."""
    raise DecisionImmutable(f"{sender._meta.label} #{instance.pk} cannot be deleted.")


def connect_guards() -> None:
    from .models import Appeal, CutoffOverride, Decision, ListEntry, ListVersion

    for label, kind in GUARDS.items():
        register_guard(label, kind)  # the triggers, installed by housing.audit
    pre_save.connect(
        refuse_decision_change, sender=Decision, dispatch_uid="lists-decision-save"
    )
    pre_save.connect(
        refuse_appeal_change, sender=Appeal, dispatch_uid="lists-appeal-save"
    )
    for model in (Decision, Appeal):
        pre_delete.connect(
            refuse_delete,
            sender=model,
            dispatch_uid=f"lists-delete-{model._meta.label_lower}",
        )

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
