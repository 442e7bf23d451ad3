"""Config of the demo app: the one place that loads demo data into every other app."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "confide.demo"
    verbose_name = "Demo practice"
