"""The office's treatment plans: the plan in force, writing a version, signing, sharing.

Plans are clinical: the owner and the client's clinician only; a practice manager is turned
away, and another clinician finds nothing ("not found").
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.access import CLINICAL_ROLES, office_view
from confide.audit.services import audit_record
from confide.clients.access import client_for
from confide.clients.models import Client
from confide.measures.models import Code
from confide.plans import services
from confide.plans.forms import PlanForm
from confide.plans.models import TreatmentPlan


def _shown(plan: TreatmentPlan, client: Client) -> dict[str, Any]:
    """Return a plan's content with each objective's measure and its latest scores beside it."""
    content = services.content_of(plan)
    scores = services.latest_scores(client)
    return {
        "plan": plan,
        "content": content,
        "objectives": [
            {
                "objective": o,
                "measure": Code(o.measure).label if o.measure in Code.values else "",
                "scores": scores.get(o.measure, []),
            }
            for o in content.objectives
        ],
    }


def _audit_view(request: HttpRequest, plan: TreatmentPlan) -> None:
    audit_record(
        request=request,
        actor=request.user,
        action="view",
        target_type="treatment_plan",
        target_uid=plan.uid,
        client_uid=plan.client.uid,
        summary=f"read plan version {plan.version}",
    )


@office_view(roles=CLINICAL_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD"])
def client_plan(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    current = services.current_plan(client)
    context: dict[str, Any] = {
        "client": client,
        "current": _shown(current, client) if current else None,
        "draft": services.draft_of(client),
        "earlier": [
            plan
            for plan in client.treatment_plans.filter(signed_at__isnull=False).order_by("-version")
            if plan != current
        ],
        "due": current is not None and current.review_due(services.practice_today(timezone.now())),
        "nav": "clients",
    }
    if current is not None:
        context["client_signatures"] = list(current.client_signatures.select_related("person"))
        _audit_view(request, current)
    return render(request, "plans/office/plan.html", context)


def _choices(client: Client, *contents: Any) -> list[str]:
    names = services.approaches_for(client)
    for content in contents:
        names += [a for a in content.approaches if a not in names]
    return names


@office_view(roles=CLINICAL_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def plan_write(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    draft = services.draft_of(client)
    # A draft continues; otherwise the next version starts from the plan in force.
    start = draft or services.current_plan(client)
    content = services.content_of(start) if start else None
    approaches = _choices(client, *([content] if content else []))
    if request.method == "POST" and not client.anonymized_at:
        form = PlanForm(request.POST, approaches=approaches)
        if form.is_valid():
            try:
                services.plan_draft_save(
                    client=client,
                    content=form.content(),
                    review_on=form.cleaned_data["review_on"],
                    actor=request.user,
                    request=request,
                )
            except services.PlanError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, "Draft saved. Sign it when it is ready.")
                return redirect("office:client_plan", uid=client.uid)
    else:
        initial = (
            PlanForm.initial_from(content, start.review_on if draft else None)
            if content and start
            else {}
        )
        form = PlanForm(initial=initial, approaches=approaches)
        if draft is not None:
            _audit_view(request, draft)
    status = 400 if request.method == "POST" else 200
    context = {
        "client": client,
        "form": form,
        "draft": draft,
        "revising": draft is None and start is not None,
        "nav": "clients",
    }
    return render(request, "plans/office/write.html", context, status=status)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def plan_sign_view(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    draft = services.draft_of(client)
    if draft is None:
        messages.error(request, "There is no draft to sign.")
        return redirect("office:client_plan", uid=client.uid)
    try:
        plan = services.plan_sign(
            plan=draft, actor=request.user, request=request, now=timezone.now()
        )
    except services.PlanError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Version {plan.version} signed. It is now the plan in force.")
    return redirect("office:client_plan", uid=client.uid)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def plan_share_view(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    current = services.current_plan(client)
    if current is None:
        messages.error(request, "Sign the plan before showing it in the portal.")
        return redirect("office:client_plan", uid=client.uid)
    shared = request.POST.get("shared") == "1"
    try:
        services.plan_share(
            plan=current, shared=shared, actor=request.user, request=request, now=timezone.now()
        )
    except services.PlanError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            "The plan now shows in their portal, where they can sign it."
            if shared
            else "The plan no longer shows in their portal.",
        )
    return redirect("office:client_plan", uid=client.uid)


@office_view(roles=CLINICAL_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD"])
def plan_version(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    plan = get_object_or_404(
        TreatmentPlan.objects.select_related("client"), uid=uid, signed_at__isnull=False
    )
    # Through the client, so that another clinician's plans are "not found".
    client = client_for(request.user, plan.client.uid)
    _audit_view(request, plan)
    context = {
        "client": client,
        "shown": _shown(plan, client),
        "client_signatures": list(plan.client_signatures.select_related("person")),
        "nav": "clients",
    }
    return render(request, "plans/office/version.html", context)
