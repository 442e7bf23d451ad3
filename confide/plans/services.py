"""Writing, signing, sharing and reviewing treatment plans; the client's own signature."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import Client, Person
from confide.intake.services import esign_consent_of
from confide.lib.crypto import DecryptionError
from confide.measures.models import Code, MeasureResponse
from confide.plans.content import PlanContent
from confide.plans.models import PlanSignature, TreatmentPlan
from confide.practice.models import Modality, Practice

Actor = AbstractBaseUser | AnonymousUser
A = AuditEvent.Action


class PlanError(ValidationError):
    """A change to a plan that cannot be made, with a message for the person who tried."""


def _log(
    request: HttpRequest | None, actor: Actor | None, action: str, plan: TreatmentPlan, summary: str
) -> None:
    audit_record(
        request=request,
        actor=actor,
        action=action,
        target_type="treatment_plan",
        target_uid=plan.uid,
        client_uid=plan.client.uid,
        summary=summary,
    )


def content_of(plan: TreatmentPlan) -> PlanContent:
    return PlanContent.from_json(plan.content_json)


def practice_today(now: dt.datetime) -> dt.date:
    """Return the practice's day at ``now``: the day Today counts reviews by."""
    return now.astimezone(zoneinfo.ZoneInfo(Practice.load().time_zone)).date()


def current_plan(client: Client) -> TreatmentPlan | None:
    """Return the plan in force (the newest signed version), or None before one is signed."""
    return client.treatment_plans.filter(signed_at__isnull=False).order_by("-version").first()


def draft_of(client: Client) -> TreatmentPlan | None:
    """Return the client's plan being written, or None when no draft is open."""
    return client.treatment_plans.filter(signed_at__isnull=True).first()


def approaches_for(client: Client) -> list[str]:
    """Return the approaches to choose interventions from: the clinician's, else the practice's."""
    mine = list(
        client.clinician.modalities.order_by("order", "name").values_list("name", flat=True)
    )
    if mine:
        return mine
    return list(Modality.objects.order_by("order", "name").values_list("name", flat=True))


def plan_draft_save(
    *,
    client: Client,
    content: PlanContent,
    review_on: dt.date,
    actor: Actor,
    request: HttpRequest | None,
) -> TreatmentPlan:
    """Save the client's draft plan, starting the next version when none is open; return it."""
    if client.anonymized_at:
        raise PlanError("This record is anonymized.")
    with transaction.atomic():
        # Lock the client so that two first saves do not both pick the next number.
        Client.objects.select_for_update().get(pk=client.pk)
        plan = draft_of(client)
        created = plan is None
        if plan is None:
            last = client.treatment_plans.order_by("-version").first()
            plan = TreatmentPlan(
                client=client,
                version=(last.version + 1) if last else 1,
                author=actor if actor.is_authenticated else None,  # type: ignore[misc]
                review_on=review_on,
            )
        elif plan.author_id is not None and plan.author_id != actor.pk:
            raise PlanError("Only the clinician who started this draft can change it.")
        plan.review_on = review_on
        plan.content_json = content.to_json()
        plan.save()
        _log(request, actor, A.CREATE if created else A.CHANGE, plan, "plan draft saved")
    return plan


def _stamp(plan: TreatmentPlan, actor: Actor) -> None:
    """Keep the signer's name, credentials, license and zone as they are today."""
    profile = getattr(actor, "staff_profile", None)
    clinician = getattr(profile, "clinician", None)
    if clinician is not None:
        plan.signer_name = clinician.name
        plan.signer_credentials = clinician.credentials
        plan.signer_license = f"{clinician.license_state} {clinician.license_number}".strip()
        plan.signed_zone = clinician.tz().key
    else:
        full_name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
        plan.signer_name = full_name or actor.get_username()
        plan.signed_zone = plan.client.clinician.tz().key


def plan_sign(
    *, plan: TreatmentPlan, actor: Actor, request: HttpRequest | None, now: dt.datetime
) -> TreatmentPlan:
    """Sign and lock the draft; it becomes the plan in force, and its text is sealed again."""
    with transaction.atomic():
        plan = TreatmentPlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
        if plan.is_signed:
            raise PlanError("This plan is already signed.")
        if plan.author_id is not None and plan.author_id != actor.pk:
            raise PlanError("Only the clinician who wrote this draft can sign it.")
        if problems := content_of(plan).problems_to_sign():
            raise PlanError("Before signing: " + " ".join(problems))
        plan.sign(by=actor if actor.is_authenticated else None, at=now)
        _stamp(plan, actor)
        plan.save()
        _log(request, actor, A.SIGN, plan, f"plan version {plan.version} signed")
    return plan


def plan_share(
    *,
    plan: TreatmentPlan,
    shared: bool,
    actor: Actor,
    request: HttpRequest | None,
    now: dt.datetime,
) -> TreatmentPlan:
    """Show the signed plan in force in the client's portal, or stop showing it."""
    with transaction.atomic():
        plan = TreatmentPlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
        current = current_plan(plan.client)
        if current is None or current.pk != plan.pk:
            raise PlanError("Only the signed plan in force can be shown in the portal.")
        plan.shared_at = now if shared else None
        plan.save(update_fields=["shared_at", "updated_at"])
        _log(request, actor, A.CHANGE, plan, "plan shown in portal" if shared else "plan hidden")
    return plan


def shared_plan(person: Person) -> TreatmentPlan | None:
    """Return the plan in force of the person's client, if the clinician shows it to them."""
    plan = current_plan(person.client)
    return plan if plan is not None and plan.shared_at is not None else None


def plan_sign_by_person(
    *,
    plan: TreatmentPlan,
    person: Person,
    typed_name: str,
    intent: bool,
    address: str | None,
    now: dt.datetime,
) -> PlanSignature:
    """Take the person's own signature on the plan shown to them.

    Refused (PlanError) before they agreed to sign electronically (intake's consent), without a
    name typed or the intent ticked, or when the plan is not the one shown to them now.
    """
    typed = " ".join(typed_name.split())
    if esign_consent_of(person) is None:
        raise PlanError("Before a first signature, read and accept how signing here works.")
    if len(typed) < 2:
        raise PlanError("Type your full name to sign.")
    if not intent:
        raise PlanError("Tick the box to say that you mean to sign.")
    with transaction.atomic():
        shown = shared_plan(person)
        if shown is None or shown.pk != plan.pk:
            raise PlanError("This plan has changed since you opened it: read it again to sign.")
        try:
            with transaction.atomic():
                signature = PlanSignature.objects.create(
                    plan=plan,
                    person=person,
                    typed_name=typed,
                    signed_at=now.replace(microsecond=0),
                    address=address or None,
                )
        except IntegrityError as error:
            raise PlanError("You have already signed this plan.") from error
        audit_record(
            request=None,
            actor=None,
            action=A.SIGN,
            target_type="treatment_plan",
            target_uid=plan.uid,
            client_uid=person.client.uid,
            summary="plan signed by the client in the portal",
        )
    return signature


def reviews_due(clients: QuerySet[Client], *, today: dt.date) -> QuerySet[TreatmentPlan]:
    """Return the plans in force among these clients whose review date has come, oldest first."""
    newer = TreatmentPlan.objects.filter(
        client=OuterRef("client"), version__gt=OuterRef("version"), signed_at__isnull=False
    )
    return (
        TreatmentPlan.objects.filter(
            client__in=clients,
            signed_at__isnull=False,
            review_on__lte=today,
            # Nobody reviews the plan of someone who has ended therapy.
            client__anonymized_at__isnull=True,
        )
        .exclude(client__status=Client.Status.DISCHARGED)
        .exclude(Exists(newer))
        .select_related("client")
        .order_by("review_on", "pk")
    )


@dataclass(frozen=True)
class Score:
    person: str
    total: int
    band: str
    answered_at: dt.datetime


def latest_scores(client: Client) -> dict[str, list[Score]]:
    """Return, per measure, each person's latest score (a couple has one per partner)."""
    found: dict[str, list[Score]] = {}
    for person in client.people.order_by("order", "pk"):
        for code in Code.values:
            response = (
                MeasureResponse.objects.filter(person=person, code=code)
                .order_by("-answered_at", "-pk")
                .first()
            )
            if response is not None:
                found.setdefault(code, []).append(
                    Score(person.name, response.total, response.band, response.answered_at)
                )
    return found


def plans_export(client: Client, people: list[Person]) -> list[dict[str, Any]]:
    """Return every signed version of the client's plan as plain data for a record export.

    Drafts are not yet part of the record and stay out. Each version carries who signed it and
    when, and the signatures of ``people`` only, so a partner's download holds their own
    signature and not the other's. A version that does not open is listed all the same.
    """
    plans = (
        client.treatment_plans.filter(signed_at__isnull=False)
        .select_related("client")
        .order_by("version")
    )
    exported = []
    for plan in plans:
        if plan.signed_at is None:  # pragma: no cover - filtered out above
            continue
        entry: dict[str, Any] = {
            "id": str(plan.uid),
            "version": plan.version,
            "signed": plan.signed_at.isoformat(),
            "signer": {
                "name": plan.signer_name,
                "credentials": plan.signer_credentials,
                "license": plan.signer_license,
            },
            "review_by": plan.review_on.isoformat(),
            "client_signatures": [
                {
                    "person": s.person.name,
                    "typed_name": s.typed_name,
                    "signed": s.signed_at.isoformat(),
                }
                for s in plan.client_signatures.filter(person__in=people).select_related("person")
            ],
        }
        try:
            content = content_of(plan)
        except DecryptionError:
            entry["content"] = None
            entry["error"] = "could not be opened"
        else:
            entry["content"] = {
                "problems": content.problems,
                "goals": list(content.goals),
                "objectives": [
                    {
                        "text": o.text,
                        "target": o.target.isoformat() if o.target else None,
                        "measure": Code(o.measure).label if o.measure in Code.values else None,
                    }
                    for o in content.objectives
                ],
                "approaches": list(content.approaches),
                "other_interventions": content.other_interventions,
            }
        exported.append(entry)
    return exported
