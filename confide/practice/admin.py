"""The practice, clinicians, approaches, pages, questions and articles in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from confide.practice.models import (
    Article,
    Clinician,
    FaqItem,
    Modality,
    Page,
    Practice,
    Tag,
)

admin.site.site_header = "Confide office"
admin.site.site_title = "Confide office"
admin.site.index_title = "Your practice"


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin[Practice]):
    fieldsets = [
        (None, {"fields": ["name", "tagline", "phone", "email", "time_zone"]}),
        (
            "Where you see people",
            {"fields": ["address", "online_only", "telehealth", "telehealth_note"]},
        ),
        (
            "Help in a crisis (shown on every page)",
            {
                "fields": [
                    "crisis_number",
                    "crisis_line_name",
                    "crisis_chat_url",
                    "emergency_number",
                    "response_note",
                ]
            },
        ),
        (
            "Policies and safety",
            {
                "fields": [
                    "cancellation_policy",
                    "cancellation_window_hours",
                    "leave_url",
                    "retention_years",
                ]
            },
        ),
        (
            "Reminders",
            {
                "fields": [
                    "first_reminder_hours",
                    "second_reminder_hours",
                    ("quiet_hours_start", "quiet_hours_end"),
                    "agenda_time",
                ]
            },
        ),
        ("Notes", {"fields": ["draft_limit_hours", "sign_within_days"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Practice.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Practice | None = None) -> bool:
        return False


@admin.register(Modality)
class ModalityAdmin(admin.ModelAdmin[Modality]):
    list_display = ["name", "order", "published"]
    list_editable = ["order", "published"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin[Clinician]):
    list_display = ["name", "credentials", "accepting_new_clients", "listed"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["modalities"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "pronouns", "bio"]}),
        ("License", {"fields": ["license_number", "license_state", "license_verify_url"]}),
        ("Photo", {"fields": ["photo", "photo_description"]}),
        (
            "Practice",
            {
                "fields": [
                    "modalities",
                    "sees_individuals",
                    "sees_couples",
                    "accepting_new_clients",
                    "listed",
                    "order",
                ]
            },
        ),
        ("Messages", {"fields": ["notify_email", "morning_agenda"]}),
        ("Video sessions", {"fields": ["video_room_url"]}),
    ]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin[Page]):
    list_display = ["title", "kind", "updated_at"]


@admin.register(FaqItem)
class FaqItemAdmin(admin.ModelAdmin[FaqItem]):
    list_display = ["question", "order"]
    list_editable = ["order"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["title", "status", "published_at", "updated_at"]
    list_filter = ["status", "tags"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    date_hierarchy = "published_at"
    fields = ["title", "slug", "summary", "body", "status", "published_at", "author", "tags"]
