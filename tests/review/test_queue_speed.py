"""The queue's page reads only its own rows (issue 15: a page of a 10,000-application
queue in a few milliseconds of the database): ids and count in one query, the rows
with their duplicate flags in another (``review.selectors.queue_page``). What the
page shows is what the whole-tender selectors say: the flags of
:func:`review.selectors.flags_for`, the paginator's count and pages."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from applications.constants import ApplicationStatus
from applications.models import Application, Member
from review import services
from review.models import ApplicationReview
from review.selectors import flags_for
from tests.applications.factories import DocumentFactory
from tests.housing.factories import UserFactory
from tests.review.conftest import make_application
from tests.review.test_queue import QUEUE_QUERIES, bulk_reviews, queue_queries


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def shown(response):
    """Per code on the page: (same person, same document) as the badges show them."""
    assert response.status_code == 200
    rows = response.context["rows"]
    html = response.text
    assert html.count(">same person</span>") == sum(r["same_person"] for r in rows)
    assert html.count(">same document</span>") == sum(r["same_document"] for r in rows)
    return {
        r["review"].application.code: (r["same_person"], r["same_document"])
        for r in rows
    }


def test_duplicate_badges_are_the_tenders_flags(client, otp_login, tender, staff):
    first, second, third, fourth, withdrawn = (
        make_application(tender, UserFactory()) for _ in range(5)
    )
    services.reviews_open(tender=tender, by=staff["chair"])
    # The same child in the first two households.
    Member.objects.filter(application=second, role="child").update(
        emso=Member.objects.get(application=first, role="child").emso
    )
    # The third shares a child only with an application since withdrawn: no flag
    # for either (a withdrawn application is not lodged).
    Member.objects.filter(application=withdrawn, role="child").update(
        emso=Member.objects.get(application=third, role="child").emso
    )
    Application.objects.filter(pk=withdrawn.pk).update(
        status=ApplicationStatus.WITHDRAWN
    )
    # Members without an EMŠO are never compared.
    Member.objects.filter(application__in=[third, fourth], role="child").update(emso="")
    # One payslip in the first and the fourth; the third's file twice in itself.
    DocumentFactory(application=first, sha256="a" * 64)
    DocumentFactory(application=fourth, sha256="a" * 64)
    DocumentFactory(application=third, sha256="b" * 64)
    DocumentFactory(application=third, sha256="b" * 64)
    DocumentFactory(application=withdrawn, sha256="b" * 64)

    otp_login(client, staff["member"])
    page = shown(client.get(reverse("review:queue", args=[tender.pk])))

    flags = flags_for(tender, cutoff=False)
    expected = {
        a.code: (
            bool(a.pk in flags and flags[a.pk].duplicate_people),
            bool(a.pk in flags and flags[a.pk].duplicate_documents),
        )
        for a in (first, second, third, fourth, withdrawn)
    }
    assert page == expected
    assert page == {
        first.code: (True, True),
        second.code: (True, False),
        third.code: (False, False),
        fourth.code: (False, True),
        withdrawn.code: (False, False),
    }


def test_equal_sort_keys_by_code_each_row_on_one_page(client, otp_login, tender, staff):
    applications = bulk_reviews(tender, 120, clerk=staff["clerk"])
    for i, application in enumerate(applications):
        ApplicationReview.objects.filter(application=application).update(
            verified_total=(None, 300, 410)[i % 3]
        )
    otp_login(client, staff["member"])
    url = reverse("review:queue", args=[tender.pk]) + "?sort=-points&page="
    pages = [client.get(url + str(n)) for n in (1, 2, 3)]
    assert [p.context["page"].paginator.count for p in pages] == [120] * 3
    assert "page 3 of 3" in pages[2].text
    rows = [
        (r["review"].verified_total, r["review"].application.code)
        for p in pages
        for r in p.context["rows"]
    ]
    assert len(rows) == 120
    assert sorted(code for _, code in rows) == sorted(a.code for a in applications)
    # Points descending (where the database puts "none" is its own), codes
    # ascending within equal points.
    groups = [[code for points, code in rows if points == p] for p in (410, 300, None)]
    assert all(group == sorted(group) for group in groups)
    assert [points for points, _ in rows if points is not None] == sorted(
        (points for points, _ in rows if points is not None), reverse=True
    )


def test_pages_out_of_range_and_not_numbers(client, otp_login, tender, staff):
    bulk_reviews(tender, 60, clerk=staff["clerk"])
    otp_login(client, staff["member"])
    url = reverse("review:queue", args=[tender.pk])

    def page(query):
        response = client.get(url + query)
        assert response.status_code == 200
        return (
            response.context["page"].number,
            response.context["page"].paginator.count,
            [r["review"].application.code for r in response.context["rows"]],
        )

    first = page("")
    assert first[:2] == (1, 60)
    assert first[2] == [f"B-{i:05d}" for i in range(50)]
    last = page("?page=2")
    assert last == (2, 60, [f"B-{i:05d}" for i in range(50, 60)])
    # As Django's Paginator.get_page: not a number gives the first page, beyond
    # either end the last.
    assert page("?page=abc") == first
    assert page("?page=") == first
    assert page("?page=3") == last
    assert page("?page=0") == last
    assert page("?page=-1") == last
    assert page("?page=" + "9" * 30) == last
    # A page past the end costs the count and the last page's ids on top.
    assert len(queue_queries(client, url + "?page=9")) == QUEUE_QUERIES + 2
    assert len(queue_queries(client, url + "?page=2")) == QUEUE_QUERIES


def test_an_empty_queue_and_a_search_without_matches(client, otp_login, tender, staff):
    otp_login(client, staff["member"])
    url = reverse("review:queue", args=[tender.pk])
    response = client.get(url)
    assert response.context["page"].paginator.count == 0
    assert "No application matches." in response.text
    bulk_reviews(tender, 3, clerk=staff["clerk"])
    response = client.get(url + "?q=nobody")
    assert response.context["rows"] == []
    assert "0 applications" in response.text


def test_the_page_reads_no_row_of_another_page(client, otp_login, tender, staff):
    # The rows' query asks for the page's ids only: 50 rows, however long the queue.
    bulk_reviews(tender, 130, clerk=staff["clerk"])
    otp_login(client, staff["member"])
    url = reverse("review:queue", args=[tender.pk]) + "?page=2"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert [r["review"].application.code for r in response.context["rows"]] == [
        f"B-{i:05d}" for i in range(50, 100)
    ]
    rows_query = [
        q["sql"]
        for q in captured.captured_queries
        if "EXISTS" in q["sql"] and '"review_applicationreview"."id" IN' in q["sql"]
    ]
    assert len(rows_query) == 1
    assert "OFFSET" not in rows_query[0]


def test_the_filter_form_follows_language_values_and_choices(
    client, otp_login, tender, staff, settings
):
    # The form's HTML is cached per worker (review.views._form_key): a change of
    # language, of a submitted value or of the tender's sub-lists renders it again.
    from tests.tenders.factories import SubListFactory

    bulk_reviews(tender, 3, clerk=staff["clerk"])
    otp_login(client, staff["member"])
    url = reverse("review:queue", args=[tender.pk])
    english = "Application code, a member's name or a member's EMŠO."
    assert english in client.get(url + "?page=1").text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sl"
    slovenian = client.get(url + "?page=1").text
    assert "Šifra vloge, ime člana ali EMŠO člana." in slovenian
    assert english not in slovenian
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'name="q" value="B-00"' in client.get(url + "?q=B-00").text
    again = client.get(url + "?q=B-01&page=1").text
    assert 'name="q" value="B-01"' in again
    assert 'value="B-00"' not in again
    assert 'value="Z9"' not in client.get(url).text
    SubListFactory(tender=tender, list_kind="A", code="Z9", rule="families")
    assert 'value="Z9"' in client.get(url).text
