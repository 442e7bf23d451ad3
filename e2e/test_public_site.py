"""Every public page in a real Chromium: accessible, self-contained, with help and a way out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.demo.loading import demo_load
from confide.practice.models import Practice
from confide.practice.tests.test_public_site import PUBLIC_PAGES
from e2e.conftest import Visit, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password="demo-password-for-tests")
    # A neutral page on this same server, so leaving can be followed without the internet.
    Practice.objects.update(leave_url=f"{live_server.url}/robots.txt")
    return live_server.url


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/no-such-page/"])
def test_public_page_is_accessible_and_loads_nothing_from_elsewhere(
    site: str, visit: Visit, audit_page: Page, path: str
) -> None:
    page = visit.page
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    assert visit.foreign_requests(site) == []
    # A CSP refusal would show up here; the 404 page's own status is expected.
    errors = [e for e in visit.console_errors if not (path == "/no-such-page/" and "404" in e)]
    assert errors == []
    expect(page.locator("#help-now")).to_contain_text("988")
    expect(page.locator("#help-now")).to_contain_text("911")
    expect(page.locator(".leave-button")).to_be_visible()

    audit_page.goto(site + path)
    assert axe_violations(audit_page) == []


def test_leave_control_is_the_first_stop_after_the_skip_link(site: str, visit: Visit) -> None:
    page = visit.page
    page.goto(site + "/about/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".leave-button")).to_be_focused()


def test_leave_control_works_without_javascript(site: str, visit_without_js: Visit) -> None:
    page = visit_without_js.page
    page.goto(site + "/articles/what-shame-is/")
    page.click("text=Leave this site")
    page.wait_for_url(site + "/robots.txt")


def test_leave_control_replaces_the_history_entry(site: str, visit: Visit) -> None:
    page = visit.page
    page.goto(site + "/")
    page.goto(site + "/articles/what-shame-is/")
    page.click("text=Leave this site")
    page.wait_for_url(site + "/robots.txt")
    page.go_back()
    # The article was replaced in history: Back lands on the page before it.
    page.wait_for_url(site + "/")
    expect(page.locator(".hero")).to_be_visible()


def test_leave_control_blanks_the_page_before_the_next_one_arrives(site: str, visit: Visit) -> None:
    page = visit.page
    # Hold the neutral site back (204 keeps the current document) to see the page meanwhile.
    page.route(f"{site}/robots.txt", lambda route: route.fulfill(status=204))
    page.goto(site + "/faq/")
    page.click("text=Leave this site")
    page.wait_for_function("document.documentElement.classList.contains('is-leaving')")
    assert page.title() == "Loading"
    expect(page.locator("main")).to_be_hidden()


def test_pressing_shift_three_times_leaves(site: str, visit: Visit) -> None:
    page = visit.page
    page.goto(site + "/fees/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(site + "/robots.txt")


def test_typing_capitals_in_a_field_does_not_leave(site: str, visit: Visit) -> None:
    page = visit.page
    page.goto(site + "/book/ask/")
    field = page.get_by_label("What should we call you?")
    field.click()
    for letter in "HMB":
        page.keyboard.down("Shift")
        page.keyboard.press(f"Key{letter}")
        page.keyboard.up("Shift")
    page.keyboard.type("ello ")
    page.keyboard.down("Shift")
    page.keyboard.press("KeyA")
    page.keyboard.up("Shift")
    page.wait_for_timeout(300)
    assert page.url == site + "/book/ask/"
    expect(field).to_have_value("HMBello A")
    assert not page.evaluate("document.documentElement.classList.contains('is-leaving')")


def test_shift_presses_spread_too_far_apart_do_not_leave(site: str, visit: Visit) -> None:
    page = visit.page
    page.clock.install()
    page.goto(site + "/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.fast_forward(6000)
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == site + "/"


def test_coming_back_after_leaving_shows_the_page_again(site: str, visit: Visit) -> None:
    page = visit.page
    page.goto(site + "/")
    page.goto(site + "/about/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(site + "/robots.txt")
    page.go_back()
    page.wait_for_url(site + "/")
    assert not page.evaluate("document.documentElement.classList.contains('is-leaving')")
    expect(page.locator("main")).to_be_visible()


def test_the_shortcut_hint_appears_only_with_javascript(
    site: str, visit: Visit, visit_without_js: Visit
) -> None:
    visit.page.goto(site + "/")
    expect(visit.page.get_by_text("Or press Shift 3 times")).to_be_visible()
    visit_without_js.page.goto(site + "/")
    expect(visit_without_js.page.get_by_text("Or press Shift 3 times")).to_be_hidden()


@pytest.mark.parametrize("path", ["/", "/articles/what-shame-is/", "/contact/", "/no-such-page/"])
def test_dark_mode_keeps_every_contrast_and_rule(site: str, audit_page: Page, path: str) -> None:
    audit_page.emulate_media(color_scheme="dark")
    audit_page.goto(site + path)
    assert (
        audit_page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(22, 27, 29)"
    )
    assert axe_violations(audit_page) == []


def test_articles_print_without_the_site_around_them(site: str, visit: Visit) -> None:
    page = visit.page
    page.goto(site + "/articles/shame-and-guilt/")
    page.emulate_media(media="print")
    for hidden in (".leave-bar", ".site-nav", ".cta", ".site-footer"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator("article .prose")).to_be_visible()


def test_reduced_motion_turns_transitions_off(site: str, visit: Visit) -> None:
    page = visit.page
    script = "getComputedStyle(document.querySelector('.button')).transitionDuration"
    page.goto(site + "/")
    assert page.evaluate(script).startswith("0.15s")
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(script).split(",")[0] == "0s"
