"""The authentication backend: Django's ``ModelBackend`` with a cheaper ``get_user``.

``get_user`` runs on every request of a signed-in person (Django's authentication
middleware reads the user named by the session). ``ModelBackend`` builds and compiles
``User.objects.get(pk=...)`` each time, and the menu of every page then reads the
user's staff roles in a second query (``housing.permissions``). Here one query,
compiled once per database connection (:mod:`housing.compiled`), reads both: the user
joined to their memberships, one row per membership (one row with no role for
everyone else). The roles are left where ``housing.permissions`` keeps them for the
request. Measured: 0.7-0.8 ms of CPU and two round trips before, 0.2 ms and one after
(docs/performance.md, "HTTP", fifth pass).

Signing in is ``ModelBackend``'s own (the same password check, the same refusal of an
inactive account). ``config.settings.base.AUTHENTICATION_BACKENDS`` lists
``ModelBackend`` after this one only so that sessions signed in before this backend
existed (their session names ``ModelBackend``) stay signed in; a wrong password is
refused here with ``PermissionDenied``, so it is not checked a second time there
(docs/decisions.md, "The user read on every request").
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest

from .compiled import CompiledQuery
from .models import User
from .permissions import roles_by_lessor

#: The user, and per membership its lessor and role (``None`` for a user with none).
_USER_WITH_ROLES = CompiledQuery(
    lambda pk: User._default_manager.filter(pk=pk).annotate(
        najem_role_lessor=F("memberships__lessor_id"),
        najem_role=F("memberships__role"),
    ),
    -201,
)


class UserBackend(ModelBackend):
    """``ModelBackend`` reading the user and their staff roles in one query."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username, password, **kwargs)
        if user is None and password is not None:
            # Refused: stop Django from asking ModelBackend (listed after this one
            # for old sessions) to check the same password again.
            raise PermissionDenied
        return user  # type: ignore[return-value]

    def get_user(self, user_id: Any) -> User | None:
        rows = _USER_WITH_ROLES.run(user_id)
        if not rows:
            return None
        user = rows[0]
        roles = roles_by_lessor(
            (row.najem_role_lessor, row.najem_role)  # type: ignore[attr-defined]
            for row in rows
        )
        del user.najem_role_lessor, user.najem_role  # type: ignore[attr-defined]
        user._najem_roles = roles  # type: ignore[attr-defined]
        return user if self.user_can_authenticate(user) else None
