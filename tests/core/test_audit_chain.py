"""The audit log as a hash chain: built right, verified, tampering found, append-only in the database,
unforked under concurrency (PostgreSQL), pruned only through `gongkai audit prune`."""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.checks import check_audit_retention
from gongkai.core.models import GENESIS_HASH, AuditChain, AuditEvent
from tests.factories import AgencyFactory, staff

pytestmark = pytest.mark.django_db


def _sql(sql: str, params: list[object] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _drop_triggers() -> None:
    """What an intruder with database access does first (rolled back with the test's transaction)."""
    if connection.vendor == "postgresql":
        _sql("DROP TRIGGER core_auditevent_append_only ON core_auditevent")
    else:
        _sql("DROP TRIGGER core_auditevent_no_update")
        _sql("DROP TRIGGER core_auditevent_no_delete")


def _events(n: int = 5) -> list[AuditEvent]:
    agency = AgencyFactory()
    user = staff(agency, "admin")
    return [
        audit.record(user, f"test.step{i}", agency, agency=agency, reason=f"理由 {i}", data={"i": i})
        for i in range(n)
    ]


def test_entries_are_numbered_without_gaps_and_linked():
    events = _events(4)
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 4))
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    head = AuditChain.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (events[-1].seq, events[-1].hash)


def test_the_hash_is_sha256_over_the_sorted_json_of_the_entry():
    event = _events(1)[0]
    stored = AuditEvent.objects.get(pk=event.pk)
    payload = {
        "seq": stored.seq,
        "at": stored.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": stored.actor_id,
        "verb": stored.verb,
        "object_type": stored.object_type,
        "object_id": stored.object_id,
        "agency": stored.agency_id,
        "reason": stored.reason,
        "data": stored.data,
        "prev_hash": stored.prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert stored.hash == hashlib.sha256(text.encode()).hexdigest() == event.hash


def test_the_first_entry_follows_the_genesis_hash():
    first = AuditEvent.objects.order_by("seq").first() or _events(1)[0]
    if first.seq == 1:
        assert first.prev_hash == GENESIS_HASH


def test_data_is_stored_as_the_database_gives_it_back():
    agency = AgencyFactory()
    audit.record(
        None, "test.data", agency, data={"pair": (1, 2), 3: "int key", "nested": {"b": 1, "a": [None]}}
    )
    result = audit.verify()
    assert result.ok, result.problems


def test_verify_is_clean_on_untouched_data():
    _events(6)
    result = audit.verify()
    assert result.ok and result.triggers and not result.problems
    assert result.checked == AuditEvent.objects.count()


def test_changed_content_is_found_at_its_seq():
    events = _events(5)
    _drop_triggers()
    _sql("UPDATE core_auditevent SET reason = %s WHERE seq = %s", ["改过的理由", events[2].seq])
    result = audit.verify()
    assert not result.ok
    assert result.problems[0].seq == events[2].seq
    assert "content differs" in result.problems[0].message


def test_changed_content_with_a_recomputed_hash_breaks_the_next_link():
    events = _events(5)
    _drop_triggers()
    forged = AuditEvent.objects.get(seq=events[1].seq)
    forged.reason = "改过"
    new_hash = audit.entry_hash(forged)
    _sql("UPDATE core_auditevent SET reason = %s, hash = %s WHERE seq = %s", ["改过", new_hash, forged.seq])
    result = audit.verify()
    assert [p.seq for p in result.problems][:1] == [events[2].seq]
    assert "prev_hash" in result.problems[0].message


def test_a_row_deleted_from_the_middle_is_found():
    events = _events(5)
    _drop_triggers()
    assert _sql("DELETE FROM core_auditevent WHERE seq = %s", [events[2].seq]) == 1
    result = audit.verify()
    assert not result.ok
    assert result.problems[0].seq == events[2].seq
    assert "missing" in result.problems[0].message


def test_the_last_row_deleted_is_found_through_the_chain_head():
    events = _events(3)
    _drop_triggers()
    _sql("DELETE FROM core_auditevent WHERE seq = %s", [events[-1].seq])
    result = audit.verify()
    assert not result.ok and "missing" in result.problems[0].message


def test_missing_triggers_fail_verification():
    _events(2)
    _drop_triggers()
    result = audit.verify()
    assert not result.problems and not result.triggers and not result.ok


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET reason = 'x'",
        "UPDATE core_auditevent SET hash = hash",
        "DELETE FROM core_auditevent",
        "DELETE FROM core_auditevent WHERE seq = (SELECT max(seq) FROM core_auditevent)",
    ],
)
def test_the_database_refuses_update_and_delete(sql):
    _events(2)
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "reason", "hash"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql(sql)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "reason", "hash")) == before


def test_the_model_refuses_changes_too():
    event = _events(1)[0]
    event.reason = "x"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValueError, match="record"):
        AuditEvent(verb="x", object_type="a", object_id="1", seq=10**9).save()


def test_a_rolled_back_entry_leaves_no_gap():
    agency = AgencyFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(None, "test.rolled_back", agency)
        raise RuntimeError("the change failed")
    events = _events(2)
    assert events[1].seq == events[0].seq + 1
    assert audit.verify().ok


# --- retention -----------------------------------------------------------------------------------------


def _old_and_new(
    monkeypatch: pytest.MonkeyPatch, old: int, new: int
) -> tuple[list[AuditEvent], list[AuditEvent]]:
    agency = AgencyFactory()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - timedelta(days=400))
    old_events = [audit.record(None, "test.old", agency, agency=agency) for _ in range(old)]
    monkeypatch.setattr(timezone, "now", real_now)
    new_events = [audit.record(None, "test.new", agency, agency=agency) for _ in range(new)]
    return old_events, new_events


def test_prune_removes_old_entries_leaves_an_anchor_and_records_itself(monkeypatch):
    old, new = _old_and_new(monkeypatch, 3, 2)
    result = audit.prune(days=365)
    assert result.removed == 3
    assert not AuditEvent.objects.filter(seq__lte=old[-1].seq).exists()
    kept = AuditEvent.objects.filter(verb="test.new").order_by("seq").values_list("seq", flat=True)
    assert list(kept) == [e.seq for e in new]
    head = AuditChain.objects.get(pk=1)
    assert (head.anchor_seq, head.anchor_hash) == (old[-1].seq, old[-1].hash)
    event = AuditEvent.objects.get(verb="audit.prune")
    assert event.data["anchor_seq"] == old[-1].seq and event.data["removed"] == 3
    verified = audit.verify()
    assert verified.ok, verified.problems
    assert verified.first_seq == old[-1].seq + 1


def test_prune_with_nothing_old_changes_nothing(monkeypatch):
    _old_and_new(monkeypatch, 0, 2)
    count = AuditEvent.objects.count()
    assert audit.prune(days=365).removed == 0
    assert AuditEvent.objects.count() == count


def test_prune_refuses_less_than_six_months():
    with pytest.raises(ValueError, match="183"):
        audit.prune(days=182)


def test_pruned_chain_still_detects_tampering(monkeypatch):
    _old, new = _old_and_new(monkeypatch, 2, 3)
    audit.prune(days=365)
    _drop_triggers()
    _sql("DELETE FROM core_auditevent WHERE seq = %s", [new[0].seq])
    result = audit.verify()
    assert not result.ok and result.problems[0].seq == new[0].seq


def test_deleting_still_refused_after_a_prune(monkeypatch):
    _old_and_new(monkeypatch, 2, 2)
    audit.prune(days=365)
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("DELETE FROM core_auditevent")


@pytest.mark.parametrize(("days", "errors"), [(365, 0), (183, 0), (182, 1), (30, 1)])
def test_the_retention_setting_is_checked(days, errors):
    with override_settings(GONGKAI_AUDIT_RETENTION_DAYS=days):
        found = check_audit_retention(None)
    assert len(found) == errors
    assert all(e.id == "gongkai.E004" for e in found)


# --- the command ---------------------------------------------------------------------------------------


def test_command_verify_ok(capsys):
    _events(3)
    call_command("audit", "verify", "--no-progress")
    out = capsys.readouterr().out
    assert "OK" in out and "checked" in out


def test_command_verify_reports_the_first_break_with_status_1(capsys):
    events = _events(4)
    _drop_triggers()
    _sql("UPDATE core_auditevent SET data = %s WHERE seq = %s", ['{"i": 99}', events[1].seq])
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify", "--no-progress")
    assert exc.value.returncode == 1
    assert f"BROKEN at seq {events[1].seq}" in capsys.readouterr().err


def test_command_prune_refuses_a_broken_chain(monkeypatch):
    old, _new = _old_and_new(monkeypatch, 2, 1)
    _drop_triggers()
    _sql("UPDATE core_auditevent SET reason = 'x' WHERE seq = %s", [old[0].seq])
    with pytest.raises(CommandError, match="refusing"):
        call_command("audit", "prune")
    assert AuditEvent.objects.filter(seq=old[0].seq).exists()


def test_command_prune_and_verify(monkeypatch, capsys):
    old, _new = _old_and_new(monkeypatch, 3, 1)
    call_command("audit", "prune", "--days", "200")
    assert "removed" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(seq__lte=old[-1].seq).exists()
    call_command("audit", "verify", "--no-progress")
    with pytest.raises(CommandError, match="183"):
        call_command("audit", "prune", "--days", "100")


def test_command_export_is_formula_safe_and_recorded(tmp_path: Path):
    agency = AgencyFactory()
    audit.record(None, "test.export", agency, agency=agency, reason='=HYPERLINK("http://x")')
    out = tmp_path / "audit.csv"
    call_command("audit", "export", str(out), "--agency", agency.code)
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    event = AuditEvent.objects.filter(verb="audit.export").latest("seq")
    assert event.data["rows"] == 1 and event.data["format"] == "csv"


# --- flush and concurrency -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database():
    """A test database is wiped by flush (TRUNCATE on PostgreSQL; on SQLite the guard lets it through)."""
    _events(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    event = _events(1)[0]
    assert event.seq == 1 and event.prev_hash == GENESIS_HASH
    assert audit.verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain():
    agency = AgencyFactory()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            barrier.wait()
            for i in range(25):
                with transaction.atomic():
                    audit.record(None, f"test.{name}", agency, agency=agency, data={"i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [r[0] for r in rows] == list(range(1, 51))
    assert all(after[1] == before[2] for before, after in itertools.pairwise(rows))
    assert len({r[1] for r in rows}) == 50  # no two entries share a predecessor: no fork
    result = audit.verify()
    assert result.ok, result.problems
