"""What /metrics reports: values read from the shared database at each scrape, plus requests.

Several app servers and workers share one database, so most values are read from it when
Prometheus scrapes and are the same whichever server answers. Requests are counted by each
process (``REQUESTS``), labelled by the view's name and the status, never by the path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from django.db.models import Count, Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from confide.metrics.models import Tally
from confide.notifications.models import Reminder
from confide.operations.models import OperationRun

# No auto_describe: registering would otherwise query the database at import time.
REGISTRY = CollectorRegistry(auto_describe=False)

REQUESTS = Counter(
    "confide_requests",
    "Requests answered by this process, by view name and status.",
    ["view", "status"],
    registry=REGISTRY,
)


def _timestamp(moment: dt.datetime | None) -> float:
    # 0 means "never": an alert on its age then fires at once, as it should.
    return moment.timestamp() if moment else 0.0


class DatabaseCollector(Collector):
    """Read the shared counts at scrape time; ``clock`` is for tests."""

    def __init__(self, clock: Callable[[], dt.datetime] = timezone.now) -> None:
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        now = self.clock()
        waiting = DBTaskResult.objects.ready().aggregate(
            oldest=Min("enqueued_at"), count=Count("pk")
        )
        tallies = dict(Tally.objects.values_list("name", "value"))
        yield GaugeMetricFamily(
            "confide_tasks_waiting",
            "Background tasks ready to run, not yet taken.",
            value=waiting["count"],
        )
        oldest = waiting["oldest"]
        yield GaugeMetricFamily(
            "confide_tasks_oldest_waiting_seconds",
            "How long the oldest waiting task has been queued; 0 when none waits.",
            value=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        )
        yield CounterMetricFamily(
            "confide_booking_conflicts",
            "Bookings and moves refused because the time overlaps another appointment.",
            value=tallies.get(Tally.Name.BOOKING_CONFLICTS, 0),
        )
        yield CounterMetricFamily(
            "confide_leases_reclaimed",
            "Workers taken for dead whose lapsed lease was swept and whose work was handed on.",
            value=tallies.get(Tally.Name.LEASES_RECLAIMED, 0),
        )
        yield GaugeMetricFamily(
            "confide_messages_failed",
            "Reminders and agendas that could not be delivered (the office's failed messages).",
            value=Reminder.objects.filter(status=Reminder.Status.FAILED).count(),
        )
        last_runs = dict(
            OperationRun.objects.filter(ok=True)
            .values("kind")
            .annotate(at=Max("at"))
            .values_list("kind", "at")
        )
        for kind, name in (
            (OperationRun.Kind.BACKUP, "confide_last_backup_timestamp_seconds"),
            (OperationRun.Kind.DRILL, "confide_last_drill_timestamp_seconds"),
        ):
            last = last_runs.get(kind)
            yield GaugeMetricFamily(
                name,
                f"When the last successful {kind.label.lower()} finished (Unix time); 0 if never.",
                value=_timestamp(last),
            )


REGISTRY.register(DatabaseCollector())
