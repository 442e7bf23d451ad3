"""Config of the billing app: fees, charges, payments, superbills and Good Faith Estimates."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "confide.billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from confide.billing.charges import on_appointment_changed, on_note_signed
        from confide.clients.events import note_signed
        from confide.scheduling.events import appointment_changed

        appointment_changed.connect(on_appointment_changed, dispatch_uid="billing_charges")
        # After scheduling's own receiver, which marks the session noted.
        note_signed.connect(on_note_signed, dispatch_uid="billing_note_signed")
