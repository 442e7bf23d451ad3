"""The disclosure sends a person back only to a page of the portal, never elsewhere."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from confide.clients.models import Person
from confide.intake import services
from confide.portal.tests.helpers import portal_signed_in

pytestmark = pytest.mark.django_db
PAPERWORK = "/portal/paperwork/"


def _query(given: str) -> str:
    return urlencode({"next": given})


@pytest.mark.parametrize(
    ("given", "lands_on"),
    [
        ("/portal/plan/", "/portal/plan/"),
        ("/portal/record/", "/portal/record/"),
        ("/portal/plan/?then=https://example.org/", "/portal/plan/"),
        ("", PAPERWORK),
        ("https://example.org/portal/plan/", PAPERWORK),
        ("//example.org/portal/plan/", PAPERWORK),
        ("///example.org/portal/", PAPERWORK),
        ("/\\example.org/portal/", PAPERWORK),
        ("\\\\example.org/portal/", PAPERWORK),
        ("javascript:alert(1)//portal/", PAPERWORK),
        ("/office/", PAPERWORK),
        ("/portal/../office/", PAPERWORK),
        ("/portal/sign-in/link/../", PAPERWORK),
        ("/portal/appointments/./", PAPERWORK),
        ("/portal/no-such-page/", PAPERWORK),
        ("portal/plan/", PAPERWORK),
    ],
)
def test_agreeing_returns_only_to_a_page_of_the_portal(
    person: Person, given: str, lands_on: str
) -> None:
    browser = portal_signed_in(person)
    url = reverse("portal:intake:disclosure")

    response = browser.post(url + "?" + _query(given), {"agree": "on"})

    assert response.status_code == 302
    assert response["Location"] == lands_on
    assert services.esign_consent_of(person) is not None


def test_not_now_leads_back_to_the_page_named_and_never_elsewhere(person: Person) -> None:
    browser = portal_signed_in(person)
    url = reverse("portal:intake:disclosure")

    back = browser.get(url + "?next=/portal/plan/").content.decode()
    away = browser.get(url + "?" + _query("https://example.org/")).content.decode()

    assert 'href="/portal/plan/">Not now</a>' in back
    assert f'href="{PAPERWORK}">Not now</a>' in away
    assert 'href="https://example.org/' not in away
