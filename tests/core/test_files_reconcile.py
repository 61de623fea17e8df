"""``gongkai files check | sweep`` (bad inputs 18, 19, 26): rows whose file is missing or changed, files
that no row refers to, and the sweep that removes only those older than the grace period."""

from __future__ import annotations

import io
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.applications import services
from gongkai.applications.models import Attachment
from gongkai.applications.views_public import PENDING_KEY
from gongkai.core import reconcile
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.models import CatalogueNode, ItemFile
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(72, 72)
    writer.write(out)
    return out.getvalue()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, "PNG")
    return out.getvalue()


# Files any reader opens (uploads are checked by their content).
PDF, PNG = _pdf(), _png()
HOUR = 3600


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored(tree, media) -> dict[str, Any]:
    """Three attachments of one case and one original of a published item, all stored by the services."""
    province = tree["province"]
    clerk = staff(province, Role.CLERK)
    case = services.application_register(
        agency=province,
        channel="in_person",
        event_date=date(2025, 9, 26),
        applicant={"applicant_column": "natural_person", "applicant_name": "张建国"},
        data={"description": "长沙县黄花镇2019年征地批复"},
        by=clerk,
    )
    attachments = [
        services.attach(
            application=case,
            upload=SimpleUploadedFile(f"身份证{i}.pdf", PDF, content_type="application/pdf"),
            kind="request",
            by=clerk,
        )
        for i in range(3)
    ]
    publishing.catalogue_seed(province)
    item = publishing.item_create(
        agency=province,
        by=clerk,
        data={
            "node": CatalogueNode.objects.get(agency=province, name="征地信息"),
            "title": "长沙县2025年第3批次建设用地征收土地的批复",
            "formed_on": date(2025, 9, 1),
        },
    )
    original = publishing.item_attach(
        item=item, upload=SimpleUploadedFile("批复.png", PNG, content_type="image/png"), by=clerk
    )
    return {"case": case, "attachments": attachments, "original": original}


def age(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def orphan(media: Path, name: str, *, seconds_old: float) -> Path:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    return age(path, seconds_old)


def files_command(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("files", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def test_every_file_field_is_covered():
    labels = {f"{m._meta.label_lower}.{f.name}" for m, f in reconcile.file_fields()}
    assert {
        "applications.attachment.file",
        "appeals.appealdocument.file",
        "publishing.itemfile.file",
        "normative.documentfile.file",
    } <= labels


def test_a_consistent_store_is_reported_clean(stored, media):
    out, err, code = files_command("check")
    assert code == 0, err
    assert "4 条记录引用文件" in out and "每条记录引用的文件都在" in out and "没有无记录引用的文件" in out


def test_check_lists_missing_and_changed_files_and_orphans(stored, media):
    gone, changed, intact = stored["attachments"]
    (media / gone.file.name).unlink()
    (media / changed.file.name).write_bytes(PDF + b"%% appended\n")
    old = orphan(media, "private/applications/left-behind/0123456789abcdef.pdf", seconds_old=2 * HOUR)
    young = orphan(media, "public/items/430S00/fedcba9876543210.pdf", seconds_old=10)
    out, err, code = files_command("check")
    assert code == 1
    assert f"applications.attachment #{gone.pk} file: {gone.file.name} 文件缺失" in err
    assert f"applications.attachment #{changed.pk} file: {changed.file.name} 文件大小与记录不符" in err
    assert intact.file.name not in err and intact.file.name not in out
    assert "无记录引用的文件：2 个" in out
    assert "private/applications/left-behind/0123456789abcdef.pdf" in out
    assert "public/items/430S00/fedcba9876543210.pdf" in out
    assert old.exists() and young.exists()  # check never deletes
    # No display name (personal data) in the report: storage names only.
    assert "身份证" not in out + err


def test_files_held_by_a_live_session_are_not_orphans(stored, media):
    held = orphan(media, "private/pending/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.pdf", seconds_old=3 * HOUR)
    dropped = orphan(media, "private/pending/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.pdf", seconds_old=3 * HOUR)
    session = SessionStore()
    session[PENDING_KEY] = {"path": "private/pending/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.pdf", "name": "x.pdf"}
    session.create()
    report = reconcile.check()
    assert [f.name for f in report.unreferenced] == ["private/pending/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.pdf"]
    assert report.held_by_sessions == 1
    _out, _err, code = files_command("sweep")
    assert code == 0 and held.exists() and not dropped.exists()


def test_without_a_readable_session_store_held_files_wait_for_the_session_age(stored, media, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    recent = orphan(media, "private/ledger/cccccccccccccccccccccccccccccccc", seconds_old=3 * HOUR)
    expired = orphan(media, "private/ledger/dddddddddddddddddddddddddddddddd", seconds_old=1)
    age(expired, settings.SESSION_COOKIE_AGE + HOUR)
    report = reconcile.check()
    assert not report.sessions_readable and report.held_by_sessions == 1
    assert [f.name for f in report.unreferenced] == ["private/ledger/dddddddddddddddddddddddddddddddd"]
    assert recent.exists()


def test_sweep_removes_only_old_unreferenced_files(stored, media):
    old = orphan(media, "private/applications/left-behind/0123456789abcdef.pdf", seconds_old=2 * HOUR)
    young = orphan(media, "private/applications/in-flight/fedcba9876543210.pdf", seconds_old=60)
    restoring = orphan(media, "public/items/430S00/.abc.pdf.restoring", seconds_old=5 * HOUR)
    referenced = [media / a.file.name for a in Attachment.objects.all()]
    referenced.append(media / ItemFile.objects.get().file.name)
    for path in referenced:
        age(path, 30 * 86400)  # old, but referenced: never swept
    events = AuditEvent.objects.count()

    out, _err, code = files_command("sweep", "--dry-run")
    assert code == 0 and "将删除（--dry-run，未删除）：2 个" in out
    assert old.exists() and young.exists() and restoring.exists()
    assert AuditEvent.objects.count() == events

    out, _err, code = files_command("sweep")  # default grace: one hour
    assert code == 0 and "已删除 2 个无记录引用的文件" in out
    assert not old.exists() and not restoring.exists() and young.exists()
    assert "1 个无记录引用的文件写入不久" in out
    assert all(p.exists() for p in referenced)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.verb == "system.files_sweep" and event.data["deleted"] == 2
    assert sorted(event.data["names"]) == sorted(
        ["private/applications/left-behind/0123456789abcdef.pdf", "public/items/430S00/.abc.pdf.restoring"]
    )

    out, _err, code = files_command("sweep", "--older-than", "30s")
    assert code == 0 and not young.exists() and all(p.exists() for p in referenced)
    out, _err, code = files_command("check")
    assert code == 0 and "没有无记录引用的文件" in out


def test_sweep_exits_non_zero_when_a_row_has_lost_its_file(stored, media):
    gone = stored["original"]
    (media / gone.file.name).unlink()
    _out, err, code = files_command("sweep")
    assert code == 1 and f"publishing.itemfile #{gone.pk} file: {gone.file.name} 文件缺失" in err


def test_one_query_per_file_field_however_many_rows(stored, media, django_assert_max_num_queries):
    case = stored["case"]
    for i in range(20):
        services.attach(
            application=case,
            upload=SimpleUploadedFile(f"材料{i}.pdf", PDF, content_type="application/pdf"),
            kind="request",
            by=None,
        )
    with django_assert_max_num_queries(len(reconcile.file_fields()) + 1):  # + the sessions
        report = reconcile.check()
    assert report.rows == 24 and not report.problems and not report.unreferenced


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("30m", 1800), ("1h", 3600), ("2d", 172800), ("0s", 0)]
)
def test_durations(text, seconds):
    assert reconcile.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "-1h", "1.5h", "１h", "1w"])
def test_bad_durations_are_refused(text):
    with pytest.raises(ValueError, match="时长应写成"):
        reconcile.parse_duration(text)
    with pytest.raises(CommandError):
        call_command("files", "sweep", "--older-than", text)


def test_storage_elsewhere_is_refused(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    with pytest.raises(CommandError, match="不在本机目录中"):
        call_command("files", "check", "--no-progress")


def test_a_disk_that_fills_during_the_write_leaves_a_partial_file_that_the_sweep_removes(
    stored, media, monkeypatch
):
    """Bad inputs 26: the storage writes the file in chunks; when the disk fills after the first one,
    the save fails and the transaction rolls back (no row), but the partial file stays where it was
    being written (Django's FileSystemStorage does not remove it, and ``uploads.store`` never learnt
    its name). ``files check`` lists it; the sweep removes it once past the grace period."""
    import errno

    from django.core.files.base import ContentFile

    def filling(self: Any, chunk_size: int | None = None) -> Any:
        data = self.read()
        yield data[: len(data) // 2]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ContentFile, "chunks", filling)
    case = stored["case"]
    rows = Attachment.objects.count()
    with pytest.raises(OSError, match="No space left"):
        services.attach(
            application=case,
            upload=SimpleUploadedFile("答复.pdf", PDF, content_type="application/pdf"),
            kind="disclosed",
            by=None,
        )
    monkeypatch.undo()
    assert Attachment.objects.count() == rows
    assert not case.events.filter(verb="attached", reason__contains="答复").exists()
    report = reconcile.check()
    assert not report.problems and len(report.unreferenced) == 1
    partial = report.unreferenced[0]
    assert (
        partial.name.startswith(f"private/applications/{case.public_id}/") and partial.size == len(PDF) // 2
    )
    _out, _err, code = files_command("sweep")
    assert code == 0 and (media / partial.name).exists()  # younger than the grace period
    age(media / partial.name, 2 * HOUR)
    out, _err, code = files_command("sweep")
    assert code == 0 and not (media / partial.name).exists() and "已删除 1 个无记录引用的文件" in out
