"""Every portal address that names a thing answers 404 to anyone whose thing it is not.

Client A, signed in, tries each of client B's real things (an appointment, a paper to sign, a
signed PDF, a questionnaire and its answers, a message's file, a billing PDF), and a partner
tries the other partner's own things. The list of such addresses comes from the URL
configuration, so a new one fails the first test until it is given a sample here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client as Browser
from django.utils import timezone

from confide.billing.models import Statement
from confide.clients.models import Client, Person
from confide.intake import services as intake
from confide.intake.models import IntakeDocument, PacketItem
from confide.measures import services as measures
from confide.messaging import services as messaging
from confide.messaging.models import Attachment
from confide.office.tests.factories import therapist_user
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in, session_make
from confide.portal.tests.test_payments import (
    account_with_papers,
    billing,  # noqa: F401  (a fixture)
)
from confide.portal.tests.test_portal_access import portal_routes

pytestmark = pytest.mark.usefixtures("demo", "billing")

# Addresses with an argument that name nothing of a person's (none today), and why.
NO_THING = {"portal:sign_in_link": "the link's random secret, tried by the sign-in tests"}
# Addresses that take the thing in the form rather than the URL: (name, field).
POSTED = {"portal:payment_document": "document"}


@dataclass
class Things:
    """One person's own things, each as the value its address takes."""

    appointment: str
    item: str
    signature: str
    measure_request: str
    measure_response: str
    attachment: str
    statement: str


def _things_of(person: Person, *, hour: int) -> Things:
    client = person.client
    therapist = therapist_user()
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    appointment = session_make(client, start=start + dt.timedelta(days=4, hours=hour))
    intake.packet_send(client=client, people=[person], actor=None, now=timezone.now())
    intake.esign_consent_record(person=person, address="203.0.113.7", now=timezone.now())
    version = IntakeDocument.objects.get(kind=IntakeDocument.Kind.CONSENT).current_version()
    assert version is not None
    signature = intake.document_sign(
        person=person, version=version, typed_name=person.name, intent=True, address=None
    )
    waiting = PacketItem.objects.filter(person=person).exclude(document__kind="consent").first()
    assert waiting is not None
    answered = measures.measure_send(
        client=client, person=person, code="gad7", actor=None, now=timezone.now(), request=None
    )
    response = measures.response_save(
        ask=answered,
        answers={f"item{n}": 0 for n in range(1, 8)},
        comment="",
        now=timezone.now(),
        request=None,
    )
    ask = measures.measure_send(
        client=client, person=person, code="phq9", actor=None, now=timezone.now(), request=None
    )
    messaging.message_send_by_person(
        person=person,
        body="A question about parking.",
        upload=messaging.Upload(name="map.txt", data=b"Turn left at the corner."),
        now=timezone.now(),
    )
    attachment = Attachment.objects.get(message__thread__person=person)
    statement = account_with_papers(client, therapist, hour=hour + 1)[0]
    assert isinstance(statement, Statement)
    return Things(
        appointment=appointment.manage_token(),
        item=str(waiting.uid),
        signature=str(signature.uid),
        measure_request=str(ask.uid),
        measure_response=str(response.uid),
        attachment=str(attachment.uid),
        statement=str(statement.uid),
    )


def _addresses(things: Things) -> dict[str, str]:
    """Return each address with an argument, made with the person's own things."""
    token = things.appointment
    return {
        "portal:appointment": f"/portal/appointments/{token}/",
        "portal:appointment_cancel": f"/portal/appointments/{token}/cancel/",
        "portal:appointment_move": f"/portal/appointments/{token}/move/",
        "portal:intake:document": f"/portal/paperwork/documents/{things.item}/",
        "portal:intake:signed": f"/portal/paperwork/signed/{things.signature}/",
        "portal:measures:answer": f"/portal/questionnaires/{things.measure_request}/",
        "portal:measures:done": f"/portal/questionnaires/answered/{things.measure_response}/",
        "portal:messages:attachment": f"/portal/messages/files/{things.attachment}/",
    }


def _status(browser: Browser, name: str, url: str, things: Things) -> int:
    if name in POSTED:
        return browser.post(url, {POSTED[name]: things.statement}).status_code
    return browser.get(url).status_code


def test_every_address_naming_a_thing_has_a_sample_here() -> None:
    sample = Things(*(["x"] * 7))
    covered = _addresses(sample).keys() | POSTED.keys() | NO_THING.keys()
    named = {name for name, route, _ in portal_routes() if "<" in route}
    assert named - covered == set(), f"Give these a sample in {__name__}"


@pytest.fixture
def a_and_b() -> tuple[Person, Things, Person, Things]:
    a = person_of(client_make(("Avery Example", "avery@example.org")))
    b = person_of(client_make(("Blair Example", "blair@example.org")))
    return a, _things_of(a, hour=0), b, _things_of(b, hour=3)


def test_each_person_reaches_their_own_things(
    a_and_b: tuple[Person, Things, Person, Things],
) -> None:
    a, a_things, _, _ = a_and_b
    browser = portal_signed_in(a)
    routes = {name: "/" + route for name, route, _ in portal_routes()}

    for name, url in _addresses(a_things).items():
        assert _status(browser, name, url, a_things) == 200, name
    response = browser.post(routes["portal:payment_document"], {"document": a_things.statement})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_client_a_reaches_nothing_of_client_b(
    a_and_b: tuple[Person, Things, Person, Things],
) -> None:
    a, _, _, b_things = a_and_b
    browser = portal_signed_in(a)
    routes = {name: "/" + route for name, route, _ in portal_routes()}

    addresses = {
        **_addresses(b_things),
        "portal:payment_document": routes["portal:payment_document"],
    }
    for name, url in addresses.items():
        assert _status(browser, name, url, b_things) == 404, name


def test_a_partner_reaches_nothing_of_the_other_partners_own() -> None:
    couple: Client = client_make(
        ("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org")
    )
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    kais = _things_of(kai, hour=0)
    browser = portal_signed_in(dana)

    # Appointments belong to the couple; everything else of Kai's is Kai's alone.
    own = {
        name: url for name, url in _addresses(kais).items() if not name.startswith("portal:appoint")
    }
    for name, url in own.items():
        assert _status(browser, name, url, kais) == 404, name
    # The bills go to Dana (the first partner) here, so Kai's portal has no billing PDF either.
    kai_browser = portal_signed_in(kai)
    assert (
        _status(kai_browser, "portal:payment_document", "/portal/payments/download/", kais) == 404
    )
