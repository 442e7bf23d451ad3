"""The practice's public face: profile, clinicians, approaches, pages, FAQ and articles."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import zoneinfo
from collections.abc import Iterable
from functools import cache
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from confide.practice.markdown import html_text, html_word_count, minutes_for, render_markdown

DEFAULT_TIME_ZONE = "America/New_York"


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "Enter a time zone name such as America/New_York.", code="invalid_time_zone"
        )


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not re.fullmatch(r"[\d\s()+.\-]+", value) or not 3 <= len(digits) <= 15:
        raise ValidationError(
            "Enter a phone number using digits, spaces, brackets and dashes, "
            "such as (212) 555-0142.",
            code="invalid_phone",
        )


def validate_https(value: str) -> None:
    if not value.startswith("https://"):
        raise ValidationError("Use an address that starts with https://.", code="not_https")


ROOM_URL_MAX_LENGTH = 500


def validate_room_url(value: str) -> None:
    """Accept a video room address only over HTTPS, with a host and without a password in it.

    Browsers give a page the camera and microphone only over HTTPS (or on the visitor's own
    machine, which is never the practice's room), so an http:// room would fail in the session.
    """
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError(
            "Use the room's full address, starting with https://.", code="not_https"
        )
    if parts.username or parts.password:
        raise ValidationError(
            "Leave the name and password out of the address.", code="credentials_in_url"
        )


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


def phone_href(number: str) -> str:
    """Return a tel: link for the number, assuming the US country code for 10-digit numbers."""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+"):
        return f"tel:+{digits}"
    if len(digits) == 10:
        return f"tel:+1{digits}"
    return f"tel:{digits}"


def html_field() -> models.TextField[str, str]:
    """Return a column for the sanitized HTML of a Markdown field, filled when the row is saved."""
    return models.TextField(blank=True, default="", editable=False)


class RendersMarkdown:
    """Render each Markdown field into its HTML column on save, so showing a page never renders.

    `markdown_fields` maps each Markdown field to its HTML column. A save limited by
    `update_fields` renders only the Markdown fields it names, and saves their HTML with them.
    """

    markdown_fields: ClassVar[dict[str, str]] = {}

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields: Iterable[str] | None = kwargs.get("update_fields")
        if update_fields is None:
            for name in self.markdown_fields:
                self.markdown_rendered(name)
        else:
            filled = set(update_fields)
            for name in self.markdown_fields.keys() & filled:
                filled |= self.markdown_rendered(name)
            kwargs["update_fields"] = filled
        super().save(*args, **kwargs)  # type: ignore[misc]

    def markdown_rendered(self, name: str) -> set[str]:
        """Fill the columns derived from one Markdown field and return their names."""
        column = self.markdown_fields[name]
        setattr(self, column, render_markdown(getattr(self, name)))
        return {column}


class Practice(RendersMarkdown, models.Model):
    """The one practice this installation serves; always row 1."""

    name = models.CharField(max_length=120)
    tagline = models.CharField(max_length=160, blank=True)
    phone = models.CharField(max_length=40, validators=[validate_phone])
    email = models.EmailField()
    address = models.TextField(
        blank=True,
        help_text="Street address of the office. Leave empty if you only see people online.",
    )
    online_only = models.BooleanField(
        default=False, help_text="No office: all sessions are online."
    )
    telehealth = models.BooleanField("offers telehealth", default=True)
    telehealth_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="For example: video sessions for residents of New York State.",
    )
    time_zone = models.CharField(
        max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    crisis_number = models.CharField(
        "crisis line number",
        max_length=20,
        default="988",
        validators=[validate_phone],
        help_text="Shown on every page as 'call or text'.",
    )
    crisis_line_name = models.CharField(max_length=80, default="the 988 Suicide & Crisis Lifeline")
    crisis_chat_url = models.URLField(
        "crisis chat address",
        default="https://988lifeline.org/",
        blank=True,
        validators=[validate_https],
    )
    emergency_number = models.CharField(max_length=20, default="911", validators=[validate_phone])
    response_note = models.CharField(
        max_length=240,
        default="Messages to this practice are not read around the clock.",
        help_text="Shown with the crisis numbers on every page.",
    )
    cancellation_policy = models.TextField(blank=True)
    cancellation_policy_html = html_field()
    cancellation_window_hours = models.PositiveSmallIntegerField(
        "cancellation window (hours)",
        default=24,
        help_text="Inside this many hours before a session, people are asked to call instead.",
    )
    leave_url = models.URLField(
        "'Leave this site' goes to",
        default="https://www.weather.gov/",
        validators=[validate_https],
        help_text="A neutral site that gives nothing away, opened when someone leaves in a hurry.",
    )
    first_reminder_hours = models.PositiveSmallIntegerField(
        "first reminder (hours before)",
        default=48,
        validators=[MaxValueValidator(24 * 14)],
        help_text="0 sends none. Counted in real hours, also across a clock change.",
    )
    second_reminder_hours = models.PositiveSmallIntegerField(
        "second reminder (hours before)",
        default=2,
        validators=[MaxValueValidator(24 * 14)],
        help_text="0 sends none.",
    )
    quiet_hours_start = models.TimeField(
        default=dt.time(21, 0),
        help_text="No text messages from this time, in each person's own time zone.",
    )
    quiet_hours_end = models.TimeField(
        default=dt.time(8, 0),
        help_text="A text due in quiet hours goes out at this time, if still in time.",
    )
    retention_years = models.PositiveSmallIntegerField(
        "keep records for (years after discharge)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Check what your state and license require; New York asks at least six years.",
    )
    draft_limit_hours = models.PositiveSmallIntegerField(
        "a draft note is late after (hours)",
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text="Today lists drafts older than this, and sessions still without a signed note.",
    )
    sign_within_days = models.PositiveSmallIntegerField(
        "notes must be signed within (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Leave empty for no rule. Today marks what is past it as late.",
    )
    agenda_time = models.TimeField(
        "morning agenda at",
        default=dt.time(7, 0),
        help_text="When clinicians who asked for it get the day's appointments by email.",
    )

    markdown_fields: ClassVar[dict[str, str]] = {"cancellation_policy": "cancellation_policy_html"}

    class Meta:
        verbose_name = "practice profile"
        verbose_name_plural = "practice profile"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.online_only and not self.address.strip():
            raise ValidationError({"address": "Enter the office address, or tick 'online only'."})

    @classmethod
    def load(cls) -> Practice:
        """Return the saved profile, or an unsaved placeholder before one exists."""
        return cls.objects.filter(pk=1).first() or cls(
            name="Confide", phone="", email="", online_only=True
        )

    def phone_href(self) -> str:
        return phone_href(self.phone)

    def crisis_href(self) -> str:
        return phone_href(self.crisis_number)

    def crisis_sms_href(self) -> str:
        return "sms:" + re.sub(r"[^\d+]", "", self.crisis_number)

    def emergency_href(self) -> str:
        return phone_href(self.emergency_number)

    def crisis_chat_label(self) -> str:
        """Return the chat address as people say it: host and path, no scheme."""
        return self.crisis_chat_url.removeprefix("https://").removeprefix("www.").rstrip("/")

    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    def reminder_offsets(self) -> list[dt.timedelta]:
        """Return how long before an appointment its reminders go, longest first, none twice."""
        hours = {self.first_reminder_hours, self.second_reminder_hours} - {0}
        return [dt.timedelta(hours=h) for h in sorted(hours, reverse=True)]


class Modality(RendersMarkdown, models.Model):
    """An approach the practice uses, with its own public page."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=200, help_text="One sentence, shown in lists.")
    what_it_is = models.TextField("what it is", help_text="Markdown.")
    session_like = models.TextField("what a session is like", help_text="Markdown.")
    who_it_helps = models.TextField("who it may help", help_text="Markdown.")
    what_it_is_html = html_field()
    session_like_html = html_field()
    who_it_helps_html = html_field()
    order = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)

    markdown_fields: ClassVar[dict[str, str]] = {
        "what_it_is": "what_it_is_html",
        "session_like": "session_like_html",
        "who_it_helps": "who_it_helps_html",
    }

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "approach"
        verbose_name_plural = "approaches"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practice:modality", args=[self.slug])


class Clinician(RendersMarkdown, models.Model):
    """A therapist of the practice as the public sees them."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    credentials = models.CharField(max_length=60, help_text="For example: LCSW.")
    pronouns = models.CharField(max_length=40, blank=True)
    license_number = models.CharField(
        max_length=30,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", "Use letters, digits and dashes only.")],
    )
    license_state = models.CharField(
        max_length=2,
        default="NY",
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use the two-letter state code, such as NY.")],
    )
    license_verify_url = models.URLField(
        "where to verify the license",
        default="https://eservices.nysed.gov/professions/verification-search",
        validators=[validate_https],
    )
    photo = models.ImageField(upload_to="clinicians/", blank=True)
    photo_description = models.CharField(
        max_length=200, blank=True, help_text="Describes the photo for people who cannot see it."
    )
    bio = models.TextField(help_text="Markdown.")
    bio_html = html_field()
    modalities = models.ManyToManyField(Modality, blank=True, related_name="clinicians")
    sees_individuals = models.BooleanField(default=True)
    sees_couples = models.BooleanField(default=False)
    accepting_new_clients = models.BooleanField(default=True)
    listed = models.BooleanField(default=True, help_text="Shown on the public site.")
    order = models.PositiveSmallIntegerField(default=0)
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Working hours are read in this zone.",
    )
    notify_email = models.EmailField(
        "email for booking notices", blank=True, help_text="Private; never shown on the site."
    )
    morning_agenda = models.BooleanField(
        default=False,
        help_text="Email the day's appointments (times and initials only) each morning "
        "to the address for booking notices.",
    )
    calendar_token = models.CharField(max_length=64, default=new_calendar_token, editable=False)
    video_room_url = models.URLField(
        "video room address",
        max_length=ROOM_URL_MAX_LENGTH,
        blank=True,
        validators=[validate_room_url],
        help_text="Private: people reach it only through their own appointment's join link, "
        "from 15 minutes before the start. Never shown on the site, in messages or calendars.",
    )

    markdown_fields: ClassVar[dict[str, str]] = {"bio": "bio_html"}

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}"

    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def calendar_token_replace(self) -> None:
        """Give the private calendar feed a new secret address; the old one stops working."""
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])

    def clean(self) -> None:
        if self.photo and not self.photo_description.strip():
            raise ValidationError({"photo_description": "Describe the photo in a few words."})
        if not (self.sees_individuals or self.sees_couples):
            raise ValidationError(
                "Choose whether this clinician sees individuals, couples or both."
            )


class Page(RendersMarkdown, models.Model):
    """One of the site's fixed pages, with text the therapist writes."""

    class Kind(models.TextChoices):
        HOME = "home", "Home"
        ABOUT = "about", "About"
        WORK_WITH = "who-i-work-with", "Who I work with"
        FEES = "fees", "Fees and insurance"
        FAQ = "faq", "Questions"
        CONTACT = "contact", "Contact"
        # The notice the intake paperwork asks each client to acknowledge (confide/intake).
        PRIVACY = "privacy-practices", "Notice of Privacy Practices"

    kind = models.CharField(max_length=32, choices=Kind, unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(
        max_length=200, blank=True, help_text="Shown to search engines and when the page is shared."
    )
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = html_field()
    updated_at = models.DateTimeField(auto_now=True)

    markdown_fields: ClassVar[dict[str, str]] = {"body": "body_html"}

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.HOME:
            return reverse("practice:home")
        return reverse("practice:page", args=[self.kind])


class FaqItem(RendersMarkdown, models.Model):
    question = models.CharField(max_length=200)
    answer = models.TextField(help_text="Markdown.")
    answer_html = html_field()
    order = models.PositiveSmallIntegerField(default=0)

    markdown_fields: ClassVar[dict[str, str]] = {"answer": "answer_html"}

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "question and answer"
        verbose_name_plural = "questions and answers"

    def __str__(self) -> str:
        return self.question


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practice:tag", args=[self.slug])


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())


class Article(RendersMarkdown, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    summary = models.CharField(
        max_length=200, help_text="One or two sentences for lists, search engines and sharing."
    )
    body = models.TextField(help_text="Markdown. Headings start at ##.")
    body_html = html_field()
    word_count = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Filled in when you publish, if left empty."
    )
    updated_at = models.DateTimeField(auto_now=True)
    author = models.ForeignKey(
        Clinician, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")

    objects = ArticleQuerySet.as_manager()

    markdown_fields: ClassVar[dict[str, str]] = {"body": "body_html"}

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("practice:article", args=[self.slug])

    def markdown_rendered(self, name: str) -> set[str]:
        filled = super().markdown_rendered(name)
        if name == "body":
            # Counted from the HTML just rendered, rather than rendering the Markdown again.
            self.word_count = html_word_count(self.body_html)
            filled.add("word_count")
        return filled

    def reading_minutes(self) -> int:
        return minutes_for(self.word_count)

    def description(self) -> str:
        return self.summary or html_text(self.body_html)[:200]
