"""Forms of the calendar, of appointments for clients and of consultation requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from confide.clients.forms import ReachForm
from confide.clients.models import Client
from confide.forms import CleanTextMixin, WithPartsMixin
from confide.practice.models import Clinician
from confide.scheduling.booking import MAX_SERIES
from confide.scheduling.models import Appointment, AppointmentType

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 300})


def _reasonable_year(value: dt.date | None) -> None:
    """Keep dates where time arithmetic works: a week either side must still be a date."""
    if value is not None and not 1900 <= value.year <= 2999:
        raise forms.ValidationError("Enter a date between the years 1900 and 2999.")


class CalendarForm(forms.Form):
    """Which stretch of the calendar to show; every field may be left out."""

    date = forms.DateField(
        label="Go to date", required=False, widget=DATE_WIDGET, validators=[_reasonable_year],
        error_messages={"invalid": "Enter a date like 2027-03-14."},
    )  # fmt: skip
    view = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("day", "Day (time grid)"),
            ("week", "Week (time grid)"),
            ("month", "Month (sessions per day)"),
            ("list", "List (the week, one line per session)"),
        ],
    )
    clinician = forms.ModelChoiceField(
        label="Clinician", required=False, queryset=Clinician.objects.none(),
        empty_label="All clinicians",
        error_messages={"invalid_choice": "Choose a clinician from the list."},
    )  # fmt: skip

    def __init__(self, *args: Any, clinicians: QuerySet[Clinician] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clinicians is None:
            # A clinician sees their own calendar only; there is nothing to choose.
            del self.fields["clinician"]
        else:
            self.fields["clinician"].queryset = clinicians  # type: ignore[attr-defined]


class _WhenFields(forms.Form):
    date = forms.DateField(
        label="Date", widget=DATE_WIDGET, validators=[_reasonable_year],
        error_messages={"required": "Enter the date.", "invalid": "Enter a date like 2027-03-14."},
    )  # fmt: skip
    time = forms.TimeField(
        label="Start time", widget=TIME_WIDGET,
        error_messages={"required": "Enter the start time.", "invalid": "Enter a time like 14:30."},
    )  # fmt: skip


class AppointmentForm(_WhenFields):
    """A session for a client, or a weekly or every-other-week series of them.

    The date and time are read in the clinician's zone by the view, which knows the clinician.
    """

    REPEAT_CHOICES = [("0", "Just this once"), ("1", "Every week"), ("2", "Every other week")]

    client = forms.ModelChoiceField(
        label="Client", queryset=Client.objects.none(),
        error_messages={"required": "Choose the client.",
                        "invalid_choice": "Choose a client from the list."},
    )  # fmt: skip
    appointment_type = forms.ModelChoiceField(
        label="Type of appointment", queryset=AppointmentType.objects.none(),
        error_messages={"required": "Choose the type of appointment.",
                        "invalid_choice": "Choose a type from the list."},
    )  # fmt: skip
    format = forms.ChoiceField(
        label="Format", choices=Appointment.Format.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose in person, video or phone.",
                        "invalid_choice": "Choose in person, video or phone."},
    )  # fmt: skip
    repeat = forms.ChoiceField(
        label="Repeat", choices=REPEAT_CHOICES, initial="0", widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose how often it repeats."},
    )  # fmt: skip
    count = forms.IntegerField(
        label="Number of sessions", required=False, min_value=2, max_value=MAX_SERIES,
        help_text=f"For a series: how many sessions in all, up to {MAX_SERIES}.",
        error_messages={
            "invalid": "Enter a whole number.",
            "min_value": "A series has at least 2 sessions.",
            "max_value": f"A series has at most {MAX_SERIES} sessions.",
        },
    )  # fmt: skip
    skip_collisions = forms.BooleanField(
        label="Book the other dates and skip the ones that overlap", required=False
    )

    def __init__(
        self,
        *args: Any,
        clients: QuerySet[Client],
        types: QuerySet[AppointmentType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
        self.fields["appointment_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["appointment_type"].label_from_instance = _type_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        client: Client | None = data.get("client")
        kind: AppointmentType | None = data.get("appointment_type")
        if client and kind and kind.clinician_id != client.clinician_id:
            self.add_error(
                "appointment_type",
                f"Choose a type of appointment of {client.clinician.name}, the client's clinician.",
            )
        elif kind and data.get("format") and data["format"] not in kind.formats():
            held = ", ".join(str(f.label).lower() for f in kind.formats())
            self.add_error("format", f"{kind.name} is held {held} only.")
        if data.get("repeat", "0") != "0" and not data.get("count") and "count" not in self.errors:
            self.add_error("count", "Enter how many sessions the series has.")
        return data

    @property
    def every_weeks(self) -> int:
        return int(self.cleaned_data.get("repeat") or 0)


def _type_label(kind: AppointmentType) -> str:
    return f"{kind.name}, {kind.duration_minutes} min ({kind.clinician.name})"


class MoveForm(_WhenFields):
    """The new date and time of an appointment, in the clinician's zone."""


class CloseRequestForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it closed?", max_length=200,
        help_text="For example: referred to a colleague, no reply after two tries, found help "
        "elsewhere. Kept with the request; not sent to anyone.",
        error_messages={"required": "Say why the request is closed.",
                        "max_length": "Keep it under 200 characters."},
    )  # fmt: skip


class AcceptRequestForm(WithPartsMixin, CleanTextMixin, forms.Form):
    """Turn a request into a client; for a couple, the second partner's name and contact."""

    kind = forms.ChoiceField(
        label="The client is", choices=Client.Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose individual or couple.",
                        "invalid_choice": "Choose individual or couple."},
    )  # fmt: skip
    display_name = forms.CharField(
        label="Name in lists (optional)", max_length=160, required=False,
        help_text="Left empty: the names joined, for example 'Sam and Lee'.",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The partner's fields are read for a couple only; an individual's form ignores them.
        couple = self.data.get("kind") == Client.Kind.COUPLE
        self.partner = self.part(
            ReachForm, prefix="partner", in_play=couple, partner=True, needs_reach=True
        )


class RoomForm(forms.Form):
    """One session's own video room; empty to use the clinician's."""

    video_room_url = forms.URLField(
        label="Video room for this session", required=False,
        max_length=Appointment._meta.get_field("video_room_url").max_length,
        help_text="Only if this session is held somewhere else than the clinician's room. "
        "Leave empty to use the clinician's room.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": "Enter the room's full address, starting with https://.",
                        "max_length": "That address is too long."},
    )  # fmt: skip
