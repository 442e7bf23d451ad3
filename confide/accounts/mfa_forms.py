"""The second-factor forms: allauth's, saying so when a right code was already used."""

from __future__ import annotations

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django import forms

from confide.accounts.allauth_internals import validate_totp_code

CODE_ALREADY_USED = (
    "This code was already used. Each code works once: wait for the next one in your app "
    "(a new one comes every 30 seconds), then enter it."
)


def _is_used_code(user_id: int, code: str) -> bool:
    """Return whether a code refused a moment ago is one the user's app shows right now.

    Such a code was refused only because it had already been used (allauth keeps each one for
    a single sign-in), so the person needs to wait for the next code, not to type more carefully.
    """
    totp = Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP).first()
    if totp is None or not code:
        return False
    return bool(validate_totp_code(decrypt(totp.data["secret"]), code))


class _UsedCodeMixin(forms.Form):
    user_id: int

    def clean_code(self) -> str:
        try:
            code: str = super().clean_code()  # type: ignore[misc]
        except forms.ValidationError as error:
            if error.code == "incorrect_code" and _is_used_code(
                self.user.pk,  # type: ignore[attr-defined]
                self.cleaned_data.get("code", ""),
            ):
                raise forms.ValidationError(CODE_ALREADY_USED, code="code_already_used") from None
            raise
        return code


class StaffAuthenticateForm(_UsedCodeMixin, AuthenticateForm):  # type: ignore[misc]
    """The code asked for after the password."""


class StaffReauthenticateForm(_UsedCodeMixin, ReauthenticateForm):  # type: ignore[misc]
    """The code asked for again before a sensitive page."""
