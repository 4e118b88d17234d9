"""End-to-end in Chromium at 320 px (issue 14): the chair builds the priority lists,
a second commission member approves, the chair publishes and issues the decisions;
an appeal is recorded and upheld, the commission corrects the facts, the lists are
re-ranked in a new version (approved, published, its decisions issued) and, once the
time to appeal has passed, published as the final list. The public tender page then
shows both versions with their hashes and cut-offs. Every page passes axe-core and
reflows; the public pages in Slovenian and English.

Building, publishing and issuing run as background jobs; here they run at once
(``ImmediateBackend``: the worker is tested in ``tests/lists/test_jobs.py``).
"""

import datetime

from django.utils import timezone

import pytest

from lists.constants import AppealOutcome, ListState
from lists.models import Appeal, Decision, ListVersion
from tests.browser.helpers import axe_violations, check_page, log_in, too_wide
from tests.housing.factories import StaticDeviceFactory
from tests.lists import conftest as lists_fixtures
from tests.lists.guards import guards_off
from tests.lists.test_views import IMMEDIATE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The lists' fixtures: a tender with its commission, two sub-lists and three
# verified applications (the tender closed).
lessor = lists_fixtures.lessor
tender = lists_fixtures.tender
staff = lists_fixtures.staff
applicant = lists_fixtures.applicant
sub_lists = lists_fixtures.sub_lists
verified = lists_fixtures.verified


@pytest.fixture
def browser_context_args(browser_context_args):
    # Django's CSP would block the injected axe-core script.
    return {
        **browser_context_args,
        "bypass_csp": True,
        "viewport": {"width": 320, "height": 800},
        "extra_http_headers": {"Accept-Language": "en"},
    }


def checked(page):
    """``check_page``, with what failed in the message."""
    try:
        check_page(page)
    except AssertionError as error:
        raise AssertionError(
            f"{error}: {axe_violations(page)} too wide: {too_wide(page)}"
        ) from None


def go(page, url):
    page.goto(url)
    checked(page)


def click(page, locator):
    """Follow a link or press a button, then check the page it leads to."""
    with page.expect_navigation():
        locator.first.click()
    page.wait_for_load_state()
    checked(page)


def confirm(page, button):
    page.get_by_label("I checked").check()
    click(page, page.get_by_role("button", name=button, exact=True))


def build_approve_publish(page, context, base, tender, member):
    go(page, f"{base}/staff/tenders/{tender.pk}/lists/")
    before = set(ListVersion.objects.values_list("pk", flat=True))
    click(page, page.get_by_role("button", name="Build the lists"))
    version = ListVersion.objects.exclude(pk__in=before).get()
    assert version.state == ListState.DRAFT
    # The builder may not approve their own version: no button for them.
    go(page, f"{base}/staff/lists/{version.pk}/")
    assert page.get_by_role("button", name="Approve").count() == 0

    other = context.browser.new_context(
        bypass_csp=True,
        viewport={"width": 320, "height": 800},
        extra_http_headers={"Accept-Language": "en"},
    )
    member_page = other.new_page()
    log_in(member_page, base, member.email)
    go(member_page, f"{base}/staff/lists/{version.pk}/")
    click(member_page, member_page.get_by_role("button", name="Approve"))
    other.close()
    version.refresh_from_db()
    assert version.state == ListState.APPROVED
    assert version.approved_by == member

    page.reload()
    checked(page)
    click(page, page.get_by_role("link", name="Publish…"))
    # Without the confirmation: refused at the field, nothing published.
    click(page, page.get_by_role("button", name="Publish", exact=True))
    assert page.locator("#id_confirm").get_attribute("aria-invalid") == "true"
    version.refresh_from_db()
    assert version.state == ListState.APPROVED
    confirm(page, "Publish")
    version.refresh_from_db()
    assert version.state == ListState.PUBLISHED
    assert page.url.endswith(f"/staff/lists/{version.pk}/")
    return version


def issue_decisions(page, base, version):
    go(page, f"{base}/staff/lists/{version.pk}/")
    click(page, page.get_by_role("link", name="Issue the decisions…"))
    confirm(page, "Issue the decisions")
    issued = Decision.objects.filter(version=version)
    assert issued.exists()
    assert page.get_by_text(f"{issued.count()} decision(s) issued.").count() == 1
    return issued


@pytest.fixture
def _tasks_at_once(settings):
    settings.TASKS = IMMEDIATE


@pytest.mark.usefixtures("_tasks_at_once")
def test_lists_published_appealed_re_ranked_and_final(
    page, context, live_server, tender, staff, verified
):
    from review import services as review_services
    from review.models import ApplicationReview

    base = live_server.url
    chair, member = staff["chair"], staff["member"]
    for user in (chair, member):
        StaticDeviceFactory(user=user, tokens=["123456"] * 4)
    first, second, _third = (r.application for r in verified)
    log_in(page, base, chair.email)

    # Version 1: built, approved by the second member, published, decisions issued.
    v1 = build_approve_publish(page, context, base, tender, member)
    decisions = issue_decisions(page, base, v1)
    assert decisions.count() == 3

    # An appeal (the second applicant: the first should not have their own
    # category), recorded on the day it arrived, then upheld.
    go(page, f"{base}/staff/tenders/{tender.pk}/appeals/")
    decision = decisions.get(application=second)
    go(page, f"{base}/staff/decisions/{decision.pk}/appeal/")
    # Without grounds: refused at the field, nothing recorded.
    page.get_by_label("Received on").fill(timezone.localdate().isoformat())
    click(page, page.locator("main form button[type=submit]"))
    assert page.locator("#id_grounds").get_attribute("aria-invalid") == "true"
    assert Appeal.objects.count() == 0
    page.get_by_label("Grounds of the appeal").fill(
        "Prvouvrščena vloga nima pravice do lastne kategorije."
    )
    click(page, page.locator("main form button[type=submit]"))
    appeal = Appeal.objects.get()
    click(page, page.get_by_role("link", name="Record the outcome"))
    page.get_by_label("Upheld").check()
    page.get_by_label("Reason").fill("Kategorija se prvi vlogi ne prizna.")
    click(page, page.get_by_role("button", name="Record the outcome"))
    appeal.refresh_from_db()
    assert appeal.outcome == AppealOutcome.UPHELD
    assert appeal.decided_by == chair

    # The final list is refused until a new version re-ranks the corrected facts.
    go(page, f"{base}/staff/lists/{v1.pk}/final/")
    assert page.get_by_text("An appeal was upheld").count() == 1

    # The commission corrects the facts in its review (tested page by page in
    # test_review.py) and verifies again.
    review = ApplicationReview.objects.get(application=first)
    fact = review.facts.get(path__contains="young-researchers")
    review_services.fact_reject(
        review=review,
        path=fact.path,
        reason="Ni dokazila.",
        expected_version=review.row_version,
        by=member,
    )
    review = ApplicationReview.objects.get(application=first)
    review_services.review_verify(
        review=review, expected_version=review.row_version, by=member
    )

    # Version 2 re-ranks: it supersedes version 1; the changes can be read.
    v2 = build_approve_publish(page, context, base, tender, member)
    v1.refresh_from_db()
    assert v1.state == ListState.SUPERSEDED
    assert v1.superseded_by == v2
    total_before = v1.entries.get(application=first).total
    assert v2.entries.get(application=first).total == total_before - 60
    go(page, f"{base}/staff/lists/{v2.pk}/diff/")
    assert page.get_by_text(first.code).count() >= 1
    # New decisions only where the result changed.
    changed = issue_decisions(page, base, v2)
    assert first.pk in {d.application_id for d in changed}

    # The 15 days to appeal pass (forged: the decisions delivered 20 days ago).
    long_ago = timezone.now() - datetime.timedelta(days=20)
    with guards_off(Decision):
        Decision.objects.update(issued_at=long_ago, delivered_at=long_ago)

    go(page, f"{base}/staff/tenders/{tender.pk}/appeals/")
    click(page, page.get_by_role("link", name="Publish the final list…"))
    confirm(page, "Publish the final list")
    v2.refresh_from_db()
    assert v2.final
    assert v2.state == ListState.PUBLISHED
    assert page.get_by_text("Final list published").count() >= 1

    # The public: the tender page shows both versions with their hashes and
    # cut-offs, and each version its own page, in both languages.
    public = context.browser.new_context(
        bypass_csp=True, viewport={"width": 320, "height": 800}
    )
    anonymous = public.new_page()
    headings = {"sl": "Prednostne liste", "en": "Priority lists"}
    for language in ("sl", "en"):
        anonymous.set_extra_http_headers({"Accept-Language": language})
        go(anonymous, f"{base}/tenders/{tender.pk}/")
        assert anonymous.locator("html").get_attribute("lang") == language
        section = anonymous.locator("section[aria-labelledby='h-priority-lists']")
        assert section.get_by_role("heading", name=headings[language]).count() == 1
        assert section.locator("article").count() == 2
        text = section.inner_text()
        for version in (v1, v2):
            assert version.input_sha256 in text
            assert version.data_sha256 in text
            assert version.pdf_sha256 in text
        assert section.locator("table caption").count() == 2  # cut-offs per version
        for version in (v1, v2):
            go(anonymous, f"{base}/lists/{version.pk}/")
            assert version.data_sha256 in anonymous.inner_text("main")
            # No names on the public page.
            assert first.applicant.full_name not in anonymous.inner_text("main")
    public.close()

    # The applicant whose points changed: their page shows their latest decision
    # (version 2's) with its hash, in both languages.
    own = context.browser.new_context(
        bypass_csp=True, viewport={"width": 320, "height": 800}
    )
    applicant_page = own.new_page()
    applicant_page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(applicant_page, base, first.applicant.email, code=None)
    for language in ("sl", "en"):
        applicant_page.set_extra_http_headers({"Accept-Language": language})
        go(applicant_page, f"{base}/applications/{first.pk}/")
        latest = Decision.objects.get(application=first, version=v2)
        link = f"/applications/{first.pk}/decisions/{latest.pk}/decision.pdf"
        assert applicant_page.locator(f"a[href='{link}']").count() == 1
        assert latest.sha256 in applicant_page.inner_text("main")
    own.close()
