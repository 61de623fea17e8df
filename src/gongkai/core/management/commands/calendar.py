"""``gongkai calendar load FILE`` / ``gongkai calendar show YEAR``: the holiday schedule."""

from __future__ import annotations

import calendar as stdcal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.calendar import calendar_save_year, working_calendar, year_days
from gongkai.core.models import CalendarYear
from gongkai.core.schedule import ScheduleError, parse_file


class Command(BaseCommand):
    help = "节假日安排：load 从 CSV/ICS/文本文件载入一年的安排；show 显示某年的工作日历。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入一年的节假日安排（替换该年已录入的安排）")
        load.add_argument(
            "file", help=".csv（日期,休/班,名称）、.ics 或每行“日期[..日期] 名称 休/班”的文本文件"
        )
        load.add_argument("--year", type=int, help="年度（默认取文件中的年份）")
        load.add_argument(
            "--notice", required=True, help="依据的通知，如：国务院办公厅关于2027年部分节假日安排的通知"
        )
        load.add_argument("--notice-number", default="", help="通知文号，如：国办发明电〔2026〕x号")
        load.add_argument("--incomplete", action="store_true", help="尚未完整录入（该年仍按暂定计算）")
        load.add_argument("--dry-run", action="store_true", help="只检查，不保存")
        show = sub.add_parser("show", help="显示某年的节假日安排和工作日历")
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "load":
            self.load(opts)
        else:
            self.show(opts["year"])

    def load(self, opts: dict[str, Any]) -> None:
        path = Path(opts["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        try:
            days = parse_file(path.name, data, year=opts["year"])
        except ScheduleError as exc:
            raise CommandError(f"{path.name}：{exc}") from exc
        years = {d.day.year for d in days}
        if not days:
            raise CommandError(f"{path.name} 中没有任何放假或调休上班的日期。")
        if len(years) != 1:
            raise CommandError(
                f"{path.name} 含有多个年份的日期（{sorted(years)}），请用 --year 指定或拆分文件。"
            )
        year = opts["year"] or years.pop()
        holidays = sum(1 for d in days if not d.is_working)
        workdays = len(days) - holidays
        self.stdout.write(f"{year} 年：放假 {holidays} 天，调休上班 {workdays} 天。")
        if opts["dry_run"]:
            self.stdout.write("检查通过（--dry-run：未保存）。")
            return
        result = calendar_save_year(
            year=year,
            days=days,
            notice=opts["notice"],
            notice_number=opts["notice_number"],
            complete=not opts["incomplete"],
            reason=f"gongkai calendar load {path.name}",
        )
        verb = "已录入" if result.created else "已更新"
        self.stdout.write(
            self.style.SUCCESS(f"{year} 年节假日安排{verb}（新增 {result.added}，删除 {result.removed}）。")
        )
        for name, count in result.recomputed.items():
            self.stdout.write(f"  已重新计算 {name}：{count} 件的期限。")

    def show(self, year: int) -> None:
        if not 1900 <= year <= 2100:
            raise CommandError(f"年份 {year} 超出范围（1900–2100）。")
        cal = working_calendar()
        schedule = CalendarYear.objects.filter(year=year).first()
        if year in cal.known_years:
            source = "管理员录入" if schedule and schedule.complete else "chinese_calendar 数据包"
            self.stdout.write(f"{year} 年工作日历（来源：{source}）")
        else:
            self.stdout.write(self.style.WARNING(f"{year} 年节假日安排尚未录入：以下按周一至周五暂定。"))
        if schedule:
            self.stdout.write(f"依据：{schedule.notice} {schedule.notice_number}".rstrip())
        entered = {d.day: d for d in year_days(year)}
        total = 0
        header = "".join(f"   {c}" for c in "一二三四五六日")
        for month in range(1, 13):
            self.stdout.write(f"\n{year} 年 {month} 月\n{header}")
            for week in stdcal.Calendar().monthdatescalendar(year, month):
                cells = []
                for day in week:
                    if day.month != month:
                        cells.append(" " * 5)
                        continue
                    working = cal.is_working_day(day)
                    total += working
                    weekend = day.weekday() >= 5
                    mark = "  " if working != weekend else ("班" if working else "休")
                    cells.append(f"{day.day:>3d}{mark}")
                self.stdout.write("".join(cells).rstrip())
        self.stdout.write(f"\n全年工作日 {total} 天。休 = 工作日放假，班 = 周末调休上班。")
        named = [d for d in entered.values() if d.name]
        if named:
            self.stdout.write(
                "录入的日期："
                + "，".join(f"{d.day:%m-%d}{d.name}{'班' if d.is_working else '休'}" for d in named)
            )
