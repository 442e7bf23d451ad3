from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "confide.metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from confide.metrics import receivers  # noqa: F401  (connects the counting receivers)
