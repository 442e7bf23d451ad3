"""A fictional treatment plan in the demo office: signed, shown in the portal, due for review."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User

from confide.clients.models import Client
from confide.measures.models import Code, MeasureResponse
from confide.plans import services
from confide.plans.content import Objective, PlanContent
from confide.practice.demo import DEMO_USERNAME

# Signed about twelve weeks ago, the usual span between reviews.
SIGNED_AGO = dt.timedelta(weeks=12)


def plans_demo_load(*, clients: list[Client], now: dt.datetime) -> int:
    """Give the first individual demo client a signed, shared plan whose review is due today.

    Today lists a plan once its review date has come, so the date is the practice's today: the
    demo shows the review on Today at once. Returns the rows made; none when the client already
    has a plan.
    """
    client = next((c for c in clients if c.kind == Client.Kind.INDIVIDUAL), None)
    if client is None or client.treatment_plans.exists():
        return 0
    therapist = User.objects.filter(username=DEMO_USERNAME).first() or AnonymousUser()
    person = client.people.order_by("order", "pk").first()
    # An objective names the PHQ-9 only when the person has PHQ-9 scores to show beside it.
    has_phq9 = MeasureResponse.objects.filter(person=person, code=Code.PHQ9).exists()
    signed_at = now - SIGNED_AGO
    today = services.practice_today(now)
    content = PlanContent(
        problems=(
            "A long habit of feeling 'too much' for other people, with shame for a day or more "
            "after speaking up at work. Low mood on most days since the spring, and broken sleep "
            "on weeknights."
        ),
        goals=(
            "Speak up at work and with friends without a day of shame afterwards.",
            "Feel steadier in mood and sleep.",
        ),
        objectives=(
            Objective(
                "Low mood on fewer days: a PHQ-9 score below 10 at two check-ins in a row.",
                today + dt.timedelta(weeks=8),
                Code.PHQ9.value if has_phq9 else "",
            ),
            Objective(
                "Name one need to a colleague or a friend each week, and note how it went.",
                today + dt.timedelta(weeks=6),
            ),
        ),
        approaches=tuple(services.approaches_for(client)[:2]),
        other_interventions="A short grounding practice between sessions, on hard days.",
    )
    draft = services.plan_draft_save(
        client=client, content=content, review_on=today, actor=therapist, request=None
    )
    plan = services.plan_sign(plan=draft, actor=therapist, request=None, now=signed_at)
    services.plan_share(plan=plan, shared=True, actor=therapist, request=None, now=signed_at)
    return 1
