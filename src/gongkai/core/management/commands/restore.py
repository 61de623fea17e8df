"""``gongkai restore FILE [--yes] [--sequence-margin N]``: check a backup, restore it, verify the audit chain,
print counts, carry the number sequences forward."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core import backup


class Command(BaseCommand):
    help = (
        "从 gongkai backup 生成的备份恢复：先核对清单中的 SHA-256，拒绝来自更新版本的备份；"
        "目标数据库非空时须加 --yes；恢复数据库和上传文件后校验操作记录链并列出各表行数。"
        "恢复前请停止网站和定时任务。"
    )
    # The target database may not exist yet (a fresh SQLite file, an empty PostgreSQL database): the
    # system checks would query it before the command runs.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件（.tar.gz）")
        parser.add_argument("--yes", action="store_true", help="目标数据库已有数据时仍然覆盖")
        parser.add_argument("--check", action="store_true", help="只核对备份文件和目标，不恢复")
        parser.add_argument(
            "--sequence-margin",
            "--skip-numbers",
            dest="sequence_margin",
            type=int,
            default=0,
            metavar="N",
            help=(
                "恢复后把每个编号序列（申请编号、索引号、文号、登记号）再向后跳 N 号：当前数据库已丢失、"
                "无法读出备份之后发出的编号时使用（当前数据库可读时，恢复总会保留其中较大的编号）"
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **opts: Any) -> None:
        progress = not opts["no_progress"] and sys.stderr.isatty()
        path = Path(opts["file"])
        try:
            if opts["check"]:
                backup.check(path, force=opts["yes"], progress=progress)
                self.stdout.write(self.style.SUCCESS("备份文件完整，可以恢复到当前配置的数据库。"))
                return
            result = backup.restore(
                path, force=opts["yes"], progress=progress, sequence_margin=opts["sequence_margin"]
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"已恢复 {manifest['created_at']} 的备份（Gongkai {manifest.get('gongkai_version')}，"
            f"{backup.VENDOR_LABEL.get(manifest['database']['vendor'])}）；上传文件 {result.files} 个。"
        )
        self.stdout.write(f"{'表':<40} {'备份中':>10} {'恢复后':>10}")
        for table, (before, after) in sorted(result.counts.items()):
            if before <= 0 and after <= 0:
                continue
            mark = "" if before == after else "  ← 不一致"
            self.stdout.write(f"{table:<40} {before:>10} {after:>10}{mark}")
        if result.key_warning:
            self.stderr.write(self.style.WARNING(result.key_warning))
        if result.older_migrations:
            self.stdout.write(self.style.WARNING("备份来自较旧的版本：请运行 gongkai migrate 完成升级。"))
        self._sequences(result, opts["sequence_margin"])
        if not result.audit_ok:
            raise CommandError(f"恢复后操作记录校验失败：{result.audit_problem}", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"操作记录校验通过（{result.audit_checked} 条）。"))
        if result.mismatched:
            raise CommandError(
                f"恢复后有 {len(result.mismatched)} 张表的行数与备份清单不一致（见上表）。", returncode=1
            )

    def _sequences(self, result: backup.RestoreResult, margin: int) -> None:
        if not result.previous_sequences_read:
            self.stdout.write(
                self.style.WARNING(
                    "恢复前无法读取当前数据库的编号序列：若备份之后已发出过编号，请用 --sequence-margin N "
                    "重新恢复，或恢复后运行 gongkai sequences check。"
                )
            )
        if result.sequence_changes:
            how = f"（含向后跳 {margin} 号）" if margin else "（保留恢复前已发出的编号）"
            self.stdout.write(f"编号序列已调整{how}：")
            for change in result.sequence_changes[:50]:
                before = "无" if change.before is None else change.before
                self.stdout.write(f"  {change.scope} {change.year}：{before} → {change.after}")
            if len(result.sequence_changes) > 50:
                self.stdout.write(f"  ……另有 {len(result.sequence_changes) - 50} 个")
        for behind in result.sequences_behind:
            self.stderr.write(
                self.style.WARNING(
                    f"编号序列 {behind.scope} {behind.year} 为 {behind.last or 0}，"
                    f"低于已有编号 {behind.issued.number}：请运行 gongkai sequences check --repair。"
                )
            )
