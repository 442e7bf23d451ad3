"""Forms of the office's client pages: people, notes, documents, export and anonymizing."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms

from confide.clients.forms import ReachForm
from confide.clients.models import Client, ClinicalNote, Person
from confide.clients.services import PersonDetails
from confide.forms import CleanTextMixin, WithPartsMixin
from confide.practice.models import validate_phone, validate_time_zone


class PersonForm(ReachForm):
    """One member of a client: their contact details and wishes, and an emergency contact."""

    field_order = [
        "name", "pronouns", "email", "phone", "may_call", "may_text", "may_email",
        "voicemail_ok", "may_name_practice", "safe_times", "time_zone",
        "emergency_name", "emergency_relationship", "emergency_phone",
    ]  # fmt: skip

    pronouns = forms.CharField(label="Pronouns", max_length=40, required=False)
    time_zone = forms.CharField(
        label="Time zone", max_length=64, required=False, validators=[validate_time_zone]
    )
    emergency_name = forms.CharField(label="Emergency contact", max_length=120, required=False)
    emergency_relationship = forms.CharField(label="Relationship", max_length=60, required=False)
    emergency_phone = forms.CharField(
        label="Emergency contact phone", max_length=40, required=False, validators=[validate_phone]
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        extra = ("pronouns", "emergency_name", "emergency_relationship", "emergency_phone")
        initial = asdict(person.reach()) | {name: getattr(person, name) for name in extra}
        super().__init__(*args, initial=initial, **kwargs)

    def person(self) -> PersonDetails:
        d = self.cleaned_data
        return PersonDetails(
            **asdict(self.reach()),
            pronouns=d["pronouns"],
            emergency_name=d["emergency_name"],
            emergency_relationship=d["emergency_relationship"],
            emergency_phone=d["emergency_phone"],
        )


class NewClientForm(WithPartsMixin, CleanTextMixin, forms.Form):
    """A client made in the office: the kind, a name for lists, and each person's details."""

    kind = forms.ChoiceField(
        choices=Client.Kind.choices, widget=forms.RadioSelect, initial="individual"
    )
    display_name = forms.CharField(
        label="Name in lists", max_length=160, required=False,
        help_text="Left empty: the names joined, for example 'Sam and Lee'.",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first = self.part(ReachForm, prefix="first", in_play=True)
        # The second person's fields are read for a couple only.
        couple = self.data.get("kind") == Client.Kind.COUPLE
        self.second = self.part(ReachForm, prefix="second", in_play=couple, partner=True)

    def people(self) -> list[PersonDetails]:
        """Return the valid form's people: one, or both partners of a couple."""
        return [part.person() for part in (self.first, self.second) if part.is_bound]


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
