"""What billing shows a person about their own account: who receives the bills, and what is owed.

Reads only; the portal's Payments page (confide/portal/payment_views.py) calls these.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from confide.billing.models import Account, BillingSettings, Charge, Estimate, Statement
from confide.clients.models import Client, Person


def billing_used() -> bool:
    """Return whether the practice keeps its fees and payments in Confide."""
    return BillingSettings.load().enabled


def payer_of(client: Client) -> Person | None:
    """Return who receives the client's bills: the account's payer, else its first person.

    The same rule as the documents' (statements.Facts.payer) and ``services.account_for``,
    without making an account on the way: a page that only reads writes nothing.
    """
    account = Account.objects.filter(client=client).select_related("payer").first()
    if account is not None and account.payer is not None and account.payer.client_id == client.pk:
        return account.payer
    return client.people.order_by("order", "pk").first()


@dataclass(frozen=True)
class ChargeRow:
    service_date: dt.date
    description: str
    amount_cents: int
    paid_cents: int
    adjusted: bool

    @property
    def open_cents(self) -> int:
        return self.amount_cents - self.paid_cents


def charge_rows(client: Client) -> list[ChargeRow]:
    """Return the client's current charges, newest first, each with what was paid against it."""
    charges = (
        Charge.objects.current()
        .filter(client=client)
        .with_amounts()
        .order_by("-service_date", "-pk")
    )
    return [
        ChargeRow(
            service_date=charge.service_date,
            description=charge.description(),
            amount_cents=charge.fee_cents + charge.adjusted_cents,  # type: ignore[attr-defined]
            paid_cents=charge.paid_cents,  # type: ignore[attr-defined]
            adjusted=charge.adjusted_cents != 0,  # type: ignore[attr-defined]
        )
        for charge in charges
    ]


def issued_document_of(client: Client, uid: str) -> Statement | Estimate | None:
    """Return the client's issued statement, superbill, invoice or estimate with this uid."""
    try:
        key = uuid.UUID(uid)
    except ValueError:
        return None
    statement: Statement | None = Statement.objects.filter(client=client, uid=key).first()
    if statement is not None:
        return statement
    estimate: Estimate | None = Estimate.objects.filter(client=client, uid=key).first()
    return estimate
