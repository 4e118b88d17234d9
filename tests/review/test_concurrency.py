"""Two members edit one review at once (issue 13, 8): one wins, the other is told
what changed and nothing of theirs is saved. PostgreSQL only: SQLite serialises
writers on the whole database, so the row lock is not exercised there."""

import threading

from django.db import close_old_connections, connection

import pytest

from housing.errors import ServiceError
from review import services
from review.models import ApplicationReview, ReviewLog

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks (select_for_update) need PostgreSQL; SQLite locks the file.",
)


@pytest.mark.django_db(transaction=True)
def test_two_members_one_wins_the_other_gets_the_conflict(tender, applicant, staff):
    from tests.review.conftest import make_application

    application = make_application(tender, applicant)
    review = services.review_open(application=application, by=staff["chair"])
    shown = review.row_version
    path = f"members[{review.member_pks[0]}].monthly_income"
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def edit(who: str, value: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.fact_correct(
                review=ApplicationReview.objects.get(pk=review.pk),
                path=path,
                value=value,
                reason=f"Popravek ({who}).",
                expected_version=shown,
                by=staff[who],
            )
            outcomes[who] = "saved"
        except ServiceError as error:
            outcomes[who] = error
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=edit, args=("member", "1000.00")),
        threading.Thread(target=edit, args=("member2", "1100.00")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    saved = [who for who, outcome in outcomes.items() if outcome == "saved"]
    refused = [o for o in outcomes.values() if isinstance(o, ServiceError)]
    assert len(saved) == 1
    assert len(refused) == 1
    assert refused[0].code == "conflict"
    # It names the winner's change (threads run in the default language).
    assert path in refused[0].messages[0]
    fact = ApplicationReview.objects.get(pk=review.pk).facts.get(path=path)
    assert fact.verified == {"member": "1000.00", "member2": "1100.00"}[saved[0]]
    assert ReviewLog.objects.filter(review=review, path=path).count() == 1
