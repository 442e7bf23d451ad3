"""Intake paperwork: versioned documents, what was sent, signatures and the questionnaire."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from confide.clients.models import Client, Person
from confide.clients.sealed import sealed_bytes, sealed_text
from confide.practice.models import RendersMarkdown


class IntakeDocument(models.Model):
    """One kind of paper the practice asks people to read and sign; its text lives in versions."""

    class Kind(models.TextChoices):
        CONSENT = "consent", "Informed consent to treatment"
        PRIVACY = "privacy", "Acknowledgment of the Notice of Privacy Practices"
        TELEHEALTH = "telehealth", "Telehealth consent"
        FINANCIAL = "financial", "Financial and cancellation policy"
        COUPLES = "couples", "Couples confidentiality policy"
        RELEASE = "release", "Release of information"
        RELEASE_NOTES = "release_notes", "Release of psychotherapy notes"

    # The kinds a packet sends unless the practice says otherwise; a release is asked for one
    # at a time, with its own particulars.
    RELEASES: ClassVar[frozenset[str]] = frozenset({Kind.RELEASE, Kind.RELEASE_NOTES})

    kind = models.CharField(max_length=20, choices=Kind, unique=True)
    in_default_packet = models.BooleanField(
        "in the default packet",
        default=True,
        help_text="Sent with the default packet (the couples policy only to couples).",
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def current_version(self) -> DocumentVersion | None:
        """Return the latest version, or None before any text is written."""
        return self.versions.order_by("-number").first()

    @property
    def is_release(self) -> bool:
        return self.kind in self.RELEASES


class DocumentVersion(RendersMarkdown, models.Model):
    """One wording of a document: written once, never changed; editing adds the next version."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(IntakeDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=160)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    markdown_fields: ClassVar[dict[str, str]] = {"body": "body_html"}

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="intake_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # What a person signed must stay exactly what they read: a version is written once.
        if self.pk is not None:
            raise ValidationError("A version of a document is never changed; save a new one.")
        super().save(*args, **kwargs)


class ESignConsent(models.Model):
    """A person's consent to sign electronically, given once after reading the disclosure.

    Withdrawn, it stays as a record of what was agreed when; signing again needs a new consent.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="esign_consents")
    disclosure_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person", "consented_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="intake_one_esign_consent_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"Consent to sign electronically, {self.consented_at:%Y-%m-%d}"


def _details_binding(item: PacketItem) -> str:
    return f"person={item.person.uid};kind={item.document.kind}"


class PacketItem(models.Model):
    """One document sent to one person to sign, and its signature once they have signed."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="intake_items")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intake_items")
    document = models.ForeignKey(IntakeDocument, on_delete=models.PROTECT, related_name="+")
    # A release's particulars (who, to whom, what, why, until when) say much about a person.
    details_sealed = models.TextField(blank=True, editable=False)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["person", "document", "sent_at", "pk"]
        indexes = [models.Index(fields=["client", "person"], name="intake_item_client_person")]

    details_json = sealed_text("details_sealed", "details", _details_binding)

    def __str__(self) -> str:
        return f"{self.document} for {self.person}"

    def signature_or_none(self) -> Signature | None:
        """Return the signature, or None while the document is still to be signed."""
        try:
            return self.signature
        except Signature.DoesNotExist:
            return None


class Signature(models.Model):
    """A signed version, frozen as a PDF kept sealed with its SHA-256, signer, time and address."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(PacketItem, on_delete=models.CASCADE, related_name="signature")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="signatures")
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    typed_name = models.CharField(max_length=160)
    signed_at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True)
    pdf_sealed = models.TextField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-signed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version.title}, signed {self.signed_at:%Y-%m-%d}"

    pdf: bytes = sealed_bytes("pdf_sealed", "pdf")

    def filename(self) -> str:
        """Return a download name naming the document and the day, never the person."""
        stem = "".join(c if c.isalnum() else "-" for c in self.version.title.lower()).strip("-")
        return f"{stem[:60] or 'document'}-{self.signed_at:%Y-%m-%d}.pdf"


def _answer_binding(answer: Answer) -> str:
    return f"person={answer.person.uid};question={answer.question}"


class Answer(models.Model):
    """One answer of a person's intake questionnaire, sealed; or their choice to skip it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intake_answers")
    question = models.CharField(max_length=40)
    text_sealed = models.TextField(blank=True, editable=False)
    skipped = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "question"], name="intake_answer_once")
        ]

    text = sealed_text("text_sealed", "text", _answer_binding)

    def __str__(self) -> str:
        return self.question


def _flag_binding(flag: AnswerFlag) -> str:
    return f"person={flag.person.uid};kind={flag.follow_up}"


class AnswerFlag(models.Model):
    """A questionnaire answer the crisis screen flagged, and what the therapist did about it.

    Raised when a person saves words the screen flags; it never stops the answer being saved.
    A follow-up takes it off Today but never off the record. The categories are not kept: the
    office reads them from the answer itself, which is sealed.
    """

    class FollowUp(models.TextChoices):
        CONTACTED = "contacted", "Contacted the person"
        SAFETY_PLAN = "safety_plan", "Reviewed the safety plan"
        OTHER = "other", "Other"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="intake_flags")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intake_flags")
    # Kept when the person later clears the answer: the flag stays on the record.
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags"
    )
    question = models.CharField(max_length=40)
    raised_at = models.DateTimeField()
    follow_up = models.CharField(max_length=12, choices=FollowUp, blank=True)
    follow_up_note_sealed = models.TextField(blank=True, editable=False)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["followed_up_at"], name="intake_flag_open")]

    follow_up_note = sealed_text("follow_up_note_sealed", "follow_up_note", _flag_binding)

    def __str__(self) -> str:
        return f"Flag on an intake answer, {self.raised_at:%Y-%m-%d}"
