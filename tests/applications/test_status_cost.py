"""The status page's summary of the answers comes from Django's cache when its content
has not changed (applications.views._status_summary_html): the page is the one
rendered afresh, any change shows at once (through a service or not), and an entry
never serves another application or another language."""

import dataclasses
import datetime
import re

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from applications import selectors, services, views
from applications.constants import ApplicationStatus, Section
from applications.models import Application, Member
from housing.models import Municipality
from tenders.models import TenderCategory
from tests.applications import conftest as shared
from tests.applications.factories import (
    AmendmentRequestFactory,
    ApplicationFactory,
    MemberFactory,
)

EN = {"accept-language": "en"}
SL = {"accept-language": "sl"}

municipality = shared.municipality
lessor = shared.lessor
tender = shared.tender


@pytest.fixture
def open_tender(tender):
    tender.deadline = timezone.now() + datetime.timedelta(days=30)
    tender.save()
    return tender


def submit(client, tender, **fields) -> Application:
    """A complete draft of the applicant and a child, submitted through the page."""
    category = TenderCategory.objects.get(tender=tender, category="other")
    application = ApplicationFactory(
        tender=tender,
        section_status={s.value: "done" for s in Section},
        other_categories=[category.code],
        **fields,
    )
    MemberFactory(application=application, first_name="Ana", last_name="Kos")
    MemberFactory(application=application, child=True, first_name="Evaxa")
    client.force_login(application.applicant)
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    return application


def status(client, application, headers=EN) -> str:
    response = client.get(
        reverse("applications:detail", args=[application.pk]), headers=headers
    )
    assert response.status_code == 200
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def uncached(monkeypatch):
    """From now on the summary is rendered afresh on every request (no key)."""
    later_stages = selectors.later_stages
    monkeypatch.setattr(
        selectors,
        "later_stages",
        lambda application: dataclasses.replace(
            later_stages(application), summary_rows=None
        ),
    )


def summary_of(application, language: str) -> str:
    """The summary as the page rendered it before it was cached."""
    application = Application.objects.select_related("tender__lessor").get(
        pk=application.pk
    )
    with translation.override(language):
        return render_to_string(
            "applications/_summary.html",
            {"summary": views._summary(application, change_links=False)},
        )


def test_the_cached_page_is_the_page_rendered_afresh(client, open_tender, monkeypatch):
    application = submit(client, open_tender)
    first = status(client, application)
    with CaptureQueriesContext(connection) as captured:
        cached = status(client, application)
    assert cached == first
    assert summary_of(application, "en") in cached
    assert "Mladi raziskovalci" in cached
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    # Neither the household nor the tender's settings are read as rows.
    assert 'FROM "applications_member" WHERE' not in sql
    assert 'FROM "tenders_tendercategory" WHERE' not in sql
    assert len(captured.captured_queries) <= 8
    uncached(monkeypatch)
    assert status(client, application) == first


def test_each_language_has_its_own_entry(client, open_tender):
    application = submit(client, open_tender)
    english = status(client, application, EN)
    slovenian = status(client, application, SL)
    assert summary_of(application, "en") in english
    assert summary_of(application, "sl") in slovenian
    assert summary_of(application, "en") != summary_of(application, "sl")
    assert status(client, application, EN) == english
    assert status(client, application, SL) == slovenian


def test_another_applicant_never_gets_it(client, open_tender):
    first = submit(client, open_tender)
    first_page = status(client, first)
    second = submit(client, open_tender, dwelling_area_m2="77.00")
    second_page = status(client, second)
    assert "77.00" in second_page
    assert "77.00" not in first_page
    assert summary_of(second, "en") in second_page
    # The first applicant still sees their own, and not the second's application.
    client.force_login(first.applicant)
    assert status(client, first) == first_page
    response = client.get(reverse("applications:detail", args=[second.pk]))
    assert response.status_code == 404


def test_a_correction_shows_at_once(client, open_tender):
    application = submit(client, open_tender)
    assert "1,200.00" in status(client, application)
    services.application_correct(application=application, by=application.applicant)
    application.refresh_from_db()
    payload = {"expected_version": application.row_version}
    for member in application.members.all():
        payload[f"m{member.pk}-years_of_service"] = "10"
        payload[f"m{member.pk}-monthly_income"] = "1357"
    response = client.post(
        reverse("applications:section", args=[application.pk, "income"]),
        payload,
        headers=EN,
    )
    assert response.status_code == 302
    application.refresh_from_db()
    response = client.post(
        reverse("applications:section", args=[application.pk, "declaration"]),
        {
            "expected_version": application.row_version,
            "declaration": "on",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302
    page = status(client, application)
    assert "1,357.00" in page
    assert "1,200.00" not in page
    assert summary_of(application, "en") in page


def test_a_withdrawal_shows_at_once(client, open_tender):
    application = submit(client, open_tender)
    status(client, application)
    services.application_withdraw(application=application, by=application.applicant)
    page = status(client, application)
    assert "<strong>Withdrawn</strong>" in page
    assert summary_of(application, "en") in page


def test_an_amendment_answer_shows_at_once(client, open_tender):
    application = submit(client, open_tender)
    amendment = AmendmentRequestFactory(application=application)
    assert amendment.text in status(client, application)
    services.amendment_answer(
        amendment=amendment,
        answer_text="Potrdilo je priloženo.",
        by=application.applicant,
    )
    page = status(client, application)
    assert "Potrdilo je priloženo." in page
    assert summary_of(application, "en") in page


def test_a_member_changed_outside_the_services_shows_at_once(client, open_tender):
    """Not every write bumps the application's row_version (a fix in the shell, a
    data migration): the key holds the members' rows themselves."""
    application = submit(client, open_tender)
    assert "Evaxa" in status(client, application)
    row_version = application.row_version
    Member.objects.filter(application=application, first_name="Evaxa").update(
        first_name="Zalaxa"
    )
    page = status(client, application)
    assert "Zalaxa" in page
    assert "Evaxa" not in page
    application.refresh_from_db()
    assert application.row_version == row_version
    MemberFactory(application=application, child=True, first_name="Maksix")
    assert "Maksix" in status(client, application)
    Member.objects.filter(application=application, first_name="Maksix").delete()
    assert "Maksix" not in status(client, application)


def test_a_name_split_differently_is_another_key(client, open_tender):
    """Two names whose texts run together the same ("Ana," + "Kos" and "Ana" +
    ",Kos") are told apart: each column is keyed with its length."""
    application = submit(client, open_tender)
    Member.objects.filter(application=application, first_name="Ana").update(
        first_name="Ana,", last_name="Kos"
    )
    assert "Ana, Kos" in status(client, application)
    Member.objects.filter(application=application, first_name="Ana,").update(
        first_name="Ana", last_name=",Kos"
    )
    assert "Ana ,Kos" in status(client, application)


def test_a_renamed_municipality_shows_at_once(client, open_tender):
    application = submit(client, open_tender)
    member = application.members.select_related("municipality").first()
    assert member.municipality.name in status(client, application)
    Municipality.objects.filter(pk=member.municipality_id).update(name="Lublana")
    page = status(client, application)
    assert "Lublana" in page
    assert summary_of(application, "en") in page


def test_the_tender_s_category_renamed_shows_at_once(client, open_tender):
    """A published tender's categories are frozen (services, admin); should one
    change anyway, the summary shows it."""
    application = submit(client, open_tender)
    assert "Mladi raziskovalci" in status(client, application)
    TenderCategory.objects.filter(tender=open_tender, category="other").update(
        name="Mlade raziskovalke"
    )
    page = status(client, application)
    assert "Mlade raziskovalke" in page
    assert "Mladi raziskovalci" not in page


def test_an_application_changed_outside_the_services_shows_at_once(client, open_tender):
    application = submit(client, open_tender)
    assert "40.00" in status(client, application)
    Application.objects.filter(pk=application.pk).update(dwelling_area_m2="41.00")
    page = status(client, application)
    assert "41.00" in page
    assert "40.00" not in page
