"""Forms of the office's settings for reminders, staff accounts and the website's words.

ModelForms where a model holds the values, so the models' own validation answers bad input
next to the field; the services check again before they save.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.text import slugify

from confide.accounts.models import StaffProfile
from confide.forms import CleanTextMixin
from confide.office.forms_schedule import TIME_WIDGET
from confide.practice.models import Article, Clinician, FaqItem, Page, Practice

Role = StaffProfile.Role
TIME_ERRORS = {"required": "Enter a time.", "invalid": "Enter a time like 21:00."}
MARKDOWN_WIDGET = forms.Textarea(
    attrs={"rows": 18, "class": "markdown-editor", "spellcheck": "true"}
)


class ReminderSettingsForm(forms.ModelForm[Practice]):
    class Meta:
        model = Practice
        fields = [
            "first_reminder_hours",
            "second_reminder_hours",
            "quiet_hours_start",
            "quiet_hours_end",
            "agenda_time",
        ]
        widgets = {
            "quiet_hours_start": TIME_WIDGET,
            "quiet_hours_end": TIME_WIDGET,
            "agenda_time": TIME_WIDGET,
        }
        labels = {
            "first_reminder_hours": "First reminder, hours before",
            "second_reminder_hours": "Second reminder, hours before",
            "quiet_hours_start": "Quiet hours start",
            "quiet_hours_end": "Quiet hours end",
            "agenda_time": "Morning agenda at",
        }
        help_texts = {
            "quiet_hours_start": "No text messages from this time, in each person's own time zone. "
            "The same start and end means no quiet hours.",
            "agenda_time": "In each clinician's time zone, for those who asked for the day's "
            "appointments by email. Takes effect from the next morning.",
        }
        error_messages = {
            "quiet_hours_start": TIME_ERRORS,
            "quiet_hours_end": TIME_ERRORS,
            "agenda_time": TIME_ERRORS,
            "first_reminder_hours": {
                "required": "Enter a number of hours, or 0 for none.",
                "max_value": "Enter at most 336 hours (two weeks).",
                "min_value": "Enter 0 or more.",
            },
            "second_reminder_hours": {
                "required": "Enter a number of hours, or 0 for none.",
                "max_value": "Enter at most 336 hours (two weeks).",
                "min_value": "Enter 0 or more.",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_reminder_hours", "second_reminder_hours"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0, "max": 336})


# Staff -------------------------------------------------------------------------------------


def _free_clinicians(user: User | None = None) -> Any:
    """Return the clinicians no other account is linked to (and ``user``'s own)."""
    taken = StaffProfile.objects.filter(clinician__isnull=False)
    if user is not None:
        taken = taken.exclude(user=user)
    return Clinician.objects.exclude(pk__in=taken.values("clinician_id")).order_by("name")


class _RoleFields(forms.Form):
    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role."},
        help_text="",
    )
    clinician = forms.ModelChoiceField(
        queryset=Clinician.objects.none(),
        required=False,
        empty_label="Not linked to a clinician",
        label="Their clinician profile",
        help_text="Needed for a clinician: they see that clinician's clients and schedule. "
        "An owner who also sees clients can be linked too; a practice manager never is.",
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        role, clinician = data.get("role"), data.get("clinician")
        if role == Role.CLINICIAN and clinician is None:
            self.add_error("clinician", "Choose the clinician profile of this clinician.")
        if role == Role.PRACTICE_MANAGER and clinician is not None:
            self.add_error("clinician", "A practice manager is not linked to a clinician.")
        return data


class StaffInviteForm(CleanTextMixin, _RoleFields):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation goes here: a link to choose their password.",
        error_messages={"invalid": "Enter an email address like name@example.org."},
    )
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="What they type to sign in. Letters, digits and . _ - only.",
    )

    field_order = ["first_name", "last_name", "email", "username", "role", "clinician"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = _free_clinicians()  # type: ignore[attr-defined]
        self.fields["first_name"].error_messages["required"] = "Enter their first name."
        self.fields["email"].error_messages["required"] = "Enter their email address."
        self.fields["username"].error_messages["required"] = "Choose a username."

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[A-Za-z0-9._-]+", username):
            raise forms.ValidationError("Use letters, digits and . _ - only, without spaces.")
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("This username is taken; choose another.")
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if User.objects.filter(Q(email__iexact=email)).exists():
            raise forms.ValidationError("An account with this email address exists already.")
        return email


class StaffRoleForm(_RoleFields):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = _free_clinicians(user)  # type: ignore[attr-defined]
        self.fields["role"].label = "Role"


# The website -------------------------------------------------------------------------------


class PageForm(CleanTextMixin, forms.ModelForm[Page]):
    class Meta:
        model = Page
        fields = ["title", "summary", "body"]
        widgets = {"body": MARKDOWN_WIDGET, "summary": forms.TextInput()}
        labels = {"body": "Text"}
        help_texts = {"body": "Markdown: a blank line between paragraphs, ## for a heading."}


class FaqItemForm(CleanTextMixin, forms.ModelForm[FaqItem]):
    class Meta:
        model = FaqItem
        fields = ["question", "answer", "order"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 8, "class": "markdown-editor"})}
        labels = {"order": "Position in the list"}
        help_texts = {
            "answer": "Markdown: a blank line between paragraphs.",
            "order": "Lower numbers come first.",
        }


class ArticleForm(CleanTextMixin, forms.ModelForm[Article]):
    class Meta:
        model = Article
        fields = ["title", "slug", "summary", "body", "author"]
        widgets = {"body": MARKDOWN_WIDGET}
        labels = {"slug": "Address on the site", "author": "Written by"}
        help_texts = {
            "slug": "The end of the article's address. Left empty, it is made from the title.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["author"].empty_label = "No one named"  # type: ignore[attr-defined]

    def clean_slug(self) -> str:
        title = self.cleaned_data.get("title", "")
        slug: str = self.cleaned_data.get("slug") or slugify(title)[:160]
        if not slug:
            raise forms.ValidationError("Enter an address, such as when-shame-speaks.")
        taken = Article.objects.filter(slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Another article has this address; choose another.")
        return slug
