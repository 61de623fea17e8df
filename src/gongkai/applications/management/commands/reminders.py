"""``gongkai reminders``: email the handling staff of applications close to their reply deadline.

Run it from a timer (cron or a systemd timer, e.g. every working day at 08:30). It keeps its state in
the database, so it survives restarts and never sends the same reminder twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gongkai.applications import services


class Command(BaseCommand):
    help = "答复期限提醒：向承办人员发送 N 个工作日内到期的申请提醒（同一期限只提醒一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="提前的工作日数（默认 3）")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发送")

    def handle(self, *args: Any, **opts: Any) -> None:
        sent = services.send_reminders(
            today=timezone.localdate(), days_before=opts["days"], dry_run=opts["dry_run"]
        )
        for application in sent:
            self.stdout.write(
                f"{application.number}  {application.agency.short_name}  答复期限 {application.due_on}"
            )
        verb = "将提醒" if opts["dry_run"] else "已提醒"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(sent)} 件。"))
