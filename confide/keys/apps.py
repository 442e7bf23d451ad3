"""Config of the keys app: it registers the data key check."""

from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "confide.keys"
    verbose_name = "Data keys"

    def ready(self) -> None:
        from confide.keys import checks  # noqa: F401  (registers the data key check)
