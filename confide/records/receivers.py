"""What the records app listens to: paperwork sent, which earns the person a neutral notice."""

from __future__ import annotations

import datetime as dt

from confide.clients.models import Person
from confide.intake.events import paperwork_sent
from confide.records.models import PortalNotice
from confide.records.notices import notice_queue


def _paperwork_sent(
    sender: object, *, people: list[Person], now: dt.datetime, announce: bool = True, **kw: object
) -> None:
    if not announce:
        return
    for person in people:
        notice_queue(person=person, reason=PortalNotice.Reason.PAPERWORK)


def listen() -> None:
    paperwork_sent.connect(_paperwork_sent, dispatch_uid="confide.records.paperwork_sent")
