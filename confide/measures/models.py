"""Measures sent to a person, their sealed answers, flags and follow-ups, schedules, sharing."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from confide.clients.models import Client, Person
from confide.clients.sealed import sealed_text
from confide.measures.instruments import INSTRUMENTS, Instrument


class Code(models.TextChoices):
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"
    PCL5 = "pcl5", "PCL-5"
    CSI4 = "csi4", "CSI-4"


def _link_binding(ask: MeasureRequest) -> str:
    return f"person={ask.person.uid};code={ask.code}"


class MeasureRequest(models.Model):
    """One measure the office asked one person to fill in, in the portal or by a one-time link.

    A link is random, kept only as its SHA-256 once sent, expires, and works once: answering
    sets ``answered_at``. Until the message is sent, the token waits sealed in ``link_sealed``.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="measure_requests")
    code = models.CharField(max_length=8, choices=Code)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set for a request sent by the schedule rather than by hand.
    scheduled = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    link_sealed = models.TextField(blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    claimed_by_task = models.CharField(max_length=64, blank=True, editable=False)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["person", "answered_at"], name="measures_request_open")]

    link = sealed_text("link_sealed", "link", _link_binding)

    def __str__(self) -> str:
        return f"{self.get_code_display()} for {self.person}"

    @property
    def instrument(self) -> Instrument:
        return INSTRUMENTS[self.code]


def _answers_binding(response: MeasureResponse) -> str:
    return f"person={response.person.uid};code={response.code};total={response.total}"


class MeasureResponse(models.Model):
    """One person's answers to one measure: sealed, scored on the server when saved.

    The total and its band stay in clear so that trends draw without opening every answer;
    each item's answer and any comment are sealed, bound to the person, measure and total.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_responses")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="measure_responses")
    request = models.OneToOneField(
        MeasureRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    code = models.CharField(max_length=8, choices=Code)
    answers_sealed = models.TextField(editable=False)
    comment_sealed = models.TextField(blank=True, editable=False)
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=80)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "code", "answered_at"], name="measures_response_trend")
        ]

    answers_json = sealed_text("answers_sealed", "answers", _answers_binding)
    comment = sealed_text("comment_sealed", "comment", _answers_binding)

    def __str__(self) -> str:
        return f"{self.get_code_display()} of {self.answered_at:%Y-%m-%d}"

    @property
    def instrument(self) -> Instrument:
        return INSTRUMENTS[self.code]


def _follow_up_binding(flag: MeasureFlag) -> str:
    return f"response={flag.response.uid};kind={flag.follow_up}"


class MeasureFlag(models.Model):
    """A response the therapist must see first; a recorded follow-up clears it from Today only."""

    class Reason(models.TextChoices):
        ITEM = "item", "An answer about thoughts of death or self-harm"
        COMMENT = "comment", "A comment the screen flagged"

    class FollowUp(models.TextChoices):
        CONTACTED = "contacted", "Contacted the person"
        SAFETY_PLAN = "safety_plan", "Reviewed the safety plan"
        OTHER = "other", "Other"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_flags")
    response = models.ForeignKey(MeasureResponse, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=10, choices=Reason)
    # For an item flag: which item, and the answer's value (e.g. 9 and 2).
    item = models.PositiveSmallIntegerField(null=True, blank=True)
    raised_at = models.DateTimeField()
    follow_up = models.CharField(max_length=12, choices=FollowUp, blank=True)
    follow_up_note_sealed = models.TextField(blank=True, editable=False)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["followed_up_at"], name="measures_flag_open")]

    follow_up_note = sealed_text("follow_up_note_sealed", "follow_up_note", _follow_up_binding)

    def __str__(self) -> str:
        return f"Flag on {self.response}"

    @property
    def open(self) -> bool:
        return self.followed_up_at is None


class MeasureSchedule(models.Model):
    """A measure sent again to each person of a client: every N sessions, or every N weeks."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_schedules")
    code = models.CharField(max_length=8, choices=Code)
    every_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    every_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "code"]
        constraints = [
            models.UniqueConstraint(fields=["client", "code"], name="measures_schedule_once"),
            models.CheckConstraint(
                condition=(
                    models.Q(every_sessions__gt=0, every_weeks__isnull=True)
                    | models.Q(every_sessions__isnull=True, every_weeks__gt=0)
                ),
                name="measures_schedule_one_rhythm",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.rhythm()}"

    def rhythm(self) -> str:
        """Return the schedule in words: "every 4 sessions", "every 2 weeks"."""
        if self.every_sessions:
            n = self.every_sessions
            return "every session" if n == 1 else f"every {n} sessions"
        n = self.every_weeks or 0
        return "every week" if n == 1 else f"every {n} weeks"

    def next_due_at(self) -> dt.datetime | None:
        """Return when a schedule counted in weeks is next due; None for one counted in sessions.

        A schedule never sent yet is due from when it was set.
        """
        if not self.every_weeks:
            return None
        if self.last_sent_at is None:
            return self.created_at
        return self.last_sent_at + dt.timedelta(weeks=self.every_weeks)


class TrendShare(models.Model):
    """The therapist chose to show a client's people their own trend of one measure."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_shares")
    code = models.CharField(max_length=8, choices=Code)
    shared_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "code"], name="measures_share_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} shared"
