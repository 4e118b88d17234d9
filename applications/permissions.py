"""Who may act on an application: plain functions the views and services call."""

from housing.models import User
from housing.permissions import can_review_applications

from .models import Application


def can_edit_application(user: User | None, application: Application) -> bool:
    """The applicant on their own application; for a paper application (no account),
    the lessor's clerks and commission, who enter it for the person (issue 12, 9)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if application.applicant_id is not None:
        return application.applicant_id == user.pk
    return can_review_applications(user, application.tender.lessor_id)
