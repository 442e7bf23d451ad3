"""Forms of a person's requests about their record, and of the office's answer."""

from __future__ import annotations

from typing import Any

from django import forms

from confide.records.models import RecordRequest
from confide.records.services import WHAT_LIMIT


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like to ask for?",
        choices=[
            (
                RecordRequest.Kind.CORRECTION,
                "A correction: something in my record is wrong or missing",
            ),
            (RecordRequest.Kind.DELETION, "A deletion: something should be taken out of my record"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose a correction or a deletion."},
    )
    what = forms.CharField(
        label="Which part of your record is it about?",
        help_text="For example the date of a session, or a detail of your contact information.",
        max_length=WHAT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Please say which part of your record this is about."},
    )
    why = forms.CharField(
        label="Why, and what it should say instead (optional)",
        help_text="A few words are enough. Your therapist reads this; it is kept encrypted.",
        max_length=WHAT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label="Your answer",
        choices=[
            (RecordRequest.Status.ACCEPTED, "Accepted"),
            (RecordRequest.Status.PARTLY, "Accepted in part"),
            (RecordRequest.Status.DENIED, "Declined"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer."},
    )
    reason = forms.CharField(
        label="What the person will read",
        help_text="Needed when you decline all or part of it: say why in plain words, and that "
        "they may send a statement of disagreement to be kept with the record.",
        max_length=WHAT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, kept_until: str | None = None, **kwargs: Any) -> None:
        """``kept_until`` is set for a deletion the retention period forbids: only a refusal."""
        super().__init__(*args, **kwargs)
        if kept_until is None:
            return
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [(RecordRequest.Status.DENIED, "Declined")]
        status.initial = RecordRequest.Status.DENIED
        status.error_messages["invalid_choice"] = (
            f"This record must be kept until {kept_until}, so a deletion cannot be accepted now."
        )
        self.fields["reason"].help_text = (
            "Optional: the person will read that the law requires us to keep the record until "
            f"{kept_until}, and that it can be deleted after that. Add anything else in plain "
            "words."
        )
