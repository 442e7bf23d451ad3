"""The Notice of Privacy Practices is a public page, and the acknowledgment links to it."""

from __future__ import annotations

import pytest
from django.test import Client as Browser
from django.urls import reverse

from confide.intake.models import IntakeDocument
from confide.practice.models import Page

pytestmark = pytest.mark.django_db


def test_the_notice_is_a_public_page_the_acknowledgment_links_to(demo: None) -> None:
    url = reverse("practice:page", args=[Page.Kind.PRIVACY])
    response = Browser().get(url)
    assert response.status_code == 200
    assert "<h1" in response.text
    assert "Notice of Privacy Practices" in response.text
    assert "Your rights" in response.text
    version = IntakeDocument.objects.get(kind=IntakeDocument.Kind.PRIVACY).current_version()
    assert version is not None
    assert f'href="{url}"' in version.body_html


def test_the_notice_is_edited_with_the_other_website_pages(
    demo: None, owner: object, signed_in: object
) -> None:
    office = signed_in(owner)  # type: ignore[operator]
    page = office.get(reverse("office:settings_website"))
    assert reverse("office:settings_website_page", args=[Page.Kind.PRIVACY]) in page.text
