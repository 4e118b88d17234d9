"""PDF documents that do not belong to one app: long tables (priority lists).

Public API::

    from documents_pdf import Column, render_long_table_pdf, render_long_tables_pdf

See :mod:`documents_pdf.long_table`. Imports nothing of Django: the worker processes
that render the chunks need neither settings nor a database.
"""

from documents_pdf.long_table import (
    Column,
    render_long_table_pdf,
    render_long_tables_pdf,
)

__all__ = ["Column", "render_long_table_pdf", "render_long_tables_pdf"]
