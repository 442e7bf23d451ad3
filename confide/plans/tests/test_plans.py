"""Writing, signing, revising and sharing treatment plans in the office; who may see them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.measures import services as measures
from confide.office.todo import todo_for
from confide.plans import services
from confide.plans.content import Objective, PlanContent
from confide.plans.models import TreatmentPlan
from confide.portal.tests.helpers import person_of

SECRET = "CANARY-PLAN-41d9 shame after the argument with a sister"
NOW = dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC)


def _content(problems: str = SECRET) -> PlanContent:
    return PlanContent(
        problems=problems,
        goals=("Feel less weighed down by shame",),
        objectives=(Objective("PHQ-9 below 10", dt.date(2030, 4, 1), "phq9"),),
        approaches=("EMDR",),
        other_interventions="Grounding exercises between sessions",
    )


def _signed(client: Client, therapist: User, review_on: dt.date = dt.date(2030, 4, 1)) -> Any:
    draft = services.plan_draft_save(
        client=client, content=_content(), review_on=review_on, actor=therapist, request=None
    )
    return services.plan_sign(plan=draft, actor=therapist, request=None, now=NOW)


def _form(**overrides: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "problems": SECRET,
        "goals": "Feel less weighed down by shame\nSleep through the night",
        "objective_1": "PHQ-9 below 10",
        "objective_1_target": "2030-04-01",
        "objective_1_measure": "phq9",
        "objective_2": "Name one need to a partner each week",
        "objective_2_target": "2030-03-01",
        "objective_2_measure": "",
        "approaches": ["EMDR"],
        "other_interventions": "",
        "review_on": "2030-04-01",
    }
    data.update(overrides)
    return data


def test_the_therapist_writes_signs_and_reads_a_plan(
    individual: Client, therapist: User, signed_in: Callable[..., Browser]
) -> None:
    browser = signed_in(therapist)
    write = reverse("office:plan_write", args=[individual.uid])
    page = browser.get(write).content.decode()
    assert "EMDR" in page
    assert "Clinical hypnosis" in page
    response = browser.post(write, _form())
    assert response.status_code == 302
    draft = services.draft_of(individual)
    assert draft is not None
    assert draft.version == 1
    assert services.content_of(draft).goals == (
        "Feel less weighed down by shame",
        "Sleep through the night",
    )

    browser.post(reverse("office:plan_sign", args=[individual.uid]))
    plan = TreatmentPlan.objects.get(client=individual)
    assert plan.is_signed
    assert plan.signer_name
    assert plan.signer_credentials == "LCSW"
    page = browser.get(reverse("office:client_plan", args=[individual.uid])).content.decode()
    assert SECRET in page
    assert f"by {plan.signer_name}, LCSW" in page
    assert "tracked by the PHQ-9" in page
    assert "No PHQ-9 answered yet" in page
    actions = list(AuditEvent.objects.filter(target_uid=plan.uid).values_list("action", flat=True))
    assert {"create", "sign", "view"} <= set(actions)


def test_a_signed_plan_changes_only_by_a_new_version(individual: Client, therapist: User) -> None:
    first = _signed(individual, therapist)
    with pytest.raises(services.PlanError):
        services.plan_sign(plan=first, actor=therapist, request=None, now=NOW)
    second = services.plan_draft_save(
        client=individual,
        content=_content("Less shame, more sleep"),
        review_on=dt.date(2030, 7, 1),
        actor=therapist,
        request=None,
    )
    assert second.pk != first.pk
    assert second.version == 2
    first.refresh_from_db()
    assert services.content_of(first).problems == SECRET
    assert services.current_plan(individual) == first  # the draft is not in force
    services.plan_sign(plan=second, actor=therapist, request=None, now=NOW)
    assert services.current_plan(individual) == TreatmentPlan.objects.get(pk=second.pk)


def test_the_next_version_starts_from_the_plan_in_force(
    individual: Client, therapist: User, signed_in: Callable[..., Browser]
) -> None:
    _signed(individual, therapist)
    page = signed_in(therapist).get(reverse("office:plan_write", args=[individual.uid]))
    assert SECRET in page.content.decode()
    assert "The next version" in page.content.decode()


def test_an_incomplete_plan_is_not_signed(individual: Client, therapist: User) -> None:
    draft = services.plan_draft_save(
        client=individual,
        content=PlanContent(problems="Something"),
        review_on=dt.date(2030, 4, 1),
        actor=therapist,
        request=None,
    )
    with pytest.raises(services.PlanError) as error:
        services.plan_sign(plan=draft, actor=therapist, request=None, now=NOW)
    assert "at least one goal" in str(error.value)


def test_an_objective_without_a_target_date_is_refused(
    individual: Client, therapist: User, signed_in: Callable[..., Browser]
) -> None:
    response = signed_in(therapist).post(
        reverse("office:plan_write", args=[individual.uid]), _form(objective_1_target="")
    )
    assert response.status_code == 400
    assert "Give the objective a target date." in response.content.decode()
    assert not TreatmentPlan.objects.exists()


def test_the_latest_score_shows_beside_its_objective(
    individual: Client, therapist: User, signed_in: Callable[..., Browser]
) -> None:
    _signed(individual, therapist)
    person = person_of(individual)
    ask = measures.measure_send(
        client=individual, person=person, code="phq9", actor=None, now=NOW, request=None
    )
    answers = {f"item{n}": 1 for n in range(1, 10)} | {"item9": 0}
    measures.response_save(ask=ask, answers=answers, comment="", now=NOW, request=None)
    page = signed_in(therapist).get(reverse("office:client_plan", args=[individual.uid]))
    assert "Latest PHQ-9 (Sam Rivera): 8, mild" in page.content.decode()


def test_a_couple_has_one_plan_for_both_partners(
    couple: Client, therapist: User, signed_in: Callable[..., Browser]
) -> None:
    _signed(couple, therapist)
    page = signed_in(therapist).get(reverse("office:client_plan", args=[couple.uid]))
    assert "one plan for both partners" in page.content.decode()


def test_a_plan_due_for_review_shows_on_today_and_the_client_page(
    individual: Client, therapist: User, signed_in: Callable[..., Browser]
) -> None:
    clinician = individual.clinician
    today = todo_for(therapist, mine=clinician, clinical=True, now=timezone.now()).today
    assert today is not None  # the practice's own day, not the server's
    plan = _signed(individual, therapist, review_on=today + dt.timedelta(days=1))
    todo = todo_for(therapist, mine=clinician, clinical=True, now=timezone.now())
    assert not todo.plan_reviews
    TreatmentPlan.objects.filter(pk=plan.pk).update(review_on=today)
    todo = todo_for(therapist, mine=clinician, clinical=True, now=timezone.now())
    assert [p.pk for p in todo.plan_reviews.rows] == [plan.pk]
    browser = signed_in(therapist)
    home = browser.get(reverse("office:home")).content.decode()
    assert "Treatment plans to review" in home
    detail = browser.get(reverse("office:client", args=[individual.uid])).content.decode()
    assert "review due" in detail


def test_a_newer_signed_version_takes_the_review_off_today(
    individual: Client, therapist: User
) -> None:
    _signed(individual, therapist, review_on=dt.date(2020, 1, 1))
    _signed(individual, therapist, review_on=dt.date(2099, 1, 1))
    due = services.reviews_due(Client.objects.all(), today=dt.date(2030, 1, 1))
    assert not due.exists()


def test_a_practice_manager_sees_no_plan_review_on_today(
    individual: Client, therapist: User, practice_manager: User
) -> None:
    _signed(individual, therapist, review_on=dt.date(2020, 1, 1))
    todo = todo_for(practice_manager, mine=None, clinical=False, now=timezone.now())
    assert not todo.plan_reviews


def test_the_plan_text_is_sealed_at_rest(individual: Client, therapist: User) -> None:
    plan = _signed(individual, therapist)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content_sealed FROM plans_treatmentplan")
        (stored,) = cursor.fetchone()
    assert "CANARY" not in stored
    assert "EMDR" not in stored
    assert "shame" not in stored
    assert services.content_of(plan).problems == SECRET


def test_a_plan_moved_to_another_client_does_not_open(
    individual: Client, couple: Client, therapist: User
) -> None:
    plan = _signed(individual, therapist)
    TreatmentPlan.objects.filter(pk=plan.pk).update(client=couple)
    moved = TreatmentPlan.objects.get(pk=plan.pk)
    with pytest.raises(Exception, match=r"(?i)decrypt|open|tag"):
        services.content_of(moved)


@pytest.mark.parametrize("who", ["practice_manager", "colleague"])
def test_only_the_clinician_reaches_a_plan(
    individual: Client,
    therapist: User,
    who: str,
    request: pytest.FixtureRequest,
    signed_in: Callable[..., Browser],
) -> None:
    plan = _signed(individual, therapist)
    browser = signed_in(request.getfixturevalue(who))
    expected = 403 if who == "practice_manager" else 404
    for url in (
        reverse("office:client_plan", args=[individual.uid]),
        reverse("office:plan_write", args=[individual.uid]),
        reverse("office:plan_version", args=[plan.uid]),
    ):
        response = browser.get(url)
        assert response.status_code == expected, url
        assert SECRET not in response.content.decode()
    shared = browser.post(reverse("office:plan_share", args=[individual.uid]), {"shared": "1"})
    assert shared.status_code == expected
    plan.refresh_from_db()
    assert plan.shared_at is None


def test_the_practice_manager_sees_no_plan_on_the_client_page(
    individual: Client, therapist: User, practice_manager: User, signed_in: Callable[..., Browser]
) -> None:
    _signed(individual, therapist)
    page = signed_in(practice_manager).get(reverse("office:client", args=[individual.uid]))
    assert "Treatment plan" not in page.content.decode()


def test_sharing_shows_only_the_signed_plan_in_force(individual: Client, therapist: User) -> None:
    plan = _signed(individual, therapist)
    services.plan_share(plan=plan, shared=True, actor=therapist, request=None, now=NOW)
    assert services.shared_plan(person_of(individual)) == plan
    services.plan_draft_save(
        client=individual, content=_content(), review_on=dt.date(2030, 9, 1), actor=therapist,
        request=None,
    )  # fmt: skip
    assert services.shared_plan(person_of(individual)) == plan  # a draft changes nothing
    draft = services.draft_of(individual)
    assert draft is not None
    newer = services.plan_sign(plan=draft, actor=therapist, request=None, now=NOW)
    assert services.shared_plan(person_of(individual)) is None  # shared again by choice
    with pytest.raises(services.PlanError):
        services.plan_share(plan=plan, shared=True, actor=therapist, request=None, now=NOW)
    services.plan_share(plan=newer, shared=True, actor=therapist, request=None, now=NOW)
    assert services.shared_plan(person_of(individual)) == newer


def test_a_discharged_clients_plan_is_not_reviewed(individual: Client, therapist: User) -> None:
    _signed(individual, therapist, review_on=dt.date(2020, 1, 1))
    assert services.reviews_due(Client.objects.all(), today=dt.date(2030, 1, 1)).exists()
    Client.objects.filter(pk=individual.pk).update(status=Client.Status.DISCHARGED)
    assert not services.reviews_due(Client.objects.all(), today=dt.date(2030, 1, 1)).exists()
