"""Per-address daily limit of online applications (bad-inputs 16), next to the per-account limit.

Accounts need a verified phone or email, but one address can hold many accounts; so the applications
filed online from one client address (:func:`gongkai.orgs.throttle.client_ip`: ``X-Forwarded-For`` only
from a trusted proxy) are counted per Beijing calendar day in the cache (Redis in production, so every
worker sees the same count), at most ``GONGKAI_DAILY_APPLICATIONS_PER_IP`` (default 50; 0 turns the limit
off). Only applications actually filed count; a form sent again (the same one-time token) neither counts
nor is refused. The cache key holds a keyed hash of the address, never the address itself.

A filing first takes one use (:func:`take`: one atomic increment, so forms arriving at the same instant
cannot all pass a check made before any is counted) and gives it back if the filing then fails.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest

from gongkai.orgs.throttle import (
    Taken,
    client_ip,
    daily_give_back,
    daily_take,
    daily_used,
    ip_digest,
    seconds_until_midnight,
)

log = logging.getLogger("gongkai.access")
SCOPE = "applications"


def _limit() -> int:
    return int(settings.GONGKAI_DAILY_APPLICATIONS_PER_IP)


def used(request: HttpRequest) -> int:
    return daily_used(SCOPE, client_ip(request))


def reached(request: HttpRequest) -> bool:
    """True when today's allowance of the request's address is used up."""
    limit = _limit()
    return limit > 0 and used(request) >= limit


def take(request: HttpRequest) -> Taken | None:
    """Take one of today's applications of the request's address before filing; None when none is left."""
    ip = client_ip(request)
    limit = _limit()
    taken = daily_take(SCOPE, ip, limit)
    if taken is not None and taken.count == limit:
        log.warning("application limit per address reached: ip=%s", ip_digest(ip))
    return taken


def give_back(taken: Taken) -> None:
    """The filing that took a use did not happen: return it."""
    daily_give_back(taken)


def retry_after() -> int:
    """Seconds until the count starts again (Beijing midnight)."""
    return seconds_until_midnight()
