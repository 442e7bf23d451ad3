"""Business days for Good Faith Estimate deadlines (No Surprises Act, 45 CFR 149.610).

A business day is Monday to Friday except a US federal holiday, which counts on the weekday it
is observed when it falls on a weekend.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[dt.date]:
    """Return the federal holidays falling in `year`, observed dates included."""
    # Without a subdivision the package's default US categories are exactly the 11 federal
    # holidays, each with the weekday observed when it falls on a weekend; New Year's Day on a
    # Saturday is observed on the Friday before, in the previous year's list. A frozen set, not
    # the package's dict, which extends itself when asked about another year and so is unsafe
    # to share between threads.
    return frozenset(holidays.country_holidays("US", years=year))


def is_business_day(day: dt.date) -> bool:
    """Return whether `day` is a weekday that is neither a federal holiday nor observed as one."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_business_days(day: dt.date, n: int) -> dt.date:
    """Return the n-th business day after `day` (which may itself be a weekend or holiday)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    while n:
        day += _DAY
        if is_business_day(day):
            n -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Return how many business days come after `start`, up to and including `end`."""
    count = 0
    day = start + _DAY
    while day <= end:
        if is_business_day(day):
            count += 1
        day += _DAY
    return count


def estimate_due(scheduled_on: dt.date, service_on: dt.date) -> dt.date | None:
    """Return when the estimate for a service scheduled on `scheduled_on` is due.

    Ten or more business days ahead: three business days after scheduling; 3 to 9 ahead: one
    business day after. None when the service is fewer than 3 business days ahead, where this
    rule sets no deadline. Days ahead are counted after the scheduling day, up to and including
    the service day.
    """
    ahead = business_days_between(scheduled_on, service_on)
    if ahead >= 10:
        return add_business_days(scheduled_on, 3)
    if ahead >= 3:
        return add_business_days(scheduled_on, 1)
    return None


def estimate_due_on_request(requested_on: dt.date) -> dt.date:
    """Return when an estimate a client asked for is due: three business days later."""
    return add_business_days(requested_on, 3)
