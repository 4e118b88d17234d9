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
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, task

from bench.http.forms import post_form

DATA: dict[str, Any] = json.loads(Path(os.environ["BENCH_HTTP_DATA"]).read_text())
NO_WAIT = constant(0)
WAIT = between(1, 3) if os.environ.get("BENCH_HTTP_WAIT") == "think" else NO_WAIT
_NEXT = itertools.count(int(os.environ.get("BENCH_HTTP_FROM", "0")))
#: Fresh accounts a user of this run has taken after its first (``BENCH_HTTP_POOL``:
#: how many there are beyond the first account of each user).
_USED = itertools.count(1)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class HttpUser(FastHttpUser):
    """locust's client on geventhttpclient (C parsing) instead of python-requests: the
    simulated browsers share the machine's two CPUs with the server, and requests'
    Python took a share of them that the server then lacked (the client's work, not
    the server's: with it the plain view reached 316 req/s, with this client 535 in
    the next run; docs/performance.md, "HTTP", fourth pass)."""

    abstract = True

    def post_form(self, url: str, fields: Any, **kwargs: Any) -> Any:
        """POST ``fields`` (a list of pairs: a form may repeat a name) form-encoded."""
        return self.client.post(
            url, data=urlencode(fields).encode(), headers=FORM, **kwargs
        )

    def has_cookie(self, name: str) -> bool:
        return any(cookie.name == name for cookie in self.client.cookiejar)


class _LoggedIn(HttpUser):
    abstract = True
    wait_time = WAIT
    accounts_key = ""

    def on_start(self) -> None:
        self.log_in()

    def log_in(self) -> None:
        """The login form, sent after a pause; the browser follows to the page it
        leads to (home; for staff the second factor's form, sent after a pause too)."""
        account = DATA[self.accounts_key][next(_NEXT) % len(DATA[self.accounts_key])]
        self.account = account
        login = DATA["paths"]["login"]
        page = self.client.get(login, name="login (once per user)")
        _action, fields = post_form(page.text)
        data = dict(fields)
        data.update(username=account["email"], password=DATA["password"])
        self.wait()  # a person types the address and the password
        with self.post_form(
            login,
            list(data.items()),
            name="login (once per user)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if not self.has_cookie("sessionid"):
                response.failure("login refused")
        second_factor = "login: second factor (once per user)"
        onward = response.headers.get("Location", "")
        page = self._follow(
            response, second_factor if account.get("token") else "home after login"
        )
        if account.get("token"):
            _action, fields = post_form(page.text)
            data = dict(fields)
            data["token"] = account["token"]
            self.wait()
            with self.post_form(
                onward,  # the second factor's form posts to its own address
                list(data.items()),
                name=second_factor,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:  # the form came back: refused
                    response.failure("second factor refused")
            self._follow(response, second_factor)

    def _follow(self, response: Any, name: str) -> Any:
        """What the browser does with a redirect: ask for its target at once."""
        location = response.headers.get("Location", "")
        if response.status_code in (302, 303) and location:
            return self.client.get(location, name=name)
        return None


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


class PlainSignedInUser(_LoggedIn):
    """The baseline for signed-in users: the same plain view, requested by a signed-in
    applicant (every request of one carries the session, which Django's authentication
    reads: the floor under any page an applicant or a commission member asks for)."""

    accounts_key = "plain_accounts"

    @task
    def healthz(self) -> None:
        self.client.get(DATA["paths"]["plain"], name="plain, signed in: /healthz")


class ApplicantUser(_LoggedIn):
    """An applicant near the deadline, as a browser: opens a page of a complete draft,
    reads it, sends it unchanged (saved through the services), and the browser follows
    the redirect to the task list at once; three times; then checks the answers and
    submits once (the browser follows to the confirmation page), then reads the status
    page. Every request a person makes comes after a pause (``wait_time``); each
    redirect target is timed as its own request. In the saturation phase (no pause) a
    user who has submitted signs in with the next fresh account and starts again, so
    that phase measures the whole journey, not the status page alone."""

    accounts_key = "applicants"
    sections = ("housing", "income", "property", "categories")
    saves_per_journey = 3

    def on_start(self) -> None:
        super().on_start()
        self._start_journey()

    def _start_journey(self) -> None:
        self.step = "section"
        self.saves = 0
        self.form: tuple[str, list[tuple[str, str]]] | None = None

    @task
    def act(self) -> None:
        pk = self.account["application"]
        if self.step == "section":
            section = random.choice(self.sections)
            self.url = f"/applications/{pk}/section/{section}/"
            page = self.client.get(self.url, name="applicant: section page")
            self.form = post_form(page.text)
            self.step = "save"
        elif self.step == "save":
            assert self.form is not None
            with self.post_form(
                self.url,
                self.form[1],
                name="applicant: save section",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:  # the form came back: not saved
                    response.failure("the page was not saved")
            self._follow(response, "applicant: task list after saving")
            self.saves += 1
            self.step = "section" if self.saves < self.saves_per_journey else "check"
        elif self.step == "check":
            page = self.client.get(
                f"/applications/{pk}/check/", name="applicant: check"
            )
            self.form = post_form(page.text, "/submit/")
            self.step = "submit"
        elif self.step == "submit":
            assert self.form is not None
            with self.post_form(
                self.form[0],
                self.form[1],
                name="applicant: submit",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if "/submitted/" not in response.headers.get("Location", ""):
                    response.failure("not submitted")
            self._follow(response, "applicant: confirmation page")
            self.step = "status"
        elif WAIT is NO_WAIT and self.next_account():
            self._start_journey()
        else:
            self.client.get(f"/applications/{pk}/", name="applicant: status page")

    def next_account(self) -> bool:
        """Sign in with the next fresh account of this run (saturation phase only);
        False when the prepared accounts are used up (the user then reads its status)."""
        if next(_USED) >= int(os.environ.get("BENCH_HTTP_POOL", "0")):
            return False
        self.client.cookiejar.clear()
        self.log_in()
        return True


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
