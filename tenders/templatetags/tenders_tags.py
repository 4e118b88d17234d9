"""Template helpers for tender pages: the deadline countdown."""

import json

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

register = template.Library()

# One number per plural category, to pick each language's form (Slovenian has four).
_REPRESENTATIVE = {"one": 1, "two": 2, "few": 3, "other": 5}


def _unit_forms(unit: str) -> dict[str, str]:
    forms = {}
    for category, n in _REPRESENTATIVE.items():
        if unit == "day":
            text = ngettext("%(n)d day", "%(n)d days", n)
        elif unit == "hour":
            text = ngettext("%(n)d hour", "%(n)d hours", n)
        else:
            text = ngettext("%(n)d minute", "%(n)d minutes", n)
        forms[category] = text.replace("%(n)d", "{n}")
    return forms


def remaining_parts(deadline, now=None) -> tuple[int, int, int]:
    """Whole days, hours and minutes left until ``deadline`` (zeros once it passed)."""
    seconds = max(0, int((deadline - (now or timezone.now())).total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    return days, hours, seconds // 60


@register.inclusion_tag("tenders/_countdown.html")
def deadline_countdown(deadline, now=None):
    """The time left until the deadline, kept current by static/js/countdown.js."""
    days, hours, minutes = remaining_parts(deadline, now)
    text = ", ".join(
        [
            ngettext("%(n)d day", "%(n)d days", days) % {"n": days},
            ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours},
            ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes},
        ]
    )
    forms = {unit: _unit_forms(unit) for unit in ("day", "hour", "minute")}
    return {
        "deadline": deadline,
        "passed": (days, hours, minutes) == (0, 0, 0),
        "text": text,
        "forms": json.dumps(forms, ensure_ascii=False),
    }


# --- Texts a lessor writes in both languages (issue 11) --------------------------------


@register.filter
def localized(obj, field: str):
    """``{{ tender|localized:"title" }}``: the text in the page's language, or the
    Slovenian original in ``<span lang="sl">`` where the English one is missing
    (:class:`tenders.models.Localized`)."""
    return mark_safe(obj.localized(field).__html__())  # noqa: S308  # nosec B308 B703 - escaped there


@register.filter
def localized_br(obj, field: str):
    """Like :func:`localized`, keeping the text's line breaks (``<br>``)."""
    return obj.localized(field).inline


@register.filter
def localized_text(obj, field: str):
    """The :class:`~tenders.models.Localized` itself: ``{{ }}`` gives plain text
    (for ``<title>``); ``{% with %}`` it for ``.lines`` and ``.lang_attr``."""
    return obj.localized(field)
