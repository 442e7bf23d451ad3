"""A month's superbills for the whole practice: time, memory and queries of one call.

Run from the repository root:

    python bench/superbills.py [--clients 100] [--sessions 16] [--rounds 3] [--sql]
    DATABASE_URL=postgres://confide:confide@127.0.0.1:5432/confide python bench/superbills.py

Builds a throw-away database (var/bench-superbills-<pid>.sqlite3 on SQLite,
confide_bench_superbills on PostgreSQL, dropped at the end) with a practice of 5 clinicians
(NPI and tax ID set, billing on) and ``--clients`` clients spread evenly over them, each with
billing details, one to three diagnoses and one payment allocated by the ledger. Session
charges are inserted directly (coded 90834, modifier 95, place 10; every fourth client also has
one crisis session, 90839+90840) in three months: ``--sessions`` per client in the first, half
as many in the second, twice as many in the third.

Then it calls ``superbills_issue`` for all clients of each month, ``--rounds`` times (between
rounds the month's superbills are deleted and its charges unlocked, so each round issues the same
documents), after one untimed warm-up call. It reports the median wall time and CPU time (the
CPU time is steadier on a busy machine), the share spent in ``documents.render_bill`` (the PDFs)
and in the database driver's execute calls, the number of queries (CaptureQueriesContext), the
superbills made, the peak RSS during the call (the high-water mark is reset before it through
/proc/self/clear_refs) and, from one more call under tracemalloc (slower, so not timed), the
peak of Python's allocations.

The query count must be the same in all three months: it may grow with the number of clients
(each superbill is one audit event) but not with the number of sessions. When it differs, the
queries whose count differs are listed; ``--sql`` lists the grouped queries of the first month
in any case.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import os
import re
import resource
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext, override_settings
from reminders_common import ROOT, machine  # sets Django up

from confide.billing import documents, icd10, ledger
from confide.billing.models import (
    BillingDetails,
    BillingSettings,
    Charge,
    ClinicianBilling,
    Diagnosis,
    Payment,
    Service,
    Statement,
)
from confide.billing.statements import superbills_issue
from confide.clients.models import Client, Person
from confide.practice.models import Clinician, Practice

CLINICIANS = 5
NPI = "1234567893"
TAX_ID = "12-3456789"
CODES = ("F43.10", "F41.1", "Z62.810", "F33.1", "F43.23")
SESSION_CENTS = 18000
CRISIS_CENTS = 25000
# Three months after one another, so the ledger pays the first month's sessions first.
YEAR = 2030
MONTHS = (3, 4, 5)
NOW = dt.datetime(YEAR, 6, 2, 15, 0, tzinfo=dt.UTC)
ISSUED_ON = dt.date(YEAR, 6, 2)


# -- The practice ------------------------------------------------------------------------------


@contextmanager
def bench_database() -> Iterator[str]:
    """Create an empty database of this benchmark's own; yield its vendor; drop it afterwards."""
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        name = str(ROOT / "var" / f"bench-superbills-{os.getpid()}.sqlite3")
    else:
        name = "confide_bench_superbills"
    # A name of its own, so the test databases of suites running beside it are left alone.
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": name}
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def practice_make(clients: int) -> list[Client]:
    """Make the practice, its clinicians and clients with details, diagnoses and a payment."""
    Practice(
        name="Riverside Counseling",
        phone="(212) 555-0100",
        email="office@example.org",
        address="100 Example Street, Suite 4\nNew York, NY 10001",
    ).save()
    BillingSettings(
        enabled=True,
        tax_id=TAX_ID,
        statement_note="Payment by check, bank transfer or a card taken by phone.",
    ).save()
    clinicians = []
    for i in range(CLINICIANS):
        clinician = Clinician.objects.create(
            name=f"Bench Clinician {i + 1}",
            slug=f"bench-clinician-{i + 1}",
            credentials="LCSW",
            license_number=f"LCSW-555-01{i:02d}",
            bio="A fictional colleague.",
            order=i,
        )
        ClinicianBilling.objects.create(clinician=clinician, npi=NPI)
        clinicians.append(clinician)
    rows = Client.objects.bulk_create(
        Client(
            display_name=f"Client {i:03d}",
            clinician=clinicians[i % CLINICIANS],
            status=Client.Status.ACTIVE,
        )
        for i in range(clients)
    )
    people = Person.objects.bulk_create(
        Person(
            client=client,
            name=f"Client {i:03d}",
            email=f"client{i}@example.org",
            time_zone="America/New_York",
        )
        for i, client in enumerate(rows)
    )
    details = []
    for i, person in enumerate(people):
        row = BillingDetails(person=person)
        row.values_set(
            legal_name=f"Alex Example-{i:03d}",
            date_of_birth=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28).isoformat(),
            address=f"{10 + i} Sample Avenue\nBrooklyn, NY 11201",
            member_id=f"XJ{i:07d}" if i % 2 else "",
        )
        details.append(row)
    BillingDetails.objects.bulk_create(details)
    # Only billable codes, as diagnosis_add insists; this also loads the ICD-10 table once.
    assert all(icd10.describe(code) for code in CODES)
    diagnoses = []
    for i, client in enumerate(rows):
        for order in range(1 + i % 3):
            diagnosis = Diagnosis(client=client, order=order)
            diagnosis.code = CODES[(i + order) % len(CODES)]  # sealed with the row's uid
            diagnoses.append(diagnosis)
    Diagnosis.objects.bulk_create(diagnoses)
    return rows


def charges_make(clients: list[Client], *, month: int, per_client: int) -> int:
    """Insert ``per_client`` coded session charges for each client in the month; return them."""
    days = calendar.monthrange(YEAR, month)[1]
    rows = []
    for i, client in enumerate(clients):
        for j in range(per_client):
            crisis = i % 4 == 0 and j == per_client // 2
            rows.append(
                Charge(
                    client=client,
                    clinician_id=client.clinician_id,
                    kind=Charge.Kind.SESSION,
                    service=Service.CRISIS if crisis else Service.INDIVIDUAL,
                    service_date=dt.date(YEAR, month, 1 + j * days // per_client),
                    minutes=90 if crisis else 50,
                    format="video",
                    cpt="90839+90840" if crisis else "90834",
                    modifier="95",
                    place="10",
                    fee_cents=CRISIS_CENTS if crisis else SESSION_CENTS,
                )
            )
    Charge.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def payments_make(clients: list[Client], *, received_on: dt.date, sessions: int) -> None:
    """Record one payment per client and let the ledger allocate it to the oldest charges."""
    Payment.objects.bulk_create(
        Payment(
            client=client,
            received_on=received_on,
            amount_cents=sessions * SESSION_CENTS,
            method=Payment.Method.CARD,
        )
        for client in clients
    )
    for client in clients:
        ledger.rebuild(client_id=client.pk)


# -- Measuring ---------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    render_seconds: float
    sql_seconds: float
    queries: list[str]
    superbills: int
    pdf_bytes: int
    rss_before_kb: int
    peak_rss_kb: int | None


def _reset(month: int) -> None:
    """Take the month's superbills back, so that the next call issues the same ones again."""
    start = dt.date(YEAR, month, 1)
    Statement.objects.filter(kind=Statement.Kind.SUPERBILL, period_start=start).delete()
    Charge.objects.filter(service_date__year=YEAR, service_date__month=month).update(locked_at=None)


def _reset_peak_rss() -> bool:
    # Linux: writing 5 resets the process's RSS high-water mark, which getrusage reports.
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def rss_now_kb() -> int:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def issue(month: int) -> Run:
    """Issue the month's superbills once, timing the call and its parts."""
    _reset(month)
    render_seconds = 0.0
    sql_seconds = 0.0
    pdf_bytes = 0
    original_render = documents.render_bill

    def render(doc: documents.BillDocument) -> bytes:
        nonlocal render_seconds, pdf_bytes
        started = time.perf_counter()
        try:
            pdf = original_render(doc)
        finally:
            render_seconds += time.perf_counter() - started
        pdf_bytes += len(pdf)
        return pdf

    def execute(run: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal sql_seconds
        started = time.perf_counter()
        try:
            return run(sql, params, many, context)
        finally:
            sql_seconds += time.perf_counter() - started

    # The query log keeps 9,000 queries; start each capture with an empty one.
    reset_queries()
    rss_before = rss_now_kb()
    rss_reset = _reset_peak_rss()
    with (
        mock.patch.object(documents, "render_bill", render),
        CaptureQueriesContext(connection) as captured,
        connection.execute_wrapper(execute),
    ):
        started, cpu_started = time.perf_counter(), time.process_time()
        statements = superbills_issue(
            year=YEAR, month=month, actor=None, now=NOW, issued_on=ISSUED_ON
        )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if rss_reset else None
    return Run(
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        render_seconds=render_seconds,
        sql_seconds=sql_seconds,
        queries=[q["sql"] for q in captured.captured_queries],
        superbills=len(statements),
        pdf_bytes=pdf_bytes,
        rss_before_kb=rss_before,
        peak_rss_kb=peak,
    )


def python_peak_mb(month: int) -> float:
    """Return the peak of Python's allocations during one call, in MB (tracemalloc)."""
    _reset(month)
    tracemalloc.start()
    try:
        superbills_issue(year=YEAR, month=month, actor=None, now=NOW, issued_on=ISSUED_ON)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


_LITERALS = [
    (re.compile(r'"s\d+_x\d+"'), '"savepoint"'),
    (re.compile(r"'(?:[^']|'')*'"), "?"),
    (re.compile(r"%s|\b\d+(?:\.\d+)?\b"), "?"),
    (re.compile(r"\((?:\?, )+\?\)"), "(...)"),
    (re.compile(r"(?:\(\.\.\.\), )+\(\.\.\.\)"), "(...), ..."),
    (re.compile(r"\s+"), " "),
]


def query_shape(sql: str) -> str:
    """Return the query with its values and value lists replaced, to group like queries."""
    for pattern, replacement in _LITERALS:
        sql = pattern.sub(replacement, sql)
    return sql if len(sql) <= 150 else sql[:147] + "..."


def grouped(queries: list[str]) -> Counter[str]:
    return Counter(query_shape(sql) for sql in queries)


# -- Report ------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _median(runs: list[Run], value: Callable[[Run], float]) -> float:
    return statistics.median(value(run) for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--sessions", type=int, default=16, help="per client in the first month")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sql", action="store_true", help="list the first month's queries")
    args = parser.parse_args()
    plan = {
        MONTHS[0]: args.sessions,
        MONTHS[1]: max(args.sessions // 2, 1),
        MONTHS[2]: args.sessions * 2,
    }
    print(f"machine: {machine()}")
    # As in production: DEBUG logs every query of the build, and keeps them.
    with override_settings(DEBUG=False), bench_database() as vendor:
        started = time.perf_counter()
        clients = practice_make(args.clients)
        made = {m: charges_make(clients, month=m, per_client=n) for m, n in plan.items()}
        payments_make(
            clients, received_on=dt.date(YEAR, MONTHS[0], 1), sessions=args.sessions * 5 // 8
        )
        print(
            f"{vendor}: {CLINICIANS} clinicians, {len(clients)} clients, "
            f"{sum(made.values()):,} charges, built in {time.perf_counter() - started:.1f} s"
        )

        warm_up = issue(MONTHS[0])
        print(
            f"warm-up (first call in the process): {_ms(warm_up.seconds)}, "
            f"{len(warm_up.queries)} queries"
        )
        results: dict[int, list[Run]] = {}
        for month, per_client in plan.items():
            runs = [issue(month) for _ in range(args.rounds)]
            results[month] = runs
            first = runs[0]
            counts = sorted({len(run.queries) for run in runs})
            rest = _median(runs, lambda r: r.seconds - r.render_seconds)
            rss = "peak RSS not measured (no /proc/self/clear_refs)"
            if first.peak_rss_kb is not None:
                peak = max(run.peak_rss_kb or 0 for run in runs)
                before = max(run.rss_before_kb for run in runs)
                rss = (
                    f"peak RSS {peak / 1024:.1f} MB during the call ({before / 1024:.1f} MB before)"
                )
            print(
                f"\n{per_client} sessions per client ({made[month]:,} charges), "
                f"{YEAR}-{month:02d}: {first.superbills} superbills, "
                f"{first.pdf_bytes / first.superbills / 1024:.0f} KB of PDF each"
            )
            print(
                f"  wall {_ms(_median(runs, lambda r: r.seconds))} median of "
                f"{', '.join(_ms(r.seconds) for r in runs)}; "
                f"CPU {_ms(_median(runs, lambda r: r.cpu_seconds))} (this process)"
            )
            render = _median(runs, lambda r: r.render_seconds)
            print(
                f"  PDF rendering {_ms(render)} ({render / first.superbills * 1000:.1f} ms each), "
                f"the rest {_ms(rest)} "
                f"(of which database execute calls {_ms(_median(runs, lambda r: r.sql_seconds))})"
            )
            print(f"  queries {', '.join(str(c) for c in counts)} (every round)")
            print(f"  {rss}; peak Python allocations {python_peak_mb(month):.1f} MB (tracemalloc)")

        queries = {m: len(runs[0].queries) for m, runs in results.items()}
        print(
            "\nqueries by sessions per client: "
            + ", ".join(f"{plan[m]}: {c}" for m, c in queries.items())
        )
        if len(set(queries.values())) == 1:
            print("the same in every month: the queries do not grow with the sessions")
        else:
            print(
                "NOT the same; the queries whose count differs (sessions per client "
                + " / ".join(str(plan[m]) for m in MONTHS)
                + "):"
            )
            by_month = {m: grouped(runs[0].queries) for m, runs in results.items()}
            for shape in sorted(set().union(*by_month.values())):
                numbers = [by_month[m][shape] for m in MONTHS]
                if len(set(numbers)) > 1:
                    print(f"  {' / '.join(map(str, numbers)):>14}  {shape}")
        if args.sql:
            print(f"\nqueries of one call, {plan[MONTHS[0]]} sessions per client, grouped:")
            for shape, count in grouped(results[MONTHS[0]][0].queries).most_common():
                print(f"  {count:5d}  {shape}")


if __name__ == "__main__":
    main()
