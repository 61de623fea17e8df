"""``gongkai reindex``: rebuild the search index (and its database copy) from everything public."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from gongkai.search import documents, engine
from gongkai.search.rebuild import reindex


class Command(BaseCommand):
    help = "重建站内搜索索引（已发布的政府信息、规范性文件、年度报告、咨询问答、征地项目）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="准备文档的进程数（默认 1：本进程准备、tantivy 一个线程建索引，两核上最快）",
        )
        parser.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **opts: Any) -> None:
        total = documents.count()
        with tqdm(total=total, unit="篇", disable=opts["quiet"], file=self.stderr) as bar:
            n = reindex(progress=bar.update, workers=opts["workers"])
        where = engine.index_directory() if engine.get_index() is not None else "数据库（未安装 tantivy）"
        self.stdout.write(self.style.SUCCESS(f"已索引 {n} 篇：{where}"))
