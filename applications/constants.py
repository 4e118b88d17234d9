"""Choices and fixed sets of the applications app."""

from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    """Where an application stands on the applicant's side.

    A submitted application that the applicant reopens to correct it (before the
    deadline) is a ``DRAFT`` again that keeps its code; until it is submitted again, its
    last submission (:class:`~applications.models.ApplicationSubmission`) stands.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class HousingStatus(models.TextChoices):
    """Form section I, item 1: exactly one applies."""

    WITHOUT_DWELLING = (
        "1.1",
        _("Without a dwelling, in temporary or non-residential premises or a shelter"),
    )
    SUBTENANT = "1.2", _("Subtenant, or tenant of a market-rent dwelling")
    WORKERS_HOME = "1.3", _("Lives in a workers' home")
    WITH_PARENTS = "1.4", _("Lives at the home of parents or relatives")
    DENATIONALISED = "1.5", _("Tenant of a denationalised dwelling")
    FORMER_CARETAKER = "1.6", _("Former caretaker")


class MemberRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    SPOUSE = "spouse", _("Spouse")
    PARTNER = "partner", _("Partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other household member")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other")


class DocumentKind(models.TextChoices):
    PAPER_FORM = "paper_form", _("Scanned paper application form")
    INCOME = "income", _("Proof of income")
    HOUSING = "housing", _("Proof of the housing situation")
    RESIDENCE = "residence", _("Proof of residence")
    HEALTH = "health", _("Medical certificate or disability decision")
    VIOLENCE = "violence", _("Proof of domestic violence")
    CATEGORY = "category", _("Proof of a priority category or condition")
    AMENDMENT = "amendment", _("Amendment of the application")
    OTHER = "other", _("Other document")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STEP_SAVED = "step_saved", _("Step saved")
    SUBMITTED = "submitted", _("Submitted")
    CORRECTED = "corrected", _("Reopened for correction")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AMENDMENT_REQUESTED = "amendment_requested", _("Amendment requested")
    AMENDMENT_ANSWERED = "amendment_answered", _("Amendment answered")
    STATUS_CHANGED = "status_changed", _("Status changed")


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")


class Section(models.TextChoices):
    """The tasks of the application form (the task list), one topic per page, in the
    order the task list shows them. ``CONTACT`` is shown for paper applications only.
    """

    APPLICANT = "applicant", _("Your details")
    MEMBERS = "members", _("Household members")
    RESIDENCE = "residence", _("Citizenship and residence")
    HOUSING = "housing", _("Where you live now")
    INCOME = "income", _("Income")
    HEALTH = "health", _("Social and health conditions")
    PROPERTY = "property", _("Dwellings and property")
    CATEGORIES = "categories", _("Priority categories and additional conditions")
    CONTACT = "contact", _("Postal address")
    DOCUMENTS = "documents", _("Documents")
    DECLARATION = "declaration", _("Declaration and consent")


class SectionState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Completed")


# The application fields each section writes (``application_save_section``). A section
# with no fields (members, documents, declaration) is confirmed by saving it.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    Section.MEMBERS: (),
    Section.RESIDENCE: ("temporary_residence_in_shelter",),
    Section.HOUSING: (
        "housing_status",
        "dwelling_area_m2",
        "inappropriate_dwelling",
        "architectural_obstacles",
        "entrance_from_yard",
        "lost_housing_right_by_court",
    ),
    Section.INCOME: (),
    Section.HEALTH: (
        "supports_member_over_65",
        "separated_from_minors",
        "single_parent",
        "illness_minor_due_to_housing",
        "illness_due_to_housing",
        "pregnancy",
        "domestic_violence_victim",
        "war_victim",
        "disability_aids_monthly",
    ),
    Section.PROPERTY: ("violence_co_ownership_unusable",),
    Section.CATEGORIES: (
        "important_profession",
        "other_categories",
        "additional_conditions",
    ),
    Section.CONTACT: ("postal_address",),
    Section.DOCUMENTS: (),
    Section.DECLARATION: (),
}

# Sections that also ask every household member some questions: the member fields
# each writes (``application_save_section(members=...)``).
SECTION_MEMBER_FIELDS: dict[str, tuple[str, ...]] = {
    Section.INCOME: ("employed", "years_of_service", "monthly_income"),
    Section.HEALTH: (
        "disability",
        "institutional_care",
        "wheelchair_user",
        "deaf_or_blind",
        "needs_permanent_assistance",
    ),
    Section.PROPERTY: (
        "owns_dwelling",
        "nonprofit_tenant",
        "other_property_value",
        "business_property_value",
    ),
}

# What the declaration section must be given (all true); kept in the event log and the
# progress only: they are answers about the application, not facts of the household.
DECLARATION_ANSWERS: tuple[str, ...] = ("declaration", "consent")

# The member fields ``member_add`` / ``member_update`` write.
MEMBER_FIELDS: tuple[str, ...] = (
    "role",
    "first_name",
    "last_name",
    "emso",
    "birth_date",
    "sex",
    "citizenship",
    "municipality",
    "other_municipality",
    "employed",
    "years_of_service",
    "monthly_income",
    "disability",
    "institutional_care",
    "wheelchair_user",
    "deaf_or_blind",
    "needs_permanent_assistance",
    "owns_dwelling",
    "nonprofit_tenant",
    "other_property_value",
    "business_property_value",
)

# Special-category facts (GDPR Art. 9 and as sensitive: health, disability, violence).
# They are never copied into the audit history (whose rows can never be deleted) and
# never into the event log, which names changed fields only. A test checks that these
# sets are exactly the SPECIAL fields of config/data_classification.py.
SPECIAL_APPLICATION_FIELDS: frozenset[str] = frozenset(
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
    }
)
SPECIAL_MEMBER_FIELDS: frozenset[str] = frozenset(
    {
        "disability",
        "institutional_care",
        "wheelchair_user",
        "deaf_or_blind",
        "needs_permanent_assistance",
    }
)

# Where an application code's number comes from: one sequence per lessor and year.
CODE_DIGITS = 5
# Citizenship token of a person granted international protection (case-format.md).
INTERNATIONAL_PROTECTION = "IP"

# Deadlines are read in Ljubljana time, whatever the active time zone.
LJUBLJANA = ZoneInfo("Europe/Ljubljana")
