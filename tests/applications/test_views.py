"""The applicant portal's pages with Django's test client: who reaches each page, what a
save does, bad input, stale pages, submitting twice, read-only after the deadline."""

import datetime
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from applications.constants import ApplicationStatus, Section
from applications.models import Application, ApplicationSubmission
from tests.applications.factories import (
    AmendmentRequestFactory,
    ApplicationFactory,
    MemberFactory,
    make_emso,
)
from tests.housing.factories import UserFactory
from tests.tenders.factories import TenderFactory

EN = {"accept-language": "en"}
SL = {"accept-language": "sl"}


@pytest.fixture
def open_tender(tender):
    """The conftest tender with a deadline in the future (the pages use the clock)."""
    tender.deadline = timezone.now() + datetime.timedelta(days=30)
    tender.save()
    return tender


@pytest.fixture
def draft(open_tender, applicant):
    application = ApplicationFactory(tender=open_tender, applicant=applicant)
    MemberFactory(application=application)
    return application


def pages(application) -> list[str]:
    member = application.members.get()
    child = MemberFactory(application=application, child=True)
    names = [
        ("detail", {}),
        ("applicant", {}),
        ("members", {}),
        ("member_add", {}),
        ("member_edit", {"member_pk": child.pk}),
        ("member_remove", {"member_pk": child.pk}),
        ("check", {}),
        ("withdraw", {}),
    ]
    urls = [
        reverse(f"applications:{name}", kwargs={"pk": application.pk, **kw})
        for name, kw in names
    ]
    urls += [
        reverse("applications:section", args=[application.pk, section])
        for section in (
            "residence",
            "housing",
            "income",
            "health",
            "property",
            "categories",
            "documents",
            "declaration",
        )
    ]
    assert member
    return urls


def test_every_page_answers_200_to_its_applicant_404_to_another_and_login(
    client, draft, applicant
):
    urls = pages(draft)
    client.force_login(applicant)
    for url in urls:
        for headers in (EN, SL):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_the_apply_button_starts_one_application(client, open_tender, applicant):
    url = reverse("applications:start", args=[open_tender.pk])
    detail = client.get(reverse("tenders:detail", args=[open_tender.pk])).content
    assert url.encode() in detail
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(applicant)
    assert client.get(url, headers=EN).status_code == 200
    first = client.post(url)
    second = client.post(url)
    assert first["Location"] == second["Location"]
    assert Application.objects.filter(applicant=applicant).count() == 1
    # Once started, the start page leads to the application.
    assert client.get(url)["Location"] == first["Location"]


def section_post(client, application, section, data, headers=EN, **members):
    application.refresh_from_db()
    payload = {"expected_version": application.row_version, **data}
    for member in application.members.all():
        for name, value in members.get(f"m{member.pk}", {}).items():
            payload[f"m{member.pk}-{name}"] = value
    return client.post(
        reverse("applications:section", args=[application.pk, section]),
        payload,
        headers=headers,
    )


def test_a_section_saves_and_returns_to_the_task_list(client, draft, applicant):
    client.force_login(applicant)
    member = draft.members.get()
    response = section_post(
        client,
        draft,
        "income",
        {},
        **{
            f"m{member.pk}": {
                "employed": "on",
                "years_of_service": "3,5",
                "monthly_income": "1234,50",
            }
        },
        headers=SL,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[draft.pk])
    member.refresh_from_db()
    assert member.monthly_income == Decimal("1234.50")
    assert member.years_of_service == Decimal("3.50")
    draft.refresh_from_db()
    assert draft.section_status["income"] == "done"
    tasks = client.get(response["Location"], headers=EN).content.decode()
    assert "Completed" in tasks


def test_bad_input_shows_messages_at_fields_and_saves_nothing(client, draft, applicant):
    client.force_login(applicant)
    before = Application.objects.get(pk=draft.pk).row_version
    response = section_post(
        client,
        draft,
        "housing",
        {"housing_status": "1.2", "dwelling_area_m2": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_dwelling_area_m2"' in body
    assert "Enter the usable area of the dwelling you live in now." in body
    assert Application.objects.get(pk=draft.pk).row_version == before
    # A member's bad answer: at that member's field, nothing saved for anyone.
    member = draft.members.get()
    response = section_post(
        client,
        draft,
        "health",
        {"disability_aids_monthly": "50"},
        **{f"m{member.pk}": {}},
    )
    body = response.content.decode()
    assert "Spending on aids is deducted only for a member with a disability" in body
    assert Application.objects.get(pk=draft.pk).row_version == before
    response = section_post(
        client,
        draft,
        "income",
        {},
        **{f"m{member.pk}": {"monthly_income": "-5"}},
    )
    assert f'href="#id_m{member.pk}-monthly_income"' in response.content.decode()


def test_bad_input_is_translated(client, draft, applicant):
    client.force_login(applicant)
    response = section_post(
        client, draft, "housing", {"housing_status": "1.2"}, headers=SL
    )
    body = response.content.decode()
    assert "Prišlo je do težave" in body or "Napaka" in body
    assert "Enter the usable area" not in body


def test_member_page_checks_the_emso(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("applications:member_add", args=[draft.pk])
    draft.refresh_from_db()
    data = {
        "expected_version": draft.row_version,
        "role": "child",
        "first_name": "Luka",
        "last_name": "Novak",
        "birth_date": "2019-07-08",
        "sex": "M",
        "emso": make_emso(datetime.date(2019, 7, 9), "M", 3),
        "citizenship": "SI",
        "municipality": draft.tender.lessor.municipalities.first().pk,
    }
    response = client.post(url, data, headers=EN)
    assert response.status_code == 200
    assert "The EMŠO does not match the birth date." in response.content.decode()
    assert draft.members.count() == 1
    data["emso"] = make_emso(datetime.date(2019, 7, 8), "M", 3)
    response = client.post(url, data, headers=EN)
    assert response["Location"] == reverse("applications:members", args=[draft.pk])
    assert draft.members.count() == 2


@pytest.mark.parametrize(
    ("headers", "name"), [(EN, "Croatia"), ({"accept-language": "sl"}, "Hrvaška")]
)
def test_member_page_suggests_countries_in_the_page_language(
    client, draft, applicant, headers, name
):
    client.force_login(applicant)
    url = reverse("applications:member_add", args=[draft.pk])
    html = client.get(url, headers=headers).content.decode()
    assert 'list="id_citizenship-countries"' in html
    assert '<datalist id="id_citizenship-countries">' in html
    assert f'<option value="HR">{name}</option>' in html
    assert '<option value="XK">Kosovo</option>' in html
    assert html.count("<option value=") > 240
    draft.refresh_from_db()
    # The household's members have random names (Faker): the new one is the one that
    # was not there before, whatever its namesakes.
    before = set(draft.members.values_list("pk", flat=True))
    response = client.post(
        url,
        {
            "expected_version": draft.row_version,
            "role": "other",
            "first_name": "Ivana",
            "last_name": "Horvat",
            "birth_date": "1990-02-03",
            "sex": "F",
            "emso": "",
            "citizenship": name,
            "municipality": draft.tender.lessor.municipalities.first().pk,
        },
        headers=headers,
    )
    assert response.status_code == 302
    assert draft.members.exclude(pk__in=before).get().citizenship == "HR"


def test_a_stale_page_shows_the_conflict_at_the_top(client, draft, applicant):
    client.force_login(applicant)
    draft.refresh_from_db()
    stale = draft.row_version
    section_post(client, draft, "residence", {})
    response = client.post(
        reverse("applications:section", args=[draft.pk, "residence"]),
        {"expected_version": stale, "temporary_residence_in_shelter": "on"},
        headers=EN,
    )
    body = response.content.decode()
    assert "This application was changed in the meantime" in body
    assert body.index("There is a problem") < body.index('method="post" novalidate')
    assert Application.objects.get(pk=draft.pk).temporary_residence_in_shelter is False


def test_check_answers_shows_provisional_points_or_what_is_missing(
    client, draft, applicant
):
    client.force_login(applicant)
    url = reverse("applications:check", args=[draft.pk])
    body = client.get(url, headers=EN).content.decode()
    assert "Complete these sections first" in body
    draft.section_status = {s.value: "done" for s in Section}
    draft.save()
    body = client.get(url, headers=EN).content.decode()
    assert "Provisional assessment" in body
    assert "Subtenant or market-rent tenant" in body
    assert "140" in body
    body = client.get(url, headers=SL).content.decode()
    assert "Podnajemnik ali najemnik tržnega stanovanja" in body


def test_submit_twice_gives_one_code_and_the_receipt(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("applications:submit", args=[draft.pk])
    first = client.post(url)
    second = client.post(url)
    assert first["Location"] == second["Location"]
    assert ApplicationSubmission.objects.filter(application=draft).count() == 1
    draft.refresh_from_db()
    assert draft.code == "LJ-2026-00001"
    body = client.get(first["Location"], headers=EN).content.decode()
    assert "Application submitted" in body
    assert "LJ-2026-00001" in body
    # Submitted: the pages that change it lead to its status page.
    response = client.get(reverse("applications:section", args=[draft.pk, "housing"]))
    assert response["Location"] == reverse("applications:detail", args=[draft.pk])
    status = client.get(response["Location"], headers=EN).content.decode()
    assert "Correct the application" in status
    assert "Timeline" in status


def test_an_incomplete_application_is_not_submitted(client, draft, applicant):
    client.force_login(applicant)
    draft.housing_status = ""
    draft.save()
    response = client.post(reverse("applications:submit", args=[draft.pk]), headers=EN)
    assert response.status_code == 200
    assert "Choose your housing status." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.code is None


def test_after_the_deadline_the_application_is_read_only(client, draft, applicant):
    client.force_login(applicant)
    client.post(reverse("applications:submit", args=[draft.pk]))
    tender = draft.tender
    tender.deadline = timezone.now() - datetime.timedelta(minutes=1)
    tender.dwellings_list_a, tender.dwellings_list_b = 30, 10
    tender.save()
    status = client.get(
        reverse("applications:detail", args=[draft.pk]), headers=EN
    ).content.decode()
    assert "Correct the application" not in status
    assert "1 application for 40 dwellings." in status
    response = client.post(reverse("applications:correct", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    section = reverse("applications:section", args=[draft.pk, "housing"])
    assert client.post(section, {"housing_status": "1.1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.housing_status == "1.2"
    assert response.status_code == 302


def test_correct_then_resubmit_keeps_the_code(client, draft, applicant):
    client.force_login(applicant)
    client.post(reverse("applications:submit", args=[draft.pk]))
    client.post(reverse("applications:correct", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_correcting
    section_post(client, draft, "declaration", {"declaration": "on", "consent": "on"})
    client.post(reverse("applications:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.version == 2
    assert list(draft.submissions.values_list("code", flat=True)) == [draft.code] * 2


def test_amendment_request_is_answered_with_a_short_answer(client, draft, applicant):
    client.force_login(applicant)
    client.post(reverse("applications:submit", args=[draft.pk]))
    request = AmendmentRequestFactory(application=draft)
    status = client.get(
        reverse("applications:detail", args=[draft.pk]), headers=EN
    ).content.decode()
    assert request.text in status
    url = reverse("applications:amendment_answer", args=[draft.pk, request.pk])
    assert client.post(url, {"answer_text": ""}, headers=EN).status_code == 200
    response = client.post(url, {"answer_text": "Poslano po pošti."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.answer_text == "Poslano po pošti."
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_a_clerk_enters_a_paper_application_through_the_same_pages(
    client, open_tender, clerk, otp_login, applicant
):
    url = reverse("applications:paper_start", args=[open_tender.pk])
    client.force_login(applicant)
    assert client.get(url).status_code == 403
    otp_login(client, clerk)
    assert client.get(url, headers=EN).status_code == 200
    response = client.post(url, {"postal_address": "Cesta 1\n1000 Ljubljana"})
    application = Application.objects.get(entered_by=clerk)
    assert application.is_paper
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    body = client.get(response["Location"], headers=EN).content.decode()
    assert "Postal address" in body
    assert "paper application entered by staff" in body
    # Without the second factor verified in this session: sent to verify it.
    fresh = Client()
    fresh.force_login(clerk)
    response = fresh.get(reverse("applications:detail", args=[application.pk]))
    assert "/accounts/otp/" in response["Location"]
    # Staff of another lessor: 404.
    other = TenderFactory(published=True)
    assert other
    client.force_login(applicant)
    assert (
        client.get(reverse("applications:detail", args=[application.pk])).status_code
        == 404
    )


def test_list_of_own_applications(client, draft, applicant):
    client.force_login(applicant)
    body = client.get(reverse("applications:list"), headers=EN).content.decode()
    assert draft.tender.title in body
