"""Indexes for the queue's duplicate flags (``review.selectors.duplicate_flags``,
issue 15): a page asks, for each of its 50 rows, whether another application of the
tender has a member with the same EMŠO or a document with the same SHA-256. Without
an index on those columns each question scans every member or document; the
tables belong to ``applications``, the only reader that needs the indexes is the
review's queue, hence plain SQL here (the same on PostgreSQL and SQLite)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_documents_receipts"),
        ("review", "0003_inspection_photos_rejection_withdrawn"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX review_queue_member_emso ON applications_member (emso)",
            "DROP INDEX review_queue_member_emso",
        ),
        migrations.RunSQL(
            "CREATE INDEX review_queue_document_sha256 "
            "ON applications_document (sha256)",
            "DROP INDEX review_queue_document_sha256",
        ),
    ]
