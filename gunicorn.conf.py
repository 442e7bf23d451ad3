"""gunicorn settings for Confide: request log lines never carry a query string."""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

# gunicorn's default format with the path (%(U)s) instead of the whole request line, whose query
# string holds office searches and links' tokens, and without the referrer, which holds the
# previous page's. Access logging itself is off unless --access-logfile is given.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


class JsonLogger(Logger):  # type: ignore[misc]
    """Write gunicorn's error and access logs as one JSON object per line, identifiers only.

    An access line holds the method, the path (secrets in it masked), the status, the bytes sent
    and the duration; never the client's address, user agent, referrer or query string. It is
    built here rather than from an ``access_log_format`` template, which would not escape a
    decoded path for JSON nor mask a link's token in it.
    """

    def setup(self, cfg: Any) -> None:
        from confide.lib.jsonlog import JsonFormatter

        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = str(resp.status).split(None, 1)[0]
        method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "")
        self.access_log.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "method": method,
                "path": path,
                "status_code": int(status) if status.isdigit() else None,
                "bytes": getattr(resp, "sent", None),
                "duration_ms": request_time.seconds * 1000 + request_time.microseconds // 1000,
            },
        )


# As in Django's settings: JSON in production unless LOG_FORMAT says otherwise.
_default_format = "json" if os.environ.get("CONFIDE_ENV", "").strip() == "production" else "text"
if os.environ.get("LOG_FORMAT", _default_format).strip() == "json":
    logger_class = JsonLogger


def on_starting(server: Any) -> None:
    """Keep query strings out of the error log too ("Error handling request /path?...")."""
    from confide.lib.logfilters import DropQueryStrings

    logging.getLogger("gunicorn.error").addFilter(DropQueryStrings())
