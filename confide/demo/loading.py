"""Load the demo practice app by app: the public site, hours, the demo therapist, the office."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from confide.accounts.allauth_internals import TOTP, RecoveryCodes
from confide.accounts.models import StaffProfile
from confide.accounts.services import staff_role_assign
from confide.billing.demo import billing_demo_load
from confide.clients.demo import clients_demo_load
from confide.intake.demo import intake_demo_load
from confide.messaging.demo import messaging_demo_load
from confide.plans.demo import plans_demo_load
from confide.practice.demo import DEMO_TOTP_SECRET, DEMO_USERNAME, practice_demo_load
from confide.practice.models import Clinician
from confide.scheduling.demo import scheduling_demo_load, sessions_demo_load


@dataclass
class DemoResult:
    """How many rows were made, and the demo therapist's password and secret when just set."""

    created: int = 0
    password: str | None = None
    totp_secret: str | None = None


def demo_load(*, password: str | None = None, totp_secret: str | None = None) -> DemoResult:
    """Create whatever of the demo practice is missing; never change what already exists.

    The public site, its appointment types and hours, and the demo therapist, signed in with a
    password (``password``, else a random one) and an authenticator app (``totp_secret``, else
    the public demo secret). The office's clients are ``office_demo_load``'s.
    """
    result = DemoResult()
    with transaction.atomic():
        result.created, clinician = practice_demo_load()
        result.created += scheduling_demo_load(clinician=clinician)
        result.created += intake_demo_load()
        result.created += _therapist_load(
            clinician=clinician, result=result, password=password, totp_secret=totp_secret
        )
    return result


def _therapist_load(
    *, clinician: Clinician, result: DemoResult, password: str | None, totp_secret: str | None
) -> int:
    """Make the demo therapist the owner, with an authenticator app already set up."""
    made = 0
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        result.password = password or secrets.token_urlsafe(12)
        user = User.objects.create_superuser(
            username=DEMO_USERNAME,
            email="therapist@example.org",
            password=result.password,
            first_name=clinician.name.split()[0],
            last_name=clinician.name.split()[-1],
        )
        made += 1
    created = False
    if not StaffProfile.objects.filter(user=user).exists():
        taken = StaffProfile.objects.filter(clinician=clinician).exists()
        staff_role_assign(
            user=user, role=StaffProfile.Role.OWNER, clinician=None if taken else clinician
        )
        created = True
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        result.totp_secret = totp_secret or DEMO_TOTP_SECRET
        TOTP.activate(user, result.totp_secret)
        RecoveryCodes.activate(user)
        created = True
    return made + int(created)


def office_demo_load(*, now: dt.datetime | None = None) -> int:
    """Add the demo office's requests, clients, sessions, a draft note, billing and a plan, once.

    Returns how many rows were made; nothing when the office already has clients or requests.
    """
    clinician = Clinician.objects.filter(listed=True).order_by("order", "pk").first()
    if clinician is None:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        office = clients_demo_load(clinician=clinician)
        sessions = sessions_demo_load(clients=office.clients, now=now)
        billing = billing_demo_load(clinician=clinician, today=now.date())
        messages = messaging_demo_load(clients=office.clients, now=now)
        plans = plans_demo_load(clients=office.clients, now=now)
    return office.created + sessions + billing + messages + plans
