"""Clients and couples, their notes, exports and audit trail, in the office."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.access import (
    ALL_ROLES,
    CLINICAL_ROLES,
    OWNER_ONLY,
    clinical_access,
    clinician_scope,
    office_view,
    reauthentication_required,
)
from confide.accounts.suspended import (
    is_background_save,
    keeps_text_across_sign_out,
    kept_post,
)
from confide.audit.models import AuditEvent, AuditVerification
from confide.billing import ledger
from confide.clients import services
from confide.clients.access import client_for, document_for, note_for
from confide.clients.models import Client, ClinicalNote, Document, Person
from confide.clients.screening import flagged_categories, labels_of
from confide.clients.services import ClientError
from confide.intake.services import signed_papers_export
from confide.lib.crypto import DecryptionError
from confide.measures.services import measures_export
from confide.messaging.services import messages_export
from confide.office.forms_clients import (
    AmendmentForm,
    AnonymizeForm,
    DocumentForm,
    ExportForm,
    NewClientForm,
    NoteForm,
    NoteStartForm,
    PersonForm,
    StatusForm,
)
from confide.office.note_details import note_form
from confide.office.paging import page_of
from confide.operations.status import backup_status
from confide.plans.services import plans_export
from confide.practice.models import Clinician, Practice
from confide.scheduling.access import appointment_for
from confide.scheduling.models import Appointment
from confide.scheduling.selectors import appointments_for_export, client_appointments


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def client_list(request: HttpRequest) -> HttpResponse:
    clients = Client.objects.visible_to(request.user).select_related("clinician")
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if query:
        clients = clients.filter(
            Q(display_name__icontains=query) | Q(people__name__icontains=query)
        ).distinct()
    if status == "waitlist":
        clients = clients.filter(waitlisted=True)
    elif status in Client.Status.values:
        clients = clients.filter(status=status)
    paged = page_of(request, clients)
    context = {
        "clients": paged.items,
        "paged": paged,
        "query": query,
        "status": status,
        "statuses": Client.Status.choices,
        "nav": "clients",
    }
    return render(request, "office/clients/list.html", context)


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def client_new(request: HttpRequest) -> HttpResponse:
    form = NewClientForm(request.POST or None)
    # A clinician's new client is theirs; an owner who is also a clinician takes them too.
    profile = getattr(request.user, "staff_profile", None)
    clinician = clinician_scope(request.user) or (profile.clinician if profile else None)
    clinician = clinician or Clinician.objects.order_by("order", "pk").first()
    if request.method == "POST" and clinician is None:
        form.add_error(None, "Add a clinician to the practice first (Settings and website).")
    if request.method == "POST" and form.is_valid() and clinician is not None:
        d = form.cleaned_data
        try:
            client = services.client_create(
                kind=d["kind"],
                people=form.people(),
                display_name=d["display_name"],
                clinician_id=clinician.pk,
                actor=request.user,
                request=request,
                status=Client.Status.ACTIVE,
            )
        except ClientError as error:
            form.add_error(None, error.message)
        else:
            return redirect(client.get_absolute_url())
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "office/clients/new.html", {"form": form, "nav": "clients"}, status=status
    )


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def client_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    clinical = clinical_access(request.user)
    now = timezone.now()
    appointments = client_appointments(client)
    # Years of weekly sessions and notes come a page at a time, the latest first; what is still
    # to come is a few weeks at most and shows whole.
    past = page_of(
        request,
        appointments.filter(end__lt=now).order_by("-start", "-pk"),
        parameter="past",
        fragment="past-appointments",
    )
    # Only what the user may read: a practice manager sees none of either, and psychotherapy
    # notes show to their author alone.
    notes = page_of(
        request,
        ClinicalNote.objects.visible_to(request.user).filter(client=client),
        parameter="notes",
        fragment="notes",
    )
    documents = list(Document.objects.visible_to(request.user).filter(client=client))
    services.client_record_viewed(client=client, actor=request.user, request=request)
    context = {
        **_origin_context(client, clinical=clinical),
        "client": client,
        "people": list(client.people.all()),
        "upcoming": list(appointments.filter(end__gte=now)),
        "past": past.items,
        "past_paged": past,
        "notes": notes.items,
        "notes_paged": notes,
        "documents": documents,
        "document_form": DocumentForm(),
        "clinical": clinical,
        "status_form": StatusForm(
            initial={"status": client.status, "waitlisted": client.waitlisted}
        ),
        "note_form": NoteStartForm(),
        "retention_ends": services.retention_ends(client, years=_retention_years()),
        "balance": ledger.balance_of(client_id=client.pk),
        "nav": "clients",
    }
    return render(request, "office/clients/detail.html", context)


def _origin_context(client: Client, *, clinical: bool) -> dict[str, Any]:
    """Return the request the client came from and, for clinical roles, the words they sent.

    ``origin_words`` is None when the words do not open. A practice manager gets the request and
    its flag's label, as the list of requests shows them, never the words.
    """
    origin = client.consultation
    words: str | None = ""
    if origin is not None and clinical:
        try:
            words = origin.note
        except DecryptionError:
            words = None
    # What the screen named, read again from the words (the categories are never stored).
    flagged: list[str] = []
    if origin is not None and origin.needs_attention and words:
        flagged = labels_of(flagged_categories(words))
    return {"origin": origin, "origin_words": words, "origin_flagged": flagged}


def _retention_years() -> int:
    return Practice.load().retention_years


@office_view(roles=ALL_ROLES)
@require_POST
def client_status(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status from the list.")
        return redirect(client.get_absolute_url())
    try:
        services.client_set_status(
            client=client,
            status=form.cleaned_data["status"],
            actor=request.user,
            request=request,
            now=timezone.now(),
            waitlisted=form.cleaned_data["waitlisted"],
        )
    except ClientError as error:
        messages.error(request, error.message)
        return redirect(client.get_absolute_url())
    messages.success(request, "Saved.")
    return redirect(client.get_absolute_url())


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: HttpRequest, uid: uuid.UUID, person_id: int) -> HttpResponse:
    client = client_for(request.user, uid)
    person = get_object_or_404(Person, client=client, pk=person_id)
    form = PersonForm(request.POST or None, person=person)
    if request.method != "POST":
        # The form shows the person's contact details and emergency contact.
        services.client_record_viewed(
            client=client,
            actor=request.user,
            request=request,
            what=f"contact details of person {person.pk}",
        )
    if request.method == "POST" and form.is_valid():
        services.person_update(
            person=person, details=form.person(), actor=request.user, request=request
        )
        messages.success(request, "Saved.")
        return redirect(client.get_absolute_url())
    status = 400 if form.is_bound and form.errors else 200
    context = {"client": client, "person": person, "form": form, "nav": "clients"}
    return render(request, "office/clients/person_form.html", context, status=status)


@office_view(roles=CLINICAL_ROLES)
@keeps_text_across_sign_out
@require_http_methods(["GET", "HEAD", "POST"])
def note_new(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    start = NoteStartForm(request.GET or None)
    if not start.is_valid():
        return render(
            request,
            "office/notes/start.html",
            {"client": client, "form": start},
            status=400 if request.GET else 200,
        )
    kind, template = start.cleaned_data["kind"], start.cleaned_data["template"]
    if kind == ClinicalNote.Kind.PSYCHOTHERAPY:
        return reauthentication_required(note_new_form)(request, client, kind, template)
    return note_new_form(request, client, kind, template)


def _session_asked(request: HttpRequest, client: Client) -> Appointment | None:
    """Return the session a new note was started from (?appointment=), if it is the client's."""
    asked = request.GET.get("appointment", "")
    if not asked.isdigit():
        return None
    appointment = appointment_for(request.user, int(asked))
    if appointment.client_id != client.pk and (
        appointment.consultation_id is None or appointment.consultation_id != client.consultation_id
    ):
        raise Http404
    return appointment


def note_new_form(request: HttpRequest, client: Client, kind: str, template: str) -> HttpResponse:
    # After a sign-out, what was sent comes back into the form, unsaved (kept_post).
    form = note_form(
        request.POST or kept_post(request), client=client, kind=kind, template=template,
        now=timezone.now(), appointment=_session_asked(request, client),
    )  # fmt: skip
    if is_background_save(request):
        return _autosave_new(request, form, client, kind, template)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_create(
                client=client,
                kind=kind,
                template=template,
                sections=form.sections(),
                author=request.user,
                request=request,
                details=form.details(client.clinician.tz()),
            )
        except ClientError as error:
            form.add_error(None, error.message)
        else:
            if "sign" in request.POST:
                return _sign(request, note)
            messages.success(request, "Draft saved.")
            return redirect("office:note", uid=note.uid)
    context = {
        "client": client,
        "form": form,
        "kind_label": ClinicalNote.Kind(kind).label,
        "template_label": ClinicalNote.Template(template).label,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "office/notes/form.html", context, status=status)


def _autosaved(note: ClinicalNote, *, status: int = 200) -> JsonResponse:
    # The time in the clinician's zone, as every time on the note's page is shown.
    local = note.updated_at.astimezone(note.client.clinician.tz())
    return JsonResponse(
        {
            "url": reverse("office:note", args=[note.uid]),
            "saved_at": note.updated_at.isoformat(),
            "saved_label": dateformat.time_format(local, "g:i A"),
        },
        status=status,
    )


def _autosave_refused(message: str, *, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _autosave_new(
    request: HttpRequest, form: NoteForm, client: Client, kind: str, template: str
) -> JsonResponse:
    """Start the draft the first time the page saves on its own; later saves go to its page."""
    if not form.is_valid():
        return _autosave_refused("Not saved: check the note's fields.", status=400)
    try:
        note = services.note_create(
            client=client,
            kind=kind,
            template=template,
            sections=form.sections(),
            author=request.user,
            request=request,
            details=form.details(client.clinician.tz()),
        )
    except ClientError as error:
        return _autosave_refused(error.message, status=400)
    return _autosaved(note, status=201)


def _autosave_draft(request: HttpRequest, form: NoteForm, note: ClinicalNote) -> JsonResponse:
    if note.is_signed:
        return _autosave_refused("This note is signed and locked.", status=409)
    if not form.is_valid():
        return _autosave_refused("Not saved: check the note's fields.", status=400)
    try:
        note = services.note_update(
            note=note, sections=form.sections(), actor=request.user, request=request,
            automatic=True, details=form.details(note.client.clinician.tz()),
        )  # fmt: skip
    except ClientError as error:
        return _autosave_refused(error.message, status=409)
    return _autosaved(note)


def _sign(request: HttpRequest, note: ClinicalNote) -> HttpResponse:
    try:
        services.note_sign(note=note, actor=request.user, request=request, now=timezone.now())
    except ClientError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Signed and locked.")
    return redirect("office:note", uid=note.uid)


@office_view(roles=CLINICAL_ROLES)
@keeps_text_across_sign_out
@require_http_methods(["GET", "HEAD", "POST"])
def note_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    note = note_for(request.user, uid)
    if note.kind == ClinicalNote.Kind.PSYCHOTHERAPY:
        return reauthentication_required(_note_page)(request, note)
    return _note_page(request, note)


def _note_page(request: HttpRequest, note: ClinicalNote) -> HttpResponse:
    sent = request.POST or kept_post(request)
    form = note_form(
        sent, client=note.client, kind=note.kind, template=note.template, now=timezone.now(),
        note=note,
    )  # fmt: skip
    amend = AmendmentForm(sent) if note.is_signed else None
    if is_background_save(request):
        return _autosave_draft(request, form, note)
    if request.method == "POST":
        if note.is_signed and amend is not None:
            if amend.is_valid():
                try:
                    services.note_amend(
                        note=note,
                        text=amend.cleaned_data["text"],
                        actor=request.user,
                        request=request,
                    )
                except ClientError as error:
                    amend.add_error(None, error.message)
                else:
                    messages.success(request, "Amendment added.")
                    return redirect("office:note", uid=note.uid)
        elif form.is_valid():
            try:
                services.note_update(
                    note=note, sections=form.sections(), actor=request.user, request=request,
                    details=form.details(note.client.clinician.tz()),
                )  # fmt: skip
            except ClientError as error:
                form.add_error(None, error.message)
            else:
                if "sign" in request.POST:
                    return _sign(request, note)
                messages.success(request, "Draft saved.")
                return redirect("office:note", uid=note.uid)
    else:
        services.client_record_viewed(
            client=note.client,
            actor=request.user,
            request=request,
            what=note.get_kind_display().lower(),
            target=note,
        )
    context = {
        "note": note,
        "client": note.client,
        "form": form,
        "amend_form": amend,
        "amendments": list(note.amendments.select_related("author")) if note.is_signed else [],
        "nav": "clients",
    }
    bad = request.method == "POST"
    return render(request, "office/notes/detail.html", context, status=400 if bad else 200)


# How a printout names each kind of file it lists.
DOCUMENT_KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "text/plain": "text",
}


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required
def client_export(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        appointments = list(client_appointments(client))
        as_json = form.cleaned_data["format"] == "json"
        now = timezone.now()
        data = services.client_export(
            client=client,
            appointments=appointments_for_export(client, appointments),
            include_psychotherapy_notes=form.cleaned_data["include_psychotherapy_notes"],
            actor=request.user,
            request=request,
            now=now,
            with_document_data=as_json,
            signed_papers=signed_papers_export(list(client.people.all()), with_data=as_json),
            messages=messages_export(list(client.people.all()), with_data=as_json),
            measures=measures_export(list(client.people.all())),
            plans=plans_export(client, list(client.people.all())),
        )
        if as_json:
            response = HttpResponse(
                json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
            )
            response["Content-Disposition"] = f'attachment; filename="record-{client.uid}.json"'
            return response
        # The printout shows dates on the clinician's clock (one {% timezone %} block converts
        # them); the data holds them as text in UTC.
        for note in data["notes"]:
            note["written_at"] = dt.datetime.fromisoformat(note["written"])
            note["signed_at"] = (
                dt.datetime.fromisoformat(note["signed"]) if note["signed"] else None
            )
            for amendment in note["amendments"]:
                amendment["written_at"] = dt.datetime.fromisoformat(amendment["written"])
        for document in data["documents"]:
            document["uploaded_at"] = dt.datetime.fromisoformat(document["uploaded"])
            document["kind"] = DOCUMENT_KINDS.get(document["content_type"], "file")
        if data["request"]:
            data["request"]["sent_at"] = dt.datetime.fromisoformat(data["request"]["sent"])
        for message in data["messages"]:
            message["sent_at"] = dt.datetime.fromisoformat(message["sent"])
        for measure in data["measures"]:
            measure["answered_at"] = dt.datetime.fromisoformat(measure["answered"])
        for plan in data["treatment_plans"]:
            plan["signed_at"] = dt.datetime.fromisoformat(plan["signed"])
            plan["review_by_date"] = dt.date.fromisoformat(plan["review_by"])
            for signature in plan["client_signatures"]:
                signature["signed_at"] = dt.datetime.fromisoformat(signature["signed"])
        context = {
            "client": client,
            "data": data,
            "appointments": appointments,
            "printed_at": now,
        }
        return render(request, "office/clients/printout.html", context)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "office/clients/export.html", {"client": client, "form": form}, status=status
    )


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required
def client_anonymize(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    form = AnonymizeForm(request.POST or None, expected=client.display_name)
    ends = services.retention_ends(client, years=_retention_years())
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.client_anonymize(
                client=client,
                actor=request.user,
                request=request,
                now=timezone.now(),
                retention_years=_retention_years(),
            )
        except ClientError as problem:
            error = problem.message
        else:
            messages.success(request, "The record is anonymized.")
            return redirect(client.get_absolute_url())
    context = {"client": client, "form": form, "retention_ends": ends, "error": error}
    status = 400 if form.is_bound and (form.errors or error) else 200
    return render(request, "office/clients/anonymize.html", context, status=status)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def document_upload(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > Document.MAX_BYTES:
            form.add_error("file", "The file is larger than 10 MB.")
        else:
            try:
                services.document_add(
                    client=client,
                    title=form.cleaned_data["title"],
                    content_type=upload.content_type or "",
                    data=upload.read(),
                    actor=request.user,
                    request=request,
                )
            except ClientError as error:
                form.add_error("file", error.message)
            else:
                messages.success(request, "Document added.")
                return redirect(client.get_absolute_url() + "#documents")
    context = {"client": client, "form": form, "nav": "clients"}
    return render(request, "office/clients/document_form.html", context, status=400)


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD"])
def document_download(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    document = document_for(request.user, uid)
    data = services.document_opened(document=document, actor=request.user, request=request)
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename()}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD"])
def client_audit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    paged = page_of(request, AuditEvent.objects.filter(client_uid=client.uid), per_page=100)
    context = {"client": client, "events": paged.items, "paged": paged, "nav": "clients"}
    return render(request, "office/clients/audit.html", context)


@office_view(roles=OWNER_ONLY)
@require_http_methods(["GET", "HEAD"])
def practice_audit(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.all()
    actor = request.GET.get("actor", "").strip()[:150]
    if actor:
        events = events.filter(actor_name=actor)
    verification = AuditVerification.objects.order_by("-at", "-pk").first()
    # Every event of the practice's years: not counted on each visit.
    paged = page_of(request, events, per_page=100, counted=False)
    context = {
        "events": paged.items,
        "paged": paged,
        "actor": actor,
        "nav": "audit",
        "verification": verification,
        "backups": backup_status(now=timezone.now()),
    }
    return render(request, "office/clients/audit.html", context)
