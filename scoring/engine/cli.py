"""``python -m scoring``: the engine from the command line (``spec/case-format.md``).

::

    python -m scoring assess CASE.json|-     # one case -> one assessment
    python -m scoring assess --jsonl FILE|-  # a case per line -> a line each, in order
    python -m scoring rank TENDER.json|-     # tender + applications -> priority lists

Output is JSON on standard output and nothing else. Exit status: 0 when every case was
valid; 2 for invalid input (with ``{"errors": [{"path", "message"}, ...]}`` naming every
bad field; an unreadable file, bad UTF-8 or bad JSON is an error at ``$``) and for usage
errors (argparse, on standard error); 70 if the engine itself failed (a bug: reported
the same way, never as a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from scoring.engine.facts import InvalidFacts, Problem
from scoring.engine.jsonio import (
    ROOT,
    assessment_json,
    decode,
    dumps,
    errors_json,
    ranking_json,
    read_assess,
    read_rank,
)
from scoring.engine.run import assess_valid, prepare, rank_valid

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring",
        description="Score applications for non-profit rental housing (Rules of 2004).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    assess_parser = commands.add_parser(
        "assess", help="assess one application (or one per line with --jsonl)"
    )
    assess_parser.add_argument(
        "case", nargs="?", metavar="CASE.json", help="a case file, or - for stdin"
    )
    assess_parser.add_argument(
        "--jsonl", metavar="FILE", help="one case per line (a file, or - for stdin)"
    )
    rank_parser = commands.add_parser("rank", help="rank a tender's applications")
    rank_parser.add_argument(
        "tender", metavar="TENDER.json", help="a tender file, or - for stdin"
    )
    return parser


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        with open(source, "rb") as handle:
            return handle.read()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InvalidFacts([_cannot_read(source, reason)]) from None


def _cannot_read(source: str, reason: str) -> Problem:
    return Problem(ROOT, "cannot_read", (("source", source), ("reason", reason)))


def _run(data: bytes, command: str) -> tuple[int, Any]:
    """One document -> (exit status, JSON to print). Never raises."""
    try:
        doc = decode(data)
        if command == "rank":
            # read_rank and read_assess check every fact (scoring.engine.checks).
            tender, applications = read_rank(doc)
            return EXIT_OK, ranking_json(rank_valid(prepare(tender), applications))
        tender, application = read_assess(doc)
        return EXIT_OK, assessment_json(assess_valid(prepare(tender), application))
    except InvalidFacts as exc:
        return EXIT_INVALID, errors_json(exc.errors)
    except Exception as exc:  # a bug in the engine: still JSON, still no traceback
        internal = Problem(ROOT, "internal", (("detail", repr(exc)),))
        return EXIT_INTERNAL, errors_json([(ROOT, internal.message())])


def _lines(source: str) -> Iterable[bytes]:
    if source == "-":
        yield from sys.stdin.buffer
        return
    try:
        handle: BinaryIO = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InvalidFacts([_cannot_read(source, reason)]) from None
    with handle:
        yield from handle


def _document(source: str, command: str, out: BinaryIO) -> int:
    """Read one document, run ``command`` on it and print the result; the exit status."""
    try:
        data = _read(source)
    except InvalidFacts as exc:
        status, value = EXIT_INVALID, errors_json(exc.errors)
    else:
        status, value = _run(data, command)
    out.write(dumps(value, pretty=True))
    return status


def _jsonl(source: str, out: BinaryIO) -> int:
    """Assess one case per non-empty line; a bad line gets its own error line."""
    status = EXIT_OK
    try:
        for raw in _lines(source):
            line = raw.strip()
            if not line:
                continue
            code, value = _run(line, "assess")
            status = max(status, code)
            out.write(dumps(value))
    except InvalidFacts as exc:
        out.write(dumps(errors_json(exc.errors)))
        return EXIT_INVALID
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        problem = _cannot_read(source, exc.strerror or exc.__class__.__name__)
        out.write(dumps(errors_json([(ROOT, problem.message())])))
        return EXIT_INVALID
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    parser = _parser()
    args = parser.parse_args(argv)
    out = sys.stdout.buffer
    try:
        if args.command == "assess":
            if (args.case is None) == (args.jsonl is None):
                parser.error("assess needs CASE.json or --jsonl FILE (one of them)")
            if args.jsonl is not None:
                status = _jsonl(args.jsonl, out)
            else:
                status = _document(args.case, "assess", out)
        else:
            status = _document(args.tender, "rank", out)
        out.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, without a traceback at
        # exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    return status
