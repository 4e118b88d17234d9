from django.db import models
from django.utils.translation import gettext_lazy as _


class TenderStatus(models.TextChoices):
    """The lifecycle of an invitation to tender (Art. 17-25)."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for applications")
    CLOSED = "closed", _("Closed")
    UNDER_REVIEW = "under_review", _("Under review")
    LIST_DRAFTED = "list_drafted", _("Priority list drafted")
    LIST_PUBLISHED = "list_published", _("Priority list published")
    APPEALS = "appeals", _("Appeals")
    FINAL_LIST = "final_list", _("Final list")
    ALLOCATION = "allocation", _("Allocation")
    ARCHIVED = "archived", _("Archived")


# Statuses in which the public may read the tender page.
PUBLIC_STATUSES = frozenset(TenderStatus) - {TenderStatus.DRAFT}


class Category(models.TextChoices):
    """Form III priority categories (Art. 6(1)); ``other`` is an Art. 6(2) category."""

    YOUNG_FAMILY = "young_family", _("Young family (parents up to 35)")
    YOUTH = "youth", _("Youth (applicant up to 30)")
    LARGE_FAMILY = "large_family", _("Family with at least three children")
    LARGE_FAMILY_EXTRA_CHILD = (
        "large_family_extra_child",
        _("Large family: for every further child"),
    )
    DISABILITY = "disability", _("Disabled person or family with a disabled member")
    FEW_EMPLOYED = "few_employed", _("Family with a small number of employed persons")
    LONG_SERVICE = (
        "long_service",
        _("Long employment period, without a dwelling or subtenant"),
    )
    IMPORTANT_PROFESSION = (
        "important_profession",
        _("Profession important for the municipality"),
    )
    DOMESTIC_VIOLENCE = (
        "domestic_violence",
        _("Women and women with children, victims of domestic violence"),
    )
    WAR_VICTIM = "war_victim", _("Person with the status of a war victim")
    OTHER = "other", _("Other category defined by the lessor (Art. 6(2))")


EXTRA_CHILD = Category.LARGE_FAMILY_EXTRA_CHILD


class ListKind(models.TextChoices):
    """Art. 9 and 17(2): list A (exempt from own share and security) and list B."""

    A = "A", _("List A: exempt from own share and security")
    B = "B", _("List B: pays own share and security")


class SubListRule(models.TextChoices):
    """How applications are assigned to a sub-list of list A or B."""

    FAMILIES = "families", _("Families: households of two or more members")
    SINGLE_PERSONS = "single_persons", _("Single persons: one-member households")
    WHEELCHAIR_USERS = "wheelchair", _("Households with a permanent wheelchair user")
    DEAF_OR_BLIND = "deaf_or_blind", _("Households with a deaf or blind member")
    ALL_OTHERS = "all_others", _("All other applications of the list")


# Transitions of the lifecycle and who may make each (roles of the tender's lessor;
# a superuser may make any). Closing at the deadline is automatic (no role).
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (TenderStatus.DRAFT, TenderStatus.PUBLISHED): frozenset({"lessor_admin"}),
    (TenderStatus.PUBLISHED, TenderStatus.CLOSED): frozenset(),
    (TenderStatus.CLOSED, TenderStatus.UNDER_REVIEW): frozenset(
        {"commission_chair", "commission_member"}
    ),
    (TenderStatus.UNDER_REVIEW, TenderStatus.LIST_DRAFTED): frozenset(
        {"commission_chair", "commission_member"}
    ),
    (TenderStatus.LIST_DRAFTED, TenderStatus.UNDER_REVIEW): frozenset(
        {"commission_chair", "commission_member"}
    ),
    (TenderStatus.LIST_DRAFTED, TenderStatus.LIST_PUBLISHED): frozenset(
        {"commission_chair"}
    ),
    (TenderStatus.LIST_PUBLISHED, TenderStatus.APPEALS): frozenset(
        {"commission_chair"}
    ),
    (TenderStatus.APPEALS, TenderStatus.FINAL_LIST): frozenset({"commission_chair"}),
    (TenderStatus.FINAL_LIST, TenderStatus.ALLOCATION): frozenset({"lessor_admin"}),
    (TenderStatus.ALLOCATION, TenderStatus.ARCHIVED): frozenset({"lessor_admin"}),
}

DEFAULT_AMENDMENT_DAYS = 15

# The button that makes each step, by target status.
TRANSITION_LABELS = {
    TenderStatus.PUBLISHED: _("Publish the tender"),
    TenderStatus.CLOSED: _("Close the tender"),
    TenderStatus.UNDER_REVIEW: _("Start reviewing applications"),
    TenderStatus.LIST_DRAFTED: _("Mark the priority list as drafted"),
    TenderStatus.LIST_PUBLISHED: _("Publish the priority list"),
    TenderStatus.APPEALS: _("Open the appeals stage"),
    TenderStatus.FINAL_LIST: _("Publish the final list"),
    TenderStatus.ALLOCATION: _("Start allocating dwellings"),
    TenderStatus.ARCHIVED: _("Archive the tender"),
}


# Names of the rules editions in the UI's languages (the engine's titles are English).
EDITION_NAMES = {
    "SI-2004": _(
        "Rules on renting non-profit apartments (Official Gazette of the RS, "
        "No. 14/2004)"
    ),
}
