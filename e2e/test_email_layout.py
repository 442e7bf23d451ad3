"""Every email's HTML part on a phone: one calm column, no sideways scrolling, accessible.

The emails are made by the code that sends them (appointment messages in every format,
reminders, the morning agenda, the staff notices), so a new template or a new way of filling
one is measured as it really goes out. A template nobody renders here fails the last check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test.signals import template_rendered
from playwright.sync_api import Browser, Page
from pytest_django.fixtures import Settings

from confide.accounts.models import StaffProfile
from confide.accounts.services import (
    staff_invite,
    staff_password_reset_send,
    staff_second_factor_remove,
)
from confide.accounts.testing import staff_user_create
from confide.notifications.emails import agenda_email, appointment_email, reminder_email
from confide.notifications.events import AUDIENCE_EVENTS, Audience, Event
from confide.notifications.tests.factories import NEW_YORK, appointment_make, new_york
from confide.office.tests.factories import client_of, demo_clinician, session_type
from confide.scheduling.booking import appointment_series_create
from confide.scheduling.models import Appointment
from confide.scheduling.selectors import series_starts
from e2e.conftest import AXE, axe_violations

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates" / "notifications" / "email"
PHONE = 390
# A real practice's address is longer than the test server's: the manage link alone is then
# about 110 characters, the reset link longer still.
LONG_SITE = "https://appointments.brenner-psychotherapy-and-counselling.example.org"


@pytest.fixture
def rendered() -> Iterator[set[str]]:
    """The names of the email templates rendered while the test runs."""
    names: set[str] = set()

    def note(sender: object, template: Any, **kwargs: object) -> None:
        if template.name and template.name.startswith("notifications/email/"):
            names.add(template.name.removeprefix("notifications/email/"))

    template_rendered.connect(note)
    yield names
    template_rendered.disconnect(note)


def _html(message: EmailMultiAlternatives) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(content)


def _every_email(owner: User) -> dict[str, str]:
    """Return the HTML part of every kind of email, made by the code that sends each one."""
    found: dict[str, str] = {}
    start = new_york("2027-03-16 10:00")
    for fmt in Appointment.Format:
        appointment = appointment_make(start=start, fmt=fmt)
        for audience in Audience:
            for event in AUDIENCE_EVENTS[audience]:
                message = appointment_email(appointment, event=event, audience=audience)
                assert message is not None
                found[f"{audience}-{event} ({fmt})"] = _html(message)
        reminder = reminder_email(appointment, tz=NEW_YORK, to="zq@example.org", key="r1")
        found[f"person-reminder ({fmt})"] = _html(reminder)
        start += dt.timedelta(hours=2)
    waiting = appointment_make(start=start, status=Appointment.Status.REQUESTED)
    message = appointment_email(waiting, event=Event.REQUESTED, audience=Audience.PERSON)
    assert message is not None
    found["person-requested (waiting for confirmation)"] = _html(message)
    # A weekly series booked in one go: one email lists all ten times.
    weekly = appointment_series_create(
        client=client_of(demo_clinician()), appointment_type=session_type(demo_clinician()),
        format="video", skip_collisions=False, actor=owner, request=None,
        starts=series_starts(
            first_day=dt.date(2027, 4, 5), wall=dt.time(10), tz=NEW_YORK, every_weeks=1, count=10
        ),
    ).booked  # fmt: skip
    for audience in Audience:
        message = appointment_email(
            weekly[0], event=Event.BOOKED, audience=audience, together=[a.pk for a in weekly]
        )
        assert message is not None
        found[f"{audience}-booked (a series of ten)"] = _html(message)
    day = list(Appointment.objects.filter(start__date=dt.date(2027, 3, 16)).order_by("start"))
    agenda = agenda_email(day, tz=NEW_YORK, day=dt.date(2027, 3, 16), to="hb@example.org", key="a1")
    found["clinician-agenda"] = _html(agenda)

    colleague = staff_user_create("robin.ashdown", role=StaffProfile.Role.PRACTICE_MANAGER)
    mail.outbox.clear()
    staff_password_reset_send(request=None, actor=owner, user=colleague)
    staff_second_factor_remove(request=None, actor=owner, user=colleague)
    staff_invite(
        request=None, actor=owner, username="sam.okafor", email="sam.okafor@example.org",
        first_name="Sam", last_name="Okafor", role=StaffProfile.Role.PRACTICE_MANAGER,
        clinician=None,
    )  # fmt: skip
    for number, sent in enumerate(mail.outbox):
        assert isinstance(sent, EmailMultiAlternatives)
        found[f"staff notice {number}: {sent.subject}"] = _html(sent)
    return found


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": PHONE, "height": 844}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


def _layout_problems(page: Page, html: str) -> list[str]:
    problems = []
    schemes: list[Literal["light", "dark"]] = ["light", "dark"]
    for scheme in schemes:
        page.emulate_media(color_scheme=scheme)
        page.set_content(html)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            problems.append(f"{scheme}: {width}px wide")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{scheme}: {violations}")
    return problems


def test_every_email_reads_on_a_phone_without_scrolling_sideways(
    owner: User, settings: Settings, phone: Page, rendered: set[str]
) -> None:
    assert AXE.exists()
    settings.SITE_URL = LONG_SITE
    emails = _every_email(owner)

    problems = {name: p for name, html in emails.items() if (p := _layout_problems(phone, html))}

    assert problems == {}
    # Every HTML template went through the phone: a new email cannot skip this test.
    every = {p.name for p in TEMPLATES.glob("*.html")}
    assert every - rendered == set()
