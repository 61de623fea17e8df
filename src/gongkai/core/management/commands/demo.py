"""``gongkai demo``: load the demonstration data (idempotent: running it again changes nothing).

Each area that has demonstration content provides ``gongkai.<app>.demo.load(out)``; they are loaded
in the order of INSTALLED_APPS, so later areas can build on the agencies and people loaded first.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from gongkai.orgs.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "载入演示数据（可重复运行）：湖南省自然资源厅及其下级机关、各岗位人员、公众用户。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账户")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("gongkai."):
                    continue
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                module = import_module(module_name)
                accounts.extend(module.load(self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        if accounts and not options["quiet_accounts"]:
            self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
            width = max(len(a[0]) for a in accounts)
            for username, where, role in accounts:
                self.stdout.write(f"  {username.ljust(width)}  {where} · {role}")
