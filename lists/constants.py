"""Choices of the priority lists (issue 14)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class DecisionKind(models.TextChoices):
    """The decision on an application after the lists were published (Art. 24(1))."""

    CLASSIFIED = "classified", _("Classified on the priority list")
    NOT_CLASSIFIED = "not_classified", _("Not classified on the priority list")


class AppealOutcome(models.TextChoices):
    """What the appeal body decided (Art. 24(5): the decision on the appeal is
    final)."""

    PENDING = "pending", pgettext_lazy("appeal", "Pending")
    REJECTED = "rejected", pgettext_lazy("appeal", "Rejected")
    UPHELD = "upheld", pgettext_lazy("appeal", "Upheld: facts corrected")


#: Days to appeal against a decision, counted from its delivery (Art. 24; the
#: general administrative procedure).
APPEAL_DAYS = 15

#: The appeal body by the lessor's type (``housing.constants.LessorType`` values) with
#: the Rules' article (Art. 24(2)-(4)).
APPEAL_BODIES = {
    "municipality": (_("the mayor"), "Art. 24(2)"),
    "public_fund": (_("the mayor"), "Art. 24(2)"),
    "nonprofit": (
        _("the management board of the public non-profit housing organisation"),
        "Art. 24(3)",
    ),
    "state": (
        _("the Housing Commission of the Government of the Republic of Slovenia"),
        "Art. 24(4)",
    ),
}
