"""Invoices, statements, superbills and Good Faith Estimates as PDFs, drawn from plain values.

Nothing here touches the database: the callers (statements.py, estimates.py) gather the facts into
the frozen dataclasses below, and the renderers turn them into bytes. The same values always give
the same bytes, because the issued PDF is hashed and kept.

Text is set in the PDF core font Helvetica, so it stays extractable and no font file is embedded;
that font covers Latin-1 only, so typographic quotes and dashes become their ASCII look-alikes and
any other character outside Latin-1 becomes "?".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from confide.lib.text import clean_text

Kind = Literal["invoice", "statement", "superbill"]
KINDS: tuple[Kind, ...] = ("invoice", "statement", "superbill")
TITLES: dict[str, str] = {
    "invoice": "Invoice",
    "statement": "Statement",
    "superbill": "Superbill",
    "estimate": "Good Faith Estimate",
}
PLACES = {
    "02": "telehealth, not in the client's home",
    "10": "telehealth in the client's home",
    "11": "office",
}
DISPUTE_THRESHOLD_CENTS = 400_00
DISPUTE_DAYS = 120
NO_SURPRISES_URL = "www.cms.gov/nosurprises"
NO_SURPRISES_PHONE = "1-800-985-3059"

FONT = "Helvetica"
INK = (20, 20, 20)
MUTED = (95, 95, 95)
RULE = (190, 190, 190)
SHADE = (238, 238, 238)
MARGIN_X = 16.0
MARGIN_TOP = 14.0
MARGIN_BOTTOM = 18.0
LABEL_WIDTH = 26.0
# A distinctive alias, so no name or note can contain it by accident.
PAGES_ALIAS = "{confide-pages}"


# -- Values ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Provider:
    practice_name: str
    clinician_name: str
    credentials: str
    license: str
    npi: str
    tax_id: str
    address: str
    phone: str


@dataclass(frozen=True, kw_only=True)
class Recipient:
    name: str
    date_of_birth: dt.date | None
    address: str
    member_id: str = ""


@dataclass(frozen=True, kw_only=True)
class Diagnosis:
    pointer: str
    code: str
    description: str


@dataclass(frozen=True, kw_only=True)
class Line:
    service_date: dt.date
    description: str
    cpt: str
    modifier: str
    place: str
    pointers: str
    units: int
    fee_cents: int
    paid_cents: int
    adjustments_cents: int = 0

    @property
    def charge_cents(self) -> int:
        """Return the fee after adjustments (a discount or write-off is negative)."""
        return self.fee_cents + self.adjustments_cents

    @property
    def due_cents(self) -> int:
        return self.charge_cents - self.paid_cents


@dataclass(frozen=True, kw_only=True)
class Payment:
    date: dt.date
    method: str
    reference: str
    amount_cents: int


@dataclass(frozen=True, kw_only=True)
class BillDocument:
    kind: Kind
    number: str
    issued_on: dt.date
    period_start: dt.date
    period_end: dt.date
    provider: Provider
    recipient: Recipient
    diagnoses: tuple[Diagnosis, ...]
    lines: tuple[Line, ...]
    payments: tuple[Payment, ...] = ()
    opening_balance_cents: int = 0
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown kind of bill: {self.kind!r}.")
        if self.period_end < self.period_start:
            raise ValueError("The period ends before it starts.")

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def total_fees_cents(self) -> int:
        return sum(line.fee_cents for line in self.lines)

    @property
    def total_adjustments_cents(self) -> int:
        return sum(line.adjustments_cents for line in self.lines)

    @property
    def total_charges_cents(self) -> int:
        """Return the fees after adjustments."""
        return self.total_fees_cents + self.total_adjustments_cents

    @property
    def total_paid_cents(self) -> int:
        """Return what has been paid towards these lines, whenever it was paid."""
        return sum(line.paid_cents for line in self.lines)

    @property
    def total_payments_cents(self) -> int:
        """Return the payments received in the period, less refunds."""
        return sum(payment.amount_cents for payment in self.payments)

    @property
    def balance_cents(self) -> int:
        """Return a statement's closing balance, or what an invoice's or superbill's lines owe.

        A statement runs on the account: previous balance, plus the period's charges, less the
        period's payments. The other kinds only look at their own lines.
        """
        if self.kind == "statement":
            return self.opening_balance_cents + self.total_charges_cents - self.total_payments_cents
        return self.total_charges_cents - self.total_paid_cents


@dataclass(frozen=True, kw_only=True)
class EstimateItem:
    description: str
    cpt: str
    pointers: str
    quantity: int
    unit_cents: int

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass(frozen=True, kw_only=True)
class Estimate:
    number: str
    issued_on: dt.date
    recipient: Recipient
    provider: Provider
    location: str
    diagnoses: tuple[Diagnosis, ...]
    items: tuple[EstimateItem, ...]
    period_start: dt.date
    period_end: dt.date
    reason: str
    replaces: str = ""

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise ValueError("The period ends before it starts.")
        # The No Surprises Act lets one estimate cover at most twelve months of services.
        if self.period_end >= _one_year_after(self.period_start):
            raise ValueError("A Good Faith Estimate covers at most twelve months.")

    @property
    def title(self) -> str:
        return TITLES["estimate"]

    @property
    def total_cents(self) -> int:
        return sum(item.total_cents for item in self.items)


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, month=3, day=1)


# -- Text --------------------------------------------------------------------------------------


def money(cents: int) -> str:
    """Return whole cents as US dollars: 123450 -> "$1,234.50", -2000 -> "-$20.00"."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


_ASCII = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "*",
        "\t": " ",
    }
)


def to_latin1(text: str) -> str:
    """Return ``text`` as the core fonts can show it: Latin-1, ASCII quotes, "?" for the rest."""
    text = clean_text(text, multiline=True).translate(_ASCII)
    # Latin-1's own control block (U+0080 to U+009F) has no glyphs either.
    return "".join(
        char if char == "\n" or " " <= char <= "~" or "\u00a0" <= char <= "\u00ff" else "?"
        for char in text
    )


def _day(day: dt.date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "Not on file"


def _span(start: dt.date, end: dt.date) -> str:
    return f"{_day(start)} to {_day(end)}"


# -- Drawing -----------------------------------------------------------------------------------


class _Pdf(FPDF):
    """A Letter page with the document's name and number and "Page n of N" in the footer."""

    def __init__(self, *, title: str, number: str, issued_on: dt.date, author: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self._footer_text = f"{title} {number}".strip()
        self.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        self.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)
        self.alias_nb_pages(PAGES_ALIAS)
        self.set_title(self._footer_text)
        self.set_author(author)
        self.set_creator("Confide")
        self.set_lang("en-US")
        # The issued PDF is hashed, so the date in it must come from the document, not the clock.
        # Noon UTC falls on the same calendar day in every US time zone; the default file ID
        # hashes the content and this date, so it is fixed too.
        self.set_creation_date(dt.datetime.combine(issued_on, dt.time(12), tzinfo=dt.UTC))
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)
        self.add_page()

    def normalize_text(self, text: str) -> str:
        # Every string drawn passes through here, so none can fail to encode.
        return super().normalize_text(to_latin1(text))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        half = self.epw / 2
        # The page count goes on the left: fpdf2 sizes a cell by the alias, not by the count
        # that replaces it, so right-aligned it would end short of the margin.
        self.cell(half, 5, f"Page {self.page_no()} of {PAGES_ALIAS}", align=Align.L)
        self.cell(half, 5, self._footer_text, align=Align.R)
        self.set_text_color(*INK)


Rows = Sequence[tuple[str, str]]


def _letterhead(pdf: _Pdf, provider: Provider, title: str, facts: Rows) -> None:
    """Draw the practice on the left and the document's title and particulars on the right."""
    top = pdf.get_y()
    left_width = pdf.epw * 0.55
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(
        left_width, 6, provider.practice_name, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(FONT, size=9.5)
    lines = [*provider.address.strip().splitlines()]
    if provider.phone:
        lines.append(f"Phone {provider.phone}")
    pdf.multi_cell(
        left_width, 4.6, "\n".join(lines), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    left_bottom = pdf.get_y()

    right_x = pdf.l_margin + left_width
    right_width = pdf.epw - left_width
    pdf.set_xy(right_x, top)
    pdf.set_font(FONT, "B", 18)
    pdf.cell(right_width, 9, title, align=Align.R, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9.5)
    for label, value in facts:
        pdf.set_x(right_x)
        pdf.cell(right_width, 4.6, f"{label} {value}", align=Align.R)
        pdf.ln(4.6)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(4)


def _field_block(pdf: _Pdf, x: float, width: float, heading: str, rows: Rows) -> float:
    """Draw a heading over label/value rows from the current height; return the bottom."""
    pdf.set_x(x)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(width, 5.5, heading, new_x=XPos.LEFT, new_y=YPos.NEXT)
    for label, value in rows:
        top = pdf.get_y()
        pdf.set_xy(x, top)
        pdf.set_font(FONT, size=8.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(LABEL_WIDTH, 4.8, label)
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, size=9.5)
        pdf.set_xy(x + LABEL_WIDTH, top)
        pdf.multi_cell(
            width - LABEL_WIDTH, 4.8, value.strip() or "-", align=Align.L, new_y=YPos.NEXT
        )
    return pdf.get_y()


def _two_blocks(pdf: _Pdf, left: tuple[str, Rows], right: tuple[str, Rows]) -> None:
    top = pdf.get_y()
    gutter = 8.0
    width = (pdf.epw - gutter) / 2
    left_bottom = _field_block(pdf, pdf.l_margin, width, *left)
    pdf.set_y(top)
    right_bottom = _field_block(pdf, pdf.l_margin + width + gutter, width, *right)
    pdf.set_y(max(left_bottom, right_bottom) + 5)


def _heading(pdf: _Pdf, text: str) -> None:
    # Keep a heading with at least the first rows of what follows it.
    if pdf.will_page_break(22):
        pdf.add_page()
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(pdf.epw, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.5)


def _paragraph(pdf: _Pdf, text: str, *, size: float = 9.5, bullet: bool = False) -> None:
    """Draw wrapped text, moving it whole to the next page rather than splitting it."""
    pdf.set_font(FONT, size=size)
    height = size * 0.5
    indent = 4.0 if bullet else 0.0
    width = pdf.epw - indent
    needed = pdf.multi_cell(width, height, text, dry_run=True, output=MethodReturnValue.HEIGHT)
    if pdf.will_page_break(cast(float, needed)):
        pdf.add_page()
    top = pdf.get_y()
    if bullet:
        pdf.set_xy(pdf.l_margin, top)
        pdf.cell(indent, height, "-")
    pdf.set_xy(pdf.l_margin + indent, top)
    pdf.multi_cell(width, height, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


@dataclass(frozen=True)
class _Column:
    heading: str
    width: float  # a share of the page; the flexible column takes what the others leave
    numeric: bool = False


def _table(pdf: _Pdf, columns: Sequence[_Column], rows: Sequence[Sequence[str]]) -> None:
    """Draw a table whose heading row repeats on every page it runs onto."""
    pdf.set_font(FONT, size=9)
    with pdf.table(
        width=pdf.epw,
        col_widths=tuple(column.width for column in columns),
        text_align=tuple(Align.R if column.numeric else Align.L for column in columns),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD", fill_color=SHADE),
        line_height=4.6,
        padding=(1.2, 1.5),
        v_align="TOP",
        repeat_headings=1,
    ) as table:
        table.row([column.heading for column in columns])
        for cells in rows:
            table.row(list(cells))
    pdf.ln(3)


def _flex(fixed: Sequence[_Column], epw: float) -> float:
    return epw - sum(column.width for column in fixed)


def _summary(pdf: _Pdf, rows: Rows) -> None:
    """Draw totals at the right, the last row in bold."""
    if pdf.will_page_break(6 * len(rows) + 4):
        pdf.add_page()
    pdf.set_font(FONT, size=9.5)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        width=92,
        col_widths=(60, 32),
        align=Align.R,
        text_align=(Align.L, Align.R),
        borders_layout=TableBordersLayout.NONE,
        first_row_as_headings=False,
        line_height=5,
        padding=(0.6, 1.5),
    ) as table:
        for index, (label, value) in enumerate(rows):
            table.row([label, value], style=bold if index == len(rows) - 1 else None)
    pdf.ln(4)


# -- Bills -------------------------------------------------------------------------------------


def render_bill(doc: BillDocument) -> bytes:
    """Return an invoice, a statement or a superbill as PDF bytes."""
    pdf = _Pdf(
        title=doc.title,
        number=doc.number,
        issued_on=doc.issued_on,
        author=doc.provider.practice_name,
    )
    facts: list[tuple[str, str]] = []
    if doc.number:
        facts.append(("No.", doc.number))
    facts.append(("Issued", _day(doc.issued_on)))
    period = "Services" if doc.kind == "superbill" else "Period"
    facts.append((period, _span(doc.period_start, doc.period_end)))
    _letterhead(pdf, doc.provider, doc.title, facts)
    if doc.kind == "superbill":
        _superbill(pdf, doc)
    elif doc.kind == "statement":
        _statement(pdf, doc)
    else:
        _invoice(pdf, doc)
    return bytes(pdf.output())


def _clinician(provider: Provider) -> str:
    return ", ".join(part for part in (provider.clinician_name, provider.credentials) if part)


def _address_rows(recipient: Recipient) -> list[tuple[str, str]]:
    return [("Name", recipient.name), ("Address", recipient.address)]


def _bill_to(pdf: _Pdf, doc: BillDocument) -> None:
    _two_blocks(
        pdf,
        ("Bill to", _address_rows(doc.recipient)),
        (
            "From",
            [("Clinician", _clinician(doc.provider)), ("Practice", doc.provider.practice_name)],
        ),
    )


def _adjusted(doc: BillDocument) -> bool:
    return any(line.adjustments_cents for line in doc.lines)


def _invoice(pdf: _Pdf, doc: BillDocument) -> None:
    _bill_to(pdf, doc)
    _heading(pdf, "Services")
    adjusted = _adjusted(doc)
    money_columns = [_Column("Fee", 24, numeric=True)]
    if adjusted:
        money_columns.append(_Column("Adjustment", 24, numeric=True))
    money_columns += [_Column("Paid", 24, numeric=True), _Column("Due", 24, numeric=True)]
    fixed = [_Column("Date", 22), *money_columns]
    columns = [fixed[0], _Column("Description", _flex(fixed, pdf.epw)), *money_columns]
    rows = []
    for line in doc.lines:
        amounts = [money(line.fee_cents)]
        if adjusted:
            amounts.append(money(line.adjustments_cents))
        amounts += [money(line.paid_cents), money(line.due_cents)]
        rows.append([_day(line.service_date), line.description, *amounts])
    if rows:
        _table(pdf, columns, rows)
    else:
        _paragraph(pdf, "Nothing is charged on this invoice.")
    totals = [("Total fees", money(doc.total_fees_cents))]
    if adjusted:
        totals.append(("Adjustments", money(doc.total_adjustments_cents)))
    totals += [
        ("Paid", money(doc.total_paid_cents)),
        ("Amount due", money(doc.balance_cents)),
    ]
    _summary(pdf, totals)
    _closing_note(pdf, doc.note)


def _statement(pdf: _Pdf, doc: BillDocument) -> None:
    _bill_to(pdf, doc)
    _heading(pdf, "Charges")
    adjusted = _adjusted(doc)
    money_columns = [_Column("Fee", 24, numeric=True)]
    if adjusted:
        money_columns += [
            _Column("Adjustment", 24, numeric=True),
            _Column("Charge", 24, numeric=True),
        ]
    fixed = [_Column("Date", 22), *money_columns]
    columns = [fixed[0], _Column("Description", _flex(fixed, pdf.epw)), *money_columns]
    rows = []
    for line in doc.lines:
        amounts = [money(line.fee_cents)]
        if adjusted:
            amounts += [money(line.adjustments_cents), money(line.charge_cents)]
        rows.append([_day(line.service_date), line.description, *amounts])
    if rows:
        _table(pdf, columns, rows)
    else:
        _paragraph(pdf, "No charges in this period.")

    _heading(pdf, "Payments and refunds")
    payment_columns = [_Column("Date", 22), _Column("Amount", 28, numeric=True)]
    width = _flex(payment_columns, pdf.epw) / 2
    payment_rows = [
        [_day(p.date), p.method, p.reference, money(p.amount_cents)] for p in doc.payments
    ]
    if payment_rows:
        columns = [
            payment_columns[0],
            _Column("Method", width),
            _Column("Reference", width),
            payment_columns[1],
        ]
        _table(pdf, columns, payment_rows)
    else:
        _paragraph(pdf, "No payments in this period.")

    _summary(
        pdf,
        [
            (f"Balance before {_day(doc.period_start)}", money(doc.opening_balance_cents)),
            ("Charges in this period", money(doc.total_charges_cents)),
            ("Payments less refunds", money(doc.total_payments_cents)),
            (f"Balance on {_day(doc.period_end)}", money(doc.balance_cents)),
        ],
    )
    if doc.balance_cents < 0:
        _paragraph(pdf, "A balance below zero is a credit in your favor.")
    _closing_note(pdf, doc.note)


def _superbill(pdf: _Pdf, doc: BillDocument) -> None:
    provider, recipient = doc.provider, doc.recipient
    client_rows = [
        ("Name", recipient.name),
        ("Date of birth", _day(recipient.date_of_birth)),
        ("Address", recipient.address),
    ]
    if recipient.member_id:
        client_rows.append(("Member ID", recipient.member_id))
    _two_blocks(
        pdf,
        ("Client", client_rows),
        (
            "Provider",
            [
                ("Clinician", provider.clinician_name),
                ("Credentials", provider.credentials),
                ("License", provider.license),
                ("NPI", provider.npi),
                ("Tax ID", provider.tax_id),
            ],
        ),
    )

    _heading(pdf, "Diagnoses (ICD-10)")
    _diagnoses(pdf, doc.diagnoses)

    _heading(pdf, "Services")
    adjusted = _adjusted(doc)
    money_columns = [_Column("Fee", 20, numeric=True)]
    if adjusted:
        money_columns.append(_Column("Adjusted", 20, numeric=True))
    money_columns.append(_Column("Paid", 20, numeric=True))
    codes = [
        _Column("CPT", 13),
        _Column("Modifier", 16),
        _Column("POS", 10),
        _Column("Dx", 10),
        _Column("Units", 11, numeric=True),
    ]
    fixed = [_Column("Date", 20), *codes, *money_columns]
    columns = [fixed[0], _Column("Service", _flex(fixed, pdf.epw)), *codes, *money_columns]
    rows = []
    for line in doc.lines:
        amounts = [money(line.fee_cents)]
        if adjusted:
            amounts.append(money(line.adjustments_cents))
        amounts.append(money(line.paid_cents))
        rows.append(
            [
                _day(line.service_date),
                line.description,
                line.cpt,
                line.modifier,
                line.place,
                line.pointers,
                str(line.units),
                *amounts,
            ]
        )
    if rows:
        _table(pdf, columns, rows)
    else:
        _paragraph(pdf, "No services in this period.")
    places = sorted({line.place for line in doc.lines if line.place in PLACES})
    if places:
        legend = "; ".join(f"{place} {PLACES[place]}" for place in places)
        _paragraph(pdf, f"Place of service (POS): {legend}.", size=8.5)

    totals = [("Total fees", money(doc.total_fees_cents))]
    if adjusted:
        totals.append(("Adjustments", money(doc.total_adjustments_cents)))
    totals += [
        ("Total paid", money(doc.total_paid_cents)),
        ("Balance", money(doc.balance_cents)),
    ]
    _summary(pdf, totals)

    _paragraph(
        pdf,
        "This superbill is for your own claim. To ask for reimbursement, send it to your "
        "insurance company with any claim form it asks for; the practice does not file claims "
        "on your behalf. What your plan repays is decided by your insurer.",
    )
    _closing_note(pdf, doc.note)
    _signature(pdf, provider, doc.issued_on)


def _diagnoses(pdf: _Pdf, diagnoses: Sequence[Diagnosis]) -> None:
    if not diagnoses:
        _paragraph(pdf, "No diagnosis codes on file.")
        return
    fixed = [_Column("Pointer", 18), _Column("Code", 24)]
    _table(
        pdf,
        [*fixed, _Column("Description", _flex(fixed, pdf.epw))],
        [[d.pointer, d.code, d.description] for d in diagnoses],
    )


def _closing_note(pdf: _Pdf, note: str) -> None:
    if note.strip():
        _paragraph(pdf, note.strip())


def _signature(pdf: _Pdf, provider: Provider, day: dt.date) -> None:
    if pdf.will_page_break(24):
        pdf.add_page()
    pdf.ln(8)
    left = pdf.l_margin
    y = pdf.get_y()
    pdf.set_draw_color(*INK)
    pdf.line(left, y, left + 95, y)
    pdf.line(left + 110, y, left + 160, y)
    pdf.set_draw_color(*RULE)
    pdf.set_xy(left, y + 1)
    pdf.set_font(FONT, size=8.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(95, 4.5, "Clinician signature")
    pdf.set_x(left + 110)
    pdf.cell(50, 4.5, "Date", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=9.5)
    pdf.cell(95, 5, _clinician(provider))
    pdf.set_x(left + 110)
    pdf.cell(50, 5, _day(day), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# -- Good Faith Estimates ----------------------------------------------------------------------

REASONS = {
    "scheduled": "you have care scheduled that you are paying for yourself, without billing "
    "health insurance",
    "requested": "you asked for one",
    "re-issued because the expected services changed": "the services expected for you have "
    "changed since the last estimate",
}


def render_estimate(est: Estimate) -> bytes:
    """Return a Good Faith Estimate (No Surprises Act) as PDF bytes."""
    provider = est.provider
    pdf = _Pdf(
        title=est.title,
        number=est.number,
        issued_on=est.issued_on,
        author=provider.practice_name,
    )
    facts = [("No.", est.number), ("Issued", _day(est.issued_on))]
    if est.replaces:
        facts.append(("Replaces", est.replaces))
    _letterhead(pdf, provider, est.title, facts)

    why = REASONS.get(est.reason, est.reason)
    period = _span(est.period_start, est.period_end)
    intro = (
        f"You are receiving this Good Faith Estimate because {why}. It shows the services "
        f"{_clinician(provider)} expects to provide to you from {period}, with their expected "
        "charges."
    )
    if est.replaces:
        intro += f" It replaces estimate {est.replaces}."
    _paragraph(pdf, intro)
    pdf.ln(2)

    _two_blocks(
        pdf,
        (
            "Client",
            [
                ("Name", est.recipient.name),
                ("Date of birth", _day(est.recipient.date_of_birth)),
                ("Address", est.recipient.address),
            ],
        ),
        (
            "Provider",
            [
                ("Clinician", _clinician(provider)),
                ("License", provider.license),
                ("NPI", provider.npi),
                ("Tax ID", provider.tax_id),
                ("Phone", provider.phone),
                ("Location", est.location),
            ],
        ),
    )

    if est.diagnoses:
        _heading(pdf, "Diagnoses (ICD-10)")
        _diagnoses(pdf, est.diagnoses)

    _heading(pdf, "Expected services and charges")
    numbers = [
        _Column("CPT", 15),
        _Column("Dx", 12),
        _Column("Quantity", 18, numeric=True),
        _Column("Fee each", 24, numeric=True),
        _Column("Total", 26, numeric=True),
    ]
    columns = [_Column("Service", _flex(numbers, pdf.epw)), *numbers]
    rows = [
        [
            item.description,
            item.cpt,
            item.pointers,
            str(item.quantity),
            money(item.unit_cents),
            money(item.total_cents),
        ]
        for item in est.items
    ]
    if rows:
        _table(pdf, columns, rows)
    else:
        _paragraph(pdf, "No services are expected in this period.")
    _summary(pdf, [("Total expected charges", money(est.total_cents))])

    _heading(pdf, "Please keep in mind")
    for text in (
        "This is an estimate. It is not a contract, and it does not oblige you to receive any "
        "of the services listed.",
        "The services you actually receive, and their charges, may differ from this estimate.",
        "Other services may be recommended to you later. They are not included here, and you "
        "would receive a separate Good Faith Estimate for them.",
    ):
        _paragraph(pdf, text, bullet=True)

    threshold = f"${DISPUTE_THRESHOLD_CENTS // 100:,}"
    _heading(pdf, "If your bill is higher than this estimate")
    for text in (
        f"If you are billed at least {threshold} more than the total expected charges on this "
        "estimate, you have the right to dispute the bill through the federal patient-provider "
        "dispute resolution process.",
        f"You must start a dispute within {DISPUTE_DAYS} calendar days of the date on the "
        "original bill. There is a fee to use the process. If the reviewer agrees with you, "
        "you pay the amount on this estimate; if it agrees with the provider, you pay the "
        "higher billed amount.",
        "You may also contact the practice first, to say the bill is higher than this "
        "estimate, to ask for the bill to be corrected, or to talk about a payment plan.",
        "Keep a copy of this estimate in a safe place, or take a picture of it. You may need "
        "it if you are billed more.",
        f"To learn more about Good Faith Estimates and the dispute process, visit "
        f"{NO_SURPRISES_URL} or call {NO_SURPRISES_PHONE}.",
    ):
        _paragraph(pdf, text, bullet=True)
    return bytes(pdf.output())
