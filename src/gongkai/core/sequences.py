"""Gap-free sequences: the next number of a scope and year, taken under a row lock."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from gongkai.core.models import Sequence


def next_value(scope: str, year: int) -> int:
    """The next number in ``scope`` for ``year``; must be called inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside transaction.atomic()")
    try:
        with transaction.atomic():
            Sequence.objects.get_or_create(scope=scope, year=year)
    except IntegrityError:
        pass  # created concurrently by another transaction: fine, it exists now
    # UPDATE takes the row lock until the caller commits: concurrent callers queue here.
    Sequence.objects.filter(scope=scope, year=year).update(last=F("last") + 1)
    return Sequence.objects.get(scope=scope, year=year).last
