from django.db import models
from django.utils.translation import gettext_lazy as _


class LessorType(models.TextChoices):
    """The four kinds of lessor (Art. 1); the kind decides the appeal body (Art. 24)."""

    MUNICIPALITY = "municipality", _("Municipality")
    PUBLIC_HOUSING_FUND = "public_fund", _("Public housing fund")
    STATE = "state", _("The State")
    NONPROFIT_ORGANISATION = "nonprofit", _("Non-profit housing organisation")


class StaffRole(models.TextChoices):
    LESSOR_ADMIN = "lessor_admin", _("Lessor admin")
    COMMISSION_CHAIR = "commission_chair", _("Commission chair")
    COMMISSION_MEMBER = "commission_member", _("Commission member")
    CLERK = "clerk", _("Clerk")


# Which appeal body hears an appeal against a lessor's decision (Art. 24(2)-(4)).
APPEAL_BODY = {
    LessorType.MUNICIPALITY: _("the mayor"),
    LessorType.PUBLIC_HOUSING_FUND: _("the mayor"),
    LessorType.NONPROFIT_ORGANISATION: _(
        "the management board of the non-profit housing organisation"
    ),
    LessorType.STATE: _("the Housing Commission of the Government of Slovenia"),
}
