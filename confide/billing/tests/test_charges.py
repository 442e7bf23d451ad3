"""Charges follow what happened to sessions, at the fee in force on the date of service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from confide.billing import ledger, services
from confide.billing.charges import fee_for
from confide.billing.models import (
    Adjustment,
    BillingSettings,
    Charge,
    ClientFee,
    Fee,
    FeePolicy,
    Payment,
    Service,
)
from confide.billing.tests.conftest import client_named, session, utc
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import NoteDetails, note_create, note_sign
from confide.practice.models import Clinician
from confide.scheduling.attendance import outcome_record, outcome_undo
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

START = utc("2027-03-10 15:00")  # 10:00 in New York
NOW = START + dt.timedelta(hours=2)
Outcome = Appointment.Outcome


def _record(appointment: Appointment, outcome: str, therapist: User) -> Appointment:
    return outcome_record(appointment=appointment, outcome=outcome, now=NOW, actor=therapist)


def test_an_attended_session_is_charged_with_its_codes(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    appointment = session(sam, START)
    _record(appointment, Outcome.ATTENDED, therapist)
    charge = Charge.objects.get(appointment=appointment)
    assert charge.kind == Charge.Kind.SESSION
    assert charge.fee_cents == 18000
    assert charge.service_date == dt.date(2027, 3, 10)
    # The demo individual session is 50 minutes, by video at the client's home.
    assert (charge.cpt, charge.modifier, charge.place) == ("90834", "95", "10")


def test_nothing_is_charged_while_billing_is_off(sam: Client, therapist: User) -> None:
    _record(session(sam, START), Outcome.ATTENDED, therapist)
    assert not Charge.objects.exists()


def test_a_free_consultation_is_never_charged(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    _record(session(sam, START, slug="consultation"), Outcome.NO_SHOW, therapist)
    assert not Charge.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "policy", "flat", "expected"),
    [
        (Outcome.NO_SHOW, FeePolicy.FLAT, 7500, (Charge.Kind.NO_SHOW, 7500)),
        (Outcome.NO_SHOW, FeePolicy.FULL, 0, (Charge.Kind.NO_SHOW, 18000)),
        (Outcome.NO_SHOW, FeePolicy.NONE, 7500, None),
        (Outcome.LATE_CANCEL, FeePolicy.FULL, 0, (Charge.Kind.LATE_CANCEL, 18000)),
        (Outcome.LATE_CANCEL, FeePolicy.FLAT, 5000, (Charge.Kind.LATE_CANCEL, 5000)),
        (Outcome.LATE_CANCEL, FeePolicy.NONE, 0, None),
        (Outcome.CANCELLED_BY_PRACTICE, FeePolicy.FULL, 0, None),
        (Outcome.CANCELLED_BY_CLIENT, FeePolicy.FULL, 0, None),
    ],
)
def test_missed_sessions_follow_the_practice_policy(
    billing: BillingSettings,
    sam: Client,
    therapist: User,
    outcome: str,
    policy: str,
    flat: int,
    expected: tuple[str, int] | None,
) -> None:
    prefix = "no_show" if outcome == Outcome.NO_SHOW else "late_cancel"
    setattr(billing, f"{prefix}_policy", policy)
    setattr(billing, f"{prefix}_cents", flat)
    billing.save()
    _record(session(sam, START), outcome, therapist)
    charges = [(c.kind, c.fee_cents) for c in Charge.objects.all()]
    assert charges == ([expected] if expected else [])
    if expected:
        # No insurer pays for a missed session: it carries no codes.
        assert Charge.objects.get().cpt == ""


def test_the_fee_in_force_on_the_date_of_service_applies(
    billing: BillingSettings, clinician: Clinician, sam: Client, therapist: User
) -> None:
    Fee.objects.create(
        clinician=clinician, service=Service.INDIVIDUAL, amount_cents=20000,
        starts_on=dt.date(2027, 3, 11),
    )  # fmt: skip
    before, after = session(sam, START), session(sam, START + dt.timedelta(days=1))
    _record(before, Outcome.ATTENDED, therapist)
    outcome_record(appointment=after, outcome=Outcome.ATTENDED, now=NOW + dt.timedelta(days=1),
                   actor=therapist)  # fmt: skip
    assert Charge.objects.get(appointment=before).fee_cents == 18000
    assert Charge.objects.get(appointment=after).fee_cents == 20000


def test_a_client_fee_wins_over_the_standard_fee_from_its_date(
    billing: BillingSettings, clinician: Clinician, sam: Client, therapist: User
) -> None:
    services.client_fee_add(
        client=sam, service="", amount_cents=9000, starts_on=dt.date(2027, 3, 1),
        reason="Sliding scale while between jobs", actor=therapist,
    )  # fmt: skip
    assert fee_for(client=sam, clinician=clinician, service="individual",
                   on=dt.date(2027, 2, 28)) == 18000  # fmt: skip
    assert fee_for(client=sam, clinician=clinician, service="individual",
                   on=dt.date(2027, 3, 1)) == 9000  # fmt: skip
    # The reason is sealed at rest.
    raw = ClientFee.objects.values_list("reason_sealed", flat=True).get()
    assert "between jobs" not in raw


def test_undoing_an_outcome_removes_a_charge_not_yet_issued(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    appointment = _record(session(sam, START), Outcome.ATTENDED, therapist)
    outcome_undo(appointment=appointment, now=NOW, actor=therapist)
    assert not Charge.objects.exists()


def test_correcting_an_issued_charge_reverses_it_and_never_edits_it(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    appointment = _record(session(sam, START), Outcome.ATTENDED, therapist)
    charge = Charge.objects.get()
    Charge.objects.filter(pk=charge.pk).update(locked_at=NOW)  # as if on a statement
    _record(appointment, Outcome.NO_SHOW, therapist)
    charge.refresh_from_db()
    assert charge.fee_cents == 18000
    assert charge.replaced_at is not None
    reversal = Adjustment.objects.get(charge=charge)
    assert (reversal.kind, reversal.amount_cents) == (Adjustment.Kind.REVERSAL, -18000)
    current = Charge.objects.current().get()
    assert (current.kind, current.fee_cents) == (Charge.Kind.NO_SHOW, 7500)
    assert ledger.balance_of(client_id=sam.pk).due_cents == 7500


def test_a_signed_note_sets_the_codes_from_the_actual_minutes(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    appointment = _record(session(sam, START), Outcome.ATTENDED, therapist)
    note = note_create(
        client=sam,
        kind=ClinicalNote.Kind.PROGRESS,
        template=ClinicalNote.Template.FREE,
        sections={"text": "Worked on grounding."},
        author=therapist,
        request=None,
        details=NoteDetails(
            appointment_id=appointment.pk,
            service=ClinicalNote.Service.INDIVIDUAL,
            service_date=dt.date(2027, 3, 10),
            started_at=START,
            ended_at=START + dt.timedelta(minutes=55),
            minutes=55,
            format=ClinicalNote.Format.IN_PERSON,
            risk=ClinicalNote.Risk.NONE_NOTED,
        ),
    )
    note_sign(note=note, actor=therapist, request=None, now=NOW)
    charge = Charge.objects.get()
    assert (charge.cpt, charge.modifier, charge.place, charge.minutes) == ("90837", "", "11", 55)


def test_a_couples_session_bills_the_partner_the_practice_names(
    billing: BillingSettings, clinician: Clinician, therapist: User
) -> None:
    couple = client_named(clinician, "Alex", "Jordan")
    jordan = couple.people.get(name="Jordan")
    services.account_update(client=couple, payer=jordan, self_pay=True, actor=therapist)
    _record(session(couple, START, slug="couples"), Outcome.ATTENDED, therapist)
    charge = Charge.objects.get()
    assert (charge.service, charge.cpt, charge.fee_cents) == ("couples_with_client", "90847", 22000)
    assert couple.account.payer == jordan


def test_payments_refunds_and_write_offs_keep_the_balance(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    _record(session(sam, START - dt.timedelta(days=7)), Outcome.ATTENDED, therapist)
    _record(session(sam, START), Outcome.ATTENDED, therapist)
    today = dt.date(2027, 4, 1)
    services.payment_record(
        client=sam, kind=Payment.Kind.PAYMENT, received_on=dt.date(2027, 3, 20),
        amount_cents=25000, method=Payment.Method.CHECK, reference="1042",
        actor=therapist, today=today,
    )  # fmt: skip
    older, newer = Charge.objects.order_by("service_date")
    assert (ledger.open_cents(older), ledger.open_cents(newer)) == (0, 11000)
    services.charge_adjust(
        charge=newer, amount_cents=-11000, reason="Forgiven", kind=Adjustment.Kind.WRITE_OFF,
        actor=therapist,
    )  # fmt: skip
    assert ledger.balance_of(client_id=sam.pk).due_cents == 0
    # A refund can give back only credit: there is none.
    with pytest.raises(ValidationError):
        services.payment_record(
            client=sam, kind=Payment.Kind.REFUND, received_on=today, amount_cents=100,
            method=Payment.Method.CHECK, actor=therapist, today=today,
        )  # fmt: skip
    # A write-off cannot forgive more than is open, nor any adjustment go below zero.
    with pytest.raises(ValidationError):
        services.charge_adjust(
            charge=older, amount_cents=-100, reason="x", kind=Adjustment.Kind.WRITE_OFF,
            actor=therapist,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.charge_adjust(charge=older, amount_cents=-18001, reason="x", actor=therapist)
    # Lowering a paid charge leaves credit, which can be refunded.
    services.charge_adjust(charge=older, amount_cents=-3000, reason="Agreed", actor=therapist)
    assert ledger.balance_of(client_id=sam.pk).credit_cents == 3000
    services.payment_record(
        client=sam, kind=Payment.Kind.REFUND, received_on=today, amount_cents=3000,
        method=Payment.Method.CHECK, actor=therapist, today=today,
    )  # fmt: skip
    assert ledger.balance_of(client_id=sam.pk).due_cents == 0
    assert all(a.amount_cents > 0 for c in Charge.objects.all() for a in c.allocations.all())
