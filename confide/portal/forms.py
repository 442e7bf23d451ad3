"""The portal's sign-in forms: an address to send a code to, and the code."""

from __future__ import annotations

from django import forms

from confide.forms import CleanTextMixin
from confide.portal.services import normalize_address, normalize_code


class AddressForm(CleanTextMixin, forms.Form):
    address = forms.CharField(
        label="Your email address or mobile number",
        help_text="The one the practice has for you.",
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_address(self) -> str:
        value: str = self.cleaned_data["address"]
        if normalize_address(value) is None:
            raise forms.ValidationError(
                "Enter an email address, like name@example.org, or a phone number, "
                "like 212-555-0123."
            )
        return value


class CodeForm(CleanTextMixin, forms.Form):
    code = forms.CharField(
        label="Your 6-digit code",
        help_text="From the email or text we just sent. Spaces are fine.",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9\s\-]*",
                "size": "9",
            }
        ),
    )

    def clean_code(self) -> str:
        value: str = self.cleaned_data["code"]
        code = normalize_code(value)
        if code is None:
            raise forms.ValidationError("Enter the 6 digits of your code.")
        return code
