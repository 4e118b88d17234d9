"""The queue as CSV and XLSX: special-category columns for the commission only."""

import csv
import io

from django.urls import reverse

import pytest

from review import services
from review.models import SpecialDataView
from tests.review.conftest import make_application


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def pregnant(tender, applicant, staff):
    application = make_application(tender, applicant, pregnancy=True)
    services.review_open(application=application, by=staff["chair"])
    return application


def rows_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def rows_xlsx(response):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_commission_member_gets_special_columns(client, otp_login, pregnant, staff):
    otp_login(client, staff["member"])
    response = client.get(reverse("review:export", args=[pregnant.tender_id, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    header, row = rows_csv(response)
    assert header[-1] == "Special-category claims"
    assert row[0] == pregnant.code
    assert "regnan" in row[-1]
    assert SpecialDataView.objects.filter(
        user=staff["member"], application=pregnant
    ).exists()


def test_xlsx_has_the_same_rows(client, otp_login, pregnant, staff):
    otp_login(client, staff["member"])
    response = client.get(reverse("review:export", args=[pregnant.tender_id, "xlsx"]))
    assert response.status_code == 200
    rows = rows_xlsx(response)
    assert rows[0][0] == "Code"
    assert rows[0][-1] == "Special-category claims"
    assert rows[1][0] == pregnant.code


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_others_get_no_special_columns(client, otp_login, pregnant, staff, who):
    otp_login(client, staff[who])
    response = client.get(reverse("review:export", args=[pregnant.tender_id, "xlsx"]))
    assert response.status_code == 200
    rows = rows_xlsx(response)
    assert "Special-category claims" not in rows[0]
    assert not any("regnan" in str(v) for v in rows[1])
    assert not SpecialDataView.objects.filter(user=staff[who]).exists()


def test_a_member_with_a_conflict_sees_it_masked(client, otp_login, pregnant, staff):
    services.conflict_declare(
        tender=pregnant.tender,
        application=pregnant,
        reason="Sorodnik.",
        by=staff["member"],
    )
    otp_login(client, staff["member"])
    response = client.get(reverse("review:export", args=[pregnant.tender_id, "csv"]))
    _header, row = rows_csv(response)
    assert row[-1] == "***"


def test_export_keeps_the_filters(client, otp_login, pregnant, staff):
    otp_login(client, staff["member"])
    url = reverse("review:export", args=[pregnant.tender_id, "csv"])
    assert len(rows_csv(client.get(url + "?state=verified"))) == 1
    assert len(rows_csv(client.get(url + "?state=submitted"))) == 2


def test_cells_that_look_like_formulas_are_quoted():
    from review.exports import as_csv

    assert b"'=HYPERLINK" in as_csv([["=HYPERLINK(1)"]])
