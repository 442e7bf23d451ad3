"""The stamp of the open times: renewed whenever something that decides them changes.

The public slots page is kept rendered per process under this stamp and the content's (see
``confide.practice.page_cache``). Booking, cancelling, moving, recording what happened, and any
change of working hours, time off or appointment types save a row of these models, and each
save renews the stamp once its transaction has committed, so every server renders the page
again on its next request. The stamp is written after the commit, not inside the transaction:
a booking then holds no lock on the one shared row while it waits for the overlap guard. A page
kept under the old stamp in between shows a time that was just taken for a moment, which the
booking's own check refuses as it always has.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save

from confide.practice.page_cache import stamp_renew
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule

logger = logging.getLogger(__name__)

OPEN_TIMES_STAMP_KEY = "confide.scheduling:open-times-stamp"


def _renew() -> None:
    try:
        stamp_renew(OPEN_TIMES_STAMP_KEY)
    except (DatabaseError, RuntimeError):
        # The change itself is saved; kept slots pages expire on their own within minutes.
        logger.warning("The open times' stamp could not be renewed after a change.")


def open_times_changed(**kwargs: object) -> None:
    """Renew the stamp when the caller's transaction commits (at once outside one)."""
    transaction.on_commit(_renew)


def listen() -> None:
    for model in (Appointment, AppointmentType, AvailabilityRule):
        uid = f"confide.scheduling.open_times.{model.__name__}"
        post_save.connect(open_times_changed, sender=model, dispatch_uid=uid + ".saved")
        post_delete.connect(open_times_changed, sender=model, dispatch_uid=uid + ".deleted")
