from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html_join

from confide.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    """The demo outbox: what would have been emailed, to read and never to change."""

    list_display = ["subject", "to", "created_at", "attachment_names"]
    list_filter = ["created_at"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
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
