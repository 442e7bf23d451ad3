"""When a measure's schedule is due again; no Django imports."""

from __future__ import annotations

import datetime as dt


def schedule_due(
    *,
    every_sessions: int | None,
    every_weeks: int | None,
    last_sent_at: dt.datetime | None,
    sessions_since: int,
    now: dt.datetime,
) -> bool:
    """Return True when a schedule should send its measure again at ``now``.

    ``sessions_since`` counts the client's completed sessions since it was last sent. Weeks are
    counted as elapsed time in UTC, so a daylight-saving change neither hurries nor delays one.
    """
    if last_sent_at is None:
        return True
    if every_sessions:
        return sessions_since >= every_sessions
    if every_weeks:
        return now >= last_sent_at + dt.timedelta(weeks=every_weeks)
    return False
