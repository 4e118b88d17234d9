"""The invitation PDF (issue 9): rendered when the tender is published and after each
amendment notice, stored per language and version, and served, never rendered, on a
request; staff preview a draft's PDF on demand."""

import datetime
import hashlib
import re
from io import BytesIO

from django.urls import reverse

import pytest
from pypdf import PdfReader

from housing.constants import StaffRole
from tenders import pdf, services
from tenders.models import TenderDocument
from tests.housing.factories import MembershipFactory, MunicipalityFactory
from tests.tenders.factories import (
    AdditionalConditionFactory,
    SubListFactory,
    TenderCategoryFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
TITLE = "Razpis za neprofitna stanovanja Škofja Loka - Žiri, čas"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test stores its PDFs in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def admin_x(lessor_x):
    return MembershipFactory(lessor=lessor_x, role=StaffRole.LESSOR_ADMIN).user


@pytest.fixture
def draft(lessor_x):
    lessor_x.municipalities.add(MunicipalityFactory(name="Ljubljana"))
    tender = TenderFactory(lessor=lessor_x, title=TITLE)
    TenderCategoryFactory(tender=tender, category="large_family", points=90)
    TenderCategoryFactory(
        tender=tender,
        category="other",
        slug="leaving-care",
        name="Mladi po rejništvu",
        substantiation="Brez družinske opore.",
        points=60,
    )
    AdditionalConditionFactory(tender=tender, name="Prebivališče 5 let", points=40)
    SubListFactory(tender=tender, code="A1", name="Družine")
    return tender


@pytest.fixture
def published(draft, admin_x):
    services.tender_transition(tender=draft, to_status="published", by=admin_x)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def no_rendering(monkeypatch):
    """Any attempt to render a PDF fails the test."""

    def fail(**kwargs):
        raise AssertionError("a request rendered a PDF")

    monkeypatch.setattr(pdf, "render_invitation_pdf", fail)
    monkeypatch.setattr("weasyprint.HTML", fail)


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace collapsed (lines wrap where the page ends)."""
    pages = PdfReader(BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def pdf_url(tender, **query) -> str:
    url = reverse("tenders:pdf", args=[tender.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def content(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Publishing stores the PDFs ----------------------------------------------------


def test_publishing_stores_version_one_in_each_language(published, admin_x):
    documents = TenderDocument.objects.filter(tender=published).order_by("language")
    assert [(d.language, d.version) for d in documents] == [("en", 1), ("sl", 1)]
    for document in documents:
        data = document.file.read()
        assert data.startswith(b"%PDF-")
        assert document.sha256 == hashlib.sha256(data).hexdigest()
        assert document.size == len(data)
        assert document.created_by == admin_x
        assert document.file.name == (
            f"tenders/{published.pk}/invitation-{document.language}-v1.pdf"
        )


def test_stored_pdfs_hold_the_title_in_each_language(published):
    sl = TenderDocument.objects.get(tender=published, language="sl")
    en = TenderDocument.objects.get(tender=published, language="en")
    sl_text, en_text = pdf_text(sl.file.read()), pdf_text(en.file.read())
    assert TITLE in sl_text
    assert TITLE in en_text
    assert "Mladi po rejništvu" in sl_text
    assert "Prednostne kategorije in njihove točke" in sl_text
    assert "Priority categories and their points" in en_text


def test_stored_pdf_is_tagged_and_in_its_language(published):
    for document in TenderDocument.objects.filter(tender=published):
        reader = PdfReader(BytesIO(document.file.read()))
        catalog = reader.trailer["/Root"].get_object()
        assert catalog["/MarkInfo"]["/Marked"]  # tagged (PDF/UA-1)
        assert "/StructTreeRoot" in catalog
        assert str(catalog["/Lang"]).startswith(document.language)
        assert reader.metadata.title == TITLE


def test_amendment_notice_adds_a_version_and_keeps_the_old_one(published, admin_x):
    services.amendment_publish(
        tender=published,
        text="Podaljšanje roka za oddajo vlog.",
        new_deadline=published.deadline + datetime.timedelta(days=7),
        by=admin_x,
    )
    documents = TenderDocument.objects.filter(tender=published)
    assert sorted((d.language, d.version) for d in documents) == [
        ("en", 1),
        ("en", 2),
        ("sl", 1),
        ("sl", 2),
    ]
    old = documents.get(language="sl", version=1)
    new = documents.get(language="sl", version=2)
    assert "Podaljšanje roka za oddajo vlog." in pdf_text(new.file.read())
    assert "Podaljšanje roka" not in pdf_text(old.file.read())
    assert new.sha256 != old.sha256
    assert pdf.tender_documents_current(tender=published) == [
        new,
        documents.get(language="en", version=2),
    ]


def test_a_refused_publication_stores_nothing(lessor_x, admin_x):
    tender = TenderFactory(lessor=lessor_x)  # no priority category
    with pytest.raises(services.TransitionError):
        services.tender_transition(tender=tender, to_status="published", by=admin_x)
    assert not TenderDocument.objects.exists()


# --- Serving: never rendering ------------------------------------------------------


def test_public_pdf_is_served_without_rendering(client, published, no_rendering):
    response = client.get(pdf_url(published))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    document = TenderDocument.objects.get(tender=published, language="sl")
    assert response["Content-Disposition"] == (
        f'inline; filename="razpis-jss-ljubljana-{published.code}-sl-v1.pdf"'
    )
    assert response["ETag"] == f'"{document.sha256}"'
    assert int(response["Content-Length"]) == document.size
    assert content(response).startswith(b"%PDF-")


def test_served_bytes_match_the_sha256_on_the_page(client, published, no_rendering):
    for headers, language in [({}, "sl"), (EN, "en")]:
        page = client.get(
            reverse("tenders:detail", args=[published.pk]), headers=headers
        ).content.decode()
        links = re.findall(r'href="(/tenders/\d+/invitation\.pdf\?[^"]+)"', page)
        shown = re.findall(r"SHA-256: <code[^>]*>([0-9a-f]{64})</code>", page)
        assert len(links) == len(shown) == 2
        for link, sha256 in zip(links, shown, strict=True):
            body = content(client.get(link.replace("&amp;", "&")))
            assert hashlib.sha256(body).hexdigest() == sha256
        assert f"language={language}" in page


def test_page_language_picks_the_pdf(client, published, no_rendering):
    sl = content(client.get(pdf_url(published)))
    en = content(client.get(pdf_url(published), headers=EN))
    also_en = content(client.get(pdf_url(published, language="en")))
    assert "Prednostne kategorije" in pdf_text(sl)
    assert "Priority categories and their points" in pdf_text(en)
    assert en == also_en


def test_older_versions_stay_downloadable(client, published, admin_x, monkeypatch):
    services.amendment_publish(
        tender=published, text="Popravek.", new_deadline=None, by=admin_x
    )
    monkeypatch.setattr("weasyprint.HTML", None)  # requests never render
    first = TenderDocument.objects.get(tender=published, language="sl", version=1)
    second = TenderDocument.objects.get(tender=published, language="sl", version=2)
    response = client.get(pdf_url(published, language="sl", version=1))
    assert hashlib.sha256(content(response)).hexdigest() == first.sha256
    assert "immutable" in response["Cache-Control"]
    newest = client.get(pdf_url(published))
    assert hashlib.sha256(content(newest)).hexdigest() == second.sha256
    assert newest["Cache-Control"] == "public, no-cache"


def test_not_modified_when_the_etag_matches(client, published, no_rendering):
    document = TenderDocument.objects.get(tender=published, language="sl")
    response = client.get(
        pdf_url(published), headers={"if-none-match": f'"{document.sha256}"'}
    )
    assert response.status_code == 304
    assert response["ETag"] == f'"{document.sha256}"'
    assert response.content == b""


def test_head_of_the_pdf(client, published, no_rendering):
    response = client.head(pdf_url(published))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_unknown_language_or_version_is_404(client, published, no_rendering):
    for query in [
        {"language": "de"},
        {"version": "9"},
        {"version": "x"},
        {"version": "-1"},
        {"version": "1" * 40},
    ]:
        assert client.get(pdf_url(published, **query)).status_code == 404, query


def test_draft_pdf_is_404_for_the_public(client, draft, no_rendering):
    assert client.get(pdf_url(draft)).status_code == 404
    assert client.get(pdf_url(draft, language="sl", version=1)).status_code == 404


def test_published_tender_without_stored_pdf_is_404_and_has_no_link(
    client, lessor_x, no_rendering
):
    """Tenders published before issue 9: `manage.py tender_documents_publish`."""
    tender = TenderFactory(lessor=lessor_x, published=True)
    assert client.get(pdf_url(tender)).status_code == 404
    page = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert "invitation.pdf" not in page


def test_public_pdf_uses_few_queries(
    client, published, no_rendering, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        client.get(pdf_url(published))


# --- Staff preview -----------------------------------------------------------------


def test_staff_preview_a_draft(client, draft, admin_x, otp_login):
    otp_login(client, admin_x)
    response = client.get(reverse("tenders:pdf_preview", args=[draft.pk]), headers=EN)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == (
        f'inline; filename="razpis-jss-ljubljana-{draft.code}-en-predogled.pdf"'
    )
    assert TITLE in pdf_text(response.content)
    assert not TenderDocument.objects.exists()  # a preview is never stored


def test_superuser_previews_a_draft(client, draft, actors, otp_login):
    """Issue 9: the admin got 404 for a draft's PDF."""
    otp_login(client, actors["superuser"])
    response = client.get(reverse("tenders:pdf_preview", args=[draft.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("applicant_a", 403), ("member_y", 404)],
)
def test_preview_is_for_the_lessors_staff_only(
    client, draft, actors, otp_login, who, status
):
    if who != "anonymous":
        if who.startswith("applicant"):
            client.force_login(actors[who])
        else:
            otp_login(client, actors[who])
    response = client.get(reverse("tenders:pdf_preview", args=[draft.pk]))
    assert response.status_code == status


def test_staff_page_links_to_the_preview(client, draft, admin_x, otp_login):
    otp_login(client, admin_x)
    page = client.get(reverse("tenders:manage", args=[draft.pk])).content.decode()
    assert reverse("tenders:pdf_preview", args=[draft.pk]) in page


# --- Rendering ---------------------------------------------------------------------


def test_render_returns_html_and_pdf_in_the_language(draft):
    html, data = pdf.render_invitation_pdf(tender=draft, language="en")
    assert '<html lang="en">' in html
    assert "Priority categories and their points" in html
    assert data.startswith(b"%PDF-")


# --- Tenders published before the PDFs were stored ---------------------------------


def test_missing_documents_command_stores_them_once(lessor_x, draft):
    from io import StringIO

    from django.core.management import call_command

    old = TenderFactory(lessor=lessor_x, published=True)
    out = StringIO()
    call_command("tender_documents_missing", stdout=out)
    assert "1 tender(s) given their PDFs." in out.getvalue()
    assert sorted(
        TenderDocument.objects.filter(tender=old).values_list("language", "version")
    ) == [("en", 1), ("sl", 1)]
    assert not TenderDocument.objects.filter(tender=draft).exists()
    call_command("tender_documents_missing", stdout=out)
    assert TenderDocument.objects.count() == 2


# --- The invitation as an official document (issue 11) --------------------------------


@pytest.fixture
def official(draft, lessor_x):
    lessor_x.address = "Poljanska cesta 15"
    lessor_x.postal_code = "1000"
    lessor_x.town = "Ljubljana"
    lessor_x.email = "razpis@jss.example"
    lessor_x.phone = "01 123 45 67"
    lessor_x.signatory = "Janez Novak, direktor"
    lessor_x.save()
    draft.title_en = "Tender for non-profit rental dwellings in Škofja Loka"
    draft.save()
    return draft


def test_official_pdf_in_slovenian(official):
    _html, content = pdf.render_invitation_pdf(tender=official, language="sl")
    text = pdf_text(content)
    pages = len(PdfReader(BytesIO(content)).pages)
    # Letterhead and reference number on the first page.
    first = pdf_text_of_page(content, 0)
    for part in (
        "Poljanska cesta 15, 1000 Ljubljana",
        "razpis@jss.example",
        "01 123 45 67",
    ):
        assert part in first
    assert f"Številka: {official.code}" in first
    # Preamble, title, numbered sections.
    assert "Na podlagi 87. člena Stanovanjskega zakona" in text
    assert "objavlja" in text
    assert TITLE in text
    for numeral in ("I. ", "II. ", "III. ", "IV. ", "V. ", "VI. ", "VII. "):
        assert numeral in text
    # How, where and until when to apply: online and on paper at the office.
    assert f"/tenders/{official.pk}/" in text
    assert "v pisarni" in text or "na naslov" in text
    assert "priporočeno" in text
    # Appeal route, place, date and signature block; page numbers.
    assert "pritožbo" in text
    assert "Janez Novak, direktor" in text
    assert f"Stran 1 od {pages}" in text


def test_official_pdf_in_english_keeps_a_missing_english_text_in_slovenian(official):
    html, content = pdf.render_invitation_pdf(tender=official, language="en")
    text = pdf_text(content)
    assert "Under Article 87 of the Housing Act" in text
    assert "publishes" in text
    assert "Tender for non-profit rental dwellings in Škofja Loka" in text
    assert "How, where and until when to apply" in text
    assert "Page 1 of" in text
    assert f"Ref. no.: {official.code}" in text
    # The sub-list has no English name: the Slovenian one, marked as Slovenian.
    assert '<span lang="sl">Družine</span>' in html
    assert '<html lang="en">' in html


def test_official_pdf_is_tagged(official):
    _html, content = pdf.render_invitation_pdf(tender=official, language="en")
    reader = PdfReader(BytesIO(content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"


def pdf_text_of_page(content: bytes, index: int) -> str:
    page = PdfReader(BytesIO(content)).pages[index]
    return re.sub(r"\s+", " ", page.extract_text() or "")


def test_official_pdf_uses_one_font_family(official):
    _html, content = pdf.render_invitation_pdf(tender=official, language="sl")
    fonts = set()
    for page in PdfReader(BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts
    assert all(name.startswith("DejaVu-Sans") for name in fonts), fonts
