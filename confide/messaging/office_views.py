"""Messages in the office, for the owner and clinicians only: never a practice manager.

Reading a thread and opening a file are audited; a flag's follow-up keeps who and when.
"""

from __future__ import annotations

import uuid

from django.contrib import messages as notices
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.access import CLINICAL_ROLES, office_view
from confide.measures.forms import FollowUpForm
from confide.messaging import services
from confide.messaging.forms import MessageForm
from confide.messaging.screening import with_flag_labels


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD"])
def message_list(request: HttpRequest) -> HttpResponse:
    threads = list(services.threads_for(request.user)[:200])
    return render(request, "messaging/office_list.html", {"nav": "messages", "threads": threads})


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def message_thread(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    person = services.person_for(request.user, uid)
    form = MessageForm(request.POST or None, request.FILES or None, label=f"Write to {person.name}")
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send_by_staff(
                person=person,
                user=_user(request),
                body=form.cleaned_data["body"],
                upload=form.upload(),
                request=request,
                now=timezone.now(),
            )
        except services.MessageError as error:
            form.add_error("file" if error.code == "file" else "body", error)
        else:
            notices.success(request, "Message sent.")
            return redirect("office:messages_thread", uid=person.uid)
    thread = services.thread_opened_by_office(
        person=person, user=request.user, request=request, now=timezone.now()
    )
    rows = list(thread.messages.prefetch_related("attachments")) if thread else []
    with_flag_labels(rows)
    for row in rows:
        if row.needs_follow_up():
            # Ids apart per message: a thread may hold several open flags.
            row.follow_up_form = FollowUpForm(auto_id=f"follow-{row.pk}-%s")  # type: ignore[attr-defined]
    context = {
        "nav": "messages",
        "person": person,
        "client": person.client,
        "rows": rows,
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "messaging/office_thread.html", context, status=status)


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD"])
def message_attachment(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    attachment = services.attachment_for(request.user, uid)
    data = services.attachment_opened(attachment=attachment, user=request.user, request=request)
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename()}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@office_view(roles=CLINICAL_ROLES)
@require_POST
def message_follow_up(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    message = services.message_for(request.user, uid)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                notices.error(request, str(problem))
    elif services.flag_follow_up(
        message=message,
        user=_user(request),
        kind=form.cleaned_data["kind"],
        note=form.cleaned_data["note"],
        request=request,
        now=timezone.now(),
    ):
        notices.success(request, "Follow-up recorded. The flag stays on the record.")
    person = message.thread.person
    return redirect("office:messages_thread", uid=person.uid)
