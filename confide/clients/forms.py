"""One form for a person's name, ways to reach them and wishes about contact, used by every door."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, Literal

from django import forms
from django.core.exceptions import ValidationError

from confide.clients.reach import Reach
from confide.clients.services import PersonDetails
from confide.forms import CleanTextMixin
from confide.practice.models import validate_phone

Voice = Literal["person", "office"]

# Each question in the words of the person answering for themselves (the public pages) and in
# the office's, where staff record what someone said.
_LABELS: dict[str, tuple[str, str]] = {
    "may_call": ("Call me", "May call"),
    "may_text": ("Text me", "May text"),
    "may_email": ("Email me", "May email"),
    "voicemail_ok": ("It's OK to leave a voicemail", "A voicemail is OK"),
    "may_name_practice": (
        "It's OK to say where you're calling from",
        "The practice may be named when calling",
    ),
    "safe_times": (
        "Anything else about when to contact you? (optional)",
        "Note on when contact is safe (optional)",
    ),
    "safe_from": ("Not before", "Not before"),
    "safe_until": ("Not after", "Not after"),
}
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _hour_choices(first: int, last: int) -> list[tuple[str, str]]:
    hours = [
        (f"{h:02d}:00", f"{h % 12 or 12} {'PM' if h >= 12 else 'AM'}")
        for h in range(first, last + 1)
    ]
    return [("", "Any time"), *hours]


_LEGENDS: dict[Voice, tuple[str, str]] = {
    "person": ("How to reach you", "How may we contact you?"),
    "office": ("Contact details", "How they want to be contacted"),
}
EMAIL_INVALID = "Enter an email address like name@example.org."
PHONE_NEEDED_HINT = "Needed for a phone appointment: a number to call you at the time."
PHONE_NEEDED = "Give a number to call you at the time of the phone appointment."


class ReachForm(CleanTextMixin, forms.Form):
    """A person's name, email, phone and wishes about contact, checked the same everywhere.

    ``voice`` says who answers: "person" for someone telling the practice about themselves,
    "office" for staff recording it. ``partner`` labels the office's fields as the partner's.
    ``needs_reach`` asks for an email address or a phone number, ``needs_phone`` for a phone
    number (an appointment by phone). Used under a ``prefix`` (a partner's fields are
    partner_name, partner_email, ...), the names join with "_".
    """

    voice: Voice = "office"

    name = forms.CharField(label="Name", max_length=120)
    email = forms.EmailField(
        label="Email", required=False, max_length=254, error_messages={"invalid": EMAIL_INVALID}
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    may_call = forms.BooleanField(required=False)
    may_text = forms.BooleanField(required=False)
    may_email = forms.BooleanField(required=False)
    voicemail_ok = forms.BooleanField(required=False)
    may_name_practice = forms.BooleanField(required=False)
    safe_days = forms.MultipleChoiceField(
        label="Days",
        required=False,
        choices=[(str(n), name) for n, name in enumerate(_DAY_NAMES)],
        widget=forms.CheckboxSelectMultiple,
    )
    safe_from = forms.ChoiceField(required=False, choices=_hour_choices(6, 22))
    safe_until = forms.ChoiceField(required=False, choices=_hour_choices(7, 23))
    safe_times = forms.CharField(
        required=False, max_length=200, help_text="For example: not when my partner is home."
    )

    def __init__(
        self,
        *args: Any,
        partner: bool = False,
        needs_reach: bool = False,
        needs_phone: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.needs_reach = needs_reach
        self.needs_phone = needs_phone
        if needs_phone:
            self.fields["phone"].help_text = PHONE_NEEDED_HINT
        own = self.voice == "person"
        for name, (theirs, office) in _LABELS.items():
            self.fields[name].label = theirs if own else office
        if own:
            # Any name will do; a request keeps up to 80 characters of it.
            self.fields["name"] = forms.CharField(
                label="What should we call you?",
                help_text="Any name is fine. It doesn't have to be your full or legal name.",
                max_length=80,
                error_messages={"required": "Give a name to call you by; any name is fine."},
            )
            # Filled in by the browser only where people type their own, never in the office.
            self.fields["email"].widget.attrs["autocomplete"] = "email"
            self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        elif partner:
            for name in ("name", "email", "phone"):
                self.fields[name].label = f"Partner's {self.fields[name].label.lower()}"  # type: ignore[union-attr]
            self.fields["name"].error_messages["required"] = "A couple needs both partners' names."

    @property
    def legends(self) -> tuple[str, str]:
        """Return the headings of the two groups of fields: how to reach, and the wishes."""
        return _LEGENDS[self.voice]

    def add_prefix(self, field_name: str) -> str:
        # partner_email rather than Django's partner-email: the names the pages have always sent.
        return f"{self.prefix}_{field_name}" if self.prefix else field_name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, phone = data.get("email"), data.get("phone")
        unreadable = self.has_error("email") or self.has_error("phone")
        if self.needs_phone and not phone and not self.has_error("phone"):
            self.add_error("phone", PHONE_NEEDED)
            unreadable = True
        if self.needs_reach and not email and not phone and not unreadable:
            if self.voice == "person":
                raise ValidationError(
                    "Give an email address or a phone number, so we can reach you."
                )
            whose = "the partner's" if self.partner else "an"
            self.add_error("email", f"Give {whose} email address or phone number.")
            return data
        if (
            (data.get("may_call") or data.get("may_text"))
            and not phone
            and not self.has_error("phone")
        ):
            self.add_error("phone", "Give a phone number, or untick calls and texts.")
        safe_from, safe_until = data.get("safe_from"), data.get("safe_until")
        if safe_from and safe_until and safe_from >= safe_until:
            self.add_error("safe_until", "Choose a time later than the 'not before' time.")
        if data.get("may_email") and not email and not self.has_error("email"):
            self.add_error("email", "Give an email address, or untick email.")
        if self.voice == "person" and not (
            data.get("may_call") or data.get("may_text") or data.get("may_email")
        ):
            # Nothing ticked: use what they gave us, and nothing else.
            data["may_email"] = bool(email)
            data["may_call"] = bool(phone) and not email
        return data

    def reach(self) -> Reach:
        """Return what the valid form says; the zone only where the form asks for it."""
        d = self.cleaned_data
        return Reach(
            name=d["name"].strip(),
            email=d.get("email") or "",
            phone=d.get("phone") or "",
            may_call=d["may_call"],
            may_text=d["may_text"],
            may_email=d["may_email"],
            voicemail_ok=d["voicemail_ok"],
            may_name_practice=d["may_name_practice"],
            safe_times=d.get("safe_times") or "",
            safe_days="".join(sorted(d.get("safe_days") or [])),
            safe_from=_time(d.get("safe_from")),
            safe_until=_time(d.get("safe_until")),
            time_zone=d.get("time_zone") or "",
        )

    def person(self) -> PersonDetails:
        """Return the valid form as one member of a client."""
        return PersonDetails(**asdict(self.reach()))


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None
