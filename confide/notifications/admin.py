"""Messages in the admin, read-only: the outbox, reminders (each appointment's too), leases."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from confide.notifications.models import FailedMessage, OutboxMessage, Reminder, WorkerLease
from confide.notifications.reminders import reminders_retry
from confide.scheduling.admin import AppointmentAdmin
from confide.scheduling.models import Appointment


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    """The demo outbox: what would have been emailed, to read and never to change."""

    list_display = ["subject", "kind", "to", "created_at", "attachment_names"]
    list_filter = ["kind", "created_at"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "kind",
        "created_at",
        "from_email",
        "to",
        "subject",
        "plain_text",
        "html",
        "files",
    )

    @admin.display(description="plain text")
    def plain_text(self, obj: OutboxMessage) -> str:
        return linebreaksbr(obj.text, autoescape=True)

    @admin.display(description="attachments")
    def files(self, obj: OutboxMessage) -> str:
        # Calendar files are short text; showing them lets the therapist check what a phone sees.
        return format_html_join(
            "",
            "<p><strong>{} ({})</strong><br>{}</p>",
            (
                (
                    a.get("filename") or "(unnamed)",
                    a.get("mimetype") or "?",
                    linebreaksbr(a.get("content") or "", autoescape=True),
                )
                for a in obj.attachments
            ),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False


class _ReadOnly:
    """Messages are a record of what happened: nobody adds, edits or deletes them by hand."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


REMINDER_FIELDS = (
    "kind",
    "appointment_link",
    "clinician",
    "agenda_date",
    "channel",
    "hours_before",
    "due_at",
    "send_at",
    "status",
    "attempts",
    "sent_at",
    "outcome",
)


@admin.register(Reminder)
class ReminderAdmin(_ReadOnly, admin.ModelAdmin[Reminder]):
    """Every reminder and agenda with what became of it; failed ones can be tried again."""

    list_display = [
        "send_at",
        "kind",
        "channel",
        "hours_before",
        "status",
        "attempts",
        "outcome",
        "appointment_link",
    ]
    list_filter = ["status", "kind", "channel", "clinician"]
    date_hierarchy = "send_at"
    list_select_related = ["appointment", "clinician"]
    fields = readonly_fields = REMINDER_FIELDS
    actions = ["send_again"]

    @admin.display(description="hours before", ordering="offset_minutes")
    def hours_before(self, obj: Reminder) -> str:
        return "" if obj.offset_minutes is None else f"{obj.offset_minutes / 60:g}"

    @admin.display(description="appointment")
    def appointment_link(self, obj: Reminder) -> str:
        if obj.appointment_id is None:
            return "—"
        url = reverse("admin:scheduling_appointment_change", args=[obj.appointment_id])
        when = obj.appointment.start if obj.appointment else None
        return format_html('<a href="{}">{}</a>', url, f"{when:%Y-%m-%d %H:%M} UTC" if when else "")

    @admin.action(
        description="Try the selected failed messages again now", permissions=["send_again"]
    )
    def send_again(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        count = reminders_retry(reminders=queryset, now=timezone.now())
        self.message_user(request, f"{count} message(s) will be tried again within a minute.")

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        # The rows are not edited by hand, but sending again is a change.
        return request.user.has_perm("notifications.change_reminder")


@admin.register(FailedMessage)
class FailedMessageAdmin(ReminderAdmin):
    """The messages that could not be delivered, newest first: what to follow up by hand."""

    list_filter = ["kind", "channel", "clinician"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        return (
            super()
            .get_queryset(request)
            .filter(status=Reminder.Status.FAILED)
            .order_by("-updated_at")
        )


@admin.register(WorkerLease)
class WorkerLeaseAdmin(_ReadOnly, admin.ModelAdmin[WorkerLease]):
    """The background workers alive now: a lease that is not renewed lapses and is swept."""

    list_display = ["worker_id", "hostname", "pid", "started_at", "renewed_at", "expires_at"]
    fields = readonly_fields = ("worker_id", "hostname", "pid", "started_at", "renewed_at")


class ReminderInline(_ReadOnly, admin.TabularInline[Reminder, Appointment]):
    model = Reminder
    fk_name = "appointment"
    extra = 0
    can_delete = False
    verbose_name_plural = "reminders (failed ones are also listed under Messages, Failed messages)"
    fields = readonly_fields = (
        "channel",
        "hours_before",
        "send_at",
        "status",
        "attempts",
        "sent_at",
        "outcome",
    )
    ordering = ["send_at"]

    @admin.display(description="hours before")
    def hours_before(self, obj: Reminder) -> str:
        return "" if obj.offset_minutes is None else f"{obj.offset_minutes / 60:g}"


# The appointment's page in the office also shows its reminders and what became of them.
admin.site.unregister(Appointment)


@admin.register(Appointment)
class AppointmentWithRemindersAdmin(AppointmentAdmin):
    inlines = [*AppointmentAdmin.inlines, ReminderInline]
