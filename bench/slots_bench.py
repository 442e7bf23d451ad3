"""Time the slot engine in-process: working hours plus free slots, with the spec already parsed.

Run from the repository root: python bench/slots_bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Let the script run as "python bench/slots_bench.py" without installing the package.
sys.path.insert(0, str(ROOT))

from confide.scheduling.slots import Interval  # noqa: E402
from confide.scheduling.slots_spec import SlotSpec, read_spec  # noqa: E402

DATA = ROOT / "bench" / "data"
STEP = timedelta(minutes=15)


def compute(spec: SlotSpec, now: datetime) -> list[datetime]:
    """Run exactly the work that is timed: working intervals, then free slots."""
    return spec.free_slots(step=STEP, now=now)


def year_spec(base: SlotSpec, weeks: int = 52) -> SlotSpec:
    """Return the 8-week spec stretched to ``weeks``, its first week's appointments every week."""
    first_week_end = base.first_day + timedelta(days=7)
    pattern = [
        (iv.start.astimezone(base.tz), iv.end.astimezone(base.tz))
        for iv in base.busy
        if iv.start.astimezone(base.tz).date() < first_week_end
    ]
    busy = []
    for week in range(weeks):
        shift = timedelta(weeks=week)
        for start, end in pattern:
            # Repeat on the wall clock (naive), then place in the zone on the new date, so the
            # appointments keep their local time across both daylight-saving changes of the year.
            busy.append(
                Interval(
                    (start.replace(tzinfo=None) + shift).replace(tzinfo=base.tz),
                    (end.replace(tzinfo=None) + shift).replace(tzinfo=base.tz),
                )
            )
    last_day = base.first_day + timedelta(weeks=weeks) - timedelta(days=1)
    return dataclasses.replace(base, last_day=last_day, busy=busy)


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Return the median and 95th percentile of ``repeat`` runs, in milliseconds."""
    for _ in range(min(50, repeat)):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - started)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples) / 1e6, p95 / 1e6


def cpu_model() -> str:
    """Return the CPU model name, for the benchmark record."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    """Check the engine against the expected file, then time both cases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000, help="timed runs per case")
    args = parser.parse_args()

    spec8 = read_spec(str(DATA / "slots-spec-8w.json"))
    now8 = spec8.default_now()
    expected = (DATA / "slots-spec-8w.expected-step15.txt").read_text().split()
    got = [f"{s:%Y-%m-%dT%H:%M:%SZ}" for s in compute(spec8, now8)]
    if got != expected:
        print("the engine no longer matches slots-spec-8w.expected-step15.txt", file=sys.stderr)
        return 1
    spec52 = year_spec(spec8)
    now52 = spec52.default_now()

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}")
    print(f"{'case':<28}{'slots':>7}{'median ms':>12}{'p95 ms':>10}  runs")
    cases = [
        (f"8 weeks  ({spec8.first_day}..)", spec8, now8),
        (f"52 weeks ({spec52.first_day}..)", spec52, now52),
    ]
    for name, spec, now in cases:
        count = len(compute(spec, now))
        median, p95 = measure(functools.partial(compute, spec, now), args.repeat)
        print(f"{name:<28}{count:>7}{median:>12.3f}{p95:>10.3f}  {args.repeat}")
    assert date(2027, 3, 28) <= spec52.last_day  # keeps the spring change inside the long case
    return 0


if __name__ == "__main__":
    sys.exit(main())
