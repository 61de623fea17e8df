"""Backup and restore: one ``.tar.gz`` with the database, every uploaded file and a manifest.

Members of the archive::

    database/gongkai.sqlite3   SQLite: a copy taken with the online backup API (consistent while the
                               site runs)
    database/gongkai.pgdump    PostgreSQL: ``pg_dump --format=custom`` under an exported snapshot
    media/<path>               every regular file under MEDIA_ROOT (attachments, originals, pending uploads)
    manifest.json              written last: Gongkai version, database vendor, migrations per app, row
                               counts per table, SHA-256 and size of each member, created_at, audit chain head

The counts, the migration state and the audit chain head are read from the same snapshot as the dump (the
SQLite copy itself; on PostgreSQL the transaction whose snapshot ``pg_dump --snapshot`` uses), so the
manifest describes exactly what is in the archive. The database is copied first and the files after it:
every file a row of the copy refers to already exists when the files are read (uploads are stored
before their row is committed and never rewritten).

:func:`restore` extracts the archive into a temporary directory, checks every member against the
manifest (nothing is touched if one byte differs), refuses a backup of another database vendor or of a
newer migration state, refuses a target database that already holds data unless ``force``, restores the
database (SQLite: backup API into the configured file; PostgreSQL: ``pg_restore --clean --if-exists
--no-owner --single-transaction``), then the files, then verifies the audit chain and compares the row
counts with the manifest.

Numbers already handed out are never handed out again (bad inputs 19): before the database is replaced,
the restore reads its number sequences (when it can be reached), and afterwards sets every sequence to
the higher of the restored and the previous value (:func:`gongkai.core.sequences.carry_forward`).
``sequence_margin`` skips N more numbers in every sequence, for when the current database is lost and
numbers issued after the backup cannot be read. The restore is written to the audit trail: the archive's
file name, the backup's date and every sequence that moved (scopes and numbers only).

What is *not* in the archive: the keys (``GONGKAI_SECRET_KEY``, ``GONGKAI_FIELD_KEYS``,
``GONGKAI_LOOKUP_KEY``). Without the field keys the encrypted ID numbers, phones and addresses of a
backup cannot be read; they must be kept separately (docs/deploy.md). Logs and the returned summaries
hold counts, table names and random storage names only, never row contents.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database/gongkai.sqlite3", "postgresql": "database/gongkai.pgdump"}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
# Tables whose rows mean "this database is in use": restoring over them needs --yes.
IN_USE_TABLES = {
    "orgs_user": "个用户账户",
    "orgs_agency": "个机关",
    "applications_application": "件申请",
    "core_auditevent": "条操作记录",
}
VENDOR_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def files_on_local_disk() -> bool:
    """Are uploads stored under MEDIA_ROOT (and so in the archive)? Not with S3-compatible storage."""
    return str(settings.STORAGES["default"]["BACKEND"]).endswith("FileSystemStorage")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


# --- helpers -------------------------------------------------------------------------------------------


def gongkai_version() -> str:
    try:
        return metadata.version("gongkai")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _bar(progress: bool, **kwargs: Any) -> Any:
    from tqdm import tqdm

    return tqdm(disable=not progress, leave=False, **kwargs)


class _HashingReader(io.RawIOBase):
    """Reads from ``raw`` and hashes what it read (tarfile reads members through it)."""

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None] | None = None) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0
        self.on_read = on_read

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        if self.on_read:
            self.on_read(len(data))
        return data


def _sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def field_key_fingerprints() -> list[str]:
    """Short fingerprints of the configured field keys (a hash: the key cannot be derived from it)."""
    from gongkai.core import crypto

    keys = list(settings.GONGKAI_FIELD_KEYS) or [crypto._derived_key("field").decode()]
    return [hashlib.sha256(b"gongkai-key-fingerprint:" + k.encode()).hexdigest()[:16] for k in keys]


# --- PostgreSQL client programs ----------------------------------------------------------------------------


def pg_binary(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: GONGKAI_PG_BIN, then PATH, then the newest /usr/lib/postgresql/*/bin."""
    candidates: list[str] = []
    if os.environ.get("GONGKAI_PG_BIN"):
        candidates.append(os.path.join(os.environ["GONGKAI_PG_BIN"], name))
    found = shutil.which(name)
    if found:
        candidates.append(found)

    def version(path: str) -> int:
        try:
            return int(Path(path).parent.parent.name)
        except ValueError:
            return 0

    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True)
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise BackupError(
        f"找不到 PostgreSQL 客户端程序 {name}。请安装与服务器同版本或更新的客户端"
        "（Debian/Ubuntu：apt install postgresql-client），或将环境变量 GONGKAI_PG_BIN 设为其所在目录。"
    )


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The connection for pg_dump/pg_restore, passed in the environment (the password never on a
    command line, where other users could see it in the process list)."""
    env = dict(os.environ)
    mapping = {
        "HOST": "PGHOST",
        "PORT": "PGPORT",
        "USER": "PGUSER",
        "PASSWORD": "PGPASSWORD",
        "NAME": "PGDATABASE",
    }
    for key, var in mapping.items():
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for key, var in {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "service": "PGSERVICE"}.items():
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        # pg_* messages name objects, not row contents; keep the tail for the operator.
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what}失败（退出码 {result.returncode}）：" + " / ".join(detail))


# --- reading a database snapshot --------------------------------------------------------------------------


SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
PG_TABLES = (
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
    "AND table_type = 'BASE TABLE' ORDER BY table_name"
)


def _current_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_TABLES if connection.vendor == "sqlite" else PG_TABLES)
        return [name for (name,) in cursor.fetchall()]


def _snapshot_facts(
    execute: Callable[[str], list[tuple[Any, ...]]], tables: list[str], quote: Callable[[str], str]
) -> dict[str, Any]:
    counts = {t: int(execute(f"SELECT count(*) FROM {quote(t)}")[0][0]) for t in tables}  # noqa: S608
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        for app, name in execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            migrations.setdefault(app, []).append(name)
    head = {"seq": 0, "hash": "0" * 64, "anchor_seq": 0}
    if "core_auditchain" in tables:
        rows = execute("SELECT last_seq, last_hash, anchor_seq FROM core_auditchain WHERE id = 1")
        if rows:
            head = {"seq": int(rows[0][0]), "hash": rows[0][1], "anchor_seq": int(rows[0][2])}
    return {"counts": counts, "migrations": migrations, "audit": head}


# --- backup ------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def default_output() -> Path:
    stamp = datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"gongkai-{stamp}.tar.gz"


def _dump_sqlite(target: Path, progress: bool) -> dict[str, Any]:
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    dest = sqlite3.connect(target)
    try:
        with _bar(progress, desc="数据库", unit=" 页") as bar:

            def step(status: int, remaining: int, total: int) -> None:
                bar.total = total
                bar.n = total - remaining
                bar.refresh()

            # Copied in steps; a write by another connection restarts the copy, so the result is one
            # consistent state of the database (the online backup API).
            source.backup(dest, pages=4096, progress=step)
        tables = [name for (name,) in dest.execute(SQLITE_TABLES)]
        facts = _snapshot_facts(lambda sql: dest.execute(sql).fetchall(), tables, lambda t: f'"{t}"')
    finally:
        dest.close()
    return facts


def _dump_postgresql(target: Path, progress: bool) -> dict[str, Any]:
    import psycopg

    pg_dump = pg_binary("pg_dump")
    settings_dict = connection.settings_dict
    conn = connection.get_new_connection(connection.get_connection_params())
    try:
        conn.autocommit = False
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            with _bar(progress, desc="数据库（pg_dump）", total=1, unit=" 步") as bar:
                _run(
                    [
                        pg_dump,
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--no-password",
                        f"--file={target}",
                    ],
                    _pg_env(settings_dict),
                    "pg_dump 导出数据库",
                )
                bar.update()
            cur.execute(PG_TABLES)
            tables = [name for (name,) in cur.fetchall()]

            def execute(sql: str) -> list[tuple[Any, ...]]:
                cur.execute(sql)
                return list(cur.fetchall())

            facts = _snapshot_facts(execute, tables, connection.ops.quote_name)
        conn.rollback()
    finally:
        conn.close()
    return facts


def _media_files(root: Path, exclude: Path | None) -> Iterator[Path]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            if exclude is not None and path.resolve() == exclude:
                continue
            yield path


def create(output: Path | None = None, *, progress: bool = False) -> BackupResult:
    """Write a backup archive to ``output`` (default: DATA_DIR/backups/gongkai-<time>.tar.gz)."""
    vendor = connection.vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 和 PostgreSQL）。")
    output = Path(output or default_output())
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    members: dict[str, dict[str, Any]] = {}
    media_root = Path(settings.MEDIA_ROOT)
    created_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="gongkai-backup-") as tmp:
        dump = Path(tmp) / "dump"
        facts = _dump_sqlite(dump, progress) if vendor == "sqlite" else _dump_postgresql(dump, progress)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data inside
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                _add_file(tar, DB_MEMBER[vendor], dump, members)
                files = list(_media_files(media_root, output.resolve()))
                total = sum(p.stat().st_size for p in files)
                with _bar(progress, desc="上传的文件", total=total, unit="B", unit_scale=True) as bar:
                    for path in files:
                        rel = path.relative_to(media_root).as_posix()
                        try:
                            _add_file(tar, MEDIA_PREFIX + rel, path, members, bar.update)
                        except FileNotFoundError:
                            logger.warning("backup: a file vanished while it was being copied: %s", rel)
                manifest = {
                    "format": FORMAT,
                    "gongkai_version": gongkai_version(),
                    "created_at": created_at.isoformat(),
                    "database": {"vendor": vendor, "member": DB_MEMBER[vendor]},
                    "migrations": facts["migrations"],
                    "counts": facts["counts"],
                    "audit": facts["audit"],
                    "media": {
                        "storage": settings.STORAGES["default"]["BACKEND"],
                        "files": sum(1 for m in members if m.startswith(MEDIA_PREFIX)),
                        "bytes": sum(v["size"] for m, v in members.items() if m.startswith(MEDIA_PREFIX)),
                    },
                    "field_key_fingerprints": field_key_fingerprints(),
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(created_at.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    logger.info(
        "backup written: %s (%d files, audit head seq %d)",
        output.name,
        manifest["media"]["files"],
        facts["audit"]["seq"],
    )
    return BackupResult(output, manifest)


def _add_file(
    tar: tarfile.TarFile,
    name: str,
    path: Path,
    members: dict[str, dict[str, Any]],
    on_read: Callable[[int], None] | None = None,
) -> None:
    with path.open("rb") as fh:
        st = os.fstat(fh.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = st.st_size, int(st.st_mtime), 0o600
        reader = _HashingReader(fh, on_read)
        tar.addfile(info, reader)
        members[name] = {"sha256": reader.sha.hexdigest(), "size": reader.size}


# --- restore -----------------------------------------------------------------------------------------------


@dataclass
class Extracted:
    directory: Path
    manifest: dict[str, Any]

    def path(self, member: str) -> Path:
        return self.directory / PurePosixPath(member)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False
    return name == MANIFEST or name in DB_MEMBER.values() or name.startswith(MEDIA_PREFIX)


def extract(archive: Path, directory: Path, *, progress: bool = False) -> Extracted:
    """Unpack ``archive`` into ``directory`` and check every member against the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    corrupt = "备份文件已损坏或不是 Gongkai 备份（{}）；未做任何恢复。"
    hashes: dict[str, dict[str, Any]] = {}
    manifest_bytes: bytes | None = None
    try:
        # First pass: the whole gzip stream, so its CRC-32 and length are checked (tarfile stops reading
        # at the end-of-archive marker, or at a damaged header, without reaching the gzip trailer).
        with (
            _bar(progress, desc="校验备份", total=archive.stat().st_size, unit="B", unit_scale=True) as bar,
            archive.open("rb") as raw,
            gzip.GzipFile(fileobj=_HashingReader(raw, bar.update), mode="rb") as whole,
        ):
            while whole.read(CHUNK):
                pass
        with (
            _bar(progress, desc="读取备份", total=archive.stat().st_size, unit="B", unit_scale=True) as bar,
            archive.open("rb") as raw,
        ):
            counted = _HashingReader(raw, bar.update)
            with tarfile.open(fileobj=counted, mode="r|gz") as tar:
                for info in tar:
                    if not info.isfile() or not _safe_name(info.name):
                        raise BackupError(f"备份文件中有不应出现的内容：{info.name!r}；未做任何恢复。")
                    if info.name in hashes or (info.name == MANIFEST and manifest_bytes is not None):
                        raise BackupError(f"备份文件中 {info.name} 出现了两次；未做任何恢复。")
                    source = tar.extractfile(info)
                    assert source is not None
                    if info.name == MANIFEST:
                        manifest_bytes = source.read()
                        continue
                    target = directory / PurePosixPath(info.name)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    sha = hashlib.sha256()
                    size = 0
                    with target.open("wb") as out:
                        while chunk := source.read(CHUNK):
                            sha.update(chunk)
                            size += len(chunk)
                            out.write(chunk)
                    hashes[info.name] = {"sha256": sha.hexdigest(), "size": size}
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(corrupt.format(type(exc).__name__ + ": " + str(exc)[:120])) from exc
    if manifest_bytes is None:
        raise BackupError("备份文件中没有清单（manifest.json），不是完整的 Gongkai 备份；未做任何恢复。")
    try:
        manifest = json.loads(manifest_bytes)
        members = manifest["members"]
        vendor = manifest["database"]["vendor"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(corrupt.format("清单无法读取")) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持（本程序读取格式 {FORMAT}）。")
    for name, expected in sorted(members.items()):
        got = hashes.get(name)
        if got is None:
            raise BackupError(f"备份文件不完整：缺少 {name}；未做任何恢复。")
        if got["sha256"] != expected["sha256"] or got["size"] != expected["size"]:
            raise BackupError(f"备份文件已损坏：{name} 的 SHA-256 校验值与清单不符；未做任何恢复。")
    extra = sorted(set(hashes) - set(members))
    if extra:
        raise BackupError(f"备份文件中有清单未列出的文件（{extra[0]}）；未做任何恢复。")
    if DB_MEMBER.get(vendor) not in members:
        raise BackupError("备份文件中没有数据库；未做任何恢复。")
    return Extracted(directory, manifest)


def newer_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations applied in the backup that this version of Gongkai does not have."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    known = set(loader.disk_migrations)
    replaced = {old for m in loader.disk_migrations.values() for old in (m.replaces or [])}
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest.get("migrations", {}).items())
        for name in names
        if (app, name) not in known and (app, name) not in replaced
    ]


def in_use() -> dict[str, int]:
    """Rows in the tables that show the configured database is in use (empty dict: safe to restore)."""
    if (
        connection.vendor == "sqlite"
        and not connection.is_in_memory_db()  # type: ignore[attr-defined]
        and not Path(str(connection.settings_dict["NAME"])).exists()
    ):
        return {}  # the file does not exist yet (connecting would create it)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        found = {}
        for table in IN_USE_TABLES:
            if table in existing:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                n = cursor.fetchone()[0]
                if n:
                    found[table] = int(n)
    return found


def _restore_sqlite(dump: Path, progress: bool) -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        raise BackupError("配置的是内存数据库，不能恢复到其中；请把 DATABASE_URL 指向一个 SQLite 文件。")
    connection.close()
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    dest = sqlite3.connect(name, timeout=30)
    try:
        with _bar(progress, desc="恢复数据库", unit=" 页") as bar:

            def step(status: int, remaining: int, total: int) -> None:
                bar.total = total
                bar.n = total - remaining
                bar.refresh()

            # Page by page into the configured file, schema and triggers included: no row is deleted
            # or inserted, so the audit triggers (and the function the delete trigger calls) are not
            # involved; they are part of the copied schema.
            source.backup(dest, pages=4096, progress=step)
    finally:
        source.close()
        dest.close()


def _restore_postgresql(dump: Path, progress: bool) -> None:
    pg_restore = pg_binary("pg_restore")
    settings_dict = connection.settings_dict
    connection.close()
    with _bar(progress, desc="恢复数据库（pg_restore）", total=1, unit=" 步") as bar:
        _run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--no-password",
                f"--dbname={settings_dict['NAME']}",
                str(dump),
            ],
            _pg_env(settings_dict),
            "pg_restore 恢复数据库",
        )
        bar.update()


def _restore_media(extracted: Extracted, progress: bool) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    names = [m for m in extracted.manifest["members"] if m.startswith(MEDIA_PREFIX)]
    total = sum(extracted.manifest["members"][m]["size"] for m in names)
    with _bar(progress, desc="恢复上传的文件", total=total, unit="B", unit_scale=True) as bar:
        for member in sorted(names):
            rel = PurePosixPath(member[len(MEDIA_PREFIX) :])
            target = media_root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.restoring")
            shutil.copyfile(extracted.path(member), partial)
            os.chmod(partial, 0o640)
            os.replace(partial, target)
            bar.update(extracted.manifest["members"][member]["size"])
    return len(names)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    files: int
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table → (in backup, restored)
    audit_checked: int = 0
    audit_ok: bool = False
    audit_problem: str = ""
    older_migrations: bool = False
    key_warning: str = ""
    skipped_numbers: int = 0  # sequences moved on by the margin
    previous_sequences_read: bool = False
    sequence_changes: list[Any] = field(default_factory=list)  # sequences.Change
    sequences_behind: list[Any] = field(default_factory=list)  # sequences.Behind

    @property
    def mismatched(self) -> dict[str, tuple[int, int]]:
        return {t: c for t, c in self.counts.items() if c[0] != c[1]}


def check(archive: Path, *, force: bool = False, progress: bool = False) -> None:
    """Everything :func:`restore` checks before it changes anything (used by ``restore --check``)."""
    with tempfile.TemporaryDirectory(prefix="gongkai-restore-") as tmp:
        _preflight(extract(archive, Path(tmp), progress=progress), force=force)


def _preflight(extracted: Extracted, *, force: bool) -> None:
    manifest = extracted.manifest
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"该备份来自 {VENDOR_LABEL.get(vendor, vendor)} 数据库，当前配置的是 "
            f"{VENDOR_LABEL.get(connection.vendor, connection.vendor)}；不能跨数据库类型恢复。"
        )
    newer = newer_migrations(manifest)
    if newer:
        raise BackupError(
            f"该备份来自更新的 Gongkai（{manifest.get('gongkai_version')}）：迁移 {newer[0]} 在当前程序中"
            f"不存在{'等 ' + str(len(newer)) + ' 项' if len(newer) > 1 else ''}。"
            "请先把 Gongkai 升级到备份时的版本或更新版本，再恢复。"
        )
    if not force:
        used = in_use()
        if used:
            what = "、".join(f"{n} {IN_USE_TABLES[t]}" for t, n in used.items())
            raise BackupError(
                f"目标数据库不是空的（已有 {what}）。恢复会用备份覆盖其中的数据；"
                "确认无误后加 --yes 重新运行。"
            )


def _sequences_before() -> dict[tuple[str, int], int] | None:
    """The number sequences of the database about to be replaced; None when it cannot be read."""
    from django.db import DatabaseError

    try:
        if (
            connection.vendor == "sqlite"
            and not connection.is_in_memory_db()  # type: ignore[attr-defined]
            and not Path(str(connection.settings_dict["NAME"])).exists()
        ):
            return {}  # no database yet (connecting would create the file)
        with connection.cursor() as cursor:
            if "core_sequence" not in connection.introspection.table_names(cursor):
                return {}
            cursor.execute("SELECT scope, year, last FROM core_sequence")
            return {(str(scope), int(year)): int(last) for scope, year, last in cursor.fetchall()}
    except DatabaseError as exc:
        logger.warning("restore: the current number sequences could not be read (%s)", type(exc).__name__)
        connection.close()
        return None


def restore(
    archive: Path,
    *,
    force: bool = False,
    progress: bool = False,
    skip_numbers: int = 0,
    sequence_margin: int | None = None,
) -> RestoreResult:
    """Restore ``archive`` into the configured database and MEDIA_ROOT (see the module docstring).

    ``sequence_margin`` (``skip_numbers`` is its older name): numbers to skip in every sequence."""
    from gongkai.core import audit

    margin = skip_numbers if sequence_margin is None else sequence_margin
    if margin < 0:
        raise BackupError("--sequence-margin 不能为负数。")
    with tempfile.TemporaryDirectory(prefix="gongkai-restore-") as tmp:
        extracted = extract(archive, Path(tmp), progress=progress)
        _preflight(extracted, force=force)
        manifest = extracted.manifest
        previous = _sequences_before()
        dump = extracted.path(manifest["database"]["member"])
        if connection.vendor == "sqlite":
            _restore_sqlite(dump, progress)
        else:
            _restore_postgresql(dump, progress)
        files = _restore_media(extracted, progress)
    result = RestoreResult(manifest=manifest, files=files)
    # What the database holds now, against the manifest (before anything new is written).
    tables = _current_tables()
    with connection.cursor() as cursor:
        for table in sorted(set(manifest["counts"]) | set(tables)):
            restored = -1
            if table in tables:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                restored = int(cursor.fetchone()[0])
            result.counts[table] = (int(manifest["counts"].get(table, -1)), restored)
    verification = audit.verify(progress=progress)
    result.audit_checked = verification.checked
    result.audit_ok = verification.ok and verification.head_seq == manifest["audit"]["seq"]
    if not verification.triggers:
        result.audit_problem = "数据库中缺少操作记录的只追加触发器"
    elif verification.problems:
        result.audit_problem = str(verification.problems[0])
    elif verification.head_seq != manifest["audit"]["seq"]:
        result.audit_problem = (
            f"操作记录链头为 {verification.head_seq}，清单记载为 {manifest['audit']['seq']}"
        )
    result.older_migrations = _older(manifest)
    result.key_warning = _field_key_warning(manifest)
    result.previous_sequences_read = previous is not None
    _after_restore(result, Path(archive).name, previous or {}, margin)
    logger.info(
        "restore finished: %d tables, %d files, audit checked %d (ok=%s)",
        len(result.counts),
        files,
        result.audit_checked,
        result.audit_ok,
    )
    return result


def _older(manifest: dict[str, Any]) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    applied = set(MigrationRecorder(connection).applied_migrations())
    return any(key not in applied for key in loader.graph.leaf_nodes())


def _field_key_warning(manifest: dict[str, Any]) -> str:
    """Can the configured field keys read the restored personal data? Tries a few values per column."""
    from django.apps import apps

    from gongkai.core import crypto

    tried = failed = 0
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in existing:
                continue
            for f in model._meta.concrete_fields:
                if not isinstance(f, crypto.EncryptedTextField):
                    continue
                column = connection.ops.quote_name(f.column or f.name)
                cursor.execute(
                    f"SELECT {column} FROM {connection.ops.quote_name(table)} "  # noqa: S608
                    f"WHERE {column} LIKE %s LIMIT 3",
                    [crypto.PREFIX + "%"],
                )
                for (value,) in cursor.fetchall():
                    tried += 1
                    try:
                        crypto.decrypt(value)
                    except Exception:  # any failure means unreadable
                        failed += 1
    if failed:
        return (
            "当前配置的 GONGKAI_FIELD_KEYS 无法解密恢复数据中的个人信息"
            f"（抽查 {tried} 项，{failed} 项失败）。"
            "请配置备份时使用的密钥；没有这些密钥，证件号码、电话和地址无法读取。"
        )
    known = set(manifest.get("field_key_fingerprints", []))
    if known and not known & set(field_key_fingerprints()):
        return "备份时使用的加密密钥不在当前 GONGKAI_FIELD_KEYS 中；若恢复的数据含个人信息，将无法解密。"
    return ""


def _after_restore(
    result: RestoreResult, archive_name: str, previous: dict[tuple[str, int], int], margin: int
) -> None:
    """Carry the number sequences forward (always: a number handed out must not come again), record
    the restore in the audit trail (when the restored chain verified), then compare the sequences with
    the numbers the rows carry."""
    from django.db import DatabaseError, transaction
    from django.utils import timezone

    from gongkai.core import audit, sequences

    try:
        backup_year = timezone.localtime(datetime.fromisoformat(result.manifest["created_at"])).year
    except (KeyError, TypeError, ValueError):
        backup_year = timezone.localdate().year
    years = range(min(backup_year, timezone.localdate().year), timezone.localdate().year + 1)
    with transaction.atomic():
        changes = sequences.carry_forward(previous, margin=margin, years=years)
        result.sequence_changes = changes
        result.skipped_numbers = len(changes) if margin else 0
        if result.audit_ok:
            audit.record(
                None,
                "system.restore",
                audit.chain_head(),
                data={
                    "file": archive_name,
                    "backup_created_at": result.manifest["created_at"],
                    "backup_version": result.manifest.get("gongkai_version"),
                    "backup_audit_seq": result.manifest["audit"]["seq"],
                    "files": result.files,
                    "sequence_margin": margin,
                    "previous_sequences_read": result.previous_sequences_read,
                    "sequences": [c.as_dict() for c in changes],
                },
            )
    try:
        result.sequences_behind = sequences.check()
    except DatabaseError:  # an older schema (before ``gongkai migrate``): check after migrating
        logger.warning("restore: sequences not compared with the rows (older schema)")
