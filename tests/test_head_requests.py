"""HEAD is answered wherever GET is (issue 9): monitors and link checkers send HEAD.

Every GET-only view uses ``require_safe`` (GET and HEAD), never ``require_GET``, which
answered HEAD with 405.
"""

import ast
from pathlib import Path

from django.urls import reverse

import pytest

from tests.tenders.factories import TenderFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "healthz"])
def test_head_is_answered_like_get(client, name):
    get = client.get(reverse(name))
    head = client.head(reverse(name))
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


@pytest.mark.django_db
def test_head_of_a_tender_page(client, lessor_x):
    tender = TenderFactory(lessor=lessor_x, published=True)
    response = client.head(reverse("tenders:detail", args=[tender.pk]))
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.django_db
def test_other_methods_are_still_refused(client):
    assert client.post(reverse("home")).status_code == 405
    assert client.put(reverse("healthz")).status_code == 405


def test_no_view_uses_require_get():
    """``require_GET`` refuses HEAD; ``require_safe`` is the project's GET-only guard."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "require_GET":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.alias) and node.name == "require_GET":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
