"""Reads for tenders. Every staff read goes through the lessor the user works for, so
another lessor's tender is simply not found (404, no hint that it exists)."""

import datetime
import hashlib
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
from django.db import connection
from django.db.models import (
    JSONField,
    Model,
    Prefetch,
    QuerySet,
)
from django.http import Http404
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from housing.fingerprint import release_fingerprint
from housing.models import Lessor, User
from housing.permissions import CONFIGURE_ROLES, staff_lessor_ids

from .constants import PUBLIC_STATUSES, Category, TenderStatus
from .models import Tender, TenderCategory


def tender_list_open(*, now: datetime.datetime | None = None) -> QuerySet[Tender]:
    """Published tenders whose deadline has not passed, soonest deadline first."""
    return (
        Tender.objects.filter(
            status=TenderStatus.PUBLISHED, deadline__gt=now or timezone.now()
        )
        .select_related("lessor")
        .order_by("deadline", "title")
    )


def tender_list_archived(*, now: datetime.datetime | None = None) -> QuerySet[Tender]:
    """Tenders no longer open for applications, latest deadline first: every public
    status after publication, and a published tender whose deadline has passed before
    the closing job ran (the public sees it as closed)."""
    now = now or timezone.now()
    return (
        Tender.objects.filter(status__in=PUBLIC_STATUSES)
        .exclude(status=TenderStatus.PUBLISHED, deadline__gt=now)
        .select_related("lessor")
        .order_by("-deadline", "title")
    )


_PUBLIC_PREFETCH = (
    Prefetch("categories", queryset=TenderCategory.objects.order_by("position")),
    "additional_conditions",
    "sublists",
    "amendments",
)


def tender_get_public(*, pk: int) -> Tender:
    """A tender the public may read: anything but a draft, with its lessor,
    categories, conditions, sub-lists and amendment notices.

    :raises Http404: for drafts and unknown ids alike.
    """
    tender = (
        Tender.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("lessor")
        .prefetch_related(*_PUBLIC_PREFETCH)
        .first()
    )
    if tender is None:
        raise Http404
    return tender


# What the public tender page renders for each request, outside its cache: the
# title in <title>, the countdown and the apply box (tenders/tender_detail.html,
# _countdown.html, _apply.html) and the lessor's contact in the footer
# (_partials/footer.html). A field missing here costs a query of its own
# (tests/test_tender_page_cache.py counts them).
PUBLIC_PAGE_FIELDS = (
    "lessor_id",
    "status",
    "deadline",
    "title",
    "title_en",
    "amendment_days",
    "results_expected_on",
    "lessor__type",
    "lessor__name",
    "lessor__address",
    "lessor__postal_code",
    "lessor__town",
    "lessor__email",
    "lessor__phone",
    "lessor__website",
)


def tender_get_public_page(*, pk: int) -> Tender:
    """A tender the public may read, with only what its page renders live
    (:data:`PUBLIC_PAGE_FIELDS`); the rest comes from :func:`tender_page_fragments`.

    :raises Http404: for drafts and unknown ids alike.
    """
    tender = (
        Tender.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("lessor")
        .only(*PUBLIC_PAGE_FIELDS)
        .first()
    )
    if tender is None:
        raise Http404
    return tender


def tender_list_for_staff(*, user: User) -> QuerySet[Tender]:
    """Tenders of every lessor the user works for (all of them for a superuser)."""
    tenders = Tender.objects.select_related("lessor").order_by("-published_on", "title")
    ids = staff_lessor_ids(user)
    if ids is None:
        return tenders
    return tenders.filter(lessor_id__in=ids)


def tender_get_for_staff(*, user: User, pk: int) -> Tender:
    """A tender of a lessor the user works for.

    :raises Http404: when it does not exist or belongs to another lessor.
    """
    tender = (
        tender_list_for_staff(user=user)
        .prefetch_related("categories", "additional_conditions", "sublists")
        .filter(pk=pk)
        .first()
    )
    if tender is None:
        raise Http404
    return tender


def lessors_configurable_by(*, user: User) -> QuerySet[Lessor]:
    """Lessors for which the user may create tenders (lessor admin, or superuser)."""
    if user.is_superuser:
        return Lessor.objects.all()
    return Lessor.objects.filter(
        memberships__user=user, memberships__role__in=CONFIGURE_ROLES
    ).distinct()


def tender_public_facts(*, tender: Tender) -> dict:
    """Numbers an applicant needs, from the tender and its rules edition: income and
    exemption limits per household size in percent and euros (Art. 5, 9), and the
    tie-break chain by name (Art. 6(3))."""
    from decimal import ROUND_HALF_UP, Decimal

    from scoring.engine import EDITIONS

    edition = EDITIONS[tender.rules_edition]
    salary = tender.average_net_salary

    def euros(percent: int) -> Decimal:
        return (salary * percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)

    rows = []
    for n in range(1, 8):
        limit = edition.income_limit_percent_for(n)
        exempt = edition.exemption_percent_for(n)
        rows.append(
            {
                "members": n,
                "limit_percent": limit,
                "limit_eur": euros(limit),
                "exempt_percent": exempt,
                "exempt_eur": euros(exempt),
            }
        )
    # The chain may name any category of the Rules, scored by the tender or not.
    names = {str(c.value): str(c.label) for c in Category}
    names.update({c.code: c.public_name for c in tender.categories.all()})
    return {
        "edition": edition,
        "income_rows": rows,
        "income_step": edition.income_limit_step,
        "exemption_step": edition.exemption_step,
        "tie_break_names": [names.get(code, code) for code in tender.tie_break],
    }


# --- The public tender page, cached (issue 15) -----------------------------------------
#
# Everyone reads the same page, most of all in the rush before a deadline. What does
# not depend on the reader or the moment is rendered once per language and kept in
# Django's cache (settings.CACHES) under a key made from the content itself: every
# column of the tender and its lessor, and of every row the page shows (categories,
# conditions, sub-lists, amendment notices, the invitation PDFs, the published list
# versions, the municipalities the lessor serves), read in one query per request. Any
# change, by a service, the admin or plain SQL, makes a new key, in every process at
# once (no invalidation to forget, nothing shared but the database), and the old entry
# simply ages out. The key also holds the language, the time zone, whether the tender
# is open (the one thing the moment decides in these parts) and the templates' source.
# The countdown, the apply box and the page's frame (the user's menu, CSRF, the CSP
# nonce) are rendered on every request, outside the cache.

TENDER_PAGE_TIMEOUT = 6 * 60 * 60
# The cached parts, rendered from these templates (their source is in the key).
TENDER_PAGE_FRAGMENTS = {
    "head": "tenders/_tender_head.html",
    "notices": "tenders/_tender_notices.html",
    "body": "tenders/_tender_body.html",
}
_TEMPLATES_INCLUDED = (
    "tenders/_documents.html",
    "tenders/_income_table.html",
    "lists/_tender_section.html",
    "lists/_tender_lists.html",
    "lists/_hashes.html",
    "lists/_cutoffs.html",
)


def _row_sql(model: type[Model], tag: str, where: str, json: bool = True) -> str:
    """One text per row of ``model`` with every column (NULL as "~"), for the
    rows ``where`` selects; SQL that PostgreSQL and SQLite both read. ``json=False``
    leaves JSON columns out (a list version's are large, and its SHA-256 columns
    stand for them)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [
        f"COALESCE(CAST({table}.{quote(f.column)} AS TEXT), '~')"
        for f in model._meta.concrete_fields
        if json or not isinstance(f, JSONField)
    ]
    return (
        f"SELECT '{tag}' || "  # noqa: S608  # nosec B608 - names from the models only
        + " || '|' || ".join(columns)
        + f" FROM {table} WHERE {where}"
    )


@cache
def _fingerprint_sql(vendor: str) -> str:
    from housing.models import Municipality
    from lists.constants import FROZEN_STATES
    from lists.models import ListVersion

    from .models import AdditionalCondition, AmendmentNotice, SubList, TenderDocument

    quote = connection.ops.quote_name
    lessor_of_tender = (
        f"(SELECT {quote('lessor_id')} FROM {quote(Tender._meta.db_table)}"  # noqa: S608  # nosec B608
        f" WHERE {quote('id')} = %s)"
    )
    parts = [
        _row_sql(Tender, "t", f"{quote('id')} = %s"),
        _row_sql(Lessor, "l", f"{quote('id')} = {lessor_of_tender}"),
    ]
    parts += [
        _row_sql(model, tag, f"{quote('tender_id')} = %s")
        for tag, model in (
            ("c", TenderCategory),
            ("a", AdditionalCondition),
            ("s", SubList),
            ("n", AmendmentNotice),
            ("d", TenderDocument),
        )
    ]
    states = ", ".join(f"'{state}'" for state in FROZEN_STATES)
    parts.append(
        _row_sql(
            ListVersion,
            "v",
            f"{quote('tender_id')} = %s AND {quote('state')} IN ({states})"
            f" AND {quote('published_at')} IS NOT NULL",
            json=False,
        )
    )
    through = Lessor.municipalities.through._meta
    municipality = quote(through.get_field("municipality").column)
    lessor = quote(through.get_field("lessor").column)
    parts.append(
        _row_sql(
            Municipality,
            "m",
            f"{quote('id')} IN (SELECT {municipality} FROM"  # noqa: S608  # nosec B608
            f" {quote(through.db_table)} WHERE {lessor} = {lessor_of_tender})",
        )
    )
    return " UNION ALL ".join(parts)


def _fingerprint_rows(tender_pk: int) -> list[str]:
    """Every row the cached parts show, as text (see :func:`_row_sql`)."""
    sql = _fingerprint_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [tender_pk] * sql.count("%s"))
        return sorted(row[0] for row in cursor.fetchall())


@cache
def _templates_salt() -> str:
    """The templates of the cached parts and the compiled translations they use: a new
    release, or new translations alone, renders anew."""
    return release_fingerprint(
        Path(get_template(name).origin.name)
        for name in (*TENDER_PAGE_FRAGMENTS.values(), *_TEMPLATES_INCLUDED)
    )


def tender_page_key(*, tender_pk: int, is_open: bool) -> str:
    """The cache key of the tender page's fixed parts: it changes with any of their
    content (one query), the language, the time zone and ``is_open``."""
    digest = hashlib.sha256()
    for part in (
        _templates_salt(),
        get_language(),
        timezone.get_current_timezone_name(),
        is_open,
        _fingerprint_rows(tender_pk),
    ):
        digest.update(repr(part).encode())
        digest.update(b"\x00")
    return f"najem:tender-page:{tender_pk}:{digest.hexdigest()}"


def _tender_page_render(tender_pk: int) -> dict[str, str]:
    from . import pdf as invitation_pdf

    tender = tender_get_public(pk=tender_pk)
    context = {
        "tender": tender,
        "documents": invitation_pdf.tender_documents_current(tender=tender),
        **tender_public_facts(tender=tender),
    }
    return {
        name: str(render_to_string(template, context))
        for name, template in TENDER_PAGE_FRAGMENTS.items()
    }


def tender_page_fragments(
    *, tender: Tender, now: datetime.datetime | None = None
) -> dict[str, SafeString]:
    """The public tender page's parts that are the same for every reader: the title
    (``head``), the invitation PDFs, priority lists and amendment notices
    (``notices``) and the tender's terms (``body``), from the cache when their
    content has not changed. Reads only (a cache write is not a database write).

    ``tender`` comes from :func:`tender_get_public_page` (or any public read); only
    its ``pk``, ``status`` and ``deadline`` are read here, the rest from the database
    when the cache has no entry for the current content.
    """
    is_open = (
        tender.effective_status_at(now or timezone.now()) == TenderStatus.PUBLISHED
    )
    key = tender_page_key(tender_pk=tender.pk, is_open=is_open)
    fragments = django_cache.get(key)
    if fragments is None:
        fragments = _tender_page_render(tender.pk)
        # Cached only when nothing changed while rendering, so a key never holds
        # content other than its own.
        if tender_page_key(tender_pk=tender.pk, is_open=is_open) == key:
            django_cache.set(key, fragments, TENDER_PAGE_TIMEOUT)
    return {name: mark_safe(html) for name, html in fragments.items()}  # noqa: S308  # nosec B308 B703 - rendered templates
