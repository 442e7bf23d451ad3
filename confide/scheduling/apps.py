"""Config of the scheduling app: appointment types, working hours and appointments."""

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "confide.scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from confide.clients.events import note_signed
        from confide.scheduling import open_times
        from confide.scheduling.attendance import session_noted

        note_signed.connect(session_noted, dispatch_uid="scheduling_session_noted")
        open_times.listen()
