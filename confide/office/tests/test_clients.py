"""Client, note, export and audit pages of the office, with who may see what."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone

from confide.accounts.testing import sign_in
from confide.audit.models import AuditEvent
from confide.clients import services
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails
from confide.clients.testing import SIGNABLE_FIELDS, sign_ready
from confide.practice.models import Clinician

pytestmark = pytest.mark.django_db

SignedIn = Callable[..., HttpClient]


@pytest.fixture
def couple(demo: None, owner: User) -> Client:
    return services.client_create(
        kind=Client.Kind.COUPLE,
        people=[
            PersonDetails(name="Sam", phone="(212) 555-0120", may_call=True),
            PersonDetails(name="Lee"),
        ],
        display_name="",
        clinician_id=Clinician.objects.get(slug="hannah-brenner").pk,
        actor=owner,
        request=None,
    )


@pytest.fixture
def note(couple: Client, owner: User) -> ClinicalNote:
    return services.note_create(
        client=couple, kind="progress", template="soap",
        sections={"subjective": "Felt unseen at home."}, author=owner, request=None,
    )  # fmt: skip


@pytest.fixture
def psychotherapy_note(couple: Client, owner: User) -> ClinicalNote:
    return services.note_create(
        client=couple, kind="psychotherapy", template="free",
        sections={"text": "Process thoughts."}, author=owner, request=None,
    )  # fmt: skip


def test_the_list_finds_clients_by_partner_name_and_status(
    signed_in: SignedIn, owner: User, couple: Client
) -> None:
    http = signed_in(owner)
    assert "Sam and Lee" in http.get("/office/clients/?q=lee").content.decode()
    assert "Sam and Lee" not in http.get("/office/clients/?q=nobody").content.decode()
    assert "Sam and Lee" in http.get("/office/clients/?status=consultation").content.decode()
    assert "Sam and Lee" not in http.get("/office/clients/?status=active").content.decode()
    assert http.get("/office/clients/?status=nonsense").status_code == 200


def test_the_client_page_shows_each_partners_wishes_and_is_audited(
    signed_in: SignedIn, owner: User, couple: Client, note: ClinicalNote
) -> None:
    html = signed_in(owner).get(couple.get_absolute_url()).content.decode()
    assert "Sam" in html
    assert "Lee" in html
    assert "no voicemail" in html
    assert f"/office/notes/{note.uid}/" in html
    assert AuditEvent.objects.filter(client_uid=couple.uid, action="view").count() == 1


def test_another_clinician_cannot_find_the_client_or_its_notes(
    signed_in: SignedIn, colleague: User, couple: Client, note: ClinicalNote
) -> None:
    http = signed_in(colleague)
    assert http.get(couple.get_absolute_url()).status_code == 404
    assert http.get(f"/office/notes/{note.uid}/").status_code == 404
    assert "Sam and Lee" not in http.get("/office/clients/").content.decode()
    assert http.get(f"/office/clients/{couple.uid}/audit/").status_code == 404


def test_the_practice_manager_sees_contact_but_never_notes(
    signed_in: SignedIn, practice_manager: User, couple: Client, note: ClinicalNote
) -> None:
    http = signed_in(practice_manager)
    page = http.get(couple.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "(212) 555-0120" in html
    assert "Felt unseen" not in html
    assert f"/office/notes/{note.uid}/" not in html
    assert http.get(f"/office/notes/{note.uid}/").status_code == 403
    assert http.get(f"/office/clients/{couple.uid}/notes/new/").status_code == 403
    assert http.get(f"/office/clients/{couple.uid}/export/").status_code == 403


@pytest.mark.parametrize("url", ["/office/clients/", "/office/audit/"])
def test_anonymous_visitors_are_sent_to_sign_in(client: HttpClient, demo: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/office/account/login/" in response["Location"]


def test_write_sign_and_amend_a_note_through_the_pages(
    signed_in: SignedIn, owner: User, couple: Client
) -> None:
    http = signed_in(owner)
    form = http.get(f"/office/clients/{couple.uid}/notes/new/?kind=progress&template=birp")
    assert form.status_code == 200
    assert "Intervention" in form.content.decode()
    saved = http.post(
        f"/office/clients/{couple.uid}/notes/new/?kind=progress&template=birp",
        {"behavior": "Quiet at first.", "plan": "Meet weekly."},
    )
    note = ClinicalNote.objects.get()
    assert saved["Location"] == f"/office/notes/{note.uid}/"
    http.post(
        f"/office/notes/{note.uid}/",
        {"behavior": "Quiet, then open.", "plan": "Meet weekly.", "sign": "", **SIGNABLE_FIELDS},
    )
    note.refresh_from_db()
    assert note.is_signed
    assert note.sections["behavior"] == "Quiet, then open."
    changed = http.post(f"/office/notes/{note.uid}/", {"text": "Added: met on Tuesday."})
    assert changed.status_code == 302
    assert [a.text for a in note.amendments.all()] == ["Added: met on Tuesday."]
    page = http.get(f"/office/notes/{note.uid}/").content.decode()
    assert "Quiet, then open." in page
    assert "Added: met on Tuesday." in page
    audit = http.get(f"/office/clients/{couple.uid}/audit/").content.decode()
    for word in ("Created", "Signed", "Amended"):
        assert word in audit
    assert "Quiet, then open." not in audit


@pytest.mark.parametrize(
    ("query", "status"),
    [("kind=diary&template=soap", 400), ("kind=progress&template=poem", 400)],
)
def test_bad_note_choices_get_a_message(
    signed_in: SignedIn, owner: User, couple: Client, query: str, status: int
) -> None:
    response = signed_in(owner).get(f"/office/clients/{couple.uid}/notes/new/?{query}")
    assert response.status_code == status
    assert "Select a valid choice" in response.content.decode()
    assert not ClinicalNote.objects.exists()


def test_an_empty_amendment_gets_a_message(
    signed_in: SignedIn, owner: User, note: ClinicalNote
) -> None:
    services.note_sign(note=sign_ready(note), actor=owner, request=None, now=timezone.now())
    response = signed_in(owner).post(f"/office/notes/{note.uid}/", {"text": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not note.amendments.exists()


def test_a_note_too_long_gets_a_message_and_nothing_is_saved(
    signed_in: SignedIn, owner: User, couple: Client
) -> None:
    response = signed_in(owner).post(
        f"/office/clients/{couple.uid}/notes/new/?kind=progress&template=free",
        {"text": "x" * 20_001},
    )
    assert response.status_code == 400
    assert "at most 20000 characters" in response.content.decode().replace(",", "")
    assert not ClinicalNote.objects.exists()


def test_psychotherapy_notes_ask_for_the_password_again(
    client: HttpClient, owner: User, psychotherapy_note: ClinicalNote
) -> None:
    http = sign_in(client, owner)
    asked = http.get(f"/office/notes/{psychotherapy_note.uid}/")
    assert asked.status_code == 302
    assert "reauthenticate" in asked["Location"]
    fresh = sign_in(HttpClient(), owner, fresh_password=True)
    page = fresh.get(f"/office/notes/{psychotherapy_note.uid}/")
    assert page.status_code == 200
    assert "Process thoughts." in page.content.decode()


def test_export_asks_for_the_password_and_leaves_out_psychotherapy_notes(
    owner: User, couple: Client, note: ClinicalNote, psychotherapy_note: ClinicalNote
) -> None:
    assert (
        "reauthenticate"
        in sign_in(HttpClient(), owner).get(f"/office/clients/{couple.uid}/export/")["Location"]
    )
    http = sign_in(HttpClient(), owner, fresh_password=True)
    response = http.post(f"/office/clients/{couple.uid}/export/", {"format": "json"})
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment;")
    assert [n["kind"] for n in data["notes"]] == ["progress"]
    printout = http.post(
        f"/office/clients/{couple.uid}/export/",
        {"format": "print", "include_psychotherapy_notes": "on"},
    ).content.decode()
    assert "Process thoughts." in printout
    assert AuditEvent.objects.filter(client_uid=couple.uid, action="export").count() == 2
    assert http.post(f"/office/clients/{couple.uid}/export/", {"format": "xml"}).status_code == 400


def test_anonymizing_needs_discharge_retention_and_the_name_typed(
    owner: User, couple: Client
) -> None:
    http = sign_in(HttpClient(), owner, fresh_password=True)
    url = f"/office/clients/{couple.uid}/anonymize/"
    early = http.post(url, {"confirm": "Sam and Lee"})
    assert early.status_code == 400
    assert "retention period" in early.content.decode()
    assert http.post(url, {"confirm": "Someone else"}).status_code == 400
    Client.objects.filter(pk=couple.pk).update(
        status="discharged", discharged_at=timezone.now().replace(year=2001)
    )
    done = http.post(url, {"confirm": "Sam and Lee"})
    assert done.status_code == 302
    couple.refresh_from_db()
    assert couple.anonymized_at is not None
    assert not couple.people.exists()


def test_status_changes_and_the_waitlist(signed_in: SignedIn, owner: User, couple: Client) -> None:
    http = signed_in(owner)
    http.post(f"/office/clients/{couple.uid}/status/", {"status": "on_hold", "waitlisted": "on"})
    couple.refresh_from_db()
    assert (couple.status, couple.waitlisted) == ("on_hold", True)
    bad = http.post(f"/office/clients/{couple.uid}/status/", {"status": "gone"}, follow=True)
    assert "Choose a status from the list." in bad.content.decode()
    couple.refresh_from_db()
    assert couple.status == "on_hold"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "Sam", "email": "nope"}, "Enter an email address like name@example.org."),
        ({"name": "Sam", "phone": "call me"}, "Enter a phone number"),
        ({"name": "Sam", "time_zone": "Mars/Base"}, "Enter a time zone name"),
        ({"name": "Sam", "emergency_phone": "??"}, "Enter a phone number"),
    ],
)
def test_person_details_reject_bad_input_with_a_message(
    signed_in: SignedIn, owner: User, couple: Client, data: dict[str, str], message: str
) -> None:
    person = couple.people.first()
    assert person is not None
    response = signed_in(owner).post(f"/office/clients/{couple.uid}/people/{person.pk}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.name == "Sam"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "couple", "first_name": "Ana"}, "A couple needs both partners"),
        ({"kind": "individual", "first_name": ""}, "This field is required."),
        ({"kind": "group", "first_name": "Ana"}, "Select a valid choice."),
        (
            {"kind": "individual", "first_name": "Ana", "first_email": "bad"},
            "Enter an email address like name@example.org.",
        ),
    ],
)
def test_new_client_form_rejects_bad_input(
    signed_in: SignedIn, owner: User, demo: None, data: dict[str, str], message: str
) -> None:
    response = signed_in(owner).post("/office/clients/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Client.objects.exists()


def test_only_the_owner_reads_the_practice_audit_log(
    signed_in: SignedIn, owner: User, colleague: User, practice_manager: User, couple: Client
) -> None:
    assert signed_in(owner).get("/office/audit/").status_code == 200
    assert signed_in(colleague).get("/office/audit/").status_code == 403
    assert signed_in(practice_manager).get("/office/audit/").status_code == 403


def test_client_pages_are_not_cached(signed_in: SignedIn, owner: User, couple: Client) -> None:
    assert "no-store" in signed_in(owner).get(couple.get_absolute_url())["Cache-Control"]


def test_documents_are_sealed_audited_and_downloaded_by_clinicians_only(
    signed_in: SignedIn, owner: User, colleague: User, practice_manager: User, couple: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from confide.clients.models import Document

    http = signed_in(owner)
    upload = SimpleUploadedFile("consent.txt", b"I agree to the plan.", content_type="text/plain")
    response = http.post(
        f"/office/clients/{couple.uid}/documents/", {"title": "Signed consent", "file": upload}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert b"I agree" not in document.data_sealed.encode()
    download = http.get(f"/office/documents/{document.uid}/")
    assert download.content == b"I agree to the plan."
    assert download["Content-Disposition"] == 'attachment; filename="Signed consent.txt"'
    assert AuditEvent.objects.filter(target_uid=document.uid, action="view").count() == 1
    assert signed_in(colleague).get(f"/office/documents/{document.uid}/").status_code == 404
    assert signed_in(practice_manager).get(f"/office/documents/{document.uid}/").status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "run.exe",
            b"MZ",
            "application/octet-stream",
            "Upload a PDF, PNG, JPEG or plain text file.",
        ),
        ("empty.txt", b"", "text/plain", "The submitted file is empty."),
        ("page.html", b"<script>", "text/html", "Upload a PDF, PNG, JPEG or plain text file."),
    ],
)
def test_bad_documents_get_a_message_and_nothing_is_kept(
    signed_in: SignedIn,
    owner: User,
    couple: Client,
    name: str,
    content: bytes,
    content_type: str,
    message: str,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from confide.clients.models import Document

    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = signed_in(owner).post(
        f"/office/clients/{couple.uid}/documents/", {"title": "x", "file": upload}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_a_document_over_the_size_limit_is_refused(
    signed_in: SignedIn, owner: User, couple: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from confide.clients.models import Document

    monkeypatch.setattr(Document, "MAX_BYTES", 10)
    upload = SimpleUploadedFile("big.txt", b"x" * 11, content_type="text/plain")
    response = signed_in(owner).post(
        f"/office/clients/{couple.uid}/documents/", {"title": "big", "file": upload}
    )
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert not Document.objects.exists()


def test_psychotherapy_notes_are_their_authors_alone(
    client: HttpClient, demo: None, owner: User, couple: Client
) -> None:
    therapist = User.objects.get(username="therapist")
    theirs = services.note_create(
        client=couple, kind="psychotherapy", template="free", sections={"text": "Private."},
        author=therapist, request=None,
    )  # fmt: skip
    http = sign_in(HttpClient(), owner, fresh_password=True)
    assert http.get(f"/office/notes/{theirs.uid}/").status_code == 404
    assert (
        f"/office/notes/{theirs.uid}/" not in http.get(couple.get_absolute_url()).content.decode()
    )
    export = http.post(
        f"/office/clients/{couple.uid}/export/",
        {"format": "json", "include_psychotherapy_notes": "on"},
    )
    assert "Private." not in export.content.decode()
    author = sign_in(HttpClient(), therapist, fresh_password=True)
    assert author.get(f"/office/notes/{theirs.uid}/").status_code == 200


def test_a_draft_is_changed_and_signed_by_its_author_only(
    signed_in: SignedIn, owner: User, couple: Client, demo: None
) -> None:
    therapist = User.objects.get(username="therapist")
    draft = services.note_create(
        client=couple, kind="progress", template="free", sections={"text": "Started."},
        author=therapist, request=None,
    )  # fmt: skip
    response = signed_in(owner).post(
        f"/office/notes/{draft.uid}/", {"text": "Changed.", "sign": ""}
    )
    assert response.status_code == 400
    assert "Only the clinician who wrote this draft" in response.content.decode()
    draft.refresh_from_db()
    assert draft.sections == {"text": "Started."}
    assert not draft.is_signed


def test_an_anonymized_record_takes_no_new_notes(
    signed_in: SignedIn, owner: User, couple: Client
) -> None:
    Client.objects.filter(pk=couple.pk).update(anonymized_at=timezone.now())
    response = signed_in(owner).post(
        f"/office/clients/{couple.uid}/notes/new/?kind=progress&template=free", {"text": "More."}
    )
    assert response.status_code == 400
    assert "This record has been anonymized." in response.content.decode()
    assert not ClinicalNote.objects.exists()


def test_waitlist_changes_are_audited(signed_in: SignedIn, owner: User, couple: Client) -> None:
    signed_in(owner).post(
        f"/office/clients/{couple.uid}/status/", {"status": couple.status, "waitlisted": "on"}
    )
    summary = AuditEvent.objects.filter(client_uid=couple.uid, action="change").values_list(
        "summary", flat=True
    )
    assert list(summary) == ["added to the waitlist"]


def test_calendar_entries_show_both_partners_initials(couple: Client) -> None:
    from confide.scheduling.models import Appointment, AppointmentType

    appointment = Appointment(
        client=couple,
        clinician=couple.clinician,
        appointment_type=AppointmentType.objects.get(slug="couples"),
    )
    assert appointment.initials() == "S. & L."


def test_a_new_couple_keeps_each_partners_own_wishes(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    response = signed_in(owner).post(
        "/office/clients/new/",
        {
            "kind": "couple",
            "first_name": "Ana", "first_phone": "212-555-0150", "first_may_text": "on",
            "second_name": "Bo", "second_email": "bo@example.org", "second_may_email": "on",
            "second_safe_times": "mornings",
        },
    )  # fmt: skip

    assert response.status_code == 302
    ana, bo = Client.objects.get().people.all()
    assert (ana.phone, ana.may_text, ana.may_email) == ("212-555-0150", True, False)
    assert (bo.email, bo.may_email, bo.safe_times) == ("bo@example.org", True, "mornings")


def test_a_new_individual_ignores_the_second_persons_fields(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    response = signed_in(owner).post(
        "/office/clients/new/",
        {"kind": "individual", "first_name": "Ana", "second_name": "Bo", "second_email": "bad"},
    )

    assert response.status_code == 302
    assert [p.name for p in Client.objects.get().people.all()] == ["Ana"]


def test_person_details_refuse_calls_without_a_number(
    signed_in: SignedIn, owner: User, couple: Client
) -> None:
    person = couple.people.get(name="Lee")
    url = f"/office/clients/{couple.uid}/people/{person.pk}/"

    response = signed_in(owner).post(url, {"name": "Lee", "may_call": "on"})

    assert response.status_code == 400
    assert "Give a phone number, or untick calls and texts." in response.content.decode()
    person.refresh_from_db()
    assert not person.may_call


def test_the_export_lists_the_clients_appointments(owner: User, couple: Client) -> None:
    from confide.scheduling.booking import appointment_create
    from confide.scheduling.models import AppointmentType

    kind = AppointmentType.objects.get(clinician=couple.clinician, slug="couples")
    start = dt.datetime(2027, 3, 16, 14, tzinfo=dt.UTC)
    appointment_create(
        client=couple, appointment_type=kind, format="video", start=start, actor=owner,
        request=None,
    )  # fmt: skip
    http = sign_in(HttpClient(), owner, fresh_password=True)

    data = json.loads(
        http.post(f"/office/clients/{couple.uid}/export/", {"format": "json"}).content
    )

    assert data["appointments"] == [
        {
            "start": "2027-03-16T14:00:00+00:00",
            "end": "2027-03-16T15:20:00+00:00",
            "type": "Couples session",
            "format": "video",
            "status": "confirmed",
            "outcome": None,
        }
    ]
