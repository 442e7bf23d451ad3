"""Signing in to the office in a real Chromium: password, then the authenticator app's code."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.accounts.models import StaffProfile
from confide.accounts.testing import staff_user_create, totp_code
from confide.demo.loading import demo_load
from e2e.conftest import Visit, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-4"


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password="demo-password-for-tests")
    return live_server.url


def _password_step(page: Page, site: str, username: str) -> None:
    page.goto(site + "/office/")
    page.wait_for_url(f"{site}/office/account/login/?next=/office/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_staff_sign_in_with_password_and_code(site: str, visit: Visit) -> None:
    user = staff_user_create("ada", role=StaffProfile.Role.OWNER, password=PASSWORD)
    page = visit.page

    _password_step(page, site, "ada")
    page.wait_for_url(f"{site}/office/account/2fa/authenticate/")
    page.get_by_label("Code").fill(totp_code(user))
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{site}/office/")
    expect(page.locator("h1")).to_be_visible()
    assert visit.foreign_requests(site) == []
    # A refusal by the content security policy (an inline script, say) would show here.
    assert visit.console_errors == []


def test_sign_in_pages_and_the_office_pass_axe(site: str, audit_page: Page) -> None:
    user = staff_user_create("grace", role=StaffProfile.Role.OWNER, password=PASSWORD)
    page = audit_page

    page.goto(site + "/office/account/login/")
    assert axe_violations(page) == []

    _password_step(page, site, "grace")
    page.wait_for_url(f"{site}/office/account/2fa/authenticate/")
    assert axe_violations(page) == []

    page.get_by_label("Code").fill(totp_code(user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}/office/")
    assert axe_violations(page) == []


def test_second_factor_setup_pages_pass_axe(site: str, audit_page: Page) -> None:
    staff_user_create(
        "newcomer", role=StaffProfile.Role.OWNER, password=PASSWORD, second_factor=False
    )
    page = audit_page

    _password_step(page, site, "newcomer")
    page.wait_for_url(f"{site}/office/account/2fa/?next=/office/")
    expect(page.locator("main")).to_contain_text("second factor")
    assert axe_violations(page) == []

    page.goto(site + "/office/account/2fa/totp/activate/")
    expect(page.locator("img.qr-code")).to_be_visible()
    assert axe_violations(page) == []


def test_a_wrong_code_is_explained_next_to_the_field(site: str, visit: Visit) -> None:
    user = staff_user_create("alan", role=StaffProfile.Role.OWNER, password=PASSWORD)
    page = visit.page
    _password_step(page, site, "alan")
    page.wait_for_url(f"{site}/office/account/2fa/authenticate/")
    wrong = f"{(int(totp_code(user)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code").fill(wrong)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".field__error")).to_contain_text("Incorrect code")
