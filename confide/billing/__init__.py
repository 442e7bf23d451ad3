"""Billing: fees, charges from session outcomes, payments, superbills and Good Faith Estimates.

Private pay only: payments made elsewhere are recorded here, never taken, and no claim is sent
(decision 19 in docs/decisions.md).
"""
