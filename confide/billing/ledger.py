"""What each client has paid against which charge, rebuilt whole after every change.

Payments go to the oldest open charges first. A refund gives back the most recent money first.
Rebuilding the allocations from the charges and payments each time (rather than patching them)
means no sequence of adjustments, refunds and corrections can leave an allocation negative or a
charge paid beyond its amount: the allocation is a function of the facts, not of their history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from confide.billing.models import Account, Adjustment, Allocation, Charge, Payment


@dataclass(frozen=True)
class Balance:
    charged_cents: int
    paid_cents: int

    @property
    def due_cents(self) -> int:
        """Return what is owed; negative when the client has credit."""
        return self.charged_cents - self.paid_cents

    @property
    def credit_cents(self) -> int:
        """Return what the client has paid beyond their charges (0 when they owe)."""
        return max(-self.due_cents, 0)


def allocate(
    charges: list[tuple[int, int]], payments: list[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """Return (payment id, charge id, cents) for charges and payments given oldest first.

    ``charges`` are (id, amount) and ``payments`` (id, signed amount: refunds negative).
    """
    # Refunds take back the newest money first: walk the payments newest first, paying each
    # refund out of the payments before it.
    remaining: dict[int, int] = {}
    owed_back = 0
    for payment_id, amount in reversed(payments):
        if amount < 0:
            owed_back += -amount
            continue
        taken = min(amount, owed_back)
        owed_back -= taken
        remaining[payment_id] = amount - taken
    pool = [(pid, remaining[pid]) for pid, amount in payments if amount > 0 and remaining[pid]]
    result: list[tuple[int, int, int]] = []
    index = 0
    for charge_id, amount in charges:
        open_ = max(amount, 0)
        while open_ and index < len(pool):
            payment_id, available = pool[index]
            used = min(open_, available)
            result.append((payment_id, charge_id, used))
            open_ -= used
            available -= used
            if available:
                pool[index] = (payment_id, available)
            else:
                index += 1
    return result


def rebuild(*, client_id: int) -> None:
    """Recompute the client's allocations from its current charges and payments."""
    with transaction.atomic():
        # Lock the account so two changes for one client rebuild one after the other.
        Account.objects.select_for_update().get_or_create(client_id=client_id)
        adjusted = dict(
            Adjustment.objects.filter(charge__client_id=client_id)
            .values_list("charge_id")
            .annotate(total=Sum("amount_cents"))
            .values_list("charge_id", "total")
        )
        charges = [
            (pk, fee + adjusted.get(pk, 0))
            for pk, fee in Charge.objects.filter(client_id=client_id)
            .order_by("service_date", "pk")
            .values_list("pk", "fee_cents")
        ]
        payments = [
            (p.pk, p.signed_cents)
            for p in Payment.objects.filter(client_id=client_id).order_by("received_on", "pk")
        ]
        wanted = allocate(charges, payments)
        existing = {
            (a.payment_id, a.charge_id, a.amount_cents)
            for a in Allocation.objects.filter(charge__client_id=client_id)
        }
        if existing == set(wanted):
            return
        Allocation.objects.filter(charge__client_id=client_id).delete()
        Allocation.objects.bulk_create(
            Allocation(payment_id=p, charge_id=c, amount_cents=cents) for p, c, cents in wanted
        )


def balance_of(*, client_id: int) -> Balance:
    """Return what the client has been charged and has paid, in cents."""
    fees = Charge.objects.filter(client_id=client_id).aggregate(total=Sum("fee_cents"))["total"]
    adjusted = Adjustment.objects.filter(charge__client_id=client_id).aggregate(
        total=Sum("amount_cents")
    )["total"]
    paid = sum(p.signed_cents for p in Payment.objects.filter(client_id=client_id))
    return Balance(charged_cents=(fees or 0) + (adjusted or 0), paid_cents=paid)


def open_cents(charge: Charge) -> int:
    """Return what is still owed on one charge."""
    adjusted = charge.adjustments.aggregate(total=Sum("amount_cents"))["total"] or 0
    paid = charge.allocations.aggregate(total=Sum("amount_cents"))["total"] or 0
    return charge.fee_cents + adjusted - paid
