"""``gongkai audit verify | export | prune``: the audit log's hash chain, export and retention."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Agency, User


class Command(BaseCommand):
    help = (
        "操作记录：verify 重新计算哈希链并报告第一处断裂（退出码 1）；export 导出 CSV/XLSX；"
        "prune 删除超过保存期限（GONGKAI_AUDIT_RETENTION_DAYS）的记录。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="重新计算哈希链，报告第一处断裂")
        verify.add_argument("--no-progress", action="store_true", help="不显示进度条")
        export = sub.add_parser("export", help="导出操作记录（个人信息已遮蔽，单元格不会成为公式）")
        export.add_argument("output", help="输出文件，.csv 或 .xlsx")
        export.add_argument("--since", type=date.fromisoformat, help="起始日期 YYYY-MM-DD（含）")
        export.add_argument("--until", type=date.fromisoformat, help="截止日期 YYYY-MM-DD（含）")
        export.add_argument("--agency", help="机关代码")
        export.add_argument("--verb", help="操作（前缀匹配，如 application.）")
        export.add_argument("--by", help="记录为导出人的工作人员用户名")
        prune = sub.add_parser("prune", help="删除超过保存期限的记录（先校验哈希链）")
        prune.add_argument("--days", type=int, help="保存天数（默认取 GONGKAI_AUDIT_RETENTION_DAYS）")
        prune.add_argument("--by", help="记录为操作人的工作人员用户名")
        prune.add_argument("--dry-run", action="store_true", help="只报告将删除多少条")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, opts["action"])(opts)

    # --- verify -------------------------------------------------------------------------------------

    def verify(self, opts: dict[str, Any]) -> None:
        progress = not opts["no_progress"] and sys.stderr.isatty()
        result = audit.verify(progress=progress)
        span = f"{result.first_seq}–{result.last_seq}" if result.checked else "—"
        self.stdout.write(
            f"checked {result.checked} entries (seq {span}); pruned up to seq {result.anchor_seq}; "
            f"chain head at seq {result.head_seq}"
        )
        if not result.triggers:
            self.stderr.write("the append-only triggers are missing from the database")
        if result.problems:
            first = result.problems[0]
            self.stderr.write(f"BROKEN at {first}")
            if len(result.problems) > 1:
                self.stderr.write(f"{len(result.problems) - 1} further problem(s):")
                for p in result.problems[1:20]:
                    self.stderr.write(f"  {p}")
        if not result.ok:
            raise CommandError("the audit log failed verification", returncode=1)
        self.stdout.write(self.style.SUCCESS("OK: the chain is intact"))

    # --- export -------------------------------------------------------------------------------------

    def export(self, opts: dict[str, Any]) -> None:
        path = Path(opts["output"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError("the output file must end in .csv or .xlsx")
        events = AuditEvent.objects.all()
        agency = None
        if opts["agency"]:
            agency = Agency.objects.filter(code=opts["agency"]).first()
            if agency is None:
                raise CommandError(f"no agency with code {opts['agency']}")
            events = events.filter(agency=agency)
        if opts["since"]:
            events = events.filter(at__gte=_start_of(opts["since"]))
        if opts["until"]:
            events = events.filter(at__lt=_start_of(opts["until"] + timedelta(days=1)))
        if opts["verb"]:
            events = events.filter(verb__startswith=opts["verb"])
        by = _staff(opts["by"])
        count = events.count()
        rows = audit.export_rows(events)
        path.write_bytes(audit.to_xlsx(rows) if fmt == "xlsx" else audit.to_csv(rows))
        filters = {k: str(opts[k]) for k in ("since", "until", "agency", "verb") if opts[k]}
        audit.record(
            by,
            "audit.export",
            agency or audit.chain_head(),
            agency=agency,
            data={"format": fmt, "rows": count, "filters": filters, "via": "command"},
        )
        self.stdout.write(f"exported {count} entries to {path}")

    # --- prune --------------------------------------------------------------------------------------

    def prune(self, opts: dict[str, Any]) -> None:
        days = opts["days"] if opts["days"] is not None else audit.retention_days()
        if days < audit.MIN_RETENTION_DAYS:
            raise CommandError(
                f"the audit log is kept at least {audit.MIN_RETENTION_DAYS} days (asked: {days})"
            )
        by = _staff(opts["by"])
        cutoff = timezone.now() - timedelta(days=days)
        if opts["dry_run"]:
            n = AuditEvent.objects.filter(at__lt=cutoff).count()
            self.stdout.write(f"{n} entries are older than {days} days (before {cutoff:%Y-%m-%d %H:%M} UTC)")
            return
        check = audit.verify(progress=sys.stderr.isatty())
        if not check.ok:
            detail = check.problems[0] if check.problems else "the append-only triggers are missing"
            raise CommandError(
                f"refusing to prune: the audit log fails verification ({detail}); keep the evidence",
                returncode=1,
            )
        result = audit.prune(days=days, by=by)
        if result.removed:
            self.stdout.write(
                f"removed {result.removed} entries older than {days} days; "
                f"the chain now starts after seq {result.anchor_seq}"
            )
        else:
            self.stdout.write(f"nothing older than {days} days")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _staff(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, kind="staff").first()
    if user is None:
        raise CommandError(f"no staff account {username}")
    return user
