"""The POST forms of a page as a browser would send them (for the locust users; no
locust import here, so it can be tested and used without gevent).

Parsed with lxml (libxml2, in C): the simulated browsers share the benchmark's two
CPUs with the server, and Python's ``html.parser`` spent 1-2 ms of them on each page
(4-6 times lxml's), which is the client's work, not the server's.
"""

from __future__ import annotations

import lxml.html

SKIPPED = ("/i18n/", "/logout/")


def post_form(html: str, action_part: str = "") -> tuple[str, list[tuple[str, str]]]:
    """The action and the data of the page's first POST form whose action contains
    ``action_part`` (a form without an action posts to the page itself: ""), leaving
    out the layout's forms (language switch, logout): the values a browser would send
    (text, hidden, checked boxes and radios, selected options or a select's first,
    textareas; no files), then the form's first named submit button."""
    for form in lxml.html.document_fromstring(html).forms:
        action = form.get("action", "")
        if any(skip in action for skip in SKIPPED):
            continue
        if (form.get("method") or "get").lower() != "post" or action_part not in action:
            continue
        fields = [(name, str(value)) for name, value in form.form_values()]
        for element in form.iter("input", "button"):
            default = "submit" if element.tag == "button" else "text"
            if element.get("name") and (element.get("type") or default) == "submit":
                fields.append((element.get("name"), element.get("value", "")))
                break
        return action, fields
    raise LookupError(f"no POST form with {action_part!r} in its action")
