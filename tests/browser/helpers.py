"""Shared steps of the browser tests."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = "Correct-horse-battery-9"


def axe_violations(page) -> list:
    """WCAG 2.1 A and AA violations axe-core finds on the page (empty when none)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a','wcag2aa','wcag21a','wcag21aa']}})"
    )
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def log_in(page, base_url: str, email: str, code: str | None = "123456") -> None:
    """Log in through the pages, answering the second-factor step with ``code``."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if code is not None and "/accounts/otp/verify/" in page.url:
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()


def overflow_px(page) -> int:
    """How many pixels the page is wider than the window (0 when it reflows, WCAG
    1.4.10): a table wider than the screen must scroll inside its own region."""
    return page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def check_page(page) -> None:
    """The checks every page passes: no sideways scrolling and no axe-core violation."""
    assert overflow_px(page) == 0, f"{page.url} is {overflow_px(page)} px too wide"
    assert axe_violations(page) == [], page.url


def too_wide(page) -> list[str]:
    """The elements that reach past the window's right edge (what breaks reflow),
    as ``tag#id.class`` with their right edge, for an assertion's message."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .filter(e => !(e.parentElement && e.parentElement.closest('.table-responsive')))
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
               + (e.className && typeof e.className === 'string'
                  ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
               + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
