"""The public tender page's cache (issue 15) and the priority lists: a list published,
or superseded by a newer one, shows on the tender's page at once."""

import re

from django.urls import reverse

import pytest

from lists import services
from tests.lists import conftest as lists

# The lists' fixtures: a tender with its commission and three verified applications.
_english = lists._english
lessor = lists.lessor
tender = lists.tender
staff = lists.staff
applicant = lists.applicant
sub_lists = lists.sub_lists
verified = lists.verified

pytestmark = pytest.mark.django_db


def versions_shown(client, tender) -> list[str]:
    response = client.get(
        reverse("tenders:detail", args=[tender.pk]), headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    return re.findall(r">Version (\d+)</a>", response.content.decode())


def test_published_and_superseded_lists_show_at_once(client, verified, tender, staff):
    assert versions_shown(client, tender) == []  # cached: no list yet
    first = services.list_build(tender=tender, by=staff["chair"])
    services.list_approve(version=first, by=staff["member"])
    assert versions_shown(client, tender) == []  # a draft is never shown
    first = services.list_publish(version=first, by=staff["chair"])
    assert versions_shown(client, tender) == [str(first.number)]

    second = services.list_build(tender=tender, by=staff["chair"])
    services.list_approve(version=second, by=staff["member"])
    second = services.list_publish(version=second, by=staff["chair"])
    assert versions_shown(client, tender) == [str(second.number), str(first.number)]
    body = client.get(
        reverse("tenders:detail", args=[tender.pk]), headers={"accept-language": "en"}
    ).content.decode()
    assert "Superseded" in body
