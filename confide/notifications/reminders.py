"""Reminders and morning agendas: scheduled with the booking change, claimed and sent by workers.

The lifecycle of a Reminder row: pending → sending (claimed by one worker) → sent, skipped,
failed, or pending again (postponed by quiet hours, or a retry after a temporary failure).
Cancelling or moving the appointment turns its pending rows to cancelled.

Delivery is claim → send → mark. A worker killed between the channel accepting a message and
the mark leaves the row "sending"; the sweeper puts it back and it is sent again, with the same
Message-ID. That is the one window in which a reminder can arrive twice; no window loses one.
Channels that write to Confide's own database (the outbox) send and mark in one transaction and
have no window at all. See docs/decisions/0004-reminders.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django_tasks_db.utils import exclusive_transaction

from confide.lib.reminder_times import (
    MIN_LEAD,
    QuietHours,
    Skip,
    reminder_due_times,
    retry_at,
    send_time,
)
from confide.notifications.emails import agenda_email, reminder_email, reminder_text
from confide.notifications.events import Event
from confide.notifications.models import Reminder
from confide.notifications.outbox import OutboxBackend
from confide.notifications.recipients import (
    appointment_recipients,
    recipient_find,
    recipient_zone,
)
from confide.notifications.texts import (
    DeliveryError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    text_provider,
)
from confide.practice.models import Clinician, Practice
from confide.scheduling.models import Appointment

logger = logging.getLogger(__name__)
Status = Reminder.Status
# Agendas are for the morning: one that could not go out within this long after its time waits
# for the next day rather than arriving in the afternoon.
AGENDA_LATEST = dt.timedelta(hours=4)


def _quiet_hours(practice: Practice) -> QuietHours:
    return QuietHours(practice.quiet_hours_start, practice.quiet_hours_end)


def reminders_schedule(*, appointment: Appointment, now: dt.datetime) -> list[Reminder]:
    """Create the reminders of a confirmed appointment: per recipient, channel and offset.

    Runs in the caller's transaction. Offsets already past at ``now`` get no row; a text that
    quiet hours would push too close to the start is recorded as skipped, so the office sees it.
    Running it twice creates nothing new.
    """
    rows = reminders_plan(appointment=appointment, practice=Practice.load(), now=now)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def reminders_plan(
    *, appointment: Appointment, practice: Practice, now: dt.datetime
) -> list[Reminder]:
    """Return the reminders a confirmed appointment should have under the practice's settings.

    The rows are not saved: scheduling creates them, re-planning compares them with those kept.
    """
    if appointment.status != Appointment.Status.CONFIRMED:
        return []
    due = reminder_due_times(start=appointment.start, offsets=practice.reminder_offsets(), now=now)
    quiet = _quiet_hours(practice)
    rows: list[Reminder] = []
    for recipient in appointment_recipients(appointment):
        tz = recipient_zone(recipient, appointment)
        for channel in recipient.reach.channels():
            for offset, due_at in due.items():
                plan = send_time(
                    due=due_at,
                    start=appointment.start,
                    quiet=quiet if channel == Reminder.Channel.TEXT else None,
                    tz=tz,
                    safe=recipient.reach.safe_hours(),
                    not_before=now,
                )
                skipped = isinstance(plan, Skip)
                rows.append(
                    Reminder(
                        kind=Reminder.Kind.APPOINTMENT,
                        appointment=appointment,
                        clinician_id=appointment.clinician_id,
                        recipient_key=recipient.key,
                        channel=channel,
                        offset_minutes=int(offset.total_seconds() // 60),
                        due_at=due_at,
                        send_at=due_at if isinstance(plan, Skip) else plan,
                        status=Status.SKIPPED if skipped else Status.PENDING,
                        outcome=str(plan) if isinstance(plan, Skip) else "",
                    )
                )
    return rows


def reminders_cancel(*, appointment: Appointment, reason: str) -> int:
    """Cancel an appointment's reminders that have not gone out; return how many."""
    return Reminder.objects.filter(appointment=appointment, status=Status.PENDING).update(
        status=Status.CANCELLED, outcome=reason, claimed_by=""
    )


def reminders_follow(*, appointment: Appointment, event: Event, now: dt.datetime) -> None:
    """Bring an appointment's reminders in line with what just happened to it."""
    if event in {Event.BOOKED, Event.CONFIRMED}:
        reminders_schedule(appointment=appointment, now=now)
    elif event == Event.RESCHEDULED:
        try:
            earlier: Appointment | None = appointment.rescheduled_from
        except Appointment.DoesNotExist:
            earlier = None
        if earlier is not None:
            reminders_cancel(appointment=earlier, reason="moved to another time")
        reminders_schedule(appointment=appointment, now=now)
    elif event in {Event.CANCELLED, Event.DECLINED}:
        reminders_cancel(appointment=appointment, reason=f"appointment {event.label.lower()}")


def agendas_schedule(*, now: dt.datetime) -> int:
    """Queue today's morning agenda for each clinician who wants one and whose time has come.

    One row per (clinician, date) at most, whoever asks and however often: the database's unique
    constraint decides, so any number of workers can call this on every tick.
    """
    practice = Practice.load()
    rows = []
    for clinician in Clinician.objects.filter(morning_agenda=True).exclude(notify_email=""):
        tz = clinician.tz()
        day = now.astimezone(tz).date()
        due = dt.datetime.combine(day, practice.agenda_time, tzinfo=tz).astimezone(dt.UTC)
        if due <= now < due + AGENDA_LATEST:
            rows.append(
                Reminder(
                    kind=Reminder.Kind.AGENDA,
                    clinician=clinician,
                    agenda_date=day,
                    recipient_key=f"clinician:{clinician.pk}",
                    due_at=due,
                    send_at=due,
                )
            )
    created = Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def reminders_claim(*, worker_id: str, now: dt.datetime, limit: int) -> list[int]:
    """Mark up to ``limit`` due reminders as this worker's; return their ids.

    PostgreSQL skips rows another worker has locked (FOR UPDATE SKIP LOCKED), so workers never
    wait on each other nor claim the same row; SQLite runs the read and the update in one
    exclusive transaction.
    """
    with exclusive_transaction(Reminder.objects.db):
        ids = list(
            Reminder.objects.due(now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids).update(
                status=Status.SENDING,
                claimed_by=worker_id,
                claimed_at=now,
                attempts=F("attempts") + 1,
            )
    return ids


@dataclass
class _Send:
    """A message ready to go: how to send it, and whether sending is a write to this database."""

    send: Callable[[], None]
    in_database: bool


def _finish(reminder: Reminder, status: str, *, outcome: str = "", **fields: object) -> str:
    # claimed_by stays as a record of which worker last handled it; only "sending" rows count
    # as held.
    Reminder.objects.filter(pk=reminder.pk).update(status=status, outcome=outcome[:200], **fields)
    return status


def _prepare_appointment(
    reminder: Reminder, now: dt.datetime, mailer: BaseEmailBackend
) -> _Send | Skip | dt.datetime | str:
    appointment = reminder.appointment
    assert appointment is not None
    if appointment.status != Appointment.Status.CONFIRMED:
        return "appointment no longer confirmed"
    recipient = recipient_find(appointment, reminder.recipient_key)
    if recipient is None or reminder.channel not in recipient.reach.channels():
        return "the person no longer wants this kind of message"
    tz = recipient_zone(recipient, appointment)
    is_text = reminder.channel == Reminder.Channel.TEXT
    # Checked again now: the worker may be late, and the quiet hours may have changed.
    plan = send_time(
        due=now,
        start=appointment.start,
        quiet=_quiet_hours(Practice.load()) if is_text else None,
        tz=tz,
        safe=recipient.reach.safe_hours(),
        not_before=now,
    )
    if not isinstance(plan, dt.datetime) or plan > now:
        return plan
    if is_text:
        provider = text_provider()
        body = reminder_text(appointment, tz=tz)
        phone, key = recipient.reach.phone, str(reminder.key)
        return _Send(
            lambda: _text_send(provider.send, to=phone, body=body, reference=key),
            provider.in_database,
        )
    message = reminder_email(appointment, tz=tz, to=recipient.reach.email, key=str(reminder.key))
    return _Send(lambda: _email_send(mailer, message), isinstance(mailer, OutboxBackend))


def _prepare_agenda(reminder: Reminder, mailer: BaseEmailBackend) -> _Send | str:
    clinician = reminder.clinician
    if not (clinician.morning_agenda and clinician.notify_email) or reminder.agenda_date is None:
        return "the clinician no longer wants a morning agenda"
    tz = clinician.tz()
    day_start = dt.datetime.combine(reminder.agenda_date, dt.time(0), tzinfo=tz)
    next_day = dt.datetime.combine(
        reminder.agenda_date + dt.timedelta(days=1), dt.time(0), tzinfo=tz
    )
    appointments = list(
        Appointment.objects.filter(
            clinician=clinician,
            status=Appointment.Status.CONFIRMED,
            start__gte=day_start,
            start__lt=next_day,
        )
        .select_related("consultation")
        .order_by("start")
    )
    if not appointments:
        return "no appointments that day"
    message = agenda_email(
        appointments,
        tz=tz,
        day=reminder.agenda_date,
        to=clinician.notify_email,
        key=str(reminder.key),
    )
    return _Send(lambda: _email_send(mailer, message), isinstance(mailer, OutboxBackend))


def _email_send(mailer: BaseEmailBackend, message: object) -> None:
    try:
        # Open here, so an unreachable server counts as this message's failed attempt.
        mailer.open()
        mailer.send_messages([message])  # type: ignore[list-item]
    except Exception as error:
        # A connection in an unknown state is no use to the next message of the round.
        with contextlib.suppress(Exception):
            mailer.close()
        raise _email_error(error) from None


def _email_error(error: Exception) -> Exception:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        kind = PermanentDeliveryError if all(c >= 500 for c in codes) else TemporaryDeliveryError
        return kind(f"The mail server refused the address (SMTP {codes[0]})")
    if isinstance(error, smtplib.SMTPResponseException):
        kind = PermanentDeliveryError if error.smtp_code >= 500 else TemporaryDeliveryError
        return kind(f"The mail server said SMTP {error.smtp_code}")
    if isinstance(error, OSError | smtplib.SMTPException):
        return TemporaryDeliveryError(f"Mail server unreachable: {type(error).__name__}")
    return error


def _text_send(send: Callable[..., str], *, to: str, body: str, reference: str) -> None:
    send(to=to, body=body, reference=reference)


def reminder_deliver(
    *, reminder_id: int, worker_id: str, now: dt.datetime, mailer: BaseEmailBackend | None = None
) -> str:
    """Send one claimed reminder and record what happened; return its new status.

    Does nothing (and returns "not ours") unless this worker holds the claim. A temporary
    failure is retried with back-off while there is time; a permanent one, or the last
    attempt, leaves it failed for the office to see.
    """
    reminder = (
        Reminder.objects.select_related(
            "appointment__clinician", "appointment__consultation", "clinician"
        )
        .filter(pk=reminder_id, status=Status.SENDING, claimed_by=worker_id)
        .first()
    )
    if reminder is None:
        return "not ours"
    mailer = mailer or mailers.default
    try:
        if reminder.kind == Reminder.Kind.AGENDA:
            prepared: _Send | Skip | dt.datetime | str = _prepare_agenda(reminder, mailer)
        else:
            prepared = _prepare_appointment(reminder, now, mailer)
        if isinstance(prepared, dt.datetime):
            # Postponed (quiet hours): not an attempt at delivery.
            return _finish(reminder, Status.PENDING, send_at=prepared, attempts=F("attempts") - 1)
        if isinstance(prepared, Skip):
            return _finish(reminder, Status.SKIPPED, outcome=str(prepared))
        if isinstance(prepared, str):
            return _finish(reminder, Status.CANCELLED, outcome=prepared)
        if prepared.in_database:
            # The outbox is this database: the message and its mark commit together.
            with transaction.atomic():
                prepared.send()
                return _finish(reminder, Status.SENT, outcome=_sent_note(reminder), sent_at=now)
        prepared.send()
    except DeliveryError as error:
        return _failed(reminder, error, now)
    except Exception as error:
        logger.exception("Reminder %s could not be sent", reminder.pk)
        return _failed(reminder, TemporaryDeliveryError(type(error).__name__), now)
    return _finish(reminder, Status.SENT, outcome=_sent_note(reminder), sent_at=now)


def _sent_note(reminder: Reminder) -> str:
    # Keep the warning that a copy may already have arrived; drop retry notes once sent.
    return reminder.outcome if reminder.outcome == Reminder.SWEPT_NOTE else ""


def _failed(reminder: Reminder, error: DeliveryError, now: dt.datetime) -> str:
    attempts = reminder.attempts
    if error.permanent:
        return _finish(reminder, Status.FAILED, outcome=str(error))
    again = retry_at(attempts=attempts, now=now)
    if again is not None and error.retry_after:
        again = max(again, now + dt.timedelta(seconds=error.retry_after))
    latest = (
        reminder.appointment.start - MIN_LEAD
        if reminder.appointment is not None
        else reminder.due_at + AGENDA_LATEST
    )
    if again is None or again > latest:
        tried = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        return _finish(reminder, Status.FAILED, outcome=f"Gave up after {tried}: {error}")
    return _finish(reminder, Status.PENDING, outcome=f"Will try again: {error}", send_at=again)


def reminders_send_due(
    *,
    worker_id: str,
    clock: Callable[[], dt.datetime],
    limit: int = 50,
    keep_going: Callable[[], bool] = lambda: True,
) -> int:
    """Claim the reminders due now and send them over one mail connection; return how many.

    Any that this worker still holds at the end (it is stopping, or an error between claim and
    mark) are put back at once rather than waiting for the sweeper.
    """
    ids = reminders_claim(worker_id=worker_id, now=clock(), limit=limit)
    if not ids:
        return 0
    # One connection for the round: opened by the first email, closed at the end.
    mailer = mailers.default
    try:
        for reminder_id in ids:
            if not keep_going():
                break
            reminder_deliver(
                reminder_id=reminder_id, worker_id=worker_id, now=clock(), mailer=mailer
            )
    finally:
        mailer.close()
        Reminder.objects.filter(pk__in=ids, status=Status.SENDING, claimed_by=worker_id).update(
            status=Status.PENDING, claimed_by="", attempts=F("attempts") - 1
        )
    return len(ids)


def reminders_retry(*, reminders: QuerySet[Reminder], now: dt.datetime) -> int:
    """Queue failed reminders for another round of attempts, from now; return how many."""
    return reminders.filter(status=Status.FAILED).update(
        status=Status.PENDING, send_at=now, attempts=0, outcome="Tried again from the office."
    )


# Left on a reminder that a change of the practice's reminder settings made unnecessary; such a
# row comes back if the settings return to an offset it had.
REPLANNED_AWAY = "no longer planned: the reminder times changed"


def _replan_key(row: Reminder) -> tuple[int | None, str, str, int | None]:
    return (row.appointment_id, row.recipient_key, row.channel, row.offset_minutes)


def reminders_replan(*, practice: Practice, now: dt.datetime) -> int:
    """Re-plan every appointment reminder not yet sent under ``practice``'s settings.

    Return how many reminders changed: moved, added, skipped or no longer needed. Runs in the
    caller's transaction, which should also save the settings, so the worker sees old times
    with old settings or new with new. Rows a worker has claimed ("sending") and every row
    that went out, failed or was cancelled for another reason stay as they are; a reminder
    waiting for a retry keeps its retry time while its offset stands.
    """
    appointments = list(
        Appointment.objects.filter(status=Appointment.Status.CONFIRMED, start__gt=now)
        .select_related("clinician", "consultation", "client")
        .prefetch_related("client__people")
    )
    if not appointments:
        return 0
    ids = [appointment.pk for appointment in appointments]
    open_rows = Q(status__in=[Status.PENDING, Status.SKIPPED]) | Q(
        status=Status.CANCELLED, outcome=REPLANNED_AWAY
    )
    kept = Reminder.objects.filter(kind=Reminder.Kind.APPOINTMENT, appointment_id__in=ids)
    # Locked, so a worker's claim (FOR UPDATE SKIP LOCKED) passes them by until this commits;
    # a row it claimed first is "sending" by the time this reads it, and is left alone.
    open_by_key = {
        _replan_key(row): row for row in kept.filter(open_rows).select_for_update().order_by("pk")
    }
    taken = set(kept.values_list("appointment_id", "recipient_key", "channel", "offset_minutes"))
    changed = 0
    wanted: set[tuple[int | None, str, str, int | None]] = set()
    new_rows: list[Reminder] = []
    for appointment in appointments:
        for plan in reminders_plan(appointment=appointment, practice=practice, now=now):
            key = _replan_key(plan)
            wanted.add(key)
            row = open_by_key.get(key)
            if row is None:
                if key not in taken:
                    new_rows.append(plan)
                continue
            if row.status == Status.PENDING and row.attempts and row.due_at == plan.due_at:
                continue
            fields = {
                "due_at": plan.due_at,
                "send_at": plan.send_at,
                "status": plan.status,
                "outcome": plan.outcome,
            }
            if all(getattr(row, name) == value for name, value in fields.items()):
                continue
            changed += (
                Reminder.objects.filter(pk=row.pk, status=row.status)
                .filter(open_rows)
                .update(attempts=0, claimed_by="", **fields)
            )
    gone = [row.pk for key, row in open_by_key.items() if key not in wanted]
    changed += Reminder.objects.filter(pk__in=gone, status=Status.PENDING).update(
        status=Status.CANCELLED, outcome=REPLANNED_AWAY, claimed_by=""
    )
    changed += len(Reminder.objects.bulk_create(new_rows, ignore_conflicts=True))
    return changed
