from django.db import transaction

from .models import Lessor, Membership, Municipality, User


@transaction.atomic
def lessor_ensure(
    *, name: str, slug: str, type: str, municipalities: list[str]
) -> tuple[Lessor, bool]:
    """Create the lessor with its municipalities unless it exists (used by seeding).

    :returns: the lessor and whether it was created.
    """
    lessor, created = Lessor.objects.get_or_create(
        slug=slug, defaults={"name": name, "type": type}
    )
    for municipality_name in municipalities:
        municipality, _ = Municipality.objects.get_or_create(name=municipality_name)
        if not lessor.municipalities.filter(pk=municipality.pk).exists():
            lessor.municipalities.add(municipality)
    return lessor, created


@transaction.atomic
def user_ensure(
    *,
    email: str,
    password: str,
    full_name: str = "",
    is_superuser: bool = False,
) -> tuple[User, bool]:
    """Create the user unless one with this email exists; never resets a password."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    if is_superuser:
        user = User.objects.create_superuser(
            email=email, password=password, full_name=full_name
        )
    else:
        user = User.objects.create_user(
            email=email, password=password, full_name=full_name
        )
    return user, True


def membership_ensure(*, user: User, lessor: Lessor, role: str) -> bool:
    """Give ``user`` the ``role`` at ``lessor``; returns whether it was new."""
    _, created = Membership.objects.get_or_create(user=user, lessor=lessor, role=role)
    return created
