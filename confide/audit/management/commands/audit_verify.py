"""Check the audit log's hash chain: exit 0 when intact, 1 naming the first bad event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from confide.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain. Exits 0 when every event is intact, 1 naming the "
        "first event that was changed, removed or moved. Each run is recorded for the office."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify(now=timezone.now())
        if result.intact:
            events = "event" if result.count == 1 else "events"
            self.stdout.write(f"Audit chain intact: {result.count} {events} verified.")
            return
        where = f"event #{result.bad_sequence}"
        if result.bad_event_id is not None:
            where += f" (id {result.bad_event_id})"
        raise CommandError(
            f"Audit chain broken at {where}: {result.get_problem_display().lower()} "
            f"({result.detail}). The {result.count} before it are intact.",
            returncode=1,
        )
