"""The applicant's check-your-answers page, saving a topic and submitting read the
household and the tender's settings once per request (issue 12, HTTP target): the
number of queries does not grow with the household, and the checks that now run on
what was read (another applicant, a repeated EMŠO, a municipality the lessor does not
serve) still refuse what they refused when each asked the database."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from applications import selectors, services
from applications.constants import Section
from applications.models import Application
from tests.applications import conftest as shared
from tests.applications.factories import ApplicationFactory, MemberFactory
from tests.housing.factories import MunicipalityFactory
from tests.lists import conftest as lists_shared

EN = {"accept-language": "en"}

# The applicant portal's fixtures (tests/applications/conftest.py).
municipality = shared.municipality
lessor = shared.lessor
tender = shared.tender
applicant = shared.applicant


@pytest.fixture
def open_tender(tender):
    """The conftest tender with a deadline in the future (the pages use the clock)."""
    tender.deadline = timezone.now() + datetime.timedelta(days=30)
    tender.save()
    return tender


@pytest.fixture
def draft(open_tender, applicant):
    """A complete, declared draft of one member (the applicant)."""
    application = ApplicationFactory(tender=open_tender, applicant=applicant)
    application.section_status = {s.value: "done" for s in Section}
    application.save()
    MemberFactory(application=application)
    return application


def add_children(application: Application, n: int) -> None:
    for _i in range(n):
        MemberFactory(application=application, child=True)


def queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


def check_page(client, application):
    return client.get(reverse("applications:check", args=[application.pk]), headers=EN)


def income_post(client, application):
    application.refresh_from_db()
    payload = {"expected_version": application.row_version}
    for member in application.members.all():
        payload[f"m{member.pk}-years_of_service"] = "1"
        payload[f"m{member.pk}-monthly_income"] = "100"
    return client.post(
        reverse("applications:section", args=[application.pk, "income"]),
        payload,
        headers=EN,
    )


# --- queries -----------------------------------------------------------------------------


def test_check_page_reads_the_household_and_the_tender_once(
    client,
    draft,
    applicant,
    django_assert_max_num_queries,
):
    client.force_login(applicant)
    check_page(client, draft)  # the session's first write
    small, response = queries(lambda: check_page(client, draft))
    assert response.status_code == 200
    assert "Provisional assessment" in response.content.decode()
    add_children(draft, 3)
    large, response = queries(lambda: check_page(client, draft))
    assert "Provisional assessment" in response.content.decode()
    assert large == small
    # Session, user, application, members, categories, conditions, sub-lists, the
    # lessor's municipalities, the user's staff roles, and the request's savepoint
    # (ATOMIC_REQUESTS in the test's transaction). Before: 29 for a household of
    # four in the benchmark's measurement, growing by three per member.
    with django_assert_max_num_queries(11):
        check_page(client, draft)


def test_saving_a_topic_does_not_read_per_member(client, draft, applicant):
    """The same answers saved again (no member row written): as many queries for one
    member as for four."""
    client.force_login(applicant)
    assert income_post(client, draft).status_code == 302
    small, response = queries(lambda: income_post(client, draft))
    assert response.status_code == 302
    add_children(draft, 3)
    assert income_post(client, draft).status_code == 302
    large, response = queries(lambda: income_post(client, draft))
    assert response.status_code == 302
    assert large == small
    # Session, user, application, members (the page's, then under the lock), the
    # application locked, the lessor's municipalities, the application's update, its
    # history row, the event, and four savepoints (the request's and the service's in
    # the test's transaction). Before: two or three more reads for each member.
    assert small <= 16


def submitted_with(client, tender, n: int) -> tuple[int, object]:
    """Submit a new complete draft of ``n`` members; its queries and response."""
    application = ApplicationFactory(
        tender=tender, section_status={s.value: "done" for s in Section}
    )
    MemberFactory(application=application)
    add_children(application, n - 1)
    client.force_login(application.applicant)
    url = reverse("applications:submit", args=[application.pk])
    return queries(lambda: client.post(url))


def test_submitting_does_not_read_per_member(client, open_tender):
    submitted_with(client, open_tender, 1)  # the code counter's row, cached lookups
    small, response = submitted_with(client, open_tender, 1)
    assert response.status_code == 302
    large, response = submitted_with(client, open_tender, 4)
    assert response.status_code == 302
    assert large == small


# --- the same checks on what was read ---------------------------------------------------


def test_a_municipality_the_lessor_stops_serving_is_found_on_the_next_request(
    client,
    draft,
    applicant,
    lessor,
):
    """Nothing of the lessor's area is kept between requests: the next page sees the
    change."""
    client.force_login(applicant)
    member = draft.members.get()
    assert "Provisional assessment" in check_page(client, draft).content.decode()
    lessor.municipalities.remove(member.municipality)
    body = check_page(client, draft).content.decode()
    assert "Choose a municipality from the list, or choose another one." in body
    assert "Provisional assessment" not in body
    response = income_post(client, draft)
    assert response.status_code == 200
    assert "Choose a municipality from the list" in response.content.decode()
    lessor.municipalities.add(member.municipality)
    assert income_post(client, draft).status_code == 302


def test_saving_a_topic_still_refuses_a_municipality_of_another_lessor(
    client,
    draft,
    applicant,
):
    client.force_login(applicant)
    MemberFactory(
        application=draft, child=True, municipality=MunicipalityFactory(name="Kranj")
    )
    response = income_post(client, draft)
    assert response.status_code == 200
    assert "Choose a municipality from the list" in response.content.decode()
    body = check_page(client, draft).content.decode()
    assert "Choose a municipality from the list, or choose another one." in body
    problems = services.application_problems(Application.objects.get(pk=draft.pk))
    assert list(problems) == ["members[1].municipality"]


def test_status_page_after_submitting_reads_the_summary_once(client, open_tender):
    """The summary and its categories form share one read of the household and of
    the tender's categories and conditions."""
    counts, cached = [], []
    for n in (1, 4):
        _count, response = submitted_with(client, open_tender, n)
        assert response.status_code == 302
        application = Application.objects.filter(tender=open_tender).latest("pk")
        url = reverse("applications:detail", args=[application.pk])
        count, response = queries(lambda url=url: client.get(url, headers=EN))
        assert "Timeline" in response.content.decode()
        counts.append(count)
        count, again = queries(lambda url=url: client.get(url, headers=EN))
        assert _without_csrf(again.content.decode()) == _without_csrf(
            response.content.decode()
        )
        cached.append(count)
    assert counts[0] == counts[1]
    assert cached[0] == cached[1]
    # Session, user, application, members, categories, conditions, the existence
    # checks of the later stages (with the summary's rows), again after rendering the
    # summary (before it is cached), staff roles, events and the request's
    # savepoints; the categories and conditions were read twice before.
    assert counts[0] <= 12
    # From the cache: neither the household nor the tender's settings.
    assert cached[0] <= 8


# --- the status page reads the later stages only when they hold something -------------


def _without_csrf(html: str) -> str:
    """The page without its CSRF tokens and script nonces (new on every render)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def _all_stages(application):
    """As if every later stage held something: the status page reads each one."""
    return selectors.LaterStages(
        scoring_record=True, published_list=True, decision=True, amendments=True
    )


def _later_stage_reads(captured) -> list[str]:
    tables = (
        "review_scoringrecord",
        "lists_listversion",
        "lists_listentry",
        "lists_decision",
        "applications_amendmentrequest",
    )
    return [q["sql"] for q in captured if any(t in q["sql"] for t in tables)]


def test_status_page_before_the_deadline_reads_no_later_stage(
    client, open_tender, monkeypatch
):
    """Before the deadline no scoring record, list, decision or amendment request
    exists: one query of existence checks instead of a read of each, and the same
    page as when each is read."""
    _count, response = submitted_with(client, open_tender, 2)
    assert response.status_code == 302
    application = Application.objects.filter(tender=open_tender).latest("pk")
    url = reverse("applications:detail", args=[application.pk])
    client.get(url, headers=EN)  # cached lookups
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=EN)
    assert response.status_code == 200
    assert len(_later_stage_reads(captured.captured_queries)) == 1
    # Session, user, application, members, categories, conditions, the existence
    # checks, staff roles, events and the request's savepoints (was 13 + savepoints).
    assert len(captured.captured_queries) <= 11
    monkeypatch.setattr(selectors, "later_stages", _all_stages)
    with CaptureQueriesContext(connection) as every:
        response_read = client.get(url, headers=EN)
    assert len(_later_stage_reads(every.captured_queries)) == 4
    assert _without_csrf(response_read.content.decode()) == _without_csrf(
        response.content.decode()
    )


def _reused(fixture, **options):
    """Another conftest's fixture as a fixture of a test class (where it overrides
    the module's fixture of the same name)."""
    return pytest.fixture(staticmethod(fixture.__wrapped__), **options)


class TestStatusPageAfterTheDecision:
    """The status page after the list was published and the decision issued: the
    stages that exist are read (narrowly) and the page is the one they give."""

    # The priority lists' fixtures (tests/lists/conftest.py): a reviewed tender.
    _english = _reused(lists_shared._english, autouse=True)
    lessor = _reused(lists_shared.lessor)
    tender = _reused(lists_shared.tender)
    staff = _reused(lists_shared.staff)
    applicant = _reused(lists_shared.applicant)
    sub_lists = _reused(lists_shared.sub_lists)
    verified = _reused(lists_shared.verified)

    def test_reads_and_page(self, client, verified, tender, staff, monkeypatch):
        from lists import services as list_services
        from lists.models import Decision
        from tests.lists.test_decisions import publish

        version = publish(tender, staff)
        list_services.decisions_issue(version=version, by=staff["chair"])
        application = verified[0].application
        decision = Decision.objects.get(application=application)
        client.force_login(application.applicant)
        url = reverse("applications:detail", args=[application.pk])
        client.get(url, headers=EN)  # cached lookups
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=EN)
        body = response.content.decode()
        assert response.status_code == 200
        assert decision.sha256 in body
        assert "On the published priority list you are number" in body
        # The checks, the list version, its entry and the decision (no scoring
        # record was issued, no amendment requested); neither the version's input
        # nor the decision's tender and lessor are read.
        reads = _later_stage_reads(captured.captured_queries)
        assert len(reads) == 4
        assert not any("engine_input" in sql for sql in reads)
        assert not any('"tenders_tender"' in sql for sql in reads)
        assert len(captured.captured_queries) <= 15
        monkeypatch.setattr(selectors, "later_stages", _all_stages)
        response_read = client.get(url, headers=EN)
        assert _without_csrf(response_read.content.decode()) == _without_csrf(body)
