"""The invitation to tender as a PDF (WeasyPrint), rendered from HTML."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from .models import Tender
from .selectors import tender_public_facts


def render_invitation_pdf(*, tender: Tender, language: str) -> tuple[str, bytes]:
    """Render the invitation in ``language``.

    :returns: the HTML and the PDF bytes (tests read both).
    """
    import weasyprint  # slow to import (about 1 s): only when a PDF is asked for

    with translation.override(language):
        html = render_to_string(
            "pdf/tender_invitation.html",
            {
                "tender": tender,
                "language": language,
                **tender_public_facts(tender=tender),
            },
        )
    stylesheet = weasyprint.CSS(filename=finders.find("pdf/invitation.css"))
    pdf = weasyprint.HTML(string=html, base_url=str(finders.find("pdf"))).write_pdf(
        stylesheets=[stylesheet]
    )
    return html, pdf
