"""An application's claimed facts as the scoring engine's input (case-format.md).

:func:`application_case` gives exactly the ``application`` object of the case format,
:func:`tender_case` the ``tender`` object, :func:`assess_case` both together (what
``python -m scoring assess -`` reads). Money and areas are decimal strings with two
decimals, dates ISO strings; optional keys appear only when they differ from their
default (absent means false or zero).

Residence: a member's ``permanent_residence`` is the name of the municipality chosen
from the lessor's list, or the other municipality written in; the tender's ``area`` is
the names of the municipalities the lessor serves, so the engine compares like with
like (scoring.md, "Lessor's area").
"""

from decimal import Decimal
from typing import Any

from housing.compiled import CompiledQuery

from .models import ZERO, Application, Member

_CENT = Decimal("0.01")

APPLICATION_FLAGS = (
    "inappropriate_dwelling",
    "architectural_obstacles",
    "entrance_from_yard",
    "supports_member_over_65",
    "separated_from_minors",
    "single_parent",
    "illness_minor_due_to_housing",
    "illness_due_to_housing",
    "pregnancy",
    "domestic_violence_victim",
    "temporary_residence_in_shelter",
    "war_victim",
    "important_profession",
)
MEMBER_FLAGS = (
    "disability",
    "institutional_care",
    "wheelchair_user",
    "needs_permanent_assistance",
    "owns_dwelling",
    "nonprofit_tenant",
)


def decimal_text(value: Decimal) -> str:
    """``Decimal("12.5")`` -> ``"12.50"``: the case format's money and areas."""
    return str(value.quantize(_CENT))


#: ``application.members.select_related("municipality")``, compiled once: every
#: page of the application and every save reads it.
_HOUSEHOLD = CompiledQuery(
    lambda pk: Member.objects.filter(application=pk).select_related("municipality"),
    -201,
)


def household_members(application: Application) -> list[Member]:
    """The application's members in the household's order, with their municipality:
    the ones prefetched for this request (:func:`applications.selectors.
    prefetch_for_check`) when there are, else read now."""
    cache = getattr(application, "_prefetched_objects_cache", {})
    if "members" in cache:
        return list(application.members.all())
    members = _HOUSEHOLD.run(application.pk)
    for member in members:
        # As the related manager does: ``member.application`` is this instance.
        Member.application.field.set_cached_value(member, application)
    # For a save of this request (:func:`applications.services.
    # application_save_section`): the household as read at this ``row_version``.
    application._household_read = (application.row_version, members)
    return members


def member_case(member: Member) -> dict[str, Any]:
    """One ``members[]`` object of the case format."""
    data: dict[str, Any] = {
        "role": member.role,
        "birth_date": member.birth_date.isoformat(),
        "sex": member.sex,
        "citizenship": member.citizenship,
        "permanent_residence": member.permanent_residence,
        "employed": member.employed,
        "years_of_service": decimal_text(member.years_of_service),
        "monthly_income": decimal_text(member.monthly_income),
    }
    for flag in MEMBER_FLAGS:
        data[flag] = getattr(member, flag)
    data["other_property_value"] = decimal_text(member.other_property_value)
    # Optional keys (absent means false / zero).
    if member.deaf_or_blind:
        data["deaf_or_blind"] = True
    if member.business_property_value > ZERO:
        data["business_property_value"] = decimal_text(member.business_property_value)
    return data


def application_case(application: Application) -> dict[str, Any]:
    """The ``application`` object of the case format for ``application``'s claims.

    A draft has no code yet: it is called ``draft-<id>`` (the engine needs a code).
    """
    data: dict[str, Any] = {
        "code": application.code or f"draft-{application.pk}",
        "housing_status": application.housing_status,
    }
    if application.dwelling_area_m2 is not None:
        data["dwelling_area_m2"] = decimal_text(application.dwelling_area_m2)
    for flag in APPLICATION_FLAGS:
        data[flag] = getattr(application, flag)
    data["other_categories"] = list(application.other_categories)
    data["additional_conditions"] = list(application.additional_conditions)
    data["lost_housing_right_by_court"] = application.lost_housing_right_by_court
    members = sorted(
        household_members(application),
        key=lambda m: (m.role != "applicant", m.position, m.pk),
    )
    data["members"] = [member_case(m) for m in members]
    # Optional keys (absent means false / zero).
    if application.disability_aids_monthly > ZERO:
        data["disability_aids_monthly"] = decimal_text(
            application.disability_aids_monthly
        )
    if application.violence_co_ownership_unusable:
        data["violence_co_ownership_unusable"] = True
    return data


def tender_area(tender) -> list[str] | str:
    """The names of the municipalities the lessor serves (the lessor's name if none)."""
    names = sorted(tender.lessor.municipalities.values_list("name", flat=True))
    return names or tender.lessor.name


def tender_case(tender) -> dict[str, Any]:
    """The ``tender`` object of the case format (for ``assess``; no sub-lists)."""
    data: dict[str, Any] = {
        "rules": tender.rules_edition,
        "published_on": tender.published_on.isoformat(),
        "average_net_salary": decimal_text(tender.average_net_salary),
        "area": tender_area(tender),
        "admitted_citizenships": list(tender.admitted_citizenships),
        "priority_categories": {c.code: c.points for c in tender.categories.all()},
        "tie_break": list(tender.tie_break),
        "additional_conditions": {
            c.code: c.points for c in tender.additional_conditions.all()
        },
        "separate_lists": tender.separate_lists,
    }
    if tender.point_value is not None:
        valid_from = tender.point_value_valid_from or tender.published_on
        data["point_value"] = {
            "eur": decimal_text(tender.point_value),
            "valid_from": valid_from.isoformat(),
        }
    return data


def assess_case(application: Application) -> dict[str, Any]:
    """``{"tender": ..., "application": ...}``: the input of ``scoring assess``."""
    return {
        "tender": tender_case(application.tender),
        "application": application_case(application),
    }
