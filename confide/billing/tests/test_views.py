"""The office's money pages through the browser's door: who may do what, and what each shows."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from confide.audit.models import AuditEvent
from confide.billing import ledger, services
from confide.billing.models import (
    Adjustment,
    Allocation,
    BillingDetails,
    BillingSettings,
    Charge,
    Diagnosis,
    Fee,
    FeePolicy,
    Payment,
    Service,
    Statement,
)
from confide.billing.tests.conftest import client_named, session, utc
from confide.clients.models import Client
from confide.messaging.models import Message
from confide.messaging.services import message_send_by_person
from confide.office.tests.factories import clinician_of
from confide.portal.models import PortalAccount
from confide.practice.models import Clinician
from confide.scheduling.attendance import outcome_record
from confide.scheduling.models import Appointment

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

SignedIn = Callable[..., HttpClient]
Outcome = Appointment.Outcome

# Noon in New York on Thursday April 1, 2027: the office's "today" in every test here.
NOW = utc("2027-04-01 16:00")
TODAY = dt.date(2027, 4, 1)
MARCH_3 = utc("2027-03-03 15:00")  # 10:00 in New York
MARCH_10 = utc("2027-03-10 15:00")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Stop the clock the views read at NOW, so "today" and the document numbers are fixed."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def _attend(
    client: Client, start: dt.datetime, actor: User, *, slug: str = "individual"
) -> Appointment:
    appointment = session(client, start, slug=slug)
    return outcome_record(
        appointment=appointment,
        outcome=Outcome.ATTENDED,
        now=start + dt.timedelta(hours=1),
        actor=actor,
    )


def _pay(client: Client, cents: int, actor: User, on: dt.date = dt.date(2027, 3, 20)) -> Payment:
    return services.payment_record(
        client=client, kind=Payment.Kind.PAYMENT, received_on=on, amount_cents=cents,
        method=Payment.Method.CHECK, reference="1042", actor=actor, today=TODAY,
    )  # fmt: skip


def _messages(response: Response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _html(response: Response) -> str:
    return response.content.decode()


class _Text(HTMLParser):
    """Collect a page's text, and the cells of each table row, as a reader would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def _section(html: str, heading_id: str) -> _Text:
    """Return the text of the section whose heading has ``heading_id``."""
    start = html.index(f'id="{heading_id}"')
    parser = _Text()
    parser.feed(html[start : html.index("</section>", start)])
    return parser


def _page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html.split("<main", 1)[-1])
    return parser.text()


def _client_billing(client: Client) -> str:
    return reverse("office:client_billing", args=[client.uid])


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(",")}


def _rows(response: Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def two_sessions(billing: BillingSettings, sam: Client, therapist: User) -> list[Charge]:
    """Sam attended two video sessions in March, $180 each, and nothing is paid yet."""
    _attend(sam, MARCH_3, therapist)
    _attend(sam, MARCH_10, therapist)
    return list(Charge.objects.order_by("service_date"))


# -- The overview and one client's account ---------------------------------------------------


def test_the_billing_home_lists_who_owes_and_the_estimates_due(
    signed_in: SignedIn,
    owner: User,
    two_sessions: list[Charge],
    sam: Client,
    clinician: Clinician,
    therapist: User,
) -> None:
    _pay(sam, 10000, therapist)
    services.charge_adjust(
        charge=two_sessions[1], amount_cents=-3000, reason="Late start", actor=therapist
    )
    settled = client_named(clinician, "Quinn")
    _attend(settled, MARCH_3, therapist)
    _pay(settled, 18000, therapist)
    ahead = client_named(clinician, "Pat")
    _attend(ahead, MARCH_3, therapist)
    _pay(ahead, 20000, therapist)
    asking = client_named(clinician, "Ruth")
    services.estimate_request_record(client=asking, on=dt.date(2027, 3, 31), actor=therapist)

    html = _html(signed_in(owner).get(reverse("office:billing")))

    balances = _section(html, "balances")
    # Most owed first, credit last; Quinn paid in full and is not listed.
    assert balances.rows[1:] == [["Sam", "$230.00"], ["Pat", "-$20.00 (credit)"]]
    assert "$230.00 owed in all" in balances.text()
    estimates = _section(html, "estimates-due").text()
    # Asked on Wednesday March 31: due three business days later, the next Monday.
    assert "Ruth" in estimates
    assert "due by Mon, Apr 5" in estimates
    assert "asked for one" in estimates
    assert "Sam" not in estimates


def test_the_client_billing_page_shows_codes_paid_open_and_the_balance(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client, therapist: User
) -> None:
    _pay(sam, 25000, therapist)

    html = _html(signed_in(owner).get(_client_billing(sam)))

    assert "Owes $110.00 · charged $360.00 · paid $250.00" in _page_text(html)
    header, newer, older = _section(html, "charges").rows
    assert header == ["Date", "What", "Codes", "Amount", "Paid", "Open"]
    # Newest first: March 10 is paid $70 of $180 and owes $110; March 3 is paid in full.
    assert (newer[0], newer[1], newer[3:]) == (
        "Mar 10, 2027",
        "Individual psychotherapy",
        ["$180.00", "$70.00", "$110.00"],
    )
    assert (older[0], older[3:]) == ("Mar 3, 2027", ["$180.00", "$180.00", "$0.00"])
    for row in (newer, older):
        # CPT 90834, modifier 95 (video), place of service 10 (telehealth at home).
        assert all(code in row[2] for code in ("90834", "95", "10"))


def test_opening_a_client_billing_page_is_audited(
    signed_in: SignedIn, owner: User, billing: BillingSettings, sam: Client
) -> None:
    signed_in(owner).get(_client_billing(sam))

    (event,) = AuditEvent.objects.filter(client_uid=sam.uid, action=AuditEvent.Action.VIEW)
    assert (event.actor, event.target_type) == (owner, "account")


def test_another_clinician_finds_none_of_the_clients_money(
    signed_in: SignedIn, colleague: User, two_sessions: list[Charge], sam: Client, owner: User
) -> None:
    statement = _issue(signed_in(owner), sam, "statement")
    http = signed_in(colleague)

    assert http.get(_client_billing(sam)).status_code == 404
    assert http.get(reverse("office:charge", args=[two_sessions[0].uid])).status_code == 404
    assert http.get(reverse("office:statement", args=[statement.uid])).status_code == 404
    paid = http.post(
        reverse("office:payment_new", args=[sam.uid]),
        {"kind": "payment", "received_on": "2027-03-20", "amount": "10", "method": "cash"},
    )
    assert paid.status_code == 404
    assert not Payment.objects.exists()


# -- Payments --------------------------------------------------------------------------------


def _post_payment(http: HttpClient, client: Client, amount: str, **values: str) -> Response:
    data = {
        "kind": "payment",
        "received_on": "2027-03-20",
        "amount": amount,
        "method": "check",
        "reference": "1042",
    } | values
    return http.post(reverse("office:payment_new", args=[client.uid]), data)


@pytest.mark.parametrize(
    ("typed", "cents", "paid_per_charge"),
    [
        ("150.00", 15000, [15000, 0]),
        ("$1,250.50", 125050, [18000, 18000]),
    ],
)
def test_a_payment_typed_in_dollars_is_recorded_and_goes_to_the_oldest_charge(
    signed_in: SignedIn,
    practice_manager: User,
    two_sessions: list[Charge],
    sam: Client,
    typed: str,
    cents: int,
    paid_per_charge: list[int],
) -> None:
    response = _post_payment(signed_in(practice_manager), sam, typed)

    assert response.status_code == 302
    assert response["Location"] == _client_billing(sam)
    payment = Payment.objects.get()
    assert (payment.amount_cents, payment.kind, payment.recorded_by) == (
        cents,
        Payment.Kind.PAYMENT,
        practice_manager,
    )
    assert [
        sum(a.amount_cents for a in Allocation.objects.filter(charge=charge))
        for charge in two_sessions
    ] == paid_per_charge
    assert _messages(response) == [f"Payment of {services.money_text(cents)} recorded."]
    assert ledger.balance_of(client_id=sam.pk).due_cents == 36000 - cents


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Amount: This field is required."),
        ("a hundred", "Amount: Enter an amount such as 150 or 150.00."),
        ("150.005", "Amount: Use at most two digits after the point."),
        ("-20", "Amount: Enter an amount of zero or more."),
        ("0", "Enter an amount above zero."),
        ("200000", "Amount: That amount is too large; check it for a typo."),
    ],
)
def test_an_invalid_amount_shows_a_message_and_records_nothing(
    signed_in: SignedIn,
    owner: User,
    two_sessions: list[Charge],
    sam: Client,
    typed: str,
    message: str,
) -> None:
    response = _post_payment(signed_in(owner), sam, typed)

    assert response.status_code == 302
    assert _messages(response) == [message]
    assert not Payment.objects.exists()
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("typed", ["Infinity", "-inf", "sNaN", "NaN"])
def test_an_amount_that_is_not_a_number_is_refused_with_a_message(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client, typed: str
) -> None:
    # Decimal() reads these words; quantizing an infinity or a signalling NaN then raises.
    response = _post_payment(signed_in(owner), sam, typed)

    assert response.status_code == 302
    (message,) = _messages(response)
    assert message.startswith("Amount: ")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("typed", ["150,00", "1,25", "12,5"])
def test_a_comma_that_cannot_separate_thousands_is_refused(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client, typed: str
) -> None:
    # "150,00" is how much of the world writes 150.00: read as 15000.00 it would record a
    # payment a hundred times too large, well under the $100,000 typo guard.
    response = _post_payment(signed_in(owner), sam, typed)

    (message,) = _messages(response)
    assert message.startswith("Amount: ")
    assert not Payment.objects.exists()


def test_a_payment_dated_in_the_future_is_refused(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client
) -> None:
    response = _post_payment(signed_in(owner), sam, "50", received_on="2027-04-02")

    assert _messages(response) == ["A payment cannot be recorded for a day still to come."]
    assert not Payment.objects.exists()


def test_a_refund_beyond_the_clients_credit_is_refused_with_a_message(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client, therapist: User
) -> None:
    _pay(sam, 40000, therapist)  # $40 more than the two sessions
    http = signed_in(owner)

    refused = _post_payment(http, sam, "40.01", kind="refund")

    assert _messages(refused) == [
        "A refund can give back only the client's credit ($40.00). Lower or write off a charge "
        "first if money is owed back for it."
    ]
    assert Payment.objects.filter(kind=Payment.Kind.REFUND).count() == 0

    given = _post_payment(http, sam, "40.00", kind="refund")

    assert _messages(given)[-1] == "Refund of $40.00 recorded."
    assert ledger.balance_of(client_id=sam.pk).due_cents == 0


# -- Adjustments and write-offs --------------------------------------------------------------


def test_an_adjustment_with_a_reason_keeps_the_charge_and_its_history(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge]
) -> None:
    charge = two_sessions[0]
    url = reverse("office:charge", args=[charge.uid])
    http = signed_in(owner)

    response = http.post(
        url, {"kind": "adjustment", "amount": "-20.00", "reason": "Agreed at the session"}
    )

    assert response.status_code == 302
    charge.refresh_from_db()
    assert charge.fee_cents == 18000  # never edited in place
    adjustment = Adjustment.objects.get(charge=charge)
    assert (adjustment.kind, adjustment.amount_cents, adjustment.made_by) == (
        Adjustment.Kind.ADJUSTMENT,
        -2000,
        owner,
    )
    assert adjustment.reason == "Agreed at the session"
    assert "Agreed at the session" not in adjustment.reason_sealed  # sealed at rest
    page = _page_text(_html(http.get(url)))
    assert "charged $180.00" in page
    assert "adjustment of -$20.00" in page
    assert "Reason: Agreed at the session" in page
    assert "Amount now $160.00" in page


def test_a_write_off_forgives_at_most_what_is_open(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client, therapist: User
) -> None:
    _pay(sam, 10000, therapist)  # $100 of the first $180: $80 open on it
    charge = two_sessions[0]
    url = reverse("office:charge", args=[charge.uid])
    http = signed_in(owner)

    refused = http.post(url, {"kind": "write_off", "amount": "80.01", "reason": "Hardship"})

    assert refused.status_code == 400
    assert "A write-off can forgive at most what is open ($80.00)." in _html(refused)
    assert not Adjustment.objects.exists()

    allowed = http.post(url, {"kind": "write_off", "amount": "80.00", "reason": "Hardship"})

    assert allowed.status_code == 302
    adjustment = Adjustment.objects.get()
    assert (adjustment.kind, adjustment.amount_cents) == (Adjustment.Kind.WRITE_OFF, -8000)
    assert ledger.open_cents(charge) == 0


def test_a_charge_replaced_by_a_later_outcome_takes_no_further_adjustment(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client, therapist: User
) -> None:
    charge = two_sessions[0]
    _issue(signed_in(owner), sam, "statement")  # locks both charges
    outcome_record(
        appointment=charge.appointment,  # type: ignore[arg-type]
        outcome=Outcome.NO_SHOW,
        now=NOW,
        actor=therapist,
    )
    charge.refresh_from_db()
    assert charge.replaced_at is not None
    due = ledger.balance_of(client_id=sam.pk).due_cents
    url = reverse("office:charge", args=[charge.uid])
    http = signed_in(owner)
    assert "Adjust or write off" not in _page_text(_html(http.get(url)))

    # The page offers no form for it; a POST made anyway must not put money back on it.
    response = http.post(url, {"kind": "adjustment", "amount": "50.00", "reason": "Typo"})

    assert response.status_code == 400
    assert [a.kind for a in Adjustment.objects.filter(charge=charge)] == [Adjustment.Kind.REVERSAL]
    assert ledger.balance_of(client_id=sam.pk).due_cents == due


def test_an_adjustment_without_a_reason_is_refused(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge]
) -> None:
    url = reverse("office:charge", args=[two_sessions[0].uid])

    response = signed_in(owner).post(url, {"kind": "adjustment", "amount": "-20", "reason": ""})

    assert response.status_code == 400
    assert not Adjustment.objects.exists()


# -- Documents -------------------------------------------------------------------------------


def _issue(http: HttpClient, client: Client, kind: str) -> Statement:
    response = http.post(
        reverse("office:statement_new", args=[client.uid]),
        {"kind": kind, "start": "2027-03-01", "end": "2027-03-31"},
    )
    assert response.status_code == 302
    return Statement.objects.get(client=client, kind=kind)


@pytest.mark.parametrize(
    ("kind", "number", "title"),
    [
        ("statement", "ST-2027-0001", "Statement"),
        ("invoice", "INV-2027-0001", "Invoice"),
        ("superbill", "SB-2027-0001", "Superbill"),
    ],
)
def test_an_issued_document_downloads_exactly_as_issued_and_the_download_is_audited(
    signed_in: SignedIn,
    owner: User,
    two_sessions: list[Charge],
    sam: Client,
    kind: str,
    number: str,
    title: str,
) -> None:
    http = signed_in(owner)

    statement = _issue(http, sam, kind)
    response = http.get(reverse("office:statement", args=[statement.uid]))

    assert statement.number == number
    assert (statement.period_start, statement.period_end) == (
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 31),
    )
    assert statement.issued_on == TODAY
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
    assert "no-store" in _directives(response["Cache-Control"])
    assert hashlib.sha256(response.content).hexdigest() == statement.sha256
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert title in text
    assert f"No. {number}" in text
    (export,) = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)
    assert (export.target_uid, export.client_uid, export.actor) == (statement.uid, sam.uid, owner)
    assert export.summary == f"downloaded {number}"


def test_the_payer_with_a_portal_is_told_in_a_message_without_an_amount(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client
) -> None:
    person = sam.people.get()
    PortalAccount.objects.create(person=person)
    waiting = message_send_by_person(person=person, body="About Tuesday", upload=None, now=NOW)
    http = signed_in(owner)

    response = http.post(
        reverse("office:statement_new", args=[sam.uid]),
        {"kind": "statement", "start": "2027-03-01", "end": "2027-03-31"},
    )

    assert _messages(response) == [
        "Statement ST-2027-0001 issued. Sam is told in a secure message that it is in their portal."
    ]
    (message,) = Message.objects.filter(thread__person=person).exclude(pk=waiting.pk)
    assert message.sender == Message.Sender.PRACTICE
    # The person's own unread message stays unread for their clinician.
    assert message.thread.office_read_at is None
    assert message.body == (
        "A new document is ready for you: your statement ST-2027-0001 is on the Payments page of"
        " your portal, to read and download."
    )
    assert "$" not in message.body
    # Without an open portal account nobody is told; the document is issued all the same.
    PortalAccount.objects.filter(person=person).update(active=False)
    response = http.post(
        reverse("office:statement_new", args=[sam.uid]),
        {"kind": "invoice", "start": "2027-03-01", "end": "2027-03-31"},
    )
    assert _messages(response)[-1] == "Invoice INV-2027-0001 issued."
    assert Message.objects.filter(thread__person=person).count() == 2


def test_issuing_a_document_locks_its_charges_and_says_so(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge], sam: Client
) -> None:
    http = signed_in(owner)

    _issue(http, sam, "invoice")

    assert all(c.locked_at == NOW for c in Charge.objects.all())
    rows = _section(_html(http.get(_client_billing(sam))), "charges").rows[1:]
    assert [row[1] for row in rows] == ["Individual psychotherapy · issued"] * 2


def test_a_document_with_nothing_on_it_is_not_issued(
    signed_in: SignedIn, owner: User, billing: BillingSettings, sam: Client
) -> None:
    response = signed_in(owner).post(
        reverse("office:statement_new", args=[sam.uid]),
        {"kind": "superbill", "start": "2027-03-01", "end": "2027-03-31"},
    )

    assert _messages(response) == ["There is nothing to put on it in that period."]
    assert not Statement.objects.exists()


def test_the_months_superbills_are_issued_one_per_client_with_coded_sessions(
    signed_in: SignedIn,
    owner: User,
    two_sessions: list[Charge],
    sam: Client,
    clinician: Clinician,
    therapist: User,
) -> None:
    couple = client_named(clinician, "Alex", "Jordan")
    _attend(couple, utc("2027-03-11 15:00"), therapist, slug="couples")
    missed = client_named(clinician, "Noor")
    noshow = session(missed, utc("2027-03-12 15:00"))
    outcome_record(appointment=noshow, outcome=Outcome.NO_SHOW, now=NOW, actor=therapist)
    _attend(client_named(clinician, "April"), utc("2027-04-01 13:00"), therapist)
    PortalAccount.objects.create(person=sam.people.get())

    response = signed_in(owner).post(reverse("office:superbills_new"), {"month": "2027-03"})

    assert _messages(response) == [
        "2 superbills issued for 2027-03."
        " 1 told in a secure message that theirs is in their portal."
    ]
    (told,) = Message.objects.all()
    assert told.thread.person == sam.people.get()
    assert "your superbill for March 2027 (SB-2027-000" in told.body
    issued = {s.client: s for s in Statement.objects.all()}
    assert set(issued) == {sam, couple}  # not the no-show (no codes), not April's session
    assert {s.kind for s in issued.values()} == {Statement.Kind.SUPERBILL}
    assert sorted(s.number for s in issued.values()) == ["SB-2027-0001", "SB-2027-0002"]
    assert set(issued[sam].charges.all()) == set(two_sessions)
    assert issued[sam].total_cents == 36000
    assert issued[couple].total_cents == 22000


def test_a_clinician_issues_superbills_for_their_own_clients_only(
    signed_in: SignedIn, colleague: User, two_sessions: list[Charge]
) -> None:
    response = signed_in(colleague).post(reverse("office:superbills_new"), {"month": "2027-03"})

    assert _messages(response) == ["No coded sessions in 2027-03; nothing was issued."]
    assert not Statement.objects.exists()
    assert all(c.locked_at is None for c in Charge.objects.all())


def test_a_month_without_coded_sessions_issues_nothing(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge]
) -> None:
    response = signed_in(owner).post(reverse("office:superbills_new"), {"month": "2027-02"})

    assert _messages(response) == ["No coded sessions in 2027-02; nothing was issued."]
    assert not Statement.objects.exists()


# -- Diagnoses -------------------------------------------------------------------------------


def _diagnoses(client: Client) -> str:
    return reverse("office:diagnoses", args=[client.uid])


def _codes(client: Client) -> list[str]:
    return [d.code for d in Diagnosis.objects.filter(client=client)]


def test_a_diagnosis_is_found_by_a_posted_search_and_added(
    signed_in: SignedIn, therapist: User, billing: BillingSettings, sam: Client
) -> None:
    http = signed_in(therapist)

    found = http.post(_diagnoses(sam), {"q": "post-traumatic stress"})
    added = http.post(_diagnoses(sam), {"code": "f43.10"})

    assert found.status_code == 200
    assert "Post-traumatic stress disorder, unspecified" in _html(found)
    assert 'value="F43.10"' in _html(found)
    assert added.status_code == 302
    assert _messages(added) == ["Diagnosis added."]
    assert _codes(sam) == ["F43.10"]
    # Sealed at rest.
    assert "F43" not in Diagnosis.objects.values_list("code_sealed", flat=True).get()


def test_a_search_in_the_address_is_ignored(
    signed_in: SignedIn, therapist: User, billing: BillingSettings, sam: Client
) -> None:
    response = signed_in(therapist).get(_diagnoses(sam) + "?q=post-traumatic+stress")

    assert response.status_code == 200
    assert "Post-traumatic stress disorder" not in _html(response)


@pytest.mark.parametrize("code", ["F43", "F43.1", "XYZ", ""])
def test_a_code_that_is_not_billable_is_refused(
    signed_in: SignedIn, therapist: User, billing: BillingSettings, sam: Client, code: str
) -> None:
    response = signed_in(therapist).post(_diagnoses(sam), {"code": code})

    (message,) = _messages(response)
    assert "is not a billable ICD-10-CM code; search for it." in message
    assert not Diagnosis.objects.exists()


def test_diagnoses_move_up_and_down_and_are_removed(
    signed_in: SignedIn, therapist: User, billing: BillingSettings, sam: Client
) -> None:
    for code in ("F43.10", "F41.1", "F33.1"):
        services.diagnosis_add(client=sam, code=code, actor=therapist)
    http = signed_in(therapist)

    def change(code: str, action: str) -> Response:
        diagnosis = next(d for d in Diagnosis.objects.filter(client=sam) if d.code == code)
        return http.post(reverse("office:diagnosis", args=[diagnosis.uid]), {"action": action})

    assert change("F43.10", "down")["Location"] == _diagnoses(sam)
    assert _codes(sam) == ["F41.1", "F43.10", "F33.1"]
    change("F33.1", "up")
    assert _codes(sam) == ["F41.1", "F33.1", "F43.10"]
    change("F41.1", "up")  # already first: nothing moves
    assert _codes(sam) == ["F41.1", "F33.1", "F43.10"]
    change("F41.1", "remove")
    assert _codes(sam) == ["F33.1", "F43.10"]


def test_a_practice_manager_never_opens_diagnoses_but_opens_the_billing_page(
    signed_in: SignedIn,
    practice_manager: User,
    therapist: User,
    billing: BillingSettings,
    sam: Client,
) -> None:
    diagnosis = services.diagnosis_add(client=sam, code="F43.10", actor=therapist)
    http = signed_in(practice_manager)

    assert http.get(_diagnoses(sam)).status_code == 403
    assert http.post(_diagnoses(sam), {"q": "anxiety"}).status_code == 403
    assert http.post(_diagnoses(sam), {"code": "F41.1"}).status_code == 403
    change = reverse("office:diagnosis", args=[diagnosis.uid])
    assert http.post(change, {"action": "remove"}).status_code == 403
    assert _codes(sam) == ["F43.10"]
    page = http.get(_client_billing(sam))
    assert page.status_code == 200
    assert "F43.10" not in _html(page)
    assert _diagnoses(sam) not in _html(page)


# -- Fees ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "practice_manager"])
def test_the_owner_and_the_practice_manager_set_a_fee(
    request: pytest.FixtureRequest,
    signed_in: SignedIn,
    billing: BillingSettings,
    clinician: Clinician,
    who: str,
) -> None:
    user: User = request.getfixturevalue(who)

    response = signed_in(user).post(
        reverse("office:fees"),
        {
            "clinician": clinician.pk,
            "service": Service.INDIVIDUAL,
            "amount": "$195.00",
            "starts_on": "2027-05-01",
        },
    )

    assert response.status_code == 302
    assert _messages(response) == ["Fee saved."]
    fee = Fee.objects.get(clinician=clinician, service=Service.INDIVIDUAL, starts_on="2027-05-01")
    assert (fee.amount_cents, fee.created_by) == (19500, user)


def test_a_clinician_sees_only_their_own_fees_and_cannot_set_one(
    signed_in: SignedIn,
    therapist: User,
    colleague: User,
    billing: BillingSettings,
    clinician: Clinician,
) -> None:
    other = clinician_of(colleague)
    Fee.objects.create(
        clinician=other, service=Service.INDIVIDUAL, amount_cents=15500,
        starts_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    before = sorted(Fee.objects.values_list("pk", "amount_cents"))
    http = signed_in(therapist)

    page = _html(http.get(reverse("office:fees")))
    refused = http.post(
        reverse("office:fees"),
        {
            "clinician": clinician.pk,
            "service": "individual",
            "amount": "1",
            "starts_on": "2027-04-01",
        },
    )

    assert "$180.00" in page  # their own individual fee
    assert "$155.00" not in page
    assert other.name not in page
    assert "Set a fee" not in page
    assert _messages(refused) == ["Fees are set by the owner or the practice manager."]
    assert sorted(Fee.objects.values_list("pk", "amount_cents")) == before


# -- Billing settings ------------------------------------------------------------------------

SETTINGS_FORM = {
    "enabled": "on",
    "tax_id": "12-3456789",
    "group_npi": "",
    "late_cancel_policy": FeePolicy.FLAT,
    "late_cancel_cents": "$50.00",
    "no_show_policy": FeePolicy.FULL,
    "no_show_cents": "",
    "statement_note": "Pay by check.",
}


def test_the_owner_turns_billing_on_and_sets_the_policy(
    signed_in: SignedIn, owner: User, demo: None
) -> None:
    assert not BillingSettings.load().enabled

    response = signed_in(owner).post(reverse("office:billing_settings"), SETTINGS_FORM)

    assert response.status_code == 302
    saved = BillingSettings.load()
    assert saved.enabled
    assert (saved.late_cancel_policy, saved.late_cancel_cents) == (FeePolicy.FLAT, 5000)
    assert (saved.no_show_policy, saved.no_show_cents) == (FeePolicy.FULL, 0)
    assert saved.tax_id == "12-3456789"
    assert AuditEvent.objects.filter(target_type="billing settings", actor=owner).count() == 1


def test_a_flat_fee_policy_needs_its_amount(signed_in: SignedIn, owner: User, demo: None) -> None:
    response = signed_in(owner).post(
        reverse("office:billing_settings"), SETTINGS_FORM | {"late_cancel_cents": ""}
    )

    assert response.status_code == 400
    assert "Enter the flat amount, or choose another policy." in _html(response)
    assert not BillingSettings.objects.exists()


def test_a_clinician_cannot_open_or_change_the_billing_settings(
    signed_in: SignedIn, therapist: User, clinician: Clinician
) -> None:
    http = signed_in(therapist)

    assert http.get(reverse("office:billing_settings")).status_code == 403
    assert http.post(reverse("office:billing_settings"), SETTINGS_FORM).status_code == 403
    numbers = {f"c{clinician.pk}-npi": "1234567893", f"c{clinician.pk}-tax_id": ""}
    changed = http.post(reverse("office:clinician_billing", args=[clinician.pk]), numbers)
    assert changed.status_code == 403
    assert not BillingSettings.objects.exists()


# -- Exports for the accountant --------------------------------------------------------------


def _export(http: HttpClient, what: str) -> Response:
    url = reverse("office:billing_export", args=[what])
    return http.get(url, {"start": "2027-03-01", "end": "2027-03-31"})


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        (
            "charges",
            [
                ["date of service", "client", "clinician", "kind", "CPT", "modifier", "place",
                 "fee", "adjustments", "amount", "paid", "open"],
                ["2027-03-03", "Sam", "Hannah Brenner", "Session", "90834", "95", "10",
                 "180.00", "0.00", "180.00", "70.00", "110.00"],
                ["2027-03-10", "Sam", "Hannah Brenner", "Session", "90834", "95", "10",
                 "180.00", "-30.00", "150.00", "0.00", "150.00"],
            ],
        ),
        (
            "payments",
            [
                ["date", "client", "kind", "method", "reference", "amount"],
                ["2027-03-20", "Sam", "Payment", "Check", "1042", "250.00"],
            ],
        ),
        (
            "balances",
            [
                ["client", "opening balance", "charged", "paid", "closing balance"],
                ["Sam", "180.00", "330.00", "250.00", "260.00"],
            ],
        ),
    ],
)  # fmt: skip
def test_an_export_has_its_header_and_a_row_for_each_item_in_the_period(
    signed_in: SignedIn,
    owner: User,
    two_sessions: list[Charge],
    sam: Client,
    therapist: User,
    what: str,
    expected: list[list[str]],
) -> None:
    _attend(sam, utc("2027-02-24 15:00"), therapist)  # before the period: the opening balance
    _pay(sam, 25000, therapist)
    services.charge_adjust(
        charge=two_sessions[1], amount_cents=-3000, reason="Late start", actor=therapist
    )

    response = _export(signed_in(owner), what)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{what}-2027-03-01-2027-03-31.csv"'
    )
    assert "no-store" in _directives(response["Cache-Control"])
    # The February charge took $180 of the $250 first; March 3 has the $70 left.
    assert _rows(response) == expected
    (event,) = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)
    assert event.summary == f"exported {what} from 2027-03-01 to 2027-03-31"


@pytest.mark.parametrize("what", ["charges", "payments", "balances"])
def test_a_clinicians_export_holds_only_their_own_clients(
    signed_in: SignedIn,
    colleague: User,
    two_sessions: list[Charge],
    sam: Client,
    therapist: User,
    what: str,
) -> None:
    _pay(sam, 25000, therapist)

    rows = _rows(_export(signed_in(colleague), what))
    own = _rows(_export(signed_in(therapist), what))

    assert len(rows) == 1  # the header alone: the colleague has no clients
    assert len(own) > 1
    assert rows[0] == own[0]


def test_an_export_without_dates_is_refused(
    signed_in: SignedIn, owner: User, two_sessions: list[Charge]
) -> None:
    response = signed_in(owner).get(reverse("office:billing_export", args=["charges"]))

    assert response.status_code == 302
    assert _messages(response) == ["Choose the dates to export."]


# -- Billing details -------------------------------------------------------------------------


def test_billing_details_are_kept_sealed_and_the_page_then_says_nothing_is_missing(
    signed_in: SignedIn, owner: User, billing: BillingSettings, sam: Client
) -> None:
    person = sam.people.get()
    http = signed_in(owner)
    assert "Sam: no billing details yet" in _page_text(_html(http.get(_client_billing(sam))))

    response = http.post(
        reverse("office:billing_details", args=[sam.uid, person.pk]),
        {
            "legal_name": "Samuel Okafor-Lindqvist",
            "date_of_birth": "1990-04-02",
            "address": "1 Example Street\nBrooklyn, NY 11201",
            "member_id": "XJH123456789",
        },
    )

    assert response.status_code == 302
    details = BillingDetails.objects.get(person=person)
    raw = BillingDetails.objects.values_list("details_sealed", flat=True).get()
    for secret in ("Okafor", "1990-04-02", "Brooklyn", "XJH123456789"):
        assert secret not in raw
    assert details.values() == {
        "legal_name": "Samuel Okafor-Lindqvist",
        "date_of_birth": "1990-04-02",
        "address": "1 Example Street\nBrooklyn, NY 11201",
        "member_id": "XJH123456789",
    }
    assert details.missing() == []
    page = _page_text(_html(http.get(_client_billing(sam))))
    assert "Sam: legal name, date of birth and address kept" in page
    assert "missing" not in page
