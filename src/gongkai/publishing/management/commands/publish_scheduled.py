"""``gongkai publish_scheduled [--dry-run]``: publish items whose scheduled time has come (from a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gongkai.publishing import services
from gongkai.publishing.models import Item
from gongkai.publishing.workflow import Status


class Command(BaseCommand):
    help = "发布定时发布时间已到的信息。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发布")

    def handle(self, *args: Any, **opts: Any) -> None:
        now = timezone.now()
        if opts["dry_run"]:
            due = Item.objects.filter(status=Status.SCHEDULED, publish_at__lte=now)
            for item in due:
                self.stdout.write(f"{item.agency.short_name}  {item.title}  {item.publish_at:%Y-%m-%d %H:%M}")
            self.stdout.write(f"将发布 {due.count()} 条。")
            return
        done = services.publish_scheduled(now=now)
        for item in done:
            self.stdout.write(f"{item.index_number}  {item.title}")
        self.stdout.write(self.style.SUCCESS(f"已发布 {len(done)} 条。"))
