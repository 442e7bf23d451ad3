from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "confide.notifications"
    verbose_name = "Messages"
