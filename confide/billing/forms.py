"""Forms of the office's billing pages; amounts are typed in dollars and kept in cents."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from confide.billing.models import (
    Adjustment,
    BillingSettings,
    FeePolicy,
    Payment,
    Service,
    Statement,
    validate_npi,
    validate_tax_id,
)
from confide.clients.models import Person
from confide.forms import CleanTextMixin
from confide.practice.models import Clinician

MAX_CENTS = 10_000_000  # $100,000: a typo guard, far above any session fee


class MoneyField(forms.CharField):
    """Dollars and cents as typed ("150", "$1,250.50"), cleaned to integer cents."""

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        # No max_length: its validator would measure the cleaned integer, not the text.
        super().__init__(**kwargs)
        self.allow_negative = allow_negative
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": 16})

    def to_python(self, value: Any) -> Any:
        text = str(super().to_python(value) or "").strip().replace("$", "")
        if not text:
            return None
        # A comma only ever separates thousands: "150,00" is refused, not read as 15,000.
        if "," in text and not re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d*)?", text):
            raise ValidationError("Enter an amount such as 150 or 1,250.00.")
        text = text.replace(",", "")
        if len(text) > 16:
            raise ValidationError("That amount is too long; check it for a typo.")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError("Enter an amount such as 150 or 150.00.") from None
        if not amount.is_finite() or "e" in text.lower():
            raise ValidationError("Enter an amount such as 150 or 150.00.")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError("Use at most two digits after the point.")
        cents = int(amount * 100)
        if cents < 0 and not self.allow_negative:
            raise ValidationError("Enter an amount of zero or more.")
        if abs(cents) > MAX_CENTS:
            raise ValidationError("That amount is too large; check it for a typo.")
        return cents

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return f"{value / 100:.2f}"
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BillingSettingsForm(CleanTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    late_cancel_cents = MoneyField(label="Flat late cancellation fee", required=False)
    no_show_cents = MoneyField(label="Flat no-show fee", required=False)

    class Meta:
        model = BillingSettings
        fields = [
            "enabled",
            "tax_id",
            "group_npi",
            "late_cancel_policy",
            "late_cancel_cents",
            "no_show_policy",
            "no_show_cents",
            "statement_note",
        ]
        widgets = {
            "late_cancel_policy": forms.RadioSelect,
            "no_show_policy": forms.RadioSelect,
            "statement_note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for policy, amount in (
            ("late_cancel_policy", "late_cancel_cents"),
            ("no_show_policy", "no_show_cents"),
        ):
            if data.get(policy) == FeePolicy.FLAT and not data.get(amount):
                self.add_error(amount, "Enter the flat amount, or choose another policy.")
            if data.get(amount) is None:
                data[amount] = 0
        return data


class ClinicianBillingForm(CleanTextMixin, forms.Form):
    npi = forms.CharField(
        label="NPI (type 1)", max_length=10, required=False, validators=[validate_npi]
    )
    tax_id = forms.CharField(
        label="Tax ID", max_length=11, required=False, validators=[validate_tax_id],
        help_text="Leave empty to use the practice's.",
    )  # fmt: skip


class FeeForm(forms.Form):
    clinician = forms.ModelChoiceField(queryset=Clinician.objects.none())
    service = forms.ChoiceField(choices=Service.choices)
    amount = MoneyField(label="Fee")
    starts_on = forms.DateField(label="From", widget=DateInput())

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians  # type: ignore[attr-defined]


class ClientFeeForm(CleanTextMixin, forms.Form):
    service = forms.ChoiceField(choices=[("", "Every service"), *Service.choices], required=False)
    amount = MoneyField(label="Fee")
    starts_on = forms.DateField(label="From", widget=DateInput())
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept sealed with the fee; never printed on a document.",
    )


class AccountForm(forms.Form):
    payer = forms.ModelChoiceField(
        queryset=Person.objects.none(), label="Bill to", empty_label=None
    )
    self_pay = forms.BooleanField(
        label="Self-pay (pays the practice directly)",
        required=False,
        help_text="Self-pay clients are owed a Good Faith Estimate.",
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = people  # type: ignore[attr-defined]


class BillingDetailsForm(CleanTextMixin, forms.Form):
    legal_name = forms.CharField(max_length=120, help_text="As on their insurance card or ID.")
    date_of_birth = forms.DateField(widget=DateInput())
    address = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    member_id = forms.CharField(
        label="Insurance member ID", max_length=40, required=False, help_text="Optional."
    )

    def clean_date_of_birth(self) -> dt.date:
        born: dt.date = self.cleaned_data["date_of_birth"]
        # The server's date is close enough for a typo guard on a birth date.
        if born > dt.datetime.now(tz=dt.UTC).date() or born.year < 1900:
            raise ValidationError("Check the date of birth.")
        return born


class PaymentForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Payment or refund",
        choices=Payment.Kind.choices,
        initial=Payment.Kind.PAYMENT,
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(label="Date", widget=DateInput())
    amount = MoneyField()
    method = forms.ChoiceField(choices=Payment.Method.choices)
    reference = forms.CharField(max_length=60, required=False, help_text="Optional.")


class AdjustmentForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Change",
        choices=[
            (Adjustment.Kind.ADJUSTMENT, "Adjust the amount"),
            (Adjustment.Kind.WRITE_OFF, "Write off what is open"),
        ],
        widget=forms.RadioSelect,
        initial=Adjustment.Kind.ADJUSTMENT,
    )
    amount = MoneyField(
        allow_negative=True,
        help_text="Negative lowers the charge (-20.00); positive raises it. A write-off is the "
        "amount forgiven.",
    )
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount = data.get("amount")
        if data.get("kind") == Adjustment.Kind.WRITE_OFF and amount is not None:
            data["amount"] = -abs(amount)
        return data


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(
        label="Document", choices=Statement.Kind.choices, initial=Statement.Kind.STATEMENT
    )
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("The period ends before it starts.")
        return data


class ExportForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("The period ends before it starts.")
        return data


class MonthForm(forms.Form):
    month = forms.CharField(
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text="The month whose sessions the superbills list.",
    )

    def clean_month(self) -> tuple[int, int]:
        text = self.cleaned_data["month"]
        try:
            year, month = (int(part) for part in text.split("-"))
            dt.date(year, month, 1)
        except ValueError:
            raise ValidationError("Choose a month, such as 2026-11.") from None
        return year, month


class EstimateForm(forms.Form):
    """How many sessions of each service the year is expected to hold, beyond those booked."""

    def __init__(self, *args: Any, services: list[tuple[str, str, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label, scheduled in services:
            self.fields[value] = forms.IntegerField(
                label=f"{label}: sessions expected in the next twelve months",
                min_value=scheduled,
                max_value=60,
                initial=scheduled,
                help_text=f"{scheduled} booked so far.",
            )

    def quantities(self) -> dict[str, int]:
        return {name: int(value) for name, value in self.cleaned_data.items()}
