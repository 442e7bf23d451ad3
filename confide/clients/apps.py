from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "confide.clients"
    verbose_name = "Clients and consultation requests"
