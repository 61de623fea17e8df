"""``gongkai health``: the checks of ``/healthz`` from the command line; exits 1 when one fails."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core import health


class Command(BaseCommand):
    help = (
        "检查运行状态：数据库、缓存、上传文件存储可写、磁盘剩余空间、检索索引目录、操作记录链；"
        "与 /healthz 相同。任一项失败时以状态 1 退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（与 /healthz 相同）")

    def handle(self, *args: Any, **options: Any) -> None:
        report = health.run()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            width = max(len(name) for name in report.checks)
            for name, result in report.checks.items():
                self.stdout.write(f"{name:<{width}}  {result}")
            self.stdout.write(f"status: {'ok' if report.ok else 'fail'}")
        if not report.ok:
            raise CommandError("health check failed: " + ", ".join(report.failing), returncode=1)
