"""The word that a message is waiting: what it says, by which way, when, and only once a batch."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django_tasks_db.models import DBTaskResult

from confide.clients.models import Person
from confide.messaging import services
from confide.messaging.models import Notice
from confide.messaging.notices import notice_deliver
from confide.messaging.tests.conftest import message_tasks, message_tasks_run
from confide.notifications.models import OutboxMessage
from confide.notifications.tests.factories import FORBIDDEN_WORDS, words_outside_links
from confide.practice.models import Clinician

NEW_YORK = ZoneInfo("America/New_York")
# Wednesday, March 10 2027, 11:00 in New York.
NOON_ISH = dt.datetime(2027, 3, 10, 11, 0, tzinfo=NEW_YORK)


def _html(email: Any) -> str:
    return str(email.alternatives[0][0])


def _reply(person: Person, user: User, now: dt.datetime, body: str = "CANARY-reply") -> None:
    services.message_send_by_staff(
        person=person, user=user, body=body, upload=None, request=None, now=now
    )


@pytest.fixture
def notify_clinician(person: Person) -> Clinician:
    clinician = person.client.clinician
    clinician.notify_email = "hannah-notices@example.org"
    clinician.save(update_fields=["notify_email"])
    return clinician


def test_the_person_hears_only_that_a_message_is_waiting(person: Person, owner: User) -> None:
    _reply(person, owner, NOON_ISH)
    assert message_tasks_run() == ["sent"]
    (email,) = mail.outbox
    assert email.to == [person.email]
    assert email.subject == "You have a new message"
    assert "/portal/sign-in/" in email.body
    html = str(_html(email))
    for text in (email.subject, email.body, html):
        assert "CANARY" not in text
        assert person.name.split()[0] not in text
        words = words_outside_links(str(text))
        assert [w for w in FORBIDDEN_WORDS if w in words] == []
    # The same neutral sender as the booking emails.
    assert email.from_email == settings.DEFAULT_FROM_EMAIL


def test_one_notice_for_a_batch_of_unread_messages(person: Person, owner: User) -> None:
    for minutes in (0, 5, 10):
        _reply(person, owner, NOON_ISH + dt.timedelta(minutes=minutes))
    assert message_tasks_run() == ["sent"]
    _reply(person, owner, NOON_ISH + dt.timedelta(hours=1))
    assert message_tasks() == []
    assert len(mail.outbox) == 1
    # Once the person has looked, the next message is news again.
    thread = person.message_thread
    services.thread_read_by_person(thread=thread, now=NOON_ISH + dt.timedelta(hours=2))
    _reply(person, owner, NOON_ISH + dt.timedelta(hours=3))
    assert message_tasks_run() == ["sent"]
    assert len(mail.outbox) == 2


def test_a_notice_read_before_it_goes_is_not_sent(person: Person, owner: User) -> None:
    _reply(person, owner, NOON_ISH)
    services.thread_read_by_person(
        thread=person.message_thread, now=NOON_ISH + dt.timedelta(minutes=1)
    )
    assert message_tasks_run() == ["read already"]
    assert mail.outbox == []


def test_a_notice_waits_for_the_persons_safe_hours(person: Person, owner: User) -> None:
    person.safe_days = "01234"  # weekdays
    person.safe_from = dt.time(18, 0)
    person.safe_until = dt.time(21, 0)
    person.time_zone = "America/New_York"
    person.save()
    _reply(person, owner, NOON_ISH)
    (row,) = message_tasks()
    expected = dt.datetime(2027, 3, 10, 18, 0, tzinfo=NEW_YORK)
    assert row.run_after == expected
    assert Notice.objects.get().due_at == expected


@pytest.mark.parametrize(
    ("written", "sent_utc"),
    [
        # The night before the clocks go forward: 08:00 EDT is 12:00 UTC.
        (
            dt.datetime(2027, 3, 13, 23, 30, tzinfo=NEW_YORK),
            dt.datetime(2027, 3, 14, 12, 0, tzinfo=dt.UTC),
        ),
        # The night before they go back: 08:00 EST is 13:00 UTC.
        (
            dt.datetime(2027, 11, 6, 23, 30, tzinfo=NEW_YORK),
            dt.datetime(2027, 11, 7, 13, 0, tzinfo=dt.UTC),
        ),
        # The repeated hour itself, 01:30 EDT the first time round.
        (
            dt.datetime(2027, 11, 7, 1, 30, tzinfo=NEW_YORK),
            dt.datetime(2027, 11, 7, 13, 0, tzinfo=dt.UTC),
        ),
        # Outside quiet hours, at once.
        (
            dt.datetime(2027, 3, 14, 12, 0, tzinfo=NEW_YORK),
            dt.datetime(2027, 3, 14, 16, 0, tzinfo=dt.UTC),
        ),
    ],
)
def test_a_text_waits_out_quiet_hours_across_clock_changes(
    demo: None, owner: User, written: dt.datetime, sent_utc: dt.datetime
) -> None:
    from confide.portal.models import PortalAccount
    from confide.portal.tests.helpers import client_make, person_of

    texter = person_of(client_make(("Robin Vale", ""), phone="+12125550142", may_text=True))
    texter.time_zone = "America/New_York"
    texter.save()
    PortalAccount.objects.create(person=texter)
    # Quiet hours are the practice's default, 21:00 to 08:00 on the person's own clock.
    _reply(texter, owner, written)
    (row,) = message_tasks()
    assert row.run_after == sent_utc


def test_a_text_goes_only_to_a_person_who_allowed_texts(demo: None, owner: User) -> None:
    from confide.portal.models import PortalAccount
    from confide.portal.tests.helpers import client_make, person_of

    texter = person_of(client_make(("Robin Vale", ""), phone="+12125550142", may_text=True))
    PortalAccount.objects.create(person=texter)
    _reply(texter, owner, NOON_ISH)
    notice = Notice.objects.get()
    assert notice.channel == "text"
    assert notice_deliver(notice_id=notice.pk, task_id="t-1", now=NOON_ISH) == "sent"
    (text,) = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)
    assert text.to == "+12125550142"
    assert text.text.startswith("You have a new message. Sign in to read it: http")
    assert [w for w in FORBIDDEN_WORDS if w in words_outside_links(text.text)] == []

    silent = person_of(client_make(("Kit Lane", ""), phone="+12125550143", may_text=False))
    PortalAccount.objects.create(person=silent)
    _reply(silent, owner, NOON_ISH)
    assert not Notice.objects.filter(thread__person=silent).exists()


def test_a_notice_that_finds_it_may_not_go_yet_waits_again(person: Person, owner: User) -> None:
    _reply(person, owner, NOON_ISH)
    notice = Notice.objects.get()
    # The person chose safe evenings after the notice was queued.
    person.safe_from = dt.time(19, 0)
    person.time_zone = "America/New_York"
    person.save()
    DBTaskResult.objects.all().delete()
    assert notice_deliver(notice_id=notice.pk, task_id="t-1", now=NOON_ISH) == "waits"
    (row,) = message_tasks()
    assert row.run_after == dt.datetime(2027, 3, 10, 19, 0, tzinfo=NEW_YORK)
    assert mail.outbox == []


def test_a_duplicate_task_sends_once(person: Person, owner: User) -> None:
    _reply(person, owner, NOON_ISH)
    notice = Notice.objects.get()
    assert notice_deliver(notice_id=notice.pk, task_id="t-1", now=NOON_ISH) == "sent"
    assert notice_deliver(notice_id=notice.pk, task_id="t-2", now=NOON_ISH) == "already sent"
    assert len(mail.outbox) == 1


def test_nobody_without_portal_access_is_told(person: Person, owner: User) -> None:
    person.portal_account.active = False
    person.portal_account.save()
    _reply(person, owner, NOON_ISH)
    assert message_tasks() == []


def test_the_clinician_gets_a_neutral_notice_with_a_link_to_the_office(
    person: Person, notify_clinician: Clinician
) -> None:
    for minutes in (0, 1):
        services.message_send_by_person(
            person=person,
            body="CANARY words",
            upload=None,
            now=NOON_ISH + dt.timedelta(minutes=minutes),
        )
    assert message_tasks_run() == ["sent"]
    (email,) = mail.outbox
    assert email.to == ["hannah-notices@example.org"]
    assert email.subject == "You have a new message"
    assert "/office/messages/" in email.body
    for text in (email.subject, email.body, str(_html(email))):
        assert "CANARY" not in text
        assert person.name not in text
        assert [w for w in FORBIDDEN_WORDS if w in words_outside_links(str(text))] == []


def test_task_rows_hold_only_an_id(
    person: Person, notify_clinician: Clinician, owner: User
) -> None:
    services.message_send_by_person(person=person, body="CANARY words", upload=None, now=NOON_ISH)
    _reply(person, owner, NOON_ISH)
    for row in message_tasks():
        assert row.args_kwargs == {"args": [row.args_kwargs["args"][0]], "kwargs": {}}
        assert isinstance(row.args_kwargs["args"][0], int)
