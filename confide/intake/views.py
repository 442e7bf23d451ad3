"""A person's intake paperwork in the portal: what to sign, the disclosure, signing, the questions.

Every view takes the signed-in person from ``request.portal_person`` (set by the portal's
``portal_view``) and reaches records only through them: another person's item, signature or
answers are "not found". These pages are mounted under /portal/paperwork/ (confide/portal/urls.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from confide.clients.models import Person
from confide.intake import questions, services, texts
from confide.intake.forms import ConsentForm, QuestionnaireForm, SignForm
from confide.intake.models import PacketItem, Signature
from confide.lib.request_address import client_address

View = Callable[..., HttpResponse]


def _person_view(view: View) -> View:
    """Wrap the view in the portal's ``portal_view``, imported only when the view is defined.

    The import is late so that this app does not need the portal to load; without it (an
    install that leaves the portal out) the pages answer 404 unless a door set the person.
    """
    try:
        from confide.portal.access import portal_view
    except ImportError:  # pragma: no cover - the portal ships with Confide

        def portal_view(view: View) -> View:
            def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                if getattr(request, "portal_person", None) is None:
                    raise Http404("Not signed in")
                return view(request, *args, **kwargs)

            return wrapper

    return portal_view(view)


def _person(request: HttpRequest) -> Person:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    return person


def _portal_page(target: str) -> str:
    """Return the path of ``target`` when it is a page of the portal on this site, else "".

    A page outside the paperwork (the plan) sends a person here to agree to sign electronically
    and names itself to come back to; anything but a path that resolves inside the portal
    (another site, a scheme, "//host", a backslash, the office) is dropped, so this is never an
    open redirect.
    """
    parts = urlsplit(target)
    portal = reverse("portal:home")
    if parts.scheme or parts.netloc or "\\" in target or not parts.path.startswith(portal):
        return ""
    # A dot segment would be resolved by the browser, after the check here.
    if not url_has_allowed_host_and_scheme(parts.path, allowed_hosts=None) or any(
        segment in {".", ".."} for segment in parts.path.split("/")
    ):
        return ""
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ""
    return parts.path if match.namespaces[:1] == ["portal"] else ""


def _item_for(person: Person, uid: uuid.UUID) -> PacketItem:
    """Return the person's own item, or raise Http404."""
    items = PacketItem.objects.filter(person=person).select_related("document", "person")
    return get_object_or_404(items, uid=uid)


@_person_view
@require_http_methods(["GET", "HEAD"])
def paperwork(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    items = list(
        PacketItem.objects.filter(person=person)
        .select_related("document", "signature")
        .order_by("sent_at", "pk")
    )
    rows = [{"item": item, "signature": item.signature_or_none()} for item in items]
    given = services.answers_of(person)
    context = {
        "nav": "paperwork",
        "person": person,
        "to_sign": [row for row in rows if row["signature"] is None],
        "signed": [row for row in rows if row["signature"] is not None],
        "consent": services.esign_consent_of(person),
        "paper_since": services.esign_withdrawn_at(person),
        "answered": len(given),
        "questions": len(questions.QUESTIONS),
        # The help-now panel stays while their saved words hold what the screen flags.
        "crisis": services.answers_need_attention(given),
    }
    return render(request, "intake/paperwork.html", context)


@_person_view
@require_http_methods(["GET", "HEAD", "POST"])
def disclosure(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    consent = services.esign_consent_of(person)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    following = request.GET.get("item", "")
    back_to = _portal_page(request.GET.get("next", ""))
    if request.method == "POST" and "withdraw" in request.POST:
        if services.esign_consent_withdraw(person=person, now=timezone.now()):
            messages.success(
                request,
                "Your consent to sign electronically is withdrawn. What you signed stays signed. "
                "The practice is told, and will give you paper copies of anything still to sign.",
            )
        return redirect("portal:intake:paperwork")
    if request.method == "POST" and consent is None and form.is_valid():
        services.esign_consent_record(
            person=person, address=client_address(request) or None, now=timezone.now()
        )
        try:
            item = _item_for(person, uuid.UUID(following))
        except (ValueError, Http404):
            if back_to:
                messages.success(request, "Thank you. You can now sign here.")
                return redirect(back_to)
            messages.success(request, "Thank you. You can now sign your documents here.")
            return redirect("portal:intake:paperwork")
        messages.success(request, "Thank you. You can now sign your documents here.")
        return redirect("portal:intake:document", uid=item.uid)
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "nav": "paperwork",
        "form": form,
        "consent": consent,
        "sections": texts.esign_disclosure(services.contact()),
        "following": following,
        "back_to": back_to,
    }
    return render(request, "intake/disclosure.html", context, status=status)


@_person_view
@require_http_methods(["GET", "HEAD", "POST"])
def document(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    person = _person(request)
    item = _item_for(person, uid)
    signature = item.signature_or_none()
    version = signature.version if signature else item.document.current_version()
    if version is None:
        raise Http404("This document has no text")
    consent = services.esign_consent_of(person)
    form = SignForm(request.POST if request.method == "POST" else None)
    problem = ""
    if request.method == "POST" and signature is None and consent is not None and form.is_valid():
        shown = request.POST.get("version", "")
        if shown != str(version.uid):
            problem = "This document has changed since you opened it. Please read it again."
        else:
            try:
                services.document_sign(
                    person=person,
                    version=version,
                    typed_name=form.cleaned_data["typed_name"],
                    intent=form.cleaned_data["intent"],
                    address=client_address(request) or None,
                )
            except services.SigningError as error:
                problem = " ".join(error.messages)
            else:
                messages.success(request, f"Signed: {version.title}. A copy is kept for you below.")
                return redirect("portal:intake:paperwork")
    _blocks, particulars, statements = services.shown_paper(item=item, version=version)
    status = 400 if request.method == "POST" and (problem or form.errors) else 200
    context = {
        "nav": "paperwork",
        "item": item,
        "version": version,
        "signature": signature,
        "particulars": particulars,
        "statements": statements,
        "consent": consent,
        "form": form,
        "problem": problem,
        "intent": services.INTENT,
    }
    return render(request, "intake/document.html", context, status=status)


@_person_view
@require_http_methods(["GET", "HEAD"])
def signed_pdf(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    person = _person(request)
    signature = get_object_or_404(
        Signature.objects.filter(person=person).select_related("version"), uid=uid
    )
    response = HttpResponse(signature.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{signature.filename()}"'
    response["Cache-Control"] = "no-store"
    return response


@_person_view
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    given = services.answers_of(person)
    initial: dict[str, Any] = {}
    for key, answer in given.items():
        initial[key] = answer.text
        initial[f"{key}_skip"] = answer.skipped
    form = QuestionnaireForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and "autosave" in request.POST:
        # A background save while the person types (static/confide/js/intake.js).
        if not form.is_valid():
            return JsonResponse(
                {"message": "Not saved: check the answer marked in red, then press Save."},
                status=400,
            )
        services.answers_save(person=person, data=form.cleaned_data)
        # Only whether to show the help-now panel: the screen's words never reach a browser.
        crisis = services.answers_need_attention(services.answers_of(person))
        return JsonResponse({"saved": True, "help": crisis})
    if request.method == "POST" and form.is_valid():
        services.answers_save(person=person, data=form.cleaned_data)
        messages.success(
            request, "Your answers are saved. You can come back and change them at any time."
        )
        if "done" in request.POST:
            return redirect("portal:intake:paperwork")
        return redirect("portal:intake:questionnaire")
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "nav": "paperwork",
        "crisis": services.answers_need_attention(given),
        "form": form,
        "rows": form.rows(),
        "skip_label": questions.SKIP_LABEL,
    }
    return render(request, "intake/questionnaire.html", context, status=status)
