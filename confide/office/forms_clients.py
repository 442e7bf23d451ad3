"""Forms of the office's client pages: people, notes, documents, export and anonymizing."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from confide.clients.forms import ReachForm
from confide.clients.models import Client, ClinicalNote, Person
from confide.clients.services import NoteDetails, PersonDetails
from confide.forms import CleanTextMixin, WithPartsMixin
from confide.practice.models import validate_phone, validate_time_zone
from confide.scheduling.slots import wall_to_utc


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


NOT_FOR_A_SESSION = ""
# The longest contact a note records (its minutes field's limit): an end earlier on the clock
# than the start is read as the next day only when that makes a session no longer than this.
LONGEST_CONTACT = dt.timedelta(minutes=600)
DETAIL_FIELDS = ["appointment", "service", "service_date", "start_time", "end_time", "minutes",
                 "format", "present", "others_present"]  # fmt: skip
RISK_FIELDS = ["risk", "risk_detail"]


class NoteForm(CleanTextMixin, forms.Form):
    """A note: the contact it records (progress notes), one textarea per section, and risk.

    Nothing but the text is required to save a draft; what signing needs is checked when the
    note is signed (``clients.services``), so a draft can be kept half done.
    """

    appointment = forms.ChoiceField(label="Session", required=False)
    service = forms.ChoiceField(
        label="What it was",
        required=False,
        choices=[("", "Choose…"), *ClinicalNote.Service.choices],
    )
    service_date = forms.DateField(
        label="Date of service", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label="Started", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label="Ended", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.IntegerField(
        label="Minutes",
        required=False,
        min_value=1,
        max_value=600,
        help_text="For a call or a collateral contact, which has no session times.",
    )
    format = forms.ChoiceField(
        label="How", required=False, choices=ClinicalNote.Format.choices, widget=forms.RadioSelect
    )
    present = forms.MultipleChoiceField(
        label="Who was present", required=False, widget=forms.CheckboxSelectMultiple
    )
    others_present = forms.CharField(
        label="Anyone else present", required=False, max_length=200,
        help_text="Sealed with the note, like its text.",
    )  # fmt: skip
    risk = forms.ChoiceField(
        label="At this contact",
        required=False,
        choices=ClinicalNote.Risk.choices,
        widget=forms.RadioSelect,
    )
    risk_detail = forms.CharField(
        label="Risk assessment",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was asked and found, and the plan for safety, when risk was assessed.",
    )

    def __init__(
        self,
        *args: Any,
        template: str,
        kind: str = ClinicalNote.Kind.PROGRESS,
        sessions: list[tuple[str, str]] | None = None,
        people: list[Person] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self._people = {str(p.uid): p for p in people or []}
        present = self.fields["present"]
        assert isinstance(present, forms.MultipleChoiceField)
        present.choices = [(uid, p.name) for uid, p in self._people.items()]
        appointment = self.fields["appointment"]
        assert isinstance(appointment, forms.ChoiceField)
        if kind == ClinicalNote.Kind.PSYCHOTHERAPY:
            # Kept apart from the record: at most a link to the session it follows.
            for name in [*DETAIL_FIELDS[1:], *RISK_FIELDS]:
                del self.fields[name]
            appointment.label = "Session it follows (optional)"
            appointment.choices = [("", "None"), *(sessions or [])]
        else:
            appointment.choices = [
                (NOT_FOR_A_SESSION, "Not for a session (a call, a collateral contact)"),
                *(sessions or []),
            ]
        for name, label in ClinicalNote.SECTIONS[template]:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        self.section_names = [name for name, _ in ClinicalNote.SECTIONS[template]]

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DETAIL_FIELDS if name in self.fields]

    def section_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.section_names]

    def risk_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in RISK_FIELDS if name in self.fields]

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.section_names}

    def details(self, tz: ZoneInfo) -> NoteDetails:
        """Return the contact's details, times read on the clinician's wall clock ``tz``."""
        data = self.cleaned_data
        chosen = data.get("appointment") or ""
        appointment_id = int(chosen) if chosen.isdigit() else None
        if self.kind == ClinicalNote.Kind.PSYCHOTHERAPY:
            return NoteDetails(appointment_id=appointment_id)
        day = data.get("service_date")
        start, end = data.get("start_time"), data.get("end_time")
        started_at = wall_to_utc(day, start, tz) if day and start else None
        ended_at = wall_to_utc(day, end, tz) if day and end else None
        if day and end and started_at and ended_at and ended_at <= started_at:
            # A session that ran past midnight ends on the next day; an end a little before
            # the start is a slip of the keyboard, kept as typed for signing to question.
            next_day = wall_to_utc(day + dt.timedelta(days=1), end, tz)
            if next_day - started_at <= LONGEST_CONTACT:
                ended_at = next_day
        return NoteDetails(
            appointment_id=appointment_id,
            service=data.get("service") or "",
            service_date=day,
            started_at=started_at,
            ended_at=ended_at,
            minutes=data.get("minutes"),
            format=data.get("format") or "",
            present=tuple(self._people[u] for u in data.get("present", []) if u in self._people),
            others_present=data.get("others_present", ""),
            risk=data.get("risk") or "",
            risk_detail=data.get("risk_detail", ""),
        )


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
