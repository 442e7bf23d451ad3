"""The office's intake paperwork: the documents' wording, sending a packet, signed PDFs, answers.

The wording is the owner's. On a client, the owner and the client's clinician see everything;
a practice manager sees who signed what and what is missing, never the answers or the PDFs.
Writes are services (confide/intake/services.py).
"""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.access import CLINICAL_ROLES, OWNER_ONLY, office_view
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.access import client_for
from confide.clients.flags import follow_up_posted
from confide.intake import questions, services
from confide.intake.forms import FlagFollowUpForm, SendForm, VersionForm
from confide.intake.models import AnswerFlag, DocumentVersion, IntakeDocument, Signature


def _intake_url(client_uid: uuid.UUID) -> str:
    return reverse("office:client", args=[client_uid]) + "#intake"


# -- Settings: the documents' wording ----------------------------------------------------------


@office_view(roles=OWNER_ONLY)
@require_http_methods(["GET", "HEAD"])
def intake_settings(request: HttpRequest) -> HttpResponse:
    documents = {d.kind: d for d in IntakeDocument.objects.prefetch_related("versions")}
    rows = []
    for kind, label in IntakeDocument.Kind.choices:
        document = documents.get(kind)
        rows.append(
            {
                "kind": kind,
                "label": label,
                "document": document,
                "current": document.current_version() if document else None,
            }
        )
    return render(request, "office/settings/intake.html", {"rows": rows, "nav": "settings"})


@office_view(roles=OWNER_ONLY)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def intake_document(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IntakeDocument.Kind.values:
        raise Http404("No such document")
    document = services.document_for_kind(kind)
    current = document.current_version()
    initial = {
        "title": current.title if current else document.get_kind_display(),
        "body": current.body if current else "",
        "in_default_packet": document.in_default_packet,
    }
    form = VersionForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = DocumentVersion(title=data["title"], body=data["body"])
            preview.markdown_rendered("body")
        else:
            version = services.version_save(
                kind=kind, title=data["title"], body=data["body"], actor=request.user,
                request=request,
            )  # fmt: skip
            if not document.is_release and document.in_default_packet != data["in_default_packet"]:
                document.in_default_packet = data["in_default_packet"]
                document.save(update_fields=["in_default_packet"])
            if current is not None and version.pk == current.pk:
                messages.info(request, "Nothing changed in the text; no new version was made.")
            else:
                messages.success(
                    request,
                    f"Saved as version {version.number}. What was already signed keeps the "
                    "words it was signed with.",
                )
            return redirect("office:settings_intake")
    status = 400 if form.is_bound and form.errors else 200
    versions = list(document.versions.all())
    signed_counts = {
        row["version"]: row["n"]
        for row in Signature.objects.filter(version__document=document)
        .values("version")
        .order_by()
        .annotate(n=Count("pk"))
    }
    for version in versions:
        version.signed_count = signed_counts.get(version.pk, 0)  # type: ignore[attr-defined]
    context = {
        "document": document,
        "form": form,
        "preview": preview,
        "versions": versions,
        "nav": "settings",
    }
    return render(request, "office/settings/intake_form.html", context, status=status)


@office_view(roles=OWNER_ONLY)
@require_http_methods(["GET", "HEAD"])
def intake_version(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document"), document__kind=kind, number=number
    )
    return render(
        request, "office/settings/intake_version.html", {"version": version, "nav": "settings"}
    )


# -- A client's paperwork ----------------------------------------------------------------------


@office_view(roles=CLINICAL_ROLES)
@require_POST
def intake_send(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    form = SendForm(request.POST, client=client)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_intake_url(client.uid))
    chosen = set(form.cleaned_data["people"])
    people = [person for person in client.people.all() if str(person.pk) in chosen]
    try:
        sent = services.packet_send(
            client=client,
            people=people,
            items=form.kinds(),
            release=form.release(),
            actor=request.user,
            now=timezone.now(),
            request=request,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if sent:
            messages.success(
                request,
                f"Sent {len(sent)} document{'s' if len(sent) != 1 else ''} to sign. They show "
                "in the client portal when the person signs in.",
            )
        else:
            messages.info(request, "Nothing new to send: those documents are already waiting.")
    return redirect(_intake_url(client.uid))


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD"])
def intake_signed_pdf(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    signatures = Signature.objects.select_related("person__client__clinician", "version")
    signature = get_object_or_404(signatures, uid=uid)
    # Through the client, so that another clinician's signature is "not found".
    client = client_for(request.user, signature.person.client.uid)
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        target_type="intake_signature",
        target_uid=signature.uid,
        client_uid=client.uid,
        summary="downloaded a signed intake document",
    )
    response = HttpResponse(signature.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{signature.filename()}"'
    response["Cache-Control"] = "no-store"
    return response


@office_view(roles=CLINICAL_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD"])
def intake_answers(request: HttpRequest, uid: uuid.UUID, person_id: int) -> HttpResponse:
    client = client_for(request.user, uid)
    person = get_object_or_404(client.people.all(), pk=person_id)
    given = services.answers_of(person)
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        target_type="intake_answers",
        target_uid=person.uid,
        client_uid=client.uid,
        summary="read intake answers",
    )
    rows = [
        {"question": question, "given": given.get(question.key)} for question in questions.QUESTIONS
    ]
    # Every flag stays here, followed up or not: a follow-up only takes it off Today.
    flags = list(person.intake_flags.select_related("followed_up_by").order_by("-raised_at"))
    for flag in flags:
        question = questions.BY_KEY.get(flag.question)
        flag.label = question.label if question else flag.question  # type: ignore[attr-defined]
        flag.form = FlagFollowUpForm(prefix=_flag_prefix(flag))  # type: ignore[attr-defined]
    context = {
        "client": client,
        "person": person,
        "rows": rows,
        "flags": flags,
        "flagged": {flag.question for flag in flags if flag.followed_up_at is None},
        "nav": "clients",
    }
    return render(request, "office/clients/intake_answers.html", context)


def _flag_prefix(flag: AnswerFlag) -> str:
    # One form per flag on the page, so each has its own field ids.
    return f"flag{flag.pk}"


@office_view(roles=CLINICAL_ROLES)
@require_POST
def intake_flag_follow_up(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    flag = get_object_or_404(AnswerFlag.objects.select_related("client", "person"), uid=uid)
    # Through the client, so that another clinician's flag is "not found".
    client_for(request.user, flag.client.uid)
    form = FlagFollowUpForm(request.POST, prefix=_flag_prefix(flag))
    follow_up_posted(request, form, functools.partial(services.answer_flag_follow_up, flag=flag))
    url = reverse("office:intake_answers", args=[flag.client.uid, flag.person.pk])
    return redirect(url + "#flags")
