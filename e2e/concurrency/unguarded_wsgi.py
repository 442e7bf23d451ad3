"""Confide's WSGI application with booking's overlap guard taken out: the race tests' control case.

Test code only. gunicorn loads it in place of confide.wsgi (``run_gunicorn(app=...)``) for the
control case, which also drops the database's guard; together they show that the race the guard
closes is real. A booking then checks the time, waits a moment (a slower request), and writes,
with nothing holding the check and the write together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator

from confide.wsgi import application

__all__ = ["application"]

# Django is set up by now, so the scheduling modules and their models can be imported.
from confide.scheduling import guard, selectors
from confide.scheduling.models import AppointmentType

# Long enough for every other request to check the time before the first one writes.
DELAY = 0.2
_check = selectors.slot_is_open


def _slow_check(*, appointment_type: AppointmentType, start: dt.datetime, now: dt.datetime) -> bool:
    is_open = _check(appointment_type=appointment_type, start=start, now=now)
    time.sleep(DELAY)
    return is_open


@contextlib.contextmanager
def _nothing_held() -> Iterator[None]:
    # No transaction: on SQLite each statement commits alone, so checks and writes interleave.
    yield


selectors.slot_is_open = _slow_check  # type: ignore[assignment]
guard.held_together = _nothing_held
