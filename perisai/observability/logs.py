"""Log lines: the request id on every record, JSON or plain text, one access line per request.

`PERISAI_LOG_FORMAT=json` writes one JSON object a line (time, level, logger, message,
request_id, exception); `text` a plain line with the request id in brackets. Unset: JSON in
production, text in development. The NIK masking record factory of `perisai.configure_logging`
stays first in line; the request id factory wraps it, so every handler (ours, gunicorn's, a
test's) sees both. An exception's traceback is masked here too (it is formatted after the
record was made).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from perisai import mask_niks
from perisai.observability.request_ids import request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# The handlers whose lines we format: the root's (basicConfig, Celery's) and gunicorn's.
LOGGERS = ("", "gunicorn.error", "gunicorn.access", "celery", "celery.task")


def _request_id_record_factory(make_record):
    """Every record carries `request_id` ("-" when there is none)."""

    def factory(*args, **kwargs):
        record = make_record(*args, **kwargs)
        record.request_id = request_id() or "-"
        return record

    factory.adds_request_id = True
    factory.masks_niks = getattr(make_record, "masks_niks", False)
    return factory


def install_record_factory() -> None:
    current = logging.getLogRecordFactory()
    if not getattr(current, "adds_request_id", False):
        logging.setLogRecordFactory(_request_id_record_factory(current))


class JsonFormatter(logging.Formatter):
    """One JSON object a line; the message already masked, the traceback masked here."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            line["exception"] = mask_niks(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = mask_niks(record.exc_text)
        for extra in ("method", "route", "status", "duration_ms"):
            if hasattr(record, extra):
                line[extra] = getattr(record, extra)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A plain line with the request id; the traceback masked as in JSON."""

    def __init__(self):
        super().__init__(TEXT_FORMAT, defaults={"request_id": "-"})

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return mask_niks(super().formatException(ei))


def log_format(config) -> str:
    """The log format, json or text: PERISAI_LOG_FORMAT, else JSON in production."""
    chosen = config.get("LOG_FORMAT")
    if chosen in ("json", "text"):
        return chosen
    return "json" if config.get("ENV_NAME") == "production" else "text"


def formatter(name: str) -> logging.Formatter:
    return JsonFormatter() if name == "json" else TextFormatter()


def apply_format(name: str, loggers=LOGGERS) -> None:
    """Our formatter on the console and file handlers of `loggers` (pytest's capture handlers,
    subclasses of StreamHandler, are left as they are)."""
    for logger_name in loggers:
        for handler in logging.getLogger(logger_name).handlers:
            if type(handler) in (logging.StreamHandler, logging.FileHandler):
                handler.setFormatter(formatter(name))


def configure(app) -> None:
    install_record_factory()
    app.config["LOG_FORMAT"] = log_format(app.config)
    apply_format(app.config["LOG_FORMAT"])
