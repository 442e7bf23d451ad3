"""Every office page offers a sign-out that works without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("demo")

PAGES = ["office:home", "office:calendar", "office:requests", "office:clients", "office:billing"]


def _sign_out_form(page: str) -> str:
    forms = re.findall(r"<form\b[^>]*>.*?</form>", page, re.S)
    found = [f for f in forms if f'action="{reverse("account_logout")}"' in f]
    assert len(found) == 1, "one sign-out form"
    return str(found[0])


@pytest.mark.parametrize("name", PAGES)
def test_every_office_page_has_a_sign_out_form(
    signed_in: Callable[..., Client], owner: User, name: str
) -> None:
    page = signed_in(owner).get(reverse(name)).content.decode()

    form = _sign_out_form(page)
    assert re.search(r'method="post"', form)
    assert "csrfmiddlewaretoken" in form
    assert re.search(r"<button[^>]*>\s*Sign out\s*</button>", form)


def test_a_practice_manager_can_sign_out_too(
    signed_in: Callable[..., Client], practice_manager: User
) -> None:
    _sign_out_form(signed_in(practice_manager).get(reverse("office:home")).content.decode())


def test_the_sign_out_form_ends_the_session(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    page = client.get(reverse("office:home")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _sign_out_form(page))
    assert token

    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token[1]})

    assert response.status_code == 302
    assert client.get(reverse("office:home"))["Location"].startswith(reverse("account_login"))
