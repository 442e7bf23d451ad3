"""load_demo fills the office with fictional clients, requests and a note, once."""

from __future__ import annotations

import datetime as dt
import html
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client as Browser
from django.utils import timezone

from confide.accounts.testing import sign_in
from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.plans.models import TreatmentPlan
from confide.plans.services import content_of, practice_today, shared_plan
from confide.practice.demo import DEMO_USERNAME
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def test_load_demo_fills_the_office_once(tmp_path: object, settings: object) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    call_command("load_demo", stdout=StringIO())
    counts = (
        Client.objects.count(),
        ConsultationRequest.objects.count(),
        ClinicalNote.objects.count(),
    )
    assert counts == (2, 2, 1)
    assert Appointment.objects.filter(client__isnull=False).count() == 2
    assert Client.objects.get(kind="couple").people.count() == 2
    call_command("load_demo", stdout=StringIO())
    assert (
        Client.objects.count(),
        ConsultationRequest.objects.count(),
        ClinicalNote.objects.count(),
    ) == counts


def test_load_demo_gives_a_client_a_signed_shared_plan_that_today_lists_for_review(
    tmp_path: object, settings: object
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    call_command("load_demo", stdout=StringIO())

    plan = TreatmentPlan.objects.get()
    client = plan.client
    content = content_of(plan)
    today = practice_today(timezone.now())
    assert client.kind == Client.Kind.INDIVIDUAL
    assert plan.is_signed
    assert shared_plan(client.people.get()) == plan
    assert content.problems_to_sign() == []
    assert len(content.objectives) == 2
    assert today <= plan.review_on < today + dt.timedelta(days=7)
    assert plan.review_due(today)

    therapist = User.objects.get(username=DEMO_USERNAME)
    page = html.unescape(sign_in(Browser(), therapist).get("/office/").content.decode())
    reviews = page.split("Treatment plans to review", 1)[1].split("</ul>", 1)[0]
    assert client.display_name in reviews

    call_command("load_demo", stdout=StringIO())
    assert TreatmentPlan.objects.count() == 1
