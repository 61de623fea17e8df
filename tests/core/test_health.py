"""Bad input 26: /healthz and ``gongkai health`` report storage and the other services, with fault
injection (a read-only or impossible media directory, a full disk, a missing index, a broken cache,
database or audit chain head)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client, override_settings

from gongkai.core import audit, health
from gongkai.core.models import AuditChain

pytestmark = pytest.mark.django_db
URL = "/healthz"


@pytest.fixture
def places(tmp_path: Path):
    """A media directory and a search index directory of the test's own."""
    media, index = tmp_path / "media", tmp_path / "search-index"
    media.mkdir()
    index.mkdir()
    audit.chain_head()  # as after `migrate` (a flush in an earlier test may have removed it)
    with override_settings(MEDIA_ROOT=str(media), GONGKAI_SEARCH_INDEX=str(index)):
        yield {"media": media, "index": index, "root": tmp_path}


def get(expected: int) -> dict:
    r = Client().get(URL)
    assert r.status_code == expected, r.content
    assert r["Content-Type"] == "application/json"
    assert r["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in r.headers
    return json.loads(r.content)


def test_healthy_answers_200_with_every_check(places):
    body = get(200)
    assert body == {
        "status": "ok",
        "checks": {k: "ok" for k in ("database", "cache", "storage", "disk", "search", "audit")},
    }
    assert list(places["media"].rglob("*.health-*")) == []  # the probe file is removed again


def test_only_get(places):
    assert Client().post(URL).status_code == 405


def test_a_read_only_media_directory_is_named(places):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod does not stop root from writing (see the next test)")
    media = places["media"]
    media.chmod(0o500)
    try:
        body = get(503)
    finally:
        media.chmod(0o700)
    assert body["status"] == "fail" and body["failing"] == ["storage"]
    assert body["checks"]["storage"] == "cannot write to the upload storage: PermissionError (EACCES)"


def test_a_media_directory_that_cannot_exist_is_named(places):
    """Works as root too: a directory cannot be made below a regular file."""
    blocker = places["root"] / "a-file"
    blocker.write_bytes(b"x")
    with override_settings(MEDIA_ROOT=str(blocker / "media")):
        body = get(503)
    assert body["failing"] == ["storage"]
    assert body["checks"]["storage"].startswith("cannot write to the upload storage: ")
    assert str(places["root"]) not in json.dumps(body)  # no paths in a public answer


def test_low_disk_space_is_named(places):
    with override_settings(GONGKAI_HEALTH_MIN_FREE_PERCENT=100.5):
        body = get(503)
    assert body["failing"] == ["disk"] and body["checks"]["disk"].startswith("low free space for media")
    with override_settings(GONGKAI_HEALTH_MIN_FREE_MB=10**12):
        assert get(503)["failing"] == ["disk"]


def test_a_missing_search_index_is_named(places):
    places["index"].rmdir()
    body = get(200)  # search falls back on the database: degraded, still serving
    assert body["status"] == "degraded" and body["checks"]["search"] == "search index directory missing"


def test_a_cache_that_forgets_is_named(places):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        body = get(503)
    assert body["failing"] == ["cache"] and body["checks"]["cache"] == "value written was not read back"


def test_a_database_error_is_named_without_its_message(places, monkeypatch):
    class Broken:
        def cursor(self):
            raise OperationalError("could not connect to server at /secret/path as user gongkai")

    monkeypatch.setattr(health, "connection", Broken())
    body = get(503)
    assert body["checks"]["database"] == "OperationalError"
    assert "secret" not in json.dumps(body) and "Traceback" not in json.dumps(body)


def test_an_audit_chain_head_that_disagrees_or_is_missing_is_named(places):
    audit.record(None, "test.health", AuditChain.objects.get(pk=1))
    AuditChain.objects.filter(pk=1).update(last_hash="f" * 64)
    body = get(200)  # an integrity alarm for the administrators, not a reason to stop serving
    assert body["status"] == "degraded" and body["failing"] == ["audit"]
    AuditChain.objects.all().delete()
    assert get(200)["checks"]["audit"] == "audit chain head missing"


def test_the_entry_the_head_names_is_checked_and_a_head_left_behind_is_reported(places):
    audit.record(None, "test.health", AuditChain.objects.get(pk=1))
    assert health.run({"audit": health.check_audit}).ok
    # an entry beyond the head that the head then names (a write in progress, seen half-way)
    head = AuditChain.objects.get(pk=1)
    audit.record(None, "test.health", head)
    AuditChain.objects.filter(pk=1).update(last_seq=head.last_seq, last_hash=head.last_hash)
    assert not health.run({"audit": health.check_audit}).ok  # a head that stays behind is reported


def test_the_command_prints_the_checks_and_exits_1_on_failure(places, capsys):
    call_command("health")
    out = capsys.readouterr().out
    assert re.search(r"^storage +ok$", out, re.M) and out.rstrip().endswith("status: ok")
    call_command("health", "--json")
    assert json.loads(capsys.readouterr().out)["status"] == "ok"
    blocker = places["root"] / "a-file"
    blocker.write_bytes(b"x")
    with override_settings(MEDIA_ROOT=str(blocker / "media")), pytest.raises(CommandError) as failed:
        call_command("health")
    assert failed.value.returncode == 1 and "storage" in str(failed.value)
    assert re.search(r"^storage +cannot write to the upload storage", capsys.readouterr().out, re.M)
