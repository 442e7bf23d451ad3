"""Portal messages follow the person's wishes as they are when they go, and wait for safe times."""

from __future__ import annotations

import datetime as dt
import html
import logging
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.tasks import TaskContext, TaskResultStatus
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.clients.models import Person
from confide.notifications.models import OutboxMessage
from confide.portal.models import Invitation, PortalAccount, SignInCode
from confide.portal.services import portal_invite, portal_send_time
from confide.portal.tests.helpers import client_make, person_of, portal_tasks_run
from confide.practice.models import Practice
from confide.records.models import PortalNotice
from confide.records.notices import notice_queue

pytestmark = pytest.mark.usefixtures("demo")

PHONE = "212-555-0142"


def _tasks_run(prefix: str) -> list[str]:
    """Run every waiting task whose path starts with ``prefix``, as the worker would."""
    said = []
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path__startswith=prefix
    ).order_by("enqueued_at")
    for row in rows:
        task: Any = row.task
        said.append(task.func(TaskContext(task_result=row.task_result), *row.args_kwargs["args"]))
        DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.SUCCESSFUL)
    return said


def _texter() -> Person:
    """Return a person reached only by text, whose portal account is open."""
    person = person_of(client_make(("Casey Example", ""), phone=PHONE, may_text=True))
    PortalAccount.objects.create(person=person)
    return person


def _texts() -> list[str]:
    return [t.text for t in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)]


def _no_personal_data(caplog: pytest.LogCaptureFixture) -> str:
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for private in ("Casey", "Example", "555", "0142", "example.org"):
        assert private not in logged
    return logged


def test_a_portal_notice_is_dropped_when_texts_are_no_longer_allowed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    person = _texter()
    notice = notice_queue(person=person, reason=PortalNotice.Reason.PAPERWORK)
    assert notice is not None
    assert notice.channel == "text"
    Person.objects.filter(pk=person.pk).update(may_text=False)

    with caplog.at_level(logging.INFO):
        said = _tasks_run("confide.records.tasks.")

    assert said == ["no way to reach them"]
    assert _texts() == []
    notice.refresh_from_db()
    assert notice.status == PortalNotice.Status.DROPPED
    assert "not sent" in _no_personal_data(caplog)


def test_a_portal_notice_goes_by_email_once_the_person_gave_an_address() -> None:
    person = _texter()
    notice = notice_queue(person=person, reason=PortalNotice.Reason.PAPERWORK)
    assert notice is not None
    Person.objects.filter(pk=person.pk).update(email="casey@example.org", may_email=True)

    assert _tasks_run("confide.records.tasks.") == ["sent"]

    assert [m.to for m in mail.outbox] == [["casey@example.org"]]
    assert _texts() == []
    notice.refresh_from_db()
    assert (notice.status, notice.channel) == (PortalNotice.Status.SENT, "email")


def test_a_portal_notice_is_dropped_when_the_email_address_was_removed() -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    PortalAccount.objects.create(person=person)
    notice = notice_queue(person=person, reason=PortalNotice.Reason.REQUEST_ANSWERED)
    assert notice is not None
    Person.objects.filter(pk=person.pk).update(email="")

    assert _tasks_run("confide.records.tasks.") == ["no way to reach them"]

    assert mail.outbox == []
    notice.refresh_from_db()
    assert notice.status == PortalNotice.Status.DROPPED


def test_an_invitation_is_not_sent_when_texts_are_no_longer_allowed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    person = person_of(client_make(("Casey Example", ""), phone=PHONE, may_text=True))
    invitation = portal_invite(person=person, actor=AnonymousUser(), request=None)
    assert invitation.channel == "text"
    Person.objects.filter(pk=person.pk).update(may_text=False)

    with caplog.at_level(logging.INFO):
        said = portal_tasks_run()

    assert said == ["no way to reach them"]
    assert _texts() == []
    assert Invitation.objects.get().sent_at is None
    assert "not sent" in _no_personal_data(caplog)


def test_a_sign_in_code_is_not_texted_once_texts_are_no_longer_allowed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    person = _texter()
    Browser().post("/portal/sign-in/", {"address": PHONE})
    Person.objects.filter(pk=person.pk).update(may_text=False)

    with caplog.at_level(logging.INFO):
        said = portal_tasks_run()

    assert said == ["no way to reach them"]
    assert _texts() == []
    # The code's sealed copy is forgotten all the same.
    assert SignInCode.objects.get().secret_sealed == ""
    _no_personal_data(caplog)


def _wall_now(zone: str) -> dt.datetime:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(zone))


def _quiet_now(zone: str) -> dt.time:
    """Make the practice's quiet hours span the present moment; return when they end."""
    wall = _wall_now(zone)
    start = (wall - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (wall + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    Practice.objects.update(quiet_hours_start=start, quiet_hours_end=end)
    return end


def _invitation_tasks() -> list[DBTaskResult[Any, Any]]:
    return list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path="confide.portal.tasks.send_invitation"
        )
    )


def test_an_invitation_waits_for_the_persons_safe_days() -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    person.time_zone = "America/New_York"
    # Safe only three days from today, in their zone.
    person.safe_days = str((_wall_now(person.time_zone).weekday() + 3) % 7)
    person.save()

    portal_invite(person=person, actor=AnonymousUser(), request=None)

    (queued,) = _invitation_tasks()
    assert queued.run_after is not None
    wait = queued.run_after - timezone.now()
    assert dt.timedelta(days=2) < wait <= dt.timedelta(days=3)
    # Woken early (or by a worker that ignores the time), it waits again and sends nothing.
    assert portal_tasks_run() == ["waits"]
    assert mail.outbox == []
    (again,) = _invitation_tasks()
    assert again.run_after == queued.run_after
    assert Invitation.objects.get().sent_at is None


def test_a_text_invitation_waits_out_the_practices_quiet_hours() -> None:
    person = _texter_invited_later()
    end = _quiet_now("America/New_York")

    portal_invite(person=person, actor=AnonymousUser(), request=None)

    (queued,) = _invitation_tasks()
    assert queued.run_after is not None
    assert queued.run_after.astimezone(zoneinfo.ZoneInfo("America/New_York")).time() == end
    assert portal_tasks_run() == ["waits"]
    assert _texts() == []


def test_an_emailed_invitation_is_not_held_by_quiet_hours() -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    person.time_zone = "America/New_York"
    person.save()
    _quiet_now("America/New_York")

    portal_invite(person=person, actor=AnonymousUser(), request=None)

    assert portal_tasks_run() == ["sent"]
    assert [m.to for m in mail.outbox] == [["avery@example.org"]]


def test_a_sign_in_code_the_person_asked_for_goes_at_once_even_in_quiet_hours() -> None:
    person = _texter()
    person.time_zone = "America/New_York"
    person.safe_days = str((_wall_now(person.time_zone).weekday() + 3) % 7)
    person.save()
    _quiet_now("America/New_York")

    Browser().post("/portal/sign-in/", {"address": PHONE})

    (queued,) = DBTaskResult.objects.filter(task_path="confide.portal.tasks.send_sign_in_code")
    assert queued.task.run_after is None  # not held: it goes as soon as a worker is free
    assert portal_tasks_run() == ["sent"]
    assert len(_texts()) == 1


@pytest.mark.parametrize(
    ("channel", "now", "expected"),
    [
        # A weekday afternoon in New York: an email and a text go at once.
        ("email", "2027-03-10 15:00", "2027-03-10 15:00"),
        ("text", "2027-03-10 15:00", "2027-03-10 15:00"),
        # Late in the evening: an email at once, a text when quiet hours end.
        ("email", "2027-03-10 22:30", "2027-03-10 22:30"),
        ("text", "2027-03-10 22:30", "2027-03-11 08:00"),
    ],
)
def test_portal_send_time_keeps_quiet_hours_for_texts_only(
    channel: str, now: str, expected: str
) -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    person.time_zone = "America/New_York"
    zone = zoneinfo.ZoneInfo(person.time_zone)

    due = portal_send_time(
        person=person, channel=channel, now=dt.datetime.fromisoformat(now).replace(tzinfo=zone)
    )

    assert due == dt.datetime.fromisoformat(expected).replace(tzinfo=zone)


def _texter_invited_later() -> Person:
    """Return a person reached only by text, in New York, not yet invited."""
    person = person_of(client_make(("Casey Example", ""), phone=PHONE, may_text=True))
    person.time_zone = "America/New_York"
    person.save()
    return person


def test_the_office_is_told_when_a_waiting_invitation_will_go(
    owner: User, signed_in: Callable[..., Browser]
) -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    person.time_zone = "America/New_York"
    today = _wall_now(person.time_zone)
    person.safe_days = str((today.weekday() + 3) % 7)
    person.safe_from = dt.time(18, 0)
    person.save()
    day = today + dt.timedelta(days=3)

    response = signed_in(owner).post(
        reverse("office:portal_invite", args=[person.client.uid, person.pk]), follow=True
    )

    page = html.unescape(response.content.decode())
    assert (
        f"An invitation to sign in will go to Avery Example by email on {day:%A, %B} {day.day} "
        "at 6:00 PM their time, the first time they may be contacted."
    ) in page
