"""A covering index for the queue's page (``review.selectors.queue_page``, issue
15): the reviews of a tender with the columns the queue filters and sorts on (state,
verified points) next to ``application_id``, so that the page's ids and count are
read from the index (an index-only scan of a few dozen pages) instead of the wide
review rows (their verified results and cases, some 2,300 pages at 10,000 reviews).
Plain SQL like ``0004``, so that the models' state is unchanged; a composite index
rather than ``INCLUDE``, which SQLite does not know."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_queue_duplicate_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX review_queue_review_cover ON review_applicationreview "
            "(application_id, id, state, verified_total)",
            "DROP INDEX review_queue_review_cover",
        ),
    ]
