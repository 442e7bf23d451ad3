"""People who reach out, and (later) the clients they become."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.urls import reverse

from confide.accounts.access import visible
from confide.accounts.sessions import AnyUser
from confide.clients.reach import Reach
from confide.clients.sealed import sealed_bytes, sealed_text
from confide.practice.models import Clinician, validate_phone, validate_time_zone


class ContactWishes(models.Model):
    """How someone may be reached, and how not: the same before and after becoming a client."""

    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[validate_phone])
    may_call = models.BooleanField(default=False)
    may_text = models.BooleanField(default=False)
    may_email = models.BooleanField(default=False)
    voicemail_ok = models.BooleanField("a voicemail is OK", default=False)
    may_name_practice = models.BooleanField("the practice may be named when calling", default=False)
    safe_times_sealed = models.TextField(blank=True, editable=False)
    # Read by reminders without opening anything sealed; the note beside them stays sealed.
    safe_days = models.CharField(
        "safe days", max_length=7, blank=True, help_text="Weekdays, 0 Monday to 6 Sunday."
    )
    safe_from = models.TimeField("safe from", null=True, blank=True)
    safe_until = models.TimeField("safe until", null=True, blank=True)

    class Meta:
        abstract = True

    # Each concrete model has its own (a request's name is shorter, its zone explained).
    name: str
    time_zone: str

    # When contact is safe can say much about a person's home; sealed like the note they leave.
    safe_times = sealed_text("safe_times_sealed", "safe_times")

    def reach(self, *, with_safe_times: bool = True) -> Reach:
        """Return the name, address, number and wishes as one value.

        ``with_safe_times=False`` leaves the sealed safe times unopened (as ""), for code that
        only needs the ways to reach the person, such as reminders.
        """
        return Reach(
            name=self.name,
            email=self.email,
            phone=self.phone,
            may_call=self.may_call,
            may_text=self.may_text,
            may_email=self.may_email,
            voicemail_ok=self.voicemail_ok,
            may_name_practice=self.may_name_practice,
            safe_times=self.safe_times if with_safe_times else "",
            safe_days=self.safe_days,
            safe_from=self.safe_from,
            safe_until=self.safe_until,
            time_zone=self.time_zone,
        )


class ConsultationRequestQuerySet(models.QuerySet["ConsultationRequest"]):
    def visible_to(self, user: AnyUser) -> ConsultationRequestQuerySet:
        """Return the requests the user may see: those to their own clinician, or the practice's."""
        return visible(self, user)


class ConsultationRequest(ContactWishes):
    """Someone who asked for a consultation: the least the practice needs to reach them."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        CLIENT = "client", "Became a client"
        CLOSED = "closed", "Closed"

    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="requests")
    name = models.CharField("name to call them", max_length=80)
    for_couple = models.BooleanField(default=False)
    partner_name = models.CharField(max_length=80, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note_sealed = models.TextField(blank=True, editable=False)
    preferred_times_sealed = models.TextField(blank=True, editable=False)
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
    close_reason_sealed = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta(ContactWishes.Meta):
        ordering = ["-needs_attention", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="consultation_request_has_contact"
            )
        ]

    note = sealed_text("note_sealed", "note")
    # When no offered time fitted, in their words.
    preferred_times = sealed_text("preferred_times_sealed", "preferred_times")
    # The therapist's own words on why a request closed; they may be clinical.
    close_reason = sealed_text("close_reason_sealed", "close_reason")

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d})" if self.created_at else self.name


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: AnyUser) -> ClientQuerySet:
        """Return the clients the user may see; none for someone without a staff role.

        A clinician sees their own clients, the owner and the practice manager the whole practice.
        """
        return visible(self, user)


class Client(models.Model):
    """A person or a couple in therapy with the practice; a couple has two members."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        COUPLE = "couple", "Couple"

    class Status(models.TextChoices):
        INQUIRY = "inquiry", "Inquiry"
        CONSULTATION = "consultation", "Consultation"
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        DISCHARGED = "discharged", "Discharged"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.INDIVIDUAL)
    status = models.CharField(max_length=14, choices=Status, default=Status.CONSULTATION)
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="clients")
    display_name = models.CharField(
        max_length=160, help_text="How the client appears in lists, e.g. 'Sam R.' or 'Sam and Lee'."
    )
    waitlisted = models.BooleanField(default=False)
    waitlist_note = models.CharField(max_length=200, blank=True)
    consultation = models.OneToOneField(
        ConsultationRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="client"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    anonymized_at = models.DateTimeField(null=True, blank=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        indexes = [models.Index(fields=["clinician", "status"], name="client_clinician_status")]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("office:client", args=[self.uid])


class Person(ContactWishes):
    """One member of a client: the individual, or one partner of a couple, with their own wishes."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=120)
    pronouns = models.CharField(max_length=40, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    emergency_name = models.CharField("emergency contact", max_length=120, blank=True)
    emergency_relationship = models.CharField("relationship", max_length=60, blank=True)
    emergency_phone = models.CharField(
        "emergency contact phone", max_length=40, blank=True, validators=[validate_phone]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(ContactWishes.Meta):
        ordering = ["client", "order", "pk"]

    def __str__(self) -> str:
        return self.name


def _note_binding(note: ClinicalNote) -> str:
    # A note's text opens only with the kind, template, client and signed state it was sealed
    # with: relabelling a psychotherapy note, moving it, or unsigning it in the database fails.
    # The signing time is kept to the second, which every supported database stores exactly.
    signed = (
        note.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if note.signed_at
        else "draft"
    )
    return f"kind={note.kind};template={note.template};client={note.client.uid};signed={signed}"


def _amendment_binding(amendment: NoteAmendment) -> str:
    return f"note={amendment.note.uid}"


class ClinicalNoteQuerySet(models.QuerySet["ClinicalNote"]):
    def visible_to(self, user: AnyUser) -> ClinicalNoteQuerySet:
        """Return the notes the user may read; none for a role without clinical access.

        A clinician reads their own clients' notes, the owner the whole practice's; a psychotherapy
        note only its author reads, never the owner (decision 7).
        """
        notes = visible(self, user, field="client__clinician", clinical=True)
        # A psychotherapy note whose author is gone (NULL) is nobody's to read.
        return notes.filter(~Q(kind=ClinicalNote.Kind.PSYCHOTHERAPY) | Q(author_id=user.pk))


class ClinicalNote(models.Model):
    """A progress note (SOAP, DAP or BIRP) or a psychotherapy note: sealed, signed, locked."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress note"
        PSYCHOTHERAPY = "psychotherapy", "Psychotherapy note"

    class Template(models.TextChoices):
        SOAP = "soap", "SOAP"
        DAP = "dap", "DAP"
        BIRP = "birp", "BIRP"
        FREE = "free", "Free text"

    class Service(models.TextChoices):
        """What the contact was: a session's service, or a contact that was not a session."""

        ASSESSMENT = "assessment", "Initial assessment"
        INDIVIDUAL = "individual", "Individual psychotherapy"
        COUPLES_WITH_CLIENT = "couples_with_client", "Couples, with the client present"
        COUPLES_WITHOUT_CLIENT = "couples_without_client", "Couples, without the client present"
        CRISIS = "crisis", "Crisis"
        PHONE_CALL = "phone_call", "Phone call (not a session)"
        COLLATERAL = "collateral", "Collateral contact (not a session)"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    class Risk(models.TextChoices):
        NONE_NOTED = "none_noted", "No risk noted"
        ASSESSED = "assessed", "Risk assessed"

    # Contacts that are not sessions carry their own date and minutes, and no appointment.
    NOT_SESSIONS = frozenset({Service.PHONE_CALL, Service.COLLATERAL})

    SECTIONS: dict[str, list[tuple[str, str]]] = {
        "soap": [("subjective", "Subjective"), ("objective", "Objective"),
                 ("assessment", "Assessment"), ("plan", "Plan")],
        "dap": [("data", "Data"), ("assessment", "Assessment"), ("plan", "Plan")],
        "birp": [("behavior", "Behavior"), ("intervention", "Intervention"),
                 ("response", "Response"), ("plan", "Plan")],
        "free": [("text", "Note")],
    }  # fmt: skip

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
    )
    kind = models.CharField(max_length=14, choices=Kind, default=Kind.PROGRESS)
    template = models.CharField(max_length=6, choices=Template, default=Template.SOAP)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_sealed = models.TextField(blank=True, editable=False)
    # What a progress note records about the contact (its text, risk included, is sealed).
    service = models.CharField(max_length=24, choices=Service, blank=True)
    service_date = models.DateField("date of service", null=True, blank=True)
    started_at = models.DateTimeField("started", null=True, blank=True)
    ended_at = models.DateTimeField("ended", null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    format = models.CharField(max_length=12, choices=Format, blank=True)
    people_present = models.ManyToManyField(Person, blank=True, related_name="+")
    risk = models.CharField(max_length=12, choices=Risk, blank=True)
    # Who signed, as they were on the day: their name, credentials and license may change later.
    signer_name = models.CharField(max_length=120, blank=True, editable=False)
    signer_credentials = models.CharField(max_length=60, blank=True, editable=False)
    signer_license = models.CharField(max_length=80, blank=True, editable=False)
    signed_zone = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClinicalNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "kind"], name="note_client_kind"),
            # Today's drafts: an author's unsigned notes, oldest first; signed notes stay out.
            models.Index(
                fields=["author", "created_at"],
                name="note_author_drafts",
                condition=Q(signed_at__isnull=True),
            ),
        ]

    _body = sealed_text("body_sealed", "body", _note_binding)

    def __str__(self) -> str:
        kind = self.get_kind_display()
        return f"{kind} {self.created_at:%Y-%m-%d}" if self.created_at else kind

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def sign(self, *, by: AbstractBaseUser | None, at: dt.datetime) -> None:
        """Mark the note signed, re-sealing its text with the signed state bound to it."""
        raw = self._body
        self.signed_at = at
        self.signed_by = by  # type: ignore[assignment]
        self._body = raw

    @property
    def sections(self) -> dict[str, str]:
        """Return the note's text by section name (empty sections included)."""
        raw = self._body
        stored = json.loads(raw) if raw else {}
        return {name: str(stored.get(name, "")) for name, _ in self.SECTIONS[self.template]}

    @sections.setter
    def sections(self, values: dict[str, str]) -> None:
        names = [name for name, _ in self.SECTIONS[self.template]]
        body = {n: values.get(n, "") for n in names}
        body.update(self._extras())
        self._body = json.dumps(body)

    def _extras(self) -> dict[str, str]:
        raw = self._body
        stored = json.loads(raw) if raw else {}
        return {key: str(value) for key, value in stored.items() if key.startswith("_")}

    def _extra_set(self, key: str, value: str) -> None:
        raw = self._body
        stored = json.loads(raw) if raw else {}
        stored[key] = value
        self._body = json.dumps(stored)

    @property
    def risk_detail(self) -> str:
        """What the clinician wrote about risk: sealed with the note's text."""
        return self._extras().get("_risk", "")

    @risk_detail.setter
    def risk_detail(self, value: str) -> None:
        self._extra_set("_risk", value)

    @property
    def others_present(self) -> str:
        """Anyone present who is not one of the client's people (sealed: it may say a lot)."""
        return self._extras().get("_others", "")

    @others_present.setter
    def others_present(self, value: str) -> None:
        self._extra_set("_others", value)

    @property
    def for_session(self) -> bool:
        return self.service not in self.NOT_SESSIONS

    def duration_minutes(self) -> int | None:
        """Return the contact's length: from its start and end, or as entered when not a session."""
        if self.started_at and self.ended_at:
            return max(0, int((self.ended_at - self.started_at).total_seconds() // 60))
        return self.minutes

    def labelled_sections(self) -> list[tuple[str, str]]:
        """Return (label, text) pairs in the template's order."""
        text = self.sections
        return [(label, text[name]) for name, label in self.SECTIONS[self.template]]


class NoteAmendment(models.Model):
    """A change to a signed note, kept beside it; the signed text itself never changes."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(ClinicalNote, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_sealed = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    text = sealed_text("text_sealed", "text", _amendment_binding)

    def __str__(self) -> str:
        return f"Amendment {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else "Amendment"


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: AnyUser) -> DocumentQuerySet:
        """Return the documents the user may open: clinical roles only, scoped like the client."""
        return visible(self, user, field="client__clinician", clinical=True)


class Document(models.Model):
    """A file kept with a client's record (a signed consent, a letter), sealed like notes."""

    MAX_BYTES = 10 * 1024 * 1024
    ALLOWED_TYPES = {
        "application/pdf": ".pdf",
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "text/plain": ".txt",
    }

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    data_sealed = models.TextField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def filename(self) -> str:
        """Return a download name that says nothing but the title."""
        stem = (
            "".join(c if c.isalnum() or c in "-_ " else "_" for c in self.title).strip()
            or "document"
        )
        return stem[:80] + self.ALLOWED_TYPES.get(self.content_type, "")

    data: bytes = sealed_bytes("data_sealed", "data")
