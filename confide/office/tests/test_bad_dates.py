"""Dates at the edges of the calendar get a message, never a server error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "1899-12-31"])
@pytest.mark.parametrize("view", ["day", "week"])
def test_calendar_edges_of_time_do_not_break(
    signed_in: Callable[..., HttpClient], owner: User, demo: None, date: str, view: str
) -> None:
    response = signed_in(owner).get(f"/office/calendar/?date={date}&view={view}")
    assert response.status_code in {200, 400}
    assert "between the years 1900 and 2999" in response.content.decode()


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "9999-12-31T23:59:59+00:00"]
)
def test_public_booking_times_at_the_edges_of_time_are_refused_politely(
    client: HttpClient, demo: None, start: str
) -> None:
    response = client.get(
        "/book/hannah-brenner/consultation/details/", {"start": start, "format": "phone"}
    )
    assert response.status_code == 400
