"""Config of the operations app: backups and restore drills."""

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "confide.operations"
    verbose_name = "Operations"
