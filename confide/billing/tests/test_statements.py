"""Documents issued from real charges: every field a superbill needs, totals, locking, numbers."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from confide.billing import ledger, services
from confide.billing.models import (
    Adjustment,
    BillingSettings,
    Charge,
    Counter,
    Payment,
    Statement,
)
from confide.billing.statements import statement_issue, superbills_issue
from confide.billing.tests.conftest import NPI, client_named, session, utc
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import NoteDetails, note_create, note_sign
from confide.practice.models import Clinician, Practice
from confide.scheduling.attendance import outcome_record
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

Outcome = Appointment.Outcome
NOW = utc("2027-04-01 16:00")
ISSUED_ON = dt.date(2027, 4, 1)
MARCH = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))

LEGAL_NAME = "Samuel Okafor-Lindqvist"
BORN = dt.date(1990, 4, 2)
ADDRESS = "1 Example Street\nBrooklyn, NY 11201"
MEMBER_ID = "XJH123456789"


def _attend(client: Client, start: dt.datetime, actor: User) -> Appointment:
    appointment = session(client, start)
    return outcome_record(
        appointment=appointment,
        outcome=Outcome.ATTENDED,
        now=start + dt.timedelta(hours=1),
        actor=actor,
    )


def _sign_note(
    appointment: Appointment, actor: User, *, service: str, minutes: int, format: str
) -> ClinicalNote:
    """Sign the session's progress note, saying what actually took place."""
    note = note_create(
        client=appointment.client,  # type: ignore[arg-type]
        kind=ClinicalNote.Kind.PROGRESS,
        template=ClinicalNote.Template.FREE,
        sections={"text": "Worked on grounding."},
        author=actor,
        request=None,
        details=NoteDetails(
            appointment_id=appointment.pk,
            service=service,
            service_date=appointment.start.date(),
            started_at=appointment.start,
            ended_at=appointment.start + dt.timedelta(minutes=minutes),
            minutes=minutes,
            format=format,
            risk=ClinicalNote.Risk.NONE_NOTED,
        ),
    )
    return note_sign(note=note, actor=actor, request=None, now=NOW)


def _text(pdf: bytes) -> str:
    """Return the PDF's text, each run of whitespace made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _superbill_ready(client: Client, actor: User) -> None:
    services.billing_details_set(
        person=client.people.order_by("order", "pk").first(),  # type: ignore[arg-type]
        legal_name=LEGAL_NAME, date_of_birth=BORN, address=ADDRESS, member_id=MEMBER_ID,
        actor=actor,
    )  # fmt: skip
    for code in ("F43.10", "F41.1"):
        services.diagnosis_add(client=client, code=code, actor=actor)


@pytest.fixture
def march(billing: BillingSettings, sam: Client, therapist: User) -> list[Charge]:
    """Sam's March: a video session, an office session of 55 minutes, an 80-minute crisis.

    $250 paid on March 20 covers the first ($180) and $70 of the second.
    """
    _superbill_ready(sam, therapist)
    _attend(sam, utc("2027-03-03 15:00"), therapist)
    office = _attend(sam, utc("2027-03-10 15:00"), therapist)
    _sign_note(office, therapist, service="individual", minutes=55, format="in_person")
    crisis = _attend(sam, utc("2027-03-17 15:00"), therapist)
    _sign_note(crisis, therapist, service="crisis", minutes=80, format="video")
    services.payment_record(
        client=sam, kind=Payment.Kind.PAYMENT, received_on=dt.date(2027, 3, 20),
        amount_cents=25000, method=Payment.Method.CHECK, reference="1042", actor=therapist,
        today=ISSUED_ON,
    )  # fmt: skip
    return list(Charge.objects.order_by("service_date"))


def _issue(client: Client, kind: str, actor: User, **values: object) -> Statement:
    arguments: dict[str, object] = {
        "client": client,
        "kind": kind,
        "period_start": MARCH[0],
        "period_end": MARCH[1],
        "actor": actor,
        "now": NOW,
        "issued_on": ISSUED_ON,
    } | values
    return statement_issue(**arguments)  # type: ignore[arg-type]


# -- What a superbill says -------------------------------------------------------------------


def test_an_80_minute_crisis_session_is_coded_90839_and_90840(march: list[Charge]) -> None:
    crisis = march[2]

    assert (crisis.service, crisis.minutes, crisis.cpt) == ("crisis", 80, "90839+90840")
    assert (crisis.modifier, crisis.place, crisis.fee_cents) == ("95", "10", 30000)


@pytest.fixture
def superbill_text(march: list[Charge], sam: Client, therapist: User) -> str:
    return _text(_issue(sam, "superbill", therapist).pdf)


def test_the_superbill_names_the_practice_with_its_address_and_phone(
    superbill_text: str,
) -> None:
    practice = Practice.load()

    assert practice.name in superbill_text
    assert " ".join(practice.address.split()) in superbill_text
    assert f"Phone {practice.phone}" in superbill_text


@pytest.mark.parametrize(
    "expected",
    [
        "Clinician Hannah Brenner",
        "Credentials LCSW",
        "License NY LCSW 084317",
        f"NPI {NPI}",
        "Tax ID 12-3456789",
    ],
)
def test_the_superbill_names_the_clinician_and_their_numbers(
    superbill_text: str, clinician: Clinician, expected: str
) -> None:
    assert (clinician.license_state, clinician.license_number) == ("NY", "084317")
    assert expected in superbill_text


@pytest.mark.parametrize(
    "expected",
    [
        f"Name {LEGAL_NAME}",
        "Date of birth 04/02/1990",
        "1 Example Street Brooklyn, NY 11201",
        f"Member ID {MEMBER_ID}",
    ],
)
def test_the_superbill_names_the_client_as_their_insurer_knows_them(
    superbill_text: str, expected: str
) -> None:
    assert expected in superbill_text


def test_the_superbill_lists_the_diagnoses_in_order(superbill_text: str) -> None:
    assert "A F43.10 Post-traumatic stress disorder, unspecified" in superbill_text
    assert "B F41.1 Generalized anxiety disorder" in superbill_text


# Date, service, CPT, modifier, place of service, diagnosis pointers, units, fee and paid.
LINES = [
    ("03/03/2027", "Individual psychotherapy", "90834", "95", "10", "AB", 1, 18000, 18000),
    # In the office: no telehealth modifier.
    ("03/10/2027", "Individual psychotherapy", "90837", "", "11", "AB", 1, 18000, 7000),
    ("03/17/2027", "Crisis", "90839", "95", "10", "AB", 1, 30000, 0),
    # The add-on carries no amount of its own, so the lines still add up to the charge.
    ("03/17/2027", "Add-on time", "90840", "95", "10", "AB", 1, 0, 0),
]


def _money(cents: int) -> str:
    return services.money_text(cents)


@pytest.mark.parametrize("line", LINES, ids=[f"{line[0]}-{line[2]}" for line in LINES])
def test_the_superbill_shows_every_field_of_each_session(
    superbill_text: str, line: tuple[str, str, str, str, str, str, int, int, int]
) -> None:
    day, service, cpt, modifier, place, pointers, units, fee, paid = line
    cells = [day, service, cpt, modifier, place, pointers, str(units), _money(fee), _money(paid)]

    assert " ".join(cell for cell in cells if cell) in superbill_text


def test_the_superbill_totals_equal_the_sum_of_its_lines(
    march: list[Charge], sam: Client, therapist: User
) -> None:
    statement = _issue(sam, "superbill", therapist)
    text = _text(statement.pdf)

    fees = sum(line[7] for line in LINES)
    paid = sum(line[8] for line in LINES)
    assert (fees, paid) == (66000, 25000)
    assert f"Total fees {_money(fees)}" in text
    assert f"Total paid {_money(paid)}" in text
    assert f"Balance {_money(fees - paid)}" in text
    assert statement.total_cents == fees == sum(c.fee_cents for c in march)
    assert paid == ledger.balance_of(client_id=sam.pk).paid_cents


def test_the_kept_pdf_is_the_one_hashed(march: list[Charge], sam: Client, therapist: User) -> None:
    statement = _issue(sam, "superbill", therapist)
    statement.refresh_from_db()

    assert hashlib.sha256(statement.pdf).hexdigest() == statement.sha256
    assert statement.pdf.startswith(b"%PDF-")


# -- Statements ------------------------------------------------------------------------------


def test_a_statement_closes_on_its_opening_plus_charges_less_payments(
    march: list[Charge], sam: Client, therapist: User
) -> None:
    _attend(sam, utc("2027-02-24 15:00"), therapist)  # unpaid before the period
    # The ledger gives the money to the oldest charge first: the February one now.
    closing = ledger.balance_of(client_id=sam.pk).due_cents
    services.payment_record(
        client=sam, kind=Payment.Kind.PAYMENT, received_on=ISSUED_ON, amount_cents=10000,
        method=Payment.Method.CASH, actor=therapist, today=ISSUED_ON,
    )  # fmt: skip

    text = _text(_issue(sam, "statement", therapist).pdf)

    opening, charges, payments = 18000, 66000, 25000
    assert opening + charges - payments == closing == 59000
    assert f"Balance before 03/01/2027 {_money(opening)}" in text
    assert f"Charges in this period {_money(charges)}" in text
    assert f"Payments less refunds {_money(payments)}" in text  # not April's $100
    assert f"Balance on 03/31/2027 {_money(closing)}" in text
    assert "03/20/2027 Check 1042 $250.00" in text
    # A statement carries no codes and no diagnoses.
    assert "90834" not in text
    assert "F43.10" not in text


def test_an_invoice_lists_only_what_is_still_open(
    march: list[Charge], sam: Client, therapist: User
) -> None:
    invoice = _issue(sam, "invoice", therapist)
    text = _text(invoice.pdf)

    assert set(invoice.charges.all()) == set(march[1:])  # the first is paid in full
    assert "03/03/2027" not in text
    assert "Amount due $410.00" in text


# -- Issued means frozen ---------------------------------------------------------------------


def test_issuing_locks_the_charges_it_lists_and_no_others(
    march: list[Charge], sam: Client, therapist: User
) -> None:
    _attend(sam, utc("2027-04-01 13:00"), therapist)  # after the period

    statement = _issue(sam, "superbill", therapist)

    assert set(statement.charges.all()) == set(march)
    assert {c.pk: c.locked_at for c in Charge.objects.all()} == {
        **{c.pk: NOW for c in march},
        Charge.objects.get(service_date=dt.date(2027, 4, 1)).pk: None,
    }


def test_a_later_correction_reverses_an_issued_charge_instead_of_editing_it(
    march: list[Charge], sam: Client, therapist: User
) -> None:
    statement = _issue(sam, "superbill", therapist)
    first = march[0]
    later = NOW + dt.timedelta(days=1)

    outcome_record(
        appointment=first.appointment,  # type: ignore[arg-type]
        outcome=Outcome.NO_SHOW,
        now=later,
        actor=therapist,
    )

    first.refresh_from_db()
    assert (first.fee_cents, first.cpt, first.locked_at) == (18000, "90834", NOW)
    assert first.replaced_at is not None
    reversal = Adjustment.objects.get(charge=first)
    assert (reversal.kind, reversal.amount_cents) == (Adjustment.Kind.REVERSAL, -18000)
    replacement = Charge.objects.current().get(appointment=first.appointment)
    assert (replacement.kind, replacement.fee_cents, replacement.locked_at) == (
        Charge.Kind.NO_SHOW,
        7500,
        None,
    )
    # The superbill is kept exactly as issued, still listing the session as it was.
    statement.refresh_from_db()
    assert hashlib.sha256(statement.pdf).hexdigest() == statement.sha256
    assert first in statement.charges.all()
    assert ledger.balance_of(client_id=sam.pk).due_cents == 66000 - 18000 + 7500 - 25000


def test_a_correction_before_issuing_simply_follows_the_session(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    appointment = _attend(sam, utc("2027-03-03 15:00"), therapist)

    outcome_record(appointment=appointment, outcome=Outcome.NO_SHOW, now=NOW, actor=therapist)

    (charge,) = Charge.objects.all()
    assert (charge.kind, charge.fee_cents) == (Charge.Kind.NO_SHOW, 7500)
    assert not Adjustment.objects.exists()


# -- Numbers ---------------------------------------------------------------------------------


def test_numbers_run_in_sequence_per_kind_and_year(
    march: list[Charge], sam: Client, clinician: Clinician, therapist: User
) -> None:
    quinn = client_named(clinician, "Quinn")
    _attend(quinn, utc("2027-03-04 15:00"), therapist)

    month = superbills_issue(year=2027, month=3, actor=therapist, now=NOW, issued_on=ISSUED_ON)
    again = _issue(sam, "superbill", therapist)
    invoice = _issue(sam, "invoice", therapist)
    statement = _issue(sam, "statement", therapist)
    next_year = _issue(sam, "superbill", therapist, issued_on=dt.date(2028, 1, 5))

    assert [(s.client, s.number) for s in month] == [
        (sam, "SB-2027-0001"),
        (quinn, "SB-2027-0002"),
    ]
    assert again.number == "SB-2027-0003"
    assert invoice.number == "INV-2027-0001"
    assert statement.number == "ST-2027-0001"
    assert next_year.number == "SB-2028-0001"
    assert f"No. {again.number}" in _text(again.pdf)


# -- A month's superbills in a fixed number of queries ----------------------------------------


def _month_of_sessions(
    clients: list[Client], therapist: User, *, month: int, per_client: int
) -> None:
    for index, client in enumerate(clients):
        for week in range(per_client):
            # A session a day from the 1st of the month, one client an hour.
            day = dt.date(2027, month, 1) + dt.timedelta(days=week)
            _attend(client, utc(f"{day} {14 + index}:00"), therapist)


def test_a_months_superbills_take_as_many_queries_for_six_sessions_as_for_two(
    billing: BillingSettings, sam: Client, clinician: Clinician, therapist: User
) -> None:
    clients = [sam, client_named(clinician, "Quinn"), client_named(clinician, "Ruth")]
    for client in clients:
        _superbill_ready(client, therapist)
    _month_of_sessions(clients, therapist, month=3, per_client=2)
    _month_of_sessions(clients, therapist, month=4, per_client=6)
    # The year's counter exists already, as it would after the first document of the year.
    Counter.objects.create(prefix="SB-2027-")

    counts = []
    for month in (3, 4):
        with CaptureQueriesContext(connection) as queries:
            issued = superbills_issue(
                year=2027, month=month, actor=therapist, now=NOW, issued_on=ISSUED_ON
            )
        assert len(issued) == 3
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert [s.charges.count() for s in Statement.objects.order_by("number")] == [2] * 3 + [6] * 3
