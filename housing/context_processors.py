from .permissions import is_any_lessor_staff


def navigation(request):
    """What the header shows: staff links only for lessor staff."""
    user = getattr(request, "user", None)
    return {"nav_is_staff": bool(user is not None and is_any_lessor_staff(user))}
