"""The public booking and request forms: a person's own contact details, wishes and note."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms

from confide.clients.forms import ReachForm
from confide.scheduling.requests import ContactDetails


class ContactForm(ReachForm):
    """The few details needed to reach someone; nothing but a name and one way is required."""

    voice = "person"

    for_couple = forms.TypedChoiceField(
        label="Who is this for?",
        choices=[("0", "Just me"), ("1", "Me and my partner")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    partner_name = forms.CharField(
        label="Your partner's name (optional)", required=False, max_length=80
    )
    note = forms.CharField(
        label="Anything you'd like me to know? (optional)",
        help_text="You don't need to explain anything now.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, format: str = "", **kwargs: Any) -> None:
        # By phone, the one thing the appointment can't happen without is a number to call.
        super().__init__(*args, needs_reach=True, needs_phone=format == "phone", **kwargs)

    def contact(self) -> ContactDetails:
        d = self.cleaned_data
        return ContactDetails(
            **asdict(self.reach()),
            for_couple=bool(d.get("for_couple")),
            partner_name=d.get("partner_name") or "",
            note=d.get("note") or "",
            wants_calendar_file=bool(d.get("wants_calendar_file")),
        )


class BookingForm(ContactForm):
    wants_calendar_file = forms.BooleanField(
        label="Add a calendar file to my confirmation email",
        help_text='It appears in your calendar as "Appointment", with no other details.',
        required=False,
    )


class RequestForm(ContactForm):
    preferred_times = forms.CharField(
        label="Which days and times would suit you?",
        help_text="For example: Tuesday or Thursday mornings, or any evening after 6.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
