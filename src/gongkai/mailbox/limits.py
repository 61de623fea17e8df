"""Per-IP daily limits of the public forms, counted in Django's cache.

The IP address is personal data: the cache key holds a keyed hash of it, never the address. The
limits are settings (``GONGKAI_MAILBOX_DAILY_LIMIT``: letters per IP per day, default 10;
``GONGKAI_MAILBOX_LOOKUP_LIMIT``: query-code lookups per IP per day, default 30, which also makes
guessing codes hopeless; 0 = no limit).

:func:`reached` answers early (before the form is read); :func:`take` is the count that holds: one use
is taken in one atomic step before the letter is filed or the code looked up, and given back when the
letter is then refused (:func:`gongkai.orgs.throttle.given_back_on_failure`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from gongkai.orgs.throttle import Taken, daily_take, daily_used


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
    """True when ``ip`` has used up today's allowance of ``kind`` ("submit" or "lookup"); a limit of 0
    means no limit, as for the online applications."""
    limit = _limit(kind)
    return limit > 0 and used(kind, ip) >= limit


def take(kind: str, ip: str) -> Taken | None:
    """Take one of today's uses in one atomic step (requests at the same instant cannot all pass a check
    made before any of them is counted); None when none is left."""
    return daily_take("mailbox-" + kind, ip, _limit(kind))
