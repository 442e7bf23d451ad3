from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "confide.audit"
    verbose_name = "Audit log"
