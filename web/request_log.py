"""Structured logs: one JSON object per line on stdout, and one line per HTTP request.

Request lines carry the method, the path (never the query string, which may hold search
terms about borrowers), the status, the duration and the user id; never headers, cookies,
form fields or tokens.
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
import time
from datetime import UTC, datetime

from fastapi import FastAPI, Request

REQUEST_LOGGER = "web.request"
# Attributes every LogRecord has; anything else was passed through `extra=` and is logged.
# uvicorn adds "color_message", the same text with terminal colour codes.
_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """Formats a record as a single JSON line with its `extra=` fields at the top level."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items()
                      if key not in _STANDARD_ATTRS and not key.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class CurrentStdoutHandler(logging.StreamHandler):
    """Writes to sys.stdout as it is when a record is emitted, not when logging was set up
    (test capture and process managers swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(level: str = "INFO") -> None:
    """Send every logger (ours, uvicorn's, libraries') through the JSON formatter on stdout.

    The handler sits on the root logger and everything propagates to it, so test tools that
    listen on the root (pytest's caplog) still see our records.
    """
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stdout": {"()": CurrentStdoutHandler, "formatter": "json"}},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            # Our request lines replace uvicorn's access log, which would print query strings.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            # The test client logs every request it sends at INFO.
            "httpx": {"level": "WARNING"},
        },
    })


def install(app: FastAPI) -> None:
    """Log one line per request, whatever its outcome."""
    log = logging.getLogger(REQUEST_LOGGER)

    @app.middleware("http")
    async def log_request(request: Request, call_next):
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            user = getattr(request.state, "user", None)
            log.info("%s %s %s", request.method, request.url.path, status, extra={
                "method": request.method,
                "path": request.url.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": getattr(user, "id", None),
                "auth": getattr(request.state, "auth", "session" if user else None),
            })
