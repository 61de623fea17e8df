"""Log formatters: one JSON object per line, or plain text; both with Beijing time and its offset.

Bad inputs 20 and 25 (docs/security.md): every timestamp is ISO 8601 in ``TIME_ZONE`` with the offset
(``2026-12-07T23:30:00.123+08:00``), so a line read anywhere says which moment it was; and a message
can never fake a second log line:

- ``JsonFormatter`` (production default, ``GONGKAI_LOG_FORMAT=json``) is python-json-logger's, with
  the timestamp above and the fields ``timestamp``, ``level``, ``logger``, ``message`` and whatever was
  passed as ``extra=``. JSON escapes line feeds and the other control characters; the few characters
  that are legal raw inside a JSON string but that some readers treat as a line break (NEL, U+2028,
  U+2029) are escaped too. Non-ASCII text stays readable (``ensure_ascii`` off).
- ``PlainFormatter`` (development default) writes ``<timestamp> LEVEL logger message`` and escapes line
  breaks in the message as ``\\n`` (a traceback, from ``exc_info``, still spans lines).

Django's ``request`` extra (the whole request, query string included) is never written: the message
already names the path, and a query string may carry what someone typed.

No Django imports here: the formatters are built while logging is configured, before the apps load.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

DEFAULT_TZ = "Asia/Shanghai"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Extras Django attaches that must not reach the log (see the module docstring).
NEVER_WRITTEN = ("request", "server_time")
# Characters that end a line for str.splitlines() and many log viewers.
_LINE_BREAKS = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_RAW_IN_JSON = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def iso_timestamp(created: float, tz: ZoneInfo) -> str:
    """``2026-12-07T23:30:00.123+08:00``: milliseconds and the zone's offset."""
    return datetime.fromtimestamp(created, tz).isoformat(timespec="milliseconds")


class PlainFormatter(logging.Formatter):
    """Plain text with the offset; line breaks in the message escaped."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, tz: str = DEFAULT_TZ) -> None:
        super().__init__(fmt or PLAIN_FORMAT, datefmt)
        self.tz = ZoneInfo(tz)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso_timestamp(record.created, self.tz)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], record.message)
        return super().formatMessage(record)


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger with Beijing timestamps and the field names ``timestamp``, ``level``, ``logger``."""

    def __init__(self, *args: Any, tz: str = DEFAULT_TZ, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"asctime": "timestamp", "levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *NEVER_WRITTEN])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args or (PLAIN_FORMAT,), **kwargs)
        self.tz = ZoneInfo(tz)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso_timestamp(record.created, self.tz)

    def serialize_log_record(self, log_data: Any) -> str:
        text = super().serialize_log_record(log_data)
        # Outside strings JSON has none of these characters, so replacing them everywhere is safe.
        return "".join(_RAW_IN_JSON.get(c, c) for c in text) if any(c in text for c in _RAW_IN_JSON) else text
