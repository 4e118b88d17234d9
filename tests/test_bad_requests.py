"""Bad and hostile input: a plain 400/403/404 page, nothing changed, nothing leaked."""

from django.test import Client
from django.urls import reverse

import pytest

from tenders.models import Tender
from tests.tenders.factories import TenderFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def test_oversized_body_gets_a_plain_400_and_changes_nothing(
    client, otp_login, actors, lessor_x, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    tender = TenderFactory(lessor=lessor_x)
    otp_login(client, actors["admin_x"])
    response = client.post(
        reverse("tenders:edit", args=[tender.pk]),
        {"title": "x" * 20_000},
        headers=EN,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bad request" in body
    assert "Nothing was changed" in body
    assert "Traceback" not in body
    tender.refresh_from_db()
    assert tender.title != "x" * 20_000


def test_too_many_fields_gets_400(client):
    data = {f"f{n}": "x" for n in range(1200)}
    response = client.post(reverse("login"), data)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/tenders/abc/",
        "/tenders/-1/",
        "/tenders/99999999999999999999999/",
        "/staff/tenders/1%00/",
        "/history/tender/not-a-number/",
    ],
)
def test_tampered_ids_are_404(client, path):
    assert client.get(path).status_code == 404


def test_tampered_query_string_does_not_redirect_offsite(client, actors):
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "a@example.test", "password": "Correct-horse-battery-9"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.get("Location", "")


def test_replayed_form_after_logout_changes_nothing(actors, lessor_x, otp_login):
    tender = TenderFactory(lessor=lessor_x)
    client = Client(enforce_csrf_checks=True)
    otp_login(client, actors["admin_x"])
    page = client.get(reverse("tenders:tie_break", args=[tender.pk]))
    token = page.context["csrf_token"]
    client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    response = client.post(
        reverse("tenders:transition", args=[tender.pk]),
        {"to_status": "published", "csrfmiddlewaretoken": token},
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    assert Tender.objects.get(pk=tender.pk).status == "draft"


def test_megabyte_texts_and_huge_numbers_are_messages_at_the_field(
    client, otp_login, actors, lessor_x
):
    """Issue 9, finding 6: a 1 MB text or 9.2e18 dwellings were stored."""
    from tests.tenders.test_views import EN_MONEY, tender_post_data

    tender = TenderFactory(lessor=lessor_x)
    otp_login(client, actors["admin_x"])
    data = tender_post_data(
        lessor_x,
        other_terms="x" * 1_000_000,
        dwellings_list_a="9200000000000000000",
        published_on="1901-01-01",
        **EN_MONEY,
    )
    response = client.post(reverse("tenders:edit", args=[tender.pk]), data, headers=EN)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "at most 10000 characters" in errors["other_terms"][0]
    assert "dwellings_list_a" in errors
    tender.refresh_from_db()
    assert tender.other_terms == ""
    data = tender_post_data(lessor_x, published_on="1901-01-01", **EN_MONEY)
    response = client.post(reverse("tenders:edit", args=[tender.pk]), data, headers=EN)
    assert response.status_code == 200
    assert (
        "cannot be published before"
        in response.context["form"].errors["published_on"][0]
    )
    tender.refresh_from_db()
    assert tender.published_on.year > 2000


def test_malformed_sublist_post_answers_with_messages_at_the_fields(
    client, otp_login, actors, lessor_x
):
    tender = TenderFactory(lessor=lessor_x)
    otp_login(client, actors["admin_x"])
    url = reverse("tenders:child_create", args=[tender.pk, "sublists"])
    response = client.post(
        url,
        {
            "list_kind": "Z",
            "code": "x" * 500,
            "name": "",
            "rule": "x",
            "dwellings": "-1",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {
        "list_kind",
        "code",
        "name",
        "rule",
        "dwellings",
    }
    assert not tender.sublists.exists()
