"""review/pdf.py: the scoring record from the verified assessment."""

import datetime
import logging

from review import services
from review.pdf import render_scoring_record_pdf
from tests.review.test_services import complete, confirm_all


def test_scoring_record_lines_articles_signers_date(review, staff, caplog):
    services.fact_reject(
        review=review,
        path="application.single_parent",
        reason="Oče živi z njima.",
        expected_version=review.row_version,
        by=staff["member"],
    )
    review = confirm_all(complete(review, staff["clerk"]), staff["member"])
    review = services.review_verify(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )
    signers = services.record_signers(review)
    with caplog.at_level(logging.ERROR):
        html, pdf = render_scoring_record_pdf(
            review,
            language="sl",
            signers=signers,
            signed_on=datetime.date(2026, 4, 2),
        )
    assert pdf.startswith(b"%PDF-")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert '<html lang="sl">' in html
    assert "Form I.1.2" in html
    assert "Form III; Art. 6(2)" in html
    assert "Mladi raziskovalci" in html
    assert (
        "6.2" not in html.split("Točke iz preverjenih dejstev")[1].split("Podpisi")[0]
    )
    assert "Cene Chair" in html
    assert "Predsednik komisije" in html
    assert "Mojca Member" in html
    assert "02. 04. 2026" in html
    assert review.verified_digest in html
    assert f">{review.verified_total}<" in html


def test_scoring_record_names_the_conditions_not_met(review, staff):
    services.fact_correct(
        review=review,
        path=f"members[{review.member_pks[0]}].monthly_income",
        value="9000.00",
        reason="Odločba FURS.",
        expected_version=review.row_version,
        by=staff["member"],
    )
    review = confirm_all(complete(review, staff["clerk"]), staff["member"])
    review = services.review_verify(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )
    assert review.verified_eligible is False
    html, _pdf = render_scoring_record_pdf(
        review, language="sl", signers=[], signed_on=datetime.date(2026, 4, 2)
    )
    assert "<li>Dohodek (" in html
