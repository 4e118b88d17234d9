"""Choices and fixed sets of the commission's review (issue 13)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommissionRole(models.TextChoices):
    """A seat on a tender's commission (Art. 20(1))."""

    CHAIR = "chair", _("Chair of the commission")
    MEMBER = "member", _("Member of the commission")
    CLERK = "clerk", _("Clerk of the commission")


class ReviewState(models.TextChoices):
    """Where the commission's review of one application stands.

    ``submitted`` -> ``incomplete`` (an amendment request is out, Art. 20(2)) ->
    ``complete`` -> ``verified`` (the official assessment from verified facts) or
    ``rejected`` (a rejection decision issued, Art. 20(3)).
    """

    SUBMITTED = "submitted", _("Submitted, not yet checked")
    INCOMPLETE = "incomplete", _("Incomplete: awaiting amendment")
    COMPLETE = "complete", _("Complete: facts being verified")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class RejectionState(models.TextChoices):
    NONE = "", _("No rejection")
    DRAFTED = "drafted", _("Rejection drafted")
    ISSUED = "issued", _("Rejection issued")


class FactState(models.TextChoices):
    CLAIMED = "claimed", _("Claimed, not yet verified")
    CONFIRMED = "confirmed", _("Confirmed")
    CORRECTED = "corrected", _("Corrected")
    REJECTED = "rejected", _("Rejected")


class LogKind(models.TextChoices):
    OPENED = "opened", _("Review opened")
    RESYNCED = "resynced", _("Facts taken from a new submission")
    SEAT_SET = "seat_set", _("Commission seat set")
    SEAT_REMOVED = "seat_removed", _("Commission seat removed")
    CONFLICT_DECLARED = "conflict_declared", _("Conflict of interest declared")
    COMPLETE = "complete", _("Marked complete")
    AMENDMENT_REQUESTED = "amendment_requested", _("Amendment requested")
    AMENDMENT_EXPIRED = "amendment_expired", _("Amendment request expired")
    REJECTION_DRAFTED = "rejection_drafted", _("Rejection drafted")
    REJECTION_ISSUED = "rejection_issued", _("Rejection issued")
    REJECTION_WITHDRAWN = "rejection_withdrawn", _("Drafted rejection withdrawn")
    FACT_CONFIRMED = "fact_confirmed", _("Fact confirmed")
    FACT_CORRECTED = "fact_corrected", _("Fact corrected")
    FACT_REJECTED = "fact_rejected", _("Fact rejected")
    VERIFIED = "verified", _("Verified assessment computed")
    UNVERIFIED = "unverified", _("Verified assessment withdrawn by a later change")
    INSPECTION = "inspection", _("Inspection recorded")
    RECORD_ISSUED = "record_issued", _("Scoring record issued")


# Art. 19(2): facts the lessor obtains itself from the public registers; the
# commission may confirm them for a whole tender at once. Name -> member field.
BULK_FACTS: dict[str, str] = {
    "citizenship": "citizenship",
    "residence": "permanent_residence",
    "household": "role",
}

# The application's facts (case-format keys) that are verified. Booleans other than
# those in ALWAYS_CHECKED become facts only when claimed true: a claim not made scores
# nothing and cannot be rejected.
APPLICATION_VALUES = ("housing_status", "dwelling_area_m2", "disability_aids_monthly")
APPLICATION_BOOLEANS = (
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
    "violence_co_ownership_unusable",
    "temporary_residence_in_shelter",
    "war_victim",
    "important_profession",
    "lost_housing_right_by_court",
)
MEMBER_VALUES = (
    "role",
    "birth_date",
    "sex",
    "citizenship",
    "permanent_residence",
    "years_of_service",
    "monthly_income",
    "other_property_value",
    "business_property_value",
)
MEMBER_BOOLEANS = (
    "employed",
    "disability",
    "institutional_care",
    "wheelchair_user",
    "deaf_or_blind",
    "needs_permanent_assistance",
    "owns_dwelling",
    "nonprofit_tenant",
)
# Booleans whose "no" is the claim that matters (eligibility, Art. 3(1), 7): always a
# fact to verify.
ALWAYS_CHECKED = frozenset(
    {"lost_housing_right_by_court", "owns_dwelling", "nonprofit_tenant", "employed"}
)
MONEY_FIELDS = frozenset(
    {
        "dwelling_area_m2",
        "disability_aids_monthly",
        "years_of_service",
        "monthly_income",
        "other_property_value",
        "business_property_value",
    }
)

# Special-category facts (the case-format keys of applications.constants'
# SPECIAL_*_FIELDS): their values are never written to the review log, and are shown
# only to the tender's commission, each showing logged (SpecialDataView).
SPECIAL_FACTS = frozenset(
    {
        "architectural_obstacles",
        "separated_from_minors",
        "illness_minor_due_to_housing",
        "illness_due_to_housing",
        "pregnancy",
        "disability_aids_monthly",
        "domestic_violence_victim",
        "violence_co_ownership_unusable",
        "temporary_residence_in_shelter",
        "war_victim",
        "disability",
        "institutional_care",
        "wheelchair_user",
        "deaf_or_blind",
        "needs_permanent_assistance",
    }
)

# Art. 20(3): an application not amended in time is rejected by a decision.
ARTICLE_UNAMENDED = "20(3)"
# How close to a sub-list's cut-off an application counts as "near" (points).
NEAR_CUTOFF_POINTS = 20
