"""Daily limits of online applications (bad-inputs 16): per account and per client address.

Per account: at most ``GONGKAI_DAILY_APPLICATION_LIMIT`` applications in a rolling 24 hours, counted from
the applications themselves; :func:`account_limit_reached` answers early, :func:`check_account_locked`
again inside the filing transaction under a lock on the account's row, so that two forms of one account
at the same instant are counted one after the other.

Accounts need a verified phone or email, but one address can hold many accounts; so the applications
filed online from one client address (:func:`gongkai.orgs.throttle.client_ip`: ``X-Forwarded-For`` only
from a trusted proxy) are counted per Beijing calendar day in the cache (Redis in production, so every
worker sees the same count), at most ``GONGKAI_DAILY_APPLICATIONS_PER_IP`` (default 50; 0 turns the limit
off). Only applications actually filed count; a form sent again (the same one-time token) neither counts
nor is refused. The cache key holds a keyed hash of the address, never the address itself.

A filing first takes one use (:func:`take`: one atomic increment, so forms arriving at the same instant
cannot all pass a check made before any is counted) and gives it back if the filing then fails
(:func:`gongkai.orgs.throttle.given_back_on_failure`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.orgs.throttle import (
    Taken,
    client_ip,
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


def retry_after() -> int:
    """Seconds until the count starts again (Beijing midnight)."""
    return seconds_until_midnight()


# --- per account -------------------------------------------------------------------------------------


class AccountLimitReached(Exception):
    """The account's daily limit, found reached when checked again under its row lock."""


def account_limit_reached(account: Any) -> bool:
    from gongkai.applications.models import Application

    since = timezone.now() - timedelta(days=1)
    count = Application.objects.filter(account_id=account.pk, submitted_at__gte=since).count()
    return count >= settings.GONGKAI_DAILY_APPLICATION_LIMIT


def check_account_locked(account: Any) -> None:
    """:func:`account_limit_reached` under a lock on the account's row (inside the filing transaction)."""
    from gongkai.orgs.services import lock_account

    lock_account(account)
    if account_limit_reached(account):
        raise AccountLimitReached


def account_refusal() -> tuple[str, int]:
    """The message and the seconds to wait when the account's limit is reached."""
    return _("您今天提交的申请已达到上限，请明天再提交。您填写的内容保留在下面的表单中。"), 86400


def address_refusal() -> tuple[str, int]:
    """The message and the seconds to wait (until Beijing midnight) when the address's limit is reached."""
    text = _("今天从您的网络提交的申请已达到上限，请明天再提交。您填写的内容保留在下面的表单中。")
    return text, retry_after()
