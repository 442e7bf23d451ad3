from __future__ import annotations

from django.contrib import admin

from confide.clients.models import ConsultationRequest


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
        return "; ".join(obj.contact_preferences())

    def has_add_permission(self, request: object) -> bool:
        return False
