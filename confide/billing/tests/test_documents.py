"""Invoices, statements, superbills and Good Faith Estimates, read back from the PDF text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io

import pytest
from pypdf import PdfReader

from confide.billing.documents import (
    BillDocument,
    Diagnosis,
    Estimate,
    EstimateItem,
    Line,
    Payment,
    Provider,
    Recipient,
    money,
    render_bill,
    render_estimate,
    to_latin1,
)

PROVIDER = Provider(
    practice_name="Hudson Counseling PLLC",
    clinician_name="Dana Whitfield",
    credentials="LCSW",
    license="NY LCSW 012345",
    npi="1234567893",
    tax_id="12-3456789",
    address="210 West 89th Street, Suite 4\nNew York, NY 10024",
    phone="(212) 555-0187",
)
RECIPIENT = Recipient(
    name="Zoë Marchetti",
    date_of_birth=dt.date(1990, 4, 7),
    address="45 Elm Street, Apt 2B\nBrooklyn, NY 11215",
    member_id="XJH123456789",
)
DIAGNOSES = (
    Diagnosis(pointer="A", code="F43.10", description="Post-traumatic stress disorder"),
    Diagnosis(pointer="B", code="F41.1", description="Generalized anxiety disorder"),
)
LINES = (
    Line(
        service_date=dt.date(2026, 3, 3),
        description="Psychotherapy, 45 minutes",
        cpt="90834",
        modifier="",
        place="11",
        pointers="AB",
        units=1,
        fee_cents=17500,
        paid_cents=17500,
    ),
    Line(
        service_date=dt.date(2026, 3, 10),
        description="Psychotherapy, 45 minutes",
        cpt="90834",
        modifier="95",
        place="10",
        pointers="A",
        units=1,
        fee_cents=17500,
        paid_cents=10000,
    ),
    Line(
        service_date=dt.date(2026, 3, 17),
        description="Crisis session",
        cpt="90839",
        modifier="95",
        place="02",
        pointers="B",
        units=2,
        fee_cents=125000,
        paid_cents=0,
    ),
)


def bill(kind: str = "superbill", **changes: object) -> BillDocument:
    values: dict[str, object] = {
        "kind": kind,
        "number": "SB-2026-0042",
        "issued_on": dt.date(2026, 3, 31),
        "period_start": dt.date(2026, 3, 1),
        "period_end": dt.date(2026, 3, 31),
        "provider": PROVIDER,
        "recipient": RECIPIENT,
        "diagnoses": DIAGNOSES,
        "lines": LINES,
        "note": "Questions about this bill? Call the practice.",
    }
    values.update(changes)
    return BillDocument(**values)  # type: ignore[arg-type]


def estimate(**changes: object) -> Estimate:
    values: dict[str, object] = {
        "number": "GFE-2026-0007",
        "issued_on": dt.date(2026, 3, 2),
        "recipient": RECIPIENT,
        "provider": PROVIDER,
        "location": "Telehealth",
        "diagnoses": DIAGNOSES,
        "items": (
            EstimateItem(
                description="Psychotherapy, 45 minutes",
                cpt="90834",
                pointers="AB",
                quantity=40,
                unit_cents=17500,
            ),
            EstimateItem(
                description="Intake assessment",
                cpt="90791",
                pointers="A",
                quantity=1,
                unit_cents=22500,
            ),
        ),
        "period_start": dt.date(2026, 3, 2),
        "period_end": dt.date(2027, 3, 1),
        "reason": "requested",
    }
    values.update(changes)
    return Estimate(**values)  # type: ignore[arg-type]


def pages_of(pdf: bytes) -> list[str]:
    """Return each page's text with runs of whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_of(pdf))


# -- Money and text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cents", "expected"),
    [
        (0, "$0.00"),
        (1, "$0.01"),
        (99, "$0.99"),
        (100, "$1.00"),
        (17500, "$175.00"),
        (99999, "$999.99"),
        (100000, "$1,000.00"),
        (123450, "$1,234.50"),
        (123456789, "$1,234,567.89"),
        (-1, "-$0.01"),
        (-2000, "-$20.00"),
        (-123450, "-$1,234.50"),
    ],
)
def test_money_formats_cents_as_dollars(cents: int, expected: str) -> None:
    assert money(cents) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë Brontë-Çelik", "Zoë Brontë-Çelik"),
        ("O\u2019Brien", "O'Brien"),
        ("\u201cquoted\u201d", '"quoted"'),
        ("a \u2013 b \u2014 c", "a - b - c"),
        ("wait\u2026", "wait..."),
        ("Ze\u0301lie", "Zélie"),  # a combining accent joins its letter
        ("Li \u674e", "Li ?"),
        ("smile \U0001f642", "smile ?"),
        ("line one\r\nline two", "line one\nline two"),
        ("tab\there", "tab here"),
        ("\u202eevil", "evil"),  # a bidirectional override is dropped
        ("\x85", "\n"),
    ],
)
def test_to_latin1_keeps_latin1_and_replaces_the_rest(text: str, expected: str) -> None:
    assert to_latin1(text) == expected


# -- Superbills --------------------------------------------------------------------------------


def test_superbill_has_its_title_and_number() -> None:
    text = text_of(render_bill(bill()))

    assert "Superbill" in text
    assert "No. SB-2026-0042" in text
    assert "Issued 03/31/2026" in text
    assert "03/01/2026 to 03/31/2026" in text


@pytest.mark.parametrize(
    "value",
    [
        "Hudson Counseling PLLC",
        "Clinician Dana Whitfield",
        "Credentials LCSW",
        "License NY LCSW 012345",
        "NPI 1234567893",
        "Tax ID 12-3456789",
        "210 West 89th Street, Suite 4",
        "New York, NY 10024",
        "(212) 555-0187",
    ],
)
def test_superbill_shows_each_provider_field(value: str) -> None:
    assert value in text_of(render_bill(bill()))


@pytest.mark.parametrize(
    "value",
    [
        "Name Zoë Marchetti",
        "Date of birth 04/07/1990",
        "45 Elm Street, Apt 2B",
        "Brooklyn, NY 11215",
        "Member ID XJH123456789",
    ],
)
def test_superbill_shows_each_client_field(value: str) -> None:
    assert value in text_of(render_bill(bill()))


def test_superbill_leaves_out_member_id_when_there_is_none() -> None:
    recipient = dataclasses.replace(RECIPIENT, member_id="", date_of_birth=None)

    text = text_of(render_bill(bill(recipient=recipient)))

    assert "Member ID" not in text
    assert "Date of birth Not on file" in text


def test_superbill_lists_each_diagnosis() -> None:
    text = text_of(render_bill(bill()))

    assert "A F43.10 Post-traumatic stress disorder" in text
    assert "B F41.1 Generalized anxiety disorder" in text


@pytest.mark.parametrize("index", range(len(LINES)))
def test_superbill_shows_every_field_of_each_line(index: int) -> None:
    line = LINES[index]
    # Date, service, CPT, modifier, place of service, pointers, units, fee and paid, in order.
    cells = [
        line.service_date.strftime("%m/%d/%Y"),
        line.description,
        line.cpt,
        line.modifier,
        line.place,
        line.pointers,
        str(line.units),
        money(line.fee_cents),
        money(line.paid_cents),
    ]

    text = text_of(render_bill(bill()))

    assert " ".join(cell for cell in cells if cell) in text


def test_superbill_row_reads_as_expected() -> None:
    text = text_of(render_bill(bill()))

    assert "03/17/2026 Crisis session 90839 95 02 B 2 $1,250.00 $0.00" in text
    assert "Date Service CPT Modifier POS Dx Units Fee Paid" in text


def test_superbill_totals_equal_the_sum_of_its_lines() -> None:
    doc = bill()

    text = text_of(render_bill(doc))

    assert doc.total_fees_cents == 17500 + 17500 + 125000
    assert doc.total_paid_cents == 17500 + 10000 + 0
    assert doc.balance_cents == 160000 - 27500
    assert "Total fees $1,600.00" in text
    assert "Total paid $275.00" in text
    assert "Balance $1,325.00" in text


def test_superbill_explains_the_places_of_service_it_uses() -> None:
    text = text_of(render_bill(bill()))

    assert "02 telehealth, not in the client's home" in text
    assert "10 telehealth in the client's home" in text
    assert "11 office" in text


def test_superbill_shows_adjustments_only_when_a_line_has_one() -> None:
    adjusted = (dataclasses.replace(LINES[0], adjustments_cents=-2500), *LINES[1:])

    plain = text_of(render_bill(bill()))
    with_adjustment = text_of(render_bill(bill(lines=adjusted)))

    assert "Adjusted" not in plain
    assert "Fee Adjusted Paid" in with_adjustment
    assert "$175.00 -$25.00 $175.00" in with_adjustment
    assert "Adjustments -$25.00" in with_adjustment
    assert "Balance $1,300.00" in with_adjustment


def test_superbill_has_a_signature_line_with_the_clinician_and_date() -> None:
    text = text_of(render_bill(bill()))

    assert "Clinician signature Date Dana Whitfield, LCSW 03/31/2026" in text


def test_superbill_tells_the_client_to_send_it_to_their_insurer() -> None:
    text = text_of(render_bill(bill()))

    assert "send it to your insurance company" in text
    assert "Questions about this bill? Call the practice." in text


# -- Statements and invoices -------------------------------------------------------------------


def statement(**changes: object) -> BillDocument:
    values: dict[str, object] = {
        "number": "ST-2026-0009",
        "diagnoses": (),
        "lines": (
            dataclasses.replace(LINES[0], paid_cents=0),
            dataclasses.replace(LINES[1], adjustments_cents=-2500, paid_cents=0),
        ),
        "payments": (
            Payment(
                date=dt.date(2026, 3, 4),
                method="Card",
                reference="ch_1001",
                amount_cents=30000,
            ),
            Payment(
                date=dt.date(2026, 3, 20),
                method="Refund (Card)",
                reference="re_77",
                amount_cents=-2000,
            ),
        ),
        "opening_balance_cents": 5000,
    }
    values.update(changes)
    return bill("statement", **values)


def test_statement_closes_on_opening_plus_charges_less_payments() -> None:
    doc = statement()

    text = text_of(render_bill(doc))

    charges = 17500 + (17500 - 2500)
    payments = 30000 - 2000
    assert doc.total_charges_cents == charges
    assert doc.total_payments_cents == payments
    assert doc.balance_cents == 5000 + charges - payments == 9500
    assert "Balance before 03/01/2026 $50.00" in text
    assert "Charges in this period $325.00" in text
    assert "Payments less refunds $280.00" in text
    assert "Balance on 03/31/2026 $95.00" in text


def test_statement_lists_each_charge_and_payment() -> None:
    text = text_of(render_bill(statement()))

    assert "Statement" in text
    assert "03/03/2026 Psychotherapy, 45 minutes $175.00 $0.00 $175.00" in text
    assert "03/10/2026 Psychotherapy, 45 minutes $175.00 -$25.00 $150.00" in text
    assert "03/04/2026 Card ch_1001 $300.00" in text
    assert "03/20/2026 Refund (Card) re_77 -$20.00" in text


def test_statement_says_a_negative_balance_is_a_credit() -> None:
    doc = statement(opening_balance_cents=-50000)

    text = text_of(render_bill(doc))

    assert doc.balance_cents == -50000 + 32500 - 28000
    assert "Balance on 03/31/2026 -$455.00" in text
    assert "credit in your favor" in text


def test_statement_with_nothing_in_the_period_still_shows_the_balance() -> None:
    doc = statement(lines=(), payments=(), opening_balance_cents=12345)

    text = text_of(render_bill(doc))

    assert "No charges in this period." in text
    assert "No payments in this period." in text
    assert "Balance on 03/31/2026 $123.45" in text


def test_statement_and_invoice_leave_out_codes_and_diagnoses() -> None:
    for kind in ("statement", "invoice"):
        text = text_of(render_bill(bill(kind)))

        assert "F43.10" not in text
        assert "90834" not in text
        assert "Member ID" not in text
        assert "Date of birth" not in text


def test_invoice_asks_for_what_its_lines_leave_unpaid() -> None:
    doc = bill("invoice", number="INV-2026-0003", diagnoses=())

    text = text_of(render_bill(doc))

    assert doc.balance_cents == (17500 - 17500) + (17500 - 10000) + (125000 - 0)
    assert "Invoice" in text
    assert "No. INV-2026-0003" in text
    assert "03/10/2026 Psychotherapy, 45 minutes $175.00 $100.00 $75.00" in text
    assert "Total fees $1,600.00" in text
    assert "Paid $275.00" in text
    assert "Amount due $1,325.00" in text


def test_a_bill_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown kind"):
        bill("receipt")


def test_a_bill_whose_period_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        bill(period_end=dt.date(2026, 2, 28))


# -- Good Faith Estimates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "This is an estimate. It is not a contract",
        "it does not oblige you to receive any of the services listed",
        "The services you actually receive, and their charges, may differ from this estimate",
        "Other services may be recommended to you later",
        "you would receive a separate Good Faith Estimate for them",
        "If you are billed at least $400 more than the total expected charges",
        "federal patient-provider dispute resolution process",
        "within 120 calendar days of the date on the original bill",
        "Keep a copy of this estimate",
        "www.cms.gov/nosurprises",
        "1-800-985-3059",
    ],
)
def test_estimate_carries_each_required_disclaimer(phrase: str) -> None:
    assert phrase in text_of(render_estimate(estimate()))


def test_estimate_lists_each_item_and_the_total_expected_charges() -> None:
    est = estimate()

    text = text_of(render_estimate(est))

    assert est.total_cents == 40 * 17500 + 22500
    assert "Service CPT Dx Quantity Fee each Total" in text
    assert "Psychotherapy, 45 minutes 90834 AB 40 $175.00 $7,000.00" in text
    assert "Intake assessment 90791 A 1 $225.00 $225.00" in text
    assert "Total expected charges $7,225.00" in text


@pytest.mark.parametrize(
    "value",
    [
        "Good Faith Estimate",
        "No. GFE-2026-0007",
        "Issued 03/02/2026",
        "from 03/02/2026 to 03/01/2027",
        "because you asked for one",
        "Name Zoë Marchetti",
        "Date of birth 04/07/1990",
        "Brooklyn, NY 11215",
        "Clinician Dana Whitfield, LCSW",
        "License NY LCSW 012345",
        "NPI 1234567893",
        "Tax ID 12-3456789",
        "Location Telehealth",
        "A F43.10 Post-traumatic stress disorder",
    ],
)
def test_estimate_names_the_client_provider_place_and_period(value: str) -> None:
    assert value in text_of(render_estimate(estimate()))


def test_reissued_estimate_names_the_estimate_it_replaces() -> None:
    est = estimate(reason="re-issued because the expected services changed", replaces="GFE-2026-3")

    text = text_of(render_estimate(est))

    assert "Replaces GFE-2026-3" in text
    assert "the services expected for you have changed" in text


def test_estimate_without_diagnoses_or_items_still_renders() -> None:
    text = text_of(render_estimate(estimate(diagnoses=(), items=())))

    assert "Diagnoses" not in text
    assert "Total expected charges $0.00" in text


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 2)),
        (dt.date(2026, 3, 2), dt.date(2027, 3, 1)),
        (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
    ],
)
def test_estimate_may_cover_up_to_twelve_months(start: dt.date, end: dt.date) -> None:
    assert estimate(period_start=start, period_end=end).period_end == end


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        (dt.date(2026, 3, 2), dt.date(2027, 3, 2), "at most twelve months"),
        (dt.date(2028, 2, 29), dt.date(2029, 3, 1), "at most twelve months"),
        (dt.date(2026, 3, 2), dt.date(2026, 3, 1), "ends before it starts"),
    ],
)
def test_estimate_refuses_a_longer_or_backward_period(
    start: dt.date, end: dt.date, error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        estimate(period_start=start, period_end=end)


# -- The file itself ---------------------------------------------------------------------------


def test_same_bill_gives_the_same_bytes() -> None:
    first = render_bill(bill())
    second = render_bill(bill())

    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()


def test_same_estimate_gives_the_same_bytes() -> None:
    assert render_estimate(estimate()) == render_estimate(estimate())


def test_another_issue_date_gives_other_bytes() -> None:
    assert render_bill(bill()) != render_bill(bill(issued_on=dt.date(2026, 4, 1)))


def test_metadata_comes_from_the_document() -> None:
    reader = PdfReader(io.BytesIO(render_bill(bill())))

    assert reader.metadata is not None
    assert reader.metadata.title == "Superbill SB-2026-0042"
    assert reader.metadata.creation_date == dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)


def test_pages_are_us_letter() -> None:
    reader = PdfReader(io.BytesIO(render_estimate(estimate())))

    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_many_lines_run_onto_more_pages_with_the_headings_repeated() -> None:
    lines = tuple(
        dataclasses.replace(LINES[0], service_date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
        for i in range(60)
    )

    pages = pages_of(render_bill(bill(lines=lines, period_start=dt.date(2026, 1, 1))))

    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)} Superbill SB-2026-0042" in page
        assert "Date Service CPT Modifier POS Dx Units Fee Paid" in page
    assert "Page 2 of" in pages[1]
    assert "03/01/2026 Psychotherapy, 45 minutes" in pages[-1]  # the 60th line
    assert "Total fees $10,500.00" in pages[-1]


def test_text_outside_latin1_does_not_break_rendering() -> None:
    recipient = dataclasses.replace(
        RECIPIENT, name="Zoë O\u2019Brien \u674e \U0001f642", address="1 \u201cMain\u201d St"
    )
    doc = bill(recipient=recipient, note="Thank you \u2014 see you soon\u2026 \u2603")

    text = text_of(render_bill(doc))
    estimate_text = text_of(render_estimate(estimate(recipient=recipient)))

    assert "Zoë O'Brien ? ?" in text
    assert '1 "Main" St' in text
    assert "Thank you - see you soon... ?" in text
    assert "Zoë O'Brien ? ?" in estimate_text
