"""The join link of a video session on a phone, without JavaScript: each state's page passes axe,
and inside the window the link lands in the room."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from confide.clients.models import ConsultationRequest
from confide.demo.loading import demo_load
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType
from e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

ROOM = "https://video.example.org/room/hb-7f3k2q"
START = dt.datetime(2027, 3, 15, 18, 0, tzinfo=dt.UTC)  # 2:00 PM in New York
PHONE: ViewportSize = {"width": 390, "height": 844}
# Set CONFIDE_SCREENSHOTS to a folder to keep a picture of each page.
SHOTS = os.environ.get("CONFIDE_SCREENSHOTS", "")


@pytest.fixture
def site(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> str:
    demo_load(password="demo-password-for-tests")
    from django.utils import timezone

    # The live server runs in this process: its views read this clock too.
    monkeypatch.setattr(timezone, "now", lambda: START - dt.timedelta(minutes=5))
    return live_server.url


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized page without JavaScript."""
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=False, timezone_id="America/Chicago"
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def audited_phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized page whose CSP is bypassed so that axe can be injected."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    yield context.new_page()
    context.close()


def _video(status: str = "confirmed", *, start: dt.datetime = START, room: bool = True) -> str:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    clinician.video_room_url = ROOM if room else ""
    clinician.save(update_fields=["video_room_url"])
    kind = AppointmentType.objects.get(clinician=clinician, slug="first-session")
    consultation = ConsultationRequest.objects.create(
        clinician=clinician, name="Quinn", email="quinn@example.org", time_zone="America/Chicago"
    )
    appointment = Appointment.objects.create(
        clinician=clinician,
        appointment_type=kind,
        format="video",
        start=start,
        end=start + kind.duration,
        status=status,
        consultation=consultation,
    )
    return appointment.get_join_url()


def _look(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"join-{name}.png"), full_page=True)


@pytest.mark.parametrize(
    ("name", "status", "start", "room", "heading"),
    [
        ("early", "confirmed", START + dt.timedelta(hours=2), True, "It isn't time to join yet"),
        ("over", "confirmed", START - dt.timedelta(hours=2), True, "This session is over"),
        ("cancelled", "cancelled", START, True, "This appointment was cancelled"),
        ("no-room", "confirmed", START, False, "The video room isn't ready yet"),
        ("requested", "requested", START, True, "Your appointment isn't confirmed yet"),
    ],
)
def test_each_page_of_the_join_link_is_calm_and_accessible(
    site: str,
    phone: Page,
    audited_phone: Page,
    name: str,
    status: str,
    start: dt.datetime,
    room: bool,
    heading: str,
) -> None:
    url = _video(status, start=start, room=room)

    phone.goto(site + url)

    assert phone.get_by_role("heading", level=1).inner_text() == heading
    # Wider than the screen would mean sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _look(phone, name)
    audited_phone.goto(site + url)
    assert axe_violations(audited_phone) == [], name


def test_inside_the_window_the_link_leads_to_the_room_without_a_referer(
    site: str, phone: Page
) -> None:
    url = _video()
    room_requests: list[dict[str, str]] = []
    phone.on(
        "request",
        lambda request: room_requests.append(request.headers) if request.url == ROOM else None,
    )
    # From the manage page's button: the page that links there holds the token.
    phone.goto(site + url.removesuffix("join"))
    if SHOTS:
        phone.screenshot(path=str(Path(SHOTS) / "join-open-manage.png"), full_page=True)

    # The room's host does not exist here: the browser tries it, and shows its own error.
    with phone.expect_request(ROOM):
        phone.get_by_role("link", name="Join the video session").click()

    assert len(room_requests) == 1
    assert "referer" not in room_requests[0]
