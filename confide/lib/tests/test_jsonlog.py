"""JSON log lines hold identifiers only: no query, no secret in a path, no address, no value."""

from __future__ import annotations

import json
import logging
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from confide.lib.jsonlog import KEYS, JsonFormatter, scrub, scrub_path

TOKEN = "Xk3vQ9_aZ-8mLp0RtY2wBn7cJd5FhG1sK4eU6iO3yT0:1tNqZr:abcDEF123ghiJKL456mnoPQR789stu"
RESET_KEY = "2-c5x8d1-0b1f3a9e4d2c7b6a5f8e9d0c1b2a3f4e"
UID = "0b1f3a9e-4d2c-4b6a-9f8e-9d0c1b2a3f4e"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "/"),
        (
            "/book/hannah-brenner/consultation/details/",
            "/book/hannah-brenner/consultation/details/",
        ),
        ("/articles/what-shame-is/", "/articles/what-shame-is/"),
        (f"/office/clients/{UID}/", f"/office/clients/{UID}/"),
        ("/office/appointments/42/move/", "/office/appointments/42/move/"),
        ("/office/clients/?q=Sam+Lee", "/office/clients/"),
        # Links' secrets: a signed manage token, a calendar feed, a password reset key.
        (f"/appointment/{TOKEN}/cancel/", "/appointment/:token/cancel/"),
        (f"/booked/{TOKEN}/", "/booked/:token/"),
        ("/calendar/AbCdEf123456.ics", "/calendar/:token"),
        (
            f"/office/account/password/reset/key/{RESET_KEY}/",
            "/office/account/password/reset/key/:token/",
        ),
        ("/appointment/abc/calendar.ics", "/appointment/abc/calendar.ics"),
    ],
)
def test_it_keeps_identifiers_of_a_path_and_masks_secrets(path: str, expected: str) -> None:
    assert scrub_path(path) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"GET /office/clients/?q=Sam HTTP/1.1" 200 512',
            '"GET /office/clients/ HTTP/1.1" 200 512',
        ),
        (f"Not Found: /appointment/{TOKEN}/", "Not Found: /appointment/:token/"),
        (
            f"GET http://127.0.0.1:8000/booked/{TOKEN}/?x=1",
            "GET http://127.0.0.1:8000/booked/:token/",
        ),
        ("Sent to sam.lee+x@example.org today", "Sent to [email] today"),
        ("Worker w-3 stopped; its lease is released", "Worker w-3 stopped; its lease is released"),
        ("and/or 1/2 of it", "and/or 1/2 of it"),
        ("", ""),
    ],
)
def test_it_scrubs_a_rendered_message(text: str, expected: str) -> None:
    assert scrub(text) == expected


def _record(msg: str, args: tuple[Any, ...] = (), **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def _line(record: logging.LogRecord) -> dict[str, Any]:
    text = JsonFormatter().format(record)
    assert "\n" not in text
    parsed: dict[str, Any] = json.loads(text)
    assert set(parsed) <= KEYS
    return parsed


def test_a_line_holds_time_level_logger_message_and_the_requests_identifiers() -> None:
    request = SimpleNamespace(
        method="GET",
        path=f"/appointment/{TOKEN}/",
        GET={"q": "Sam"},
        resolver_match=SimpleNamespace(view_name="scheduling:manage"),
        META={"REMOTE_ADDR": "203.0.113.9", "HTTP_REFERER": "/office/clients/?q=Sam"},
    )
    line = _line(
        _record(
            "Not Found: %s", (f"/appointment/{TOKEN}/?q=Sam",), request=request, status_code=404
        )
    )

    assert line == {
        "time": line["time"],
        "level": "WARNING",
        "logger": "django.request",
        "message": "Not Found: /appointment/:token/",
        "method": "GET",
        "path": "/appointment/:token/",
        "view": "scheduling:manage",
        "status": 404,
    }
    assert line["time"].endswith("+00:00")


def test_extra_fields_off_the_allow_list_are_never_written() -> None:
    line = _line(_record("Booked", person="Sam Lee", email="sam@example.org", status_code="200"))

    assert line == {"time": line["time"], "level": "WARNING", "logger": "django.request",
                    "message": "Booked"}  # fmt: skip


def test_an_exception_gives_its_type_and_code_locations_but_not_its_message() -> None:
    def fail() -> None:
        raise ValueError("sam@example.org has no slot")

    try:
        fail()
    except ValueError:
        record = _record("Booking failed")
        record.exc_info = sys.exc_info()
    line = _line(record)

    assert line["exc_type"] == "builtins.ValueError"
    assert line["stack"][-1].endswith(" in fail")
    assert __file__ in line["stack"][-1]
    assert "example.org" not in json.dumps(line)
