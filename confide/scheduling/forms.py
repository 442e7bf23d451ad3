from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from confide.forms import CleanTextMixin
from confide.practice.models import validate_phone
from confide.scheduling.requests import ContactDetails


class ContactForm(CleanTextMixin, forms.Form):
    """The few details needed to reach someone; nothing but a name and one way is required."""

    name = forms.CharField(
        label="What should we call you?",
        help_text="Any name is fine. It doesn't have to be your full or legal name.",
        max_length=80,
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    may_call = forms.BooleanField(label="Call me", required=False)
    may_text = forms.BooleanField(label="Text me", required=False)
    may_email = forms.BooleanField(label="Email me", required=False)
    voicemail_ok = forms.BooleanField(label="It's OK to leave a voicemail", required=False)
    may_name_practice = forms.BooleanField(
        label="It's OK to say where you're calling from", required=False
    )
    safe_times = forms.CharField(
        label="When is it safe to contact you? (optional)",
        help_text="For example: weekdays after 6 pm.",
        required=False,
        max_length=200,
    )
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

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        email, phone = data.get("email"), data.get("phone")
        if not email and not phone and not self.has_error("email") and not self.has_error("phone"):
            raise ValidationError("Give an email address or a phone number, so we can reach you.")
        if (
            (data.get("may_call") or data.get("may_text"))
            and not phone
            and not self.has_error("phone")
        ):
            self.add_error("phone", "Give a phone number, or untick calls and texts.")
        if data.get("may_email") and not email and not self.has_error("email"):
            self.add_error("email", "Give an email address, or untick email.")
        if not (data.get("may_call") or data.get("may_text") or data.get("may_email")):
            # Nothing ticked: use what they gave us, and nothing else.
            data["may_email"] = bool(email)
            data["may_call"] = bool(phone) and not email
        return data

    def contact(self) -> ContactDetails:
        d = self.cleaned_data
        return ContactDetails(
            name=d["name"].strip(),
            email=d.get("email") or "",
            phone=d.get("phone") or "",
            may_call=d["may_call"],
            may_text=d["may_text"],
            may_email=d["may_email"],
            voicemail_ok=d["voicemail_ok"],
            may_name_practice=d["may_name_practice"],
            safe_times=d.get("safe_times") or "",
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
