"""The consultation requests in the admin, each opening audited like the office's."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import ConsultationRequest, ConsultationRequestQuerySet


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin[ConsultationRequest]):
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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # The page shows the request's unsealed message and contact details.
            consultation = self.get_object(request, unquote(object_id))
            if consultation is not None:
                client = getattr(consultation, "client", None)
                audit_record(
                    request=request,
                    actor=request.user,
                    action=AuditEvent.Action.VIEW,
                    target_type="consultationrequest",
                    target_uid=consultation.uid,
                    client_uid=client.uid if client is not None else None,
                    summary="opened request in the admin",
                )
        return response
