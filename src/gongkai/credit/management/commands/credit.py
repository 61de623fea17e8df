"""``gongkai credit import|export``: 双公示 records to and from the credit platform's spreadsheets.

``gongkai credit import FILE --agency CODE --kind licensing|penalty|coercion [--dry-run] [--valid-only]
[--publish] [--user NAME]``: every row is checked first; with errors the per-row report is printed and
nothing is imported (exit status 1), unless ``--valid-only``. Imported records are drafts unless
``--publish``. Importing the same file again creates nothing (文书号 + 行政相对人名称 identify a row).

``gongkai credit export --agency CODE --kind … [--year 2025] -o FILE.xlsx|FILE.csv [--masked]``: the
published records with the national headers; full identifiers unless ``--masked``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from gongkai.core.commandline import read_import_file, staff_user
from gongkai.credit import batch, records, services
from gongkai.credit.models import Kind
from gongkai.orgs.models import Agency


def find_agency(text: str) -> Agency:
    agency = Agency.objects.filter(Q(code=text.strip().upper()) | Q(name=text.strip())).first()
    if agency is None:
        raise CommandError(f"找不到机关“{text}”（请填写机关代码，如 430S00，或机关全称）。")
    return agency


class Command(BaseCommand):
    help = "双公示信息：import 导入（XLSX 或 UTF-8 CSV，表头为国家标准字段名称），export 导出。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{import,export}")
        imp = sub.add_parser("import", help="导入双公示信息")
        imp.add_argument("file", help="文件（.xlsx 或 .csv，不超过 10 MB）")
        imp.add_argument("--agency", required=True, help="决定机关代码（如 430S00）或全称")
        imp.add_argument("--kind", required=True, choices=Kind.values, help="信息类别")
        imp.add_argument("--dry-run", action="store_true", help="只检查并报告，不导入")
        imp.add_argument("--valid-only", action="store_true", help="有错误时仍导入无误的行")
        imp.add_argument("--publish", action="store_true", help="导入后直接公示（否则为待公示）")
        imp.add_argument("--user", help="记为操作人的工作人员用户名（默认不记名）")
        exp = sub.add_parser("export", help="导出已公示的双公示信息")
        exp.add_argument("--agency", required=True, help="决定机关代码（如 430S00）或全称")
        exp.add_argument("--kind", required=True, choices=Kind.values, help="信息类别")
        exp.add_argument("--year", type=int, help="决定年份（默认全部）")
        exp.add_argument("-o", "--output", required=True, help="输出文件（.xlsx 或 .csv）")
        exp.add_argument("--masked", action="store_true", help="隐去证件号码和自然人姓名")
        exp.add_argument("--user", help="记为操作人的工作人员用户名（默认不记名）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["what"] == "import":
            self.do_import(opts)
        else:
            self.do_export(opts)

    def do_import(self, opts: dict[str, Any]) -> None:
        agency = find_agency(opts["agency"])
        kind = Kind(opts["kind"])
        by = staff_user(opts["user"])
        path, data = read_import_file(opts["file"])
        try:
            rows = batch.read_rows(kind, path.name, data)
        except batch.BatchError as exc:
            raise CommandError(f"{path.name}：{exc}") from exc
        valid, errors, warnings = batch.validate_rows(kind, rows, today=timezone.localdate())
        filled = sum(1 for r in rows if any(r.values()))
        bad_rows = len({e.row for e in errors})
        self.stdout.write(
            f"{path.name}（{agency.name}，{kind.label}）：共 {filled} 行，无误 {len(valid)} 行，"
            f"有错误 {bad_rows} 行（{len(errors)} 处）。"
        )
        if errors:
            self.stdout.write("错误清单：")
            for error in errors:
                self.stdout.write(f"  {error}")
        if warnings:
            self.stdout.write("提示（不影响导入）：")
            for warning in warnings:
                self.stdout.write(f"  {warning}")
        if errors and not opts["valid_only"]:
            raise CommandError(
                "文件有错误，未导入任何数据。请修改后重新导入，或加 --valid-only 只导入无误的行。"
            )
        existing = services.existing_keys(agency, kind)
        already = sum(1 for _row, v in valid if (v["number"], v["party_name"]) in existing)
        if opts["dry_run"]:
            self.stdout.write(f"将导入 {len(valid) - already} 条，已存在而跳过 {already} 条。")
            self.stdout.write("检查完成（--dry-run：未导入任何数据）。")
            return
        result = services.import_rows(
            agency=agency,
            kind=kind,
            valid=valid,
            by=by,
            source_name=batch.display_name(path.name),
            publish=opts["publish"],
        )
        self.stdout.write(
            self.style.SUCCESS(f"已导入 {result.created} 条，已存在而跳过 {result.skipped_existing} 条。")
        )
        if opts["publish"]:
            self.stdout.write(f"  已公示 {result.published} 条。")
            if result.not_publishable:
                rows_text = "、".join(str(r) for r in result.not_publishable)
                self.stdout.write(f"  第 {rows_text} 行不予公示（不予许可或涉及未成年人），已保存为待公示。")
        if errors:
            self.stdout.write(self.style.WARNING(f"有错误的 {bad_rows} 行未导入。"))

    def do_export(self, opts: dict[str, Any]) -> None:
        agency = find_agency(opts["agency"])
        kind = Kind(opts["kind"])
        year = opts["year"]
        if year is not None and not 1990 <= year <= timezone.localdate().year:
            raise CommandError(f"年份 {year} 超出范围（1990–{timezone.localdate().year}）。")
        out = Path(opts["output"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv。")
        data, count = services.export_file(
            agency=agency, kind=kind, year=year, fmt=fmt, masked=opts["masked"], by=staff_user(opts["user"])
        )
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {out}：{exc.strerror}") from exc
        what = f"{year} 年" if year else "全部"
        name = records.KIND_NAMES[kind]
        self.stdout.write(self.style.SUCCESS(f"已导出{agency.name}{what}{name}信息 {count} 条到 {out}。"))
