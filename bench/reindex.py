"""Benchmark of the database copy that ``gongkai reindex`` writes (``search.SearchEntry``, what the fallback
search reads and what a rebuild leaves behind), against the previous way in the same run.

Creates a throwaway database (a SQLite file in a temporary directory, or a fresh PostgreSQL database
``gk_bench_reindex`` on the server given by ``--database-url``, dropped at the end) and migrates it. The
documents are those of ``bench/search.py`` (titles and ~1,200-character bodies of Chinese government
text), generated batch by batch (500 documents, as ``search.documents.iterate`` reads them); generating
them is not timed. Timed, per batch, with the normalisation both ways do (simplified, half-width, lower
case text; the title's pinyin):

- **row by row** (the baseline, the code before): ``outbox.save_entry`` for each document — an
  ``update_or_create``, i.e. a SELECT then an INSERT or UPDATE — in one transaction per batch;
- **bulk** (Gongkai now): ``outbox.save_entries`` — one INSERT … ON CONFLICT (key) DO UPDATE per batch;
- and the normalisation alone, the floor both share.

Each is measured twice: into an empty table (a first build) and over a full table (a rebuild, every row
updated). Then the rebuild's sweep (``DELETE … WHERE written_at < start``) is timed with 1 % of the rows
left stale. Prints documents per second, per-batch p50/p95 and the ratios.

    .venv/bin/python bench/reindex.py [--n 50000] [--seed 7]
    .venv/bin/python bench/reindex.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import report as report_bench  # noqa: E402  (bench/report.py: the throwaway database)
import search as search_bench  # noqa: E402  (bench/search.py: the corpus)

PG_NAME = "gk_bench_reindex"
BATCH = 500


def batches(n: int, seed: int) -> Iterator[list[Any]]:
    for start in range(0, n, BATCH):
        yield [search_bench.make_doc(i, seed)[0] for i in range(start, min(n, start + BATCH))]


def measure(name: str, n: int, seed: int, save: Callable[[list[Any]], None]) -> dict[str, Any]:
    times: list[float] = []
    for batch in batches(n, seed):
        t0 = time.perf_counter()
        save(batch)
        times.append(time.perf_counter() - t0)
    total = sum(times)
    result = {
        "name": name,
        "seconds": total,
        "docs_per_s": n / total,
        "p50_ms": report_bench.pct(times, 50) * 1000,
        "p95_ms": report_bench.pct(times, 95) * 1000,
    }
    print(
        f"  {name:<32} {total:8.1f} s  {result['docs_per_s']:8,.0f} docs/s  "
        f"batch p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms",
        flush=True,
    )
    return result


def run(args: argparse.Namespace) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from gongkai.search import engine, outbox
    from gongkai.search.models import SearchEntry

    norm = engine.normaliser()

    def row_by_row(batch: list[Any]) -> None:
        with transaction.atomic():
            for doc in batch:
                outbox.save_entry(doc, norm)

    def bulk(batch: list[Any]) -> None:
        with transaction.atomic():
            outbox.save_entries(batch, norm)

    print(
        f"database copy of {args.n:,} documents ({connection.vendor}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}); batches of {BATCH}",
        flush=True,
    )
    for doc in next(batches(BATCH, args.seed)):  # warm up: dictionaries loaded, untimed
        outbox._entry_fields(doc, norm)
    results = {}
    print("the normalisation alone (the floor both ways share):")
    results["normalise"] = measure(
        "normalise only", args.n, args.seed, lambda batch: [outbox._entry_fields(d, norm) for d in batch]
    )
    print("first build (empty table):")
    results["first_rows"] = measure("row by row (before)", args.n, args.seed, row_by_row)
    SearchEntry.objects.all().delete()
    results["first_bulk"] = measure("bulk (now)", args.n, args.seed, bulk)
    print("rebuild (every row exists and is updated):")
    results["re_rows"] = measure("row by row (before)", args.n, args.seed, row_by_row)
    results["re_bulk"] = measure("bulk (now)", args.n, args.seed, bulk)
    assert SearchEntry.objects.count() == args.n

    stale = max(1, args.n // 100)
    keys = [f"item:{i}" for i in range(0, stale * 100, 100)]
    started = timezone.now()
    SearchEntry.objects.exclude(key__in=keys).update(written_at=started)  # all but the stale ones
    t0 = time.perf_counter()
    with transaction.atomic():
        deleted, _ = SearchEntry.objects.filter(written_at__lt=started).delete()
    sweep = time.perf_counter() - t0
    print(f"sweep: {deleted:,} stale entries of {args.n:,} removed in {sweep * 1000:.0f} ms", flush=True)

    print("\n| | row by row (before) | bulk (now) | ratio |")
    print("| --- | --- | --- | --- |")
    pairs = (("first build", "first_rows", "first_bulk"), ("rebuild", "re_rows", "re_bulk"))
    for label, rows, bulk_ in pairs:
        a, b = results[rows], results[bulk_]
        print(
            f"| {label}: docs/s | {a['docs_per_s']:,.0f} | {b['docs_per_s']:,.0f} | "
            f"{b['docs_per_s'] / a['docs_per_s']:.1f}× |"
        )
        print(
            f"| {label}: batch p50 / p95 ms | {a['p50_ms']:.1f} / {a['p95_ms']:.1f} | "
            f"{b['p50_ms']:.1f} / {b['p95_ms']:.1f} | |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50_000, help="documents (default 50,000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--database-url",
        help=f"a PostgreSQL server, postgres://user@host:port/…; database {PG_NAME} is created and dropped",
    )
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database at the end")
    args = ap.parse_args()

    # as in production, Django logs no SQL
    env = {"GONGKAI_SEARCH_INDEX": "{tmp}/index", "GONGKAI_DEBUG": "0"}
    report_bench.in_throwaway_database(args, "gk_bench_reindex_", run, PG_NAME, env)


if __name__ == "__main__":
    main()
