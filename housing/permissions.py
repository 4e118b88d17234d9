"""Object-level permission rules, as plain functions every view calls.

A superuser may do everything. Staff act only for the lessors they are members of;
what they may do depends on their role there. Applicants act only on their own
objects (later issues add those rules here and in ``tenders.permissions``).
"""

from collections.abc import Iterable

from django.db import connections, router

from .constants import StaffRole
from .models import Lessor, Membership, User

REVIEW_ROLES = frozenset(
    {StaffRole.COMMISSION_CHAIR, StaffRole.COMMISSION_MEMBER, StaffRole.CLERK}
)
DECIDE_ROLES = frozenset({StaffRole.COMMISSION_CHAIR, StaffRole.COMMISSION_MEMBER})
CONFIGURE_ROLES = frozenset({StaffRole.LESSOR_ADMIN})
ANY_STAFF_ROLE = frozenset(StaffRole)


# The same rows as ``user.memberships.values_list("lessor_id", "role")``. Every
# signed-in page reads them (the menu's staff link), and building that query through
# the ORM cost four times as much CPU as running it (0.25 ms against 0.05 ms).
_ROLES_SQL = 'SELECT "lessor_id", "role" FROM "housing_membership" WHERE "user_id" = %s'


def roles_by_lessor(
    rows: Iterable[tuple[int | None, str | None]],
) -> dict[int, frozenset[str]]:
    """Fold ``(lessor id, role)`` rows into the roles per lessor id (a row with no
    lessor, a user's row without a membership, adds nothing)."""
    roles: dict[int, frozenset[str]] = {}
    for lessor_id, role in rows:
        if lessor_id is not None:
            roles[lessor_id] = roles.get(lessor_id, frozenset()) | {role}
    return roles


def _roles_cache(user: User) -> dict[int, frozenset[str]]:
    """Roles per lessor id, read once per user object (once per request; the
    authentication backend reads them with the user and leaves them here)."""
    cache = getattr(user, "_najem_roles", None)
    if cache is None:
        alias = router.db_for_read(Membership)
        with connections[alias].cursor() as cursor:
            cursor.execute(_ROLES_SQL, [user.pk])
            cache = roles_by_lessor(cursor.fetchall())
        user._najem_roles = cache
    return cache


def roles_at(user: User, lessor: Lessor | int) -> frozenset[str]:
    """The staff roles ``user`` holds at ``lessor`` (empty for anyone else)."""
    if not user.is_authenticated:
        return frozenset()
    lessor_id = lessor if isinstance(lessor, int) else lessor.pk
    return _roles_cache(user).get(lessor_id, frozenset())


def has_role(user: User, lessor: Lessor | int, roles: Iterable[str]) -> bool:
    """True for a superuser, or for staff of ``lessor`` holding one of ``roles``."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(roles_at(user, lessor) & frozenset(roles))


def is_staff_of(user: User, lessor: Lessor | int) -> bool:
    """Any staff role at ``lessor`` (or superuser): may see the lessor's staff pages."""
    return has_role(user, lessor, ANY_STAFF_ROLE)


def is_any_lessor_staff(user: User) -> bool:
    """Whether the user works for some lessor (or is a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_roles_cache(user))


def can_configure_tenders(user: User, lessor: Lessor | int) -> bool:
    """Lessor admins set up tenders, categories, sub-lists and dwellings."""
    return has_role(user, lessor, CONFIGURE_ROLES)


def can_review_applications(user: User, lessor: Lessor | int) -> bool:
    """Commission chair, members and clerks check and verify applications."""
    return has_role(user, lessor, REVIEW_ROLES)


def can_decide(user: User, lessor: Lessor | int) -> bool:
    """Only the commission (chair and members) scores and decides (Art. 20, 22)."""
    return has_role(user, lessor, DECIDE_ROLES)


def staff_lessor_ids(user: User) -> set[int] | None:
    """Ids of the lessors the user is staff of; ``None`` means all (superuser)."""
    if user.is_authenticated and user.is_superuser:
        return None
    if not user.is_authenticated:
        return set()
    return set(_roles_cache(user))


# --- Second factor ------------------------------------------------------------------


def needs_second_factor(user: User) -> bool:
    """Whether the user must prove a second factor before staff pages and the admin.

    Lessor staff and superusers (``is_any_lessor_staff``), and anyone else with access
    to the Django admin (``is_staff``). Applicants never do.
    """
    if is_any_lessor_staff(user):
        return True
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def has_second_factor(user: User) -> bool:
    """Whether the user has a confirmed device (an authenticator app or backup
    codes): django-otp's ``user_has_device(user, confirmed=True)`` in one query
    instead of one per kind of device (it is asked at every login)."""
    if not user.is_authenticated:
        return False
    from django_otp import device_classes

    found = [
        model.objects.devices_for_user(user, confirmed=True).values("pk")
        for model in device_classes()
    ]
    if not found:
        return False
    first, *rest = found
    return (first.union(*rest, all=True) if rest else first).exists()


def second_factor_verified(user: User) -> bool:
    """Whether a TOTP or backup-code device verified the user in this session.

    ``OTPMiddleware`` gives ``request.user`` an ``is_verified()`` method; a user
    object without it (not from a request) counts as not verified.
    """
    is_verified = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and callable(is_verified) and is_verified())


def staff_verified(user: User) -> bool:
    """Staff (``needs_second_factor``) who verified a second factor in this session.

    False for applicants and anonymous users: this is the condition for reaching any
    staff page or the Django admin, before the object-level rules above.
    """
    return needs_second_factor(user) and second_factor_verified(user)
