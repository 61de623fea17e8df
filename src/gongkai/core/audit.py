"""The audit trail: an append-only, tamper-evident log of every change.

:func:`record` is called by service functions inside their transaction. Each entry carries a gap-free
``seq``, the ``hash`` of the entry before it (``prev_hash``) and its own ``hash``: SHA-256 over the
canonical form (JSON, sorted keys, no spaces, UTF-8) of ``seq``, ``at`` (UTC, ISO 8601 with
microseconds), actor id, verb, object type and id, agency id, reason, data and ``prev_hash``.
Appends lock the chain head (:class:`~gongkai.core.models.AuditChain`, ``select_for_update`` on
PostgreSQL; SQLite serialises writers), so two transactions never fork the chain.

Database triggers refuse UPDATE and DELETE of entries (migration ``0006``); :func:`prune` is the only
deletion path: it removes entries older than ``GONGKAI_AUDIT_RETENTION_DAYS`` in one transaction and
leaves an anchor (``seq`` and ``hash`` of the last removed entry) where :func:`verify` starts.

Exports (:func:`to_csv`, :func:`to_xlsx`) mask personal data and never let a cell become a formula.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from gongkai.core import identity, pagecache, spreadsheets
from gongkai.core.models import GENESIS_HASH, AuditChain, AuditEvent

MIN_RETENTION_DAYS = 183  # six months: MLPS 2.0 (等保) and the floor
TABLE = AuditEvent._meta.db_table
SQLITE_TRIGGERS = {f"{TABLE}_no_update", f"{TABLE}_no_delete"}
PG_TRIGGER = f"{TABLE}_append_only"


# --- the chain ---------------------------------------------------------------------------------------


def canonical(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    verb: str,
    object_type: str,
    object_id: str,
    agency_id: int | None,
    reason: str,
    data: Any,
    prev_hash: str,
) -> bytes:
    """The bytes an entry's hash is taken over (migration 0005 holds a copy: keep them equal)."""
    payload = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "verb": verb,
        "object_type": object_type,
        "object_id": object_id,
        "agency": agency_id,
        "reason": reason,
        "data": data,
        "prev_hash": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def entry_hash(event: AuditEvent) -> str:
    return hashlib.sha256(
        canonical(
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            verb=event.verb,
            object_type=event.object_type,
            object_id=event.object_id,
            agency_id=event.agency_id,
            reason=event.reason,
            data=event.data,
            prev_hash=event.prev_hash,
        )
    ).hexdigest()


def _lock_head() -> AuditChain:
    """The chain head, locked until the caller's transaction ends (created if missing)."""
    head = AuditChain.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    try:
        with transaction.atomic():
            AuditChain.objects.create(
                pk=1,
                last_seq=last["seq"] if last else 0,
                last_hash=last["hash"] if last else GENESIS_HASH,
            )
    except IntegrityError:
        pass  # created concurrently by another transaction: it exists now
    return AuditChain.objects.select_for_update().get(pk=1)


def chain_head() -> AuditChain:
    """The chain head (not locked): the object of entries about the log itself (export, prune)."""
    head = AuditChain.objects.filter(pk=1).first()
    if head is None:
        with transaction.atomic():
            head = _lock_head()
    return head


def record(
    actor: Any,
    verb: str,
    obj: Model,
    *,
    agency: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an entry to the chain, in the caller's transaction (or its own when there is none)."""
    # Store exactly what the database will give back (tuples become lists, keys strings), so the hash
    # recomputed from the stored row is the hash computed now.
    payload = json.loads(json.dumps(data or {}, allow_nan=False))
    with transaction.atomic():
        head = _lock_head()
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),  # taken under the lock: time order is seq order
            actor=actor if getattr(actor, "pk", None) else None,
            verb=verb,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            agency=agency,
            reason=reason,
            data=payload,
            prev_hash=head.last_hash,
        )
        event.hash = entry_hash(event)
        event.save(force_insert=True)
        AuditChain.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    if _changes_public_pages(verb):
        pagecache.invalidate_on_commit()
    return event


# What the public portal shows comes from these areas; an audited change in one of them (a publication,
# a correction, an attachment, a catalogue column moved, a disclosure date entered, a report cell…)
# starts a new generation of the page cache. Reading (reveal, export) changes nothing.
PUBLIC_AREAS = frozenset({"item", "catalogue", "guide", "normative", "credit", "land", "report", "mailbox"})
_READ_ONLY_ACTIONS = frozenset({"reveal", "export"})


def _changes_public_pages(verb: str) -> bool:
    area, _, action = verb.partition(".")
    return area in PUBLIC_AREAS and action not in _READ_ONLY_ACTIONS


# --- verification ------------------------------------------------------------------------------------


@dataclass
class Problem:
    seq: int
    message: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.message}"


@dataclass
class Verification:
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    anchor_seq: int = 0
    head_seq: int = 0
    triggers: bool = True
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.triggers


_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "verb",
    "object_type",
    "object_id",
    "agency_id",
    "reason",
    "data",
    "prev_hash",
    "hash",
)


def verify(*, progress: bool = False) -> Verification:
    """Recompute the chain from the prune anchor to the head; every break is reported with its seq."""
    from tqdm import tqdm

    head = AuditChain.objects.filter(pk=1).first() or AuditChain(pk=1)
    result = Verification(anchor_seq=head.anchor_seq, head_seq=head.last_seq, triggers=triggers_installed())
    rows = AuditEvent.objects.filter(seq__gt=head.anchor_seq, seq__lte=head.last_seq).order_by("seq")
    total = rows.count()
    expected, prev = head.anchor_seq + 1, head.anchor_hash
    problems = result.problems
    with tqdm(total=total, disable=not progress or total < 10_000, unit=" 条", leave=False) as bar:
        for values in rows.values_list(*_FIELDS).iterator(chunk_size=2000):
            row = dict(zip(_FIELDS, values, strict=True))
            seq = row["seq"]
            if result.first_seq is None:
                result.first_seq = seq
            if seq != expected:
                problems.append(
                    Problem(expected, f"entries {expected}–{seq - 1} are missing (deleted from the chain)")
                )
            elif row["prev_hash"] != prev:
                problems.append(Problem(seq, "prev_hash differs from the hash of the entry before it"))
            recomputed = hashlib.sha256(
                canonical(**{k: v for k, v in row.items() if k != "hash"})
            ).hexdigest()
            if recomputed != row["hash"]:
                problems.append(
                    Problem(
                        seq,
                        "content differs from what was hashed "
                        f"(stored hash {row['hash'][:12]}…, recomputed {recomputed[:12]}…)",
                    )
                )
            prev, expected = row["hash"], seq + 1
            result.checked += 1
            result.last_seq = seq
            bar.update()
    if expected - 1 != head.last_seq:
        problems.append(
            Problem(
                expected,
                f"entries {expected}–{head.last_seq} are missing (the chain head is at {head.last_seq})",
            )
        )
    elif prev != head.last_hash:
        problems.append(Problem(head.last_seq, "the last entry's hash differs from the chain head"))
    return result


def triggers_installed() -> bool:
    """Are the append-only triggers in the database (a rebuilt SQLite table loses them)?"""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            return {name for (name,) in cursor.fetchall()} >= SQLITE_TRIGGERS
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s "
                "AND tgenabled <> 'D'",
                [TABLE, PG_TRIGGER],
            )
            return cursor.fetchone()[0] == 1
    return False


# --- retention ---------------------------------------------------------------------------------------


@contextmanager
def _deletion_allowed() -> Iterator[None]:
    """Let this transaction delete entries (prune only). PostgreSQL: a transaction-local setting the
    trigger reads; SQLite: a flag of this connection the trigger reads through a registered function."""
    if not connection.in_atomic_block:
        raise RuntimeError("deleting audit entries must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('gongkai.audit_unlocked', 'on', true)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('gongkai.audit_unlocked', 'off', true)")
    else:
        connection.gongkai_audit_unlocked = True  # type: ignore[attr-defined]
        try:
            yield
        finally:
            connection.gongkai_audit_unlocked = False  # type: ignore[attr-defined]


@dataclass
class Pruned:
    removed: int
    anchor_seq: int
    cutoff: datetime
    retention_days: int


def retention_days() -> int:
    return int(settings.GONGKAI_AUDIT_RETENTION_DAYS)


def prune(*, days: int | None = None, now: datetime | None = None, by: Any = None) -> Pruned:
    """Remove the entries older than the retention, keep the chain verifiable from an anchor and record
    the prune itself. Only a prefix of the chain is removed: everything before the first entry that is
    still within the retention."""
    days = retention_days() if days is None else days
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"the audit log is kept at least {MIN_RETENTION_DAYS} days (asked: {days})")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        head = _lock_head()
        first_kept = AuditEvent.objects.filter(seq__gt=head.anchor_seq, at__gte=cutoff).order_by("seq")
        boundary = first_kept.values_list("seq", flat=True).first() or head.last_seq + 1
        last = AuditEvent.objects.filter(seq__gt=head.anchor_seq, seq__lt=boundary).order_by("-seq").first()
        if last is None:
            return Pruned(0, head.anchor_seq, cutoff, days)
        with _deletion_allowed(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(TABLE)} WHERE seq <= %s",  # noqa: S608
                [last.seq],
            )
            removed = cursor.rowcount
        AuditChain.objects.filter(pk=1).update(
            anchor_seq=last.seq, anchor_hash=last.hash, anchor_at=last.at, pruned_at=timezone.now()
        )
        record(
            by,
            "audit.prune",
            head,
            data={
                "removed": removed,
                "anchor_seq": last.seq,
                "anchor_hash": last.hash,
                "cutoff": cutoff.isoformat(),
                "retention_days": days,
            },
        )
    return Pruned(removed, last.seq, cutoff, days)


# --- export ------------------------------------------------------------------------------------------

EXPORT_HEADERS = ["序号", "时间", "操作人", "操作", "对象类型", "对象编号", "机关", "理由", "内容", "校验值"]
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub(text: str) -> str:
    """Mask anything that looks like an ID number, a mobile number or an email address."""
    text = _ID_NUMBER.sub(lambda m: identity.mask(m.group()), text)
    text = _MOBILE.sub(lambda m: identity.mask_phone(m.group()), text)
    return _EMAIL.sub(lambda m: m.group()[:1] + "***@" + m.group().split("@", 1)[1], text)


def actor_label(event: AuditEvent) -> str:
    """Staff by user name; a public account only by its number (its user name may be a phone)."""
    user = event.actor
    if user is None:
        return "系统"
    if getattr(user, "kind", None) == "staff":
        return user.username
    return f"公众账户#{user.pk}"


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def export_values(event: AuditEvent) -> list[str]:
    local = timezone.localtime(event.at)
    return [
        str(event.seq),
        local.strftime("%Y-%m-%d %H:%M:%S"),
        actor_label(event),
        event.verb,
        event.object_type,
        event.object_id,
        event.agency.code if event.agency else "",
        scrub(event.reason),
        scrub(json_text(event.data)),
        event.hash,
    ]


def export_rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    for event in events.select_related("actor", "agency").order_by("seq").iterator(chunk_size=1000):
        yield [spreadsheets.csv_cell(v) for v in export_values(event)]


def to_csv(rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with BOM (Excel reads it as UTF-8), CRLF line ends, formula-safe cells."""
    return spreadsheets.write_csv(EXPORT_HEADERS, rows)


def to_xlsx(rows: Iterable[list[str]]) -> bytes:
    """Every cell a string cell (``data_type = "s"``) and formula-safe as in CSV."""
    return spreadsheets.write_xlsx("操作记录", EXPORT_HEADERS, rows)
