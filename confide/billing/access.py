"""One access helper per kind of billing object: the object, or 404 outside the user's scope."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from confide.accounts.access import clinical_access
from confide.accounts.sessions import AnyUser
from confide.billing.models import Charge, Diagnosis, Estimate, Statement


def charge_for(user: AnyUser, uid: uuid.UUID) -> Charge:
    charges = Charge.objects.visible_to(user).select_related("client", "clinician")
    return get_object_or_404(charges, uid=uid)


def statement_for(user: AnyUser, uid: uuid.UUID) -> Statement:
    statement: Statement = get_object_or_404(
        Statement.objects.visible_to(user).select_related("client"), uid=uid
    )
    return statement


def estimate_for(user: AnyUser, uid: uuid.UUID) -> Estimate:
    estimate: Estimate = get_object_or_404(
        Estimate.objects.visible_to(user).select_related("client"), uid=uid
    )
    return estimate


def diagnosis_for(user: AnyUser, uid: uuid.UUID) -> Diagnosis:
    """Return the diagnosis; a role without clinical access is refused outright."""
    if not clinical_access(user):
        raise PermissionDenied("Diagnoses are for clinicians only.")
    return get_object_or_404(Diagnosis.objects.visible_to(user).select_related("client"), uid=uid)
