"""Keep query strings (office searches, links' tokens) out of every request log line."""

from __future__ import annotations

import logging
import re

# A path (from a request line, "Not Found: /path", a URL) followed by its query string; the
# query ends where the line's next word or closing quote begins.
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def without_query_strings(text: str) -> str:
    """Return ``text`` with the query string of every path or URL in it removed."""
    return _QUERY.sub(r"\1", text)


class DropQueryStrings(logging.Filter):
    """Rewrite a record's message without query strings; never drops the record itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_query_strings(message)
        if cleaned != message:
            # Formatted once here, so no argument can bring the query back later.
            record.msg, record.args = cleaned, ()
        return True
