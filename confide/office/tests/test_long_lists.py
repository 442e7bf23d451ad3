"""Long lists of the office come a page at a time, and no page's queries grow with the records."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confide.accounts.testing import sign_in
from confide.audit.services import audit_record
from confide.clients import services
from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.clients.testing import sign_ready
from confide.intake.services import packet_send
from confide.keys.ring import forget_verified_keys, keyring
from confide.office.tests.factories import (
    client_of,
    demo_clinician,
    session_type,
    therapist_user,
)
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

SignedIn = Callable[..., HttpClient]


@pytest.fixture(autouse=True)
def keys_verified(django_capture_on_commit_callbacks: Callable[..., Any]) -> Iterator[None]:
    """Check the data keys once, as a process does; a test's transaction never commits it."""
    with django_capture_on_commit_callbacks(execute=True):
        keyring()
    yield
    forget_verified_keys()


def _requests(count: int, *, status: str = ConsultationRequest.Status.CLOSED) -> None:
    clinician = demo_clinician()
    ConsultationRequest.objects.bulk_create(
        ConsultationRequest(
            clinician=clinician, name=f"Asker {i:03d}", phone="212-555-0142", status=status
        )
        for i in range(count)
    )


def _past_sessions(
    client: Client, count: int, *, first: dt.datetime | None = None, outcome: str = ""
) -> None:
    """Add ``count`` completed weekly sessions before now (no overlap check: none is active)."""
    kind = session_type(client.clinician)
    first = first or timezone.now() - dt.timedelta(weeks=count + 1)
    rows = []
    for i in range(count):
        start = first + dt.timedelta(weeks=i)
        rows.append(
            Appointment(
                clinician=client.clinician, appointment_type=kind, client=client,
                format="video", start=start, end=start + kind.duration, busy_start=start,
                busy_end=start + kind.duration, status=Appointment.Status.COMPLETED,
                outcome=outcome,
            )
        )  # fmt: skip
    Appointment.objects.bulk_create(rows)


def _notes(client: Client, author: User, count: int, *, signed: bool = True) -> None:
    for i in range(count):
        note = services.note_create(
            client=client, kind="progress", template="soap",
            sections={"subjective": f"Session {i}"}, author=author, request=None,
        )  # fmt: skip
        if signed:
            services.note_sign(
                note=sign_ready(note), actor=author, request=None, now=timezone.now()
            )


def _queries(http: HttpClient, url: str, data: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.post(url, data) if data is not None else http.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def _sessions_listed(html: str) -> int:
    return len(re.findall(r'href="/office/appointments/\d+/"', html))


def _listed_requests(html: str) -> list[str]:
    return re.findall(r">(Asker \d+)</a>", html)


# -- Paging --------------------------------------------------------------------------------------


def test_the_requests_tab_shows_fifty_and_page_two_the_rest_keeping_the_tab(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    _requests(60)
    http = signed_in(owner)
    first = http.get("/office/requests/?show=closed").content.decode()
    second = http.get("/office/requests/?show=closed&page=2").content.decode()
    assert len(_listed_requests(first)) == 50
    assert len(_listed_requests(second)) == 10
    assert set(_listed_requests(first)) | set(_listed_requests(second)) == {
        f"Asker {i:03d}" for i in range(60)
    }
    assert 'href="?show=closed&amp;page=2" rel="next"' in first
    assert "Page 1 of 2" in first
    assert 'href="?show=closed&amp;page=1" rel="prev"' in second
    assert "Page 2 of 2" in second
    assert 'rel="next"' not in second


def test_a_short_list_has_no_page_links(signed_in: SignedIn, owner: User, demo: None) -> None:
    _requests(3)
    page = signed_in(owner).get("/office/requests/?show=closed").content.decode()
    assert len(_listed_requests(page)) == 3
    assert 'class="pager"' not in page


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("99", "Page 2 of 2"), ("nine", "Page 1 of 2"), ("0", "Page 2 of 2"), ("-1", "Page 2 of 2")],
)
def test_a_page_out_of_range_shows_the_nearest_page_instead_of_an_error(
    signed_in: SignedIn, owner: User, demo: None, asked: str, shown: str
) -> None:
    _requests(60)
    response = signed_in(owner).get(f"/office/requests/?show=closed&page={asked}")
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_the_page_links_are_named_for_a_screen_reader(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    _requests(120)
    page = signed_in(owner).get("/office/requests/?show=all&page=2").content.decode()
    assert '<nav class="pager" aria-label="Pages of requests">' in page
    assert 'Previous<span class="visually-hidden"> page of requests</span>' in page
    assert 'Next<span class="visually-hidden"> page of requests</span>' in page
    assert "Page 2 of 3" in page


def test_the_clients_list_pages_and_keeps_the_search(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    for i in range(55):
        client_of(demo_clinician(), name=f"Wren Ashgrove {i:02d}")
    client_of(demo_clinician(), name="Someone Else")
    http = signed_in(owner)
    first = http.get("/office/clients/?q=Wren&status=").content.decode()
    second = http.get("/office/clients/?q=Wren&status=&page=2").content.decode()
    names = re.findall(r">(Wren Ashgrove \d+)</a>", first + second)
    assert sorted(names) == [f"Wren Ashgrove {i:02d}" for i in range(55)]
    assert 'href="?q=Wren&amp;status=&amp;page=2" rel="next"' in first
    assert "Someone Else" not in first + second
    assert '<nav class="pager" aria-label="Pages of clients">' in first


def test_a_clients_past_sessions_and_notes_page_separately(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    client = client_of(demo_clinician())
    _past_sessions(client, 60)
    _notes(client, owner, 55, signed=False)
    http = signed_in(owner)
    url = client.get_absolute_url()
    first = http.get(url).content.decode()
    assert _sessions_listed(first) == 50
    assert first.count('href="/office/notes/') == 50
    assert 'href="?past=2#past-appointments" rel="next"' in first
    assert 'href="?notes=2#notes" rel="next"' in first
    both = http.get(url + "?past=2&notes=2").content.decode()
    assert _sessions_listed(both) == 10
    assert both.count('href="/office/notes/') == 5
    # Each list's links keep the other's page.
    assert 'href="?past=1&amp;notes=2#past-appointments" rel="prev"' in both
    assert 'href="?past=2&amp;notes=1#notes" rel="prev"' in both
    assert '<nav class="pager" aria-label="Pages of past appointments">' in both
    assert '<nav class="pager" aria-label="Pages of notes">' in both


def test_the_latest_past_session_comes_first_and_coming_ones_show_whole(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    client = client_of(demo_clinician())
    _past_sessions(client, 55)
    kind = session_type(client.clinician)
    start = timezone.now() + dt.timedelta(days=3)
    Appointment.objects.create(
        clinician=client.clinician, appointment_type=kind, client=client, format="video",
        start=start, end=start + kind.duration,
    )  # fmt: skip
    page = signed_in(owner).get(client.get_absolute_url()).content.decode()
    coming, past = page.split("<h3>Coming</h3>")[1].split('<h3 id="past-appointments">Past</h3>')
    assert _sessions_listed(coming) == 1
    latest = Appointment.objects.filter(client=client, status="completed").order_by("-start")[0]
    assert f"/office/appointments/{latest.pk}/" in past.split("</li>")[0]


def test_the_audit_log_pages_by_a_hundred_and_keeps_the_person_chosen(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    client = client_of(demo_clinician())
    for _ in range(130):
        audit_record(
            request=None, actor=owner, action="view", target_type="client",
            target_uid=client.uid, client_uid=client.uid, summary="opened record",
        )  # fmt: skip
    http = signed_in(owner)
    first = http.get("/office/audit/?actor=owner").content.decode()
    assert first.count("opened record") == 100
    assert 'href="?actor=owner&amp;page=2" rel="next"' in first
    assert (
        http.get("/office/audit/?actor=owner&page=2").content.decode().count("opened record") == 30
    )
    own = http.get(f"/office/clients/{client.uid}/audit/?page=2").content.decode()
    assert "Page 2 of 2" in own
    assert '<nav class="pager" aria-label="Pages of audit events">' in own


def test_the_practices_audit_log_is_not_counted_on_each_visit(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    client = client_of(demo_clinician())
    for _ in range(130):
        audit_record(
            request=None, actor=owner, action="view", target_type="client",
            target_uid=client.uid, client_uid=client.uid, summary="opened record",
        )  # fmt: skip
    http = signed_in(owner)

    with CaptureQueriesContext(connection) as queries:
        second = http.get("/office/audit/?actor=owner&page=2").content.decode()

    assert not [q for q in queries if "COUNT(" in q["sql"] and "audit_auditevent" in q["sql"]]
    assert '<p class="pager__where">Page 2</p>' in second
    assert 'href="?actor=owner&amp;page=1" rel="prev"' in second
    assert 'rel="next"' not in second
    beyond = http.get("/office/audit/?actor=owner&page=9").content.decode()
    assert beyond.count("opened record") == 100  # past the end: the first page
    assert http.get("/office/audit/?actor=owner&page=x").status_code == 200


# -- Queries that do not grow with the records ---------------------------------------------------


@pytest.mark.parametrize("tab", ["open", "client", "closed", "all"])
def test_the_requests_list_costs_the_same_queries_for_many_requests(
    signed_in: SignedIn, owner: User, demo: None, tab: str
) -> None:
    http = signed_in(owner)
    for status in ConsultationRequest.Status.values:
        _requests(20, status=status)
    few = _queries(http, f"/office/requests/?show={tab}")
    for status in ConsultationRequest.Status.values:
        _requests(60, status=status)
    assert _queries(http, f"/office/requests/?show={tab}") == few
    assert _queries(http, f"/office/requests/?show={tab}&page=2") == few


def test_the_clients_list_costs_the_same_queries_for_many_clients(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    http = signed_in(owner)
    for i in range(20):
        client_of(demo_clinician(), name=f"Kit Larkspur {i}")
    few = _queries(http, "/office/clients/")
    for i in range(60):
        client_of(demo_clinician(), name=f"Noor Redfern {i}")
    assert _queries(http, "/office/clients/") == few
    assert _queries(http, "/office/clients/?page=2") == few


def test_a_clients_page_costs_the_same_queries_for_a_long_record(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    http = signed_in(owner)
    client = client_of(demo_clinician())
    _past_sessions(client, 20, first=timezone.now() - dt.timedelta(weeks=200))
    _notes(client, owner, 20)
    few = _queries(http, client.get_absolute_url())
    _past_sessions(client, 60, first=timezone.now() - dt.timedelta(weeks=100))
    _notes(client, owner, 40)
    assert _queries(http, client.get_absolute_url()) == few


def test_the_export_printout_costs_the_same_queries_for_a_long_record(
    owner: User, demo: None
) -> None:
    http = sign_in(HttpClient(), owner, fresh_password=True)
    client = client_of(demo_clinician())
    url = f"/office/clients/{client.uid}/export/"
    _past_sessions(client, 10, first=timezone.now() - dt.timedelta(weeks=200))
    _notes(client, owner, 10)
    few = _queries(http, url, {"format": "print"})
    _past_sessions(client, 30, first=timezone.now() - dt.timedelta(weeks=100))
    _notes(client, owner, 30)
    assert _queries(http, url, {"format": "print"}) == few


def test_today_costs_the_same_queries_with_many_drafts_and_notes(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    http = signed_in(owner)
    client = client_of(demo_clinician())
    _notes(client, owner, 5, signed=False)
    _notes(client, owner, 5)
    few = _queries(http, "/office/")
    _notes(client, owner, 15, signed=False)
    _notes(client, owner, 15)
    assert _queries(http, "/office/") == few


def test_today_counts_sessions_without_a_note_up_to_99_at_the_same_cost(
    signed_in: SignedIn, demo: None
) -> None:
    therapist = therapist_user()
    http = signed_in(therapist)
    client = client_of(demo_clinician())
    _past_sessions(client, 15, first=timezone.now() - dt.timedelta(weeks=400), outcome="attended")
    page = http.get("/office/").content.decode()
    assert "Sessions without a signed note (15)" in page
    assert "And 5 earlier." in page
    few = _queries(http, "/office/")
    _past_sessions(client, 120, first=timezone.now() - dt.timedelta(weeks=300), outcome="attended")
    page = http.get("/office/").content.decode()
    assert "Sessions without a signed note (99+)" in page
    assert "And more than 89 earlier." in page
    assert _queries(http, "/office/") == few


@pytest.mark.parametrize("clinical", [True, False], ids=["therapist", "practice_manager"])
def test_today_costs_the_same_queries_with_paperwork_out_to_many_clients(
    signed_in: SignedIn, practice_manager: User, demo: None, clinical: bool
) -> None:
    http = signed_in(therapist_user() if clinical else practice_manager)
    now = timezone.now()

    def clients_sent(count: int, start: int) -> None:
        for i in range(start, start + count):
            client = client_of(demo_clinician(), name=f"Kit Larkspur {i:03d}")
            packet_send(client=client, people=list(client.people.all()), actor=None, now=now)

    # Past ten, as the list is counted only when it fills its ten rows.
    clients_sent(11, 0)
    few = _queries(http, "/office/")
    clients_sent(22, 11)
    page = http.get("/office/").content.decode()
    assert "Intake paperwork not yet signed (33)" in page
    assert page.count(" of 4 signed") == 10
    assert _queries(http, "/office/") == few


def test_the_calendar_costs_the_same_queries_for_a_full_week(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    http = signed_in(owner)
    clinician = demo_clinician()
    monday = timezone.now().date() - dt.timedelta(days=timezone.now().weekday())
    url = f"/office/calendar/?clinician={clinician.pk}&view=week&date={monday}"
    client = client_of(clinician)
    first = dt.datetime.combine(monday, dt.time(14), tzinfo=dt.UTC)
    _past_sessions(client, 1, first=first)
    few = _queries(http, url)
    for day in range(5):
        for hour in (15, 16, 17):
            _past_sessions(client, 1, first=first + dt.timedelta(days=day, hours=hour - 14))
    assert _queries(http, url) == few


def test_the_audit_pages_cost_the_same_queries_for_a_long_log(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    http = signed_in(owner)
    client = client_of(demo_clinician())

    def opened(times: int) -> None:
        for _ in range(times):
            services.client_record_viewed(client=client, actor=owner, request=None)

    opened(30)
    few_log = _queries(http, "/office/audit/")
    few_own = _queries(http, f"/office/clients/{client.uid}/audit/")
    opened(150)
    assert _queries(http, "/office/audit/") == few_log
    assert _queries(http, f"/office/clients/{client.uid}/audit/") == few_own


# -- The printout --------------------------------------------------------------------------------


def test_the_printout_lists_every_session_and_note_on_the_clinicians_clock(
    owner: User, demo: None
) -> None:
    client = client_of(demo_clinician(), name="Sage Thistle")
    # 14:00 UTC is 10:00 in New York in summer and 9:00 in winter.
    _past_sessions(client, 1, first=dt.datetime(2025, 7, 7, 14, tzinfo=dt.UTC))
    _past_sessions(client, 1, first=dt.datetime(2025, 12, 1, 14, tzinfo=dt.UTC))
    note = services.note_create(
        client=client, kind="progress", template="dap",
        sections={"data": "Spoke about the move."}, author=owner, request=None,
    )  # fmt: skip
    # Written late on the evening of New Year's Eve in New York, already 2026 in UTC.
    ClinicalNote.objects.filter(pk=note.pk).update(
        created_at=dt.datetime(2026, 1, 1, 3, 30, tzinfo=dt.UTC)
    )
    http = sign_in(HttpClient(), owner, fresh_password=True)
    page = http.post(f"/office/clients/{client.uid}/export/", {"format": "print"}).content
    text = page.decode()
    assert "<li>Mon, Jul 7, 2025, 10:00 AM · Individual session · Completed</li>" in text
    assert "<li>Mon, Dec 1, 2025, 9:00 AM · Individual session · Completed</li>" in text
    assert text.index("Jul 7, 2025") < text.index("Dec 1, 2025")
    assert "Progress note, December 31, 2025 (draft)" in text
    assert "<h4>Data</h4><p>Spoke about the move.</p>" in text
