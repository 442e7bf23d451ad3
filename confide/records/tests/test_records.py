"""A person's own record: the log of staff access, the download, requests and their answers."""

from __future__ import annotations

import datetime as dt
import html
import json
import zoneinfo
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.tasks import TaskContext, TaskResultStatus
from django.test import Client as Browser
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import Client, ClinicalNote, Person
from confide.clients.services import client_export
from confide.intake import services as intake
from confide.intake.models import IntakeDocument
from confide.notifications.tests.factories import FORBIDDEN_WORDS, words_outside_links
from confide.portal.models import PortalAccount
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in
from confide.records import services
from confide.records.models import PortalNotice, RecordRequest

pytestmark = pytest.mark.usefixtures("demo")
NOW = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)


def records_tasks_run() -> list[str]:
    """Run every waiting notice task once, as the worker would; return what each said."""
    said = []
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path__startswith="confide.records.tasks."
    ).order_by("enqueued_at")
    for row in rows:
        task: Any = row.task
        outcome = task.func(TaskContext(task_result=row.task_result), *row.args_kwargs["args"])
        DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.SUCCESSFUL)
        said.append(outcome)
    return said


def note_make(client: Client, kind: str, text: str, *, present: list[Person] | None = None) -> None:
    note = ClinicalNote(client=client, kind=kind, template="free", signed_at=NOW)
    note.sections = {"text": text}
    note.save()
    if present:
        note.people_present.set(present)


def page(browser: Browser, url: str = "/portal/record/") -> str:
    response = browser.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def raw_row(model: type[Any], pk: int) -> str:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return repr(cursor.fetchone())


def opened(user: User, client: Client, *, target_type: str = "client", uid: Any = None) -> None:
    audit_record(
        request=None,
        actor=user,
        action="view",
        target_type=target_type,
        target_uid=uid or client.uid,
        client_uid=client.uid,
        summary="opened the record (words only the office reads)",
    )


# -- The log -------------------------------------------------------------------------------------


def test_the_log_names_who_opened_the_record_by_role_without_the_summary(owner: User) -> None:
    owner.first_name, owner.last_name = "Hannah", "Brenner"
    owner.save()
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    opened(owner, client)
    # What "system" records (a sign-in, the person's own download) is not someone in the practice.
    audit_record(
        request=None,
        actor=None,
        action="export",
        target_type="person",
        target_uid=person.uid,
        client_uid=client.uid,
    )

    text = page(portal_signed_in(person))

    assert "Hannah Brenner" in text
    assert "Practice owner" in text
    assert "Opened your record" in text
    assert "words only the office reads" not in text
    assert "system" not in text


def test_the_log_is_in_the_persons_zone(owner: User) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    person.time_zone = "America/Los_Angeles"
    person.save()
    opened(owner, client)
    event = AuditEvent.objects.latest("sequence")
    local = timezone.localtime(event.at, dt.timezone(dt.timedelta(hours=-8)))

    text = page(portal_signed_in(person))

    assert local.strftime("%-I:%M") in text
    assert "Times are shown in Pacific Time (Los Angeles)" in text


def test_a_person_never_sees_another_clients_log_nor_a_partners_own_events(owner: User) -> None:
    mine = client_make(("Avery Example", "avery@example.org"))
    theirs = client_make(("Blair Example", "blair@example.org"))
    opened(owner, theirs)
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    opened(owner, couple, target_type="intake_answers", uid=kai.uid)
    opened(owner, couple)

    assert "Nobody in the practice has opened your record yet" in page(
        portal_signed_in(person_of(mine))
    )
    text = page(portal_signed_in(dana))
    assert "your intake answers" not in text
    assert "Opened your record" in text
    assert "your intake answers" in page(portal_signed_in(kai))


def test_the_log_is_paged(owner: User) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    for _ in range(30):
        opened(owner, client)
    browser = portal_signed_in(person_of(client))

    first = page(browser)
    assert "Page 1 of 2" in first
    assert first.count("Opened your record") == 25
    assert page(browser, "/portal/record/?page=2").count("Opened your record") == 5


# -- The download --------------------------------------------------------------------------------


def test_the_download_leaves_out_psychotherapy_notes_and_is_audited() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    note_make(client, ClinicalNote.Kind.PROGRESS, "Progress words")
    note_make(client, ClinicalNote.Kind.PSYCHOTHERAPY, "Private process words")

    response = portal_signed_in(person).post("/portal/record/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Avery" not in response["Content-Disposition"]
    data = json.loads(response.content)
    text = json.dumps(data)
    assert "Progress words" in text
    assert "Private process words" not in text
    assert data["psychotherapy_notes_included"] is False
    event = AuditEvent.objects.latest("sequence")
    assert event.action == "export"
    assert event.target_uid == person.uid


def test_a_partner_downloads_their_own_things_and_what_the_couple_shares(owner: User) -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    note_make(couple, ClinicalNote.Kind.PROGRESS, "Joint session words", present=[dana, kai])
    note_make(couple, ClinicalNote.Kind.PROGRESS, "Kai alone words", present=[kai])
    intake.packet_send(client=couple, people=[dana, kai], actor=owner, now=NOW)
    version = IntakeDocument.objects.get(kind="consent").current_version()
    assert version is not None
    for who in (dana, kai):
        intake.esign_consent_record(person=who, address=None, now=NOW)
        intake.document_sign(
            person=who, version=version, typed_name=who.name, intent=True, address=None, now=NOW
        )

    data = json.loads(portal_signed_in(dana).post("/portal/record/download/").content)
    text = json.dumps(data)

    assert "Joint session words" in text
    assert "Kai alone words" not in text
    assert [p["name"] for p in data["people"]] == ["Dana Example"]
    assert [s["person"] for s in data["signed_paperwork"]] == ["Dana Example"]
    assert data["signed_paperwork"][0]["pdf_base64"]
    assert "kai@example.org" not in text


def test_the_office_export_holds_the_signed_paperwork(owner: User) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    intake.packet_send(client=client, people=[person], actor=owner, now=NOW)
    version = IntakeDocument.objects.get(kind="consent").current_version()
    assert version is not None
    intake.esign_consent_record(person=person, address=None, now=NOW)
    signature = intake.document_sign(
        person=person, version=version, typed_name=person.name, intent=True, address=None, now=NOW
    )
    exported = client_export(
        client=client,
        appointments=[],
        include_psychotherapy_notes=False,
        actor=owner,
        request=None,
        now=NOW,
        signed_papers=intake.signed_papers_export(list(client.people.all()), with_data=True),
    )
    assert exported["signed_paperwork"][0]["sha256"] == signature.sha256


# -- Requests and answers ------------------------------------------------------------------------


def test_a_request_is_sealed_and_reaches_today_and_the_client_page(
    owner: User, practice_manager: User, signed_in: Any
) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)

    response = portal_signed_in(person).post(
        "/portal/record/requests/new/",
        {"kind": "correction", "what": "The date of my first visit", "why": "It was a Tuesday"},
    )

    assert response.status_code == 302
    row = RecordRequest.objects.get()
    assert row.what == "The date of my first visit"
    assert row.answer_due == row.created_at + dt.timedelta(days=60)
    assert "first visit" not in raw_row(RecordRequest, row.pk)
    assert "Tuesday" not in raw_row(RecordRequest, row.pk)
    assert "Waiting for an answer" in page(portal_signed_in(person))

    today = html.unescape(signed_in(owner).get("/office/").content.decode())
    assert "Requests about a record to answer (1)" in today
    detail = html.unescape(signed_in(owner).get(client.get_absolute_url()).content.decode())
    assert f"/office/record-requests/{row.uid}/" in detail

    manager_today = html.unescape(signed_in(practice_manager).get("/office/").content.decode())
    assert "Requests about a record to answer (1)" in manager_today
    manager_page = signed_in(practice_manager).get(client.get_absolute_url())
    manager_detail = html.unescape(manager_page.content.decode())
    assert "Correction request from Avery Example" in manager_detail
    assert f"/office/record-requests/{row.uid}/" not in manager_detail
    assert "first visit" not in manager_detail
    refused = signed_in(practice_manager).get(f"/office/record-requests/{row.uid}/")
    assert refused.status_code == 403


def test_an_empty_request_gets_a_plain_message() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    response = portal_signed_in(person_of(client)).post(
        "/portal/record/requests/new/", {"kind": "deletion", "what": ""}
    )
    assert response.status_code == 400
    assert "Please say which part of your record this is about." in response.content.decode()
    assert not RecordRequest.objects.exists()


def test_a_person_sees_only_their_own_requests() -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    services.record_request_create(
        person=kai, kind="deletion", what="Kai's private wish", why="", now=NOW
    )
    assert "Kai's private wish" not in page(portal_signed_in(dana))
    assert "Kai's private wish" in page(portal_signed_in(kai))


def test_another_clinician_cannot_open_a_request(colleague: User, signed_in: Any) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    row = services.record_request_create(
        person=person_of(client), kind="correction", what="Something", why="", now=NOW
    )
    assert signed_in(colleague).get(f"/office/record-requests/{row.uid}/").status_code == 404


def test_a_declined_answer_needs_a_reason_and_reaches_the_person(
    owner: User, signed_in: Any
) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    PortalAccount.objects.get_or_create(person=person)
    row = services.record_request_create(
        person=person, kind="correction", what="My notes from March", why="", now=NOW
    )
    browser = signed_in(owner)
    url = f"/office/record-requests/{row.uid}/"
    assert "My notes from March" in browser.get(url).content.decode()

    missing = browser.post(url, {"status": "denied", "reason": ""})
    assert missing.status_code == 400
    assert "Say why" in html.unescape(missing.content.decode())

    reason = "The notes say what was said in the session, as it was said."
    assert browser.post(url, {"status": "denied", "reason": reason}).status_code == 302
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.DENIED
    assert row.answered_by == owner
    assert row.answered_by_role == "Practice owner"
    assert reason not in raw_row(RecordRequest, row.pk)
    assert reason in page(portal_signed_in(person))
    assert browser.post(url, {"status": "accepted", "reason": ""}).status_code == 400

    notice = PortalNotice.objects.get()
    assert notice.reason == PortalNotice.Reason.REQUEST_ANSWERED
    assert records_tasks_run() == ["sent"]
    assert records_tasks_run() == []


def test_the_notice_says_nothing_but_that_there_is_an_update() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    PortalAccount.objects.get_or_create(person=person)
    from confide.records.notices import notice_queue

    notice_queue(person=person, reason=PortalNotice.Reason.REQUEST_ANSWERED)
    assert records_tasks_run() == ["sent"]

    (message,) = mail.outbox
    assert message.to == ["avery@example.org"]
    body = f"{message.subject}\n{message.body}"
    assert message.subject == "There is an update in your portal"
    outside = words_outside_links(body).lower()
    for word in FORBIDDEN_WORDS:
        assert word not in outside
    assert "deletion" not in outside
    assert "record" not in outside


def test_no_notice_without_an_open_portal_account() -> None:
    from confide.records.notices import notice_queue

    client = client_make(("Avery Example", "avery@example.org"))
    assert notice_queue(person=person_of(client), reason="paperwork") is None


def test_a_text_waits_for_the_persons_safe_hours() -> None:
    from confide.records.notices import notice_send_at

    client = client_make(("Avery Example", ""), phone="+12125550142", may_text=True)
    person = person_of(client)
    person.time_zone = "America/New_York"
    person.safe_from = dt.time(9)
    person.safe_until = dt.time(17)
    person.save()
    notice = PortalNotice.objects.create(person=person, reason="paperwork", channel="text")
    # 02:00 in New York: the safe hours begin at 09:00 that morning (EST, UTC-5).
    night = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
    assert notice_send_at(notice, now=night) == dt.datetime(2026, 12, 2, 14, 0, tzinfo=dt.UTC)
    noon = dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.UTC)
    assert notice_send_at(notice, now=noon) == noon


def test_paperwork_sent_earns_a_neutral_notice(owner: User) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    PortalAccount.objects.get_or_create(person=person)

    intake.packet_send(client=client, people=[person], actor=owner, now=NOW)

    notice = PortalNotice.objects.get()
    assert (notice.person, notice.reason, notice.channel) == (person, "paperwork", "email")
    assert records_tasks_run() == ["sent"]


def test_a_notice_outside_the_persons_safe_days_waits_for_them() -> None:
    from confide.records.notices import notice_queue

    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    person.time_zone = "America/New_York"
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("America/New_York")).weekday()
    # Only the day after tomorrow is safe: the notice waits for it.
    person.safe_days = str((today + 2) % 7)
    person.save()
    PortalAccount.objects.get_or_create(person=person)

    notice = notice_queue(person=person, reason=PortalNotice.Reason.PAPERWORK)

    assert records_tasks_run() == ["postponed"]
    assert notice is not None
    notice.refresh_from_db()
    assert notice.status == PortalNotice.Status.PENDING
    assert not mail.outbox
    later = DBTaskResult.objects.get(
        status=TaskResultStatus.READY, task_path__startswith="confide.records.tasks."
    )
    assert later.run_after is not None
    assert later.run_after > timezone.now() + dt.timedelta(hours=1)
