"""The public priority list as a PDF (issue 14, 2 and 6): no names, only application
codes, list, sub-list, rank, points and whether within the cut-off; one file per
language. Uses the long-table renderer (``documents_pdf.long_table``), which keeps
a list of thousands of rows fast and bounded in memory."""

import logging
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _

from .models import ListVersion

logger = logging.getLogger(__name__)


def version_rows(version: ListVersion) -> list[tuple[object, ...]]:
    """The rows of the public list: code, list, sub-list, rank, points, within."""
    rows = []
    for entry in version.entries.order_by("position"):
        within = "" if entry.within is None else _("yes") if entry.within else _("no")
        rows.append(
            (
                entry.code,
                entry.list if entry.list != "all" else "",
                entry.sub_list or "-",
                entry.rank if entry.rank is not None else "-",
                entry.list_rank,
                entry.total,
                within,
            )
        )
    return rows


def _version_lines(version: ListVersion) -> list[str]:
    """The header lines both lists share: the version and its date, each sub-list's
    dwellings and cut-off, and the SHA-256 of the engine input and of the data."""
    published = version.published_at or version.built_at
    return [
        _("Version %(number)s, published %(date)s")
        % {
            "number": version.number,
            "date": formats.date_format(published, "DATE_FORMAT"),
        },
        *(
            _("Sub-list %(code)s: %(dwellings)s dwellings, cut-off %(cutoff)s points")
            % {
                "code": code,
                "dwellings": sub["dwellings"],
                "cutoff": "-" if sub["cutoff"] is None else sub["cutoff"],
            }
            for code, sub in version.engine_output.get("sub_lists", {}).items()
        ),
        _("SHA-256 of the engine input: %(hash)s") % {"hash": version.input_sha256},
        _("SHA-256 of the data: %(hash)s") % {"hash": version.data_sha256},
    ]


def render_version_pdf(version: ListVersion, language: str) -> bytes | None:
    """The PDF of ``version`` in ``language``, or ``None`` when the long-table
    renderer is not installed."""
    try:
        from documents_pdf.long_table import render_long_table_pdf
    except ImportError:  # pragma: no cover - the renderer ships separately
        logger.warning("documents_pdf.long_table is missing: no PDF of the list")
        return None
    return render_long_table_pdf(**version_pdf_arguments(version, language))


def version_pdf_arguments(version: ListVersion, language: str) -> dict[str, Any]:
    """The keyword arguments of ``documents_pdf``'s long-table renderer for the
    public list of ``version`` in ``language`` (read here, in this thread's
    transaction; rendered anywhere)."""
    from documents_pdf.long_table import Column

    with translation.override(language):
        header = [version.tender.title, *_version_lines(version)]
        columns = [
            # Wide enough for a code of 24 characters on one line: a row of one
            # line costs the renderer about half of a row of two (issue 15, 2).
            Column(_("Application code"), "27%"),
            Column(_("List"), "7%", "center"),
            Column(_("Sub-list"), "11%", "center"),
            Column(_("Rank"), "10%", "right"),
            Column(_("Rank in the list"), "13%", "right"),
            Column(_("Points"), "10%", "right"),
            Column(_("Within the cut-off"), None, "center"),
        ]
        return {
            "title": _("Priority list: %(tender)s") % {"tender": version.tender.code},
            "columns": columns,
            "rows": version_rows(version),
            "language": language,
            "header_lines": header,
            "footer_note": f"{version.tender.code} v{version.number}",
        }


# --- the internal list with names, for the commission only (issue 14, 3) ---------------


def household_names(version: ListVersion) -> dict[int, str]:
    """The names of each household on ``version``, by application id: the
    applicant first, then the other members in their order. Names only: no birth
    date, EMŠO, address, nor any health or other special-category fact."""
    from applications.constants import MemberRole
    from applications.models import Member

    members = (
        Member.objects.filter(
            application_id__in=version.entries.values("application_id")
        )
        .order_by("application_id", "position", "pk")
        .values_list("application_id", "role", "first_name", "last_name")
    )
    found: dict[int, list[tuple[bool, str]]] = {}
    for application_id, role, first, last in members:
        found.setdefault(application_id, []).append(
            (role != MemberRole.APPLICANT, f"{first} {last}".strip())
        )
    # sorted() is stable: the applicant first, the others in their order.
    return {
        application_id: ", ".join(name for _other, name in sorted(people))
        for application_id, people in found.items()
    }


def internal_rows(version: ListVersion) -> list[tuple[object, ...]]:
    """The rows of the internal list: rank, code, names, points, list, sub-list,
    rank in the list, within the cut-off."""
    names = household_names(version)
    rows = []
    for entry in version.entries.order_by("position"):
        within = "" if entry.within is None else _("yes") if entry.within else _("no")
        rows.append(
            (
                entry.rank if entry.rank is not None else "-",
                entry.code,
                names.get(entry.application_id, ""),
                entry.total,
                entry.list if entry.list != "all" else "",
                entry.sub_list or "-",
                entry.list_rank,
                within,
            )
        )
    return rows


def render_internal_pdf(version: ListVersion, language: str) -> bytes | None:
    """The internal list of ``version`` in ``language`` (with the households'
    names; for the tender's commission only, never published), or ``None`` when the
    long-table renderer is not installed."""
    try:
        from documents_pdf.long_table import render_long_table_pdf
    except ImportError:  # pragma: no cover - the renderer ships separately
        logger.warning("documents_pdf.long_table is missing: no internal list PDF")
        return None
    return render_long_table_pdf(**internal_pdf_arguments(version, language))


def internal_pdf_arguments(version: ListVersion, language: str) -> dict[str, Any]:
    """The long-table renderer's keyword arguments for the internal list of
    ``version`` in ``language`` (as :func:`version_pdf_arguments`)."""
    from documents_pdf.long_table import Column

    with translation.override(language):
        header = [
            version.tender.title,
            _(
                "INTERNAL: for the tender's commission only, with personal data; "
                "not to be published."
            ),
            *_version_lines(version),
        ]
        columns = [
            Column(_("Rank"), "7%", "right"),
            Column(_("Application code"), "17%"),
            Column(_("Applicant and household"), "34%"),
            Column(_("Points"), "8%", "right"),
            Column(_("List"), "6%", "center"),
            Column(_("Sub-list"), "9%", "center"),
            Column(_("Rank in the list"), "9%", "right"),
            Column(_("Within the cut-off"), None, "center"),
        ]
        return {
            "title": _("Internal priority list: %(tender)s")
            % {"tender": version.tender.code},
            "columns": columns,
            "rows": internal_rows(version),
            "language": language,
            "header_lines": header,
            "footer_note": _("%(tender)s v%(number)s, internal")
            % {"tender": version.tender.code, "number": version.number},
        }
