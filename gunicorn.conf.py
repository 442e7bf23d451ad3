"""gunicorn settings for Confide: request log lines never carry a query string."""

from __future__ import annotations

import logging
from typing import Any

# gunicorn's default format with the path (%(U)s) instead of the whole request line, whose query
# string holds office searches and links' tokens, and without the referrer, which holds the
# previous page's. Access logging itself is off unless --access-logfile is given.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def on_starting(server: Any) -> None:
    """Keep query strings out of the error log too ("Error handling request /path?...")."""
    from confide.lib.logfilters import DropQueryStrings

    logging.getLogger("gunicorn.error").addFilter(DropQueryStrings())
