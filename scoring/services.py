"""The Django side of scoring: builds the engine's frozen inputs from ORM rows.

The engine (``scoring.engine``) never sees a model instance; everything it needs is
copied into its dataclasses here. Only the engine's public API is imported.
"""

from __future__ import annotations

from django.utils.translation import get_language

from scoring.engine import (
    PointValue,
    SubList,
    TenderRules,
    tender_problems,
)
from scoring.engine import (
    rules_categories as _rules_categories,
)

# tenders.constants.SubListRule values -> the engine's sub-list rules.
SUB_LIST_RULES = {
    "families": "families",
    "single_persons": "singles",
    "wheelchair": "wheelchair",
    "deaf_or_blind": "deaf_or_blind",
    "all_others": "all",
}


def _language(language: str | None) -> str:
    """``sl`` for any Slovenian language code (``sl``, ``sl-si``), else ``en``."""
    code = (language or get_language() or "").lower()
    return "sl" if code.startswith("sl") else "en"


def tender_rules(tender) -> TenderRules:
    """The engine's view of a tender's settings (Art. 3, 4, 6, 17, 18).

    ``area`` is the names of the municipalities the lessor serves (Art. 3(1): an
    applicant's permanent residence must be in one of them). Sub-lists keep the tender's
    order; their list is ``all`` when the tender does not separate lists A and B. A
    sub-list rule the engine does not know is passed through unchanged, so that the
    engine refuses it (:func:`tender_rules_errors`) instead of this function guessing.
    """
    point_value = None
    if tender.point_value_valid_from is not None:
        point_value = PointValue(
            eur=tender.point_value, valid_from=tender.point_value_valid_from
        )
    elif tender.point_value is not None:
        point_value = PointValue(eur=tender.point_value, valid_from=tender.published_on)
    separate = tender.separate_lists
    return TenderRules(
        rules=tender.rules_edition,
        published_on=tender.published_on,
        average_net_salary=tender.average_net_salary,
        area=tuple(sorted(m.name for m in tender.lessor.municipalities.all())),
        admitted_citizenships=tuple(tender.admitted_citizenships),
        priority_categories={c.code: c.points for c in tender.categories.all()},
        tie_break=tuple(tender.tie_break),
        additional_conditions={
            c.code: c.points for c in tender.additional_conditions.all()
        },
        separate_lists=separate,
        point_value=point_value,
        sub_lists=tuple(
            SubList(
                code=s.code,
                list=s.list_kind if separate else "all",
                rule=SUB_LIST_RULES.get(s.rule, s.rule),
                dwellings=s.dwellings,
                cutoff=getattr(s, "cutoff", None),
            )
            for s in tender.sublists.all()
        ),
    )


def tender_rules_errors(tender, language: str | None = None) -> list[tuple[str, str]]:
    """Every setting of the tender the engine would refuse, as ``(path, message)``
    pairs; the message is in ``language`` (``"sl"``/``"en"``), by default the active
    Django language (any ``sl*`` reads as Slovenian, everything else as English)."""
    lang = _language(language)
    return [(p.path, p.message(lang)) for p in tender_problems(tender_rules(tender))]


def rules_categories(edition_id: str) -> tuple[str, ...]:
    """Every priority category code of the Rules' edition ``edition_id`` (Form III),
    in Form order: the choices of a tender's tie-break chain (which may name categories
    the tender does not score), besides the tender's own ``other:`` categories.

    :raises KeyError: for an unknown edition.
    """
    return _rules_categories(edition_id)
