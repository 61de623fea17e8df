"""``gongkai files check | sweep``: rows whose file is missing, files no row refers to (bad inputs 18, 19).

``check`` lists the rows whose stored file is missing, has another size than recorded (or another
SHA-256 where one is recorded), and the files under MEDIA_ROOT that no row and no live session refers
to; exit code 1 when a row's file is missing or changed. ``sweep`` deletes the unreferenced files older
than the grace period (``--older-than``, default 1h: a file written by a transaction still in flight is
younger), ``--dry-run`` only lists them; it too exits 1 when rows with missing files were found. Run
``sweep`` daily from a timer (docs/deploy.md).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core import reconcile

LIST_LIMIT = 200


def _duration(text: str) -> float:
    import argparse

    try:
        return reconcile.parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


class Command(BaseCommand):
    help = (
        "核对上传文件：check 列出文件缺失或大小不符的数据库记录，以及没有任何记录引用的文件"
        "（有缺失时退出码 1）；sweep 删除超过宽限时间（默认 1 小时）且无记录引用的文件。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="列出缺失文件的记录和无记录引用的文件")
        check.add_argument("--no-progress", action="store_true", help="不显示进度条")
        check.add_argument("--no-hash", action="store_true", help="不重新计算记录了 SHA-256 的文件")
        sweep = sub.add_parser("sweep", help="删除超过宽限时间且无记录引用的文件")
        sweep.add_argument(
            "--older-than",
            type=_duration,
            default=reconcile.DEFAULT_GRACE_SECONDS,
            metavar="DURATION",
            help="宽限时间：只删除早于此时长之前写入的文件（如 90s、30m、1h、2d；默认 1h）",
        )
        sweep.add_argument("--dry-run", action="store_true", help="只列出将删除的文件，不删除")
        sweep.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **opts: Any) -> None:
        progress = not opts["no_progress"] and sys.stderr.isatty()
        try:
            if opts["action"] == "check":
                report = reconcile.check(progress=progress, verify_hashes=not opts["no_hash"])
                self._report(report)
                self._unreferenced(report.unreferenced, "无记录引用的文件")
            else:
                result = reconcile.sweep(
                    older_than=opts["older_than"], dry_run=opts["dry_run"], progress=progress
                )
                report = result.report
                self._report(report)
                self._sweep(result)
        except reconcile.ReconcileError as exc:
            raise CommandError(str(exc)) from exc
        if report.problems:
            raise CommandError(
                f"{len(report.problems)} 条记录的文件缺失或与记录不符（见上）。请从备份中找回这些文件。",
                returncode=1,
            )

    def _report(self, report: reconcile.Report) -> None:
        self.stdout.write(
            f"上传目录 {report.root}：{report.files} 个文件；数据库中 {report.rows} 条记录引用文件"
            f"（{len(report.models)} 个字段：{'、'.join(report.models)}）。"
        )
        if report.held_by_sessions:
            self.stdout.write(f"{report.held_by_sessions} 个文件由未过期的会话暂存（表单尚未提交完毕）。")
        if not report.sessions_readable:
            self.stdout.write("会话存储无法逐条读取：暂存目录中的文件在会话有效期内视为仍在使用。")
        if report.problems:
            self.stderr.write(self.style.ERROR(f"文件缺失或与记录不符的记录：{len(report.problems)} 条"))
            for problem in report.problems[:LIST_LIMIT]:
                self.stderr.write(f"  {problem.describe()}")
            if len(report.problems) > LIST_LIMIT:
                self.stderr.write(f"  ……另有 {len(report.problems) - LIST_LIMIT} 条")
        else:
            self.stdout.write(self.style.SUCCESS("每条记录引用的文件都在，大小与记录一致。"))

    def _unreferenced(self, files: list[reconcile.DiskFile], title: str) -> None:
        if not files:
            self.stdout.write("没有无记录引用的文件。")
            return
        total = sum(f.size for f in files)
        self.stdout.write(f"{title}：{len(files)} 个，共 {total} 字节")
        for f in files[:LIST_LIMIT]:
            written = datetime.fromtimestamp(f.mtime, UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"  {f.name}  {f.size} 字节  写入于 {written}")
        if len(files) > LIST_LIMIT:
            self.stdout.write(f"  ……另有 {len(files) - LIST_LIMIT} 个")

    def _sweep(self, result: reconcile.SweepResult) -> None:
        if result.dry_run:
            self._unreferenced(result.deleted, "将删除（--dry-run，未删除）")
        elif result.deleted:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已删除 {len(result.deleted)} 个无记录引用的文件，共 {result.deleted_bytes} 字节。"
                )
            )
            for f in result.deleted[:LIST_LIMIT]:
                self.stdout.write(f"  {f.name}")
            from gongkai.core import audit

            audit.record(
                None,
                "system.files_sweep",
                audit.chain_head(),
                data={
                    "deleted": len(result.deleted),
                    "bytes": result.deleted_bytes,
                    "names": [f.name for f in result.deleted[:LIST_LIMIT]],
                },
            )
        else:
            self.stdout.write("没有可删除的文件。")
        if result.kept_young:
            self.stdout.write(
                f"{len(result.kept_young)} 个无记录引用的文件写入不久（未超过宽限时间），暂不删除："
                "可能属于尚未提交的操作。"
            )
        for f, why in result.failed:
            self.stderr.write(self.style.WARNING(f"  无法删除 {f.name}（{why}）"))
