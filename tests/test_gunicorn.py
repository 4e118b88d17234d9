"""gunicorn's access log (config/gunicorn.py, used by scripts/production) keeps personal
data out: no query strings, no referrer or browser string, and 13-digit numbers masked.

Runs the real gunicorn on a free local port and reads what it logs.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EMSO = "0101990500006"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict[str, str]) -> None:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - local URL
    with contextlib.suppress(urllib.error.HTTPError):  # a 404 is logged like any answer
        urllib.request.urlopen(request, timeout=5).read()  # noqa: S310


@pytest.fixture
def gunicorn_log(tmp_path):
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our interpreter, our config
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--config",
                "python:config.gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
            yield base, log_path
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_access_log_has_paths_without_queries_or_personal_numbers(gunicorn_log):
    base, log_path = gunicorn_log
    _get(
        f"{base}/no-such-page/{EMSO}/?name=Ana+Novak&emso={EMSO}",
        {"Referer": f"{base}/?q=Ana+Novak", "User-Agent": "Browser-Marker/1.0"},
    )
    for _ in range(50):
        if '"GET ' in log_path.read_text():
            break
        time.sleep(0.1)
    log = log_path.read_text()
    access = [line for line in log.splitlines() if '"GET ' in line]
    assert len(access) == 1, log
    line = access[0]
    assert '"GET /no-such-page/*************/ HTTP/1.1" 404' in line
    assert EMSO not in log
    assert "Ana" not in log
    assert "?" not in line
    assert "Browser-Marker" not in log
    assert "Control socket" not in log  # disabled: nothing listens but the web port
