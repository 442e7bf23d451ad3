"""Who hears about an appointment, each with their own ways to be reached and their own zone."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from confide.practice.models import time_zone_names
from confide.scheduling.models import Appointment


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """One person an appointment's reminders go to.

    ``key`` is stored on each reminder and looked up again when it is sent, so a change of
    address or of wishes between booking and reminder is honoured.
    """

    key: str
    email: str
    phone: str
    may_text: bool
    time_zone: str

    def channels(self) -> list[str]:
        """Return the channels this person may be reminded by: email when they gave one, text
        only when they allowed texts and gave a number."""
        ways = []
        if self.email:
            ways.append("email")
        if self.may_text and self.phone:
            ways.append("text")
        return ways


def appointment_recipients(appointment: Appointment) -> list[Recipient]:
    """Return everyone who gets this appointment's reminders, each by their own preferences.

    A client's session goes to each of the client's people (both partners of a couple, keys
    "person:<id>"); a public booking goes to the person who booked ("consultation:<id>").
    """
    if appointment.client_id is not None:
        people = appointment.client.people.order_by("order", "pk")  # type: ignore[union-attr]
        return [
            Recipient(
                key=f"person:{person.pk}",
                email=person.email,
                phone=person.phone,
                may_text=person.may_text,
                time_zone=person.time_zone,
            )
            for person in people
        ]
    consultation = appointment.consultation
    if consultation is None:
        return []
    return [
        Recipient(
            key=f"consultation:{consultation.pk}",
            email=consultation.email,
            phone=consultation.phone,
            may_text=consultation.may_text,
            time_zone=consultation.time_zone,
        )
    ]


def recipient_find(appointment: Appointment, key: str) -> Recipient | None:
    """Return the recipient a reminder's key names, or None when they are no longer one."""
    return next((r for r in appointment_recipients(appointment) if r.key == key), None)


def recipient_zone(recipient: Recipient, appointment: Appointment) -> zoneinfo.ZoneInfo:
    """Return the zone the person saw times in, else the clinician's."""
    if recipient.time_zone in time_zone_names():
        return zoneinfo.ZoneInfo(recipient.time_zone)
    return appointment.clinician.tz()
