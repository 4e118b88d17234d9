"""No raw EMŠO (personal number) ever reaches a log (config.logging_filters)."""

import copy
import io
import logging
import logging.config

from django.conf import settings

import pytest
from stdnum.si import emso

from config.logging_filters import MASK, RedactPersonalNumbers, redact


def make_emso(body: str = "010199050500") -> str:
    """A valid EMŠO: 12 digits (born 1 Jan 1990, register 50, serial 500) + check."""
    number = body + emso.calc_check_digit(body)
    assert emso.is_valid(number)
    return number


EMSO = make_emso()


@pytest.fixture
def configured_logging():
    """``settings.LOGGING`` applied for real, every stream handler writing to a buffer.

    Restores the previous logging set-up afterwards.
    """
    manager = logging.Logger.manager
    saved = {
        name: (lg.handlers[:], lg.level, lg.propagate, lg.disabled)
        for name, lg in [("", logging.root), *manager.loggerDict.items()]
        if isinstance(lg, logging.Logger)
    }
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    for handler in config["handlers"].values():
        if handler["class"] == "logging.StreamHandler":
            handler["stream"] = stream
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        for name, (handlers, level, propagate, disabled) in saved.items():
            lg = logging.getLogger(name or None)
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate = propagate
            lg.disabled = disabled


def test_every_configured_handler_redacts():
    names = {
        name
        for name, spec in settings.LOGGING["filters"].items()
        if spec.get("()") == "config.logging_filters.RedactPersonalNumbers"
    }
    assert names
    for name, handler in settings.LOGGING["handlers"].items():
        assert names & set(handler.get("filters", [])), name


def test_django_default_handlers_are_replaced():
    """Django's own handlers lack the filter, so its loggers must name ours (or none)."""
    for name in ("django", "django.server"):
        spec = settings.LOGGING["loggers"][name]
        assert set(spec["handlers"]) <= set(settings.LOGGING["handlers"])


def test_emso_never_reaches_the_log_output(configured_logging):
    log = logging.getLogger("najem.test")
    log.warning("applicant %s applied", EMSO)
    log.warning(f"inline EMŠO {EMSO} in the message")
    log.warning("in a dict %(emso)s", {"emso": EMSO})
    log.warning("as a number %d", int("1" + EMSO[1:]))
    logging.getLogger("django.request").error("request for %s failed", EMSO)
    try:
        raise ValueError(f"invalid applicant {EMSO}")
    except ValueError:
        log.exception("while checking %s", EMSO)

    output = configured_logging.getvalue()
    assert EMSO not in output
    assert "1" + EMSO[1:] not in output
    assert output.count(MASK) >= 7
    assert "ValueError: invalid applicant " + MASK in output
    assert "Traceback (most recent call last)" in output


def test_redact_masks_13_digit_runs_only():
    assert redact(f"EMŠO {EMSO}.") == f"EMŠO {MASK}."
    assert redact("order 1234567890123") == f"order {MASK}"
    assert redact("phone 041123456, year 2026, iban 12345678901234") == (
        "phone 041123456, year 2026, iban 12345678901234"
    )
    assert redact(f"x{EMSO}y") == f"x{MASK}y"


def test_valid_only_mode_keeps_other_numbers():
    assert redact("1234567890123", all_13_digit_runs=False) == "1234567890123"
    assert redact(EMSO, all_13_digit_runs=False) == MASK


def test_filter_survives_a_bad_format_string():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "%s %s", (EMSO,), exc_info=None
    )
    assert RedactPersonalNumbers().filter(record) is True
    assert EMSO not in record.getMessage()
