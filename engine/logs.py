"""Log set-up shared by every process: plain lines or JSON lines, each with its request id.

The web app puts each HTTP request's id (``X-Request-ID``, or a new one) in :data:`REQUEST_ID`;
every line logged while that request runs carries it, whoever logs it (the engine, SQLAlchemy,
gunicorn). Lines outside a request carry ``-``. ``SAMVERKAN_LOG_FORMAT=json`` writes one JSON
object per line (python-json-logger) for a log collector.
"""

from __future__ import annotations

import logging
import logging.config
from contextvars import ContextVar
from typing import Any

from engine.settings import Settings

REQUEST_ID: ContextVar[str] = ContextVar("samverkan_request_id", default="-")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ["asctime", "levelname", "name", "request_id", "message"]


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record a handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def dict_config(settings: Settings) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dictionary; gunicorn takes the same one (``logconfig_dict``)."""
    if settings.log_format == "json":
        formatter: dict[str, Any] = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    ours = {"handlers": ["stderr"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"samverkan": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "samverkan",
                "filters": ["request_id"],
            }
        },
        "root": {"level": settings.log_level, "handlers": ["stderr"]},
        "loggers": {
            # SpiffWorkflow logs every task state change; werkzeug's dev server logs each request,
            # which our own access line (logger samverkan.http) already does.
            "spiff": {"level": "WARNING"},
            "werkzeug": {"level": "WARNING"},
            "alembic": {"level": "WARNING"},
            "apscheduler": {"level": "WARNING"},  # two lines per sweep; the worker logs its own
            "gunicorn.error": {"level": settings.log_level, **ours},
            "gunicorn.access": {"level": "WARNING", **ours},
        },
    }


def configure(settings: Settings) -> None:
    logging.config.dictConfig(dict_config(settings))
