"""Config of the office app: the therapist's pages, which call the domain and hold no rules."""

from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "confide.office"
    verbose_name = "The therapist's office"
