"""Payments go to the oldest charges, refunds take the newest money, nothing goes negative."""

from __future__ import annotations

import random

import pytest

from confide.billing.ledger import allocate


@pytest.mark.parametrize(
    ("charges", "payments", "expected"),
    [
        # Nothing paid, nothing allocated.
        ([(1, 100)], [], []),
        # One payment covers the oldest charge first, then part of the next.
        ([(1, 100), (2, 100)], [(10, 150)], [(10, 1, 100), (10, 2, 50)]),
        # Two payments, the second finishing the first charge and starting the next.
        ([(1, 100), (2, 100)], [(10, 60), (11, 100)], [(10, 1, 60), (11, 1, 40), (11, 2, 60)]),
        # Overpayment: the extra stays unallocated (credit).
        ([(1, 100)], [(10, 250)], [(10, 1, 100)]),
        # A refund takes back the newest money first.
        ([(1, 100)], [(10, 100), (11, 50), (12, -50)], [(10, 1, 100)]),
        # A refund larger than the last payment reaches into the one before.
        ([(1, 100), (2, 100)], [(10, 100), (11, 100), (12, -150)], [(10, 1, 50)]),
        # A charge taken to zero (reversed) takes nothing.
        ([(1, 0), (2, 100)], [(10, 100)], [(10, 2, 100)]),
    ],
)
def test_it_allocates_oldest_charges_first(
    charges: list[tuple[int, int]],
    payments: list[tuple[int, int]],
    expected: list[tuple[int, int, int]],
) -> None:
    assert allocate(charges, payments) == expected


def test_it_never_allocates_a_negative_amount_or_beyond_a_charge() -> None:
    rng = random.Random(20261130)  # noqa: S311 (test data, not secrets)
    for _ in range(500):
        charges = [(i, rng.choice([0, 5000, 15000, 18000, 7500])) for i in range(rng.randint(0, 8))]
        payments: list[tuple[int, int]] = []
        paid = 0
        for j in range(rng.randint(0, 6)):
            if paid and rng.random() < 0.25:
                amount = -rng.randint(1, paid)
            else:
                amount = rng.randint(1, 30000)
            paid += amount
            payments.append((100 + j, amount))
        result = allocate(charges, payments)
        assert all(cents > 0 for _, _, cents in result)
        for charge_id, amount in charges:
            assert sum(c for _, cid, c in result if cid == charge_id) <= amount
        assert sum(c for _, _, c in result) <= max(paid, 0)
        # Whatever is paid goes to charges until they are all paid.
        assert sum(c for _, _, c in result) == min(max(paid, 0), sum(a for _, a in charges))
