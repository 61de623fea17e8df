"""``gongkai backup [-o FILE]``: the database, every uploaded file and a manifest in one .tar.gz."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core import backup


class Command(BaseCommand):
    help = (
        "备份：数据库（SQLite 在线备份 / PostgreSQL pg_dump）、MEDIA_ROOT 下的全部上传文件和清单，"
        "写入一个 .tar.gz。加密密钥（GONGKAI_FIELD_KEYS 等）不在备份中，须另行保管。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", help="输出文件（默认：DATA_DIR/backups/gongkai-<时间>.tar.gz）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument("--no-audit", action="store_true", help="不在操作记录中记录本次备份")

    def handle(self, *args: Any, **opts: Any) -> None:
        progress = not opts["no_progress"] and sys.stderr.isatty()
        try:
            result = backup.create(Path(opts["output"]) if opts["output"] else None, progress=progress)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        if not opts["no_audit"]:
            from gongkai.core import audit

            audit.record(
                None,
                "system.backup",
                audit.chain_head(),
                data={
                    "file": result.path.name,
                    "bytes": result.size,
                    "audit_seq": manifest["audit"]["seq"],
                    "files": manifest["media"]["files"],
                },
            )
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"已备份到 {result.path}（{result.size / 1024 / 1024:.1f} MB）：数据库 "
            f"{backup.VENDOR_LABEL[manifest['database']['vendor']]}，"
            f"{len(manifest['counts'])} 张表共 {rows} 行；"
            f"上传文件 {manifest['media']['files']} 个（{manifest['media']['bytes'] / 1024 / 1024:.1f} MB）；"
            f"操作记录链头 seq {manifest['audit']['seq']}。"
        )
        if not backup.files_on_local_disk():
            self.stderr.write(
                self.style.WARNING(
                    f"上传文件存放在 {manifest['media']['storage']}，不在 MEDIA_ROOT 中，本备份不含这些文件："
                    "请用对象存储自身的版本控制和跨区域复制备份它们（docs/deploy.md）。"
                )
            )
        self.stdout.write(
            "注意：加密密钥不在备份中。请确认 GONGKAI_FIELD_KEYS、GONGKAI_LOOKUP_KEY 已另行妥善保管。"
        )
