"""Reminders, messages, staff and website settings in Chromium, on a phone and on a desktop.

Each page fits a 390-pixel screen without sideways scrolling and has no axe-core violations;
without JavaScript the reminder settings save and a page's preview shows the real public page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.accounts.models import StaffProfile
from confide.accounts.testing import staff_user_create
from confide.demo.loading import demo_load
from confide.notifications.models import OutboxMessage
from confide.practice.models import Article, Practice
from confide.practice.models import Page as SitePage
from e2e.conftest import axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def practice(live_server: LiveServer) -> None:
    demo_load(password=PASSWORD)
    staff_user_create("avery", role=StaffProfile.Role.PRACTICE_MANAGER)
    OutboxMessage.objects.create(
        from_email="office@example.org",
        to="someone-with-a-rather-long-address-for-a-phone@example.org",
        subject="Your appointment on Thu, Mar 18",
        text="A link that is long and unbroken: https://example.org/manage/"
        + "a" * 150
        + "/\nSee you then.",
    )


def _sign_in(page: Page, site: str) -> None:
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")


def _fits(page: Page, width: int) -> bool:
    scroll: int = page.evaluate("document.documentElement.scrollWidth")
    return scroll <= width


def _pages() -> list[str]:
    message = OutboxMessage.objects.order_by("pk").first()
    assert message is not None
    article = Article.objects.order_by("pk").first()
    assert article is not None
    manager = User.objects.get(username="avery")
    return [
        "/office/settings/reminders/",
        "/office/settings/messages/",
        f"/office/settings/messages/outbox/{message.pk}/",
        "/office/settings/staff/",
        "/office/settings/website/",
        "/office/settings/website/pages/about/",
        f"/office/settings/website/articles/{article.pk}/",
        "/office/settings/website/questions/new/",
        f"/office/settings/staff/{manager.pk}/",
    ]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_each_settings_page_fits_the_screen_and_passes_axe(
    live_server: LiveServer, practice: None, audit_page: Page, size: dict[str, int]
) -> None:
    site, page = live_server.url, audit_page
    page.set_viewport_size(size)  # type: ignore[arg-type]
    _sign_in(page, site)
    for address in _pages():
        page.goto(site + address)
        expect(page.locator("h1")).to_be_visible()
        assert _fits(page, size["width"]), address
        assert axe_violations(page) == [], address

    # The preview of an article is the public page, with the bar that says it is not saved.
    page.goto(site + "/office/settings/website/pages/about/")
    page.get_by_label("Text").fill("## Unsaved\n\nWords only the preview shows.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Preview, not saved.")).to_be_visible()
    expect(page.get_by_text("Words only the preview shows.")).to_be_visible()
    assert _fits(page, size["width"])
    assert axe_violations(page) == []


def test_reminder_settings_save_and_a_page_previews_without_javascript(
    live_server: LiveServer, practice: None, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    site = live_server.url
    _sign_in(page, site)

    page.goto(site + "/office/settings/reminders/")
    page.get_by_label("First reminder, hours before").fill("24")
    page.get_by_label("Quiet hours end").fill("07:30")
    page.get_by_role("button", name="Save the reminder settings").click()
    expect(
        page.get_by_text("now follow the new times").or_(page.get_by_text("No reminder waiting"))
    ).to_be_visible()
    saved = Practice.load()
    assert saved.first_reminder_hours == 24
    assert f"{saved.quiet_hours_end:%H:%M}" == "07:30"

    page.goto(site + "/office/settings/website/pages/about/")
    page.get_by_label("Text").fill("Saved after a preview.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Preview, not saved.")).to_be_visible()
    assert "Saved after a preview." not in (SitePage.objects.get(kind="about").body)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("is saved and shown on the site")).to_be_visible()
    assert SitePage.objects.get(kind="about").body == "Saved after a preview."
    context.close()
