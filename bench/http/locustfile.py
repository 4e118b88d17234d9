"""The simulated users of ``python -m bench.http`` (run by it; see its docstring).

Reads the prepared data (accounts, ids and paths) from the JSON file named by
``BENCH_HTTP_DATA``; ``BENCH_HTTP_WAIT`` is ``think`` (1-3 s between a user's requests)
or ``none`` (the saturation phase); ``BENCH_HTTP_FROM`` is the first account this
locust run may use (each run uses fresh accounts: a draft is submitted only once, a
backup code works only once).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, task

from bench.http.forms import post_form

DATA: dict[str, Any] = json.loads(Path(os.environ["BENCH_HTTP_DATA"]).read_text())
WAIT = between(1, 3) if os.environ.get("BENCH_HTTP_WAIT") == "think" else constant(0)
_NEXT = itertools.count(int(os.environ.get("BENCH_HTTP_FROM", "0")))


class _LoggedIn(HttpUser):
    abstract = True
    wait_time = WAIT
    accounts_key = ""

    def on_start(self) -> None:
        account = DATA[self.accounts_key][next(_NEXT) % len(DATA[self.accounts_key])]
        self.account = account
        login = DATA["paths"]["login"]
        page = self.client.get(login, name="login (once per user)")
        _action, fields = post_form(page.text)
        data = dict(fields)
        data.update(username=account["email"], password=DATA["password"])
        with self.client.post(
            login, data=data, name="login (once per user)", catch_response=True
        ) as response:
            if "sessionid" not in self.client.cookies:
                response.failure("login refused")
        if account.get("token"):
            verify = DATA["paths"]["otp_verify"]
            page = self.client.get(verify, name="login: second factor (once per user)")
            _action, fields = post_form(page.text)
            data = dict(fields)
            data["token"] = account["token"]
            with self.client.post(
                verify,
                data=data,
                name="login: second factor (once per user)",
                catch_response=True,
            ) as response:
                if "otp" in response.url:
                    response.failure("second factor refused")


class PlainUser(HttpUser):
    """The baseline: a plain Django view (one query, no template)."""

    wait_time = WAIT

    @task
    def healthz(self) -> None:
        self.client.get(DATA["paths"]["plain"], name="plain: /healthz")


class PageUser(HttpUser):
    """Beside the baseline, not judged: a static page in the site's template (every
    middleware, the session, the base template; no domain query)."""

    wait_time = WAIT

    @task
    def page(self) -> None:
        self.client.get(DATA["paths"]["page"], name="page: /accessibility/")


class ApplicantUser(_LoggedIn):
    """An applicant near the deadline: saves pages of a complete draft (the values
    as they are), checks the answers and submits once, then reads the status page."""

    accounts_key = "applicants"
    sections = ("housing", "income", "property", "categories")

    def on_start(self) -> None:
        super().on_start()
        self.saves = 0
        self.submitted = False

    @task
    def act(self) -> None:
        pk = self.account["application"]
        if self.submitted:
            self.client.get(f"/applications/{pk}/", name="applicant: status page")
            return
        if self.saves < 3:
            section = random.choice(self.sections)
            url = f"/applications/{pk}/section/{section}/"
            page = self.client.get(url, name="applicant: section page")
            _action, fields = post_form(page.text)
            with self.client.post(
                url, data=fields, name="applicant: save section", catch_response=True
            ) as response:
                if not response.history:  # the form came back: not saved
                    response.failure("the page was not saved")
            self.saves += 1
            return
        page = self.client.get(f"/applications/{pk}/check/", name="applicant: check")
        action, fields = post_form(page.text, "/submit/")
        with self.client.post(
            action, data=fields, name="applicant: submit", catch_response=True
        ) as response:
            if "/submitted/" not in response.url:
                response.failure("not submitted")
        self.submitted = True


class PublicUser(HttpUser):
    """The public during a deadline rush: the open tender's page and its invitation."""

    wait_time = WAIT

    @task(3)
    def tender_page(self) -> None:
        self.client.get(DATA["paths"]["tender"], name="public: tender page")

    @task(1)
    def invitation(self) -> None:
        self.client.get(DATA["paths"]["invitation"], name="public: invitation PDF")


class CommissionUser(_LoggedIn):
    """A commission member paging and filtering a 10,000-application queue."""

    accounts_key = "staff"

    @task(2)
    def page(self) -> None:
        pages = max(1, DATA["queue_size"] // 50)
        page = random.randint(1, pages)
        self.client.get(
            f"{DATA['paths']['queue']}?page={page}", name="commission: queue page"
        )

    @task(1)
    def filtered(self) -> None:
        state = random.choice(("verified", "rejected"))
        self.client.get(
            f"{DATA['paths']['queue']}?state={state}&sort=-points&q=0{random.randint(0, 9)}",
            name="commission: queue filtered and sorted",
        )
