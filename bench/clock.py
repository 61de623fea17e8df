"""Benchmark of the statutory clock (gongkai.core.clock).

Generates N application cases (receipt dates 2020-01-01 .. 2026-12-31; some with a clarification,
consultations, a fee notice, an extension or an Art. 35 date), computes their reply deadlines with the
module, and measures a naive day-by-day implementation of the same rules (the loop recommended in
regulation.md §5.3, on ``chinese_calendar.is_workday``) on a sample in the same run, extrapolated to N.
The naive results are also compared with the module's, case by case.

    .venv/bin/python bench/clock.py [--n 1000000] [--batch 1000] [--naive 20000] [--seed 2025]
    .venv/bin/python bench/clock.py --workers 2     # the module alone, one process per core

Timing: only the deadline computation is timed; cases are generated batch by batch outside the timed
region. Per-case p50/p95 are taken over the batches (batch time / batch size), so they are means within
a batch; a separate sample times individual cases (includes ~0.1 µs of timer overhead).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import chinese_calendar

from gongkai.core.clock import (
    Clarification,
    Consultation,
    ConsultationParty,
    FeeNotice,
    WorkingCalendar,
    reply_deadline,
)

FIRST = date(2020, 1, 1)
LAST = date(2026, 12, 31)
PKG_FIRST = min(chinese_calendar.holidays).year
PKG_LAST = max(chinese_calendar.holidays).year

# share of cases with each complication (independent draws)
P_CLARIFICATION = 0.12
P_CONSULTATION = 0.08
P_FEE = 0.02
P_EXTENSION = 0.10
P_ART35 = 0.005


# --------------------------------------------------------------------------------------------------------
# case generation
# --------------------------------------------------------------------------------------------------------


def make_cases(rng: random.Random, n: int, days: list[date]) -> list[tuple]:
    """n cases as tuples (receipt, clarification, consultations, fees, extension_days, art35_due)."""
    out = []
    rand = rng.random
    rint = rng.randint
    td = timedelta
    for _ in range(n):
        r = days[rint(0, len(days) - 1)]
        clar = None
        cons: tuple[Consultation, ...] = ()
        fees: tuple[FeeNotice, ...] = ()
        ext = 0
        art35 = None
        if rand() < P_CLARIFICATION:
            sent = r + td(days=rint(0, 12))
            supp = sent + td(days=rint(0, 25)) if rand() < 0.85 else None
            clar = Clarification(sent, supp, rint(10, 20) if rand() < 0.2 else 15)
        base = clar.supplement_received if clar and clar.supplement_received else r
        if rand() < P_CONSULTATION:
            items = []
            for _k in range(1 if rand() < 0.8 else 2):
                sent = base + td(days=rint(0, 20))
                got = sent + td(days=rint(1, 5))
                u = rand()
                if u < 0.75:
                    items.append(Consultation(sent, got + td(days=rint(0, 25)), got))
                elif u < 0.95:
                    items.append(Consultation(sent, None, got, ConsultationParty.agency))
                else:
                    items.append(Consultation(sent))  # still open
            cons = tuple(items)
        if rand() < P_FEE:
            f = base + td(days=rint(2, 25))
            fees = (FeeNotice(f, f + td(days=rint(0, 30)) if rand() < 0.9 else None),)
        if rand() < P_EXTENSION:
            ext = rint(1, 20)
        if rand() < P_ART35:
            art35 = base + td(days=rint(40, 120))
        out.append((r, clar, cons, fees, ext, art35))
    return out


# --------------------------------------------------------------------------------------------------------
# naive day-by-day baseline (same rules, no precomputation)
# --------------------------------------------------------------------------------------------------------


def naive_is_working(d: date) -> bool:
    if PKG_FIRST <= d.year <= PKG_LAST:
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5  # unknown year: provisional Monday–Friday


def naive_add(day0: date, n: int) -> date:
    d, k = day0, 0
    while k < n:
        d += timedelta(days=1)
        if naive_is_working(d):
            k += 1
    return d


def naive_due(case: tuple) -> date | None:
    r, clar, cons, fees, ext, art35 = case
    start = r
    stopped = False
    if clar is not None:
        if clar.supplement_received is None:
            stopped = True
        else:
            start = clar.supplement_received
    paused: set[date] = set()
    intervals = []
    for c in cons:
        end = c.answered
        if end is None and c.recipient_received is not None:
            end = naive_add(c.recipient_received, 15)
        if end is None:
            stopped = True
            continue
        intervals.append((c.sent, end))
    for f in fees:
        if f.paid is None:
            stopped = True
            continue
        intervals.append((f.received, f.paid))
    for a, b in intervals:
        d = a + timedelta(days=1)
        while d <= b:
            if d > start and naive_is_working(d):
                paused.add(d)
            d += timedelta(days=1)
    if art35 is not None:
        return art35
    if stopped:
        return None
    return naive_add(start, 20 + len(paused) + ext)


# --------------------------------------------------------------------------------------------------------


def compute(cal: WorkingCalendar, batch: list[tuple]) -> list:
    rd = reply_deadline
    return [
        rd(cal, r, clarification=c, consultations=k, fees=f, extension_days=e, art35_due=a)
        for r, c, k, f, e, a in batch
    ]


def _worker(seed: int, n_batches: int, batch: int, barrier: Any, out: Any) -> None:
    """One process of the --workers run: generate first (untimed), wait for the others, then compute."""
    rng = random.Random(seed)
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    cal = WorkingCalendar.from_chinese_calendar()
    batches = [make_cases(rng, batch, days) for _ in range(n_batches)]
    gc.disable()
    barrier.wait()
    times = []
    for b in batches:
        t0 = time.perf_counter()
        compute(cal, b)
        times.append(time.perf_counter() - t0)
    out.put(times)


def run_workers(workers: int, n: int, batch: int, seed: int) -> None:
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    n_batches = max(1, n // batch)
    shares = [n_batches // workers + (1 if i < n_batches % workers else 0) for i in range(workers)]
    barrier = ctx.Barrier(workers + 1)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(seed + i, shares[i], batch, barrier, out)) for i in range(workers)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    times = [t for _ in procs for t in out.get()]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    done = len(times) * batch
    per = [t / batch * 1e6 for t in times]
    print(
        f"{workers} processes: {done:,} cases, wall time {wall:.3f} s (computation only; cases pre-generated)"
    )
    print(f"  CPU time summed over processes {sum(times):.3f} s ({sum(times) / done * 1e6:.2f} µs per case)")
    print(f"  per case, batch means: p50 {pct(per, 50):.2f} µs   p95 {pct(per, 95):.2f} µs")
    print(f"target (< 5 s for 1,000,000): {'met' if wall * 1_000_000 / done < 5 else 'NOT met'}")


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="number of cases (default 1,000,000)")
    ap.add_argument("--batch", type=int, default=1000, help="cases per timed batch (default 1000)")
    ap.add_argument("--naive", type=int, default=20_000, help="cases for the naive baseline (default 20,000)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument(
        "--workers", type=int, default=1, help="processes; >1 runs only the module, in parallel (default 1)"
    )
    args = ap.parse_args()
    if args.workers > 1:
        print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
        run_workers(args.workers, args.n, args.batch, args.seed)
        return

    rng = random.Random(args.seed)
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; one process")
    t0 = time.perf_counter()
    cal = WorkingCalendar.from_chinese_calendar()
    print(f"calendar build: {(time.perf_counter() - t0) * 1e3:.1f} ms  ({cal!r})")

    # ---- module: N cases in timed batches -------------------------------------------------------
    n_batches = max(1, args.n // args.batch)
    per_case_us: list[float] = []
    total = 0.0
    gen = 0.0
    done = 0
    provisional = stopped = 0
    mix = [0] * 6  # clarification, consultation, fee, extension, art35, plain
    gc_was = gc.isenabled()
    for _ in range(n_batches):
        g0 = time.perf_counter()
        batch = make_cases(rng, args.batch, days)
        g1 = time.perf_counter()
        gen += g1 - g0
        if gc_was:
            gc.disable()
        t0 = time.perf_counter()
        res = compute(cal, batch)
        dt = time.perf_counter() - t0
        if gc_was:
            gc.enable()
        total += dt
        per_case_us.append(dt / len(batch) * 1e6)
        done += len(batch)
        provisional += sum(1 for d in res if d.provisional)
        stopped += sum(1 for d in res if d.due is None)
        for _r, c, k, f, e, a in batch:
            mix[0] += c is not None
            mix[1] += bool(k)
            mix[2] += bool(f)
            mix[3] += e > 0
            mix[4] += a is not None
            mix[5] += c is None and not k and not f and not e and a is None

    # ---- individual case timings on a sample ---------------------------------------------------
    sample = make_cases(rng, min(100_000, done), days)
    pc = time.perf_counter_ns
    rd = reply_deadline
    singles = []
    for r, c, k, f, e, a in sample:
        t0n = pc()
        rd(cal, r, clarification=c, consultations=k, fees=f, extension_days=e, art35_due=a)
        singles.append((pc() - t0n) / 1e3)
    singles.sort()

    # ---- naive baseline on a sample, same run ---------------------------------------------------
    naive_cases = make_cases(rng, args.naive, days)
    t0 = time.perf_counter()
    naive_res = [naive_due(c) for c in naive_cases]
    naive_t = time.perf_counter() - t0
    fast_res = compute(cal, naive_cases)
    mismatches = sum(1 for x, y in zip(naive_res, fast_res, strict=True) if x != y.due)
    t0 = time.perf_counter()
    compute(cal, naive_cases)
    fast_same = time.perf_counter() - t0

    naive_per = naive_t / len(naive_cases)
    naive_extrap = naive_per * done
    print()
    print(f"cases computed:            {done:,} ({n_batches:,} batches of {args.batch:,})")
    print(
        f"  mix: plain {mix[5]:,}; with clarification {mix[0]:,}, consultation {mix[1]:,}, fee {mix[2]:,},"
        f" extension {mix[3]:,}, Art. 35 date {mix[4]:,}"
    )
    print(f"  with provisional due:    {provisional:,} (receipts late in 2026 reach 2027)")
    print(f"  clock stopped (no due):  {stopped:,}")
    print(f"case generation (untimed): {gen:.2f} s")
    print(f"module total:              {total:.3f} s   ({total / done * 1e6:.2f} µs per case)")
    print(
        f"per case, batch means:     p50 {pct(per_case_us, 50):.2f} µs   p95 {pct(per_case_us, 95):.2f} µs"
        f"   max {max(per_case_us):.2f} µs"
    )
    print(
        f"per case, single timings:  p50 {singles[len(singles) // 2]:.2f} µs   "
        f"p95 {singles[int(len(singles) * 0.95)]:.2f} µs   p99 {singles[int(len(singles) * 0.99)]:.2f} µs"
        f"   ({len(singles):,} cases, incl. timer overhead)"
    )
    print(
        f"naive day-by-day baseline: {naive_t:.3f} s for {len(naive_cases):,} cases "
        f"({naive_per * 1e6:.1f} µs per case) -> extrapolated to {done:,}: {naive_extrap:.1f} s"
    )
    print(f"module on the same sample: {fast_same:.3f} s -> speed ratio {naive_t / fast_same:.0f}x")
    print(f"naive vs module due dates: {mismatches} mismatches in {len(naive_cases):,} cases")
    print(f"target (< 5 s for 1,000,000): {'met' if total / done * 1e6 < 5 else 'NOT met'}")
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
