"""Money kept in integer cents: fees, charges and their adjustments, payments, documents issued.

A charge is made from a session's outcome (confide/billing/charges.py) and, once it is on an
issued statement or superbill, is changed only by adjustments, never in place. What a client has
paid against which charge is recomputed from scratch (confide/billing/ledger.py), so it can never
drift or go negative. Decision 19 explains the choices.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from confide.accounts.access import visible
from confide.accounts.sessions import AnyUser
from confide.billing import codes
from confide.clients.models import Client, Person
from confide.clients.sealed import sealed_bytes, sealed_text
from confide.practice.models import Clinician


def validate_npi(value: str) -> None:
    """Refuse an NPI that is not ten digits with a valid check digit (Luhn over 80840 + NPI)."""
    if len(value) != 10 or not value.isdigit():
        raise ValidationError("An NPI is ten digits.")
    digits = [int(c) for c in "80840" + value]
    total = 0
    # Luhn: double every second digit from the right, starting with the one left of the check.
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    if total % 10:
        raise ValidationError("That NPI's check digit does not match; check it for a typo.")


validate_tax_id = RegexValidator(
    r"^(\d{2}-\d{7}|\d{3}-\d{2}-\d{4})$",
    "Use the EIN (12-3456789) or, for a sole practitioner without one, the SSN (123-45-6789).",
)


class FeePolicy(models.TextChoices):
    NONE = "none", "No fee"
    FLAT = "flat", "A flat amount"
    FULL = "full", "The full session fee"


class BillingSettings(models.Model):
    """The practice's billing identity and its policy for late cancellations and no-shows."""

    enabled = models.BooleanField(
        "the practice uses billing in Confide",
        default=False,
        help_text="Until it does, nobody is asked for billing details and no charge is made.",
    )
    tax_id = models.CharField("tax ID", max_length=11, blank=True, validators=[validate_tax_id])
    group_npi = models.CharField(
        "the practice's NPI (type 2)",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="Leave empty for a solo practice billing under the clinician's own NPI.",
    )
    late_cancel_policy = models.CharField(
        "late cancellation fee", max_length=4, choices=FeePolicy, default=FeePolicy.NONE
    )
    late_cancel_cents = models.PositiveIntegerField("flat late cancellation fee", default=0)
    no_show_policy = models.CharField(
        "no-show fee", max_length=4, choices=FeePolicy, default=FeePolicy.NONE
    )
    no_show_cents = models.PositiveIntegerField("flat no-show fee", default=0)
    statement_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Printed on statements and invoices: how to pay, for example.",
    )

    class Meta:
        verbose_name = "billing settings"
        verbose_name_plural = "billing settings"

    def __str__(self) -> str:
        return "Billing settings"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> BillingSettings:
        """Return the saved settings, or the defaults (billing off) before any are saved."""
        return cls.objects.filter(pk=1).first() or cls()


class ClinicianBilling(models.Model):
    """What a clinician's superbills need beyond the public profile."""

    clinician = models.OneToOneField(Clinician, on_delete=models.CASCADE, related_name="billing")
    npi = models.CharField("NPI (type 1)", max_length=10, blank=True, validators=[validate_npi])
    tax_id = models.CharField(
        "tax ID",
        max_length=11,
        blank=True,
        validators=[validate_tax_id],
        help_text="Leave empty to use the practice's.",
    )

    def __str__(self) -> str:
        return f"Billing of {self.clinician}"


class Service(models.TextChoices):
    """The billable services, the same values a progress note records."""

    ASSESSMENT = "assessment", "Initial assessment"
    INDIVIDUAL = "individual", "Individual psychotherapy"
    COUPLES_WITH_CLIENT = "couples_with_client", "Couples, with the client present"
    COUPLES_WITHOUT_CLIENT = "couples_without_client", "Couples, without the client present"
    CRISIS = "crisis", "Crisis"


assert set(Service.values) == set(codes.SERVICES)


class FeeQuerySet(models.QuerySet["Fee"]):
    def visible_to(self, user: AnyUser) -> FeeQuerySet:
        return visible(self, user)


class Fee(models.Model):
    """A clinician's fee for one service from a date on; the latest one started applies."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="fees")
    service = models.CharField(max_length=24, choices=Service)
    amount_cents = models.PositiveIntegerField()
    starts_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeeQuerySet.as_manager()

    class Meta:
        ordering = ["clinician", "service", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "service", "starts_on"], name="billing_fee_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} from {self.starts_on}"


class ClientFeeQuerySet(models.QuerySet["ClientFee"]):
    def visible_to(self, user: AnyUser) -> ClientFeeQuerySet:
        return visible(self, user, field="client__clinician")


class ClientFee(models.Model):
    """A fee agreed with one client (a sliding scale), from a date on, with its reason."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="fees")
    service = models.CharField(
        max_length=24, choices=Service, blank=True, help_text="Empty: every service."
    )
    amount_cents = models.PositiveIntegerField()
    starts_on = models.DateField()
    reason_sealed = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    reason = sealed_text("reason_sealed", "reason")
    objects = ClientFeeQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"Client fee from {self.starts_on}"


class AccountQuerySet(models.QuerySet["Account"]):
    def visible_to(self, user: AnyUser) -> AccountQuerySet:
        return visible(self, user, field="client__clinician")


class Account(models.Model):
    """Who pays for a client's (or a couple's) sessions, and whether they pay themselves."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="account")
    payer = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a couple, the partner the sessions are billed to.",
    )
    self_pay = models.BooleanField(
        "self-pay",
        default=True,
        help_text="Pays the practice directly (perhaps claiming out-of-network benefits with a "
        "superbill). Self-pay clients are owed a Good Faith Estimate.",
    )
    estimate_requested_on = models.DateField(
        null=True, blank=True, help_text="Asked for a Good Faith Estimate on this day."
    )

    objects = AccountQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Account of {self.client}"


class BillingDetails(models.Model):
    """A person's legal name, birth date, address and member ID, sealed together."""

    FIELDS = ("legal_name", "date_of_birth", "address", "member_id")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="billing")
    details_sealed = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    sealed_details = sealed_text("details_sealed", "details")

    class Meta:
        verbose_name_plural = "billing details"

    def __str__(self) -> str:
        return "Billing details"

    def values(self) -> dict[str, str]:
        """Return each field's text, empty where nothing is kept."""
        stored = json.loads(self.sealed_details or "{}")
        return {name: str(stored.get(name, "")) for name in self.FIELDS}

    def values_set(self, **values: str) -> None:
        self.sealed_details = json.dumps(
            {name: values.get(name, "") for name in self.FIELDS}, sort_keys=True
        )

    def date_of_birth(self) -> dt.date | None:
        """Return the birth date, or None when it was not given."""
        text = self.values()["date_of_birth"]
        return dt.date.fromisoformat(text) if text else None

    def missing(self) -> list[str]:
        """Return the labels of what a superbill needs and is not here yet."""
        values = self.values()
        labels = {
            "legal_name": "legal name",
            "date_of_birth": "date of birth",
            "address": "address",
        }
        return [label for name, label in labels.items() if not values[name].strip()]


class DiagnosisQuerySet(models.QuerySet["Diagnosis"]):
    def visible_to(self, user: AnyUser) -> DiagnosisQuerySet:
        """Return diagnoses the user may see: clinical roles, scoped like the client."""
        return visible(self, user, field="client__clinician", clinical=True)


class Diagnosis(models.Model):
    """An ICD-10-CM code of a client's, in the order the superbill lists them (sealed)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="diagnoses")
    order = models.PositiveSmallIntegerField(default=0)
    code_sealed = models.TextField(editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    code = sealed_text("code_sealed", "code")
    objects = DiagnosisQuerySet.as_manager()

    class Meta:
        ordering = ["client", "order", "pk"]
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return "Diagnosis"


class ChargeQuerySet(models.QuerySet["Charge"]):
    def visible_to(self, user: AnyUser) -> ChargeQuerySet:
        return visible(self, user, field="client__clinician")

    def current(self) -> ChargeQuerySet:
        """Return the charges not replaced by a later outcome."""
        return self.filter(replaced_at__isnull=True)

    def with_amounts(self) -> ChargeQuerySet:
        """Annotate ``adjusted_cents`` (sum of adjustments) and ``paid_cents`` (allocated)."""
        adjusted = (
            Adjustment.objects.filter(charge=models.OuterRef("pk"))
            .values("charge")
            .annotate(total=models.Sum("amount_cents"))
            .values("total")
        )
        paid = (
            Allocation.objects.filter(charge=models.OuterRef("pk"))
            .values("charge")
            .annotate(total=models.Sum("amount_cents"))
            .values("total")
        )
        return self.annotate(
            adjusted_cents=Coalesce(models.Subquery(adjusted), 0),
            paid_cents=Coalesce(models.Subquery(paid), 0),
        )


class Charge(models.Model):
    """What one session (or a late cancellation or no-show) costs the client."""

    class Kind(models.TextChoices):
        SESSION = "session", "Session"
        LATE_CANCEL = "late_cancel", "Late cancellation fee"
        NO_SHOW = "no_show", "No-show fee"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="charges")
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charges",
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.SESSION)
    service = models.CharField(max_length=24, choices=Service, blank=True)
    service_date = models.DateField("date of service")
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    format = models.CharField(max_length=12, blank=True)
    cpt = models.CharField("CPT", max_length=60, blank=True, help_text="Add-ons joined by +.")
    modifier = models.CharField(max_length=2, blank=True)
    place = models.CharField("place of service", max_length=2, blank=True)
    fee_cents = models.PositiveIntegerField()
    locked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="First put on an issued document."
    )
    replaced_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The outcome changed after the charge was issued; an adjustment took it back.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChargeQuerySet.as_manager()

    class Meta:
        ordering = ["service_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(appointment__isnull=False, replaced_at__isnull=True),
                name="billing_one_current_charge_per_appointment",
            ),
        ]
        indexes = [models.Index(fields=["client", "service_date"], name="billing_charge_client")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.service_date}"

    def coding(self) -> codes.Coding | None:
        """Return the codes a superbill shows, or None for a fee no insurer pays (or no code)."""
        if self.kind != self.Kind.SESSION or not self.cpt:
            return None
        return codes.Coding(
            codes=tuple(self.cpt.split("+")), modifier=self.modifier or None, place=self.place
        )

    def description(self) -> str:
        if self.kind != self.Kind.SESSION:
            return self.get_kind_display()
        return self.get_service_display() or "Session"


class Adjustment(models.Model):
    """A change to a charge's amount with its reason; the charge itself is never edited."""

    class Kind(models.TextChoices):
        ADJUSTMENT = "adjustment", "Adjustment"
        WRITE_OFF = "write_off", "Write-off"
        REVERSAL = "reversal", "Outcome changed"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.ADJUSTMENT)
    amount_cents = models.IntegerField(help_text="Negative lowers the charge.")
    reason_sealed = models.TextField(blank=True, editable=False)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    reason = sealed_text("reason_sealed", "reason")

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PaymentQuerySet(models.QuerySet["Payment"]):
    def visible_to(self, user: AnyUser) -> PaymentQuerySet:
        return visible(self, user, field="client__clinician")


class Payment(models.Model):
    """Money received elsewhere (or given back): recorded, never taken, by Confide."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CHECK = "check", "Check"
        CARD = "card", "Card (taken elsewhere)"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        OTHER = "other", "Other"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.PAYMENT)
    received_on = models.DateField()
    amount_cents = models.PositiveIntegerField()
    method = models.CharField(max_length=14, choices=Method)
    reference = models.CharField(
        max_length=60, blank=True, help_text="A check number or transfer reference, say."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="billing_payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.received_on}"

    @property
    def signed_cents(self) -> int:
        return self.amount_cents if self.kind == self.Kind.PAYMENT else -self.amount_cents


class Allocation(models.Model):
    """How much of one payment went to one charge; rebuilt by confide.billing.ledger."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="allocations")
    amount_cents = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payment", "charge"], name="billing_allocation_once"),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="billing_allocation_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents} cents"


class IssuedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: AnyUser) -> IssuedQuerySet:
        return visible(self, user, field="client__clinician")


class Issued(models.Model):
    """A PDF issued to a client, kept sealed exactly as issued with its SHA-256."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=20, unique=True)
    issued_on = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    total_cents = models.IntegerField()
    pdf_sealed = models.TextField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IssuedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number

    pdf: bytes = sealed_bytes("pdf_sealed", "pdf")

    def filename(self) -> str:
        return f"{self.number}.pdf"


class Statement(Issued):
    """An invoice, a statement or a monthly superbill, as issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        STATEMENT = "statement", "Statement"
        SUPERBILL = "superbill", "Superbill"

    kind = models.CharField(max_length=10, choices=Kind)
    charges = models.ManyToManyField(Charge, blank=True, related_name="statements")

    class Meta(Issued.Meta):
        pass


class Estimate(Issued):
    """A Good Faith Estimate given to a self-pay client, kept as issued."""

    class Reason(models.TextChoices):
        SCHEDULED = "scheduled", "A session was scheduled"
        REQUESTED = "requested", "The client asked for one"
        CHANGED = "changed", "The expected services changed"

    reason = models.CharField(max_length=10, choices=Reason)
    services_key = models.CharField(
        max_length=64, editable=False, help_text="A digest of the expected services and fees."
    )
    items_sealed = models.TextField(editable=False)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    items = sealed_text("items_sealed", "items")

    class Meta(Issued.Meta):
        pass


class Counter(models.Model):
    """The last number given to a kind of document in a year (S-2026-0042)."""

    prefix = models.CharField(max_length=12, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}{self.last:04d}"
