"""The review log and the special-data view log cannot be changed or deleted
through the application (ORM), nor in PostgreSQL (trigger)."""

from django.db import connection, transaction
from django.db.utils import DatabaseError

import pytest

from housing.audit import AuditRecordImmutable
from review.models import ReviewLog, SpecialDataView
from review.selectors import log_special_view


@pytest.fixture
def entries(review, staff):
    log_special_view(staff["member"], review.application, "review facts")
    return ReviewLog.objects.filter(
        review=review
    ).first(), SpecialDataView.objects.get()


@pytest.mark.parametrize("index", [0, 1])
def test_rows_cannot_be_saved_again_or_deleted(entries, index):
    row = entries[index]
    model = type(row)
    # Each attempt in its own savepoint: a refused delete breaks the transaction.
    attempts = (
        row.save,
        row.delete,
        lambda: model.objects.filter(pk=row.pk).update(at=row.at),
        lambda: model.objects.filter(pk=row.pk).delete(),
    )
    for attempt in attempts:
        with pytest.raises(AuditRecordImmutable), transaction.atomic():
            attempt()
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The database trigger exists on PostgreSQL only (SQLite: ORM guard).",
)
def test_postgresql_refuses_raw_updates_and_deletes(entries):
    for row in entries:
        table = connection.ops.quote_name(type(row)._meta.db_table)
        for sql in ("UPDATE {} SET at = at", "DELETE FROM {}"):
            with (
                pytest.raises(DatabaseError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql.format(table))
