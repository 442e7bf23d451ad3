"""Asking for a portal sign-in code: the time for a known and for an unknown address.

Run from the repository root: python bench/portal_sign_in.py [--repeat 50]
(DATABASE_URL=postgres://... for PostgreSQL). Each request is a POST to /portal/sign-in/ through
Django's test client, in-process, known and unknown addresses taking turns (each first
half the time), each from its own
connection address and typed address so that no rate limit answers instead.
"""

from __future__ import annotations

import argparse
import statistics
import time

from django.test import Client
from django.test.utils import override_settings
from reminders_common import bench_database, machine


def accounts_make(count: int) -> list[str]:
    """Open ``count`` portal accounts, each at its own address; return the addresses."""
    from django.contrib.auth.models import AnonymousUser

    from confide.clients import services
    from confide.clients.models import Client as Record
    from confide.clients.services import PersonDetails
    from confide.portal.models import PortalAccount
    from confide.practice.models import Clinician

    clinician = Clinician.objects.get(slug="hannah-brenner")
    addresses = []
    for i in range(count):
        address = f"bench.known{i}@example.org"
        record = services.client_create(
            kind=Record.Kind.INDIVIDUAL,
            people=[PersonDetails(name=f"Bench Known {i}", email=address, may_email=True)],
            display_name=f"Bench Known {i}",
            clinician_id=clinician.pk,
            actor=AnonymousUser(),
            request=None,
            status=Record.Status.ACTIVE,
        )
        PortalAccount.objects.create(person=record.people.get())
        addresses.append(address)
    return addresses


def ask(browser: Client, address: str, connection: int) -> float:
    remote = f"127.0.{connection // 250}.{connection % 250 + 1}"
    started = time.perf_counter()
    response = browser.post("/portal/sign-in/", {"address": address}, REMOTE_ADDR=remote)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    from confide.portal.models import SignInCode

    print(f"machine: {machine()}")
    with bench_database() as vendor, override_settings(ALLOWED_HOSTS=["testserver"]):
        known = accounts_make(args.repeat + 1)
        browser = Client()
        # One warm-up of each path, not counted.
        ask(browser, known.pop(), 0)
        ask(browser, "bench.warm@example.org", 1)
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for i, address in enumerate(known):
            turn = [("known", address), ("unknown", f"bench.nobody{i}@example.org")]
            # Each goes first half of the time, so that neither gains from going second.
            for j, (name, typed) in enumerate(turn if i % 2 else turn[::-1]):
                times[name].append(ask(browser, typed, 2 * i + 2 + j))
        assert SignInCode.objects.count() == args.repeat + 1
        print(f"database: {vendor}, {args.repeat} requests each, taking turns, after one warm-up")
        print("| address | median | p95 |")
        print("| --- | ---: | ---: |")
        for name, measured in times.items():
            p95 = statistics.quantiles(measured, n=20)[-1]
            print(f"| {name} | {statistics.median(measured) * 1000:.2f} ms | {p95 * 1000:.2f} ms |")
        gap = statistics.median(times["known"]) - statistics.median(times["unknown"])
        print(f"median known minus unknown: {gap * 1000:+.2f} ms")


if __name__ == "__main__":
    main()
