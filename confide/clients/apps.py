from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "confide.clients"
    verbose_name = "Clients and consultation requests"

    def ready(self) -> None:
        from confide.clients import checks  # noqa: F401  (registers the data key check)
