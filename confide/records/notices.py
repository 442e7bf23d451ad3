"""Neutral notices ("There is an update in your portal"), sent only by a channel the person
allowed, and never in the practice's quiet hours (texts) or outside the person's safe times."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from confide.clients.models import Person
from confide.lib.reminder_times import QuietHours, next_allowed
from confide.practice.models import Practice
from confide.records.models import PortalNotice


def notice_queue(*, person: Person, reason: str) -> PortalNotice | None:
    """Queue one notice to the person in the caller's transaction; None when none may go.

    Only a person with an open portal account gets one: the notice asks them to sign in. The
    channel is the portal invitation's (email, else a text where texts are allowed).
    """
    from confide.portal.models import PortalAccount
    from confide.portal.services import invitation_channel
    from confide.records.tasks import send_notice

    if not PortalAccount.objects.filter(person=person, active=True).exists():
        return None
    channel = invitation_channel(person)
    if channel is None:
        return None
    notice = PortalNotice.objects.create(person=person, reason=reason, channel=channel)
    send_notice.enqueue(notice.pk)
    return notice


def notice_send_at(notice: PortalNotice, *, now: dt.datetime) -> dt.datetime | None:
    """Return when the notice may go: ``now``, later, or None when no time in a week is safe."""
    practice = Practice.load()
    person = notice.person
    reach = person.reach(with_safe_times=False)
    zone = person.time_zone or person.client.clinician.time_zone or practice.time_zone
    quiet = (
        QuietHours(practice.quiet_hours_start, practice.quiet_hours_end)
        if notice.channel == "text"
        else None
    )
    return next_allowed(now, quiet=quiet, safe=reach.safe_hours(), tz=zoneinfo.ZoneInfo(zone))
