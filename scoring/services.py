"""The Django side of scoring: builds the engine's frozen inputs from ORM rows.

The engine (``scoring.engine``) never sees a model instance; everything it needs is
copied into its dataclasses here.
"""

from scoring.engine import PointValue, TenderRules
from scoring.engine.facts import Error, tender_errors


def tender_rules(tender) -> TenderRules:
    """The engine's view of a tender's settings (Art. 4, 6, 17, 18).

    ``area`` is the lessor's name: residence in the lessor's area is decided when an
    application's facts are built (the applicant's municipality is one the lessor
    serves), so the engine compares against this one token.
    """
    point_value = None
    if tender.point_value_valid_from is not None:
        point_value = PointValue(
            eur=tender.point_value, valid_from=tender.point_value_valid_from
        )
    elif tender.point_value is not None:
        point_value = PointValue(eur=tender.point_value, valid_from=tender.published_on)
    return TenderRules(
        rules=tender.rules_edition,
        published_on=tender.published_on,
        average_net_salary=tender.average_net_salary,
        area=tender.lessor.name,
        admitted_citizenships=tuple(tender.admitted_citizenships),
        priority_categories={c.code: c.points for c in tender.categories.all()},
        tie_break=tuple(tender.tie_break),
        additional_conditions={
            c.code: c.points for c in tender.additional_conditions.all()
        },
        separate_lists=tender.separate_lists,
        point_value=point_value,
    )


def tender_rules_errors(tender) -> list[Error]:
    """Every setting of the tender the engine would refuse, as ``(path, message)``."""
    return tender_errors(tender_rules(tender))
