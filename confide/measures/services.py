"""Sending measures, saving and scoring answers, flags and their follow-ups, trends, sharing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from confide.audit.services import audit_record
from confide.clients.flags import flag_follow_up_record
from confide.clients.models import Client, Person
from confide.lib.crypto import DecryptionError
from confide.measures import chart
from confide.measures.instruments import INSTRUMENTS, Instrument, score
from confide.measures.models import (
    MeasureFlag,
    MeasureRequest,
    MeasureResponse,
    MeasureSchedule,
    TrendShare,
)
from confide.measures.schedules import schedule_due

Actor = AbstractBaseUser | AnonymousUser | None
LINK_DAYS = 14
# The chart shows the latest answers; the table beside it shows them all.
CHART_POINTS = 12


def comment_needs_attention(text: str) -> bool:
    """Return True when the crisis screen flags a comment a person wrote with their answers."""
    from confide.clients.screening import needs_attention

    return needs_attention(text)


def comment_flag_labels(text: str) -> list[str]:
    """Return the therapist's words for what the screen flags in a comment; [] when nothing."""
    from confide.clients.screening import flagged_categories, labels_of

    return labels_of(flagged_categories(text)) if text else []


def token_hash(token: str) -> str:
    # The token is 32 random bytes: a plain hash is enough to keep it out of the database.
    return hashlib.sha256(token.encode()).hexdigest()


def has_portal(person: Person) -> bool:
    account = getattr(person, "portal_account", None)
    return bool(account is not None and account.active)


def measure_send(
    *,
    client: Client,
    person: Person,
    code: str,
    actor: Actor,
    now: dt.datetime,
    request: HttpRequest | None,
    scheduled: bool = False,
) -> MeasureRequest:
    """Ask one person to fill in one measure; a request still waiting is returned, not repeated.

    A person with an open portal account finds it there; anyone else gets a one-time link.
    """
    if code not in INSTRUMENTS:
        raise ValidationError("Choose one of the measures.")
    if person.client_id != client.pk:
        raise ValidationError("That person is not part of this client.")
    if INSTRUMENTS[code].couples_only and client.kind != Client.Kind.COUPLE:
        raise ValidationError("The CSI-4 is for each partner of a couple.")
    with transaction.atomic():
        waiting = (
            MeasureRequest.objects.select_for_update()
            .filter(person=person, code=code, answered_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if waiting is not None:
            return waiting
        ask = MeasureRequest(
            client=client,
            person=person,
            code=code,
            sent_at=now,
            sent_by=actor if isinstance(actor, User) else None,
            scheduled=scheduled,
        )
        link_token = ""
        if not has_portal(person):
            link_token = secrets.token_urlsafe(32)
            ask.token_hash = token_hash(link_token)
            ask.expires_at = now + dt.timedelta(days=LINK_DAYS)
            ask.link = link_token
        ask.save()
        audit_record(
            request=request,
            actor=actor,
            action="create",
            target_type="measure_request",
            target_uid=ask.uid,
            client_uid=client.uid,
            summary="sent a measure" if not scheduled else "sent a scheduled measure",
        )
        if link_token:
            from confide.measures.tasks import send_measure_link

            ask_pk = ask.pk
            transaction.on_commit(lambda: send_measure_link.enqueue(ask_pk))
    return ask


def request_for_link(token: str, *, now: dt.datetime) -> MeasureRequest | None:
    """Return the waiting request of a one-time link, or None when unknown, used or expired."""
    if not token or len(token) > 100:
        return None
    ask = (
        MeasureRequest.objects.select_related("person__client")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if ask is None or ask.answered_at is not None:
        return None
    if ask.expires_at is None or ask.expires_at <= now:
        return None
    return ask


def anything_for(person: Person) -> bool:
    """Return True once the person has been sent a measure, or may see a trend of one."""
    return (
        MeasureRequest.objects.filter(person=person).exists()
        or TrendShare.objects.filter(client_id=person.client_id).exists()
    )


def open_requests(person: Person) -> QuerySet[MeasureRequest]:
    """Return what the person still has to fill in, oldest first (links' expiry ignored)."""
    return MeasureRequest.objects.filter(person=person, answered_at__isnull=True).order_by(
        "sent_at", "pk"
    )


def response_save(
    *,
    ask: MeasureRequest,
    answers: Mapping[str, int],
    comment: str,
    now: dt.datetime,
    request: HttpRequest | None,
) -> MeasureResponse:
    """Score and seal a person's answers, raise any flags, and close the request for good.

    Raises ValidationError when the request was answered already (a link works once).
    """
    measure = INSTRUMENTS[ask.code]
    result = score(measure, answers)
    with transaction.atomic():
        closed = MeasureRequest.objects.filter(pk=ask.pk, answered_at__isnull=True).update(
            answered_at=now, link_sealed=""
        )
        if not closed:
            raise ValidationError("These answers were already sent.")
        response = MeasureResponse(
            client=ask.client,
            person=ask.person,
            request=ask,
            code=ask.code,
            total=result.total,
            band=result.band,
            answered_at=now,
        )
        response.answers_json = json.dumps(dict(answers), sort_keys=True)
        response.comment = comment.strip()
        response.save()
        for number in result.flagged_items:
            MeasureFlag.objects.create(
                client=ask.client,
                response=response,
                reason=MeasureFlag.Reason.ITEM,
                item=number,
                raised_at=now,
            )
        if response.comment and comment_needs_attention(response.comment):
            MeasureFlag.objects.create(
                client=ask.client,
                response=response,
                reason=MeasureFlag.Reason.COMMENT,
                raised_at=now,
            )
        audit_record(
            request=request,
            actor=None,
            action="create",
            target_type="measure_response",
            target_uid=response.uid,
            client_uid=ask.client.uid,
            summary="answered a measure",
        )
    return response


def answers_of(response: MeasureResponse) -> dict[str, int]:
    data = json.loads(response.answers_json or "{}")
    return {str(k): int(v) for k, v in data.items()}


def flag_follow_up(
    *,
    flag: MeasureFlag,
    kind: str,
    note: str,
    actor: Actor,
    now: dt.datetime,
    request: HttpRequest | None,
) -> MeasureFlag:
    """Record what the therapist did about a flag; it leaves Today but stays on the record."""
    return flag_follow_up_record(
        flag=flag, kind=kind, note=note, actor=actor, now=now, request=request,
        target_type="measure_flag",
    )  # fmt: skip


def share_set(
    *, client: Client, code: str, shared: bool, actor: Actor, now: dt.datetime,
    request: HttpRequest | None,
) -> None:  # fmt: skip
    """Show (or stop showing) the client's people their own trend of one measure."""
    with transaction.atomic():
        if shared:
            TrendShare.objects.get_or_create(client=client, code=code, defaults={"shared_at": now})
        else:
            TrendShare.objects.filter(client=client, code=code).delete()
        audit_record(
            request=request,
            actor=actor,
            action="change",
            target_type="client",
            target_uid=client.uid,
            client_uid=client.uid,
            summary=f"{'shared' if shared else 'stopped sharing'} a measure's trend",
        )


def is_shared(client: Client, code: str) -> bool:
    return TrendShare.objects.filter(client=client, code=code).exists()


@dataclass
class Trend:
    person: Person
    measure: Instrument
    rows: list[MeasureResponse]
    svg: str
    chart_id: str


def trend_of(person: Person, code: str, *, tz: dt.tzinfo, chart_id: str) -> Trend:
    """Return the person's answers to one measure, oldest first, and their drawing."""
    measure = INSTRUMENTS[code]
    rows = list(
        MeasureResponse.objects.filter(person=person, code=code).order_by("answered_at", "pk")
    )
    for row in rows:
        # The table beside the drawing shows the same day as the drawing, in the same zone.
        row.local_date = row.answered_at.astimezone(tz).date()  # type: ignore[attr-defined]
    points = [
        chart.Point(f"{r.local_date:%b} {r.local_date.day}", r.total)  # type: ignore[attr-defined]
        for r in rows[-CHART_POINTS:]
    ]
    return Trend(
        person, measure, rows, chart.trend_svg(measure, points, chart_id=chart_id), chart_id
    )


def open_flags(clients: QuerySet[Client]) -> QuerySet[MeasureFlag]:
    """Return the flags not yet followed up among these clients, the newest first."""
    return (
        MeasureFlag.objects.filter(client__in=clients, followed_up_at__isnull=True)
        .select_related("client", "response__person")
        .order_by("-raised_at", "-pk")
    )


def schedule_set(
    *,
    client: Client,
    code: str,
    every_sessions: int | None,
    every_weeks: int | None,
    actor: Actor,
    now: dt.datetime,
    request: HttpRequest | None,
) -> MeasureSchedule:
    """Send a measure to each person of the client now and then again on a rhythm.

    Replaces the measure's earlier schedule for this client; exactly one rhythm is needed.
    """
    if code not in INSTRUMENTS:
        raise ValidationError("Choose one of the measures.")
    if INSTRUMENTS[code].couples_only and client.kind != Client.Kind.COUPLE:
        raise ValidationError("The CSI-4 is for each partner of a couple.")
    if bool(every_sessions) == bool(every_weeks):
        raise ValidationError("Choose every so many sessions, or every so many weeks.")
    with transaction.atomic():
        schedule, _ = MeasureSchedule.objects.update_or_create(
            client=client,
            code=code,
            defaults={
                "every_sessions": every_sessions or None,
                "every_weeks": every_weeks or None,
                "created_at": now,
                "last_sent_at": None,
            },
        )
        audit_record(
            request=request,
            actor=actor,
            action="change",
            target_type="measure_schedule",
            target_uid=schedule.uid,
            client_uid=client.uid,
            summary=f"set a measure's schedule: {schedule.rhythm()}",
        )
        schedule_send_if_due(schedule=schedule, now=now)
    return schedule


def schedule_stop(*, schedule: MeasureSchedule, actor: Actor, request: HttpRequest | None) -> None:
    with transaction.atomic():
        audit_record(
            request=request,
            actor=actor,
            action="delete",
            target_type="measure_schedule",
            target_uid=schedule.uid,
            client_uid=schedule.client.uid,
            summary="stopped a measure's schedule",
        )
        schedule.delete()


def _sessions_since(schedule: MeasureSchedule) -> int:
    from confide.scheduling.models import Appointment

    since = schedule.last_sent_at or schedule.created_at
    return Appointment.objects.filter(
        client=schedule.client, status=Appointment.Status.COMPLETED, start__gt=since
    ).count()


@dataclass(frozen=True)
class DueNotice:
    """That a questionnaire waits or is due, with no measure named: what a practice manager sees."""

    person_name: str = ""
    sent_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    sessions_left: int | None = None


def due_notices(client: Client, *, now: dt.datetime) -> list[DueNotice]:
    """Return, per person, the oldest questionnaire still waiting, then each schedule's next round.

    Nothing names the measure, its answers or its score; a link that has expired is not waiting.
    """
    notices: list[DueNotice] = []
    waiting = (
        client.measure_requests.filter(answered_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("person")
        .order_by("sent_at", "pk")
    )
    seen: set[int] = set()
    for ask in waiting:
        if ask.person_id not in seen:
            seen.add(ask.person_id)
            notices.append(DueNotice(person_name=ask.person.name, sent_at=ask.sent_at))
    if client.anonymized_at or client.status == Client.Status.DISCHARGED:
        return notices
    rounds: set[tuple[dt.date | None, int | None]] = set()
    for schedule in client.measure_schedules.order_by("pk"):
        due_at = schedule.next_due_at()
        left = None
        if schedule.every_sessions:
            left = max(schedule.every_sessions - _sessions_since(schedule), 1)
        key = (due_at.date() if due_at else None, left)
        if key not in rounds:
            rounds.add(key)
            notices.append(DueNotice(due_at=due_at, sessions_left=left))
    return notices


def schedule_send_if_due(*, schedule: MeasureSchedule, now: dt.datetime) -> bool:
    """Send the schedule's measure to each of the client's people when it is due again."""
    due = schedule_due(
        every_sessions=schedule.every_sessions,
        every_weeks=schedule.every_weeks,
        last_sent_at=schedule.last_sent_at,
        sessions_since=_sessions_since(schedule) if schedule.every_sessions else 0,
        now=now,
    )
    client = schedule.client
    if not due or client.anonymized_at or client.status == Client.Status.DISCHARGED:
        return False
    with transaction.atomic():
        # Claimed by moving last_sent_at, so two workers never send the same round twice.
        claimed = MeasureSchedule.objects.filter(
            pk=schedule.pk, last_sent_at=schedule.last_sent_at
        ).update(last_sent_at=now)
        if not claimed:
            return False
        for person in client.people.all():
            measure_send(
                client=client, person=person, code=schedule.code, actor=None, now=now,
                request=None, scheduled=True,
            )  # fmt: skip
    schedule.last_sent_at = now
    return True


def schedules_run(*, now: dt.datetime) -> int:
    """Send every scheduled measure that is due; return how many schedules sent."""
    sent = 0
    for schedule in MeasureSchedule.objects.select_related("client").order_by("pk"):
        if schedule_send_if_due(schedule=schedule, now=now):
            sent += 1
    return sent


def measures_export(people: list[Person]) -> list[dict[str, Any]]:
    """Return the people's own answered measures as plain data for a record export.

    Each answer is a person's own, so a partner's never comes with the other's; flags and the
    office's follow-up notes are the clinician's and stay out. Answers that do not open are
    listed all the same, with the score, so that nobody takes the export for the whole record.
    """
    responses = (
        MeasureResponse.objects.filter(person__in=people)
        .select_related("person")
        .order_by("answered_at", "pk")
    )
    exported = []
    for response in responses:
        measure = response.instrument
        entry: dict[str, Any] = {
            "id": str(response.uid),
            "person": response.person.name,
            "measure": measure.name,
            "answered": response.answered_at.isoformat(),
            "score": response.total,
            "band": response.band,
        }
        try:
            given = answers_of(response)
            entry["comment"] = response.comment
        except DecryptionError:
            entry["answers"] = None
            entry["error"] = "could not be opened"
        else:
            entry["answers"] = [
                {
                    "question": item.text,
                    "answer": next(
                        (o.label for o in item.options if o.value == given.get(item.key)), None
                    ),
                    "value": given.get(item.key),
                }
                for item in measure.items
            ]
        exported.append(entry)
    return exported
