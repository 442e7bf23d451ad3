"""Log lines keep the path of each request and lose its query string."""

from __future__ import annotations

import logging

import pytest

from confide.lib.logfilters import DropQueryStrings, without_query_strings


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Django's development server: the request line, quoted.
        (
            '"GET /office/clients/?q=Sam+Lee HTTP/1.1" 200 5120',
            '"GET /office/clients/ HTTP/1.1" 200 5120',
        ),
        ('"GET /?q=a&b=c HTTP/1.1" 302 0', '"GET / HTTP/1.1" 302 0'),
        # django.request names the path; a URL keeps its host and path.
        ("Not Found: /nowhere/?q=x", "Not Found: /nowhere/"),
        (
            "GET http://127.0.0.1:8000/office/?next=/office/clients/%3Fq%3DSam",
            "GET http://127.0.0.1:8000/office/",
        ),
        ("'/appointment/abc/?token=t' moved", "'/appointment/abc/' moved"),
        # An empty query, and several paths on one line.
        ("GET /book/? HTTP/1.1", "GET /book/ HTTP/1.1"),
        ("/a/?x=1 then /b/?y=2", "/a/ then /b/"),
        # Lines without a query are left as they are, question marks in prose too.
        ('"GET /office/clients/ HTTP/1.1" 200 5120', '"GET /office/clients/ HTTP/1.1" 200 5120'),
        ("Is the worker alive?", "Is the worker alive?"),
        ("", ""),
    ],
)
def test_it_drops_query_strings(line: str, expected: str) -> None:
    assert without_query_strings(line) == expected


def test_the_filter_rewrites_the_formatted_message_and_keeps_the_record() -> None:
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /office/clients/?q=canary HTTP/1.1", "200", "12"),
        None,
    )

    assert DropQueryStrings().filter(record) is True
    assert record.getMessage() == '"GET /office/clients/ HTTP/1.1" 200 12'
    assert "canary" not in repr(record.args)


def test_the_filter_leaves_other_records_untouched() -> None:
    record = logging.LogRecord("django", logging.INFO, __file__, 1, "%s ready", ("db",), None)

    assert DropQueryStrings().filter(record) is True
    assert (record.msg, record.args) == ("%s ready", ("db",))
