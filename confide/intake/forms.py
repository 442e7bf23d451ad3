"""Forms of intake paperwork: a document's wording, sending a packet, signing, the questionnaire."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from confide.clients.models import Client
from confide.forms import CleanTextMixin
from confide.intake import questions, texts
from confide.intake.models import AnswerFlag, IntakeDocument

Kind = IntakeDocument.Kind


class VersionForm(CleanTextMixin, forms.Form):
    """The wording of a document; saving it makes the next version."""

    title = forms.CharField(
        max_length=160, error_messages={"required": "Give the document a title."}
    )
    body = forms.CharField(
        label="Text",
        help_text="Markdown. People read this text before they sign it.",
        widget=forms.Textarea(attrs={"rows": 22, "class": "markdown-editor", "spellcheck": "true"}),
        error_messages={"required": "Write the document's text."},
    )
    in_default_packet = forms.BooleanField(
        label="Send it with the default packet",
        required=False,
        help_text="The couples policy goes to couples only.",
    )


class SendForm(CleanTextMixin, forms.Form):
    """Who receives what: the default packet, chosen documents, or one release."""

    WHAT = (
        ("default", "The practice's default packet"),
        ("chosen", "The documents chosen below"),
    )

    people = forms.MultipleChoiceField(
        label="Send to",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who should receive the paperwork."},
    )
    what = forms.ChoiceField(
        label="What to send", choices=WHAT, widget=forms.RadioSelect, initial="default"
    )
    documents = forms.MultipleChoiceField(
        label="Documents",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A release needs its particulars below; a release of psychotherapy notes goes "
        "on its own.",
    )
    information = forms.CharField(
        label="Release: information to be disclosed",
        required=False,
        max_length=500,
        help_text="Specific, e.g. 'dates of sessions and a treatment summary since March 2026'.",
    )
    discloser = forms.CharField(
        label="Release: who may disclose it", required=False, max_length=200
    )
    recipient = forms.CharField(
        label="Release: to whom (name, and address or phone)", required=False, max_length=300
    )
    purpose = forms.CharField(label="Release: purpose", required=False, max_length=300)
    expires = forms.CharField(
        label="Release: expires on (a date or an event)", required=False, max_length=200
    )
    representative = forms.CharField(
        label="Release: if someone signs for the person, who and their authority (optional)",
        required=False,
        max_length=300,
        help_text="Only when a personal representative signs, e.g. 'Robin Example, parent of a "
        "minor' or 'Robin Example, health care agent under a health care proxy'.",
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = list(client.people.all())
        people_field = self.fields["people"]
        assert isinstance(people_field, forms.MultipleChoiceField)
        people_field.choices = [(str(p.pk), p.name) for p in people]
        self.fields["people"].initial = [str(p.pk) for p in people]
        ready = [
            d
            for d in IntakeDocument.objects.order_by("pk")
            if d.current_version() is not None
            and (d.kind != Kind.COUPLES or client.kind == Client.Kind.COUPLE)
        ]
        documents_field = self.fields["documents"]
        assert isinstance(documents_field, forms.MultipleChoiceField)
        documents_field.choices = [(d.kind, d.get_kind_display()) for d in ready]
        self.client = client

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("what") == "chosen" and not data.get("documents"):
            self.add_error("documents", "Choose at least one document, or send the default packet.")
        return data

    def kinds(self) -> list[str] | None:
        """Return the kinds chosen, or None for the default packet."""
        if self.cleaned_data["what"] == "default":
            return None
        return list(self.cleaned_data["documents"])

    def release(self) -> texts.ReleaseDetails | None:
        """Return the release's particulars when a release is chosen, else None."""
        kinds = self.kinds() or []
        if not any(kind in IntakeDocument.RELEASES for kind in kinds):
            return None
        data = self.cleaned_data
        information = data["information"]
        if Kind.RELEASE_NOTES in kinds and not information:
            information = "Psychotherapy notes"
        return texts.ReleaseDetails(
            information=information,
            discloser=data["discloser"],
            recipient=data["recipient"],
            purpose=data["purpose"],
            expires=data["expires"],
            representative=data["representative"],
        )


class ConsentForm(forms.Form):
    """The ESIGN consent: one box, ticked after reading the disclosure."""

    agree = forms.BooleanField(
        label="I have read this and I agree to sign electronically",
        error_messages={"required": "Tick the box to agree, or ask the practice for paper."},
    )


class SignForm(CleanTextMixin, forms.Form):
    """A signature: the full name typed, and the intent ticked."""

    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=160,
        error_messages={"required": "Type your full name to sign."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    intent = forms.BooleanField(
        label="I have read this document and I sign it electronically",
        error_messages={"required": "Tick the box to say that you mean to sign."},
    )


class QuestionnaireForm(CleanTextMixin, forms.Form):
    """The intake questions, each optional; sensitive ones offer to talk about it in session."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions.QUESTIONS:
            self.fields[question.key] = _field(question)
            if question.sensitive:
                self.fields[f"{question.key}_skip"] = forms.BooleanField(
                    # Named by its question too, for a screen reader listing the checkboxes.
                    label=format_html(
                        '{} <span class="visually-hidden">({})</span>',
                        questions.SKIP_LABEL,
                        question.label,
                    ),
                    required=False,
                )

    def rows(self) -> list[dict[str, Any]]:
        """Return each question with its field, its skip choice and its reasons, in order."""
        return [
            {
                "question": question,
                "field": self[question.key],
                "skip": self[f"{question.key}_skip"] if question.sensitive else None,
            }
            for question in questions.QUESTIONS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in questions.QUESTIONS:
            if question.sensitive and data.get(f"{question.key}_skip") and data.get(question.key):
                # Skipping wins: what was typed is not kept against the person's choice.
                data[question.key] = "" if question.shape != "date" else None
        return data


def _field(question: questions.Question) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "required": False,
        "help_text": f"Why we ask: {question.why} {question.who}",
    }
    if question.shape == "date":
        return forms.DateField(
            **common,
            widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
            error_messages={"invalid": "Enter a date like 1990-04-17."},
            validators=[_not_in_the_future],
        )
    if question.shape == "text":
        return forms.CharField(**common, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    return forms.CharField(**common, max_length=200)


def _not_in_the_future(value: dt.date) -> None:
    # A day's slack: the person's own date may already be tomorrow's in the server's zone.
    if value > timezone.localdate() + dt.timedelta(days=1) or value.year < 1900:
        raise forms.ValidationError("Enter your date of birth, such as 1990-04-17.")


class FlagFollowUpForm(CleanTextMixin, forms.Form):
    """What the therapist did about a flagged intake answer."""

    kind = forms.ChoiceField(
        label="What you did", choices=AnswerFlag.FollowUp.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="A few words (needed for Other)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == AnswerFlag.FollowUp.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Say briefly what you did.")
        return data
