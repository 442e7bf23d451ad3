"""The intake questionnaire: each question, why it is asked, who sees it, and if it may be skipped.

No Django imports: the form, the services and the office's view all read this one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Shape = Literal["line", "text", "date"]

SKIP_LABEL = "I'd rather talk about it in session"
WHO_SEES = "Only your therapist and the practice's owner read your answers."


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    why: str
    shape: Shape = "line"
    # A sensitive question offers the skip choice; skipping is an answer, never a gap to chase.
    sensitive: bool = False
    who: str = WHO_SEES

    @property
    def screened(self) -> bool:
        """Return True for answers in the person's own words, which the crisis screen reads."""
        return self.shape != "date"


QUESTIONS: tuple[Question, ...] = (
    Question(
        "legal_name",
        "Your legal name",
        "Needed on the forms you sign and on receipts an insurer may ask for.",
    ),
    Question(
        "preferred_name",
        "The name you would like us to use",
        "So that we call you what you want to be called.",
    ),
    Question(
        "date_of_birth",
        "Date of birth",
        "Needed for insurance paperwork and to confirm who you are if you call.",
        shape="date",
    ),
    Question(
        "pronouns",
        "Your pronouns (optional)",
        "So that we refer to you as you wish. Write them in any way you like.",
        sensitive=True,
    ),
    Question(
        "gender",
        "Your gender (optional)",
        "Only if you want your therapist to know. Write it in your own words.",
        sensitive=True,
    ),
    Question(
        "address",
        "Your home address",
        "Needed on receipts and statements, and in an emergency.",
        shape="text",
        sensitive=True,
    ),
    Question(
        "emergency_contact",
        "An emergency contact: name, relationship and phone number",
        "Called only if your therapist believes you are in serious danger.",
        shape="text",
        sensitive=True,
    ),
    Question(
        "reason",
        "What brings you to therapy?",
        "In your own words, as much or as little as you like. It helps your first session "
        "start where you want it to.",
        shape="text",
        sensitive=True,
    ),
    Question(
        "prior_therapy",
        "Have you been in therapy before? What helped, and what did not?",
        "So that your therapist can build on what worked for you.",
        shape="text",
        sensitive=True,
    ),
    Question(
        "medications",
        "Medications you take, if any",
        "Some medications affect sleep, mood or energy; your therapist may ask about them.",
        shape="text",
        sensitive=True,
    ),
    Question(
        "physician",
        "Your physician or psychiatrist, if you have one",
        "Only for your information now: nobody is contacted without a release you sign.",
        shape="text",
        sensitive=True,
    ),
)

BY_KEY: dict[str, Question] = {question.key: question for question in QUESTIONS}
