"""Rows against files: which rows point at a missing (or changed) file, which files no row refers to.

Every model field that is a ``FileField`` (attachments of applications, files of appeal cases, the
originals of published items and of normative documents, and any added later) is found through the app
registry; for each, the stored names are read with one query (``values_list``), with the recorded
``size`` (and ``sha256`` where a model keeps one) next to them. MEDIA_ROOT (the ``private/`` and
``public/`` areas) is walked once.

A file is *referenced* when a row names it, or when a live session names it: an identity copy kept
across a form error (``private/pending/``) and a ledger file between its check and its import
(``private/ledger/``) are held by the session, not by a row, until the form is sent again or the session
ends. When the session store cannot be read (a cache or cookie backend), files under those prefixes
count as held for the session's lifetime (``SESSION_COOKIE_AGE``).

Files are stored before their row is written and committed (``uploads.store``), so a file without a
row may belong to a transaction still in flight: :func:`sweep` deletes only unreferenced files older
than the grace period (default one hour), and the directory is walked *before* the rows are read, so a
row committed in between still protects its file. Reports hold model names, row ids and the random
storage names only (never the name the file was uploaded under).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

DEFAULT_GRACE_SECONDS = 3600
# Files a session (not a row) refers to while a form is being completed.
SESSION_HELD_PREFIXES = ("private/pending/", "private/ledger/")
SIZE_FIELDS = ("size",)
HASH_FIELDS = ("sha256",)


class ReconcileError(Exception):
    """The check cannot run (the message is for the operator, in Chinese)."""


@dataclass(frozen=True)
class DiskFile:
    name: str  # relative to MEDIA_ROOT, POSIX separators
    size: int
    mtime: float


@dataclass(frozen=True)
class RowProblem:
    model: str  # app_label.model_name
    pk: Any
    field: str
    name: str
    problem: str  # "missing", "size", "hash", "outside"
    detail: str = ""

    def describe(self) -> str:
        what = {
            "missing": "文件缺失",
            "size": "文件大小与记录不符",
            "hash": "SHA-256 与记录不符",
            "outside": "路径不在上传目录内",
        }[self.problem]
        return f"{self.model} #{self.pk} {self.field}: {self.name} {what}{self.detail}"


@dataclass
class Report:
    root: Path
    rows: int = 0  # rows with a stored file
    files: int = 0  # regular files under the root
    models: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    unreferenced: list[DiskFile] = field(default_factory=list)
    held_by_sessions: int = 0
    sessions_readable: bool = True


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every concrete ``FileField`` of every installed model."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                found.append((model, f))
    return found


def _root() -> Path:
    backend = str(settings.STORAGES["default"]["BACKEND"])
    if not backend.endswith("FileSystemStorage"):
        raise ReconcileError(f"上传文件存放在 {backend}，不在本机目录中；本命令只核对 MEDIA_ROOT 下的文件。")
    return Path(settings.MEDIA_ROOT)


def walk(root: Path) -> Iterator[DiskFile]:
    """Every regular file under ``root`` (symbolic links are neither followed nor listed)."""
    if not root.is_dir():
        return
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except FileNotFoundError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                try:
                    st = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue  # removed since the directory was read
                rel = Path(entry.path).relative_to(root).as_posix()
                yield DiskFile(rel, st.st_size, st.st_mtime)


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            sha.update(chunk)
    return sha.hexdigest()


def _session_paths() -> set[str] | None:
    """Storage names held by live sessions, or None when the session store cannot be listed."""
    engine = settings.SESSION_ENGINE
    if engine not in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"):
        return None
    from django.contrib.sessions.models import Session

    held: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            path = value.get("path")
            if isinstance(path, str):
                held.add(path)
            for v in value.values():
                collect(v)
        elif isinstance(value, list | tuple):
            for v in value:
                collect(v)

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        try:
            collect(session.get_decoded())
        except Exception:  # noqa: S112 - a session that cannot be decoded holds nothing
            continue
    return held


def check(*, progress: bool = False, verify_hashes: bool = True) -> Report:
    """Compare the rows with the files under MEDIA_ROOT (see the module docstring)."""
    from tqdm import tqdm

    root = _root()
    report = Report(root=root)
    # 1. The directory, once (before the rows: a row committed meanwhile still counts).
    on_disk: dict[str, DiskFile] = {}
    with tqdm(disable=not progress, leave=False, desc="扫描上传目录", unit=" 个文件") as bar:
        for f in walk(root):
            on_disk[f.name] = f
            bar.update()
    report.files = len(on_disk)
    # 2. The rows: one query per file field.
    referenced: set[str] = set()
    fields = file_fields()
    resolved_root = root.resolve()
    for model, f in tqdm(fields, disable=not progress, leave=False, desc="读取数据库记录", unit=" 类"):
        names = {x.name for x in model._meta.concrete_fields}
        size_field = next((n for n in SIZE_FIELDS if n in names), None)
        hash_field = next((n for n in HASH_FIELDS if n in names), None)
        columns = ["pk", f.attname] + [c for c in (size_field, hash_field) if c]
        label = model._meta.label_lower
        report.models.append(f"{label}.{f.name}")
        for values in model._default_manager.exclude(**{f.attname: ""}).values_list(*columns):
            pk, name = values[0], values[1]
            recorded_size = values[2] if size_field else None
            recorded_hash = values[-1] if hash_field else None
            if not name:
                continue
            report.rows += 1
            referenced.add(name)
            disk = on_disk.get(name)
            if disk is None:
                path = (root / name).resolve()
                if not path.is_relative_to(resolved_root):
                    report.problems.append(RowProblem(label, pk, f.name, name, "outside"))
                elif path.is_file():  # written after the walk: present
                    continue
                else:
                    report.problems.append(RowProblem(label, pk, f.name, name, "missing"))
                continue
            if recorded_size is not None and disk.size != recorded_size:
                report.problems.append(
                    RowProblem(
                        label,
                        pk,
                        f.name,
                        name,
                        "size",
                        f"（记录 {recorded_size} 字节，实际 {disk.size} 字节）",
                    )
                )
            elif verify_hashes and recorded_hash and _sha256(root / name) != recorded_hash:
                report.problems.append(RowProblem(label, pk, f.name, name, "hash"))
    # 3. Files held by sessions.
    held = _session_paths()
    report.sessions_readable = held is not None
    session_age = settings.SESSION_COOKIE_AGE
    now = time.time()
    for name, disk in sorted(on_disk.items()):
        if name in referenced:
            continue
        if name.startswith(SESSION_HELD_PREFIXES):
            if held is not None and name in held:
                report.held_by_sessions += 1
                continue
            if held is None and now - disk.mtime < session_age:
                report.held_by_sessions += 1
                continue
        report.unreferenced.append(disk)
    return report


@dataclass
class SweepResult:
    report: Report
    deleted: list[DiskFile] = field(default_factory=list)
    kept_young: list[DiskFile] = field(default_factory=list)
    failed: list[tuple[DiskFile, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def deleted_bytes(self) -> int:
        return sum(f.size for f in self.deleted)


def sweep(
    *, older_than: float = DEFAULT_GRACE_SECONDS, dry_run: bool = False, progress: bool = False
) -> SweepResult:
    """Delete the unreferenced files older than ``older_than`` seconds (none with ``dry_run``)."""
    from tqdm import tqdm

    if older_than < 0:
        raise ReconcileError("宽限时间不能为负数。")
    report = check(progress=progress, verify_hashes=False)
    result = SweepResult(report=report, dry_run=dry_run)
    now = time.time()
    for disk in tqdm(report.unreferenced, disable=not progress, leave=False, desc="删除无记录的文件"):
        if now - disk.mtime < older_than:
            result.kept_young.append(disk)
            continue
        path = report.root / disk.name
        if dry_run:
            result.deleted.append(disk)
            continue
        try:
            st = path.lstat()
            if now - st.st_mtime < older_than:  # rewritten since the walk
                result.kept_young.append(disk)
                continue
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            result.failed.append((disk, type(exc).__name__))
            continue
        result.deleted.append(disk)
    if result.deleted and not dry_run:
        logger.info(
            "files sweep: deleted %d unreferenced files (%d bytes)", len(result.deleted), result.deleted_bytes
        )
    return result


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``30m``, ``1h``, ``2d`` → seconds (ASCII digits only)."""
    text = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    unit = 1
    if text and text[-1] in units:
        unit = units[text[-1]]
        text = text[:-1]
    if not text or not text.isascii() or not text.isdigit():
        raise ValueError("时长应写成 90s、30m、1h 或 2d。")
    return int(text) * unit
