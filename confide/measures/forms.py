"""The forms of measures: a person's answers, and the office's sending and follow-up."""

from __future__ import annotations

from typing import Any

from django import forms

from confide.clients.models import Client
from confide.measures.instruments import INSTRUMENTS, Instrument
from confide.measures.models import Code, MeasureFlag

COMMENT_MAX = 2000


class AnswersForm(forms.Form):
    """One radio group per item, every one required, and an optional comment."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[item.key] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(o.value, o.label) for o in item.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the answer that fits best."},
            )
        self.fields["comment"] = forms.CharField(
            label="Anything you'd like to add (optional)",
            required=False,
            max_length=COMMENT_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def answers(self) -> dict[str, int]:
        return {item.key: self.cleaned_data[item.key] for item in self.instrument.items}


class SendForm(forms.Form):
    code = forms.ChoiceField(label="Measure", choices=Code.choices)
    person = forms.TypedChoiceField(label="To", coerce=int)

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        person_field: forms.TypedChoiceField = self.fields["person"]  # type: ignore[assignment]
        person_field.choices = [(p.pk, p.name) for p in client.people.all()]
        if client.kind != Client.Kind.COUPLE:
            code_field: forms.ChoiceField = self.fields["code"]  # type: ignore[assignment]
            code_field.choices = [
                (code, label) for code, label in Code.choices if not INSTRUMENTS[code].couples_only
            ]


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        label="What you did", choices=MeasureFlag.FollowUp.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="A few words (needed for Other)",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == MeasureFlag.FollowUp.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Say briefly what you did.")
        return data


class ScheduleForm(forms.Form):
    code = forms.ChoiceField(label="Measure", choices=Code.choices)
    every = forms.TypedChoiceField(
        label="Send it every",
        choices=[("sessions", "so many sessions"), ("weeks", "so many weeks")],
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(label="How many", min_value=1, max_value=26, initial=4)

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if client.kind != Client.Kind.COUPLE:
            code_field: forms.ChoiceField = self.fields["code"]  # type: ignore[assignment]
            code_field.choices = [
                (code, label) for code, label in Code.choices if not INSTRUMENTS[code].couples_only
            ]
        # Ids apart from the send form's on the same page.
        self.prefix = "schedule"
