"""Public pages through Django's test client, in-process: median and p95 time, queries, size.

Run from the repository root: python bench/public_pages_quick.py [--repeat 200]
(DATABASE_URL=postgres://... for PostgreSQL). A quick look at what a page costs Django alone;
the burst benchmark with real connections against gunicorn is a separate measurement.
"""

from __future__ import annotations

import argparse
import statistics
import time

from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from reminders_common import bench_database, machine

PAGES = [
    "/",
    "/articles/what-shame-is/",
    "/approaches/clinical-hypnosis/",
    "/articles/",
    "/about/",
    "/faq/",
    "/book/hannah-brenner/consultation/?format=video",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    # Each request would empty the query log the count is read from.
    request_started.disconnect(reset_queries)
    with bench_database() as vendor, override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()
        print(
            f"database: {vendor}, {args.repeat} requests per page after one warm-up and one counted"
        )
        print("| page | median | p95 | queries | bytes |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for url in PAGES:
            assert client.get(url).status_code == 200, url
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
            p95 = statistics.quantiles(times, n=20)[-1]
            print(
                f"| `{url}` | {statistics.median(times) * 1000:.1f} ms | {p95 * 1000:.1f} ms "
                f"| {len(queries)} | {len(response.content):,} |"
            )


if __name__ == "__main__":
    main()
