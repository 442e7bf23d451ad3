"""The notifications app: its checks at start, and its receiver of scheduling's changes."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "confide.notifications"
    verbose_name = "Messages"

    def ready(self) -> None:
        from confide.notifications.receivers import appointment_changed_notify
        from confide.scheduling.events import appointment_changed

        checks.register(_check_text_messages_url)
        # Scheduling never imports this app: it announces its changes and this app listens.
        appointment_changed.connect(
            appointment_changed_notify, dispatch_uid="notifications.appointment_changed"
        )
        from confide.notifications.change_texts import change_texted_on_link

        appointment_changed.connect(
            change_texted_on_link, dispatch_uid="notifications.change_texted_on_link"
        )


def _check_text_messages_url(**kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with a text provider address that cannot work, rather than fail at 9 pm."""
    from confide.notifications.texts import TextSettingsError, text_provider

    try:
        text_provider()
    except TextSettingsError as error:
        return [checks.Error(str(error), id="confide.E001")]
    return []
