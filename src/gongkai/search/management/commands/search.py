"""``gongkai search``: the search index's operator commands.

- ``gongkai search process-outbox [--loop SECONDS]`` — apply pending index changes (run it from a timer
  in production; development applies them right after each commit).
- ``gongkai search query TEXT [--type T] [--agency CODE]`` — search from the command line.
- ``gongkai search status`` — documents in the index, pending outbox entries.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.search import engine, outbox


class Command(BaseCommand):
    help = "站内搜索：process-outbox（处理索引待办）、query（检索）、status（状态）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{process-outbox,query,status}")
        po = sub.add_parser("process-outbox", help="处理索引待办")
        po.add_argument("--loop", type=float, default=0, help="每隔若干秒处理一次，不退出")
        q = sub.add_parser("query", help="检索")
        q.add_argument("text")
        q.add_argument("--type")
        q.add_argument("--agency")
        q.add_argument("--order", default="relevance", choices=engine.ORDERS)
        sub.add_parser("status", help="索引状态")

    def handle(self, *args: Any, **opts: Any) -> None:
        what = opts["what"]
        if what == "process-outbox":
            while True:
                n = outbox.process_all()
                if n or not opts["loop"]:
                    self.stdout.write(f"已处理 {n} 条索引待办。")
                if not opts["loop"]:
                    return
                time.sleep(opts["loop"])
        elif what == "query":
            r = engine.search(opts["text"], types=opts["type"], agency=opts["agency"], order=opts["order"])
            self.stdout.write(
                f"{r.count} 条（{r.engine}）" + (f"；您是不是要找：{r.suggestion}" if r.suggestion else "")
            )
            for hit in r.results:
                self.stdout.write(f"[{hit.type_label}] {hit.title}  {hit.date or ''}  {hit.url}")
        else:
            index = engine.get_index()
            docs = index.num_docs() if index is not None else "—"
            self.stdout.write(f"索引：{engine.index_directory()}，{docs} 篇；待处理 {outbox.pending()} 条。")
