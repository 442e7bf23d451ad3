"""Config of the scheduling app: appointment types, working hours and appointments."""

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "confide.scheduling"
    verbose_name = "Scheduling"
