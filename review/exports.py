"""The queue as CSV and XLSX for the commission's own work (issue 13).

Columns: code, name of the applicant, paper or online, state, verified points and
list, rejection, flags. Special-category claims are added only for a member of the
tender's commission, and read only through :func:`review.selectors.fact_lines`,
which masks them where the member declared a conflict and logs each application
whose special data it shows (an export is a view of that data).
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from housing.models import User

from . import permissions as perm
from .models import ApplicationReview
from .selectors import MASK, ApplicationFlags, fact_lines


def applicant_name(review: ApplicationReview) -> str:
    members = (review.submission.receipt or {}).get("members") or []
    if not members:
        return ""
    return f"{members[0].get('first_name', '')} {members[0].get('last_name', '')}"


def _flags_text(flags: ApplicationFlags | None) -> str:
    if flags is None:
        return ""
    parts = []
    if flags.duplicate_people:
        parts.append(_("same person in another application"))
    if flags.duplicate_documents:
        parts.append(_("same document in another application"))
    if flags.near_cutoff:
        parts.append(_("near a sub-list's cut-off"))
    return "; ".join(parts)


def queue_rows(
    reviews: Iterable[ApplicationReview],
    *,
    by: User,
    tender,
    flags: dict[int, ApplicationFlags],
) -> list[list[Any]]:
    """The header and one row per review; special columns for the commission only."""
    special = perm.seat_role(by, tender) is not None
    header = [
        _("Code"),
        _("Applicant"),
        _("Paper or online"),
        _("State"),
        _("Verified points"),
        _("List"),
        _("Rejection"),
        _("Flags"),
    ]
    if special:
        header.append(_("Special-category claims"))
    rows: list[list[Any]] = [header]
    for review in reviews:
        application = review.application
        row = [
            application.code,
            applicant_name(review),
            _("On paper") if application.applicant_id is None else _("Online"),
            review.get_state_display(),
            review.verified_total if review.verified_total is not None else "",
            (review.verified_result or {}).get("list", ""),
            review.get_rejection_state_display() if review.rejection_state else "",
            _flags_text(flags.get(application.pk)),
        ]
        if special:
            lines = [
                line
                for line in fact_lines(review=review, by=by)
                if line.special and line.claimed not in (False, None)
            ]
            row.append(
                "; ".join(
                    MASK
                    if line.masked
                    else f"{line.label}"
                    + (f" ({line.member_name})" if line.member_name else "")
                    + f": {line.verified if line.state == 'corrected' else line.claimed}"
                    for line in lines
                )
            )
        rows.append(row)
    return rows


def _cell(value: Any) -> Any:
    # A spreadsheet runs a cell starting with = + - @ as a formula: quote it.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    # With a BOM, Excel reads the file as UTF-8 (č, š, ž).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(rows: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Queue")
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
