"""Calendar files: one appointment for the person, and the clinician's private feed.

Both say as little as a calendar can: "Appointment" or initials and a length, never a name,
a note, a kind of appointment or a place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import CLASS, STATUS, Calendar, Component, Event, Timezone, vCalAddress, vDuration

from confide.scheduling.models import Appointment

PRODID = "-//Confide//Appointments//EN"
SUMMARY = "Appointment"
# How often a subscribed phone should fetch the feed again.
FEED_REFRESH = dt.timedelta(minutes=30)

# Appointments whose time no longer holds. A rescheduled one shares its UID with the new
# appointment, so a calendar file must follow the move instead of cancelling (see latest()).
GONE_STATUSES = frozenset(
    {
        Appointment.Status.CANCELLED,
        Appointment.Status.DECLINED,
        Appointment.Status.RESCHEDULED,
    }
)


def latest(appointment: Appointment) -> Appointment:
    """Return the appointment this one was finally moved to, or itself when never moved."""
    seen = {appointment.pk}
    while appointment.rescheduled_to_id is not None and appointment.rescheduled_to_id not in seen:
        seen.add(appointment.rescheduled_to_id)
        moved_to = appointment.rescheduled_to
        assert moved_to is not None
        appointment = moved_to
    return appointment


def _status(appointment: Appointment, *, cancel: bool) -> STATUS:
    if cancel or appointment.status in GONE_STATUSES:
        return STATUS.CANCELLED
    if appointment.status == Appointment.Status.REQUESTED:
        return STATUS.TENTATIVE
    return STATUS.CONFIRMED


def _organizer() -> vCalAddress:
    # The neutral sender: RFC 5546 asks for an ORGANIZER in PUBLISH and CANCEL, and clients
    # match a cancellation to the event by UID and organizer.
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = name or "Appointments"
    return organizer


def _event(
    appointment: Appointment, *, tz: ZoneInfo, now: dt.datetime, summary: str, cancel: bool
) -> Event:
    # Times in the clinician's zone with a VTIMEZONE, so a calendar set to another zone still
    # shows the right moment and moves it correctly across daylight-saving changes.
    return Event.new(
        uid=appointment.ical_uid,
        sequence=appointment.ical_sequence,
        summary=summary,
        start=appointment.start.astimezone(tz),
        end=appointment.end.astimezone(tz),
        stamp=now.astimezone(dt.UTC),
        status=_status(appointment, cancel=cancel),
        classification=CLASS.PRIVATE,
    )


def _calendar(
    events: Sequence[Event],
    *,
    method: str,
    tz: ZoneInfo,
    starts: Sequence[dt.datetime],
    name: str | None = None,
) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.calendar_name = name
        # RFC 7986 requires VALUE=DURATION here; older clients read X-PUBLISHED-TTL instead.
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    if starts:
        calendar.add_component(_vtimezone(tz, starts))
    for event in events:
        calendar.add_component(event)
    return calendar


def _vtimezone(tz: ZoneInfo, starts: Sequence[dt.datetime]) -> Timezone:
    """Return a VTIMEZONE for the zone around these times, with one observance per change.

    icalendar writes each kind of observance once with its later onsets as RDATE values.
    ical.js (Thunderbird's parser, like libical before it was fixed) ignores the DTSTART of an
    observance that has RDATEs and reads only the first value of each RDATE line, which puts
    times a DST change away an hour off. An observance per onset, DTSTART only, is read right
    by every client. A year either side is plenty and keeps the file small.
    """
    generated = Timezone.from_tzinfo(
        tz,
        first_date=min(starts).astimezone(tz).date() - dt.timedelta(days=366),
        last_date=max(starts).astimezone(tz).date() + dt.timedelta(days=366),
    )
    onsets: list[tuple[dt.datetime, Component]] = []
    for observance in generated.subcomponents:
        for onset in [observance.DTSTART, *(rdate for rdate, _ in observance.rdates)]:
            single = type(observance)()
            for name in ("TZNAME", "TZOFFSETFROM", "TZOFFSETTO"):
                single.add(name, observance[name])
            single.add("DTSTART", onset)
            onsets.append((onset, single))
    vtimezone = Timezone()
    vtimezone.add("TZID", generated["TZID"])
    for _, single_onset in sorted(onsets, key=lambda pair: pair[0]):
        vtimezone.add_component(single_onset)
    return vtimezone


def appointment_ics(appointment: Appointment, *, now: dt.datetime, cancel: bool = False) -> bytes:
    """Return a calendar file for the person: one event, or its cancellation.

    PUBLISH rather than REQUEST: a REQUEST asks the reader to answer an organizer as an
    attendee, and there is nobody to answer. ``cancel`` (or a status that no longer holds)
    makes it METHOD:CANCEL with STATUS:CANCELLED, which removes the event the UID names.
    """
    cancelled = cancel or appointment.status in GONE_STATUSES
    tz = appointment.clinician.tz()
    event = _event(appointment, tz=tz, now=now, summary=SUMMARY, cancel=cancelled)
    event.add("organizer", _organizer())
    calendar = _calendar(
        [event], method="CANCEL" if cancelled else "PUBLISH", tz=tz, starts=[appointment.start]
    )
    body: bytes = calendar.to_ical()
    return body


def feed_summary(appointment: Appointment) -> str:
    """Return the title of a feed entry: the person's initials and the length, nothing else."""
    minutes = int((appointment.end - appointment.start).total_seconds() // 60)
    return f"{appointment.initials()} · {minutes} min"


def clinician_feed_ics(
    appointments: Iterable[Appointment], *, tz: ZoneInfo, now: dt.datetime
) -> bytes:
    """Return the clinician's private feed: one private event per appointment, in their zone."""
    items = list(appointments)
    events = [
        _event(appointment, tz=tz, now=now, summary=feed_summary(appointment), cancel=False)
        for appointment in items
    ]
    calendar = _calendar(
        events, method="PUBLISH", tz=tz, starts=[a.start for a in items], name="Appointments"
    )
    body: bytes = calendar.to_ical()
    return body
