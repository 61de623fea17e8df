"""``gongkai import ledger FILE --agency CODE``: import an application ledger (台账, XLSX or CSV).

Written with subcommands so that further imports (``gongkai import appeals …``, the 行政复议/诉讼 table of
``annual-report.md``) can be added next to ``ledger``.

Every row is checked first. With errors, the per-row report is printed and nothing is imported (exit
status 1), unless ``--valid-only`` asks to import the rows without errors. ``--dry-run`` checks and
reports but imports nothing. Importing the same file again creates nothing (the number identifies a row).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.applications import ledger
from gongkai.core.commandline import read_import_file, staff_user
from gongkai.orgs.models import Agency

PROGRESS_THRESHOLD = 500
"""A progress bar is shown when more rows than this are imported."""


def find_agency(text: str) -> Agency:
    agency = ledger.find_agency(text)
    if agency is None:
        raise CommandError(f"找不到机关“{text}”（请填写机关代码，如 430S00，或机关全称）。")
    return agency


STATUS_WORDS = {"replied": "已答复", "closed": "已终止", "withdrawn": "已撤回", "processing": "办理中"}


class Command(BaseCommand):
    help = (
        "导入数据。ledger：导入依申请公开台账；appeals：导入行政复议、行政诉讼案件"
        "（XLSX 或 UTF-8 CSV，第一行为表头）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{ledger,appeals}")
        led = sub.add_parser("ledger", help="导入依申请公开台账")
        led.add_argument("file", help="台账文件（.xlsx 或 .csv，不超过 10 MB）")
        led.add_argument("--agency", required=True, help="受理机关代码（如 430S00）或全称")
        led.add_argument("--dry-run", action="store_true", help="只检查并报告，不导入")
        led.add_argument(
            "--valid-only", action="store_true", help="有错误时仍导入无误的行（有错误的行不导入）"
        )
        led.add_argument("--user", help="记为操作人的工作人员用户名（默认不记名）")
        app = sub.add_parser("appeals", help="导入行政复议、行政诉讼案件")
        app.add_argument("file", help="案件表（.xlsx 或 .csv，不超过 10 MB）")
        app.add_argument("--agency", required=True, help="被申请人（被告）机关代码（如 430S00）或全称")
        app.add_argument("--dry-run", action="store_true", help="只检查并报告，不导入")
        app.add_argument(
            "--valid-only", action="store_true", help="有错误时仍导入无误的行（有错误的行不导入）"
        )
        app.add_argument("--user", help="记为操作人的工作人员用户名（默认不记名）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["what"] == "ledger":
            self.import_ledger(opts)
        elif opts["what"] == "appeals":
            self.import_appeals(opts)

    def import_appeals(self, opts: dict[str, Any]) -> None:
        """``gongkai import appeals FILE --agency CODE``: the same steps as the ledger
        (:mod:`gongkai.appeals.batch`)."""
        from gongkai.appeals import batch

        agency = find_agency(opts["agency"])
        by = staff_user(opts.get("user"))
        path, data = read_import_file(opts["file"], batch.MAX_BYTES)
        try:
            rows = batch.read_rows(path.name, data)
        except batch.BatchError as exc:
            raise CommandError(f"{path.name}：{exc}") from exc
        valid, errors = batch.validate(rows, agency=agency)
        filled = sum(1 for r in rows if any(r.values()))
        bad_rows = len({e.row for e in errors})
        self.stdout.write(
            f"{path.name}（{agency.name}）：共 {filled} 行，无误 {len(valid)} 行，"
            f"有错误 {bad_rows} 行（{len(errors)} 处）。"
        )
        if errors:
            self.stdout.write("错误清单：")
            for error in errors:
                self.stdout.write(f"  {error}")
            if not opts["valid_only"]:
                raise CommandError(
                    "案件表有错误，未导入任何数据。请修改后重新导入，或加 --valid-only 只导入无误的行。"
                )
        existing = batch.count_existing(agency=agency, valid=valid)
        if opts["dry_run"]:
            self.stdout.write(f"将导入 {len(valid) - existing} 件，已存在而跳过 {existing} 件。")
            self.stdout.write("检查完成（--dry-run：未导入任何数据）。")
            return
        result = batch.import_rows(agency=agency, valid=valid, by=by, source_name=path.name)
        self.stdout.write(
            self.style.SUCCESS(f"已导入 {result.created} 件，已存在而跳过 {result.skipped_existing} 件。")
        )
        if errors:
            self.stdout.write(self.style.WARNING(f"有错误的 {bad_rows} 行未导入。"))

    def import_ledger(self, opts: dict[str, Any]) -> None:
        agency = find_agency(opts["agency"])
        by = staff_user(opts.get("user"))
        path, data = read_import_file(opts["file"])
        try:
            rows = ledger.read_rows(path.name, data)
        except ledger.LedgerError as exc:
            raise CommandError(f"{path.name}：{exc}") from exc

        valid, errors = ledger.validate(rows, agency=agency)
        filled = sum(1 for r in rows if any(r.values()))
        bad_rows = len({e.row for e in errors})
        self.stdout.write(
            f"{path.name}（{agency.name}）：共 {filled} 行，无误 {len(valid)} 行，"
            f"有错误 {bad_rows} 行（{len(errors)} 处）。"
        )
        if errors:
            self.stdout.write("错误清单：")
            for error in errors:
                self.stdout.write(f"  {error}")
            if len(errors) > 20:
                by_column = Counter(e.column for e in errors)
                self.stdout.write(
                    "按列统计：" + "，".join(f"{column} {n} 处" for column, n in by_column.most_common())
                )
            if not opts["valid_only"]:
                raise CommandError(
                    "台账有错误，未导入任何数据。请修改后重新导入，或加 --valid-only 只导入无误的行。"
                )

        existing = ledger.count_existing(agency=agency, valid=valid)
        subjects, groups = ledger.new_list_entries(valid)
        if opts["dry_run"]:
            self.stdout.write(f"将导入 {len(valid) - existing} 件，已存在而跳过 {existing} 件。")
            if subjects:
                self.stdout.write(f"将新增涉及领域：{'、'.join(subjects)}")
            if groups:
                self.stdout.write(f"将新增申请人群体：{'、'.join(groups)}")
            self.stdout.write("检查完成（--dry-run：未导入任何数据）。")
            return

        result = self._import(agency, valid, by, path.name, total=len(valid) - existing)
        self.stdout.write(
            self.style.SUCCESS(f"已导入 {result.created} 件，已存在而跳过 {result.skipped_existing} 件。")
        )
        if result.by_status:
            self.stdout.write(
                "  "
                + "，".join(f"{STATUS_WORDS.get(k, k)} {n} 件" for k, n in sorted(result.by_status.items()))
            )
        if result.subjects_created or result.groups_created:
            self.stdout.write(
                f"  新增涉及领域 {result.subjects_created} 个，新增申请人群体 {result.groups_created} 个。"
            )
        if errors:
            self.stdout.write(self.style.WARNING(f"有错误的 {bad_rows} 行未导入。"))

    def _import(
        self, agency: Agency, valid: list[ledger.LedgerRow], by: Any, source: str, *, total: int
    ) -> ledger.ImportResult:
        if total <= PROGRESS_THRESHOLD:
            return ledger.import_rows(agency=agency, valid=valid, by=by, source_name=source)
        from tqdm import tqdm

        with tqdm(total=total, unit="件", desc="导入", file=self.stderr._out) as bar:
            return ledger.import_rows(
                agency=agency, valid=valid, by=by, source_name=source, progress=bar.update
            )
