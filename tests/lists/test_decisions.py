"""Decisions, appeals and the final list (issue 14, 3 and 5; Art. 24)."""

import datetime
import io

from django.core import mail
from django.db import connection, transaction
from django.utils import timezone, translation

import pytest

from applications.constants import LJUBLJANA
from housing.constants import LessorType
from housing.errors import ServiceError
from lists import services
from lists.constants import AppealOutcome, DecisionKind, ListState
from lists.models import Appeal, Decision, ListVersion
from tests.lists.conftest import close, make_application, new_applicant, verify
from tests.lists.guards import guards_off


def pdf_text(decision) -> str:
    from pypdf import PdfReader

    with decision.pdf.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def publish(tender, staff):
    version = services.list_build(tender=tender, by=staff["chair"])
    services.list_approve(version=version, by=staff["member"])
    return services.list_publish(version=version, by=staff["chair"])


def reject(application, staff):
    from review import services as review_services
    from review.models import ApplicationReview

    review_services.review_open(application=application, by=staff["chair"])
    review = ApplicationReview.objects.get(application=application)
    review = review_services.rejection_draft(
        review=review,
        reason="Prosilec ni državljan Republike Slovenije.",
        article="Art. 3(1)",
        expected_version=review.row_version,
        by=staff["chair"],
    )
    return review_services.rejection_issue(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )


@pytest.fixture
def with_rejected(tender, staff, sub_lists, applicant):
    """Two verified online applications (one in Slovenian), one paper application
    rejected by the commission (Art. 3(1)); the tender closed."""
    first = make_application(tender, applicant)
    sl = new_applicant("sl@example.test")
    sl.preferred_language = "sl"
    sl.save()
    second = make_application(tender, sl, other_categories=[])
    paper = make_application(tender, paper=True)
    verify(first, staff)
    verify(second, staff)
    reject(paper, staff)
    close(tender)
    return first, second, paper


@pytest.fixture
def issued(with_rejected, tender, staff, django_capture_on_commit_callbacks):
    version = publish(tender, staff)
    with django_capture_on_commit_callbacks(execute=True):
        decisions = services.decisions_issue(version=version, by=staff["chair"])
    return version, {d.application_id: d for d in decisions}


def test_decisions_for_classified_and_not_classified(issued, with_rejected):
    version, decisions = issued
    first, second, paper = with_rejected
    assert len(decisions) == 3
    one = decisions[first.pk]
    assert one.kind == DecisionKind.CLASSIFIED
    entry = version.entries.get(application=first)
    assert (one.points, one.rank, one.sub_list) == (entry.total, entry.rank, "A1")
    assert one.cutoff == version.engine_output["sub_lists"]["A1"]["cutoff"]
    assert one.language == "en"
    assert one.delivered_at == one.issued_at
    assert len(one.sha256) == 64
    text = pdf_text(one)
    assert f"Decision on application {first.code}" in text
    assert str(one.points) in text
    assert "A1" in text
    assert "15 days" in text
    assert "the mayor" in text
    assert "Art. 24(2)" in text

    two = decisions[second.pk]
    assert two.language == "sl"
    text = pdf_text(two)
    assert "15 dni" in text
    assert "župan" in text

    rejected = decisions[paper.pk]
    assert rejected.kind == DecisionKind.NOT_CLASSIFIED
    assert rejected.language == "sl+en"
    assert rejected.delivered_at is None
    assert rejected.reasons[0]["article"] == "Art. 3(1)"
    text = pdf_text(rejected)
    assert "ni državljan" in text
    assert "Art. 3(1)" in text
    assert "15 dni" in text
    assert "15 days" in text


@pytest.mark.parametrize(
    ("lessor_type", "body", "article"),
    [
        (LessorType.MUNICIPALITY, "the mayor", "Art. 24(2)"),
        (LessorType.NONPROFIT_ORGANISATION, "management board", "Art. 24(3)"),
        (LessorType.STATE, "Housing Commission of the Government", "Art. 24(4)"),
    ],
)
def test_appeal_body_follows_the_lessor_type(
    verified, tender, staff, lessor, lessor_type, body, article
):
    type(lessor).objects.filter(pk=lessor.pk).update(type=lessor_type)
    tender.lessor.refresh_from_db()
    version = publish(tender, staff)
    decision = services.decisions_issue(version=version, by=staff["chair"])[0]
    assert decision.appeal_body == lessor_type
    text = " ".join(pdf_text(decision).split())
    assert body in text
    assert article in text


def test_email_once_per_decision_in_the_applicants_language(
    issued, with_rejected, tender, staff
):
    version, decisions = issued
    # The paper applicant gets no email; each online one exactly one.
    assert len(mail.outbox) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "a decision was issued" in by_to["ana@example.test"].subject
    assert "odločba" in by_to["sl@example.test"].subject.lower()
    for message in mail.outbox:
        assert "Prosilec" not in message.body
        assert "points" not in message.body
    # Issuing again refuses: nothing changed, no more emails.
    with pytest.raises(ServiceError):
        services.decisions_issue(version=version, by=staff["chair"])
    from lists.decisions import send_decision_email

    send_decision_email(next(iter(decisions.values())).pk)
    assert len(mail.outbox) == 2


def test_a_failed_decision_email_stays_unsent_and_does_not_stop_the_others(
    with_rejected, tender, staff, django_capture_on_commit_callbacks, monkeypatch
):
    """The mail server refuses the first applicant's email: that decision is not
    marked as emailed (a later call sends it, once), and the other applicant's email
    still goes; the decisions themselves stand."""
    import smtplib

    from django.core.mail.backends import locmem

    from lists.decisions import send_decision_email

    real_send = locmem.EmailBackend.send_messages

    def refuse_ana(self, messages):
        if any("ana@example.test" in m.to for m in messages):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse_ana)
    version = publish(tender, staff)
    with django_capture_on_commit_callbacks(execute=True):
        decisions = services.decisions_issue(version=version, by=staff["chair"])
    first, second, _paper = with_rejected
    by_application = {d.application_id: d for d in decisions}
    assert [m.to for m in mail.outbox] == [["sl@example.test"]]
    failed = Decision.objects.get(pk=by_application[first.pk].pk)
    assert failed.emailed_at is None
    assert Decision.objects.get(pk=by_application[second.pk].pk).emailed_at
    assert Decision.objects.filter(version=version).count() == 3

    monkeypatch.undo()
    assert send_decision_email(failed.pk) is True
    assert send_decision_email(failed.pk) is False
    assert [m.to for m in mail.outbox] == [["sl@example.test"], ["ana@example.test"]]
    assert Decision.objects.get(pk=failed.pk).emailed_at is not None


def test_decisions_refused_on_a_draft(verified, tender, staff):
    draft = services.list_build(tender=tender, by=staff["chair"])
    with pytest.raises(ServiceError):
        services.decisions_issue(version=draft, by=staff["chair"])
    assert Decision.objects.count() == 0


def _delivered_on(decision, day):
    """Issued and delivered on ``day`` (as if it were some days ago)."""
    at = datetime.datetime.combine(day, datetime.time(9), tzinfo=LJUBLJANA)
    with guards_off(Decision):
        Decision.objects.filter(pk=decision.pk).update(issued_at=at, delivered_at=at)
    decision.refresh_from_db()
    return decision


def test_appeal_on_day_15_accepted_day_16_refused(issued, with_rejected, staff):
    _version, decisions = issued
    first = with_rejected[0]
    decision = _delivered_on(decisions[first.pk], datetime.date(2026, 3, 2))
    now = datetime.datetime(2026, 3, 20, 10, tzinfo=LJUBLJANA)
    # Day 16 (18 March): refused, nothing recorded.
    with pytest.raises(ServiceError) as error:
        services.appeal_record(
            decision=decision,
            received_on=datetime.date(2026, 3, 18),
            grounds="Late.",
            by=staff["clerk"],
            now=now,
        )
    assert "too late" in error.value.messages[0]
    assert "17. 03. 2026" in error.value.messages[0]
    assert Appeal.objects.count() == 0
    # Day 15 (17 March): accepted.
    appeal = services.appeal_record(
        decision=decision,
        received_on=datetime.date(2026, 3, 17),
        grounds="Točke za stanovanjski status so napačne.",
        by=staff["clerk"],
        now=now,
    )
    assert appeal.outcome == AppealOutcome.PENDING


def test_paper_delivery_is_recorded_by_the_clerk(issued, with_rejected, staff):
    _version, decisions = issued
    decision = decisions[with_rejected[2].pk]
    today = timezone.localdate()
    with pytest.raises(ServiceError):
        services.decision_delivery_record(
            decision=decision,
            delivered_on=today + datetime.timedelta(days=1),
            by=staff["clerk"],
        )
    decision = services.decision_delivery_record(
        decision=decision, delivered_on=today, by=staff["clerk"]
    )
    assert timezone.localtime(decision.delivered_at, LJUBLJANA).date() == today


def _all_delivered_long_ago(days=20):
    day = timezone.localdate() - datetime.timedelta(days=days)
    for decision in Decision.objects.all():
        _delivered_on(decision, day)
    return day


def test_final_list_refused_while_the_period_runs_or_an_appeal_is_pending(
    issued, with_rejected, staff
):
    version, decisions = issued
    with pytest.raises(ServiceError) as error:
        services.final_list_publish(version=version, by=staff["chair"])
    text = " ".join(error.value.messages)
    assert "not recorded" in text
    assert "have not passed" in text
    _all_delivered_long_ago(days=10)
    decision = decisions[with_rejected[0].pk]
    appeal = services.appeal_record(
        decision=decision,
        received_on=timezone.localdate(),
        grounds="Napaka.",
        by=staff["clerk"],
    )
    _all_delivered_long_ago(days=20)
    with pytest.raises(ServiceError) as error:
        services.final_list_publish(version=version, by=staff["chair"])
    assert "not decided" in " ".join(error.value.messages)
    version.refresh_from_db()
    assert not version.final

    services.appeal_decide(
        appeal=appeal,
        outcome=AppealOutcome.REJECTED,
        reason="Točke so pravilne.",
        by=staff["chair"],
    )
    final = services.final_list_publish(version=version, by=staff["chair"])
    final.refresh_from_db()
    assert final.final
    assert final.final_by == staff["chair"]
    assert final.state == ListState.PUBLISHED
    # After the final list: no more appeals.
    with pytest.raises(ServiceError):
        services.appeal_record(
            decision=decision,
            received_on=timezone.localdate(),
            grounds="Še enkrat.",
            by=staff["clerk"],
        )


def test_upheld_appeal_re_ranks_in_a_new_version_that_supersedes(
    issued, with_rejected, staff, tender
):
    from review import services as review_services
    from review.models import ApplicationReview

    version, decisions = issued
    first, second, _paper = with_rejected
    _all_delivered_long_ago(days=20)
    appeal = services.appeal_record(
        decision=decisions[second.pk],
        received_on=timezone.localdate() - datetime.timedelta(days=10),
        grounds="Prvouvrščena vloga nima pravice do lastne kategorije.",
        by=staff["clerk"],
    )
    services.appeal_decide(
        appeal=appeal,
        outcome=AppealOutcome.UPHELD,
        reason="Kategorija se prvi vlogi ne prizna.",
        by=staff["chair"],
    )
    with pytest.raises(ServiceError) as error:
        services.final_list_publish(version=version, by=staff["chair"])
    assert "upheld" in " ".join(error.value.messages)
    # The commission corrects the facts through the review and verifies again; the
    # lists are built again, approved and published: the new version supersedes.
    review = ApplicationReview.objects.get(application=first)
    fact = review.facts.get(path__contains="young-researchers")
    review_services.fact_reject(
        review=review,
        path=fact.path,
        reason="Ni dokazila.",
        expected_version=review.row_version,
        by=staff["member"],
    )
    review = ApplicationReview.objects.get(application=first)
    review_services.review_verify(
        review=review, expected_version=review.row_version, by=staff["member"]
    )
    new = publish(tender, staff)
    version.refresh_from_db()
    assert version.state == ListState.SUPERSEDED
    assert version.superseded_by == new
    before = version.entries.get(application=first).total
    assert new.entries.get(application=first).total == before - 60
    # New decisions only where the result changed (the first application's points).
    changed = services.decisions_issue(version=new, by=staff["chair"])
    assert first.pk in {d.application_id for d in changed}
    assert _paper.pk not in {d.application_id for d in changed}
    with pytest.raises(ServiceError):
        services.final_list_publish(version=new, by=staff["chair"])
    for decision in changed:
        _delivered_on(decision, timezone.localdate() - datetime.timedelta(days=16))
    final = services.final_list_publish(version=new, by=staff["chair"])
    assert final.final
    assert not ListVersion.objects.get(pk=version.pk).final


def test_published_version_only_becomes_final_nothing_else(issued, staff):
    from lists.immutable import ListVersionImmutable

    version, _decisions = issued
    version.final = True
    version.final_by = staff["chair"]
    version.final_at = timezone.now()
    version.data_sha256 = "0" * 64
    with pytest.raises(ListVersionImmutable):
        version.save()


def test_slovenian_refusal(issued, with_rejected, staff):
    _version, decisions = issued
    decision = _delivered_on(decisions[with_rejected[0].pk], datetime.date(2026, 3, 2))
    with translation.override("sl"), pytest.raises(ServiceError) as error:
        services.appeal_record(
            decision=decision,
            received_on=datetime.date(2026, 3, 18),
            grounds="Pozno.",
            by=staff["clerk"],
            now=datetime.datetime(2026, 3, 20, tzinfo=LJUBLJANA),
        )
    assert "prepozna" in error.value.messages[0]


# --- Issued decisions and recorded appeals never change (lists.immutable) -----------


def _paper_and_online(decisions, with_rejected):
    paper = decisions[with_rejected[2].pk]
    online = decisions[with_rejected[0].pk]
    assert paper.delivered_at is None
    assert online.delivered_at is not None
    return paper, online


def test_issued_decision_refused_changes_and_deletes_in_the_orm(
    issued, with_rejected, staff
):
    from lists.immutable import DecisionImmutable

    _version, decisions = issued
    _paper, online = _paper_and_online(decisions, with_rejected)
    assert online.sha256
    points = online.points
    online.points = 999
    with pytest.raises(DecisionImmutable):
        online.save()
    fresh = Decision.objects.get(pk=online.pk)
    fresh.delivered_at = timezone.now()  # delivered once already: never again
    with pytest.raises(DecisionImmutable):
        fresh.save(update_fields=["delivered_at"])
    with pytest.raises(DecisionImmutable), transaction.atomic():
        fresh.delete()
    assert Decision.objects.get(pk=online.pk).points == points


def test_recorded_appeal_changes_only_to_its_outcome(issued, with_rejected, staff):
    from lists.immutable import DecisionImmutable

    _version, decisions = issued
    decision = decisions[with_rejected[0].pk]
    appeal = services.appeal_record(
        decision=decision,
        received_on=timezone.localdate(),
        grounds="Napačen dohodek.",
        by=staff["clerk"],
    )
    appeal.grounds = "Drugačni razlogi."
    with pytest.raises(DecisionImmutable):
        appeal.save()
    appeal = services.appeal_decide(
        appeal=appeal, outcome="rejected", reason="Ne.", by=staff["chair"]
    )
    appeal.outcome = AppealOutcome.UPHELD
    with pytest.raises(DecisionImmutable):
        appeal.save()
    with pytest.raises(DecisionImmutable), transaction.atomic():
        appeal.delete()
    assert Appeal.objects.get().outcome == AppealOutcome.REJECTED


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The trigger exists on PostgreSQL only (SQLite: the ORM guard).",
)
def test_issued_decisions_and_appeals_refused_by_postgresql(
    issued, with_rejected, staff
):
    from django.db import DatabaseError

    _version, decisions = issued
    paper, online = _paper_and_online(decisions, with_rejected)
    appeal = services.appeal_record(
        decision=online,
        received_on=timezone.localdate(),
        grounds="Napačen dohodek.",
        by=staff["clerk"],
    )
    refused = [
        ("UPDATE lists_decision SET points = 999 WHERE id = %s", [online.pk]),
        ("UPDATE lists_decision SET kind = 'classified' WHERE id = %s", [paper.pk]),
        ("UPDATE lists_decision SET sha256 = 'x' WHERE id = %s", [online.pk]),
        ("UPDATE lists_decision SET emailed_at = now() WHERE id = %s", [online.pk]),
        ("UPDATE lists_decision SET delivered_at = now() WHERE id = %s", [online.pk]),
        # The delivery is recorded once, and with nothing else changed.
        (
            "UPDATE lists_decision SET delivered_at = now(), points = 1 WHERE id = %s",
            [paper.pk],
        ),
        ("DELETE FROM lists_decision WHERE id = %s", [paper.pk]),
        ("UPDATE lists_appeal SET grounds = 'x' WHERE id = %s", [appeal.pk]),
        (
            "UPDATE lists_appeal SET received_on = '2020-01-01' WHERE id = %s",
            [appeal.pk],
        ),
        # An outcome needs its reason, who and when.
        ("UPDATE lists_appeal SET outcome = 'upheld' WHERE id = %s", [appeal.pk]),
        ("DELETE FROM lists_appeal WHERE id = %s", [appeal.pk]),
    ]
    for sql, params in refused:
        with (
            pytest.raises(DatabaseError, match="cannot be changed or deleted"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    points = online.points
    online.refresh_from_db()
    assert online.points == points
    assert Appeal.objects.get().grounds == "Napačen dohodek."
    # What the services do is still allowed: a paper delivery recorded once, the
    # appeal's outcome once.
    services.decision_delivery_record(
        decision=paper, delivered_on=timezone.localdate(), by=staff["clerk"]
    )
    services.appeal_decide(
        appeal=appeal, outcome="rejected", reason="Ne.", by=staff["chair"]
    )
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE lists_appeal SET outcome = 'upheld' WHERE id = %s", [appeal.pk]
        )
    assert Appeal.objects.get().outcome == AppealOutcome.REJECTED
