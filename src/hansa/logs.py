"""How the gateway's logs are written (``[telemetry] log_format``): one JSON object per line
for log shippers, or readable text. A record may carry structured ``fields`` (the request log's
do); in JSON they are top-level keys, in text ``key=value`` pairs after the message."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            pairs = " ".join(f"{k}={_text(v)}" for k, v in fields.items() if v not in (None, []))
            text = f"{text} {pairs}"
        return text


def _text(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return ",".join(str(v) for v in value)
    return str(value)


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send the ``hansa`` loggers to standard error in ``log_format``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logger = logging.getLogger("hansa")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
