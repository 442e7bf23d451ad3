"""Who read or changed which client record, when and from where: append-only and hash-chained."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from confide.audit.chain import GENESIS, EventFields, chain_key, link
from confide.keys.ring import keyring


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("Audit events are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are never deleted")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        # bulk_create skips save(), and with it the chain.
        raise PermissionError("Audit events are appended one at a time")


class AuditChainHead(models.Model):
    """The one row that says where the chain ends; locking it serializes appends."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    rebuilt_at = models.DateTimeField(
        null=True, help_text="When the head was found missing and rebuilt from the last event."
    )

    def __str__(self) -> str:
        return f"audit chain head #{self.sequence}"

    @classmethod
    def locked(cls) -> AuditChainHead:
        """Return the head, locked until the surrounding transaction ends (made if missing)."""
        head = cls.objects.select_for_update().filter(pk=1).first()
        if head is not None:
            return head
        # Missing after a flush of the table, or on a database migrated without it: rebuild it
        # from the last event, so the chain goes on instead of starting again at 1.
        last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
        cls.objects.get_or_create(
            pk=1,
            defaults={
                "sequence": last.sequence if last else 0,
                "hash": last.hash if last else GENESIS,
                # Rebuilt from whatever is last, the head can no longer tell that events were
                # cut from the end: the next verification says so.
                "rebuilt_at": timezone.now() if last else None,
            },
        )
        return cls.objects.select_for_update().get(pk=1)


class AuditEvent(models.Model):
    """One read or change of a client record by a person. Never holds clinical text."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        SIGN = "sign", "Signed"
        AMEND = "amend", "Amended"
        EXPORT = "export", "Exported"
        DISCHARGE = "discharge", "Discharged"
        DELETE = "delete", "Deleted"
        ANONYMIZE = "anonymize", "Anonymized"

    # Set when the event is chained, under the chain's lock, so times follow the sequence.
    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    # PROTECT: deleting a person must never make the database rewrite their (hashed) events.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, help_text="Kept if the account is removed.")
    action = models.CharField(max_length=20, choices=Action)
    target_type = models.CharField(max_length=40, help_text="For example: client, note.")
    target_uid = models.UUIDField()
    client_uid = models.UUIDField(null=True, db_index=True)
    summary = models.CharField(max_length=200, blank=True, help_text="No clinical text.")
    address = models.GenericIPAddressField(null=True)
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    key_id = models.CharField(max_length=32, editable=False, help_text="Data key of the hash.")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are never changed")
        with transaction.atomic():
            head = AuditChainHead.locked()
            self._normalize()
            self.at = timezone.now()
            self.sequence = head.sequence + 1
            self.previous_hash = head.hash
            ring = keyring()
            self.key_id = ring.current
            self.hash = link(
                key=chain_key(ring, self.key_id),
                previous=self.previous_hash,
                fields=self.chain_fields(),
            )
            super().save(*args, **kwargs)
            head.sequence, head.hash = self.sequence, self.hash
            head.save(update_fields=["sequence", "hash"])

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are never deleted")

    def chain_fields(self) -> EventFields:
        """Return what this event's hash covers, as stored."""
        return EventFields.of(self)

    def _normalize(self) -> None:
        # Hash the values as the database will give them back, not as they were passed in.
        self.target_uid = uuid.UUID(str(self.target_uid))
        if self.client_uid is not None:
            self.client_uid = uuid.UUID(str(self.client_uid))
        self.address = AuditEvent._meta.get_field("address").get_prep_value(self.address) or None


class AuditVerification(models.Model):
    """One run of ``audit_verify``: when, how many events, and what it found wrong if anything."""

    class Problem(models.TextChoices):
        CHANGED = "changed", "Changed"
        MISSING = "missing", "Missing"
        REORDERED = "reordered", "Reordered"
        # Runs before unverifiable stretches were told apart from breaks recorded them so.
        UNVERIFIABLE = "unverifiable", "Key not configured"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    intact = models.BooleanField(help_text="Every event in place and its hash checked.")
    count = models.PositiveBigIntegerField(help_text="Events whose hash was checked.")
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(
        max_length=64, blank=True, help_text="Hash of the last event in place, for the next run."
    )
    problem = models.CharField(max_length=12, choices=Problem, blank=True)
    bad_sequence = models.PositiveBigIntegerField(null=True)
    bad_event_id = models.BigIntegerField(null=True)
    detail = models.CharField(max_length=300, blank=True)
    unverifiable = models.CharField(
        max_length=300,
        blank=True,
        help_text="Events hashed with a data key that is not configured: in place, not checked.",
    )
    warning = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def outcome(self) -> str:
        """Return intact, broken (something changed, removed or moved) or unverifiable."""
        if self.intact:
            return "intact"
        return "broken" if self.problem else "unverifiable"
