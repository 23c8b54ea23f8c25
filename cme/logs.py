"""Log records as JSON lines: one object per event, carrying the id of the request that caused it."""

import json
import logging
from datetime import UTC, datetime

# Extras that Django's own loggers attach (`django.request`, `django.server`) and that help a reader.
_EXTRA_FIELDS = ("status_code", "task_id", "task_name")


class JsonLineFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", "request_id"}` and, when there is one, `"exception"`.

    One line per event whatever the message holds (newlines are escaped), so a log shipper never
    splits a traceback into unrelated events. The request id comes from RequestIdFilter.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in _EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str | int):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
