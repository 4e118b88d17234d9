"""The POST forms of a page as a browser would send them (for the locust users; no
locust import here, so it can be tested and used without gevent)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

SKIPPED = ("/i18n/", "/logout/")


class _Forms(HTMLParser):
    """Every ``<form method="post">`` of a page: its action and the values a browser
    would send (text, hidden, checked boxes and radios, selected options, textareas,
    the first named submit button)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._selected = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action", ""),
                    "method": a.get("method", "get").lower(),
                    "fields": [],
                    "button": None,
                }
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append((name, a.get("value", "on")))
            elif kind == "submit":
                if form["button"] is None:
                    form["button"] = (name, a.get("value", ""))
            elif kind != "file":
                form["fields"].append((name, a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            if form["button"] is None:
                form["button"] = (name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._selected:
                form["fields"].append((self._select, value))
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"].append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self.forms:
            name, text = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            if not self._selected and self._select_first is not None:
                self.forms[-1]["fields"].append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_form(html: str, action_part: str = "") -> tuple[str, list[tuple[str, str]]]:
    """The action and the data of the page's first POST form whose action contains
    ``action_part`` (a form without an action posts to the page itself: ""), leaving
    out the layout's forms (language switch, logout)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if any(skip in form["action"] for skip in SKIPPED):
            continue
        if form["method"] == "post" and action_part in form["action"]:
            fields = list(form["fields"])
            if form["button"] is not None:
                fields.append(form["button"])
            return form["action"], fields
    raise LookupError(f"no POST form with {action_part!r} in its action")
