"""Forms of the office's settings pages: the practice, its clinicians, what they offer, their hours.

Each is a ModelForm, so the models' own validation (phone numbers, time zones, a photo needs a
description, a type needs a format, time off ends after it starts) answers bad input next to
the field; the services check it again before they save.
"""

from __future__ import annotations

from typing import Any

from django import forms

from confide.forms import CleanTextMixin
from confide.office.forms_schedule import DATE_WIDGET, TIME_WIDGET
from confide.practice.models import Clinician, Modality, Practice
from confide.scheduling.models import AppointmentType, AvailabilityRule

# A typo guard for the cancellation window: two weeks is already far longer than any policy.
MAX_WINDOW_HOURS = 24 * 14


class GroupedForm(forms.BaseForm):
    """A form whose fields are shown in titled groups: ``groups`` is (title, hint, fields)."""

    groups: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def grouped(self) -> list[dict[str, Any]]:
        """Return each group with its bound fields, for the template's fieldsets."""
        return [
            {"title": title, "hint": hint, "fields": [self[name] for name in names]}
            for title, hint, names in self.groups
        ]


class PracticeProfileForm(GroupedForm, CleanTextMixin, forms.ModelForm[Practice]):
    groups = (
        ("The practice", "", ("name", "tagline", "phone", "email")),
        (
            "Where sessions happen",
            "",
            ("online_only", "address", "telehealth", "telehealth_note", "time_zone"),
        ),
        (
            "Help now",
            "Shown on every public page, with the emergency number.",
            (
                "crisis_number",
                "crisis_line_name",
                "crisis_chat_url",
                "emergency_number",
                "response_note",
                "leave_url",
            ),
        ),
        (
            "Records and notes",
            "",
            ("retention_years", "draft_limit_hours", "sign_within_days"),
        ),
    )

    class Meta:
        model = Practice
        fields = (
            "name",
            "tagline",
            "phone",
            "email",
            "online_only",
            "address",
            "telehealth",
            "telehealth_note",
            "time_zone",
            "crisis_number",
            "crisis_line_name",
            "crisis_chat_url",
            "emergency_number",
            "response_note",
            "leave_url",
            "retention_years",
            "draft_limit_hours",
            "sign_within_days",
        )
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "time_zone": "An IANA zone name such as America/New_York. The office shows times "
            "in it wherever no clinician's own zone applies.",
        }


class BookingRulesForm(CleanTextMixin, forms.ModelForm[Practice]):
    class Meta:
        model = Practice
        fields = ("cancellation_window_hours", "cancellation_policy")
        widgets = {"cancellation_policy": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "cancellation_policy": "Markdown. Shown where people book, change or cancel, and on "
            "the fees page.",
        }

    def clean_cancellation_window_hours(self) -> int:
        hours: int = self.cleaned_data["cancellation_window_hours"]
        if hours > MAX_WINDOW_HOURS:
            raise forms.ValidationError(
                f"Use at most {MAX_WINDOW_HOURS} hours (two weeks); check it for a typo."
            )
        return hours


class ClinicianForm(GroupedForm, CleanTextMixin, forms.ModelForm[Clinician]):
    groups = (
        ("Name and credentials", "", ("name", "pronouns", "credentials")),
        ("License", "", ("license_number", "license_state", "license_verify_url")),
        ("Photo", "", ("photo", "photo_description")),
        ("About", "", ("bio", "modalities")),
        (
            "Who they see",
            "",
            ("sees_individuals", "sees_couples", "accepting_new_clients", "listed", "order"),
        ),
        (
            "Time and messages",
            "Private: never shown on the site.",
            ("time_zone", "notify_email", "morning_agenda", "video_room_url"),
        ),
    )

    modalities = forms.ModelMultipleChoiceField(
        queryset=Modality.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Approaches",
        help_text="Listed on their page, each linked to the approach's own page.",
    )

    class Meta:
        model = Clinician
        fields = (
            "name",
            "pronouns",
            "credentials",
            "license_number",
            "license_state",
            "license_verify_url",
            "photo",
            "photo_description",
            "bio",
            "modalities",
            "sees_individuals",
            "sees_couples",
            "accepting_new_clients",
            "listed",
            "order",
            "time_zone",
            "notify_email",
            "morning_agenda",
            "video_room_url",
        )
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 10}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }
        labels = {"order": "Place in lists", "listed": "Shown on the public site"}
        help_texts = {
            "bio": "Markdown: a blank line starts a new paragraph; *word* for emphasis.",
            "order": "Lower numbers come first.",
            "listed": "",
            "time_zone": "Their working hours are read in this zone, such as America/New_York.",
        }


class AppointmentTypeForm(GroupedForm, CleanTextMixin, forms.ModelForm[AppointmentType]):
    groups = (
        ("What it is", "", ("name", "kind", "duration_minutes", "fee")),
        ("Formats", "Choose at least one.", ("in_person", "video", "phone")),
        (
            "Booking rules",
            "",
            ("booking", "min_notice_minutes", "horizon_days", "slot_step_minutes"),
        ),
        (
            "Gaps around it",
            "Time kept free before and after, so sessions never run back to back.",
            ("buffer_before_minutes", "buffer_after_minutes", "order"),
        ),
    )

    class Meta:
        model = AppointmentType
        fields = (
            "name",
            "kind",
            "duration_minutes",
            "fee",
            "in_person",
            "video",
            "phone",
            "booking",
            "min_notice_minutes",
            "horizon_days",
            "slot_step_minutes",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "order",
        )
        widgets = {"booking": forms.RadioSelect}
        labels = {
            "duration_minutes": "Length (minutes)",
            "fee": "Fee shown on the site (dollars)",
            "buffer_before_minutes": "Free before (minutes)",
            "buffer_after_minutes": "Free after (minutes)",
            "order": "Place in lists",
        }
        help_texts = {
            "fee": "0 shows the type as free.",
            "min_notice_minutes": "The earliest start offered online: 720 is 12 hours, 1440 a day.",
            "order": "Lower numbers come first.",
        }


class WeeklyHoursForm(forms.ModelForm[AvailabilityRule]):
    class Meta:
        model = AvailabilityRule
        fields = ("weekday", "start_time", "end_time")
        widgets = {"start_time": TIME_WIDGET, "end_time": TIME_WIDGET}
        labels = {"start_time": "From", "end_time": "Until"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weekday = self.fields["weekday"]
        weekday.required = True
        weekday.choices = [("", "Choose a day"), *AvailabilityRule.Weekday.choices]  # type: ignore[attr-defined]
        self.fields["start_time"].required = True
        self.fields["end_time"].required = True


class ExtraHoursForm(forms.ModelForm[AvailabilityRule]):
    class Meta:
        model = AvailabilityRule
        fields = ("first_day", "start_time", "end_time")
        widgets = {"first_day": DATE_WIDGET, "start_time": TIME_WIDGET, "end_time": TIME_WIDGET}
        labels = {"first_day": "Date", "start_time": "From", "end_time": "Until"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True


class TimeOffForm(CleanTextMixin, forms.ModelForm[AvailabilityRule]):
    # The sessions the person was shown on the confirm step, as appointment ids.
    acknowledged = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = AvailabilityRule
        fields = ("first_day", "last_day", "start_time", "end_time", "note")
        widgets = {
            "first_day": DATE_WIDGET,
            "last_day": DATE_WIDGET,
            "start_time": TIME_WIDGET,
            "end_time": TIME_WIDGET,
        }
        labels = {
            "first_day": "First day off",
            "last_day": "Last day off",
            "start_time": "From (optional)",
            "end_time": "Until (optional)",
            "note": "Private note",
        }
        help_texts = {
            "last_day": "Leave empty for a single day.",
            "start_time": "Leave both times empty for whole days; with times, the same hours "
            "are off on each day.",
            "note": "For you only; never shown to anyone booking.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_day"].required = True

    def clean_acknowledged(self) -> list[int]:
        text: str = self.cleaned_data.get("acknowledged") or ""
        return [int(part) for part in text.split(",") if part.strip().isdigit()]
