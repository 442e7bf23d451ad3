"""Treatment plans: versions whose clinical text is sealed, signed by the clinician, then shared."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from confide.clients.models import Client, Person
from confide.clients.sealed import sealed_text


def _plan_binding(plan: TreatmentPlan) -> str:
    # Like a note's: the text opens only with the client, version and signed state it was sealed
    # with, so moving it to another client, renumbering it or unsigning it in the database fails.
    signed = (
        plan.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if plan.signed_at
        else "draft"
    )
    return f"client={plan.client.uid};version={plan.version};signed={signed}"


class TreatmentPlan(models.Model):
    """One version of a client's treatment plan; a signed version never changes.

    A couple's plan covers both partners. Changing a signed plan starts the next version as a
    draft; the newest signed version is the plan in force.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="treatment_plans")
    version = models.PositiveSmallIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Problems, goals, objectives, interventions: JSON, sealed.
    content_sealed = models.TextField(editable=False)
    # In clear, so that Today finds the plans due without opening any.
    review_on = models.DateField("review by")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who signed, as they were on the day.
    signer_name = models.CharField(max_length=120, blank=True, editable=False)
    signer_credentials = models.CharField(max_length=60, blank=True, editable=False)
    signer_license = models.CharField(max_length=80, blank=True, editable=False)
    signed_zone = models.CharField(max_length=64, blank=True, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set while the clinician shows this signed version in the client's portal.
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="plans_version_once"),
            # At most one draft per client: a second "new version" continues the first.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(signed_at__isnull=True),
                name="plans_one_draft",
            ),
        ]
        indexes = [models.Index(fields=["review_on"], name="plans_review_on")]

    content_json = sealed_text("content_sealed", "content", _plan_binding)

    def __str__(self) -> str:
        return f"Treatment plan, version {self.version}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def sign(self, *, by: object, at: dt.datetime) -> None:
        """Mark the plan signed, re-sealing its text with the signed state bound to it."""
        raw = self.content_json
        self.signed_at = at.replace(microsecond=0)
        self.signed_by = by  # type: ignore[assignment]
        self.content_json = raw

    def review_due(self, today: dt.date) -> bool:
        """Return whether the review date has come, for a signed plan; False for a draft."""
        return self.is_signed and self.review_on <= today


class PlanSignature(models.Model):
    """One person's own signature on a signed plan shown to them: a typed name and the intent."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.CASCADE, related_name="client_signatures"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plan_signatures")
    typed_name = models.CharField(max_length=160)
    signed_at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="plans_person_signs_once")
        ]

    def __str__(self) -> str:
        return f"Signed by {self.typed_name}"
