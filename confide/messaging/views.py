"""A person's secure messages in the portal: their own thread only, and their own files.

Every view takes the signed-in person from ``request.portal_person`` (``portal_view``) and
reaches messages only through them: another person's thread or file is "not found", a
partner's too.
"""

from __future__ import annotations

import uuid

from django.contrib import messages as notices
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from confide.clients.models import Person
from confide.messaging import services
from confide.messaging.forms import MessageForm
from confide.messaging.models import Attachment, Message, Thread
from confide.messaging.notices import person_zone
from confide.portal.access import portal_view


def _person(request: HttpRequest) -> Person:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    return person


def crisis_panel_shown(thread: Thread | None) -> bool:
    """Return True while the person's latest word was flagged and nobody has answered yet."""
    if thread is None:
        return False
    last = thread.messages.order_by("-sent_at", "-pk").first()
    return last is not None and last.sender == Message.Sender.PERSON and last.flagged_at is not None


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send_by_person(
                person=person,
                body=form.cleaned_data["body"],
                upload=form.upload(),
                now=timezone.now(),
            )
        except services.MessageError as error:
            form.add_error("file" if error.code == "file" else "body", error)
        else:
            notices.success(request, "Your message was sent.")
            return redirect("portal:messages:thread")
    current = Thread.objects.filter(person=person).first()
    rows = []
    if current is not None:
        rows = list(current.messages.prefetch_related("attachments"))
        if request.method != "POST":
            services.thread_read_by_person(thread=current, now=timezone.now())
    status = 400 if request.method == "POST" else 200
    context = {
        "nav": "messages",
        "form": form,
        "rows": rows,
        "crisis": crisis_panel_shown(current),
        "clinician": person.client.clinician,
        "zone": person_zone(person),
    }
    return render(request, "messaging/portal_thread.html", context, status=status)


@portal_view
@require_http_methods(["GET", "HEAD"])
def attachment(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    person = _person(request)
    found = get_object_or_404(
        Attachment.objects.filter(message__thread__person=person).select_related("message"),
        uid=uid,
    )
    response = HttpResponse(found.data, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename()}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
