"""Login throttling that an attacker cannot turn against the account holder.

Failed attempts are counted in the cache (Redis in production, so every worker sees the same counts)
in fixed windows of ``GONGKAI_LOGIN_WINDOW_MINUTES`` (15):

- per (client address, user name): after ``GONGKAI_LOGIN_FAILURES_PER_PAIR`` (5) failures that pair
  is refused until the window ends — guessing one account's password from one address;
- per client address: after ``GONGKAI_LOGIN_FAILURES_PER_ADDRESS`` (50) failures, whatever the names —
  one address trying many accounts (password spraying).

An account is never locked by its user name alone: whoever attacks from elsewhere blocks only their own
addresses, and the holder, from their own address, logs in as usual. Refused attempts are not checked
against the password (the answer would otherwise still be an oracle) and read the same whether or not
the account exists. A successful login clears its pair's count.

Entering a registration code (``verify``) allows three times the pair limit: each code already allows
five tries, and a person who mistyped may ask for a new code. The second step of the staff login (a TOTP
or recovery code) is additionally limited per account (``PER_ACCOUNT_SECOND_STEP``): only someone who
already has the password can trip that limit.

The client address is ``REMOTE_ADDR``, unless that is one of ``GONGKAI_TRUSTED_PROXIES`` (addresses or
networks): then ``X-Forwarded-For`` is read from the right, skipping trusted proxies, and the first
address not trusted is the client's.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time
from functools import cache
from typing import Any

from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger("gongkai.access")

PER_ACCOUNT_SECOND_STEP = 10
DAY = 24 * 60 * 60
VERIFY_FACTOR = 3
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str) -> bool:
    networks = _trusted(tuple(settings.GONGKAI_TRUSTED_PROXIES))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For when REMOTE_ADDR is a trusted proxy."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    if not _is_trusted(remote):
        return remote or "unknown"
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a forged, unparseable entry: count against the proxy's view
    return remote


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _normal(username: str) -> str:
    return username.strip().lower()


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int


def _limits(scope: str, ip: str, username: str) -> list[Limit]:
    per_pair = settings.GONGKAI_LOGIN_FAILURES_PER_PAIR
    if scope == "verify":  # each code already allows 5 tries; this bounds the tries across resent codes
        per_pair *= VERIFY_FACTOR
    limits = [
        Limit(f"gk:throttle:{scope}:pair:{_digest(ip, _normal(username))}", per_pair),
        Limit(f"gk:throttle:{scope}:ip:{_digest(ip)}", settings.GONGKAI_LOGIN_FAILURES_PER_ADDRESS),
    ]
    if scope == "otp":  # username is the account's id here: the password is already known
        limits.append(
            Limit(f"gk:throttle:{scope}:account:{_digest(_normal(username))}", PER_ACCOUNT_SECOND_STEP)
        )
    return limits


def _window() -> int:
    return max(60, settings.GONGKAI_LOGIN_WINDOW_MINUTES * 60)


def blocked_until(request: HttpRequest, username: str, scope: str = "login") -> datetime | None:
    """When the attempts of this client for this name may resume, or None if they may now."""
    ip = client_ip(request)
    limits = _limits(scope, ip, username)
    values: dict[str, Any] = django_cache.get_many([k for lim in limits for k in (lim.key, lim.key + ":t")])
    ends = [
        float(values.get(lim.key + ":t") or time.time() + _window())
        for lim in limits
        if int(values.get(lim.key) or 0) >= lim.limit
    ]
    if not ends:
        return None
    return datetime.fromtimestamp(max(ends), tz=timezone.get_current_timezone())


def _hit(key: str) -> int:
    window = _window()
    django_cache.add(key + ":t", time.time() + window, window)
    django_cache.add(key, 0, window)
    try:
        return int(django_cache.incr(key))
    except ValueError:  # expired between add and incr
        django_cache.set(key, 1, window)
        return 1


def failed(request: HttpRequest, username: str, scope: str = "login") -> list[str]:
    """Count a failed attempt; returns the limits ("pair", "ip", "account") it has just reached."""
    ip = client_ip(request)
    reached = []
    for lim in _limits(scope, ip, username):
        if _hit(lim.key) == lim.limit:
            reached.append(lim.key.split(":")[3])
    if reached:
        log.warning("login throttled: scope=%s limits=%s ip=%s", scope, ",".join(reached), ip_digest(ip))
    return reached


def succeeded(request: HttpRequest, username: str, scope: str = "login") -> None:
    """A successful attempt clears its pair's count (the address's count stays: spraying goes on)."""
    django_cache.delete_many(
        [k for lim in _limits(scope, client_ip(request), username)[:1] for k in (lim.key, lim.key + ":t")]
    )


def message(until: datetime) -> str:
    """The refusal, in Chinese, with the time (Beijing) when to try again."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return _("登录尝试次数过多，请于 %(time)s（约 %(minutes)d 分钟后）再试。") % {
        "time": timezone.localtime(until).strftime("%H:%M"),
        "minutes": minutes,
    }


def ip_digest(ip: str) -> str:
    """An address as it may appear in logs and the audit trail: a keyed hash, so equal addresses match."""
    from gongkai.core.crypto import lookup_hash

    return lookup_hash(f"ip:{ip}")[:16]


# --- per-address daily allowances of public forms (the mailbox, online applications) ----------------------


def _daily_key(scope: str, ip: str) -> str:
    """Today's (Beijing) counter of ``scope`` for an address, under a keyed hash of the address."""
    from gongkai.core.crypto import lookup_hash

    return f"gongkai:daily:{scope}:{timezone.localdate().isoformat()}:{lookup_hash('ip:' + ip)[:32]}"


def daily_used(scope: str, ip: str) -> int:
    return int(django_cache.get(_daily_key(scope, ip), 0))


def _increment(key: str) -> int:
    django_cache.add(key, 0, timeout=DAY + 60)
    try:
        return int(django_cache.incr(key))
    except ValueError:  # expired between add and incr
        django_cache.set(key, 1, timeout=DAY + 60)
        return 1


@dataclass(frozen=True)
class Taken:
    """One use taken by :func:`daily_take`: the day's counter it was taken from and the count after it."""

    key: str
    count: int


def daily_take(scope: str, ip: str, limit: int) -> Taken | None:
    """Take one of today's ``limit`` uses of ``scope`` for ``ip`` in one atomic step (the cache's
    increment), so that requests arriving at the same instant cannot all pass a check made before any of
    them is counted. None (and nothing taken) when the allowance is used up; ``limit`` 0 = no limit,
    still counted. Return it with :func:`daily_give_back` when the action then does not happen."""
    key = _daily_key(scope, ip)
    value = _increment(key)
    if limit > 0 and value > limit:
        daily_give_back(Taken(key, value))
        return None
    return Taken(key, value)


@contextmanager
def given_back_on_failure(taken: Taken | None) -> Iterator[None]:
    """Run the action a use was taken for: if it raises (refused, failed), the use is given back."""
    try:
        yield
    except BaseException:
        if taken is not None:
            daily_give_back(taken)
        raise


def daily_give_back(taken: Taken) -> None:
    """Return a use taken by :func:`daily_take` to the counter it came from (also after midnight: the
    new day's counter is not touched)."""
    try:
        if int(django_cache.decr(taken.key)) < 0:
            django_cache.set(taken.key, 0, timeout=DAY + 60)
    except ValueError:  # expired meanwhile: nothing to give back
        pass


def seconds_until_midnight() -> int:
    """Seconds until the daily counts start again (Beijing midnight), for ``Retry-After``."""
    now = timezone.localtime()
    midnight = datetime.combine(now.date() + timedelta(days=1), dt_time.min, tzinfo=now.tzinfo)
    return max(1, int((midnight - now).total_seconds()) + 1)
