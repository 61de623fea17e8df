"""``gongkai report annual --agency 430S00 --year 2020 --format pdf -o report.pdf``.

Formats: ``json`` (to standard output without ``-o``), ``html``, ``pdf``, ``docx``, ``xlsx``. The report is
the agency's published one for the year if there is one, else the figures as they stand today (with the
draft's text and hand-entered cells, if a draft exists). ``--check`` prints the cross-checks and exits
with status 1 when one fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.orgs.models import Agency
from gongkai.reports import counts, formats, services
from gongkai.reports.models import AnnualReport

FORMATS = ("json", "html", "pdf", "docx", "xlsx")


class Command(BaseCommand):
    help = "政府信息公开工作年度报告：gongkai report annual --agency 430S00 --year 2020 --format pdf -o r.pdf"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{annual}")
        annual = sub.add_parser("annual", help="生成年度报告")
        annual.add_argument("--agency", required=True, help="机关代码（如 430S00）")
        annual.add_argument("--year", required=True, type=int, help="报告年度（2019 起）")
        annual.add_argument("--format", default="json", choices=FORMATS, help="输出格式（默认 json）")
        annual.add_argument("-o", "--output", help="输出文件（json 可省略，输出到标准输出）")
        annual.add_argument("--check", action="store_true", help="只打印校验结果")

    def handle(self, *args: Any, **opts: Any) -> None:
        agency = Agency.objects.filter(code=opts["agency"]).first()
        if agency is None:
            raise CommandError(f"找不到机关“{opts['agency']}”。")
        year = opts["year"]
        try:
            formats.format_for_year(year)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = services.published(agency, year) or services.current(agency, year)
        if report is None:  # nothing prepared yet: the figures as they stand, not saved
            report = AnnualReport(agency=agency, year=year, format=formats.format_for_year(year))
            data = formats.to_json(
                formats.build(report.format, counts.counts([agency], year)),
                year=year,
                agency={"code": agency.code, "name": agency.name},
            )
            extras: dict[str, Any] = {"adjusted_cells": [], "version": 1}
        else:
            data = services.to_json(report)
            extras = data.pop("extras", None) or services.extras(report)
        if opts["check"]:
            failed = [c for c in data["checks"] if not c["ok"]]
            for c in data["checks"]:
                self.stdout.write(f"{'✓' if c['ok'] else '✗'} {c['rule']}  {c['message']}")
            if failed:
                raise CommandError(f"{len(failed)} 项校验未通过。")
            return
        fmt, out = opts["format"], opts["output"]
        if fmt == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if out:
                Path(out).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
                return
        else:
            if not out:
                raise CommandError(f"{fmt} 格式须用 -o 指定输出文件。")
            from gongkai.reports import outputs

            full = {**data, "extras": extras}
            result: str | bytes
            if fmt == "html":
                result = outputs.render_html(full, standalone=True)
            elif fmt == "pdf":
                result = outputs.render_pdf(full)
            elif fmt == "docx":
                result = outputs.render_docx(full)
            else:
                result = outputs.render_xlsx(full)
            Path(out).write_bytes(result.encode("utf-8") if isinstance(result, str) else result)
        self.stderr.write(f"已生成{agency.name}{year}年度报告（{fmt}）：{out}")
