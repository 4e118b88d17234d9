"""Keeping a rendered PDF with its row: one way for every document the site stores.

The invitation to tender (``tenders.pdf``), the receipt of a submission
(``applications.pdf``), the amendment letter (``review.pdf``), the scoring record
(``review.services.record_issue``) and the decision (``lists.decisions``) are each
rendered once and kept as a file with its SHA-256 (and size), so anyone can check the
file they were given. :func:`store_pdf` writes the file and the row the same way for
all of them, and handles two requests storing the same document at once.
"""

import hashlib
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction


def _has_field(instance: models.Model, name: str) -> bool:
    try:
        instance._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def store_pdf[M: models.Model](
    instance: M,
    pdf: bytes,
    *,
    name: str,
    file_field: str = "file",
    stored: Callable[[], M] | None = None,
) -> M:
    """Keep ``pdf`` as the file of ``instance`` and save the row.

    Sets ``sha256`` (hex SHA-256 of ``pdf``) and, where the model has one, ``size``;
    saves the bytes to ``file_field`` under ``name`` (the field's ``upload_to``
    decides the folder; a name already taken is never overwritten, the storage
    picks a free one); then saves the row. A new row is inserted whole; a row that
    exists already has only its file, hash and size written (``update_fields``).

    ``stored``: for a document that two requests may store at once, kept unique by
    a database constraint (e.g. one receipt per submission and language). The row
    is then inserted in a savepoint; if the constraint refuses it
    (``IntegrityError``: another request stored it first), the file just written is
    deleted and ``stored()`` returns the row stored first. Without ``stored`` the
    caller holds a lock (or a new version number) and a conflict is an error.

    :returns: ``instance``, saved, or the row another request stored first.
    :raises IntegrityError: on a conflict when ``stored`` is not given.
    """
    update_fields = [file_field, "sha256"]
    instance.sha256 = hashlib.sha256(pdf).hexdigest()  # type: ignore[attr-defined]
    if _has_field(instance, "size"):
        instance.size = len(pdf)  # type: ignore[attr-defined]
        update_fields.append("size")
    file = getattr(instance, file_field)
    file.save(name, ContentFile(pdf), save=False)
    if not instance._state.adding:
        instance.save(update_fields=update_fields)
        return instance
    if stored is None:
        instance.save()
        return instance
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        file.storage.delete(file.name)
        return stored()
    return instance
