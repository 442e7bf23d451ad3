from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "confide.notifications"
    verbose_name = "Messages"

    def ready(self) -> None:
        checks.register(_check_text_messages_url)


def _check_text_messages_url(**kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with a text provider address that cannot work, rather than fail at 9 pm."""
    from confide.notifications.texts import TextSettingsError, text_provider

    try:
        text_provider()
    except TextSettingsError as error:
        return [checks.Error(str(error), id="confide.E001")]
    return []
