"""The server's log: quiet libraries, one line per request, text or JSON lines (POLICYQA_LOG_FORMAT)."""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


def quiet_libraries() -> None:
    """No progress bars or debug chatter in a server's log: jieba's dictionary lines, the model
    loader's progress bar. Interactive CLI commands keep theirs."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        pass


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the process (which worker), and the
    request fields when present."""

    FIELDS = ("method", "route", "status", "ms", "ask_id")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        line.update({f: getattr(record, f) for f in self.FIELDS if getattr(record, f, None) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def log_config(fmt: str) -> dict:
    """uvicorn's log_config: our lines (policyqa.*, uvicorn's errors) in text or JSON; uvicorn's own
    access log off, since policyqa.access writes one line per request with the answer id."""
    formatter = {"()": "api.logs.JSONFormatter"} if fmt == "json" else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["default"], "level": "WARNING"},
        "loggers": {
            "policyqa": {"level": "INFO"},
            "api": {"level": "INFO"},
            "rag": {"level": "INFO"},
            "uvicorn": {"level": "INFO"},
            "uvicorn.access": {"level": "WARNING", "propagate": False},
        },
    }
