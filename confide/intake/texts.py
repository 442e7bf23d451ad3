"""Words the law asks for, written once in code: the ESIGN disclosure and a release's statements.

No Django imports. The practice edits its documents' own text in the office; what is here is
what every release and every first signature must say, so no edit can leave it out.
"""

from __future__ import annotations

from dataclasses import dataclass

# Bump when the disclosure's words change: each consent records the version it agreed to.
DISCLOSURE_VERSION = "2026-11"


@dataclass(frozen=True)
class Contact:
    practice: str
    email: str
    phone: str
    address: str


def esign_disclosure(contact: Contact) -> list[tuple[str, str]]:
    """Return the disclosure the ESIGN Act asks for before a first electronic signature."""
    where = f"{contact.practice}, {contact.email}" + (
        f" or {contact.phone}" if contact.phone else ""
    )
    return [
        (
            "What this covers",
            "You may sign the practice's intake documents here, electronically, instead of on "
            "paper: the consent to treatment, the acknowledgment of the Notice of Privacy "
            "Practices, the telehealth consent, the financial policy, a couples policy and any "
            "release of information you choose to sign. An electronic signature counts the same "
            "as one in ink. This consent covers every document the practice asks you to sign "
            "here, until you withdraw it.",
        ),
        (
            "Paper is always possible",
            f"You do not have to sign electronically. Ask for a paper copy of any document, to "
            f"read or to sign by hand, and you will get one at no cost: write to {where}.",
        ),
        (
            "How to withdraw this consent",
            'Press "Withdraw my consent" on this page at any time, or write to '
            f"{where} to say you no longer want to sign electronically. Withdrawing is free and "
            "does not affect your care; here it takes effect at once, by message once the "
            "practice has read it. Documents you already signed stay signed.",
        ),
        (
            "What you need",
            "A device with a current web browser (recent Chrome, Edge, Firefox or Safari) and a "
            "way to open and save PDF files. You can keep a copy on your device or print it.",
        ),
        (
            "Getting a copy",
            "Every document you sign is kept as a PDF you can download here at any time. If you "
            f"prefer, ask for a copy on paper or by email: {where}. If your email address "
            "changes, tell the practice so that it can still reach you.",
        ),
    ]


@dataclass(frozen=True)
class ReleaseDetails:
    """The particulars of one release, as 45 CFR 164.508(c)(1) names them."""

    information: str  # a specific and meaningful description of what is disclosed
    discloser: str  # who may disclose it
    recipient: str  # to whom
    purpose: str
    expires: str  # a date, or an event tied to the person or the purpose
    # When a personal representative signs, who they are and their authority to act for the
    # person ((c)(1)(vi)); empty when the person signs for themselves. Releases sealed before
    # it existed load with the default.
    representative: str = ""

    def rows(self) -> list[tuple[str, str]]:
        """Return the particulars as shown and frozen; the representative's only when given."""
        rows = [
            ("Information to be disclosed", self.information),
            ("Who may disclose it", self.discloser),
            ("To whom", self.recipient),
            ("Purpose", self.purpose),
            ("This authorization expires", self.expires),
        ]
        if self.representative.strip():
            rows.append((REPRESENTATIVE_LABEL, self.representative))
        return rows


REPRESENTATIVE_LABEL = "Signed for the person by, with their authority to act for them"


def release_statements(contact: Contact) -> list[str]:
    """Return the statements 45 CFR 164.508(c)(2) requires in every release, in plain words."""
    return [
        "You may revoke this authorization at any time by writing to "
        f"{contact.practice} ({contact.email}"
        + (f"; {contact.address.replace(chr(10), ', ')}" if contact.address.strip() else "")
        + "). A revocation stops further disclosures; it cannot undo a disclosure already made "
        "in reliance on this authorization.",
        "Your treatment, payment, enrollment or eligibility for benefits is not conditioned on "
        "whether you sign this authorization.",
        "Information disclosed under this authorization may be redisclosed by the person who "
        "receives it and may then no longer be protected by federal privacy rules.",
        "You will receive a copy of this authorization once it is signed.",
    ]


# A release of psychotherapy notes may not be combined with any other authorization
# (45 CFR 164.508(b)(3)(ii)), so a general release refusing them is told where they go.
NOTES_WORDS = ("psychotherapy note", "process note", "session note")


def mentions_psychotherapy_notes(text: str) -> bool:
    """Return True when a general release's description reaches for psychotherapy notes."""
    lowered = " ".join(text.lower().split())
    return any(word in lowered for word in NOTES_WORDS)
