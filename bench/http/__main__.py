"""HTTP benchmark with locust against gunicorn (issue 15 item 6).

    python -m bench.http                    # 200 users, 45 s under load, 3 rounds
    python -m bench.http --users 20 --seconds 10 --saturation-seconds 5 --queue 1000
    python -m bench.http --check                          # exit 1 when a target is missed

Needs the ``bench`` extra (``pip install -c constraints.txt -e '.[test,bench]'``) and
PostgreSQL (``DATABASE_URL``, default ``najem_bench``, created and migrated when
missing). It prepares, in bulk: an open tender published today with its invitation
PDFs (``tenders.pdf.tender_documents_publish``) and one account with a complete draft
per simulated applicant (``applications.generate.generate_drafts``); commission
members (password, a backup code as second factor, a seat) on the generated tender of
``--queue`` applications (reused between runs). Then it starts gunicorn
(``config/gunicorn.py``, 2 sync workers, ``config.settings.bench``) on 127.0.0.1 and
runs locust headless, each run bounded by ``--seconds``:

- the baselines: ``/healthz`` (a plain Django view: one query, no template) asked for
  anonymously, and the same view asked for by signed-in applicants (Django reads the
  session and the user for every request of a signed-in user: the floor under every
  page of theirs); beside them, not judged, a static page in the site's template
  (``/accessibility/``: every middleware, the session, the base template, no domain
  query), which shows what any page of this site costs before it does its own work;
- (a) applicants, as a browser: log in once (the home page it leads to is timed on its
  own, and judged), open a section page of their draft, send
  it unchanged (saved through the services; the browser follows the redirect to the
  task list at once), three times; check the answers, submit once (the browser follows
  to the confirmation page), then read the status page;
- (b) the public during a deadline rush: the open tender's page and its invitation PDF;
- (c) commission members (logged in once with their second factor): random pages of
  the queue, and the queue filtered by state, sorted by points and searched.

``NAJEM_BENCH_GUNICORN_ARGS`` adds arguments to gunicorn's command line for an
experiment (e.g. ``--worker-class gthread --threads 4``: docs/performance.md, "HTTP",
fifth pass); the judged runs use none.

The simulated browsers are locust's ``FastHttpUser`` (geventhttpclient): they share the
machine's CPUs with the server, and python-requests' client took more of them; they
resolve 127.0.0.1 with gevent's blocking resolver (its default thread pool cost them 15 %
of their CPU). Each run first closes the open tenders earlier runs published (the home
page every login leads to would list them all).

Each at ``--users`` users with 1-3 s before every request a person makes (the pause of
reading a page before sending its form included; a redirect's target is asked for at
once and timed as its own request): median, p95, errors; and again at
``--saturation-users`` users with no pause, for the throughput each scenario reaches
beside the plain view's: in ``--rounds`` rounds of ``--saturation-seconds`` each (the
yardsticks, then each scenario, round after round; the yardsticks once more at the
end), so that both sides of a share are measured in the same minutes, and each side
is the mean of its phases. In the applicants' saturation phase a user who has submitted
signs in with a fresh draft's account (``--saturation-pool`` of them, by default 40
for each second of the phase) and starts again, so the phase measures the whole
journey; a user who finds none left reads their status page instead, and then the
phase's throughput is shown but not judged. The login pages count in the throughput (every
request the server answered) but their times are shown, not judged.

The server runs with ``config.settings.bench``, which only the benchmarks use: login
throttling (django-axes) off, since all users come from 127.0.0.1, a fast password
hasher (each user logs in once; 200 PBKDF2 logins would measure the hasher), background
tasks queued in the database as in production (no worker runs: no request waits for
one).

Targets (judged when ``--users`` is at least 200): 0 errors; p95 under 500 ms on every
page; each scenario's pages at least a third of the plain view's throughput, like for
like: the public's beside the anonymous plain view, the signed-in scenarios' beside the
plain view asked for signed in (the anonymous share is printed beside it). Both plain
views are measured again after the scenarios (phase "saturation, after"), and a
scenario's mean over its rounds is judged beside the mean of all the yardstick's
phases: the machine's speed moves within a run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import _project

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Bench-http-2026"  # noqa: S105 (throwaway accounts of the benchmark)
TOKEN = "123456"  # noqa: S105
TARGET_USERS = 200
TARGET_P95_MS = 500.0
TARGET_SHARE = 1 / 3
SCENARIOS = {
    "plain": ("PlainUser", "baseline: plain view /healthz"),
    "plain_signed_in": (
        "PlainSignedInUser",
        "baseline: plain view /healthz, signed in",
    ),
    "page": ("PageUser", "reference: static page in the site's template"),
    "applicants": ("ApplicantUser", "(a) applicants saving pages and submitting"),
    "public": ("PublicUser", "(b) public tender page and invitation PDF"),
    "commission": ("CommissionUser", "(c) commission paging and filtering the queue"),
}


#: Fresh drafts for the applicants' saturation phase unless told: more journeys than
#: its users finish in a second (about 15 at 230 requests a second), so that none
#: runs out of accounts.
POOL_PER_SECOND = 40
MIN_POOL = 400

#: The page an applicant of the saturation phase reads once no fresh account is left.
OUT_OF_ACCOUNTS = "status page"

#: The phase in which the plain views are measured again, after the scenarios.
AFTER = "saturation, after"

#: The saturation phases: alternately the yardsticks and the scenarios, this many
#: times (then the yardsticks once more), unless told (``--rounds``).
ROUNDS = 3

#: The baselines (not judged themselves) and the scenarios of signed-in users.
BASELINES = {"plain", "plain_signed_in", "page"}
SIGNED_IN = {"applicants", "commission"}

#: The failures locust recorded in this process's runs (shown under the table).
ERRORS: list[str] = []


@dataclass
class Row:
    scenario: str
    phase: str
    users: int
    name: str
    requests: int
    failures: int
    rps: float
    median_ms: float
    p95_ms: float

    @property
    def judged(self) -> bool:
        return "login" not in self.name


#: The code of the open tender each run publishes starts with this.
TENDER_PREFIX = "bh-"


def close_earlier_runs() -> int:
    """Close the open tenders earlier runs published (codes ``bh-...``), as their
    deadline would: each run publishes its own, and the home page every login leads
    to listed them all (13 after a day of runs: the page cost grew with every run,
    where a lessor has one or two tenders open). Their deadline is moved to now and the
    closing is recorded by ``tenders.services.tenders_close_due``, as at a deadline.
    Only the benchmark's own database holds such tenders. Returns how many closed."""
    from django.utils import timezone

    from tenders.constants import TenderStatus
    from tenders.models import Tender
    from tenders.services import tenders_close_due

    now = timezone.now()
    earlier = Tender.objects.filter(
        code__startswith=TENDER_PREFIX,
        status=TenderStatus.PUBLISHED,
        deadline__gt=now,
    )
    ids = list(earlier.values_list("pk", flat=True))
    Tender.objects.filter(pk__in=ids).update(deadline=now)
    return len([t for t in tenders_close_due(now=now) if t.pk in ids])


def prepare(
    users: int,
    saturation_users: int,
    queue: int,
    seed: int,
    pool: int = 0,
    rounds: int = 1,
) -> dict[str, Any]:
    """Accounts, drafts and ids for the simulated users (see the module docstring)."""
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from django.utils import timezone

    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from applications.generate import generate_drafts
    from housing.constants import StaffRole
    from housing.models import Membership, User
    from review.constants import CommissionRole
    from review.models import CommissionSeat
    from tenders.pdf import tender_documents_publish

    close_earlier_runs()
    # Fresh accounts for the load phase and for each round's saturation run (see
    # _runs): the applicants' drafts, the commission members' one-time codes.
    accounts = users + rounds * saturation_users
    pool *= rounds
    hashed = make_password(PASSWORD)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    code = f"{TENDER_PREFIX}{stamp[2:]}"  # a tender code has at most 20 characters
    tender, drafts = generate_drafts(
        applications=accounts + pool, seed=seed, code=code, password_hash=hashed
    )
    tender_documents_publish(tender=tender, by=None)
    queue_tender = _project.generated_tender(queue)
    chair = _project.staff(queue_tender, "chair")
    staff = User.objects.bulk_create(
        User(
            email=f"{code}-member-{i:04d}@generated.najem.test",
            full_name=f"Član komisije {i}",
            password=hashed,
        )
        for i in range(accounts)
    )
    Membership.objects.bulk_create(
        Membership(user=u, lessor=queue_tender.lessor, role=StaffRole.COMMISSION_MEMBER)
        for u in staff
    )
    CommissionSeat.objects.bulk_create(
        CommissionSeat(
            tender=queue_tender,
            user=u,
            role=CommissionRole.MEMBER,
            appointed_by=chair,
        )
        for u in staff
    )
    devices = StaticDevice.objects.bulk_create(
        StaticDevice(user=u, name="backup", confirmed=True) for u in staff
    )
    StaticToken.objects.bulk_create(StaticToken(device=d, token=TOKEN) for d in devices)
    return {
        "password": PASSWORD,
        "applicants": [{"email": e, "application": pk} for e, pk in drafts],
        # Signing in changes no draft: the signed-in baseline uses the same accounts.
        "plain_accounts": [{"email": e} for e, _pk in drafts],
        "staff": [{"email": u.email, "token": TOKEN} for u in staff],
        "queue_size": queue,
        "paths": {
            "login": reverse("login"),
            "otp_verify": reverse("otp_verify"),
            "plain": reverse("healthz"),
            "page": reverse("accessibility"),
            "tender": reverse("tenders:detail", args=[tender.pk]),
            "invitation": reverse("tenders:pdf", args=[tender.pk]),
            "queue": reverse("review:queue", args=[queue_tender.pk]),
        },
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """gunicorn with the project's config, 2 sync workers, on 127.0.0.1 (and the
    arguments of ``NAJEM_BENCH_GUNICORN_ARGS``, for experiments)."""
    server = subprocess.Popen(  # noqa: S603 (our own executable and arguments)
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-c",
            "python:config.gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            *os.environ.get("NAJEM_BENCH_GUNICORN_ARGS", "").split(),
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                "gunicorn stopped: " + (server.stderr.read() or b"").decode()[-2000:]
                if server.stderr
                else "gunicorn stopped"
            )
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/healthz", timeout=2
            ) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def run_locust(
    *,
    scenario: str,
    phase: str,
    users: int,
    seconds: int,
    first_account: int,
    env: dict[str, str],
    port: int,
    workdir: Path,
    pool: int = 0,
) -> list[Row]:
    """One headless locust run of one user class; its rows from the CSV stats.
    ``pool``: fresh accounts beyond each user's first that the run may take."""
    user_class, _title = SCENARIOS[scenario]
    prefix = workdir / f"{scenario}-{phase}"
    run_env = dict(
        env,
        BENCH_HTTP_WAIT="think" if phase == "load" else "none",
        BENCH_HTTP_FROM=str(first_account),
        BENCH_HTTP_POOL=str(pool),
        # gevent resolves every host name in a thread pool by default: for each new
        # connection (the sync workers close every one) a hand-off to a thread and
        # back, 15 % of the simulated browsers' CPU, for "127.0.0.1". A numeric
        # address needs no look-up: the plain blocking resolver answers at once.
        GEVENT_RESOLVER="block",
    )
    subprocess.run(  # noqa: S603 (our own executable and arguments)
        [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(ROOT / "bench/http/locustfile.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{port}",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 4)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
            user_class,
        ],
        cwd=ROOT,
        env=run_env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for record in csv.DictReader(stats):
            if record["Name"] == "Aggregated":
                continue
            rows.append(
                Row(
                    scenario=scenario,
                    phase=phase,
                    users=users,
                    name=f"{record['Type']} {record['Name']}",
                    requests=int(record["Request Count"]),
                    failures=int(record["Failure Count"]),
                    rps=float(record["Requests/s"]),
                    median_ms=float(record["50%"] or 0),
                    p95_ms=float(record["95%"] or 0),
                )
            )
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(newline="") as found:
            for record in csv.DictReader(found):
                ERRORS.append(
                    f"{scenario} {phase}: {record['Method']} {record['Name']}: "
                    f"{record['Error'][:200]} ({record['Occurrences']} times)"
                )
    return rows


def saturation_phase(round_: int) -> str:
    """The name of a round's saturation phase: "saturation", "saturation 2", ..."""
    return "saturation" if round_ == 1 else f"saturation {round_}"


def is_saturation(phase: str) -> bool:
    return phase.startswith("saturation")


def _runs(
    users: int,
    seconds: int,
    saturation_users: int,
    saturation_seconds: int,
    scenarios: list[str],
    rounds: int = 1,
    pool: int = 0,
) -> list[tuple[str, str, int, int, int]]:
    """The locust runs in their order: (scenario, phase, users, seconds, first
    account). Each scenario under load; then the saturation phases in ``rounds``
    rounds, each the yardsticks and then the scenarios (the static page in the first
    only); then the yardsticks once more. This machine's speed moves within minutes:
    one 15 s measurement of a yardstick before the scenarios decided a verdict as much
    as the pages did (docs/performance.md, "HTTP", fifth pass), and one before and one
    after still left the share to the minutes between them (seventh pass); short
    phases taken in turn put both sides of a share in the same minutes (eighth pass).
    Each saturation run of a scenario signs in with fresh accounts of its own: round
    ``k`` starts at ``users + (k - 1) * (saturation_users + its pool)`` (the
    applicants take ``pool`` more in a run; the others none)."""
    runs = [
        (scenario, "load", users, seconds, 0)
        for scenario in ["plain", "plain_signed_in", "page", *scenarios]
        if users > 0 and seconds > 0
    ]
    if saturation_users <= 0 or saturation_seconds <= 0:
        return runs
    for round_ in range(1, max(1, rounds) + 1):
        for scenario in ["plain", "plain_signed_in", "page", *scenarios]:
            if scenario == "page" and round_ > 1:
                continue
            stride = saturation_users + (pool if scenario == "applicants" else 0)
            runs.append(
                (
                    scenario,
                    saturation_phase(round_),
                    saturation_users,
                    saturation_seconds,
                    users + (round_ - 1) * stride,
                )
            )
    if scenarios:
        runs += [
            (scenario, AFTER, saturation_users, saturation_seconds, users)
            for scenario in ("plain", "plain_signed_in")
        ]
    return runs


def run(
    *,
    users: int,
    seconds: int,
    saturation_users: int,
    saturation_seconds: int,
    queue: int,
    scenarios: list[str],
    seed: int = 1,
    pool: int = 0,
    rounds: int = 1,
) -> list[Row]:
    media = Path(tempfile.mkdtemp(prefix="najem-bench-http-"))
    os.environ["NAJEM_BENCH_MEDIA_ROOT"] = str(media)
    workdir = media / "locust"
    workdir.mkdir()
    server = None
    try:
        _project.setup()
        data = prepare(users, saturation_users, queue, seed, pool, rounds)
        from django.conf import settings

        data_file = workdir / "data.json"
        data_file.write_text(json.dumps(data))
        port = _free_port()
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="config.settings.bench",
            DATABASE_URL=_project.database_url(),
            NAJEM_BENCH_MEDIA_ROOT=str(settings.MEDIA_ROOT),  # the invitation PDFs
            NAJEM_BENCH_SERVER="1",
            BENCH_HTTP_DATA=str(data_file),
            PYTHONPATH=str(ROOT),
        )
        server = start_server(env, port)
        rows: list[Row] = []
        for scenario, phase, n, secs, first in _runs(
            users,
            seconds,
            saturation_users,
            saturation_seconds,
            scenarios,
            rounds,
            pool,
        ):
            rows += run_locust(
                scenario=scenario,
                phase=phase,
                users=n,
                seconds=secs,
                first_account=first,
                env=env,
                port=port,
                workdir=workdir,
                pool=pool if is_saturation(phase) and phase != AFTER else 0,
            )
        return rows
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(media, ignore_errors=True)


def _phase_rps(rows: list[Row], scenario: str, phase: str) -> float:
    """Every request the server answered in the phase, the logins' pages included (in
    the applicants' saturation phase each journey starts with one)."""
    return sum(r.rps for r in rows if r.scenario == scenario and r.phase == phase)


def _saturation_rps(rows: list[Row], scenario: str) -> list[float]:
    """The throughput of each of a scenario's saturation phases, in their order."""
    phases = dict.fromkeys(
        r.phase for r in rows if r.scenario == scenario and is_saturation(r.phase)
    )
    return [rps for rps in (_phase_rps(rows, scenario, p) for p in phases) if rps]


def _mean(rows: list[Row], scenario: str, before_after: bool) -> tuple[float, str]:
    """The mean throughput of a scenario's saturation phases, and how it was made:
    one phase alone; a yardstick's two as "before and after" (one round); more as
    the list of them."""
    found = _saturation_rps(rows, scenario)
    if len(found) < 2:
        return (found[0] if found else 0.0), ""
    mean = sum(found) / len(found)
    if before_after and len(found) == 2:
        return mean, f" (mean of {found[0]:.1f} before and {found[1]:.1f} after)"
    listed = ", ".join(f"{rps:.1f}" for rps in found)
    return mean, f" (mean of {len(found)} phases: {listed})"


def _yardstick(rows: list[Row], scenario: str) -> tuple[float, str]:
    """A baseline's throughput: the mean of its saturation phases (before, between
    and after the scenarios'), and how it was made."""
    return _mean(rows, scenario, before_after=True)


def verdicts(rows: list[Row], users: int) -> list[tuple[str, bool | None]]:
    judged = users >= TARGET_USERS
    found: list[tuple[str, bool | None]] = []
    errors = sum(r.failures for r in rows)
    found.append((f"0 errors (all phases): {errors}", errors == 0))
    load = [r for r in rows if r.phase == "load" and r.judged]
    worst = max(load, key=lambda r: r.p95_ms, default=None)
    if worst is not None:
        found.append(
            (
                f"p95 under {TARGET_P95_MS:.0f} ms at {TARGET_USERS} users "
                f"(worst: {worst.name}, {worst.p95_ms:.0f} ms)",
                worst.p95_ms < TARGET_P95_MS if judged else None,
            )
        )
    plain, plain_how = _yardstick(rows, "plain")
    plain_signed_in, signed_in_how = _yardstick(rows, "plain_signed_in")
    page = _phase_rps(rows, "page", "saturation")
    for scenario in sorted({r.scenario for r in rows} - BASELINES):
        real, real_how = _mean(rows, scenario, before_after=False)
        # Like for like: the plain view asked for by the same kind of user (a signed-in
        # user's every request has Django read its session and user).
        signed_in = scenario in SIGNED_IN and bool(plain_signed_in)
        base, base_name = (
            (plain_signed_in, "the plain view's, signed in" + signed_in_how)
            if signed_in
            else (plain, "the plain view's" + plain_how)
        )
        if not base or not real:
            continue
        beside = [
            f"{real / plain:.2f} of the anonymous plain view's {plain:.1f} req/s"
            if signed_in and plain
            else "",
            f"{real / page:.2f} of the static page's {page:.1f} req/s" if page else "",
        ]
        # A user of the applicants' saturation phase who finds no fresh account left
        # reads their status page instead of a journey: the mix is no longer the
        # journey's, so its throughput is shown but not judged.
        ran_out = any(
            r.scenario == scenario
            and is_saturation(r.phase)
            and OUT_OF_ACCOUNTS in r.name
            for r in rows
        )
        found.append(
            (
                f"{scenario}: throughput at least 1/3 of {base_name} "
                f"({real:.1f}{real_how} / {base:.1f} req/s = {real / base:.2f}"
                + "".join(f"; {b}" for b in beside if b)
                + ")"
                + (
                    ": not judged, the fresh accounts ran out (raise --saturation-pool)"
                    if ran_out
                    else ""
                ),
                real / base >= TARGET_SHARE if judged and not ran_out else None,
            )
        )
    return found


def report(rows: list[Row], users: int) -> str:
    table = [
        (
            SCENARIOS[r.scenario][1],
            r.phase,
            r.users,
            r.name,
            r.requests,
            r.failures,
            f"{r.rps:.1f}",
            f"{r.median_ms:.0f}",
            f"{r.p95_ms:.0f}",
        )
        for r in rows
    ]
    lines = [
        f"HTTP benchmark: gunicorn 2 workers, PostgreSQL, {_project.machine()}",
        "",
        _project.markdown(
            (
                "scenario",
                "phase",
                "users",
                "request",
                "requests",
                "errors",
                "req/s",
                "median ms",
                "p95 ms",
            ),
            table,
        ),
        "",
    ]
    lines += [f"error: {line}" for line in ERRORS[:20]]
    for name, met in verdicts(rows, users):
        verdict = (
            f"not judged (fewer than {TARGET_USERS} users)"
            if met is None
            else "met"
            if met
            else "MISSED"
        )
        lines.append(f"target: {name}: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=TARGET_USERS)
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--saturation-users", type=int, default=10)
    parser.add_argument("--saturation-seconds", type=int, default=10)
    parser.add_argument(
        "--rounds",
        type=int,
        default=ROUNDS,
        help="saturation phases taken in turn: the yardsticks, then the scenarios, "
        f"this many times, then the yardsticks again (default {ROUNDS})",
    )
    parser.add_argument(
        "--saturation-pool",
        type=int,
        default=None,
        help="fresh drafts the applicants' saturation phase may take after the first "
        f"(default {POOL_PER_SECOND} per second of it, at least {MIN_POOL})",
    )
    parser.add_argument("--queue", type=int, default=10_000)
    parser.add_argument(
        "--scenarios",
        default="applicants,public,commission",
        help="comma-separated: applicants, public, commission",
    )
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    rows = run(
        users=args.users,
        seconds=args.seconds,
        saturation_users=args.saturation_users,
        saturation_seconds=args.saturation_seconds,
        queue=args.queue,
        pool=(
            args.saturation_pool
            if args.saturation_pool is not None
            else max(MIN_POOL, POOL_PER_SECOND * args.saturation_seconds)
        ),
        scenarios=[s for s in args.scenarios.split(",") if s],
        rounds=args.rounds,
    )
    print(report(rows, args.users))
    missed = any(met is False for _name, met in verdicts(rows, args.users))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
