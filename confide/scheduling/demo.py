"""The demo practice's appointment types and hours, and the demo clients' sessions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from confide.clients.models import Client
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule

B = AppointmentType.Booking
K = AppointmentType.Kind

DEMO_TYPES = [
    # slug, name, kind, minutes, fee, in person, video, phone, booking, notice (hours), step
    ("consultation", "Free consultation", K.CONSULTATION, 15, "0", 0, 1, 1, B.PUBLIC, 12, 15),
    ("first-session", "First session", K.FIRST, 60, "220", 1, 1, 0, B.APPROVAL, 48, 30),
    ("individual", "Individual session", K.INDIVIDUAL, 50, "200", 1, 1, 0, B.OFFICE, 24, 30),
    ("couples", "Couples session", K.COUPLES, 80, "240", 1, 1, 0, B.OFFICE, 24, 30),
]  # fmt: skip

# Monday to Thursday 10:00-18:00 with a lunch break; Friday mornings.
DEMO_HOURS = [
    *[(day, dt.time(10), dt.time(13)) for day in (1, 2, 3, 4)],
    *[(day, dt.time(14), dt.time(18)) for day in (1, 2, 3, 4)],
    (5, dt.time(9), dt.time(13)),
]

# Each demo client's session tomorrow, by kind: the type's slug and the start on the clock.
DEMO_SESSIONS = {
    Client.Kind.INDIVIDUAL: ("individual", dt.time(10)),
    Client.Kind.COUPLE: ("couples", dt.time(14)),
}


def scheduling_demo_load(*, clinician: Clinician) -> int:
    """Add the demo types and weekly hours that are missing; return how many rows were made."""
    made = 0
    for order, (
        slug,
        name,
        kind,
        minutes,
        fee,
        in_person,
        video,
        phone,
        booking,
        notice,
        step,
    ) in enumerate(DEMO_TYPES):
        _, created = AppointmentType.objects.get_or_create(
            clinician=clinician,
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "duration_minutes": minutes,
                "buffer_before_minutes": 0,
                "buffer_after_minutes": 10 if minutes > 15 else 5,
                "fee": Decimal(fee),
                "in_person": bool(in_person),
                "video": bool(video),
                "phone": bool(phone),
                "booking": booking,
                "min_notice_minutes": notice * 60,
                "horizon_days": 28 if kind == K.CONSULTATION else 56,
                "slot_step_minutes": step,
                "order": order,
            },
        )
        made += int(created)
    if not AvailabilityRule.objects.filter(clinician=clinician).exists():
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(
                clinician=clinician,
                kind=AvailabilityRule.Kind.WEEKLY,
                weekday=d,
                start_time=s,
                end_time=e,
            )
            for d, s, e in DEMO_HOURS
        )
        made += len(DEMO_HOURS)
    return made


def sessions_demo_load(*, clients: list[Client], now: dt.datetime) -> int:
    """Book each demo client a video session tomorrow; return how many were booked."""
    made = 0
    for client in clients:
        slug, at = DEMO_SESSIONS[Client.Kind(client.kind)]
        kind = AppointmentType.objects.filter(clinician=client.clinician, slug=slug).first()
        if kind is None:
            continue
        tz = client.clinician.tz()
        tomorrow = (now.astimezone(tz) + dt.timedelta(days=1)).date()
        start = dt.datetime.combine(tomorrow, at, tzinfo=tz).astimezone(dt.UTC)
        try:
            with transaction.atomic():
                Appointment.objects.create(
                    clinician=client.clinician, appointment_type=kind, client=client,
                    format="video", start=start, end=start + kind.duration,
                )  # fmt: skip
                made += 1
        except IntegrityError:
            continue  # the time is already taken in this database: leave it
    return made
