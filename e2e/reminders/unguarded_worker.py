"""manage.py with the reminder claim's lock taken out: the worker race test's control case.

Test code only. Run as ``python -m e2e.reminders.unguarded_worker confide_worker ...``: each
worker then reads the due reminders, waits a moment (a slower worker), and marks them its own,
with nothing holding the read and the write together, so two workers claim the same reminders.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

# Long enough for the other worker to read the same rows before this one marks them, even when
# it is a moment late (a sweep, a slow round trip on a busy machine): its next read comes within
# a poll interval (0.05 s in the test) of finishing whatever held it.
DELAY = 1.0


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confide.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line
    from django.db.models import F

    from confide.notifications import reminders
    from confide.notifications.models import Reminder

    def claim_without_lock(*, worker_id: str, now: dt.datetime, limit: int) -> list[int]:
        ids = list(Reminder.objects.due(now).values_list("pk", flat=True)[:limit])
        time.sleep(DELAY)
        Reminder.objects.filter(pk__in=ids).update(
            status=Reminder.Status.SENDING,
            claimed_by=worker_id,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        return ids

    reminders.reminders_claim = claim_without_lock
    execute_from_command_line(["manage.py", *sys.argv[1:]])


if __name__ == "__main__":
    main()
