from __future__ import annotations

from typing import Any

from django import forms

from confide.clients.models import Client, ClinicalNote, Person
from confide.forms import CleanTextMixin


class PersonForm(CleanTextMixin, forms.ModelForm[Person]):
    # Sealed on the model (a property, not a column), so it is declared and saved by hand.
    safe_times = forms.CharField(label="When contact is safe", max_length=200, required=False)

    class Meta:
        model = Person
        fields = [
            "name", "pronouns", "email", "phone", "may_call", "may_text", "may_email",
            "voicemail_ok", "may_name_practice", "safe_times", "time_zone",
            "emergency_name", "emergency_relationship", "emergency_phone",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["safe_times"].initial = self.instance.safe_times

    def save(self, commit: bool = True) -> Person:
        self.instance.safe_times = self.cleaned_data["safe_times"]
        return super().save(commit)


class NewClientForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=Client.Kind.choices, widget=forms.RadioSelect, initial="individual"
    )
    display_name = forms.CharField(
        label="Name in lists", max_length=160, required=False,
        help_text="Left empty: the names joined, for example 'Sam and Lee'.",
    )  # fmt: skip
    first_name = forms.CharField(label="Name", max_length=120)
    first_email = forms.EmailField(label="Email", required=False)
    first_phone = forms.CharField(label="Phone", max_length=40, required=False)
    second_name = forms.CharField(label="Partner's name", max_length=120, required=False)
    second_email = forms.EmailField(label="Partner's email", required=False)
    second_phone = forms.CharField(label="Partner's phone", max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Client.Kind.COUPLE and not (data.get("second_name") or "").strip():
            self.add_error("second_name", "A couple needs both partners' names.")
        return data


class DocumentForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=120, help_text="For example: signed consent.")
    file = forms.FileField(
        label="File", help_text="PDF, PNG, JPEG or plain text, up to 10 MB.", allow_empty_file=False
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Client.Status.choices)
    waitlisted = forms.BooleanField(required=False, label="On the waitlist")


class NoteStartForm(forms.Form):
    kind = forms.ChoiceField(choices=ClinicalNote.Kind.choices, initial="progress")
    template = forms.ChoiceField(choices=ClinicalNote.Template.choices, initial="soap")


class NoteForm(CleanTextMixin, forms.Form):
    """One textarea per section of the note's template."""

    def __init__(self, *args: Any, template: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in ClinicalNote.SECTIONS[template]:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class AmendmentForm(CleanTextMixin, forms.Form):
    text = forms.CharField(
        label="Amendment", max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The signed note stays as it is; this goes below it with your name and the time.",
    )  # fmt: skip


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        choices=[("json", "Machine-readable (JSON)"), ("print", "Readable printout")],
        widget=forms.RadioSelect, initial="print",
    )  # fmt: skip
    include_psychotherapy_notes = forms.BooleanField(
        required=False, label="Include psychotherapy notes",
        help_text="Left out unless you tick this: they are kept apart from the record.",
    )  # fmt: skip


class AnonymizeForm(CleanTextMixin, forms.Form):
    confirm = forms.CharField(
        label="Type the client's name in lists to confirm",
        max_length=160,
    )

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        if value.strip() != self.expected:
            raise forms.ValidationError("That doesn't match the name shown.")
        return value
