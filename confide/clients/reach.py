"""How a person may be reached, and how not: one value for every door and for reminders."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Reach:
    """A person's name, address and number, and their wishes about contact.

    The same before and after they become a client (the request's and each person's wishes are
    the model ``ContactWishes``), and the same whether they typed it or the office did.
    """

    name: str
    email: str = ""
    phone: str = ""
    may_call: bool = False
    may_text: bool = False
    may_email: bool = False
    voicemail_ok: bool = False
    may_name_practice: bool = False
    safe_times: str = ""
    time_zone: str = ""

    def channels(self) -> list[str]:
        """Return how reminders may reach this person: email when they gave an address, text
        only when they allowed texts and gave a number."""
        ways = []
        if self.email:
            ways.append("email")
        if self.may_text and self.phone:
            ways.append("text")
        return ways

    def summary(self) -> list[str]:
        """Return the wishes about contact as short phrases, the way to reach them first."""
        allowed = (("call", self.may_call), ("text", self.may_text), ("email", self.may_email))
        ways = [way for way, ok in allowed if ok]
        notes = [f"Contact by {', '.join(ways) or 'no method chosen'}"]
        if self.may_call:
            notes.append("voicemail OK" if self.voicemail_ok else "no voicemail")
            notes.append(
                "may name the practice" if self.may_name_practice else "don't name the practice"
            )
        if self.safe_times:
            notes.append(f"safe times: {self.safe_times}")
        return notes
