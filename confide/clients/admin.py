"""The consultation requests in the admin, each opening audited like the office's."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from confide.audit.admin import AuditedOpeningAdmin
from confide.clients.models import ConsultationRequest, ConsultationRequestQuerySet


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(AuditedOpeningAdmin[ConsultationRequest]):
    opening_summary = "opened request in the admin"

    list_display = ["name", "needs_attention", "status", "preferences", "created_at"]
    list_filter = ["needs_attention", "status"]
    search_fields = ["name"]
    fields = [
        "status", "name", "email", "phone", "preferences", "safe_times", "for_couple",
        "partner_name", "note", "preferred_times", "needs_attention", "created_at",
    ]  # fmt: skip
    readonly_fields = [
        "name", "email", "phone", "preferences", "safe_times", "for_couple", "partner_name",
        "note", "preferred_times", "needs_attention", "created_at",
    ]  # fmt: skip

    @admin.display(description="Contact wishes")
    def preferences(self, obj: ConsultationRequest) -> str:
        return "; ".join(obj.reach().summary())

    def has_add_permission(self, request: object) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsultationRequest]:
        # The office's rule; only the owner opens these here, and the owner sees the practice's.
        requests = cast(ConsultationRequestQuerySet, super().get_queryset(request))
        return requests.visible_to(request.user)

    def opened_record(
        self, obj: ConsultationRequest
    ) -> tuple[str, uuid.UUID, uuid.UUID | None] | None:
        # The page shows the request's unsealed message and contact details.
        client = getattr(obj, "client", None)
        return "consultationrequest", obj.uid, client.uid if client is not None else None
