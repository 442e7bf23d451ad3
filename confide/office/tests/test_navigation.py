"""Addresses made once per list, and the forms' way back, checked against Django's own."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from confide.office.navigation import back_to, url_for_each


@pytest.mark.parametrize("pk", [1, 7, 42, 987654, 2**31 - 1])
def test_an_address_made_once_per_list_is_the_one_reverse_gives(pk: int) -> None:
    assert url_for_each("office:appointment")(pk) == reverse("office:appointment", args=[pk])


@pytest.mark.parametrize(
    ("sent", "back"),
    [
        ("/office/clients/", "/office/clients/"),
        ("/office/?date=2027-03-15", "/office/?date=2027-03-15"),
        ("https://elsewhere.example.org/office/", "/fallback/"),
        ("//elsewhere.example.org/office/", "/fallback/"),
        ("/book/", "/fallback/"),
        ("", "/fallback/"),
    ],
)
def test_a_form_goes_back_only_inside_the_office(sent: str, back: str) -> None:
    request = RequestFactory().post("/office/anything/", {"next": sent})
    assert back_to(request, "/fallback/") == back
