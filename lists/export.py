"""CSV and XLSX of a list version (issue 14, 7): the public columns only (codes,
never names), the same for every version."""

import csv
import io

from django.utils.translation import gettext as _

from .models import ListVersion


def header() -> list[str]:
    return [
        _("Application code"),
        _("List"),
        _("Sub-list"),
        _("Rank"),
        _("Rank in the list"),
        _("Points"),
        _("Within the cut-off"),
        _("Cut-off"),
    ]


def rows(version: ListVersion) -> list[list[object]]:
    """One row per entry in list order; ``within`` as 1/0 (empty without a cut-off)."""
    cutoffs = {
        code: sub["cutoff"]
        for code, sub in version.engine_output.get("sub_lists", {}).items()
    }
    return [
        [
            e.code,
            e.list,
            e.sub_list,
            e.rank if e.rank is not None else "",
            e.list_rank,
            e.total,
            "" if e.within is None else int(e.within),
            "" if cutoffs.get(e.sub_list) is None else cutoffs[e.sub_list],
        ]
        for e in version.entries.order_by("position")
    ]


def version_csv(version: ListVersion) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheets read č, š, ž)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    writer.writerows(rows(version))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def version_xlsx(version: ListVersion) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"v{version.number}"
    sheet.append(header())
    for row in rows(version):
        sheet.append(row)
    sheet.append([])
    sheet.append([_("SHA-256 of the engine input"), version.input_sha256])
    sheet.append([_("SHA-256 of the data"), version.data_sha256])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(version: ListVersion, extension: str) -> str:
    return f"{version.tender.code}-list-v{version.number}.{extension}"
