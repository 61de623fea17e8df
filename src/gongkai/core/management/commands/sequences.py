"""``gongkai sequences check [--repair]``: is every number sequence past the numbers already issued?

After a restore from an older backup (bad inputs 19) a sequence may be behind the numbers the rows
carry (application numbers, 索引号, 文号, 登记号): its next number would repeat one. ``check`` lists
such sequences (exit code 1); ``--repair`` moves each past the highest number found (audited).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core import sequences


class Command(BaseCommand):
    help = (
        "编号序列：check 核对每个序列（申请编号、索引号、文号、登记号）是否已超过数据中已有的最大编号，"
        "落后时退出码 1；--repair 把落后的序列移到已有最大编号之后（记入操作记录）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="核对编号序列与已有编号")
        check.add_argument("--repair", action="store_true", help="把落后的序列移到已有最大编号之后")

    def handle(self, *args: Any, **opts: Any) -> None:
        issued = sequences.issued()
        self.stdout.write(f"已核对 {len(issued)} 个编号序列（按范围和年度）。")
        if opts["repair"]:
            changes = sequences.repair()
            for change in changes:
                before = "无" if change.before is None else change.before
                self.stdout.write(f"  已调整 {change.scope} {change.year}：{before} → {change.after}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"已调整 {len(changes)} 个编号序列。" if changes else "没有落后的编号序列。"
                )
            )
            return
        behind = sequences.check()
        if not behind:
            self.stdout.write(self.style.SUCCESS("每个编号序列都已超过已有的最大编号。"))
            return
        for b in behind:
            last = "无" if b.last is None else b.last
            self.stderr.write(
                f"  {b.scope} {b.year}：序列为 {last}，已有编号 {b.issued.number}（{b.issued.source}）"
                f"，下一个号码将重复"
            )
        raise CommandError(
            f"{len(behind)} 个编号序列落后于已有编号；运行 gongkai sequences check --repair 修正。",
            returncode=1,
        )
