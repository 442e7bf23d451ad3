"""The one form for writing a message, in the portal and in the office."""

from __future__ import annotations

from typing import Any

from django import forms

from confide.messaging.models import Attachment
from confide.messaging.services import MAX_BODY, Upload


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": f"Please keep a message under {MAX_BODY:,} characters."},
    )
    file = forms.FileField(
        label="Attach a file (optional)",
        required=False,
        help_text="A PDF, a photo (JPEG, PNG or HEIC) or a plain text file, up to 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,.heic,.txt,application/pdf,image/*,text/plain"}
        ),
    )

    def __init__(self, *args: Any, label: str = "Your message", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > Attachment.MAX_BYTES:
            raise forms.ValidationError(
                "That file is larger than 10 MB. A smaller one, or a photo, will do."
            )
        return upload

    def upload(self) -> Upload | None:
        """Return the attached file as read, or None."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        return Upload(name=upload.name or "file", data=upload.read())
