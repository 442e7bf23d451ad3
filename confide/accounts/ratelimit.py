"""Count form submissions per client address across every server process, atomically.

Django's database cache reads and then writes, so two processes can both see 9 and both write
10; here one INSERT ... ON CONFLICT DO UPDATE ... RETURNING statement counts, and the database
applies those one at a time. The address is never stored: only an HMAC of it, keyed with a value
derived from SECRET_KEY, which changes every window.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from confide.accounts.models import RateLimitCounter
from confide.lib.request_address import client_address


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int


def _key(limit: Limit, address: str, window: int) -> str:
    secret = hashlib.sha256(f"confide.ratelimit:{settings.SECRET_KEY}".encode()).digest()
    message = f"{limit.scope}\x00{address}\x00{window}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


_TABLE = RateLimitCounter._meta.db_table
_UPSERT = f"""
INSERT INTO {_TABLE} (key, window_start, count) VALUES (%s, %s, 1)
ON CONFLICT (key) DO UPDATE SET count = {_TABLE}.count + 1
RETURNING count
"""  # noqa: S608 - the table name is ours; the values are parameters


def hit(limit: Limit, request: HttpRequest, *, now: float | None = None) -> bool:
    """Count one use and return True while the address is within its limit."""
    return hit_for(limit, client_address(request), now=now)


def hit_for(limit: Limit, subject: str, *, now: float | None = None) -> bool:
    """Count one use by ``subject`` (an address typed in a form, say); True while within limit.

    The subject is kept only as a keyed hash, like a client address.
    """
    moment = time.time() if now is None else now
    window = int(moment // limit.seconds)
    key = _key(limit, subject, window)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, window * limit.seconds])
        (count,) = cursor.fetchone()
    if random.random() < 0.01:  # noqa: S311 - only decides when to tidy up
        _prune(moment)
    return int(count) <= limit.count


def _prune(now: float) -> None:
    """Forget counters of windows that ended more than a day ago."""
    RateLimitCounter.objects.filter(window_start__lt=int(now) - 86_400).delete()
