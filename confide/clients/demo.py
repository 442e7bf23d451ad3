"""A few fictional people in the demo office, so there is something to look at."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User

from confide.clients import services
from confide.clients.models import Client, ConsultationRequest
from confide.clients.services import PersonDetails
from confide.practice.demo import DEMO_USERNAME
from confide.practice.models import Clinician


@dataclass(frozen=True)
class DemoOffice:
    """How many rows were made, and the clients just made (for their sessions)."""

    created: int = 0
    clients: list[Client] = field(default_factory=list)


def clients_demo_load(*, clinician: Clinician) -> DemoOffice:
    """Add demo requests, clients and a draft note once; nothing when the office has some."""
    if Client.objects.exists() or ConsultationRequest.objects.exists():
        return DemoOffice()
    # The demo therapist (made just before) writes the draft, so it shows on their home page.
    system = User.objects.filter(username=DEMO_USERNAME).first() or AnonymousUser()
    made = 0
    request = ConsultationRequest(
        clinician=clinician,
        name="Jo",
        phone="(212) 555-0163",
        may_text=True,
        may_call=True,
        voicemail_ok=False,
        may_name_practice=False,
        time_zone="America/New_York",
    )
    # Sealed fields are set after the row has its uid, which their seal is bound to.
    request.safe_times = "weekdays after 6 pm"
    request.preferred_times = "Tuesday or Thursday evenings"
    request.note = "I'm not sure where to start."
    request.save()
    ConsultationRequest.objects.create(
        clinician=clinician,
        name="Riley and Morgan",
        email="riley@example.org",
        may_email=True,
        for_couple=True,
        partner_name="Morgan",
        time_zone="America/New_York",
    )
    made += 2
    individual = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[
            PersonDetails(
                name="Avery Lind",
                email="avery@example.org",
                phone="(212) 555-0171",
                may_email=True,
                may_text=True,
                emergency_name="Pat Lind",
                emergency_relationship="sibling",
                emergency_phone="(212) 555-0172",
            )
        ],
        display_name="Avery L.",
        clinician_id=clinician.pk,
        actor=system,
        request=None,
        status=Client.Status.ACTIVE,
    )
    couple = services.client_create(
        kind=Client.Kind.COUPLE,
        people=[
            PersonDetails(name="Dana Wells", email="dana@example.org", may_email=True),
            PersonDetails(name="Kai Wells", phone="(212) 555-0184", may_text=True),
        ],
        display_name="Dana and Kai W.",
        clinician_id=clinician.pk,
        actor=system,
        request=None,
        status=Client.Status.ACTIVE,
    )
    made += 2
    services.note_create(
        client=individual,
        kind="progress",
        template="soap",
        sections={
            "subjective": "Talked about a hard week at work and feeling 'too much' for others.",
            "plan": "Keep practising the grounding exercise; meet next week.",
        },
        author=system,
        request=None,
    )
    return DemoOffice(created=made + 1, clients=[individual, couple])
