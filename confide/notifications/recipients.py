"""Who hears about an appointment, each with their own ways to be reached and their own zone."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from confide.clients.reach import Reach
from confide.practice.models import time_zone_names
from confide.scheduling.models import Appointment


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """One person an appointment's messages and reminders go to, and how they may be reached.

    ``key`` is stored on each reminder and looked up again when it is sent, so a change of
    address or of wishes between booking and reminder is honoured.
    """

    key: str
    reach: Reach


def appointment_recipients(appointment: Appointment) -> list[Recipient]:
    """Return everyone who hears about this appointment, each by their own wishes.

    A client's session goes to each of the client's people (both partners of a couple, keys
    "person:<id>"); a public booking goes to the person who booked ("consultation:<id>").
    """
    # Messages need no safe times, so the sealed value stays shut.
    if appointment.client_id is not None:
        people = appointment.client.people.all()  # type: ignore[union-attr]
        return [
            Recipient(key=f"person:{person.pk}", reach=person.reach(with_safe_times=False))
            for person in people
        ]
    consultation = appointment.consultation
    if consultation is None:
        return []
    return [
        Recipient(
            key=f"consultation:{consultation.pk}",
            reach=consultation.reach(with_safe_times=False),
        )
    ]


def recipient_find(appointment: Appointment, key: str) -> Recipient | None:
    """Return the recipient a reminder's key names, or None when they are no longer one."""
    return next((r for r in appointment_recipients(appointment) if r.key == key), None)


def recipient_zone(recipient: Recipient, appointment: Appointment) -> zoneinfo.ZoneInfo:
    """Return the zone the person saw times in, else the clinician's."""
    if recipient.reach.time_zone in time_zone_names():
        return zoneinfo.ZoneInfo(recipient.reach.time_zone)
    return appointment.clinician.tz()
