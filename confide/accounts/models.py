"""Staff profiles and their roles, and the shared counters of the form rate limits."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RateLimitCounter(models.Model):
    """How often one (hashed) client address used one form in the current window."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.BigIntegerField(help_text="Unix time the window began.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count}"


class StaffProfile(models.Model):
    """A person who works in the office, and what their role lets them see."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        CLINICIAN = "clinician", "Clinician"
        PRACTICE_MANAGER = "practice_manager", "Practice manager"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    clinician = models.OneToOneField(
        "practice.Clinician",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_profile",
        help_text="The clinician this person is. Required for clinicians; an owner who also "
        "sees clients can be linked too.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="clinician") | models.Q(clinician__isnull=False),
                name="staff_clinician_has_clinician",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="practice_manager") | models.Q(clinician__isnull=True),
                name="staff_manager_is_not_a_clinician",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
