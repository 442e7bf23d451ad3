"""One access helper per kind of scheduling record: the record in the user's scope, or a 404."""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404

from confide.accounts.sessions import AnyUser
from confide.clients.models import ConsultationRequest
from confide.scheduling.models import Appointment


def appointment_for(user: AnyUser, pk: int) -> Appointment:
    """Return the appointment, or raise Http404 when it is outside the user's scope."""
    appointments = Appointment.objects.visible_to(user).select_related(
        "appointment_type", "client", "consultation", "clinician"
    )
    return get_object_or_404(appointments, pk=pk)


def request_for(user: AnyUser, uid: uuid.UUID) -> ConsultationRequest:
    """Return the consultation request, or raise Http404 when it is outside the user's scope."""
    requests = ConsultationRequest.objects.visible_to(user).select_related("clinician")
    return get_object_or_404(requests, uid=uid)
