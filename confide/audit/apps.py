"""Config of the audit app: its deployment check, its hashes offered to the key checks."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "confide.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Registers the deployment check on the database role (check --deploy).
        from confide.audit import checks  # noqa: F401
        from confide.audit.witnesses import chained_events
        from confide.keys.ring import witnesses_register

        witnesses_register(chained_events)

        from confide.audit.receivers import listen

        listen()
