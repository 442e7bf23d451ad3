"""Appointment types, a clinician's hours, and the appointments that fill them."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from confide.accounts.access import visible
from confide.accounts.sessions import AnyUser
from confide.clients.models import ConsultationRequest
from confide.clients.reach import Reach
from confide.practice.models import ROOM_URL_MAX_LENGTH, Clinician, validate_room_url


class AppointmentType(models.Model):
    """What can be booked with a clinician: how long, with what gaps, by whom and how far ahead."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "Free consultation"
        FIRST = "first", "First session"
        INDIVIDUAL = "individual", "Individual session"
        COUPLES = "couples", "Couples session"

    class Booking(models.TextChoices):
        PUBLIC = "public", "Anyone can book it online"
        APPROVAL = "approval", "Anyone can ask for it online; you approve each one"
        OFFICE = "office", "Only booked from the office"

    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, related_name="appointment_types"
    )
    name = models.CharField(max_length=80, help_text="Shown to the person booking.")
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.INDIVIDUAL)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(240)]
    )
    fee = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    in_person = models.BooleanField("in person", default=False)
    video = models.BooleanField(default=True)
    phone = models.BooleanField(default=False)
    booking = models.CharField(max_length=12, choices=Booking, default=Booking.OFFICE)
    min_notice_minutes = models.PositiveIntegerField(
        "minimum notice (minutes)", default=12 * 60, validators=[MaxValueValidator(60 * 24 * 60)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        "bookable this many days ahead",
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        "offer a start every (minutes)",
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["clinician", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["clinician", "slug"], name="appointment_type_slug"),
            models.CheckConstraint(
                condition=Q(in_person=True) | Q(video=True) | Q(phone=True),
                name="appointment_type_has_format",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="appointment_type_has_duration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"

    def clean(self) -> None:
        if not (self.in_person or self.video or self.phone):
            raise ValidationError("Choose at least one format: in person, video or phone.")

    def formats(self) -> list[Appointment.Format]:
        """Return the formats this type can be held in, in a fixed order."""
        F_ = Appointment.Format
        pairs = [(F_.IN_PERSON, self.in_person), (F_.VIDEO, self.video), (F_.PHONE, self.phone)]
        return [f for f, on in pairs if on]

    @property
    def is_public(self) -> bool:
        return self.active and self.booking != self.Booking.OFFICE

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)


class AvailabilityRule(models.Model):
    """One piece of a clinician's availability, in wall-clock time of their zone.

    Weekly hours repeat on a weekday; extra hours add one date; time off removes whole days
    (no times) or part of each day in a date range.
    """

    class Kind(models.TextChoices):
        WEEKLY = "weekly", "Weekly hours"
        EXTRA = "extra", "Extra hours on one date"
        OFF = "off", "Time off"

    class Weekday(models.IntegerChoices):
        MONDAY = 1
        TUESDAY = 2
        WEDNESDAY = 3
        THURSDAY = 4
        FRIDAY = 5
        SATURDAY = 6
        SUNDAY = 7

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="availability")
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.WEEKLY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday, null=True, blank=True)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True, help_text="For time off: the last day off.")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=120, blank=True, help_text="Private; never shown.")

    class Meta:
        ordering = ["kind", "weekday", "first_day", "start_time"]
        indexes = [models.Index(fields=["clinician", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(end_time__gt=F("start_time")),
                name="availability_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        times = (
            f" {self.start_time:%H:%M} to {self.end_time:%H:%M}"
            if self.start_time and self.end_time
            else ""
        )
        if self.kind == self.Kind.WEEKLY and self.weekday:
            return f"{self.Weekday(self.weekday).label}{times}"
        if self.kind == self.Kind.EXTRA:
            return f"Extra {self.first_day}{times}"
        span = f"{self.first_day}" + (
            f" to {self.last_day}" if self.last_day != self.first_day else ""
        )
        return f"Off {span}{times or ' (whole days)'}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.kind == self.Kind.OFF and self.first_day and self.last_day is None:
            self.last_day = self.first_day
        if self.kind != self.Kind.WEEKLY:
            self.weekday = None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        has_times = self.start_time is not None and self.end_time is not None
        if (self.start_time is None) != (self.end_time is None):
            errors["end_time"] = "Give both a start and an end time, or neither."
        elif has_times and self.end_time <= self.start_time:  # type: ignore[operator]
            errors["end_time"] = "The end time must be after the start time."
        if self.kind == self.Kind.WEEKLY:
            if self.weekday is None:
                errors["weekday"] = "Choose a weekday."
            if not has_times and "end_time" not in errors:
                errors["start_time"] = "Weekly hours need a start and an end time."
        elif self.kind == self.Kind.EXTRA:
            if self.first_day is None:
                errors["first_day"] = "Choose the date."
            if not has_times and "end_time" not in errors:
                errors["start_time"] = "Extra hours need a start and an end time."
        elif self.kind == self.Kind.OFF:
            if self.first_day is None:
                errors["first_day"] = "Choose the first day off."
            elif self.last_day is not None and self.last_day < self.first_day:
                errors["last_day"] = "The last day cannot be before the first."
        if errors:
            raise ValidationError(errors)


def _new_uid() -> str:
    return f"{uuid.uuid4()}@confide"


def _new_manage_key() -> str:
    return secrets.token_urlsafe(32)


_MANAGE_SIGNER = signing.Signer(salt="confide.scheduling.manage", sep=".")

# How long before a video session's start its join link opens the room.
JOIN_OPENS_BEFORE = dt.timedelta(minutes=15)


class JoinState(models.TextChoices):
    """What a person's join link does at a given moment (see Appointment.join_state)."""

    OPEN = "open", "The room is open"
    EARLY = "early", "Not open yet"
    OVER = "over", "The session is over"
    NOT_VIDEO = "not_video", "Not a video session"
    NOT_CONFIRMED = "not_confirmed", "Waiting for confirmation"
    CANCELLED = "cancelled", "Cancelled"
    MOVED = "moved", "Moved to another time"
    NO_ROOM = "no_room", "No room set"


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def active(self) -> AppointmentQuerySet:
        return self.filter(status__in=Appointment.ACTIVE_STATUSES)

    def visible_to(self, user: AnyUser) -> AppointmentQuerySet:
        """Return the appointments the user may see: their own clinician's, or the practice's."""
        return visible(self, user)


class Appointment(models.Model):
    """A booked time with a clinician.

    ``busy_start`` and ``busy_end`` widen the appointment by its buffers; the database refuses two
    active appointments of one clinician whose busy spans overlap (see migration 0002).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        RESCHEDULED = "rescheduled", "Moved to another time"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    class Outcome(models.TextChoices):
        """What happened to a session, recorded once its time has come (see ``attendance``)."""

        ATTENDED = "attended", "Attended"
        LATE_CANCEL = "late_cancel", "Late cancellation"
        NO_SHOW = "no_show", "No-show"
        CANCELLED_BY_PRACTICE = "by_practice", "Cancelled by the practice"
        CANCELLED_BY_CLIENT = "by_client", "Cancelled by the client"

    ACTIVE_STATUSES = (Status.REQUESTED, Status.CONFIRMED)

    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    format = models.CharField(max_length=12, choices=Format)
    start = models.DateTimeField()
    end = models.DateTimeField()
    busy_start = models.DateTimeField(editable=False)
    busy_end = models.DateTimeField(editable=False)
    status = models.CharField(max_length=12, choices=Status, default=Status.CONFIRMED)
    consultation = models.ForeignKey(
        ConsultationRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        help_text="Set for sessions with a client; public bookings have a consultation instead.",
    )
    manage_key = models.CharField(
        max_length=43, unique=True, default=_new_manage_key, editable=False
    )
    # NULL rather than "" for bookings made without a public form: many may lack a key, but no
    # two may share one.
    booking_key = models.CharField(  # noqa: DJ001
        max_length=64,
        unique=True,
        null=True,
        editable=False,
        help_text="Stops a form being used twice.",
    )
    ical_uid = models.CharField(max_length=80, default=_new_uid, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    rescheduled_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_from"
    )
    outcome = models.CharField(max_length=12, choices=Outcome, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # When a signed progress note for this session first existed: Today's "without a signed
    # note" list reads the sessions where it is empty, one index range at any age of the record.
    noted_at = models.DateTimeField(null=True, blank=True, editable=False)
    partners_present = models.ManyToManyField(
        "clients.Person",
        blank=True,
        related_name="+",
        help_text="For a couple's session that took place: the partners who came.",
    )
    # Sessions booked together as a series share this; a moved session keeps it, so "the rest
    # of the series" still finds it.
    series = models.UUIDField(null=True, blank=True, editable=False)
    video_room_url = models.URLField(
        "video room address for this session",
        max_length=ROOM_URL_MAX_LENGTH,
        blank=True,
        validators=[validate_room_url],
        help_text="Leave empty to use the clinician's room.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            # A clinician's days and weeks: the calendar and Today read a range of starts.
            models.Index(fields=["clinician", "start"], name="appointment_clinician_start"),
            # Busy time and the overlap guard look for a clinician's appointments that end after
            # a moment (a window's start, a new booking's): the range they read is the weeks
            # ahead, however many past sessions there are. Not partial on the active statuses:
            # SQLite cannot use a partial index for a query whose statuses are parameters.
            models.Index(fields=["clinician", "busy_end"], name="appointment_busy_end"),
            models.Index(fields=["status", "start"], name="appointment_status_start"),
            # The rest of a series, in order.
            models.Index(fields=["series", "start"], name="appointment_series_start"),
            # Attended sessions still without a signed note, newest first (Today's to-do list).
            models.Index(
                fields=["clinician", "outcome", "noted_at", "start"], name="appointment_unnoted"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(busy_start__lte=F("start")) & Q(busy_end__gte=F("end")),
                name="appointment_busy_covers_it",
            ),
            # An outcome and the status it leaves never disagree.
            models.CheckConstraint(
                condition=Q(outcome="")
                | Q(outcome="attended", status="completed")
                | Q(outcome="no_show", status="no_show")
                | Q(outcome__in=["late_cancel", "by_practice", "by_client"], status="cancelled"),
                name="appointment_outcome_matches_status",
            ),
        ]

    def __str__(self) -> str:
        status = self.get_status_display()
        return f"{self.appointment_type.name} {self.start:%Y-%m-%d %H:%M} UTC ({status})"

    def save(self, *args: object, **kwargs: object) -> None:
        kind = self.appointment_type
        self.busy_start = self.start - dt.timedelta(minutes=kind.buffer_before_minutes)
        self.busy_end = self.end + dt.timedelta(minutes=kind.buffer_after_minutes)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def outcome_set(
        self, outcome: str, *, status: str, at: dt.datetime | None, by: object
    ) -> list[str]:
        """Set what happened (or with "" nothing), who said so and when, and the status with it.

        A change of status moves the calendar entry's sequence on, so calendar apps drop a
        cancelled entry and bring a revived one back. Returns the fields to save.
        """
        fields = ["outcome", "outcome_at", "outcome_by", "status", "updated_at"]
        if status != self.status:
            self.ical_sequence += 1
            fields.append("ical_sequence")
        self.outcome = outcome
        self.outcome_at = at if outcome else None
        self.outcome_by_id = getattr(by, "pk", None) if outcome else None
        self.status = status
        return fields

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def manage_token(self) -> str:
        """Return the secret for this appointment's manage link: a random key, signed."""
        return _MANAGE_SIGNER.sign(self.manage_key)

    @classmethod
    def key_from_manage_token(cls, token: str) -> str | None:
        """Return the manage key a token stands for, or None when the signature is wrong."""
        try:
            return _MANAGE_SIGNER.unsign(token)
        except signing.BadSignature:
            return None

    def get_manage_url(self) -> str:
        return reverse("scheduling:manage", args=[self.manage_token()])

    def get_join_url(self) -> str:
        return reverse("scheduling:join", args=[self.manage_token()])

    def video_room(self) -> str:
        """Return the room this session is held in: its own, else its clinician's, else ""."""
        return self.video_room_url or self.clinician.video_room_url

    @property
    def join_opens_at(self) -> dt.datetime:
        return self.start - JOIN_OPENS_BEFORE

    def join_state(self, *, now: dt.datetime) -> JoinState:
        """Return what the person's join link does at ``now``.

        The room opens from JOIN_OPENS_BEFORE before the start until the end, the end itself
        excluded. An attended or no-show mark made during the session keeps the room open, so
        a dropped connection can come back.
        """
        if self.format != self.Format.VIDEO:
            return JoinState.NOT_VIDEO
        if self.status == self.Status.RESCHEDULED:
            return JoinState.MOVED
        if self.status in (self.Status.CANCELLED, self.Status.DECLINED):
            return JoinState.CANCELLED
        if self.status == self.Status.REQUESTED:
            return JoinState.NOT_CONFIRMED
        if now < self.join_opens_at:
            return JoinState.EARLY
        if now >= self.end:
            return JoinState.OVER
        if not self.video_room():
            return JoinState.NO_ROOM
        return JoinState.OPEN

    def people_to_call(self) -> list[Reach]:
        """Return, for a phone session, each person's number and wishes about calls; else [].

        A couple's session lists both partners; reads ``client.people`` as prefetched.
        """
        if self.format != self.Format.PHONE:
            return []
        if self.client is not None:
            return [person.reach(with_safe_times=False) for person in self.client.people.all()]
        if self.consultation is not None:
            return [self.consultation.reach(with_safe_times=False)]
        return []

    def initials(self) -> str:
        """Return the person's initials, for calendar entries that must not name them.

        A couple's session shows both partners' initials joined ("D.W. & K.W.").
        """
        if self.client is not None:
            names = [person.name for person in self.client.people.all()]
        else:
            names = [self.consultation.name] if self.consultation else []
        shown = [_initials_of(name) for name in names]
        return " & ".join(i for i in shown if i) or "Appt"


def _initials_of(name: str) -> str:
    letters = [part[0].upper() for part in name.split() if part[:1].isalpha()]
    return ".".join(letters[:2]) + "." if letters else ""
