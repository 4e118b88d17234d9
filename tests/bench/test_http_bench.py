"""The HTTP benchmark (bench/http): the form reader, the verdicts, and on PostgreSQL a
tiny real run (gunicorn and locust, a few users for a few seconds)."""

import importlib.util
from pathlib import Path

import pytest

from bench.http.__main__ import AFTER, Row, _runs, main, verdicts
from bench.http.forms import post_form

PAGE = """
<form action="/i18n/setlang/" method="post"><input name="language" value="en"></form>
<form method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="t">
  <input name="expected_version" value="3">
  <input type="checkbox" name="employed" checked><input type="checkbox" name="no">
  <input type="radio" name="status" value="a"><input type="radio" name="status" value="b" checked>
  <select name="m"><option value="1">x</option><option value="2" selected>y</option></select>
  <select name="first"><option value="f">f</option></select>
  <textarea name="note">hello</textarea>
  <input type="file" name="upload">
  <button type="submit" name="continue" value="1">Save</button>
</form>
<form action="/applications/1/submit/" method="post"><input name="s" value="1"></form>
"""


def test_the_runs_measure_the_yardsticks_before_and_after_the_scenarios():
    runs = _runs(200, 30, 10, 15, ["applicants"])
    assert [(scenario, phase) for scenario, phase, *_ in runs] == [
        ("plain", "load"),
        ("plain_signed_in", "load"),
        ("page", "load"),
        ("applicants", "load"),
        ("plain", "saturation"),
        ("plain_signed_in", "saturation"),
        ("page", "saturation"),
        ("applicants", "saturation"),
        ("plain", AFTER),
        ("plain_signed_in", AFTER),
    ]
    # Under load every user from the first account; at saturation the fresh ones.
    assert runs[3] == ("applicants", "load", 200, 30, 0)
    assert runs[7] == ("applicants", "saturation", 10, 15, 200)
    assert runs[8] == ("plain", AFTER, 10, 15, 200)


def test_the_saturation_phases_take_turns_in_rounds_with_fresh_accounts():
    """The yardsticks and the scenarios in turn, round after round, so that both
    sides of a share are measured in the same minutes; each round's run signs in
    with accounts no earlier run used (a draft is submitted once, a backup code
    works once)."""
    runs = _runs(200, 0, 10, 15, ["applicants", "commission"], rounds=3, pool=400)
    assert [(scenario, phase, first) for scenario, phase, _n, _s, first in runs] == [
        ("plain", "saturation", 200),
        ("plain_signed_in", "saturation", 200),
        ("page", "saturation", 200),
        ("applicants", "saturation", 200),
        ("commission", "saturation", 200),
        ("plain", "saturation 2", 210),
        ("plain_signed_in", "saturation 2", 210),
        ("applicants", "saturation 2", 610),
        ("commission", "saturation 2", 210),
        ("plain", "saturation 3", 220),
        ("plain_signed_in", "saturation 3", 220),
        ("applicants", "saturation 3", 1020),
        ("commission", "saturation 3", 220),
        ("plain", AFTER, 200),
        ("plain_signed_in", AFTER, 200),
    ]


def test_the_rounds_are_averaged_on_both_sides_of_a_share():
    rows = [
        row("plain_signed_in", "saturation", "GET plain, signed in", 600, 20),
        row("applicants", "saturation", "POST save", 150, 300),
        row("applicants", "saturation", "POST login (once per user)", 50, 300),
        row("plain_signed_in", "saturation 2", "GET plain, signed in", 500, 20),
        row("applicants", "saturation 2", "POST save", 170, 300),
        row("plain_signed_in", AFTER, "GET plain, signed in", 700, 20),
    ]
    ((name, met),) = [(n, m) for n, m in verdicts(rows, 200) if "1/3" in n]
    # (200 + 170) / 2 = 185 beside (600 + 500 + 700) / 3 = 600: 0.31.
    assert "applicants: throughput at least 1/3 of the plain view's, signed in " in name
    assert "(mean of 3 phases: 600.0, 500.0, 700.0)" in name
    assert "(185.0 (mean of 2 phases: 200.0, 170.0) / 600.0 req/s = 0.31" in name
    assert met is False
    # A run of the status pages in any round (fresh accounts ran out): not judged.
    rows.append(row("applicants", "saturation 2", "GET applicant: status page", 5, 9))
    assert [m for n, m in verdicts(rows, 200) if "1/3" in n] == [None]


def test_the_simulated_browsers_resolve_the_address_without_a_thread_pool(
    tmp_path, monkeypatch
):
    """gevent's default resolver hands every look-up to a thread (for each new
    connection: 15 % of the browsers' CPU); locust runs with the blocking one."""
    import subprocess

    from bench.http import __main__ as http

    seen = {}

    def fake_run(args, *, env, **kwargs):
        seen.update(args=args, env=env)
        prefix = args[args.index("--csv") + 1]
        (tmp_path / f"{Path(prefix).name}_stats.csv").write_text(
            "Type,Name,Request Count,Failure Count,Requests/s,50%,95%\n"
            "GET,plain: /healthz,10,0,5.0,3,4\n"
        )
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(http.subprocess, "run", fake_run)
    rows = http.run_locust(
        scenario="plain", phase="saturation", users=2, seconds=1, first_account=0,
        env={"PATH": "/bin"}, port=8000, workdir=tmp_path,
    )  # fmt: skip
    assert seen["env"]["GEVENT_RESOLVER"] == "block"
    assert seen["env"]["BENCH_HTTP_WAIT"] == "none"
    assert [(r.name, r.requests, r.rps) for r in rows] == [
        ("GET plain: /healthz", 10, 5.0)
    ]


@pytest.mark.django_db
def test_a_run_closes_the_tenders_earlier_runs_left_open():
    from django.utils import timezone

    from bench.http.__main__ import close_earlier_runs
    from tenders.constants import TenderStatus
    from tenders.models import TenderEvent
    from tests.tenders.factories import TenderFactory

    earlier = TenderFactory(published=True, code="bh-261130120000")
    other = TenderFactory(published=True, code="LJ-2026")
    assert close_earlier_runs() == 1
    earlier.refresh_from_db()
    other.refresh_from_db()
    assert earlier.status == TenderStatus.CLOSED
    assert earlier.deadline <= timezone.now()
    assert TenderEvent.objects.filter(
        tender=earlier, to_status=TenderStatus.CLOSED, by=None
    ).exists()
    assert other.status == TenderStatus.PUBLISHED  # not the benchmark's
    assert close_earlier_runs() == 0


def test_a_phase_without_users_or_seconds_is_not_run():
    runs = _runs(200, 0, 10, 15, [])
    # No load phase (0 s), and nothing after: there is no scenario.
    assert {phase for _, phase, *_ in runs} == {"saturation"}
    assert _runs(200, 30, 0, 15, ["public"])[-1] == ("public", "load", 200, 30, 0)


def test_the_form_is_sent_as_a_browser_would():
    action, fields = post_form(PAGE)
    assert action == ""
    assert fields == [
        ("csrfmiddlewaretoken", "t"),
        ("expected_version", "3"),
        ("employed", "on"),
        ("status", "b"),
        ("m", "2"),
        ("first", "f"),
        ("note", "hello"),
        ("continue", "1"),
    ]
    assert post_form(PAGE, "/submit/") == ("/applications/1/submit/", [("s", "1")])
    with pytest.raises(LookupError):
        post_form(PAGE, "/nowhere/")


def row(scenario, phase, name, rps, p95, failures=0):
    return Row(scenario, phase, 200, name, 100, failures, rps, p95 / 2, p95)


def test_verdicts():
    rows = [
        row("plain", "load", "GET plain", 90, 20),
        row("plain", "saturation", "GET plain", 300, 20),
        row("plain_signed_in", "saturation", "GET plain, signed in", 200, 20),
        row("plain_signed_in", "saturation", "POST login (once per user)", 9, 20),
        row("page", "saturation", "GET static page", 150, 30),
        row("public", "load", "GET page", 90, 450),
        row("public", "load", "POST login (once per user)", 10, 3000),
        row("public", "saturation", "GET page", 120, 300),
        row("commission", "saturation", "GET queue", 60, 300, failures=1),
        row("applicants", "saturation", "GET status", 50, 300),
        row("applicants", "saturation", "POST save", 20, 300),
        row("applicants", "saturation", "POST login (once per user)", 10, 300),
    ]
    found = dict(verdicts(rows, 200))
    assert found["0 errors (all phases): 1"] is False
    assert found["p95 under 500 ms at 200 users (worst: GET page, 450 ms)"] is True
    shares = {name.split(":")[0]: met for name, met in found.items() if "1/3" in name}
    # The baselines and the static page are references, never judged themselves; the
    # public is judged beside the anonymous plain view (120 / 300), the signed-in
    # scenarios beside the plain view asked for by signed-in users (every request
    # counted, logins too: 80 / 209 applicants, 60 / 209 commission), with the
    # anonymous share shown too.
    assert shares == {"public": True, "applicants": True, "commission": False}
    assert any("0.80 of the static page's 150.0 req/s" in name for name in found)
    assert any(
        "(80.0 / 209.0 req/s = 0.38; 0.27 of the anonymous plain view's 300.0 req/s"
        in name
        for name in found
    )
    assert all(met is None for name, met in verdicts(rows, 20) if "errors" not in name)


def test_a_saturation_phase_that_ran_out_of_accounts_is_not_judged():
    """Users who find no fresh account read their status page instead of making a
    journey: the throughput of that mix is shown, never judged (met or missed)."""
    rows = [
        row("plain_signed_in", "saturation", "GET plain, signed in", 200, 20),
        row("applicants", "saturation", "POST applicant: save section", 90, 300),
    ]
    (share,) = [(n, m) for n, m in verdicts(rows, 200) if "1/3" in n]
    assert share[1] is True
    assert "not judged" not in share[0]
    rows.append(row("applicants", "saturation", "GET applicant: status page", 10, 20))
    (share,) = [(n, m) for n, m in verdicts(rows, 200) if "1/3" in n]
    assert share[1] is None
    assert share[0].endswith(
        "= 0.50): not judged, the fresh accounts ran out (raise --saturation-pool)"
    )
    # The status pages of the load phase (after each journey) are the scenario's own.
    rows[-1] = row("applicants", "load", "GET applicant: status page", 10, 20)
    assert [m for n, m in verdicts(rows, 200) if "1/3" in n] == [True]


def test_the_yardsticks_measured_before_and_after_are_averaged():
    """The plain views are measured again after the scenarios; a verdict is taken
    beside the mean of both (the machine's speed moves within a run), and says so."""
    rows = [
        row("plain", "saturation", "GET plain", 300, 20),
        row("plain", AFTER, "GET plain", 500, 20),
        row("plain_signed_in", "saturation", "GET plain, signed in", 200, 20),
        row("plain_signed_in", AFTER, "GET plain, signed in", 300, 20),
        row("applicants", "saturation", "GET status", 90, 300),
        row("public", "saturation", "GET page", 120, 300),
    ]
    found = [name for name, _met in verdicts(rows, 200)]
    assert any(
        "applicants: throughput at least 1/3 of the plain view's, signed in "
        "(mean of 200.0 before and 300.0 after) (90.0 / 250.0 req/s = 0.36; "
        "0.23 of the anonymous plain view's 400.0 req/s" in name
        for name in found
    ), found
    assert any(
        "public: throughput at least 1/3 of the plain view's (mean of 300.0 before "
        "and 500.0 after) (120.0 / 400.0 req/s = 0.30" in name
        for name in found
    ), found
    shares = {n.split(":")[0]: m for n, m in verdicts(rows, 200) if "1/3" in n}
    assert shares == {"applicants": True, "public": False}


@pytest.mark.django_db(transaction=True)
def test_a_tiny_real_run(capsys):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("gunicorn serves the benchmark's data from PostgreSQL only")
    if importlib.util.find_spec("locust") is None:  # importing it would patch threads
        pytest.skip("the bench extra (locust) is not installed")
    argv = ["--users", "3", "--seconds", "4", "--saturation-users", "2"]
    argv += ["--saturation-seconds", "3", "--queue", "60", "--saturation-pool", "4"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    for request in (
        "GET plain: /healthz",
        "GET plain, signed in: /healthz",
        "GET page: /accessibility/",
        "GET home after login",
        "POST login: second factor (once per user)",
        "POST applicant: save section",
        "GET applicant: task list after saving",
        "POST applicant: submit",
        "GET applicant: confirmation page",
        "GET public: tender page",
        "GET public: invitation PDF",
        "GET commission: queue page",
    ):
        assert f"| {request} |" in out
    assert "target: 0 errors (all phases): 0: met" in out, out
