"""The demo practice's billing: turned on, with fees, a policy for missed sessions and an NPI."""

from __future__ import annotations

import datetime as dt

from confide.billing.models import (
    BillingSettings,
    ClinicianBilling,
    Fee,
    FeePolicy,
    Service,
)
from confide.practice.models import Clinician

# Fictional identifiers: the NPI is the example number with a valid check digit that
# public NPI documentation uses; the tax ID is a placeholder EIN.
DEMO_NPI = "1234567893"
DEMO_TAX_ID = "12-3456789"
DEMO_FEES = {
    Service.ASSESSMENT: 22000,
    Service.INDIVIDUAL: 20000,
    Service.COUPLES_WITH_CLIENT: 24000,
    Service.COUPLES_WITHOUT_CLIENT: 24000,
    Service.CRISIS: 25000,
}


def billing_demo_load(*, clinician: Clinician, today: dt.date) -> int:
    """Turn billing on with the demo fees, once; return how many rows were made."""
    if BillingSettings.objects.filter(pk=1).exists():
        return 0
    BillingSettings(
        enabled=True,
        tax_id=DEMO_TAX_ID,
        late_cancel_policy=FeePolicy.FULL,
        no_show_policy=FeePolicy.FULL,
        statement_note="Payment by check, bank transfer or a card taken by phone.",
    ).save()
    ClinicianBilling.objects.get_or_create(clinician=clinician, defaults={"npi": DEMO_NPI})
    start = today.replace(month=1, day=1)
    for service, cents in DEMO_FEES.items():
        Fee.objects.get_or_create(
            clinician=clinician, service=service, starts_on=start,
            defaults={"amount_cents": cents},
        )  # fmt: skip
    return 2 + len(DEMO_FEES)
