from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "confide.office"
    verbose_name = "The therapist's office"
