"""Reads for the housing app."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalChanges
from simple_history.utils import get_m2m_reverse_field_name

from .models import User

HISTORY_TYPE_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass(frozen=True)
class FieldChange:
    """One field of one version: its value before and after.

    ``old`` and ``new`` are ready to show: a choice's label, the related object (or a
    note that it no longer exists), "yes"/"no", or the value itself; ``None`` is empty.
    ``kind`` tells the template how to show them, as the object's own pages do:

    - ``"money"``: a ``Decimal`` in euros (the field's English name says "EUR"): the
      ``money`` filter;
    - ``"list"``: a list of labels (a list field's items, e.g. category names);
    - ``"lines"``: a text's non-empty lines, as a list;
    - ``"value"``: anything else, shown as it is (dates and numbers localized).
    """

    field: str
    label: str
    old: Any
    new: Any
    kind: str = "value"


@dataclass(frozen=True)
class HistoryEntry:
    """One version of an audited object: who made it, when, and what changed."""

    when: datetime
    who: User | None
    who_id: int | None
    type: str  # "+" created, "~" changed, "-" deleted
    changes: tuple[FieldChange, ...]

    @property
    def type_label(self) -> str:
        return str(HISTORY_TYPE_LABELS.get(self.type, self.type))


def _shown_fields(record: HistoricalChanges) -> list[models.Field]:
    """The fields a version shows: tracked and editable, as ``diff_against`` compares,
    then the many-to-many fields whose links the history keeps (``m2m_fields``)."""
    fields = [f for f in record.tracked_fields if f.editable and not f.primary_key]
    return fields + list(getattr(record, "_history_m2m_fields", ()))


# Labels for the items of list fields whose items have no choices of their own, by
# "app_label.model_name.field": a function of the object giving {item: label}.
# Looked up by name, like housing.views.HISTORY_MODELS, so housing imports no app.
def _tender_category_names(obj: models.Model) -> Mapping[Any, str]:
    """A tender's tie-break chain names categories by code, as its page shows them:
    the Rules' category names, and the tender's own names for its other categories."""
    categories = obj.categories  # type: ignore[attr-defined]
    field = categories.model._meta.get_field("category")
    names = {str(k): str(v) for k, v in field.flatchoices}
    names.update({c.code: c.display_name for c in categories.all()})
    return names


LIST_ITEM_LABELS: dict[str, Callable[[models.Model], Mapping[Any, str]]] = {
    "tenders.tender.tie_break": _tender_category_names,
}


def _kind(field: models.Field) -> str:
    """How a field's values are shown (see :class:`FieldChange`)."""
    if field.many_to_many or field.is_relation or field.choices:
        return "value"
    if isinstance(field, models.DecimalField):
        with translation.override("en"):
            return "money" if "EUR" in str(field.verbose_name) else "value"
    if isinstance(field, models.JSONField):
        return "list"
    if isinstance(field, models.TextField):
        return "lines"
    return "value"


def _linked_ids(field: models.Field, rows: Any) -> list[Any]:
    """The ids of the objects a many-to-many snapshot links to, in order."""
    target = get_m2m_reverse_field_name(field)
    if isinstance(rows, models.Manager | models.QuerySet):  # a version's own links
        return list(rows.order_by(target).values_list(target, flat=True))
    return sorted(row[target] for row in rows)


def object_history(obj: models.Model) -> list[HistoryEntry]:
    """Every recorded version of ``obj``, newest first, with the changed fields.

    ``obj`` is an instance of a model with simple-history ``history``; it may be an
    instance rebuilt from its last historical row (``record.instance``) when the object
    itself was deleted. A creation lists every non-empty field (old value ``None``); a
    change lists the fields ``diff_against`` finds changed; a deletion lists none.
    Excluded fields (a user's password) are never tracked, so never shown.

    Many-to-many fields whose links the history keeps (``m2m_fields``) show the linked
    objects, by name, before and after.

    Queries: one for the versions, one for the acting users, one per model that a
    changed foreign key or link points to, one for the links of the first version, and
    those a list field's labels need (``LIST_ITEM_LABELS``: a tender's categories).
    """
    records = list(obj.history.order_by("history_date", "history_id"))
    if not records:
        return []

    raw: list[tuple[HistoricalChanges, list[tuple[models.Field, Any, Any]]]] = []
    previous = None
    for record in records:
        fields = _shown_fields(record)
        if record.history_type == "+" or previous is None:
            changed = [
                (f, None, v)
                for f in fields
                if (
                    v := _linked_ids(f, getattr(record, f.name))
                    if f.many_to_many
                    else getattr(record, f.attname)
                )
                not in (None, "", [])
            ]
        elif record.history_type == "-":
            changed = []
        else:
            delta = {c.field: c for c in record.diff_against(previous).changes}
            changed = [
                (f, _linked_ids(f, change.old), _linked_ids(f, change.new))
                if f.many_to_many
                else (f, change.old, change.new)
                for f in fields  # in the model's order, like a creation
                if (change := delta.get(f.name)) is not None
            ]
        raw.append((record, changed))
        previous = record

    # Resolve the related objects and the acting users in one query per model.
    wanted: dict[type[models.Model], set[Any]] = {}
    for _record, changed in raw:
        for field, old, new in changed:
            if field.many_to_many:
                wanted.setdefault(field.related_model, set()).update(
                    *(ids for ids in (old, new) if ids)
                )
            elif field.is_relation and field.many_to_one:
                wanted.setdefault(field.related_model, set()).update(
                    v for v in (old, new) if v is not None
                )
    related = {
        model: model._default_manager.in_bulk(list(ids))
        for model, ids in wanted.items()
    }
    user_ids = {r.history_user_id for r in records if r.history_user_id is not None}
    users = get_user_model()._default_manager.in_bulk(list(user_ids))

    def one(model: type[models.Model], value: Any) -> Any:
        found = related.get(model, {}).get(value)
        return found if found is not None else _("#%(id)s (deleted)") % {"id": value}

    item_labels: dict[str, Mapping[Any, str]] = {}

    def labels_for(field: models.Field) -> Mapping[Any, str]:
        key = f"{obj._meta.label_lower}.{field.name}"
        if key not in item_labels:
            find = LIST_ITEM_LABELS.get(key)
            item_labels[key] = find(obj) if find is not None else {}
        return item_labels[key]

    def show(field: models.Field, value: Any) -> Any:
        if value is None or value == "" or value == []:
            return None
        kind = _kind(field)
        if kind == "list":
            items = value if isinstance(value, list | tuple) else [value]
            labels = labels_for(field)
            return [labels.get(str(item), str(item)) for item in items]
        if kind == "lines":
            return [line.strip() for line in str(value).splitlines() if line.strip()]
        if field.many_to_many:
            return ", ".join(sorted(str(one(field.related_model, v)) for v in value))
        if field.is_relation and field.many_to_one:
            return one(field.related_model, value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return value

    entries = [
        HistoryEntry(
            when=record.history_date,
            who=users.get(record.history_user_id),
            who_id=record.history_user_id,
            type=record.history_type,
            changes=tuple(
                FieldChange(
                    field=field.name,
                    label=str(field.verbose_name),
                    old=show(field, old),
                    new=show(field, new),
                    kind=_kind(field),
                )
                for field, old, new in changed
            ),
        )
        for record, changed in raw
    ]
    entries.reverse()
    return entries
