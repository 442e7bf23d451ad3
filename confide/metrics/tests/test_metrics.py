"""/metrics: who may read it, what it counts, and that it names no one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client.parser import text_string_to_metric_families
from pytest_django.fixtures import Settings

from confide.metrics.collector import REGISTRY
from confide.metrics.counters import tally_add, tally_value
from confide.metrics.models import Tally
from confide.notifications.leases import leases_sweep, worker_lease_take
from confide.notifications.models import Reminder
from confide.operations.models import OperationRun
from confide.practice.models import Clinician
from confide.scheduling.booking import appointment_book
from confide.scheduling.errors import SlotTaken
from confide.scheduling.models import AppointmentType
from confide.scheduling.requests import ContactDetails

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token"
NOW = dt.datetime(2027, 3, 8, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def token(settings: Settings) -> None:
    settings.METRICS_TOKEN = TOKEN


def scrape(client: Client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return response.content.decode()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Token {TOKEN}", TOKEN, "Bearer "])
def test_it_answers_404_without_the_right_token(client: Client, header: str | None) -> None:
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.get("/metrics", **extra)  # type: ignore[arg-type]
    assert response.status_code == 404
    assert b"confide_" not in response.content


def test_with_no_token_set_it_is_404_even_for_an_empty_bearer(
    client: Client, settings: Settings
) -> None:
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics").status_code == 404


def test_with_the_token_it_answers_prometheus_text_without_cookies(client: Client) -> None:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert "# TYPE confide_tasks_waiting gauge" in response.content.decode()


def test_an_empty_install_reports_zeros(client: Client) -> None:
    values = samples(scrape(client))
    for name in (
        "confide_tasks_waiting",
        "confide_tasks_oldest_waiting_seconds",
        "confide_booking_conflicts_total",
        "confide_leases_reclaimed_total",
        "confide_messages_failed",
        "confide_last_backup_timestamp_seconds",
        "confide_last_drill_timestamp_seconds",
    ):
        assert values[(name, ())] == 0, name


def _task(*, minutes_ago: float, **fields: object) -> None:
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="confide.notifications.tasks.send_appointment_message",
        backend_name="default",
        run_after=get_date_max(),
        **fields,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_it_counts_waiting_tasks_and_the_age_of_the_oldest(client: Client) -> None:
    _task(minutes_ago=10)
    _task(minutes_ago=2)
    _task(minutes_ago=60, status="SUCCESSFUL")
    values = samples(scrape(client))
    assert values[("confide_tasks_waiting", ())] == 2
    assert 600 <= values[("confide_tasks_oldest_waiting_seconds", ())] < 660


def test_it_reports_failed_messages_and_the_last_good_backup_and_drill(
    client: Client, demo: None
) -> None:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    statuses = (Reminder.Status.FAILED, Reminder.Status.FAILED, Reminder.Status.SENT)
    for days, status in enumerate(statuses):
        Reminder.objects.create(
            kind=Reminder.Kind.AGENDA,
            clinician=clinician,
            agenda_date=NOW.date() + dt.timedelta(days=days),
            recipient_key="clinician",
            due_at=NOW,
            send_at=NOW,
            status=status,
        )
    backup = NOW - dt.timedelta(hours=5)
    drill = NOW - dt.timedelta(days=1)
    OperationRun.objects.create(kind=OperationRun.Kind.BACKUP, at=backup, ok=True)
    OperationRun.objects.create(kind=OperationRun.Kind.BACKUP, at=NOW, ok=False)
    OperationRun.objects.create(kind=OperationRun.Kind.DRILL, at=drill, ok=True)
    values = samples(scrape(client))
    assert values[("confide_messages_failed", ())] == 2
    assert values[("confide_last_backup_timestamp_seconds", ())] == backup.timestamp()
    assert values[("confide_last_drill_timestamp_seconds", ())] == drill.timestamp()


def test_a_refused_overlapping_booking_is_counted(client: Client, demo: None) -> None:
    kind = AppointmentType.objects.get(clinician__slug="hannah-brenner", slug="consultation")
    contact = ContactDetails(name="Wren Ashdown", email="wren.ashdown@example.org", may_email=True)
    start = dt.datetime(2027, 3, 15, 14, 0, tzinfo=dt.UTC)
    booking = {"appointment_type": kind, "start": start, "contact": contact, "now": NOW}
    appointment_book(format="video", booking_key="a", **booking)  # type: ignore[arg-type]
    assert tally_value(Tally.Name.BOOKING_CONFLICTS) == 0
    with pytest.raises(SlotTaken):
        appointment_book(format="video", booking_key="b", **booking)  # type: ignore[arg-type]
    text = scrape(client)
    assert samples(text)[("confide_booking_conflicts_total", ())] == 1
    assert "Wren" not in text
    assert "ashdown" not in text.lower()


def test_a_swept_lease_is_counted() -> None:
    worker_lease_take(worker_id="w-dead", now=NOW - dt.timedelta(minutes=5), seconds=60)
    leases_sweep(now=NOW)
    assert tally_value(Tally.Name.LEASES_RECLAIMED) == 1
    leases_sweep(now=NOW)
    assert tally_value(Tally.Name.LEASES_RECLAIMED) == 1


def test_tallies_add_up_from_nothing() -> None:
    tally_add(name=Tally.Name.LEASES_RECLAIMED, amount=2)
    tally_add(name=Tally.Name.LEASES_RECLAIMED)
    tally_add(name=Tally.Name.LEASES_RECLAIMED, amount=0)
    assert tally_value(Tally.Name.LEASES_RECLAIMED) == 3


def test_requests_are_counted_by_view_name_and_status_never_by_path(client: Client) -> None:
    def count(view: str, status: str) -> float:
        value = REGISTRY.get_sample_value(
            "confide_requests_total", {"view": view, "status": status}
        )
        return value or 0.0

    before_ok, before_missing = count("healthz", "200"), count("scheduling:manage", "404")
    secret_path = "/appointment/tok-Zx81QqvLmN0pPzT/"
    client.get("/healthz")
    client.get(secret_path)
    assert count("healthz", "200") == before_ok + 1
    assert count("scheduling:manage", "404") == before_missing + 1
    text = scrape(client)
    assert 'confide_requests_total{status="200",view="healthz"}' in text
    assert "tok-Zx81QqvLmN0pPzT" not in text
    assert "/appointment/" not in text
