"""Per-IP daily limits of the public forms, counted in Django's cache.

The IP address is personal data: the cache key holds a keyed hash of it, never the address. The
limits are settings (``GONGKAI_MAILBOX_DAILY_LIMIT``: letters per IP per day, default 10;
``GONGKAI_MAILBOX_LOOKUP_LIMIT``: query-code lookups per IP per day, default 30, which also makes
guessing codes hopeless).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from gongkai.orgs.throttle import daily_count, daily_used


def client_ip(request: HttpRequest) -> str:
    """The address the request came from: the one rule of :func:`gongkai.orgs.throttle.client_ip`
    (X-Forwarded-For only from a trusted proxy), so that behind nginx each sender has its own limit."""
    from gongkai.orgs.throttle import client_ip as address

    return address(request) or "unknown"


def _limit(kind: str) -> int:
    if kind == "submit":
        return int(getattr(settings, "GONGKAI_MAILBOX_DAILY_LIMIT", 10))
    return int(getattr(settings, "GONGKAI_MAILBOX_LOOKUP_LIMIT", 30))


def used(kind: str, ip: str) -> int:
    return daily_used("mailbox-" + kind, ip)


def reached(kind: str, ip: str) -> bool:
    """True when ``ip`` has used up today's allowance of ``kind`` ("submit" or "lookup")."""
    return used(kind, ip) >= _limit(kind)


def count(kind: str, ip: str) -> int:
    """Count one more use today; returns the new count."""
    return daily_count("mailbox-" + kind, ip)
