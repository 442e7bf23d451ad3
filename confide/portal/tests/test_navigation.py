"""The portal's navigation offers each person what is there for them, and nothing more."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from confide.billing.models import BillingSettings
from confide.clients.models import Person
from confide.measures import services as measures
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in

pytestmark = pytest.mark.usefixtures("demo")


def _nav(person: Person) -> list[str]:
    """Return the labels of the navigation the person sees on their home page, in order."""
    page = portal_signed_in(person).get("/portal/").content.decode()
    nav = re.search(r'<nav class="site-nav" aria-label="Your page">(.*?)</nav>', page, re.S)
    assert nav is not None
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))


def test_a_new_client_sees_only_what_is_there_for_them() -> None:
    BillingSettings.objects.update_or_create(pk=1, defaults={"enabled": False})
    person = person_of(client_make(("Robin Example", "robin@example.org")))
    assert _nav(person) == ["Appointments", "Paperwork", "Messages", "Your record", "Passkeys"]


def test_payments_show_once_the_practice_keeps_them_here() -> None:
    BillingSettings.objects.update_or_create(pk=1, defaults={"enabled": True})
    person = person_of(client_make(("Robin Example", "robin@example.org")))
    assert "Payments" in _nav(person)


def test_questionnaires_show_for_the_partner_they_were_sent_to() -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    measures.measure_send(
        client=couple, person=dana, code="csi4", actor=None, now=timezone.now(), request=None
    )
    assert "Questionnaires" in _nav(dana)
    assert "Questionnaires" not in _nav(kai)
    # A trend the therapist shows the couple is for both.
    measures.share_set(
        client=couple, code="csi4", shared=True, actor=None, now=timezone.now(), request=None
    )
    assert "Questionnaires" in _nav(kai)
