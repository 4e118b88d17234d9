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
