"""The one error every service raises when a rule refuses a change.

Services own the rules (house style: forms only parse); when one refuses, the service
raises :class:`ServiceError` with translated messages per form field, and the view puts
each at its field with :func:`add_to_form`. A refusal is never a 500: a conflict with a
concurrent change, or a database constraint that caught one, is a ``ServiceError`` too.

Usable by every app::

    from housing.errors import ServiceError, add_to_form

    try:
        tender_update(tender=tender, data=form.cleaned_data, by=request.user)
    except ServiceError as error:
        add_to_form(form, error)
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

#: The key of messages about the whole object rather than one field.
NON_FIELD = None


class ServiceError(Exception):
    """A service refused a change; ``errors`` maps field names to translated messages.

    The key ``None`` (:data:`NON_FIELD`) holds messages about the whole object; Django's
    ``"__all__"`` is accepted and stored as ``None``. ``code`` names the kind of
    refusal for callers that branch on it (``"frozen"``, ``"conflict"``, ``"invalid"``,
    ``"forbidden"``, ``"closed"``...).

    ``ServiceError("message")`` is a single non-field message;
    ``ServiceError({"points": ["..."], None: ["..."]})`` several at their fields.
    """

    def __init__(
        self,
        errors: str | Mapping[str | None, str | Iterable[str]],
        *,
        code: str = "invalid",
    ) -> None:
        if isinstance(errors, str):
            errors = {NON_FIELD: [errors]}
        self.errors: dict[str | None, list[str]] = {}
        for field, messages in errors.items():
            key = NON_FIELD if field == NON_FIELD_ERRORS else field
            if isinstance(messages, str):
                messages = [messages]
            self.errors.setdefault(key, []).extend(str(m) for m in messages)
        self.code = code
        super().__init__(" ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        """Every message, the non-field ones first."""
        first = self.errors.get(NON_FIELD, [])
        rest = [m for k, ms in self.errors.items() if k is not NON_FIELD for m in ms]
        return [*first, *rest]

    @classmethod
    def from_validation_error(
        cls, error: ValidationError, *, code: str = "invalid"
    ) -> "ServiceError":
        """The same messages as Django's ``ValidationError`` (from ``full_clean()``)."""
        if hasattr(error, "error_dict"):
            return cls(error.message_dict, code=code)
        return cls({NON_FIELD: error.messages}, code=code)


class ErrorCollector:
    """Gathers messages per field while a service checks its rules; raise at the end.

    ``errors.add("points", _("..."))`` then ``errors.raise_if_any()``.
    """

    def __init__(self) -> None:
        self.errors: dict[str | None, list[str]] = {}

    def add(self, field: str | None, message: Any) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, *, code: str = "invalid") -> None:
        """:raises ServiceError: with every message added, if any."""
        if self.errors:
            raise ServiceError(self.errors, code=code)


def add_to_form(form: Any, error: ServiceError) -> None:
    """Show a service's refusal on ``form``: each message at its field.

    Messages for a field the form does not show go to the top of the form, so no
    message is lost.
    """
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
