from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from confide.scheduling import services
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin[AppointmentType]):
    list_display = ["name", "clinician", "duration_minutes", "booking", "active"]
    list_filter = ["clinician", "booking", "active"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["clinician", "name", "slug", "kind", "active", "order"]}),
        (
            "Length and gaps",
            {"fields": ["duration_minutes", "buffer_before_minutes", "buffer_after_minutes"]},
        ),
        ("How it is held", {"fields": ["in_person", "video", "phone", "fee"]}),
        (
            "Online booking",
            {"fields": ["booking", "min_notice_minutes", "horizon_days", "slot_step_minutes"]},
        ),
    ]


@admin.register(AvailabilityRule)
class AvailabilityRuleAdmin(admin.ModelAdmin[AvailabilityRule]):
    list_display = ["__str__", "clinician", "kind"]
    list_filter = ["clinician", "kind"]
    fields = [
        "clinician",
        "kind",
        "weekday",
        "first_day",
        "last_day",
        "start_time",
        "end_time",
        "note",
    ]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin[Appointment]):
    list_display = ["start", "appointment_type", "format", "status", "who"]
    list_filter = ["status", "clinician", "appointment_type"]
    date_hierarchy = "start"
    readonly_fields = [
        "clinician", "appointment_type", "format", "start", "end", "status", "consultation",
        "rescheduled_to", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["confirm_requests", "decline_requests", "cancel_appointments"]

    @admin.display(description="Who")
    def who(self, obj: Appointment) -> str:
        return obj.consultation.name if obj.consultation else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Appointment | None = None) -> bool:
        return False

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Appointment], action: str, done: str
    ) -> None:
        ok = 0
        for appointment in queryset:
            try:
                if action == "confirm":
                    services.appointment_confirm(appointment=appointment)
                elif action == "decline":
                    services.appointment_decline(appointment=appointment)
                else:
                    services.appointment_cancel(
                        appointment=appointment, now=timezone.now(), by_clinician=True
                    )
                ok += 1
            except services.BookingError as error:
                self.message_user(request, f"{appointment}: {error.message}", messages.WARNING)
        if ok:
            self.message_user(
                request, f"{ok} appointment(s) {done}; the people who gave an email are told."
            )

    @admin.action(description="Confirm the selected requests")
    def confirm_requests(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        self._each(request, queryset, "confirm", "confirmed")

    @admin.action(description="Decline the selected requests")
    def decline_requests(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        self._each(request, queryset, "decline", "declined")

    @admin.action(description="Cancel the selected appointments")
    def cancel_appointments(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        self._each(request, queryset, "cancel", "cancelled")
