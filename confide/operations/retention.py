"""Which backups to keep: the newest of each of the last N days and M weeks; no Django imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def backups_to_keep(stamps: Iterable[dt.datetime], *, daily: int, weekly: int) -> set[dt.datetime]:
    """Return the stamps to keep: the newest of each of the ``daily`` most recent days with a
    backup, and the newest of each of the ``weekly`` most recent ISO weeks with one.

    Days and weeks are UTC (the stamps are UTC), so a daylight-saving change never makes a day
    hold two or no backups. The newest backup is always kept, even with both counts at zero, so
    retention can never leave nothing to restore.
    """
    ordered = sorted(set(stamps), reverse=True)
    if not ordered:
        return set()
    keep = {ordered[0]}
    days: dict[dt.date, dt.datetime] = {}
    weeks: dict[tuple[int, int], dt.datetime] = {}
    for stamp in ordered:
        day = stamp.astimezone(dt.UTC).date()
        days.setdefault(day, stamp)
        iso = day.isocalendar()
        weeks.setdefault((iso.year, iso.week), stamp)
    keep.update(list(days.values())[:daily])
    keep.update(list(weeks.values())[:weekly])
    return keep
