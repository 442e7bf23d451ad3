"""Booking: someone new at an open time, and a client's session or series from the office.

Online booking offers only open slots (working hours, notice, horizon) and checks the time again
inside the transaction that books it. The office is not limited to open slots: a therapist may
book outside working hours (they get a warning, never a block), at short notice or in the past.
The rule that holds for both is the database's: no two active appointments of a clinician
overlap, buffers included (``guard``), so two people booking the same hour at once cannot both
succeed.

Series are all-or-nothing unless the caller asks to skip the dates that collide: the office first
shows which dates collide, and the therapist then chooses to book the rest (docs/decisions/0006).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from confide.accounts.sessions import AnyUser as Actor
from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.scheduling import guard, selectors
from confide.scheduling.changes import audit_client_change
from confide.scheduling.errors import (
    AlreadyBooked,
    ContactMissing,
    NotBookable,
    SeriesCollision,
    SlotTaken,
    SlotUnavailable,
    TimeTaken,
)
from confide.scheduling.events import Event, appointment_changed_send
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.requests import ContactDetails, consultation_request_new

MAX_SERIES = 52


@guard.refusals_announced
def appointment_book(
    *,
    appointment_type: AppointmentType,
    start: dt.datetime,
    format: str,
    contact: ContactDetails,
    now: dt.datetime,
    booking_key: str,
) -> Appointment:
    """Book an open time for someone new, or ask for it when the type needs approval.

    The person gets a consultation request (their details) and an appointment that points to
    it. Raises SlotUnavailable when the time is not offered, SlotTaken when someone else got it
    first, AlreadyBooked when the same form (``booking_key``) was used before, and ContactMissing
    when they gave no way to reach them, or no number to call for an appointment by phone.
    """
    if not appointment_type.is_public or format not in appointment_type.formats():
        raise SlotUnavailable
    if format == Appointment.Format.PHONE and not contact.phone:
        raise ContactMissing("Give a phone number to call you at the time.", field="phone")
    consultation = consultation_request_new(clinician=appointment_type.clinician, contact=contact)
    status = (
        Appointment.Status.CONFIRMED
        if appointment_type.booking == AppointmentType.Booking.PUBLIC
        else Appointment.Status.REQUESTED
    )
    try:
        with guard.held_together():
            if existing := Appointment.objects.filter(booking_key=booking_key).first():
                raise AlreadyBooked(existing)
            if not selectors.slot_is_open(appointment_type=appointment_type, start=start, now=now):
                raise selectors.unavailable_or_taken(
                    appointment_type=appointment_type, start=start, now=now
                )
            consultation.save()
            appointment = Appointment(
                clinician=appointment_type.clinician,
                appointment_type=appointment_type,
                format=format,
                start=start,
                end=start + appointment_type.duration,
                status=status,
                consultation=consultation,
                booking_key=booking_key,
            )
            appointment.save()
            appointment_changed_send(
                appointment=appointment,
                event=Event.BOOKED if status == Appointment.Status.CONFIRMED else Event.REQUESTED,
                actor=None,
            )
            return appointment
    except IntegrityError as error:
        if existing := Appointment.objects.filter(booking_key=booking_key).first():
            raise AlreadyBooked(existing) from error
        if guard.is_overlap(error):
            raise SlotTaken from error
        raise


def _check_booking(*, client: Client, appointment_type: AppointmentType, format: str) -> None:
    if client.status == Client.Status.DISCHARGED or client.anonymized_at is not None:
        raise NotBookable("This client has been discharged.", field="client")
    if appointment_type.clinician_id != client.clinician_id:
        raise NotBookable(
            "Choose a type of appointment of the client's own clinician.",
            field="appointment_type",
        )
    if not appointment_type.active:
        raise NotBookable("This type of appointment is switched off.", field="appointment_type")
    if format not in appointment_type.formats():
        raise NotBookable("This type of appointment isn't held in that format.", field="format")


def _new_appointment(
    *, client: Client, appointment_type: AppointmentType, format: str, start: dt.datetime
) -> Appointment:
    return Appointment(
        clinician_id=client.clinician_id,
        appointment_type=appointment_type,
        format=format,
        start=start,
        end=start + appointment_type.duration,
        status=Appointment.Status.CONFIRMED,
        client=client,
    )


@guard.refusals_announced
def appointment_create(
    *,
    client: Client,
    appointment_type: AppointmentType,
    format: str,
    start: dt.datetime,
    actor: Actor,
    request: HttpRequest | None,
) -> Appointment:
    """Book one confirmed session for a client with the client's clinician, at any free time.

    Raises NotBookable for a booking that makes no sense, TimeTaken when it overlaps.
    """
    _check_booking(client=client, appointment_type=appointment_type, format=format)
    appointment = _new_appointment(
        client=client, appointment_type=appointment_type, format=format, start=start
    )
    with transaction.atomic():
        if not guard.inserted(appointment):
            raise TimeTaken(guard.colliding(appointment))
        appointment_changed_send(appointment=appointment, event=Event.BOOKED, actor=actor)
        audit_client_change(request, actor, AuditEvent.Action.CREATE, client, "appointment booked")
    return appointment


@dataclass(frozen=True)
class SeriesResult:
    """What a series booking made, and the starts it skipped because they collided."""

    booked: list[Appointment]
    skipped: list[dt.datetime] = field(default_factory=list)


@guard.refusals_announced
def appointment_series_create(
    *,
    client: Client,
    appointment_type: AppointmentType,
    format: str,
    starts: list[dt.datetime],
    skip_collisions: bool,
    actor: Actor,
    request: HttpRequest | None,
) -> SeriesResult:
    """Book a series of sessions for a client in one transaction.

    Each insert runs in its own savepoint, so the database's overlap guard decides each date.
    When some collide, SeriesCollision is raised and nothing is booked, unless
    ``skip_collisions`` is set: then the other dates are booked and the colliding ones returned.
    """
    _check_booking(client=client, appointment_type=appointment_type, format=format)
    if not 1 <= len(starts) <= MAX_SERIES:
        raise NotBookable(f"A series has from 1 to {MAX_SERIES} sessions.", field="count")
    booked: list[Appointment] = []
    skipped: list[dt.datetime] = []
    series = uuid.uuid4()
    with transaction.atomic():
        for start in sorted(starts):
            appointment = _new_appointment(
                client=client, appointment_type=appointment_type, format=format, start=start
            )
            appointment.series = series
            if guard.inserted(appointment):
                booked.append(appointment)
            else:
                skipped.append(start)
        if skipped and not skip_collisions:
            # Leaving the block by an exception rolls back every session saved above.
            raise SeriesCollision(skipped, client.clinician.tz())
        if not booked:
            raise SlotTaken("Every date of the series overlaps another appointment.")
        # One message for the whole series, sent with its first session, which lists the dates.
        together = tuple(a.pk for a in booked)
        for index, appointment in enumerate(booked):
            appointment_changed_send(
                appointment=appointment,
                event=Event.BOOKED,
                actor=actor,
                announce=index == 0,
                together=together if index == 0 else (),
            )
        audit_client_change(
            request,
            actor,
            AuditEvent.Action.CREATE,
            client,
            f"{len(booked)} appointments booked as a series",
        )
    return SeriesResult(booked=booked, skipped=skipped)
