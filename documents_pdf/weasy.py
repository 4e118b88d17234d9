"""WeasyPrint with its fixed start-up cost paid once per thread (issue 15, item 5).

Every ``weasyprint.HTML(...).write_pdf()`` called without arguments builds

- a ``URLFetcher``, whose HTTPS handler creates an SSL context and loads the system's
  CA certificates (about 25 ms of CPU here, a third of a one-page document), and
- a ``FontConfiguration``, which loads the Fontconfig configuration and scans the
  fonts (about 8 ms).

Neither depends on the document: :func:`write_tagged_pdf` keeps one of each per
thread (the fetcher remembers its last request between calls, and Pango's font map
is not shared across threads). Our documents use the installed DejaVu fonts and no
``@font-face``, so the shared font configuration does not grow from one document to
the next. Imports WeasyPrint only when a PDF is rendered.
"""

from __future__ import annotations

import threading
from typing import Any

_LOCAL = threading.local()


def shared_url_fetcher() -> Any:
    """This thread's ``weasyprint.urls.URLFetcher``."""
    fetcher = getattr(_LOCAL, "fetcher", None)
    if fetcher is None:
        from weasyprint.urls import URLFetcher

        fetcher = _LOCAL.fetcher = URLFetcher()
    return fetcher


def shared_font_config() -> Any:
    """This thread's ``weasyprint.text.fonts.FontConfiguration``."""
    config = getattr(_LOCAL, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _LOCAL.font_config = FontConfiguration()
    return config


def write_tagged_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """``html`` as a tagged PDF (PDF/UA-1), with this thread's fetcher and fonts:
    the document of ``weasyprint.HTML(string=html, base_url=base_url)
    .write_pdf(pdf_variant="pdf/ua-1")``, with less start-up work."""
    import weasyprint

    document = weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=shared_url_fetcher()
    )
    pdf: bytes = document.write_pdf(
        pdf_variant="pdf/ua-1", font_config=shared_font_config()
    )
    return pdf
