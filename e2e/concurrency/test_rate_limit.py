"""The booking forms' rate limit counts exactly when several server processes share the load."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from confide.accounts.models import RateLimitCounter
from confide.clients.models import ConsultationRequest
from e2e import servers
from e2e.concurrency.visitors import Post, Visitor, post_all_at_once

# Alone: simultaneous requests must meet each other, not a parallel test's load.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.serial]

ASK = "/book/ask/"
LIMIT, SENT = 10, 30
WINDOW = 600  # seconds, as the booking views use
# A documentation address (RFC 5737), as a proxy in front of the server would report it.
OTHER_ADDRESS = "203.0.113.7"
FORM = {
    "preferred_times": "Tuesday mornings",
    "name": "Sam",
    "email": "sam@example.org",
    "may_email": "on",
    "for_couple": "0",
}


def _wait_for_a_fresh_window(margin: float = 15.0) -> None:
    """Sleep into the next counting window when this one ends within ``margin`` seconds.

    The counter starts again at every window; a burst that straddled two would be counted
    twice over, correctly, yet fail the test.
    """
    remaining = WINDOW - time.time() % WINDOW
    if remaining < margin:
        time.sleep(remaining + 0.5)


@pytest.mark.usefixtures("demo")
def test_rate_limit_counts_exactly_across_processes(tmp_path: Path) -> None:
    access_log = tmp_path / "access.log"
    env = servers.test_server_environment(
        BOOKING_RATE_LIMIT=str(LIMIT),
        # Requests without X-Forwarded-For still count by their own address (127.0.0.1); one
        # trusted proxy lets the test also speak from a second address.
        TRUSTED_PROXY_COUNT="1",
    )
    with servers.run_gunicorn(
        env=env, workers=3, threads=SENT // 3, access_log=access_log
    ) as base_url:
        # Reading the form is not counted; only sending it is.
        people = [Visitor(base_url) for _ in range(SENT)]
        for person in people:
            assert person.get(ASK).status == 200
        _wait_for_a_fresh_window()

        burst = post_all_at_once([Post(person, ASK, FORM) for person in people])

        once_more = people[0].post(ASK, FORM)
        elsewhere = Visitor(base_url, headers={"X-Forwarded-For": OTHER_ADDRESS})
        assert elsewhere.get(ASK).status == 200
        from_elsewhere = elsewhere.post(ASK, FORM)
        other_form = people[0].post("/book/hannah-brenner/consultation/details/", FORM)

    statuses = Counter(r.status for r in burst)
    assert statuses == {302: LIMIT, 429: SENT - LIMIT}, statuses
    assert all("Please wait a few minutes" in r.body for r in burst if r.status == 429)
    # Those turned away left nothing behind: the ten let through and the one from elsewhere.
    assert ConsultationRequest.objects.count() == LIMIT + 1
    # The limit holds after the burst, for this address and this form only.
    assert once_more.status == 429
    assert from_elsewhere.status == 302
    assert other_form.status != 429

    # The burst was shared by several processes, so the count above was made across them.
    burst_pids = {
        line.split()[0]
        for line in access_log.read_text().splitlines()
        if line.split()[1:3] == ["POST", ASK]
    }
    assert len(burst_pids) > 1, burst_pids

    counts = sorted(RateLimitCounter.objects.values_list("count", flat=True))
    assert counts == [1, 1, SENT + 1]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {RateLimitCounter._meta.db_table}")  # noqa: S608
        stored = repr(cursor.fetchall())
    for address in ("127.0.0.1", OTHER_ADDRESS):
        assert address not in stored
        # Nor a plain hash of it: every IPv4 address can be hashed in minutes to undo one.
        assert hashlib.sha256(address.encode()).hexdigest() not in stored
