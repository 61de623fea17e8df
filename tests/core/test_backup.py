"""Backup and restore (issue 10, item 6): a backup restored into a fresh database holds every case, file
and audit entry, the audit chain verifies, numbers continue, and a damaged archive is refused.

The backup runs in the test process (against the test database); the restore runs as the operator runs
it, ``gongkai restore`` in a subprocess pointed at a fresh database (SQLite: another file; PostgreSQL: a
second database created with psql) and a fresh MEDIA_ROOT. The restored database is then read through a
second connection alias.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import load_backend

from gongkai.applications import services
from gongkai.applications.models import Application, Attachment
from gongkai.core import audit, backup
from gongkai.core.models import AuditEvent, Sequence
from gongkai.orgs.models import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.models import CatalogueNode, Item
from tests.factories import ApplicantFactory, UnitFactory, staff
from tests.upload_samples import PDF

pytestmark = pytest.mark.django_db(transaction=True)

GONGKAI = str(Path(sys.executable).parent / "gongkai")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
COUNTER_APPLICANT = {
    "applicant_column": "natural_person",
    "applicant_name": "张建国",
    "id_type": "resident_id",
    "id_number": "430121196803150032",
    "phone": "13807310001",
    "address": "湖南省长沙县黄花镇某村",
}


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def filled(tree, media) -> dict[str, Any]:
    """A few applications (one filed online), two attachments, a published item, audit entries."""
    province = tree["province"]
    unit = UnitFactory(agency=province, name="耕地保护监督处")
    clerk = staff(province, Role.CLERK)
    cases = [
        services.application_register(
            agency=province,
            channel="in_person",
            event_date=date(2025, 9, 26),
            applicant=dict(COUNTER_APPLICANT),
            data={"description": f"长沙县黄花镇2019年征地批复（第{i}件）"},
            by=clerk,
        )
        for i in range(3)
    ]
    services.application_assign(application=cases[0], units=[unit], by=clerk)
    online = services.application_submit_online(
        applicant=ApplicantFactory(), agency=province, data={"description": "浏阳市2020年土地征收公告"}
    )
    services.attach(
        application=cases[0],
        upload=SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf"),
        kind="identity",
        by=clerk,
    )
    services.attach(
        application=online,
        upload=SimpleUploadedFile("现场照片.png", PNG, content_type="image/png"),
        kind="request",
        by=online.account,
    )
    publishing.catalogue_seed(province)
    writer, reviewer, publisher = (staff(province, r) for r in (Role.CLERK, Role.REVIEWER, Role.PUBLISHER))
    item = publishing.item_create(
        agency=province,
        by=writer,
        data={
            "node": CatalogueNode.objects.get(agency=province, name="征地信息"),
            "title": "长沙县2025年第3批次建设用地征收土地的批复",
            "formed_on": date(2025, 9, 1),
        },
    )
    publishing.item_submit(item=item, by=writer)
    publishing.item_review(item=item, approve=True, note="不涉密", by=reviewer)
    item = publishing.item_publish(item=item, by=publisher)
    assert AuditEvent.objects.count() >= 4 and Attachment.objects.count() == 2
    return {"agency": province, "cases": [*cases, online], "item": item, "clerk": clerk}


# --- helpers ---------------------------------------------------------------------------------------------


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GONGKAI, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, Any]]]:
    """A fresh, empty database of the vendor under test: (environment for a subprocess, settings for an
    extra connection alias)."""
    current = dict(connections["default"].settings_dict)
    data_dir = tmp_path / "restored"
    data_dir.mkdir()
    env = {"GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_MEDIA_ROOT": str(data_dir / "media")}
    if connection.vendor == "sqlite":
        path = data_dir / "gongkai.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        yield env, {**current, "NAME": str(path)}
        return
    name = f"{current['NAME']}_restored"
    host, port, user = current["HOST"] or "127.0.0.1", str(current["PORT"] or 5432), current["USER"]
    psql_env = {**os.environ, "PGPASSWORD": current.get("PASSWORD") or ""}
    psql = ["psql", "-h", host, "-p", port, "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc"]
    subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}"'], env=psql_env, check=True)
    subprocess.run([*psql, f'CREATE DATABASE "{name}"'], env=psql_env, check=True)
    password = f":{current['PASSWORD']}" if current.get("PASSWORD") else ""
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{name}"
    try:
        yield env, {**current, "NAME": name}
    finally:
        subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], env=psql_env, check=False)


@contextmanager
def alias(settings_dict: dict[str, Any]) -> Iterator[str]:
    """Read the restored database through the ORM: ``Model.objects.using(alias)``. The connection is
    registered directly (not in the configured aliases), which Django's test case allows."""
    name = "restored"
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, name)
    setattr(connections._connections, name, wrapper)
    try:
        yield name
    finally:
        wrapper.close()
        delattr(connections._connections, name)


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def write_archive(path: Path, content: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in content.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


NEXT_NUMBERS = """
from django.db import transaction
from gongkai.applications import services
from gongkai.orgs.models import Agency, User
from gongkai.publishing.services import next_index_number
agency = Agency.objects.get(code="430S00")
app = services.application_register(
    agency=agency, channel="in_person", event_date=__import__("datetime").date(2025, 9, 29),
    applicant={"applicant_column": "natural_person", "applicant_name": "李四"},
    data={"description": "恢复后的新申请"}, by=User.objects.filter(kind="staff").first())
with transaction.atomic():
    index = next_index_number(agency, YEAR)
print(app.number, index)
"""


# --- the round trip -----------------------------------------------------------------------------------------


def test_restore_into_a_fresh_sqlite_file(filled, media, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL round trip is test_restore_into_a_fresh_postgresql_database")
    round_trip(filled, media, tmp_path)


@pytest.mark.postgres
def test_restore_into_a_fresh_postgresql_database(filled, media, tmp_path):
    archive = round_trip(filled, media, tmp_path)
    assert members(archive)["database/gongkai.pgdump"].startswith(b"PGDMP")  # pg_dump's custom format


def round_trip(filled: dict[str, Any], media: Path, tmp_path: Path) -> Path:
    """Back up, restore into a fresh database with ``gongkai restore``, find every case, file and audit
    entry, verify the chain, and check that the next numbers were never issued."""
    archive = tmp_path / "gongkai.tar.gz"
    call_command("backup", "-o", str(archive), "--no-progress", stdout=io.StringIO())
    manifest = json.loads(members(archive)["manifest.json"])
    head_seq = manifest["audit"]["seq"]
    original_events = list(
        AuditEvent.objects.filter(seq__lte=head_seq).order_by("seq").values_list("seq", "hash", "verb")
    )
    assert (
        head_seq == len(original_events) and AuditEvent.objects.order_by("seq").last().verb == "system.backup"
    )
    originals = {
        a.public_id: (a.number, a.status, a.id_number, a.phone, a.description)
        for a in Application.objects.all()
    }
    files = {a.public_id: (a.file.name, (media / a.file.name).read_bytes()) for a in Attachment.objects.all()}
    sequences = dict(Sequence.objects.values_list("scope", "last"))
    item = filled["item"]

    with fresh_database(tmp_path) as (env, settings_dict):
        restored = run("restore", str(archive), "--no-progress", env=env)
        assert restored.returncode == 0, restored.stderr
        assert "操作记录校验通过" in restored.stdout and "applications_application" in restored.stdout
        assert "不一致" not in restored.stdout

        with alias(settings_dict) as db:
            assert {
                a.public_id: (a.number, a.status, a.id_number, a.phone, a.description)
                for a in Application.objects.using(db).all()
            } == originals
            restored_media = Path(env["GONGKAI_MEDIA_ROOT"])
            for attachment in Attachment.objects.using(db).all():
                name, content = files[attachment.public_id]
                assert attachment.file.name == name
                assert (restored_media / name).read_bytes() == content
            assert Attachment.objects.using(db).count() == len(files)
            events = list(AuditEvent.objects.using(db).order_by("seq").values_list("seq", "hash", "verb"))
            assert events[:-1] == original_events
            assert events[-1][0] == head_seq + 1 and events[-1][2] == "system.restore"
            assert dict(Sequence.objects.using(db).values_list("scope", "last")) == sequences
            assert Item.objects.using(db).get(pk=item.pk).index_number == item.index_number
        verified = run("audit", "verify", "--no-progress", env=env)
        assert verified.returncode == 0 and "OK" in verified.stdout, verified.stderr

        # The next numbers are new ones: the case number and the 索引号 continue after the last issued.
        year, serial = item.index_number.rsplit("/", 1)[1].split("-")
        script = NEXT_NUMBERS.replace("YEAR", str(int(year)))
        number, index = run("shell", "-c", script, env=env).stdout.split()[-2:]
        issued = {n for n, *_ in originals.values()}
        assert number not in issued and number == "430S00-2025-00004"
        assert index != item.index_number and index.endswith(f"{int(serial) + 1:0{len(serial)}d}")

        # Restoring again over what is now in use needs --yes; the number issued since (00004) is read
        # before the database is replaced and kept, and --skip-numbers (--sequence-margin) jumps 100 more.
        again = run("restore", str(archive), "--no-progress", env=env)
        assert again.returncode == 1 and "目标数据库不是空的" in again.stderr
        again = run("restore", str(archive), "--yes", "--skip-numbers", "100", "--no-progress", env=env)
        assert again.returncode == 0, again.stderr
        number, _index = run("shell", "-c", script, env=env).stdout.split()[-2:]
        assert number == "430S00-2025-00105"
    return archive


# --- the manifest -------------------------------------------------------------------------------------------


def test_manifest_describes_the_archive(filled, tmp_path):
    result = backup.create(tmp_path / "b.tar.gz")
    manifest, content = result.manifest, members(result.path)
    assert json.loads(content["manifest.json"]) == manifest
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["applications_application"] == 4
    assert manifest["counts"]["applications_attachment"] == 2
    assert "0006_audit_append_only" in manifest["migrations"]["core"]
    head = audit.chain_head()
    assert manifest["audit"] == {"seq": head.last_seq, "hash": head.last_hash, "anchor_seq": 0}
    assert manifest["media"]["files"] == 2
    assert set(manifest["members"]) == set(content) - {"manifest.json"}
    import hashlib

    for name, meta in manifest["members"].items():
        assert hashlib.sha256(content[name]).hexdigest() == meta["sha256"]
    assert oct(result.path.stat().st_mode & 0o777) == "0o600"  # personal data inside
    # No personal data in clear in the manifest.
    text = content["manifest.json"].decode()
    assert "张建国" not in text and "430121196803150032" not in text and "13807310001" not in text


# --- refusals -----------------------------------------------------------------------------------------------


def test_an_archive_with_one_byte_changed_is_refused(filled, tmp_path):
    archive = backup.create(tmp_path / "b.tar.gz").path
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(bytes(data))
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=r"备份文件已损坏.*未做任何恢复"):
        call_command("restore", str(bad), "--yes", "--no-progress")
    assert AuditEvent.objects.count() == before and Application.objects.count() == 4


def test_a_member_that_differs_from_the_manifest_is_refused(filled, tmp_path):
    content = members(backup.create(tmp_path / "b.tar.gz").path)
    name = next(n for n in content if n.startswith("media/"))
    content[name] = content[name][:-1] + bytes([content[name][-1] ^ 0x01])
    bad = write_archive(tmp_path / "bad.tar.gz", content)
    with pytest.raises(CommandError, match=f"{name} 的 SHA-256 校验值与清单不符"):
        call_command("restore", str(bad), "--yes", "--no-progress")
    del content[name]
    with pytest.raises(CommandError, match="备份文件不完整"):
        call_command("restore", str(write_archive(tmp_path / "short.tar.gz", content)), "--yes")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes((tmp_path / "b.tar.gz").read_bytes()[:2000])
    with pytest.raises(CommandError, match="备份文件已损坏"):
        call_command("restore", str(truncated), "--yes", "--no-progress")
    (tmp_path / "nonsense.tar.gz").write_text("这不是备份")
    with pytest.raises(CommandError, match="备份文件已损坏或不是 Gongkai 备份"):
        call_command("restore", str(tmp_path / "nonsense.tar.gz"), "--yes", "--no-progress")


def test_an_archive_with_a_path_outside_is_refused(filled, tmp_path):
    content = members(backup.create(tmp_path / "b.tar.gz").path)
    content["media/../../etc/evil"] = b"x"
    with pytest.raises(CommandError, match="不应出现的内容"):
        call_command("restore", str(write_archive(tmp_path / "evil.tar.gz", content)), "--yes")


def test_a_backup_from_a_newer_version_is_refused(filled, tmp_path):
    content = members(backup.create(tmp_path / "b.tar.gz").path)
    manifest = json.loads(content["manifest.json"])
    manifest["migrations"]["core"].append("9999_from_the_future")
    manifest["gongkai_version"] = "9.0.0"
    content["manifest.json"] = json.dumps(manifest).encode()
    newer = write_archive(tmp_path / "newer.tar.gz", content)
    with pytest.raises(CommandError, match=r"来自更新的 Gongkai（9.0.0）：迁移 core.9999_from_the_future"):
        call_command("restore", str(newer), "--yes", "--no-progress")


def test_a_database_in_use_is_not_overwritten_without_yes(filled, tmp_path):
    archive = backup.create(tmp_path / "b.tar.gz").path
    with pytest.raises(CommandError, match=r"目标数据库不是空的（已有 .*件申请.*）.*--yes"):
        call_command("restore", str(archive), "--no-progress")
    out = io.StringIO()
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(archive), "--check", stdout=out)


def test_a_backup_of_the_other_vendor_is_refused(filled, tmp_path):
    content = members(backup.create(tmp_path / "b.tar.gz").path)
    manifest = json.loads(content["manifest.json"])
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    db = manifest["database"]["member"]
    manifest["database"] = {"vendor": other, "member": backup.DB_MEMBER[other]}
    manifest["members"][backup.DB_MEMBER[other]] = manifest["members"].pop(db)
    content[backup.DB_MEMBER[other]] = content.pop(db)
    content["manifest.json"] = json.dumps(manifest).encode()
    with pytest.raises(CommandError, match="不能跨数据库类型恢复"):
        call_command("restore", str(write_archive(tmp_path / "x.tar.gz", content)), "--yes")


def test_missing_postgresql_client_gives_a_clear_message(monkeypatch):
    monkeypatch.delenv("GONGKAI_PG_BIN", raising=False)
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup.glob, "glob", lambda pattern: [])
    with pytest.raises(backup.BackupError, match=r"找不到 PostgreSQL 客户端程序 pg_dump.*GONGKAI_PG_BIN"):
        backup.pg_binary("pg_dump")


def test_the_backup_is_recorded_in_the_audit_trail_without_personal_data(filled, tmp_path, caplog):
    caplog.set_level("DEBUG", logger="gongkai.core.backup")
    out = io.StringIO()
    call_command("backup", "-o", str(tmp_path / "b.tar.gz"), "--no-progress", stdout=out)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.verb == "system.backup" and event.data["file"] == "b.tar.gz"
    assert "已备份到" in out.getvalue() and "加密密钥不在备份中" in out.getvalue()
    logged = caplog.text + out.getvalue()
    assert "张建国" not in logged and "430121196803150032" not in logged and "身份证.pdf" not in logged
