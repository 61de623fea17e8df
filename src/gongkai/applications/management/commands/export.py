"""``gongkai export ledger --agency CODE [--year 2025] -o FILE.xlsx``: export the application ledger.

Written with subcommands so that further exports can be added next to ``ledger``. The workbook has the
columns of the import (``gongkai import ledger``); ID and phone numbers are masked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.applications import ledger


class Command(BaseCommand):
    help = "导出数据。ledger：导出依申请公开台账（XLSX，证件号码和电话脱敏）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{ledger}")
        led = sub.add_parser("ledger", help="导出依申请公开台账")
        led.add_argument("--agency", required=True, help="受理机关代码（如 430S00）或全称")
        led.add_argument("--year", type=int, help="收到申请的年度（默认全部）")
        led.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["what"] == "ledger":
            self.export_ledger(opts)

    def export_ledger(self, opts: dict[str, Any]) -> None:
        agency = ledger.find_agency(opts["agency"])
        if agency is None:
            raise CommandError(f"找不到机关“{opts['agency']}”（请填写机关代码，如 430S00，或机关全称）。")
        year = opts["year"]
        if year is not None and not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"年度 {year} 超出范围（2000–{timezone.localdate().year}）。")
        out = Path(opts["output"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("输出文件的扩展名应为 .xlsx。")
        count = ledger.export_queryset(agency=agency, year=year).count()
        data = ledger.export_xlsx(agency=agency, year=year)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {out}：{exc.strerror}") from exc
        what = f"{year} 年" if year else "全部"
        self.stdout.write(self.style.SUCCESS(f"已导出{agency.name}{what}台账 {count} 件到 {out}。"))
