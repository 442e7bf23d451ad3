"""Email composition: every message is a set of templates (subject, text, HTML) rendered here.

Discretion rules the wording (see templates/notifications/email/): a neutral subject and first
line, no name of a therapy, a kind of appointment, the practice or the person's note, and no
link but the site's own manage and join pages (or, for the clinician, the office). A video
room's address is never in a message: the join link leads to it while the room is open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import dateformat

from confide.emails import render_email, render_text, site_url
from confide.notifications.events import Audience, Event
from confide.notifications.recipients import appointment_recipients, recipient_zone
from confide.practice.models import Practice
from confide.scheduling.models import Appointment

CALENDAR_FILENAME = "appointment.ics"
CALENDAR_MIMETYPE = "text/calendar"


def short_when(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """Return a moment as "Tue, Mar 16, 10:00 AM" in the zone given."""
    return dateformat.format(moment.astimezone(tz), "D, M j, g:i A")


def recipients(appointment: Appointment, audience: Audience) -> list[str]:
    """Return the addresses a message to this audience goes to, one message each.

    A client's appointment reaches each of the client's people who gave an email (both partners
    of a couple, separately); a public booking reaches the person who booked it.
    """
    if audience == Audience.CLINICIAN:
        return [appointment.clinician.notify_email] if appointment.clinician.notify_email else []
    people = appointment_recipients(appointment)
    return [r.reach.email for r in people if "email" in r.reach.channels()]


def recipient(appointment: Appointment, audience: Audience) -> str:
    """Return the first address a message to this audience goes to, or "" when there is none."""
    found = recipients(appointment, audience)
    return found[0] if found else ""


def _person_zone(appointment: Appointment, address: str) -> ZoneInfo:
    """Return the zone the person saw times in (or gave the office), else the clinician's."""
    people = appointment_recipients(appointment)
    found = next((r for r in people if r.reach.email == address and r.reach.time_zone), None)
    return recipient_zone(found, appointment) if found else appointment.clinician.tz()


def join_url(appointment: Appointment) -> str:
    """Return the absolute join link of a confirmed video session, else ""."""
    joinable = (
        appointment.format == Appointment.Format.VIDEO
        and appointment.status == Appointment.Status.CONFIRMED
    )
    return site_url(appointment.get_join_url()) if joinable else ""


def appointment_context(appointment: Appointment, tz: ZoneInfo | None = None) -> dict[str, Any]:
    """Return what the appointment templates may show; nothing in it names the kind or the note.

    Times are in ``tz``: the person's own zone in their messages, the clinician's in notices.
    """
    tz = tz or appointment.clinician.tz()
    start = appointment.start.astimezone(tz)
    end = appointment.end.astimezone(tz)
    practice = Practice.load()
    try:
        earlier: Appointment | None = appointment.rescheduled_from
    except Appointment.DoesNotExist:
        earlier = None
    return {
        "when": short_when(start, tz),
        "zone": start.tzname(),
        "zone_city": tz.key.rsplit("/", 1)[-1].replace("_", " "),
        "day": dateformat.format(start, "l, F j, Y"),
        "start_time": dateformat.format(start, "g:i A"),
        "end_time": dateformat.format(end, "g:i A"),
        "minutes": int((appointment.end - appointment.start).total_seconds() // 60),
        "earlier_when": short_when(earlier.start, tz) if earlier else "",
        "format": appointment.format,
        "address_lines": [] if practice.online_only else practice.address_lines(),
        "practice_phone": practice.phone,
        "cancellation_window_hours": practice.cancellation_window_hours,
        "clinician_name": appointment.clinician.name,
        "initials": appointment.initials(),
        "manage_url": site_url(appointment.get_manage_url()),
        "join_url": join_url(appointment),
        "office_url": site_url(reverse("office:home")),
    }


def appointment_email(
    appointment: Appointment,
    *,
    event: Event,
    audience: Audience,
    calendar: bytes | None = None,
    to: str | None = None,
    message_id: str = "",
    together: list[int] | None = None,
) -> EmailMultiAlternatives | None:
    """Return the message about an event for one audience, or None when it has no address.

    ``together`` are the ids of the sessions of a series changed in one go: the message lists
    their times (``series``), and nothing else about them.
    """
    to = to or recipient(appointment, audience)
    if not to:
        return None
    zone = _person_zone(appointment, to) if audience == Audience.PERSON else None
    context = appointment_context(appointment, zone)
    context["series"] = series_times(appointment, together or [], zone)
    message = render_email(f"{audience}-{event}", context, to=to, message_id=message_id)
    if calendar is not None:
        message.attach(CALENDAR_FILENAME, calendar, CALENDAR_MIMETYPE)
    return message


def series_times(appointment: Appointment, together: list[int], tz: ZoneInfo | None) -> list[str]:
    """Return the times of the sessions of the same series among ``together``, earliest first.

    Empty for a change of one session. Only the appointment's own series is read, so a list of
    ids can never show another person's times.
    """
    if len(together) < 2 or appointment.series is None:
        return []
    tz = tz or appointment.clinician.tz()
    starts = (
        Appointment.objects.filter(pk__in=together, series=appointment.series)
        .order_by("start")
        .values_list("start", flat=True)
    )
    return [short_when(start, tz) for start in starts]


def message_id(key: str) -> str:
    """Return a Message-ID made of a random key and the site's host: stable, and naming no one."""
    host = urlsplit(site_url("/")).hostname or "localhost"
    return f"<{key}@{host}>"


def when_in(appointment: Appointment, tz: dt.tzinfo) -> dict[str, Any]:
    """Return the appointment's time as the templates show it, in the zone given."""
    start = appointment.start.astimezone(tz)
    end = appointment.end.astimezone(tz)
    zone_name = getattr(tz, "key", "")
    return {
        "when": short_when(start, tz),
        "zone": start.tzname(),
        "zone_city": zone_name.rsplit("/", 1)[-1].replace("_", " "),
        "day": dateformat.format(start, "l, F j, Y"),
        "start_time": dateformat.format(start, "g:i A"),
        "end_time": dateformat.format(end, "g:i A"),
    }


def reminder_context(appointment: Appointment, tz: dt.tzinfo) -> dict[str, Any]:
    """Return what a reminder may show: when (in the person's zone), how, and the manage link.

    No clinician, no kind of appointment, no practice name: a reminder is read on lock screens.
    """
    practice = Practice.load()
    return {
        **when_in(appointment, tz),
        "format": appointment.format,
        "address_lines": [] if practice.online_only else practice.address_lines(),
        "practice_phone": practice.phone,
        "cancellation_window_hours": practice.cancellation_window_hours,
        "manage_url": site_url(appointment.get_manage_url()),
        "join_url": join_url(appointment),
    }


def reminder_email(
    appointment: Appointment, *, tz: dt.tzinfo, to: str, key: str
) -> EmailMultiAlternatives:
    """Return the reminder email for one person, with a Message-ID fixed by the reminder."""
    return render_email(
        "person-reminder", reminder_context(appointment, tz), to=to, message_id=message_id(key)
    )


def reminder_text(appointment: Appointment, *, tz: dt.tzinfo) -> str:
    """Return the reminder as a short text message: when, how, and one link.

    A video session's text carries its join link only (the page behind it links to the manage
    page), so that two long links do not make the text three messages.
    """
    context = reminder_context(appointment, tz)
    return " ".join(render_text("notifications/text/reminder.txt", context).split())


def agenda_email(
    appointments: list[Appointment], *, tz: dt.tzinfo, day: dt.date, to: str, key: str
) -> EmailMultiAlternatives:
    """Return a clinician's morning agenda: each appointment's times and initials, nothing else."""
    rows = [
        {
            "start_time": dateformat.format(a.start.astimezone(tz), "g:i A"),
            "end_time": dateformat.format(a.end.astimezone(tz), "g:i A"),
            "initials": a.initials(),
        }
        for a in appointments
    ]
    context = {
        "day": dateformat.format(day, "D, M j"),
        "zone": appointments[0].start.astimezone(tz).tzname() if appointments else "",
        "rows": rows,
        "office_url": site_url(reverse("office:calendar") + f"?date={day.isoformat()}&view=day"),
    }
    return render_email("clinician-agenda", context, to=to, message_id=message_id(key))
