"""A signed intake document as a PDF, drawn from plain values; the same values give the same bytes.

Text is set in the core font Helvetica, as billing's documents are (confide/billing/documents.py),
so it stays extractable; characters outside Latin-1 become their ASCII look-alikes or "?".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal, cast

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from confide.billing.documents import to_latin1

FONT = "Helvetica"
INK = (20, 20, 20)
MUTED = (95, 95, 95)
RULE = (190, 190, 190)
PAGES_ALIAS = "{confide-pages}"

BlockKind = Literal["heading", "paragraph", "item"]
_BLOCKS: dict[str, BlockKind] = {
    "h2": "heading", "h3": "heading", "h4": "heading", "p": "paragraph", "li": "item",
    "dt": "heading", "dd": "paragraph", "pre": "paragraph",
}  # fmt: skip


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._open: list[tuple[BlockKind, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in _BLOCKS:
            # A list inside an item ends the item's own text first.
            self._close()
            self._open.append((_BLOCKS[tag], []))
        elif tag == "br" and self._open:
            self._open[-1][1].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._close()

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][1].append(data)
        elif data.strip():
            self._open.append(("paragraph", [data]))

    def _close(self) -> None:
        while self._open:
            kind, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            if text:
                self.blocks.append(Block(kind, text))

    def close(self) -> None:
        super().close()
        self._close()


def blocks_of(html: str) -> list[Block]:
    """Return the headings, paragraphs and list items of rendered Markdown, as shown on the page."""
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


@dataclass(frozen=True, kw_only=True)
class SignedPaper:
    practice_name: str
    practice_lines: tuple[str, ...]
    title: str
    version_number: int
    version_written: dt.date
    version_uid: str
    blocks: tuple[Block, ...]
    particulars: tuple[tuple[str, str], ...] = ()
    statements: tuple[str, ...] = ()
    intent: str
    typed_name: str
    person_name: str
    signed_at_text: str
    signed_at: dt.datetime
    address: str
    consent_text: str


class _Pdf(FPDF):
    def __init__(self, *, title: str, created: dt.datetime) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self._footer_text = title
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages(PAGES_ALIAS)
        self.set_title(title)
        self.set_creator("Confide")
        self.set_lang("en-US")
        # The signed PDF is hashed, so the date in it comes from the signature, not the clock.
        self.set_creation_date(created)
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)
        self.add_page()

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(to_latin1(text))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        half = self.epw / 2
        self.cell(half, 5, f"Page {self.page_no()} of {PAGES_ALIAS}", align=Align.L)
        self.cell(half, 5, self._footer_text[:70], align=Align.R)
        self.set_text_color(*INK)

    def text_block(
        self, text: str, *, size: float = 10, style: str = "", bullet: bool = False
    ) -> None:
        """Draw wrapped text, keeping a short block whole on one page."""
        self.set_font(FONT, style, size)
        height = size * 0.5
        indent = 5.0 if bullet else 0.0
        width = self.epw - indent
        needed = self.multi_cell(width, height, text, dry_run=True, output=MethodReturnValue.HEIGHT)
        if cast(float, needed) < 60 and self.will_page_break(cast(float, needed)):
            self.add_page()
        top = self.get_y()
        if bullet:
            self.set_xy(self.l_margin, top)
            self.cell(indent, height, "-")
        self.set_xy(self.l_margin + indent, top)
        self.multi_cell(width, height, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.8)

    def heading(self, text: str, *, size: float = 11.5) -> None:
        if self.will_page_break(24):
            self.add_page()
        self.ln(1)
        self.text_block(text, size=size, style="B")

    def rows(self, rows: tuple[tuple[str, str], ...]) -> None:
        label_width = 52.0
        for label, value in rows:
            self.set_font(FONT, "", 9)
            self.set_text_color(*MUTED)
            needed = self.multi_cell(
                self.epw - label_width,
                5,
                value or "-",
                dry_run=True,
                output=MethodReturnValue.HEIGHT,
            )
            if self.will_page_break(cast(float, needed)):
                self.add_page()
            top = self.get_y()
            self.multi_cell(label_width, 5, label, align=Align.L, new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_text_color(*INK)
            self.set_font(FONT, "", 10)
            self.set_xy(self.l_margin + label_width, top)
            self.multi_cell(
                self.epw - label_width,
                5,
                value or "-",
                align=Align.L,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            self.ln(1)


def render_signed(paper: SignedPaper) -> bytes:
    """Return the PDF of a signed document: the practice, the text as shown, and the signature."""
    pdf = _Pdf(title=paper.title, created=paper.signed_at)
    pdf.set_author(paper.practice_name)
    pdf.text_block(paper.practice_name, size=12, style="B")
    if paper.practice_lines:
        pdf.set_text_color(*MUTED)
        pdf.text_block("\n".join(paper.practice_lines), size=9)
        pdf.set_text_color(*INK)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(4)
    pdf.text_block(paper.title, size=16, style="B")
    pdf.set_text_color(*MUTED)
    pdf.text_block(
        f"Version {paper.version_number}, written {paper.version_written:%B} "
        f"{paper.version_written.day}, {paper.version_written:%Y}",
        size=9,
    )
    pdf.set_text_color(*INK)
    for block in paper.blocks:
        if block.kind == "heading":
            pdf.heading(block.text)
        else:
            pdf.text_block(block.text, bullet=block.kind == "item")
    if paper.particulars:
        pdf.heading("The particulars of this authorization")
        pdf.rows(paper.particulars)
    if paper.statements:
        pdf.heading("Your rights with this authorization")
        for statement in paper.statements:
            pdf.text_block(statement, bullet=True)
    pdf.heading("Signed electronically")
    pdf.text_block(paper.intent, style="I")
    pdf.rows(
        (
            ("Signature (typed name)", paper.typed_name),
            ("Signer on record", paper.person_name),
            ("Signed", paper.signed_at_text),
            ("From internet address", paper.address or "not known"),
            ("Consent to sign electronically", paper.consent_text),
            ("Document", f"{paper.title}, version {paper.version_number} ({paper.version_uid})"),
        )
    )
    return bytes(pdf.output())
