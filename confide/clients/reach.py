"""How a person may be reached, and how not: one value for every door and for reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from confide.lib.reminder_times import SafeHours

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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
    # The days ("0" Monday to "6" Sunday, none for any day) and hours they said are safe.
    safe_days: str = ""
    safe_from: dt.time | None = None
    safe_until: dt.time | None = None
    time_zone: str = ""

    def safe_hours(self) -> SafeHours:
        """Return the days and hours contact is safe, which every message honours."""
        return SafeHours(
            days=frozenset(int(d) for d in self.safe_days if d.isdigit()),
            start=self.safe_from,
            end=self.safe_until,
        )

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
        if self.safe_days:
            notes.append("safe days: " + ", ".join(WEEKDAYS[int(d)] for d in self.safe_days))
        if self.safe_from or self.safe_until:
            hours = [f"from {_clock(self.safe_from)}" if self.safe_from else ""]
            hours.append(f"until {_clock(self.safe_until)}" if self.safe_until else "")
            notes.append("safe hours: " + " ".join(h for h in hours if h))
        if self.safe_times:
            notes.append(f"safe times: {self.safe_times}")
        return notes


def _clock(time: dt.time) -> str:
    return f"{time.hour % 12 or 12}:{time.minute:02d} {'PM' if time.hour >= 12 else 'AM'}"
