"""What the admin shares with the office's audit: every opening of a client's data is recorded."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest, HttpResponse

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record


class AuditedOpeningAdmin[M: models.Model](admin.ModelAdmin[M]):
    """A model admin whose change page, once shown, is recorded like an opening in the office."""

    opening_summary = "opened in the admin"

    def opened_record(self, obj: M) -> tuple[str, uuid.UUID, uuid.UUID | None] | None:
        """Return the target type, target uid and client uid to record, or None for nothing."""
        raise NotImplementedError

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            opened = self.opened_record(obj) if obj is not None else None
            if opened is not None:
                target_type, target_uid, client_uid = opened
                audit_record(
                    request=request,
                    actor=request.user,
                    action=AuditEvent.Action.VIEW,
                    target_type=target_type,
                    target_uid=target_uid,
                    client_uid=client_uid,
                    summary=self.opening_summary,
                )
        return response
