"""Who read or changed which client record, when and from where: append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("Audit events are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are never deleted")


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

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, help_text="Kept if the account is removed.")
    action = models.CharField(max_length=12, choices=Action)
    target_type = models.CharField(max_length=40, help_text="For example: client, note.")
    target_uid = models.UUIDField()
    client_uid = models.UUIDField(null=True, db_index=True)
    summary = models.CharField(max_length=200, blank=True, help_text="No clinical text.")
    address = models.GenericIPAddressField(null=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_type}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are never deleted")
