"""When to tell someone a message is waiting, and telling them: one word per batch of unread.

The person hears "You have a new message" by a channel they allowed (``Reach.channels()``),
never in the practice's quiet hours (texts, as reminders) nor outside their own safe days and
hours (every channel): a notice due then waits, in the task queue, until it may go. The
clinician hears the same by email at their notify address, with a link to the office.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo

from django.core.mail import mailers
from django.db import transaction
from django.urls import reverse

from confide.clients.models import Person
from confide.emails import render_email, render_text, site_url
from confide.lib.reminder_times import QuietHours, next_allowed
from confide.messaging.models import Message, Notice, Thread
from confide.notifications.emails import message_id
from confide.notifications.outbox import OutboxBackend
from confide.notifications.texts import text_provider
from confide.practice.models import Practice, time_zone_names

PERSON = Notice.Audience.PERSON
CLINICIAN = Notice.Audience.CLINICIAN
FOLDER = "messaging"
# With no allowed moment within a week (a rare set of wishes), look again after a day.
RECHECK = dt.timedelta(days=1)
# A notice woken a little early by the queue goes anyway rather than sleep a few seconds.
SLACK = dt.timedelta(minutes=1)


def person_zone(person: Person) -> zoneinfo.ZoneInfo:
    """Return the zone the person lives by, else their clinician's."""
    if person.time_zone in time_zone_names():
        return zoneinfo.ZoneInfo(person.time_zone)
    return person.client.clinician.tz()


def person_channel(person: Person) -> str | None:
    """Return how the person may hear of a message (email first), or None if no way."""
    channels = person.reach(with_safe_times=False).channels()
    return channels[0] if channels else None


def person_send_time(*, person: Person, channel: str, now: dt.datetime) -> dt.datetime:
    """Return the first moment from ``now`` a notice may reach the person by ``channel``."""
    practice = Practice.load()
    # Quiet hours are for texts, as for reminders; the person's safe times hold for every channel.
    quiet = (
        QuietHours(practice.quiet_hours_start, practice.quiet_hours_end)
        if channel == "text"
        else None
    )
    safe = person.reach(with_safe_times=False).safe_hours()
    moment = next_allowed(now, quiet=quiet, safe=safe, tz=person_zone(person))
    return moment if moment is not None else now + RECHECK


def _unread(thread: Thread, audience: str) -> bool:
    if audience == PERSON:
        rows = thread.messages.filter(sender=Message.Sender.PRACTICE)
        read_at = thread.person_read_at
    else:
        rows = thread.messages.filter(sender=Message.Sender.PERSON)
        read_at = thread.office_read_at
    return (rows.filter(sent_at__gt=read_at) if read_at else rows).exists()


def _already_told(thread: Thread, audience: str) -> bool:
    """Return True when a notice is waiting, or one was sent and not yet followed by a look."""
    notices = Notice.objects.filter(thread=thread, audience=audience)
    if notices.filter(sent_at__isnull=True, finished_at__isnull=True).exists():
        return True
    last = notices.filter(sent_at__isnull=False).order_by("-sent_at").first()
    if last is None or last.sent_at is None:
        return False
    read_at = thread.person_read_at if audience == PERSON else thread.office_read_at
    return read_at is None or read_at < last.sent_at


def notice_plan(*, thread: Thread, audience: str, now: dt.datetime) -> Notice | None:
    """Plan one notice for the audience unless they were already told of this batch."""
    thread.refresh_from_db()
    if _already_told(thread, audience):
        return None
    person = thread.person
    if audience == PERSON:
        account = getattr(person, "portal_account", None)
        channel = person_channel(person)
        if account is None or not account.active or channel is None:
            # No door to the portal, or no way to reach them: they see it when they sign in.
            return None
        due = person_send_time(person=person, channel=channel, now=now)
    else:
        if not person.client.clinician.notify_email:
            return None
        channel, due = "email", now
    notice = Notice.objects.create(
        thread=thread, audience=audience, channel=channel, created_at=now, due_at=due
    )
    # The database queue writes the task in this transaction: both are kept, or neither.
    _enqueue(notice.pk, due)
    return notice


def _enqueue(notice_id: int, due: dt.datetime) -> None:
    from confide.messaging.tasks import send_notice

    send_notice.using(run_after=due).enqueue(notice_id)


def _finish(notice: Notice, outcome: str, now: dt.datetime) -> str:
    Notice.objects.filter(pk=notice.pk).update(finished_at=now, outcome=outcome)
    return outcome


def _claim(notice: Notice, task_id: str) -> bool:
    waiting = Notice.objects.filter(pk=notice.pk, sent_at__isnull=True, finished_at__isnull=True)
    if waiting.filter(claimed_by_task="").update(claimed_by_task=task_id):
        return True
    return waiting.filter(claimed_by_task=task_id).exists()


def notice_deliver(*, notice_id: int, task_id: str, now: dt.datetime) -> str:
    """Send one notice if it is still wanted and may go now; return what happened.

    Idempotent: a duplicate task finds it claimed or sent. A notice that may not go yet (the
    person's wishes changed while it waited) is queued again for the next allowed moment.
    """
    notice = (
        Notice.objects.select_related("thread__person__client__clinician")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        return "notice gone"
    if not notice.waiting:
        return "already sent"
    thread = notice.thread
    person = thread.person
    if not _unread(thread, notice.audience):
        return _finish(notice, "read already", now)
    if notice.audience == PERSON:
        account = getattr(person, "portal_account", None)
        if account is None or not account.active:
            return _finish(notice, "no portal access", now)
        channel = person_channel(person)
        if channel is None:
            return _finish(notice, "no way to reach them", now)
        due = person_send_time(person=person, channel=channel, now=now)
        if due > now + SLACK:
            Notice.objects.filter(pk=notice.pk).update(due_at=due, channel=channel)
            _enqueue(notice.pk, due)
            return "waits"
        if not _claim(notice, task_id):
            return "already sent"
        reach = person.reach(with_safe_times=False)
        context = {"sign_in_url": site_url(reverse("portal:sign_in"))}
        to = reach.email if channel == "email" else reach.phone
        _send(notice, channel=channel, to=to, name="person-new-message", context=context,
              key=f"message-notice-{task_id}", now=now)  # fmt: skip
        return "sent"
    address = person.client.clinician.notify_email
    if not address:
        return _finish(notice, "no address", now)
    if not _claim(notice, task_id):
        return "already sent"
    context = {"office_url": site_url(reverse("office:messages"))}
    _send(notice, channel="email", to=address, name="clinician-new-message", context=context,
          key=f"message-notice-{task_id}", now=now)  # fmt: skip
    return "sent"


def _send(
    notice: Notice,
    *,
    channel: str,
    to: str,
    name: str,
    context: dict[str, str],
    key: str,
    now: dt.datetime,
) -> None:
    """Send the email or text, then mark it sent; with the outbox, both in one transaction."""

    def mark() -> None:
        Notice.objects.filter(pk=notice.pk).update(sent_at=now, channel=channel)

    if channel == "email":
        message = render_email(
            name, context, to=to, message_id=message_id(key), folder=f"{FOLDER}/email"
        )
        mailer = mailers.default
        with (
            transaction.atomic() if isinstance(mailer, OutboxBackend) else contextlib.nullcontext()
        ):
            mailer.send_messages([message])
            mark()
    else:
        body = " ".join(render_text(f"{FOLDER}/text/{name}.txt", context).split())
        provider = text_provider()
        with transaction.atomic() if provider.in_database else contextlib.nullcontext():
            provider.send(to=to, body=body, reference=key)
            mark()
