"""Browser tests drive Debian's Chromium through Playwright against a live server."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect, sync_playwright
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

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

# An expectation waits up to 15 seconds rather than Playwright's 5: the suite runs two browsers
# and two servers on two cores, and a page that answers late under that load is not a failure.
# One that never answers still fails, only later.
expect.set_options(timeout=15_000)

# The demo's staff password, and the two screens every page is checked on.
PASSWORD = "demo-password-for-tests"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


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
    # A click that navigates returns once the new page is committed, perhaps before its head
    # exists; axe is injected only into a page that has finished loading.
    page.wait_for_load_state("load")
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


def begun_today(zone: str, *, length: dt.timedelta, ago: dt.timedelta) -> dt.datetime:
    """Return a start about ``ago`` before now that has begun and lies wholly within today.

    Today's page lists the sessions of the practice's day, and a note's times belong to one date,
    so a session that began before midnight, or runs past it, would make a test fail only when
    the suite happens to run near midnight in ``zone``.
    """
    now = timezone.now()
    tz = ZoneInfo(zone)
    midnight = dt.datetime.combine(now.astimezone(tz).date(), dt.time(), tzinfo=tz)
    next_midnight = dt.datetime.combine(
        midnight.date() + dt.timedelta(days=1), dt.time(), tzinfo=tz
    )
    start = min(now - ago, next_midnight - length - dt.timedelta(minutes=1))
    return max(start, midnight)


@pytest.fixture
def site(live_server: LiveServer, settings: Settings) -> str:
    """The demo practice on a live server; the links in messages lead to this server."""
    from confide.demo.loading import demo_load

    demo_load(password=PASSWORD)
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """The browser contexts a test opens (it appends them), closed when it ends."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def context_make(browser: Browser, *, js: bool, size: ViewportSize) -> BrowserContext:
    """A context with or without JavaScript; with it, the CSP is bypassed to inject axe-core."""
    return browser.new_context(java_script_enabled=js, bypass_csp=js, viewport=size)


def page_check(page: Page, *, js: bool, width: int, way_out: bool = False) -> None:
    """With JavaScript: no sideways scrolling at ``width`` and no axe-core violations.

    ``way_out`` checks first that the portal's "Leave this site" link shows, with or without it.
    """
    if way_out:
        expect(page.get_by_role("link", name="Leave this site")).to_be_visible()
    if js:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        assert axe_violations(page) == [], page.url


def therapist_signed_in(
    browser: Browser, contexts: list[BrowserContext], site: str, *, size: ViewportSize
) -> Page:
    """A new page, with JavaScript, where the demo therapist has signed in to the office's Today."""
    context = context_make(browser, js=True, size=size)
    contexts.append(context)
    page = context.new_page()
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")
    return page


def portal_sign_in(page: Page, site: str, address: str) -> None:
    """Sign in to the portal with the code mailed to ``address``, ending on the home page."""
    from django.core import mail

    from confide.portal.tests.helpers import portal_tasks_run

    page.goto(site + "/portal/sign-in/")
    page.get_by_label("Your email address or mobile number").fill(address)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("If that address is one we know")).to_be_visible()
    portal_tasks_run()
    body = str([m for m in mail.outbox if m.to == [address]][-1].body)
    code = re.search(r"code is (\d{3} \d{3})", body)
    assert code
    page.get_by_label("Your 6-digit code").fill(code.group(1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your appointments")).to_be_visible()
