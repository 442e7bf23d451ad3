"""The way out and the way to help on a phone: always in reach, hints only where they apply."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from confide.demo.loading import demo_load
from confide.practice.models import Practice
from confide.practice.tests.test_public_site import PUBLIC_PAGES
from e2e.conftest import AXE, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
LONG_PAGES = ["/articles/what-shame-is/", "/faq/", "/about/"]
HINT = "Or press Shift 3 times"


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password="demo-password-for-tests")
    Practice.objects.update(leave_url=f"{live_server.url}/robots.txt")
    return live_server.url


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone: narrow, touch only, no hover (CSP bypassed so axe-core can audit it)."""
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=3, bypass_csp=True
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def _scroll_to_the_bottom(page: Page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(
        "window.scrollY > 0 && Math.ceil(window.scrollY + innerHeight)"
        " >= document.documentElement.scrollHeight - 1"
    )


def _in_viewport(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(selector) => {
                const box = document.querySelector(selector).getBoundingClientRect();
                return box.width > 0 && box.top >= 0 && box.bottom <= innerHeight
                    && box.left >= 0 && box.right <= innerWidth;
            }""",
            selector,
        )
    )


@pytest.mark.parametrize("path", LONG_PAGES)
def test_the_leave_control_stays_in_view_at_the_bottom_of_a_long_page_on_a_phone(
    site: str, phone: Page, path: str
) -> None:
    phone.goto(site + path)
    assert phone.evaluate("document.documentElement.scrollHeight") > 3 * PHONE["height"]
    _scroll_to_the_bottom(phone)

    assert _in_viewport(phone, ".leave-button")
    phone.locator(".leave-button").tap()
    phone.wait_for_url(site + "/robots.txt")


def test_the_leave_control_stays_in_view_without_javascript(
    site: str, phone_without_js: Page
) -> None:
    phone_without_js.goto(site + "/articles/what-shame-is/")
    _scroll_to_the_bottom(phone_without_js)
    assert _in_viewport(phone_without_js, ".leave-button")


def test_the_leave_control_stays_in_view_on_a_desktop(site: str, desktop: Page) -> None:
    desktop.goto(site + "/articles/what-shame-is/")
    _scroll_to_the_bottom(desktop)
    assert _in_viewport(desktop, ".leave-button")


def test_help_now_is_reachable_from_the_top_of_every_page(site: str, phone: Page) -> None:
    phone.goto(site + "/articles/what-shame-is/")
    link = phone.get_by_role("link", name="Help now")
    assert _in_viewport(phone, "a[href='#help-now']")

    link.tap()

    phone.wait_for_url("**#help-now")
    expect(phone.locator("#help-now")).to_be_in_viewport()
    expect(phone.locator("#help-now-heading")).to_be_in_viewport()
    # The heading is not hidden under the bar that stays at the top.
    bar_bottom = phone.evaluate(
        "document.querySelector('.leave-bar').getBoundingClientRect().bottom"
    )
    heading_top = phone.evaluate(
        "document.querySelector('#help-now-heading').getBoundingClientRect().top"
    )
    assert heading_top >= bar_bottom


def test_the_shift_hint_is_hidden_on_a_touch_screen(site: str, phone: Page) -> None:
    phone.goto(site + "/")
    phone.wait_for_load_state("load")
    expect(phone.get_by_text(HINT)).to_be_hidden()
    expect(phone.get_by_role("link", name="What this does")).to_be_visible()


def test_the_shift_hint_shows_where_a_keyboard_is_likely(site: str, desktop: Page) -> None:
    desktop.goto(site + "/")
    expect(desktop.get_by_text(HINT)).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/articles/what-shame-is/", "/book/"])
def test_a_phone_page_with_the_bar_is_accessible_and_fits(
    site: str, phone: Page, path: str, scheme: str
) -> None:
    assert AXE.exists()
    phone.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    phone.goto(site + path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _scroll_to_the_bottom(phone)
    assert axe_violations(phone) == []


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/book/", "/no-such-page/"])
def test_every_public_page_links_to_help_now_from_its_top_bar(
    site: str, phone: Page, path: str
) -> None:
    phone.goto(site + path)
    bar = phone.locator(".leave-bar")
    expect(bar.get_by_role("link", name="Help now")).to_have_attribute("href", "#help-now")
    expect(phone.locator("#help-now")).to_have_count(1)
