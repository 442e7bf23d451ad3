"""The plan a person's clinician shows them in the portal, and their own signature on it.

Mounted at /portal/plan/. The page reaches the plan only through the signed-in person's
client, so nobody reaches another client's plan; each partner of a couple signs for themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from confide.clients.models import Person
from confide.intake.forms import SignForm
from confide.intake.services import INTENT, esign_consent_of
from confide.lib.request_address import client_address
from confide.measures.models import Code
from confide.plans import services


def _portal_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    # Imported late, as intake and measures do, so the app loads without the portal.
    from confide.portal.access import portal_view

    return portal_view(view)


@_portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    shown = services.shared_plan(person)
    signature = shown.client_signatures.filter(person=person).first() if shown else None
    consent = esign_consent_of(person)
    form = SignForm(request.POST if request.method == "POST" else None)
    problem = ""
    if request.method == "POST":
        if shown is None or request.POST.get("plan") != str(shown.uid):
            problem = "This plan has changed since you opened it. Please read it again."
        elif signature is None and consent is not None and form.is_valid():
            try:
                services.plan_sign_by_person(
                    plan=shown,
                    person=person,
                    typed_name=form.cleaned_data["typed_name"],
                    intent=form.cleaned_data["intent"],
                    address=client_address(request) or None,
                    now=timezone.now(),
                )
            except services.PlanError as error:
                problem = " ".join(error.messages)
            else:
                messages.success(request, "Thank you. Your signature is kept with the plan.")
                return redirect("portal:plan:plan")
    content = services.content_of(shown) if shown else None
    context = {
        "nav": "plan",
        "plan": shown,
        "content": content,
        "objectives": [
            {"objective": o, "measure": Code(o.measure).label if o.measure in Code.values else ""}
            for o in (content.objectives if content else ())
        ],
        "signature": signature,
        "consent": consent,
        "form": form,
        "problem": problem,
        "intent": INTENT,
    }
    status = 400 if request.method == "POST" and (problem or form.errors) else 200
    return render(request, "plans/portal/plan.html", context, status=status)
