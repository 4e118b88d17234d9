"""Logging filters that keep personal data out of the logs (GDPR Art. 5(1)(c), 32).

:class:`RedactPersonalNumbers` is installed on every handler in ``settings.LOGGING``.
"""

import logging
import re
import traceback

from stdnum.si import emso

MASK = "*" * 13

# A run of exactly 13 digits, not part of a longer number.
_THIRTEEN_DIGITS = re.compile(r"(?<!\d)\d{13}(?!\d)")


def redact(text: str, *, all_13_digit_runs: bool = True) -> str:
    """Replace every valid EMŠO in ``text`` by :data:`MASK`.

    With ``all_13_digit_runs`` (the default) every 13-digit run is masked, valid or not:
    a mistyped personal number is still personal, and a missed one costs more than a
    masked order number.
    """

    def mask(match: re.Match[str]) -> str:
        if all_13_digit_runs or emso.is_valid(match.group()):
            return MASK
        return match.group()

    return _THIRTEEN_DIGITS.sub(mask, text)


class RedactPersonalNumbers(logging.Filter):
    """Mask personal numbers (EMŠO) in a record's message, arguments and traceback.

    The arguments are merged into the message first (``record.getMessage()``), so a
    number passed as ``%s`` or ``%d``, inside a dict or in an object's ``str()`` is
    caught too; ``record.args`` is emptied afterwards. A traceback is formatted here and
    kept, redacted, in ``record.exc_text``, which formatters use instead of formatting
    ``exc_info`` again. The filter never drops a record.
    """

    def __init__(self, name: str = "", all_13_digit_runs: bool = True) -> None:
        super().__init__(name)
        self.all_13_digit_runs = all_13_digit_runs

    def _redact(self, text: str) -> str:
        return redact(text, all_13_digit_runs=self.all_13_digit_runs)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what we can, redacted
            message = f"{record.msg!s} {record.args!r}"
        record.msg = self._redact(message)
        record.args = ()
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            record.exc_text = "".join(
                traceback.format_exception(*record.exc_info)
            ).rstrip("\n")
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True
