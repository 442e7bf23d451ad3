"""Browser tests drive Debian's Chromium through Playwright against a live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# fixtures in between are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


_BROWSER_FIXTURES = {"browser", "visit", "visit_without_js", "audit_page", "audited"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test`, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A browser context that records every request and console error it sees."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page: Page = context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )

    def foreign_requests(self, origin: str) -> list[str]:
        allowed = urlsplit(origin)
        return [
            url
            for url in self.requests
            if urlsplit(url)[:2] != allowed[:2] and not url.startswith(("data:", "about:"))
        ]


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context()
    yield Visit(context)
    context.close()


@pytest.fixture
def visit_without_js(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(java_script_enabled=False)
    yield Visit(context)
    context.close()


@pytest.fixture
def audit_page(browser: Browser) -> Iterator[Page]:
    """A page whose CSP is bypassed so axe-core can be injected for the audit."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs it with npm")
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def axe_violations(page: Page) -> list[dict[str, object]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'wcag22aa', 'best-practice']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return list(result)


def office_sign_in(page: Page, *, username: str, password: str, code_offset: int = 0) -> None:
    """Fill in the office's sign-in pages the browser is on: the password, then the second factor.

    The code is the one the user's authenticator app shows ``code_offset`` periods from now (a
    second sign-in within one period takes the next one, with the tolerance set to allow it).
    """
    from django.contrib.auth.models import User

    from confide.accounts.testing import totp_code

    user = User.objects.get(username=username)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/2fa/authenticate/**")
    page.get_by_label("Code").fill(totp_code(user, offset=code_offset))
    page.get_by_role("button", name="Sign in").click()
