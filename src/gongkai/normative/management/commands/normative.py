"""``gongkai normative``: the library's operator commands.

- ``gongkai normative update-status [--date YYYY-MM-DD]`` — the daily job: documents whose 施行日期 came
  or whose 有效期 ran out change state (idempotent; run it from a daily timer).
- ``gongkai normative import FILE --agency CODE [--dry-run] [--valid-only] [--user NAME]`` — import an
  existing library (XLSX or UTF-8 CSV, first row = headers; see :mod:`gongkai.normative.batch`).
- ``gongkai normative export --agency CODE -o FILE.xlsx|.csv`` — the published library.
- ``gongkai normative expiring [--agency CODE]`` — documents whose 有效期 ends within 90 days.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.core import spreadsheets
from gongkai.core.commandline import read_import_file, staff_user
from gongkai.normative import batch, selectors, services
from gongkai.orgs.models import Agency


def _agency(text: str) -> Agency:
    agency = Agency.objects.filter(code=text).first() or Agency.objects.filter(name=text).first()
    if agency is None:
        raise CommandError(f"找不到机关“{text}”（请填写机关代码，如 430S00，或机关全称）。")
    return agency


class Command(BaseCommand):
    help = "规范性文件库：update-status（每日更新效力状态）、import、export、expiring。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="what", required=True, metavar="{update-status,import,export,expiring}"
        )
        up = sub.add_parser("update-status", help="按施行日期和有效期更新效力状态（可重复运行）")
        up.add_argument("--date", help="按哪一天计算（默认今天），YYYY-MM-DD")
        imp = sub.add_parser("import", help="导入规范性文件（XLSX 或 UTF-8 CSV）")
        imp.add_argument("file")
        imp.add_argument("--agency", required=True, help="制定机关代码（如 430S00）或全称")
        imp.add_argument("--dry-run", action="store_true", help="只检查并报告，不导入")
        imp.add_argument("--valid-only", action="store_true", help="有错误时仍导入无误的行")
        imp.add_argument("--user", help="记为操作人的工作人员用户名")
        exp = sub.add_parser("export", help="导出已发布的规范性文件")
        exp.add_argument("--agency", required=True)
        exp.add_argument("-o", "--output", required=True, help="输出文件（.xlsx 或 .csv）")
        soon = sub.add_parser("expiring", help="列出 90 天内到期的文件")
        soon.add_argument("--agency", help="机关代码（默认全部）")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "do_" + opts["what"].replace("-", "_"))(opts)

    def do_update_status(self, opts: dict[str, Any]) -> None:
        day = timezone.localdate()
        if opts["date"]:
            try:
                day = spreadsheets.parse_date(opts["date"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        changed = services.apply_dates(day)
        self.stdout.write(self.style.SUCCESS(f"{day:%Y-%m-%d}：{changed} 件文件的效力状态已更新。"))

    def do_import(self, opts: dict[str, Any]) -> None:
        agency = _agency(opts["agency"])
        by = staff_user(opts.get("user"))
        path, data = read_import_file(opts["file"])
        try:
            rows = batch.read_rows(path.name, data)
        except batch.BatchError as exc:
            raise CommandError(f"{path.name}：{exc}") from exc
        valid, errors = batch.validate(rows, today=timezone.localdate())
        filled = sum(1 for r in rows if any(v.strip() for v in r.values()))
        bad = len({e.row for e in errors})
        self.stdout.write(
            f"{path.name}（{agency.name}）：共 {filled} 行，无误 {len(valid)} 行，有错误 {bad} 行。"
        )
        for error in errors:
            self.stdout.write(f"  {error}")
        if errors and not opts["valid_only"]:
            raise CommandError(
                "文件有错误，未导入任何数据。请修改后重新导入，或加 --valid-only 只导入无误的行。"
            )
        already = len(batch.existing_numbers(r.values["document_number"] for r in valid))
        if opts["dry_run"]:
            self.stdout.write(f"将导入 {len(valid) - already} 件，文号已存在而跳过 {already} 件。")
            self.stdout.write("检查完成（--dry-run：未导入任何数据）。")
            return
        result = batch.import_rows(agency=agency, valid=valid, by=by, source=path.name)
        self.stdout.write(
            self.style.SUCCESS(f"已导入 {result.created} 件，文号已存在而跳过 {result.skipped} 件。")
        )

    def do_export(self, opts: dict[str, Any]) -> None:
        agency = _agency(opts["agency"])
        out = Path(opts["output"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv。")
        try:
            out.write_bytes(batch.export(agency, fmt))
        except OSError as exc:
            raise CommandError(f"无法写入文件 {out}：{exc.strerror}") from exc
        self.stdout.write(self.style.SUCCESS(f"已导出{agency.name}的规范性文件到 {out}。"))

    def do_expiring(self, opts: dict[str, Any]) -> None:
        agencies = Agency.objects.filter(code=opts["agency"]) if opts["agency"] else Agency.objects.all()
        rows = list(selectors.expiring(agencies).select_related("agency"))
        for d in rows:
            self.stdout.write(
                f"{d.expires_on:%Y-%m-%d}  {d.agency.short_name}  {d.document_number}  {d.title}"
            )
        self.stdout.write(f"共 {len(rows)} 件文件将在 90 天内到期。")
