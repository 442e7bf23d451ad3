"""Log lines as one JSON object each, holding identifiers only."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import traceback
from types import SimpleNamespace
from typing import Any

from confide.lib.logfilters import without_query_strings

# The keys a line may hold, and nothing else.
KEYS = frozenset(
    {"time", "level", "logger", "message", "method", "path", "view", "status", "bytes",
     "duration_ms", "exc_type", "stack"}
)  # fmt: skip

# Numbers a record may carry through ``extra=``, with the key each becomes; ``method`` and
# ``path`` are kept too, checked and scrubbed. Anything else in ``extra`` is dropped.
ALLOWED_NUMBERS = {"status_code": "status", "bytes": "bytes", "duration_ms": "duration_ms"}
_METHOD = re.compile(r"[A-Z]{1,16}")

# A URL, then a path on its own: a slash that starts a word, up to the next blank or quote.
_URL = re.compile(r"(https?://[^/\s\"'<>?]*)(/[^\s\"'<>]*)?")
_PATH = re.compile(r"(?<![\w/:.])/[^\s\"'<>]*")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A slug of the site's own pages ("hannah-brenner", "calendar.ics"); secrets are mixed case,
# carry ":" or "_", or have a long run of letters and digits together (a hash, a reset key).
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)?")
_LONG_MIXED_RUN = re.compile(r"(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{12,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MASK = ":token"


def _segment(segment: str) -> str:
    if not segment or segment.isdigit() or _UUID.fullmatch(segment):
        return segment
    if _SLUG.fullmatch(segment) and not _LONG_MIXED_RUN.search(segment):
        return segment
    return MASK


def scrub_path(path: str) -> str:
    """Return ``path`` without its query string, each segment that may be a secret masked."""
    return "/".join(_segment(part) for part in path.split("?", 1)[0].split("/"))


def scrub(text: str) -> str:
    """Return ``text`` with query strings dropped, secrets in paths masked, addresses removed."""
    text = _EMAIL.sub("[email]", without_query_strings(text))
    text = _URL.sub(lambda match: match.group(1) + scrub_path(match.group(2) or ""), text)
    return _PATH.sub(lambda match: scrub_path(match.group(0)), text)


def _request_fields(request: Any) -> dict[str, str]:
    """Read method, path and view name from a request-like object, without importing Django."""
    fields: dict[str, str] = {}
    method = getattr(request, "method", None)
    if isinstance(method, str) and _METHOD.fullmatch(method):
        fields["method"] = method
    path = getattr(request, "path", None)
    if isinstance(path, str):
        fields["path"] = scrub_path(path)
    view = getattr(getattr(request, "resolver_match", None), "view_name", None)
    if isinstance(view, str):
        fields["view"] = view
    return fields


def _stack(exc: BaseException) -> list[str]:
    """Where the exception passed: file, line and function of each frame, never a value."""
    frames = traceback.extract_tb(exc.__traceback__)
    return [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message and identifiers.

    The message is rendered, then scrubbed; a record's arguments and ``extra`` fields are never
    written except the few in ``ALLOWED_EXTRA``. An exception gives its type and the code
    locations it passed through, not its message, which may quote a value.
    """

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        # A request (Django's) or the method and path themselves (gunicorn's access log).
        fields = record.__dict__
        request = fields.get("request") or SimpleNamespace(
            method=fields.get("method"), path=fields.get("path")
        )
        line.update(_request_fields(request))
        for attribute, key in ALLOWED_NUMBERS.items():
            value = fields.get(attribute)
            if isinstance(value, int) and not isinstance(value, bool):
                line[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line["exc_type"] = f"{type(exc).__module__}.{type(exc).__qualname__}"
            line["stack"] = _stack(exc)
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))
