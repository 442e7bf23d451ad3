"""The scheduling admin: types, hours and time off, appointments, and the private feed."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from confide.accounts.access import role_of
from confide.accounts.models import StaffProfile
from confide.audit.admin import AuditedOpeningAdmin
from confide.practice.admin import ClinicianAdmin
from confide.practice.models import Clinician
from confide.scheduling.calendar_views import clinician_feed_url
from confide.scheduling.changes import (
    ChangePolicy,
    appointment_cancel,
    appointment_confirm,
    appointment_decline,
)
from confide.scheduling.errors import SchedulingError
from confide.scheduling.models import (
    Appointment,
    AppointmentQuerySet,
    AppointmentType,
    AvailabilityRule,
)


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
class AppointmentAdmin(AuditedOpeningAdmin[Appointment]):
    opening_summary = "opened appointment in the admin"

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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appointment]:
        # The office's rule: the owner and the practice manager see the practice's appointments.
        appointments = cast(AppointmentQuerySet, super().get_queryset(request))
        return appointments.visible_to(request.user)

    def opened_record(self, obj: Appointment) -> tuple[str, uuid.UUID, uuid.UUID | None] | None:
        # The page names the person the appointment is with, like the office's page.
        if obj.client is not None:
            return "client", obj.client.uid, obj.client.uid
        if obj.consultation is not None:
            client = getattr(obj.consultation, "client", None)
            return "consultationrequest", obj.consultation.uid, client.uid if client else None
        return None

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Appointment], action: str, done: str
    ) -> None:
        ok = 0
        for appointment in queryset:
            try:
                if action == "confirm":
                    appointment_confirm(
                        appointment=appointment, actor=request.user, request=request
                    )
                elif action == "decline":
                    appointment_decline(
                        appointment=appointment, actor=request.user, request=request
                    )
                else:
                    appointment_cancel(
                        appointment=appointment,
                        now=timezone.now(),
                        policy=ChangePolicy.OFFICE,
                        actor=request.user,
                        request=request,
                    )
                ok += 1
            except SchedulingError as error:
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


# The clinician's page in the office also shows their private calendar feed, to them alone.
admin.site.unregister(Clinician)


def _is_own_clinician(request: HttpRequest, clinician: Clinician) -> bool:
    profile: StaffProfile | None = getattr(request.user, "staff_profile", None)
    return profile is not None and profile.clinician_id == clinician.pk


@admin.register(Clinician)
class ClinicianWithCalendarAdmin(ClinicianAdmin):
    change_form_template = "admin/practice/clinician/change_form.html"
    actions = ["replace_calendar_feed"]

    def has_replace_feed_permission(self, request: HttpRequest) -> bool:
        # Replacing is what the owner does when an address may have leaked; a practice manager
        # would only break everyone's subscriptions.
        return bool(role_of(request.user) == StaffProfile.Role.OWNER)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Clinician | None = None,
    ) -> HttpResponse:
        if obj is not None and _is_own_clinician(request, obj):
            context["feed_url"] = clinician_feed_url(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(
        description="Replace the private calendar feed address", permissions=["replace_feed"]
    )
    def replace_calendar_feed(self, request: HttpRequest, queryset: QuerySet[Clinician]) -> None:
        for clinician in queryset:
            clinician.calendar_token_replace()
        self.message_user(
            request,
            "New feed addresses made; each clinician subscribes again with the address on "
            "their own page.",
        )
