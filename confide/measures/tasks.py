"""The job that sends a one-time link to answer a measure; the worker runs it.

It takes the row's id only. It claims the row for its own task id before sending and empties
the sealed token after, so a duplicate task sends nothing. Texts and emails wait for the
person's safe days and hours, and texts for the practice's quiet hours.
"""

from __future__ import annotations

import contextlib
import zoneinfo

from django.core.mail import mailers
from django.db import transaction
from django.tasks import TaskContext, task
from django.urls import reverse
from django.utils import timezone

from confide.emails import render_email, render_text, site_url
from confide.lib.reminder_times import QuietHours, next_allowed
from confide.measures.models import MeasureRequest
from confide.notifications.emails import message_id
from confide.notifications.outbox import OutboxBackend
from confide.notifications.texts import text_provider
from confide.practice.models import Practice

TEMPLATES = "measures/messages"


@task(takes_context=True)
def send_measure_link(context: TaskContext[[int], str], request_id: int) -> str:
    """Send one link to answer a measure; return what happened, in words that name no one."""
    task_id = str(context.task_result.id)
    ask = (
        MeasureRequest.objects.select_related("person__client__clinician")
        .filter(pk=request_id)
        .first()
    )
    if ask is None:
        return "request gone"
    if ask.answered_at is not None or not ask.link_sealed:
        return "already answered or sent"
    reach = ask.person.reach()
    channels = reach.channels()
    if not channels:
        return "no way to reach the person"
    channel = channels[0]
    now = timezone.now()
    zone = zoneinfo.ZoneInfo(ask.person.time_zone or ask.person.client.clinician.time_zone)
    practice = Practice.load()
    quiet = (
        QuietHours(practice.quiet_hours_start, practice.quiet_hours_end)
        if channel == "text"
        else None
    )
    allowed = next_allowed(now, quiet=quiet, safe=reach.safe_hours(), tz=zone)
    if allowed is None:
        return "no safe time within a week"
    if allowed > now:
        send_measure_link.using(run_after=allowed).enqueue(ask.pk)
        return "waiting for a safe time"
    claimed = MeasureRequest.objects.filter(
        pk=ask.pk, link_sent_at__isnull=True, claimed_by_task__in=["", task_id]
    ).update(claimed_by_task=task_id)
    if not claimed:
        return "already sent"
    link = site_url(reverse("measure_link", args=[ask.link]))
    words = {"link": link, "days": (ask.expires_at - now).days if ask.expires_at else 0}
    key = f"measure-link-{task_id}"

    def mark() -> None:
        MeasureRequest.objects.filter(pk=ask.pk).update(link_sent_at=timezone.now(), link_sealed="")

    if channel == "email":
        message = render_email(
            "link", words, to=reach.email, message_id=message_id(key), folder=f"{TEMPLATES}/email"
        )
        mailer = mailers.default
        with (
            transaction.atomic() if isinstance(mailer, OutboxBackend) else contextlib.nullcontext()
        ):
            mailer.send_messages([message])
            mark()
    else:
        body = " ".join(render_text(f"{TEMPLATES}/text/link.txt", words).split())
        provider = text_provider()
        with transaction.atomic() if provider.in_database else contextlib.nullcontext():
            provider.send(to=reach.phone, body=body, reference=key)
            mark()
    return "sent"
