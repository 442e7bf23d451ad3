"""The office's daily pages with ten years of records, against the same pages with eight weeks.

Run from the repository root:

    python bench/ten_years.py [--repeat 40] [--reuse] [--keep] [--only ten-years|eight-weeks]
    DATABASE_URL=postgres://confide:confide@127.0.0.1:5432/confide python bench/ten_years.py

Builds both data sets (bench/ten_years_data.py says through which code), then requests each page
in-process through Django's test client, signed in as the practice's owner, who is also a
therapist with clients (second factor done, as after a real sign-in), and prints median, p95,
queries and bytes per page, a booking insert's time, and the query plans of the indexed queries.

The databases are throw-away: var/bench-<set>.sqlite3 on SQLite, confide_bench_<set> on
PostgreSQL. ``--keep`` leaves them in place after the run; ``--reuse`` uses a kept one (applying
any new migrations) instead of building it again, and keeps it. A reused set keeps the day it was
built on: its "today" and its coming sessions stay where they were, so reuse it the same day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.db import connection, reset_queries, transaction
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from reminders_common import ROOT, machine  # sets Django up

from confide.accounts.testing import sign_in
from confide.audit.models import AuditEvent
from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.practice.demo import DEMO_USERNAME
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.selectors import clinician_calendar
from confide.scheduling.slots import wall_to_utc

sys.path.insert(0, str(ROOT / "bench"))
import ten_years_data as data

SETS = {"eight-weeks": data.EIGHT_WEEKS, "ten-years": data.TEN_YEARS}


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _meta_path(label: str) -> Path:
    return ROOT / "var" / f"bench-{label}-{connection.vendor}.json"


def use_database(label: str, *, reuse: bool) -> bool:
    """Point the connection at this set's database, made fresh or reused; True when reused."""
    if connection.vendor == "sqlite":
        name = str(ROOT / "var" / f"bench-{label}.sqlite3")
    else:
        name = f"confide_bench_{label.replace('-', '_')}"
    connection.close()
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": name}
    kept = reuse and _meta_path(label).exists()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=kept)
    return kept and Appointment.objects.exists()


def drop_database(label: str) -> None:
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    _meta_path(label).unlink(missing_ok=True)


def build(label: str) -> dict[str, Any]:
    started = time.perf_counter()
    built = data.build(SETS[label], now=timezone.now(), progress=log)
    meta = {
        "built_at": timezone.now().isoformat(),
        "seconds": round(time.perf_counter() - started),
        **built.counts,
    }
    _meta_path(label).write_text(json.dumps(meta))
    return meta


def counts() -> dict[str, int]:
    return {
        "clients": Client.objects.count(),
        "couples": Client.objects.filter(kind=Client.Kind.COUPLE).count(),
        "requests": ConsultationRequest.objects.count(),
        "appointments": Appointment.objects.count(),
        "notes": ClinicalNote.objects.count(),
        "drafts": ClinicalNote.objects.filter(signed_at__isnull=True).count(),
        "audit events": AuditEvent.objects.count(),
    }


def pages() -> list[tuple[str, str, dict[str, str] | None]]:
    """Return (label, address, form data for a POST) for each page, picked from the data."""
    from django.contrib.auth.models import User

    owner = User.objects.get(username=DEMO_USERNAME)
    mine = owner.staff_profile.clinician
    assert mine is not None
    busy = _busiest(mine)
    past = (
        Appointment.objects.filter(client=busy, status=Appointment.Status.COMPLETED)
        .order_by("-start")
        .first()
    )
    note = (
        ClinicalNote.objects.filter(client=busy, kind=ClinicalNote.Kind.PROGRESS)
        .order_by("-created_at")
        .first()
    )
    request = ConsultationRequest.objects.filter(status="client", client__clinician=mine).last()
    assert past is not None
    assert note is not None
    assert request is not None
    today = timezone.now().astimezone(mine.tz()).date()
    return [
        ("Today", reverse("office:home"), None),
        ("Requests: open", reverse("office:requests"), None),
        ("Requests: became clients", reverse("office:requests") + "?show=client", None),
        ("Requests: closed", reverse("office:requests") + "?show=closed", None),
        ("Requests: all", reverse("office:requests") + "?show=all", None),
        ("A request", reverse("office:request", args=[request.uid]), None),
        ("Clients", reverse("office:clients"), None),
        ("Clients: active", reverse("office:clients") + "?status=active", None),
        ("A busy client", busy.get_absolute_url(), None),
        ("Calendar: week, all", reverse("office:calendar"), None),
        (
            "Calendar: week, own",
            reverse("office:calendar") + f"?clinician={mine.pk}&view=week&date={today}",
            None,
        ),
        (
            "Calendar: day, own",
            reverse("office:calendar") + f"?clinician={mine.pk}&view=day&date={today}",
            None,
        ),
        ("An appointment", reverse("office:appointment", args=[past.pk]), None),
        ("A progress note", reverse("office:note", args=[note.uid]), None),
        (
            "Export printout",
            reverse("office:client_export", args=[busy.uid]),
            {"format": "print"},
        ),
        ("Client's audit", reverse("office:client_audit", args=[busy.uid]), None),
        ("Audit log", reverse("office:audit"), None),
        ("Public slots", "/book/hannah-brenner/consultation/?format=video", None),
    ]


def _busiest(clinician: Any) -> Client:
    from django.db.models import Count

    client = (
        Client.objects.filter(clinician=clinician)
        .annotate(n=Count("appointments"))
        .order_by("-n")
        .first()
    )
    assert client is not None
    return client


def time_pages(repeat: int) -> list[dict[str, Any]]:
    from django.contrib.auth.models import User

    owner = User.objects.get(username=DEMO_USERNAME)
    rows = []
    for label, url, form in pages():
        browser = sign_in(TestClient(), owner, fresh_password=True)

        def get(browser: TestClient = browser, url: str = url, form: Any = form) -> Any:
            return browser.post(url, form) if form is not None else browser.get(url)

        first = get()
        assert first.status_code == 200, (label, first.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = get()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            get()
            times.append(time.perf_counter() - started)
        rows.append(
            {
                "page": label,
                "median": statistics.median(times) * 1000,
                "p95": statistics.quantiles(times, n=20)[-1] * 1000,
                "queries": len(queries),
                "bytes": len(response.content),
            }
        )
        log(f"{label}: {rows[-1]['median']:.1f} ms")
    return rows


def time_insert(repeat: int) -> dict[str, float]:
    """Time one booking's INSERT alone, active (the guard looks) and cancelled (it does not)."""
    kind = AppointmentType.objects.get(clinician__slug="hannah-brenner", slug="individual")
    tz = kind.clinician.tz()
    day = timezone.now().astimezone(tz).date() + dt.timedelta(weeks=3)
    day += dt.timedelta(days=4 - day.weekday())  # a Friday, noon: no lane there
    start = wall_to_utc(day, dt.time(12), tz)
    result: dict[str, float] = {}
    for status in (Appointment.Status.CONFIRMED, Appointment.Status.CANCELLED):
        appointment = Appointment(
            clinician=kind.clinician, appointment_type=kind, format="video",
            start=start, end=start + kind.duration, status=status,
        )  # fmt: skip
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                appointment.save()
            transaction.set_rollback(True)
        sql = next(q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT"))
        times = []
        with transaction.atomic(), connection.cursor() as cursor:
            for _ in range(repeat):
                point = transaction.savepoint()
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()  # the new id, as Django reads it back
                times.append(time.perf_counter() - started)
                transaction.savepoint_rollback(point)
        result[status] = statistics.median(times) * 1000
        result[f"{status} p95"] = statistics.quantiles(times, n=20)[-1] * 1000
    return result


def time_busy(repeat: int) -> float:
    """Time the public slots page's calendar read for its four weeks, alone."""
    kind = AppointmentType.objects.get(clinician__slug="hannah-brenner", slug="consultation")
    first = timezone.now().astimezone(kind.clinician.tz()).date()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        clinician_calendar(
            clinician=kind.clinician, first_day=first, last_day=first + dt.timedelta(days=28)
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def plans() -> list[tuple[str, str]]:
    """Return the plans of the queries that the indexes serve, as the database gives them."""
    from django.contrib.auth.models import User

    owner = User.objects.get(username=DEMO_USERNAME)
    mine = owner.staff_profile.clinician
    assert mine is not None
    now = timezone.now()
    options = ["ANALYZE"] if connection.vendor == "postgresql" else []

    def explain(queryset: Any) -> str:
        return str(queryset.explain(analyze=True) if options else queryset.explain())

    drafts = (
        ClinicalNote.objects.visible_to(owner)
        .filter(signed_at__isnull=True, author_id=owner.pk)
        .select_related("client")
        .order_by("created_at")
    )
    week = Appointment.objects.filter(
        clinician=mine,
        start__gte=now,
        start__lt=now + dt.timedelta(days=7),
        status__in=["requested", "confirmed", "completed", "no_show"],
    ).order_by("start")
    busy = Appointment.objects.active().filter(
        clinician=mine,
        busy_start__lt=now + dt.timedelta(days=29),
        busy_end__gt=now - dt.timedelta(days=1),
    )
    out = [
        ("Drafts on Today", explain(drafts)),
        ("A clinician's week", explain(week)),
        ("Busy times for the slots", explain(busy)),
    ]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = %s", ["appointment_no_overlap_insert"]
            )
            trigger = cursor.fetchone()[0]
            start = now + dt.timedelta(weeks=3)
            lookup = _trigger_lookup(trigger)
            cursor.execute(
                "EXPLAIN QUERY PLAN " + lookup,
                {"clinician": mine.pk, "start": _sqlite_time(start),
                 "end": _sqlite_time(start + dt.timedelta(hours=1))},
            )  # fmt: skip
            out.append(("The overlap trigger's lookup", "\n".join(str(row[-1]) for row in cursor)))
    return out


def _sqlite_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _trigger_lookup(trigger: str) -> str:
    """Return the trigger's EXISTS subquery with the new row's values as named parameters."""
    body = trigger[trigger.index("SELECT 1") : trigger.index("BEGIN")].rstrip().removesuffix(")")
    return (
        body.replace("NEW.clinician_id", ":clinician")
        .replace("NEW.id", "NULL")
        .replace("NEW.busy_start", ":start")
        .replace("NEW.busy_end", ":end")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="use kept databases; keep them")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--only", choices=list(SETS), help="one data set only")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"uptime: {os.popen('uptime').read().strip()}")  # noqa: S605
    # Each request would empty the query log the count is read from.
    request_started.disconnect(reset_queries)
    # Every sign-in of the benchmark would be logged at INFO.
    logging.disable(logging.INFO)
    results: dict[str, Any] = {}
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        for label in [args.only] if args.only else list(SETS):
            log(f"{label}: database")
            if use_database(label, reuse=args.reuse):
                log(f"{label}: reusing the kept database")
                meta = json.loads(_meta_path(label).read_text())
            else:
                meta = build(label)
                log(f"{label}: built in {meta['seconds']} s")
            settings.DEBUG = False
            results[label] = {
                "meta": meta,
                "counts": counts(),
                # Plans first: the timed inserts below leave rolled-back rows in PostgreSQL's
                # indexes until a vacuum, which an EXPLAIN ANALYZE would count.
                "plans": plans() if label == "ten-years" else [],
                "pages": time_pages(args.repeat),
                "insert": time_insert(max(args.repeat * 5, 200)),
                "busy read": time_busy(args.repeat),
            }
            if not (args.keep or args.reuse):
                drop_database(label)
    report(results)
    print(f"\nuptime at the end: {os.popen('uptime').read().strip()}")  # noqa: S605


def report(results: dict[str, Any]) -> None:
    vendor = connection.vendor
    print(f"\ndatabase: {vendor}")
    for label, result in results.items():
        print(f"{label}: {result['counts']} (built in {result['meta']['seconds']} s)")
    labels = list(results)
    print()
    header = "| page | " + " | ".join(f"{lab} median / p95 | queries | bytes" for lab in labels)
    print(header)
    print("| --- " + "| ---: | ---: | ---: " * len(labels) + "|")
    for i, row in enumerate(results[labels[0]]["pages"]):
        cells = []
        for label in labels:
            r = results[label]["pages"][i]
            cells.append(f"{r['median']:.1f} / {r['p95']:.1f} ms | {r['queries']} | {r['bytes']:,}")
        print(f"| {row['page']} | " + " | ".join(cells) + " |")
    for label in labels:
        ins = results[label]["insert"]
        print(
            f"\n{label}: booking INSERT (active) {ins['confirmed']:.3f} ms median, "
            f"{ins['confirmed p95']:.3f} ms p95; cancelled (no lookup) {ins['cancelled']:.3f} ms; "
            f"busy-time read for 4 weeks {results[label]['busy read']:.2f} ms"
        )
    for label in labels:
        for title, plan in results[label]["plans"]:
            print(f"\n{label} {vendor}: {title}\n{plan}")


if __name__ == "__main__":
    main()
