"""Config of the clients app: its sealed values offered to the data key checks."""

from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "confide.clients"
    verbose_name = "Clients and consultation requests"

    def ready(self) -> None:
        from confide.clients.witnesses import sealed_values
        from confide.keys.ring import witnesses_register

        witnesses_register(sealed_values)
