"""People who reach out, and (later) the clients they become."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from confide.practice.models import Clinician, validate_phone, validate_time_zone


class ConsultationRequest(models.Model):
    """Someone who asked for a consultation: the least the practice needs to reach them."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        CLIENT = "client", "Became a client"
        CLOSED = "closed", "Closed"

    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="requests")
    name = models.CharField("name to call them", max_length=80)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[validate_phone])
    may_call = models.BooleanField(default=False)
    may_text = models.BooleanField(default=False)
    may_email = models.BooleanField(default=False)
    voicemail_ok = models.BooleanField("a voicemail is OK", default=False)
    may_name_practice = models.BooleanField("the practice may be named when calling", default=False)
    safe_times = models.CharField("when contact is safe", max_length=200, blank=True)
    for_couple = models.BooleanField(default=False)
    partner_name = models.CharField(max_length=80, blank=True)
    note = models.TextField(max_length=1000, blank=True)
    preferred_times = models.TextField(
        max_length=1000, blank=True, help_text="When no offered time fitted."
    )
    wants_calendar_file = models.BooleanField(default=False)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="The zone they saw times in; quiet hours for texts follow it.",
    )
    needs_attention = models.BooleanField(
        default=False, help_text="Something they wrote may signal a crisis."
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-needs_attention", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="consultation_request_has_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d})" if self.created_at else self.name

    def contact_preferences(self) -> list[str]:
        """Return the person's wishes about contact, phrased for the therapist to read first."""
        ways = [w for w, ok in (("call", self.may_call), ("text", self.may_text),
                                ("email", self.may_email)) if ok]  # fmt: skip
        notes = [f"Contact by {', '.join(ways) or 'no method chosen'}"]
        if self.may_call:
            notes.append("voicemail OK" if self.voicemail_ok else "no voicemail")
            notes.append(
                "may name the practice" if self.may_name_practice else "don't name the practice"
            )
        if self.safe_times:
            notes.append(f"safe times: {self.safe_times}")
        return notes
