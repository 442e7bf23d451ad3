"""Check the audit log's hash chain: exit 0 intact, 1 broken, 2 unverifiable (a key is gone)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from confide.audit.models import AuditVerification
from confide.audit.services import audit_chain_verify

BROKEN = 1
UNVERIFIABLE = 2


def _events(count: int) -> str:
    return f"{count} event" if count == 1 else f"{count} events"


def _not_checked(result: AuditVerification) -> str:
    return (
        f"Not checked, hashed with a data key that is not configured: {result.unverifiable}. "
        "Configure the retired key again to check them (docs/production.md, the audit log's "
        "hash chain)."
    )


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain. Exits 0 when every event is intact; 1 naming the "
        "first event that was changed, removed or moved, or when the log ends before the last "
        "event an earlier run saw; 2 when every event is in place but some were hashed with a "
        "data key that is not configured, so their content could not be checked. Each run is "
        "recorded for the office."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify(now=timezone.now())
        lines: list[str] = []
        if result.outcome == "intact":
            self.stdout.write(f"Audit chain intact: {_events(result.count)} verified.")
            if result.warning:
                self.stderr.write(self.style.WARNING(f"Warning: {result.warning}"))
            return
        if result.outcome == "broken":
            where = f"event #{result.bad_sequence}"
            if result.bad_event_id is not None:
                where += f" (id {result.bad_event_id})"
            verb = "is" if result.last_sequence == 1 else "are"
            state = "in order" if result.unverifiable else "intact"
            lines.append(
                f"Audit chain broken at {where}: {result.get_problem_display().lower()} "
                f"({result.detail}). The {result.last_sequence} before it {verb} {state}."
            )
            returncode = BROKEN
        else:
            lines.append(
                f"Audit chain unverifiable: all {_events(result.last_sequence)} are in order and "
                f"linked, {result.count} of them verified."
            )
            returncode = UNVERIFIABLE
        if result.unverifiable:
            lines.append(_not_checked(result))
        if result.warning:
            lines.append(f"Warning: {result.warning}")
        raise CommandError("\n".join(lines), returncode=returncode)
