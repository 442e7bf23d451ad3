from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "confide.scheduling"
    verbose_name = "Scheduling"
