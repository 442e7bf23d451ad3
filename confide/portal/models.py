"""Portal accounts, their invitations and the one-time codes that sign a person in."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from confide.clients.models import Person
from confide.clients.sealed import sealed_column_register


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"


class PortalAccount(models.Model):
    """One person's door to the portal: each partner of a couple has their own."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="portal_account")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Portal account of {self.person}"


class Invitation(models.Model):
    """An invitation the office sent (or is sending) to one person."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the task that sends it; a second run of the same task sends again (decision 17).
    claimed_by_task = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} by {self.channel}"


class SignInCode(models.Model):
    """A one-time code and link for one account: hashed, short-lived, used once.

    ``handle`` is a random name for the code kept only in the requesting browser's session,
    so that a code typed there is checked against the codes that browser asked for and nobody
    else's. ``secret_sealed`` holds the code and link sealed until the task has sent them,
    then it is emptied: afterwards only their hashes remain.
    """

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="codes")
    handle = models.CharField(max_length=43, unique=True)
    code_hash = models.CharField(max_length=64)
    link_hash = models.CharField(max_length=64, unique=True)
    secret_sealed = models.TextField(blank=True, editable=False)
    channel = models.CharField(max_length=8, choices=Channel)
    # Several people may share an address (partners, say); the message then names whose it is.
    shared_address = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by_task = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "created_at"], name="portal_code_account_time")]

    def __str__(self) -> str:
        return f"Sign-in code {self.pk}"

    def problem(self, *, now: dt.datetime, max_attempts: int) -> str | None:
        """Return why this code can no longer sign in ("used", "locked", "expired"), or None."""
        if self.used_at is not None:
            return "used"
        if self.failed_attempts >= max_attempts:
            return "locked"
        if now >= self.expires_at:
            return "expired"
        return None


def sign_in_secret_context(code: SignInCode) -> str:
    """Return what a code's ``secret_sealed`` is bound to: its handle, never the person."""
    # Reads only a column, so a migration's older model of the row works as well.
    return f"portal.signincode:{code.handle}"


sealed_column_register(SignInCode, "secret_sealed", sign_in_secret_context)


class PortalPasskey(models.Model):
    """A passkey a person added to sign in with, instead of a code, on a device of theirs."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="passkeys")
    # The authenticator's credential id, base64url: what a sign-in names.
    credential_id = models.CharField(max_length=1400, unique=True)
    # fido2's AttestedCredentialData (the public key and its algorithm), base64url.
    credential_data = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Passkey {self.pk}"
