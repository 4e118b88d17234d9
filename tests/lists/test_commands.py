import io
import json
import subprocess
import sys

from django.conf import settings
from django.core.management import CommandError, call_command

import pytest

from lists import services


def export(tender):
    out = io.StringIO()
    call_command("export_rank_input", str(tender.pk), stdout=out)
    return out.getvalue()


def engine_cli(text):
    """``python -m scoring rank -`` in a process of its own (no Django)."""
    result = subprocess.run(
        [sys.executable, "-m", "scoring", "rank", "-"],
        input=text.encode(),
        capture_output=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    return json.loads(result.stdout)


def test_export_prints_the_published_input_the_engine_reproduces(
    verified, tender, staff
):
    version = services.list_build(tender=tender, by=staff["chair"])
    services.list_approve(version=version, by=staff["member"])
    version = services.list_publish(version=version, by=staff["chair"])
    # A newer draft does not change what is exported.
    services.list_build(tender=tender, by=staff["chair"])
    text = export(tender)
    assert json.loads(text) == version.engine_input
    assert services.sha256(json.loads(text)) == version.input_sha256
    assert engine_cli(text) == version.engine_output


def test_export_without_publication_builds_a_fresh_draft(verified, tender, staff):
    text = export(tender)
    output = engine_cli(text)
    assert [e["total"] for e in output["sub_lists"]["A1"]["entries"]] == [
        410,
        370,
        350,
    ]


def test_export_refuses_while_undecided(tender, staff, sub_lists):
    from tests.lists.conftest import close, make_application, new_applicant

    make_application(tender, new_applicant("x@example.test"))
    close(tender)
    with pytest.raises(CommandError, match="not yet decided"):
        export(tender)
