"""Consultation requests in the office: reading, contacting, accepting, closing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from confide.audit.models import AuditEvent
from confide.clients.models import Client, ConsultationRequest
from confide.office.tests.factories import (
    clinician_of,
    demo_clinician,
    request_for,
    therapist_user,
)
from confide.practice.models import Clinician

SignIn = Callable[..., HttpClient]
NOTE = "I have not slept properly in weeks"


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def robin(demo: None) -> ConsultationRequest:
    consultation = request_for(demo_clinician(), for_couple=True, partner_name="Alex")
    consultation.note = NOTE
    consultation.save()
    return consultation


def _users(request: pytest.FixtureRequest, who: str) -> User:
    user: User = request.getfixturevalue({"clinician": "therapist"}.get(who, who))
    return user


PAGES = [
    ("get", "/office/requests/"),
    ("get", "/office/requests/{uid}/"),
    ("post", "/office/requests/{uid}/contacted/"),
    ("post", "/office/requests/{uid}/client/"),
    ("post", "/office/requests/{uid}/close/"),
]
ACCEPT = {"kind": "couple", "partner_name": "Alex", "partner_email": "alex@example.org"}


def _data(path: str) -> dict[str, str]:
    if path.endswith("/client/"):
        return ACCEPT
    if path.endswith("/close/"):
        return {"reason": "Found help elsewhere"}
    return {}


# -- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: HttpClient, robin: ConsultationRequest, method: str, path: str
) -> None:
    response = getattr(client, method)(path.format(uid=robin.uid), _data(path))
    assert response.status_code == 302
    assert response["Location"].startswith("/office/account/login/")
    robin.refresh_from_db()
    assert robin.status == ConsultationRequest.Status.NEW
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_a_signed_in_stranger_is_refused(
    signed_in: SignIn, stranger: User, robin: ConsultationRequest, method: str, path: str
) -> None:
    response = getattr(signed_in(stranger), method)(path.format(uid=robin.uid), _data(path))
    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_staff_without_the_second_factor_get_nothing(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest, method: str, path: str
) -> None:
    office = signed_in(therapist, second_factor=False)
    response = getattr(office, method)(path.format(uid=robin.uid), _data(path))
    assert response.status_code == 302
    robin.refresh_from_db()
    assert robin.status == ConsultationRequest.Status.NEW


@pytest.mark.parametrize(("method", "path"), [p for p in PAGES if "{uid}" in p[1]])
def test_another_clinician_cannot_find_the_request(
    signed_in: SignIn, colleague: User, robin: ConsultationRequest, method: str, path: str
) -> None:
    response = getattr(signed_in(colleague), method)(path.format(uid=robin.uid), _data(path))
    assert response.status_code == 404
    robin.refresh_from_db()
    assert robin.status == ConsultationRequest.Status.NEW
    assert not Client.objects.exists()
    assert not AuditEvent.objects.exists()


def test_another_clinician_does_not_see_the_request_listed(
    signed_in: SignIn, colleague: User, robin: ConsultationRequest
) -> None:
    html = signed_in(colleague).get("/office/requests/").content.decode()
    assert "Robin" not in html
    assert "No requests here." in html


@pytest.mark.parametrize(
    ("who", "sees_note"), [("owner", True), ("clinician", True), ("practice_manager", False)]
)
def test_the_request_shows_contact_wishes_and_the_note_only_to_clinical_staff(
    request: pytest.FixtureRequest,
    signed_in: SignIn,
    robin: ConsultationRequest,
    who: str,
    sees_note: bool,
) -> None:
    response = signed_in(_users(request, who)).get(f"/office/requests/{robin.uid}/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    for wish in ["Contact by call", "no voicemail", "don&#x27;t name the practice",
                 "safe times: weekdays after 6 pm"]:  # fmt: skip
        assert wish in html
    assert "212-555-0142" in html
    assert (NOTE in html) is sees_note
    assert ("What they wrote" in html) is sees_note


def test_every_opening_of_a_request_is_audited(
    signed_in: SignIn, practice_manager: User, robin: ConsultationRequest
) -> None:
    office = signed_in(practice_manager)
    office.get(f"/office/requests/{robin.uid}/")
    office.get(f"/office/requests/{robin.uid}/")

    events = AuditEvent.objects.filter(target_uid=robin.uid, action="view")
    assert events.count() == 2
    event = events.first()
    assert event is not None
    assert (event.actor, event.target_type, event.client_uid, event.summary) == (
        practice_manager, "consultationrequest", None, "opened request",
    )  # fmt: skip
    assert event.address == "127.0.0.1"
    assert NOTE not in event.summary


def test_opening_a_request_that_became_a_client_is_on_the_clients_own_audit_page(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest
) -> None:
    office = signed_in(therapist)
    office.post(f"/office/requests/{robin.uid}/client/", ACCEPT)
    client = Client.objects.get(consultation=robin)

    office.get(f"/office/requests/{robin.uid}/")

    event = AuditEvent.objects.get(target_uid=robin.uid, action="view")
    assert (event.target_type, event.client_uid) == ("consultationrequest", client.uid)
    audit_page = office.get(f"/office/clients/{client.uid}/audit/").content.decode()
    assert "Viewed: opened request" in audit_page


def test_a_note_that_does_not_open_is_not_shown(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest
) -> None:
    other = request_for(demo_clinician(), name="Kim")
    # A sealed note moved from another row must not open here.
    ConsultationRequest.objects.filter(pk=other.pk).update(note_sealed=robin.note_sealed)

    response = signed_in(therapist).get(f"/office/requests/{other.uid}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This note could not be opened" in html
    assert NOTE not in html


# -- The list ------------------------------------------------------------------------------------


def test_requests_that_need_attention_come_first_and_say_so(
    signed_in: SignIn, therapist: User, demo: None
) -> None:
    clinician = demo_clinician()
    request_for(clinician, name="Older flagged", needs_attention=True)
    request_for(clinician, name="Newest")
    request_for(clinician, name="Closed one", status="closed")

    html = signed_in(therapist).get("/office/requests/").content.decode()

    assert html.index("Older flagged") < html.index("Newest")
    assert "Needs attention" in html
    assert "Closed one" not in html
    closed = signed_in(therapist).get("/office/requests/?show=closed").content.decode()
    assert "Closed one" in closed
    assert "Newest" not in closed
    unknown = signed_in(therapist).get("/office/requests/?show=bogus")
    assert unknown.status_code == 200
    assert "Newest" in unknown.content.decode()


def test_the_owner_sees_whose_request_it_is_when_there_are_several_clinicians(
    signed_in: SignIn, owner: User, colleague: User, robin: ConsultationRequest
) -> None:
    other: Clinician = clinician_of(colleague)
    request_for(other, name="Kim")
    html = signed_in(owner).get("/office/requests/").content.decode()
    assert "Robin" in html
    assert "Kim" in html
    assert "Robin Ashdown" in html


# -- Actions -------------------------------------------------------------------------------------


def test_marking_contacted(signed_in: SignIn, therapist: User, robin: ConsultationRequest) -> None:
    office = signed_in(therapist)
    response = office.post(f"/office/requests/{robin.uid}/contacted/", follow=True)

    robin.refresh_from_db()
    assert robin.status == ConsultationRequest.Status.CONTACTED
    assert "Marked as contacted." in response.content.decode()
    again = office.post(f"/office/requests/{robin.uid}/contacted/", follow=True)
    assert "already marked as contacted" in again.content.decode()


@pytest.mark.parametrize("who", ["clinician", "practice_manager", "owner"])
def test_accepting_into_a_couple_opens_the_new_client(
    request: pytest.FixtureRequest, signed_in: SignIn, robin: ConsultationRequest, who: str
) -> None:
    office = signed_in(_users(request, who))

    response = office.post(
        f"/office/requests/{robin.uid}/client/",
        {**ACCEPT, "partner_may_email": "on", "partner_safe_times": "mornings"},
    )

    client = Client.objects.get(consultation=robin)
    assert response.status_code == 302
    assert response["Location"] == client.get_absolute_url()
    assert client.kind == Client.Kind.COUPLE
    assert client.display_name == "Robin and Alex"
    robin_person, alex = client.people.all()
    assert robin_person.phone == "212-555-0142"
    assert (alex.email, alex.may_email, alex.safe_times) == ("alex@example.org", True, "mornings")
    robin.refresh_from_db()
    assert robin.status == ConsultationRequest.Status.CLIENT
    assert AuditEvent.objects.filter(client_uid=client.uid, action="create").exists()


def test_accepting_an_individual_ignores_partner_fields(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest
) -> None:
    response = signed_in(therapist).post(
        f"/office/requests/{robin.uid}/client/",
        {"kind": "individual", "display_name": "Robin K.", "partner_name": "Alex"},
    )
    assert response.status_code == 302
    client = Client.objects.get()
    assert (client.kind, client.display_name, client.people.count()) == (
        "individual",
        "Robin K.",
        1,
    )


def test_accepting_twice_makes_one_client(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest
) -> None:
    office = signed_in(therapist)
    office.post(f"/office/requests/{robin.uid}/client/", ACCEPT)

    again = office.post(f"/office/requests/{robin.uid}/client/", ACCEPT, follow=True)

    html = again.content.decode()
    assert "This request has already been dealt with." in html
    assert "This request became a client" in html
    assert Client.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "kind", "Choose individual or couple."),
        ({"kind": "trio"}, "kind", "Choose individual or couple."),
        ({"kind": "couple"}, "partner_name", "A couple needs both partners&#x27; names."),
        ({"kind": "couple", "partner_name": "  "}, "partner_name",
         "A couple needs both partners&#x27; names."),
        ({"kind": "couple", "partner_name": "Alex"}, "partner_email",
         "Give the partner&#x27;s email address or phone number."),
        ({"kind": "couple", "partner_name": "Alex", "partner_email": "alex@"}, "partner_email",
         "Enter an email address like name@example.org."),
        ({"kind": "couple", "partner_name": "Alex", "partner_phone": "call me"}, "partner_phone",
         "Enter a phone number using digits"),
        ({"kind": "couple", "partner_name": "A" * 121, "partner_email": "a@example.org"},
         "partner_name", "Ensure this value has at most 120 characters"),
    ],
)  # fmt: skip
def test_bad_input_when_accepting_is_explained_and_nothing_is_saved(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest,
    data: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    response = signed_in(therapist).post(f"/office/requests/{robin.uid}/client/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error">{message}' in html
    assert '<details class="action" open>' in html
    assert not Client.objects.exists()
    robin.refresh_from_db()
    assert robin.status == ConsultationRequest.Status.NEW


def test_closing_with_a_reason(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest
) -> None:
    response = signed_in(therapist).post(
        f"/office/requests/{robin.uid}/close/", {"reason": "Found help elsewhere"}, follow=True
    )
    robin.refresh_from_db()
    assert (robin.status, robin.close_reason) == ("closed", "Found help elsewhere")
    html = response.content.decode()
    assert "Closed: Found help elsewhere" in html
    assert "Make them a client" not in html


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why the request is closed."),
        ("   ", "Say why the request is closed."),
        ("x" * 201, "Keep it under 200 characters."),
    ],
)
def test_closing_without_a_usable_reason_is_explained(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest, reason: str, message: str
) -> None:
    response = signed_in(therapist).post(f"/office/requests/{robin.uid}/close/", {"reason": reason})
    assert response.status_code == 400
    assert f'id="id_reason_error">{message}' in response.content.decode()
    robin.refresh_from_db()
    assert robin.status == ConsultationRequest.Status.NEW


def test_a_closed_request_offers_no_actions_and_refuses_them(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest
) -> None:
    ConsultationRequest.objects.filter(pk=robin.pk).update(status="closed")
    office = signed_in(therapist)

    html = office.get(f"/office/requests/{robin.uid}/").content.decode()
    accepted = office.post(f"/office/requests/{robin.uid}/client/", ACCEPT)

    assert "Make them a client" not in html
    assert accepted.status_code == 302
    assert not Client.objects.exists()


@pytest.mark.parametrize("path", ["contacted/", "client/", "close/"])
def test_actions_answer_only_posts(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest, path: str
) -> None:
    assert signed_in(therapist).get(f"/office/requests/{robin.uid}/{path}").status_code == 405


def test_the_error_summary_lists_the_partners_fields_too(
    signed_in: SignIn, therapist: User, robin: ConsultationRequest
) -> None:
    response = signed_in(therapist).post(
        f"/office/requests/{robin.uid}/client/", {"kind": "couple", "partner_name": "Alex"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_partner_email">Partner&#x27;s email: Give the partner' in html
