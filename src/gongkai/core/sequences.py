"""Gap-free sequences: the next number of a scope and year, taken under a row lock.

The scopes, and the rows that carry the numbers taken from them:

- ``application:<agency>``: 申请编号 ``430S00-2025-00004`` (``Application.number``);
- ``index:<agency>``: 索引号 ``430S00/2025-000012`` (``Item.index_number``, ``Document.index_number``);
- ``normative-reg:<agency>:<kind>``: 登记号 ``HNZRZY-2020-001`` (``Document.registration_number``);
- ``normative-num:<agency>:<kind>``: 文号 ``湘自然资规〔2020〕1号`` (``Document.document_number``).

A number handed out must never be handed out again, also after the database was restored from an
older backup (bad inputs 19): :func:`carry_forward` (called by ``gongkai restore``) sets every sequence
to the higher of its restored value and its value before the restore, optionally plus a margin;
:func:`check` compares every sequence with the highest number the rows carry (``gongkai sequences
check``) and :func:`repair` moves a sequence that is behind past it (``--repair``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from gongkai.core.models import Sequence

Key = tuple[str, int]  # (scope, year)


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


# --- the numbers the rows carry ------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """The highest number of a scope and year found in the rows."""

    scope: str
    year: int
    serial: int
    number: str  # that number as issued (no personal data: a case or document number)
    source: str  # model.field it was found in


def _keep(found: dict[Key, Issued], scope: str, year: int, serial: int, number: str, source: str) -> None:
    key = (scope, year)
    if key not in found or serial > found[key].serial:
        found[key] = Issued(scope, year, serial, number, source)


def issued() -> dict[Key, Issued]:
    """The highest number per (scope, year) in the rows that carry numbers: one query per kind of row.

    Only numbers in the system's own format count (an imported number in another agency's style was
    never taken from a sequence)."""
    from gongkai.applications.models import Application
    from gongkai.normative import lifecycle
    from gongkai.normative.models import Document, NumberingScheme
    from gongkai.publishing.models import Item

    found: dict[Key, Issued] = {}
    application = re.compile(r"(?P<code>.+)-(?P<year>[0-9]{4})-(?P<serial>[0-9]{5,})")
    for code, number in Application.objects.values_list("agency__code", "number").iterator(chunk_size=2000):
        m = application.fullmatch(number or "")
        if m and m["code"] == code:
            _keep(found, f"application:{code}", int(m["year"]), int(m["serial"]), number, "申请编号")
    index = re.compile(r"(?P<code>.+)/(?P<year>[0-9]{4})-(?P<serial>[0-9]{6,})")
    for model in (Item, Document):
        rows = model.objects.exclude(index_number="").exclude(index_number__isnull=True)
        for agency_code, index_number in rows.values_list("agency__code", "index_number").iterator(
            chunk_size=2000
        ):
            m = index.fullmatch(index_number or "")
            if m and m["code"] == agency_code:
                _keep(found, f"index:{agency_code}", int(m["year"]), int(m["serial"]), m[0], "索引号")
    schemes = {
        (agency_id, kind): (document_prefix, registration_prefix)
        for agency_id, kind, document_prefix, registration_prefix in NumberingScheme.objects.values_list(
            "agency_id", "kind", "document_prefix", "registration_prefix"
        )
    }
    documents = Document.objects.values_list(
        "agency_id", "agency__code", "kind", "document_number", "registration_number"
    )
    for agency_id, code, kind, document_number, registration_number in documents.iterator(chunk_size=2000):
        scheme = schemes.get((agency_id, kind))
        if scheme is None:
            continue
        parsed = lifecycle.parse_document_number(document_number or "")
        if parsed and parsed[0] == scheme[0]:
            _keep(found, f"normative-num:{code}:{kind}", parsed[1], parsed[2], document_number, "文号")
        parsed = lifecycle.parse_registration_number(registration_number or "")
        if parsed and parsed[0] == scheme[1]:
            _keep(found, f"normative-reg:{code}:{kind}", parsed[1], parsed[2], registration_number, "登记号")
    return found


def known_scopes() -> set[str]:
    """Every scope numbers can be taken from now: per agency, and per numbering scheme."""
    from gongkai.normative.models import NumberingScheme
    from gongkai.orgs.models import Agency

    scopes: set[str] = set()
    for code in Agency.objects.values_list("code", flat=True):
        scopes |= {f"application:{code}", f"index:{code}"}
    for code, kind in NumberingScheme.objects.values_list("agency__code", "kind"):
        scopes |= {f"normative-reg:{code}:{kind}", f"normative-num:{code}:{kind}"}
    return scopes


def current() -> dict[Key, int]:
    return {
        (scope, year): last for scope, year, last in Sequence.objects.values_list("scope", "year", "last")
    }


# --- check and repair ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Behind:
    """A sequence whose next number would repeat one the rows already carry."""

    issued: Issued
    last: int | None  # the sequence's value (None: no row yet)

    @property
    def scope(self) -> str:
        return self.issued.scope

    @property
    def year(self) -> int:
        return self.issued.year


def check() -> list[Behind]:
    """Every (scope, year) whose sequence is below the highest number found in the rows."""
    values = current()
    return [
        Behind(found, values.get(key))
        for key, found in sorted(issued().items())
        if values.get(key, 0) < found.serial
    ]


@dataclass(frozen=True)
class Change:
    scope: str
    year: int
    before: int | None  # None: there was no row
    after: int

    def as_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "year": self.year, "before": self.before, "after": self.after}


def _set(scope: str, year: int, value: int) -> None:
    Sequence.objects.get_or_create(scope=scope, year=year)
    Sequence.objects.filter(scope=scope, year=year, last__lt=value).update(last=value)


@transaction.atomic
def repair(*, by: Any = None) -> list[Change]:
    """Move every sequence that is behind to the highest number the rows carry; audited."""
    from gongkai.core import audit

    list(Sequence.objects.select_for_update().values_list("pk", flat=True))  # lock them (PostgreSQL)
    changes = []
    for behind in check():
        _set(behind.scope, behind.year, behind.issued.serial)
        changes.append(Change(behind.scope, behind.year, behind.last, behind.issued.serial))
    if changes:
        audit.record(
            by,
            "system.sequences_repair",
            audit.chain_head(),
            data={"changes": [c.as_dict() for c in changes]},
        )
    return changes


def carry_forward(previous: Mapping[Key, int], *, margin: int = 0, years: Iterable[int] = ()) -> list[Change]:
    """After a restore: every sequence to max(restored value, ``previous`` value) + ``margin``.

    ``previous`` holds the sequences the database had before it was replaced (empty when it could not
    be read). With a margin, the scopes that can take numbers (:func:`known_scopes`) also get a row for
    each of ``years`` (the backup's year to this year), so numbers of a year the backup did not know
    yet are skipped as well. Returns the changes; runs in the caller's transaction or its own."""
    if margin < 0:
        raise ValueError("margin must not be negative")
    with transaction.atomic():
        restored = current()
        keys = set(restored) | set(previous)
        if margin:
            scopes = known_scopes() | {scope for scope, _year in keys}
            keys |= {(scope, year) for scope in scopes for year in years}
        changes = []
        for scope, year in sorted(keys):
            before = restored.get((scope, year))
            after = max(before or 0, previous.get((scope, year), 0)) + margin
            if after > (before or 0):
                _set(scope, year, after)
                changes.append(Change(scope, year, before, after))
    return changes
