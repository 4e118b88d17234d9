"""Choices of the priority lists (issue 14)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListState(models.TextChoices):
    """Where one version of a tender's priority lists stands (its own states: the
    tender's status is not used).

    ``draft`` (built, cut-offs may be changed: each change makes a new draft) ->
    ``approved`` (a second commission member checked it) -> ``published`` (never
    changes again) -> ``superseded`` (a later version was published). A draft or
    approved version replaced by a newer draft is ``superseded`` too.
    """

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


#: States whose rows and entries never change again (ORM guard and PostgreSQL trigger).
FROZEN_STATES = frozenset({ListState.PUBLISHED, ListState.SUPERSEDED})
