"""The public tender page's cache (issue 15): the parts every reader sees alike come
from Django's cache under a key made from their content, so that any change shows at
once; the countdown, the open/closed state and the reader's parts are never cached."""

import datetime
import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from housing.models import Lessor, Municipality
from tenders import services
from tenders.models import SubList, TenderCategory
from tests.housing.factories import UserFactory
from tests.tenders.factories import (
    AdditionalConditionFactory,
    SubListFactory,
    TenderCategoryFactory,
    TenderFactory,
    in_days,
)

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def tender(lessor_x):
    tender = TenderFactory(lessor=lessor_x, published=True, title="Razpis Ljubljana")
    TenderCategoryFactory(tender=tender, category="large_family", points=90)
    TenderCategoryFactory(
        tender=tender,
        category="other",
        slug="leaving-care",
        name="Mladi po rejništvu",
        name_en="Young people leaving care",
        substantiation="Brez družinske opore.",
        points=60,
    )
    AdditionalConditionFactory(tender=tender, name="Prebivališče 5 let", points=40)
    SubListFactory(tender=tender, code="A1", name="Družine", dwellings=12)
    tender.tie_break = ["large_family"]
    tender.save()
    return tender


def page(client, tender, **headers) -> str:
    response = client.get(reverse("tenders:detail", args=[tender.pk]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def fixed(html: str) -> str:
    """The page without what each response has of its own (CSRF token, CSP nonce)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", html)
    return re.sub(r'nonce="[^"]*"', "nonce", html)


def cached_entries() -> int:
    return sum(1 for key in cache._cache if "tender-page" in key)


# --- the same page, cached or not -------------------------------------------------------


def test_cached_page_is_the_page_rendered_without_cache(client, tender, settings):
    first = page(client, tender, **EN)  # renders and fills the cache
    assert cached_entries() == 1
    second = page(client, tender, **EN)  # from the cache
    assert fixed(second) == fixed(first)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    uncached = page(client, tender, **EN)
    assert fixed(uncached) == fixed(first)
    for text in [
        "Razpis Ljubljana",
        "Time left:",
        "Young people leaving care",
        "Prebivališče 5 let",
        "Apply now",
        "A1",
    ]:
        assert text in first, text


def test_signed_in_reader_sees_the_same_tender(client, tender):
    anonymous = page(client, tender, **EN)
    client.force_login(UserFactory(email="ana@example.test"))
    signed_in = page(client, tender, **EN)
    content = re.compile(r"<main.*</main>", re.S)
    assert fixed(content.search(signed_in)[0]) == fixed(content.search(anonymous)[0])
    assert cached_entries() == 1  # one entry serves both


# --- any change shows at once -----------------------------------------------------------


def test_amendment_notice_through_the_service_shows_at_once(client, tender, actors):
    page(client, tender, **EN)
    new_deadline = in_days(40)
    services.amendment_publish(
        tender=tender,
        text="Rok je podaljšan.",
        text_en="The deadline is extended.",
        new_deadline=new_deadline,
        by=actors["admin_x"],
    )
    body = page(client, tender, **EN)
    assert "The deadline is extended." in body
    assert f'datetime="{timezone.localtime(new_deadline).isoformat()}"' in body


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        # Plain UPDATEs: no save(), no signal, no new tender version; still seen.
        (
            lambda t: TenderCategory.objects.filter(
                tender=t, category="large_family"
            ).update(points=77),
            ">77<",
        ),
        (
            lambda t: TenderCategory.objects.filter(
                tender=t, slug="leaving-care"
            ).update(name_en="Care leavers"),
            "Care leavers",
        ),
        (
            lambda t: SubList.objects.filter(tender=t).update(dwellings=34),
            ">34<",
        ),
        (
            lambda t: AdditionalConditionFactory(tender=t, name_en="Studying here"),
            "Studying here",
        ),
        (
            lambda t: Lessor.objects.filter(pk=t.lessor_id).update(name="JSS Koper"),
            "JSS Koper · ",  # the title's line (cached), not only the apply box
        ),
        (
            lambda t: Municipality.objects.filter(lessors=t.lessor_id).update(
                name="Piran"
            ),
            "Piran",
        ),
        (
            lambda t: (
                type(t)
                .objects.filter(pk=t.pk)
                .update(other_terms="Najemnina se usklajuje.", other_terms_en="")
            ),
            "Najemnina se usklajuje.",
        ),
    ],
)
def test_any_change_shows_at_once(client, tender, change, shown):
    before = page(client, tender, **EN)
    assert shown not in before
    change(tender)
    assert shown in page(client, tender, **EN)


def test_each_language_has_its_own_page(client, tender):
    english = page(client, tender, **EN)
    slovenian = page(client, tender, **{"accept-language": "sl"})
    assert "Young people leaving care" in english
    assert "Mladi po rejništvu" in slovenian
    assert "Young people leaving care" not in slovenian
    assert "Preostali čas:" in slovenian
    assert cached_entries() == 2


# --- what depends on the moment is never cached -----------------------------------------


def test_countdown_and_closing_follow_the_clock(client, tender, monkeypatch):
    real_now = timezone.now
    start = real_now()
    body = page(client, tender, **EN)
    assert re.search(r"data-countdown[^>]*>(\d+) days", body)
    days = int(re.search(r"data-countdown[^>]*>(\d+) days", body)[1])

    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(days=3))
    later = page(client, tender, **EN)
    assert int(re.search(r"data-countdown[^>]*>(\d+) days", later)[1]) == days - 3
    assert "Apply now" in later

    # Past the deadline (before the closing job ran): closed, with no countdown.
    monkeypatch.setattr(
        timezone, "now", lambda: tender.deadline + datetime.timedelta(minutes=1)
    )
    closed = page(client, tender, **EN)
    assert "data-countdown" not in closed
    assert "Apply now" not in closed
    assert "This tender no longer accepts applications." in closed
    # The cached part follows too: the breadcrumb and the status.
    archive = f'<li class="breadcrumb-item"><a href="{reverse("tenders:archive")}">'
    assert archive in closed
    assert archive not in body
    assert '<span class="badge text-bg-secondary">Closed</span>' in closed
    assert '<span class="badge text-bg-secondary">Closed</span>' not in body


# --- cost ---------------------------------------------------------------------------------


def test_cached_page_reads_little_and_never_writes(
    client, tender, django_assert_max_num_queries
):
    page(client, tender, **EN)
    # The tender with its lessor and the content key: two SELECTs; the others are
    # the request's savepoint (ATOMIC_REQUESTS).
    with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as queries:
        page(client, tender, **EN)
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert statements.count("SELECT") == 2, statements
    assert set(statements) <= {"SELECT", "SAVEPOINT", "RELEASE"}, statements


def test_uncached_page_never_writes(client, tender):
    with CaptureQueriesContext(connection) as queries:
        page(client, tender, **EN)
    statements = {q["sql"].split()[0].upper() for q in queries.captured_queries}
    assert statements <= {"SELECT", "SAVEPOINT", "RELEASE"}, statements


def test_every_id_on_the_page_is_unique(client, tender):
    """The invitation's section and the documents to attach once shared an id that
    ``aria-labelledby`` points at."""
    from tenders.pdf import tender_documents_publish

    tender_documents_publish(tender=tender, by=None)
    html = page(client, tender)
    assert 'aria-labelledby="h-invitation"' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_new_compiled_translations_render_anew(tender, settings, tmp_path):
    """A cache shared between processes may outlive a deploy: a release that changes
    only the translations must not show the old text (the key includes them)."""
    from tenders import selectors

    compiled = tmp_path / "sl" / "LC_MESSAGES" / "django.mo"
    compiled.parent.mkdir(parents=True)
    compiled.write_bytes(b"first")
    settings.LOCALE_PATHS = [tmp_path]
    selectors._templates_salt.cache_clear()
    try:
        before = selectors.tender_page_key(tender_pk=tender.pk, is_open=True)
        assert before == selectors.tender_page_key(tender_pk=tender.pk, is_open=True)
        compiled.write_bytes(b"second")
        selectors._templates_salt.cache_clear()  # a new process of the new release
        assert selectors.tender_page_key(tender_pk=tender.pk, is_open=True) != before
    finally:
        selectors._templates_salt.cache_clear()
