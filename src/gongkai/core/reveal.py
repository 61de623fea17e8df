"""A logged look at personal data that the staff screens otherwise show masked (bad-inputs 13).

Screens show ID numbers, phones, addresses and accounts through the ``*_masked`` properties. A person the
caller's access rules allow may ask to see the full values of a record: :func:`reveal` returns them and
writes one audit entry in the same transaction — who, the record, and the *names* of the fields shown,
never the values. The page that shows them is :func:`private` (never stored by a browser or a proxy) and
shows them for that one answer only. Used by 双公示 decisions and by applications.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse

from gongkai.core import audit


@transaction.atomic
def reveal(obj: Model, fields: Iterable[str], *, by: Any, verb: str, agency: Any) -> dict[str, str]:
    """The full values of ``fields`` of ``obj`` that have one, recorded as ``verb`` (data: the field
    names). The caller has already asked its access rules whether ``by`` may see them."""
    shown = {name: value for name in fields if (value := getattr(obj, name))}
    audit.record(by, verb, obj, agency=agency, data={"fields": sorted(shown)})
    return shown


def private[R: HttpResponse](response: R) -> R:
    """A page that shows revealed values: no cache may keep it."""
    response["Cache-Control"] = "private, no-store"
    return response
