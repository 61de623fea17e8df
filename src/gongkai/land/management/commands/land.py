"""``gongkai land``: operator commands for land expropriation.

- ``gongkai land import FILE --agency CODE [--dry-run] [--user NAME]`` — projects and their documents from
  XLSX or UTF-8/GB18030 CSV (see :mod:`gongkai.land.batch`); every row is checked first, nothing is written
  if one is wrong; existing projects are skipped.
- ``gongkai land quarter 2026Q3`` — the quarterly figures and scores of every city and county.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.commandline import read_import_file, staff_user
from gongkai.land import batch, rules, selectors
from gongkai.orgs.models import Agency


class Command(BaseCommand):
    help = "征地信息：import（导入项目和文件）、quarter（季度检查数据）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{import,quarter}")
        imp = sub.add_parser("import", help="导入征地项目（XLSX 或 CSV）")
        imp.add_argument("file")
        imp.add_argument("--agency", required=True, help="责任机关代码（如 430121S）")
        imp.add_argument("--dry-run", action="store_true", help="只检查并报告，不导入")
        imp.add_argument("--user", help="记为操作人的工作人员用户名")
        qt = sub.add_parser("quarter", help="显示某季度各市州、县市区的检查数据")
        qt.add_argument("quarter", help="如 2026Q3")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "do_" + opts["what"])(opts)

    def do_import(self, opts: dict[str, Any]) -> None:
        agency = Agency.objects.filter(code=opts["agency"]).first()
        if agency is None:
            raise CommandError(f"找不到机关“{opts['agency']}”。")
        by = staff_user(opts.get("user"))
        path, data = read_import_file(opts["file"])
        result = batch.import_file(name=path.name, data=data, agency=agency, by=by, dry_run=opts["dry_run"])
        for line in result.errors:
            self.stderr.write(line)
        if result.errors:
            raise CommandError(f"共 {len(result.errors)} 处错误，未导入任何项目。")
        for line in result.skipped:
            self.stdout.write(line)
        verb = "可导入" if opts["dry_run"] else "已导入"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {result.created} 个项目，跳过 {len(result.skipped)} 个已存在的项目。")
        )

    def do_quarter(self, opts: dict[str, Any]) -> None:
        try:
            quarter = rules.Quarter.parse(opts["quarter"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        data = selectors.supervision(quarter)
        for title, key in (("县市区", "counties"), ("市州", "cities")):
            self.stdout.write(f"{quarter.label} · {title}")
            for r in data[key]:
                s = r["stats"]
                score = "—" if s.score is None else f"{s.score:.1f}"
                self.stdout.write(
                    f"{r['rank'] or '—'}\t{r['unit'].name}\t批准{s.approved}\t应公开{s.due}\t按时{s.on_time}"
                    f"\t逾期公开{s.late}\t逾期未公开{s.missing}\t{score}\t{s.grade or '本季度无应公开事项'}"
                )
