"""Benchmark of the annual report's section 三 (gongkai.reports.counts) for one large agency.

Creates a throwaway database (a SQLite file in a temporary directory, or a fresh PostgreSQL database
``gk_bench_report`` on the server given by ``--database-url``, dropped at the end), migrates it, creates
the agency tree and N applications of one agency (bulk INSERT in batches, COPY on PostgreSQL; not timed
as part of the result), then measures, R times each:

(a) Gongkai's path: ``formats.build(fmt, {"section3": counts.section3_counts([agency], year)})`` and
    ``formats.check(report)`` — one grouped SQL query, then the table arithmetic;
(b) the baseline: a Python loop over every row of the agency (``values_list(...).iterator()``, streamed
    in chunks of 10,000), one ``formats.CaseFact`` per row, ``formats.count_cases``.

Both must give the same table (checked on every repetition). The data resemble a department's ledger:
85% natural persons; receipt dates spread over 2019–2022; ~95% concluded within 0–40 days, ~3.5% later,
~1% still open (received in the last two months), ~0.5% discarded online submissions (never counted);
outcomes weighted like published reports (予以公开 ~40%, 部分公开 ~10%, 无法提供 ~28%, the rest spread
over 不予公开, 不予处理 and 其他处理).

    .venv/bin/python bench/report.py [--n 1000000] [--repeat 7] [--year 2021] [--seed 2025]
    .venv/bin/python bench/report.py --database-url postgres://postgres@127.0.0.1:5432/gk_bench_report
    .venv/bin/python bench/report.py --index       # also measure (a) without, then again with, the index

The migrations create the covering index ``application_report_counts`` (agency, applicant column,
outcome, received, concluded, status; applications migration 0005), so (a) is measured with it.
``--index`` then drops it and measures (a) without it, re-creates it and measures (a) again, in the same
run. The query plan of (a) is printed (EXPLAIN QUERY PLAN / EXPLAIN (ANALYZE, BUFFERS)).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PG_NAME = "gk_bench_report"
BATCH = 20_000
FIRST = date(2019, 1, 1)
LAST = date(2022, 12, 31)
TARGET_S = 2.0

APPLICANTS = (  # section 三 column, share
    ("natural_person", 0.85),
    ("commercial_enterprise", 0.08),
    ("research_institution", 0.005),
    ("public_interest_org", 0.005),
    ("legal_service_org", 0.03),
    ("other_org", 0.03),
)
OUTCOMES = (  # outcome key (2021 format), share in percent
    ("disclosed", 40),
    ("partially_disclosed", 10),
    ("withheld.state_secret", 0.2),
    ("withheld.prohibited_by_law", 0.5),
    ("withheld.security_stability", 0.3),
    ("withheld.third_party_rights", 2),
    ("withheld.internal_affairs", 1),
    ("withheld.process_information", 2),
    ("withheld.enforcement_files", 1),
    ("withheld.query_matters", 1),
    ("unavailable.not_held", 22),
    ("unavailable.needs_creation", 4),
    ("unavailable.unclear_after_supplement", 2),
    ("not_processed.petition_complaint", 3),
    ("not_processed.repeated", 3),
    ("not_processed.publication", 0.5),
    ("not_processed.excessive", 0.5),
    ("not_processed.confirm_or_reissue", 1),
    ("other.no_supplement", 2.5),
    ("other.fee_unpaid", 0.5),
    ("other.other", 3),
)
CHANNELS = (("online", 0.55), ("in_person", 0.2), ("registered_post", 0.15), ("ordinary_letter", 0.08))
OPEN_STATUSES = ("processing", "consulting", "awaiting_fee", "awaiting_supplement", "pending_approval")
# share of applications: concluded within 0–40 days / concluded later (41–200 days) / still open / discarded
P_QUICK, P_LATE, P_OPEN = 0.95, 0.035, 0.01  # the rest (0.5%) are discarded online submissions

# key, code, full name, short name, level, parent key, division code, division name (as tests/conftest.py)
TREE = (
    ("province", "430S00", "湖南省自然资源厅", "省厅", "province", None, "430000", "湖南省"),
    ("city_a", "4301S0", "长沙市自然资源和规划局", "长沙市局", "city", "province", "430100", "长沙市"),
    ("city_b", "4302S0", "株洲市自然资源和规划局", "株洲市局", "city", "province", "430200", "株洲市"),
    ("county_a1", "430121S", "长沙县自然资源局", "长沙县局", "county", "city_a", "430121", "长沙县"),
)
INDEX_NAME = "application_report_counts"  # applications migration 0005
INDEX_COLUMNS = ("agency_id", "applicant_column", "outcome", "received_on", "concluded_on", "status")


# --------------------------------------------------------------------------------------------------------
# the throwaway database and Django
# --------------------------------------------------------------------------------------------------------


def pg_admin(url: str, name: str = PG_NAME) -> tuple[Callable[[str], None], str]:
    """A function running one statement on the server's ``postgres`` database, and the benchmark's URL
    (database ``name``)."""
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    bench_url = urlunsplit(parts._replace(path=f"/{name}"))

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    return run, bench_url


def setup_django(args: argparse.Namespace, tmp: Path, name: str = PG_NAME) -> Callable[[], None]:
    """Point Django at a fresh database (a SQLite file in ``tmp``, or PostgreSQL database ``name``);
    returns the clean-up. Migrating is the caller's (after ``django.setup()``)."""
    if args.database_url:
        if not args.database_url.startswith(("postgres://", "postgresql://")):
            sys.exit("--database-url must be a postgres:// URL (the SQLite database is always a temp file)")
        admin, url = pg_admin(args.database_url, name)
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin(f'CREATE DATABASE "{name}"')

        def cleanup() -> None:
            from django.db import connections

            connections.close_all()
            if args.keep:
                print(f"kept database {url}")
            else:
                admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"

        def cleanup() -> None:
            from django.db import connections

            connections.close_all()

    os.environ["DATABASE_URL"] = url
    os.environ["GONGKAI_DATA_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    return cleanup


# --------------------------------------------------------------------------------------------------------
# data generation
# --------------------------------------------------------------------------------------------------------


def make_tree() -> dict[str, Any]:
    from gongkai.orgs.models import Agency

    made: dict[str, Any] = {}
    for key, code, name, short, level, parent, division, division_name in TREE:
        made[key] = Agency.objects.create(
            code=code,
            name=name,
            short_name=short,
            level=level,
            parent=made.get(parent) if parent else None,
            division_code=division,
            division_name=division_name,
        )
    return made


def column_plan() -> tuple[list[str], list[Any], dict[str, int]]:
    """Every concrete column of Application but ``id``: its name, a constant database value (the field's
    default, NULL, or now for auto_now fields) and the positions of the columns generated per row."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED, DateTimeField

    from gongkai.applications.models import Application

    now = datetime.now(UTC).replace(microsecond=0)
    names, constants = [], []
    for f in Application._meta.concrete_fields:
        if f.primary_key:
            continue
        if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add):
            value: Any = now
        elif f.default is not NOT_PROVIDED and not callable(f.default):
            value = f.default
        elif f.null:
            value = None
        elif f.get_internal_type() in ("CharField", "TextField", "EmailField"):
            value = ""
        else:
            value = None  # generated below (public_id, agency, submitted_at); checked there
        names.append(f.column)
        constants.append(None if value is None else f.get_db_prep_save(value, connection))
    generated = [
        "public_id",
        "number",
        "agency_id",
        "status",
        "applicant_column",
        "applicant_name",
        "description",
        "channel",
        "submitted_at",
        "received_on",
        "outcome",
        "concluded_on",
    ]
    pos = {c: names.index(c) for c in generated}
    for f in Application._meta.concrete_fields:
        if not f.primary_key and not f.null and constants[names.index(f.column)] is None:
            assert f.column in pos, f"bench/report.py does not know how to fill Application.{f.name}"
    return names, constants, pos


def cumulative(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    keys, weights, acc = [], [], 0.0
    for k, w in pairs:
        acc += w
        keys.append(k)
        weights.append(acc)
    return keys, weights


def generate(n: int, seed: int, agency_id: int) -> Iterator[list[tuple]]:
    """N rows in batches, as database values in the order of :func:`column_plan`."""
    from bisect import bisect
    from zoneinfo import ZoneInfo

    from django.db import connection

    from gongkai.applications.models import Application

    _names, constants, pos = column_plan()
    rng = random.Random(seed)
    rand, rint = rng.random, rng.randint
    native_uuid = connection.features.has_native_uuid_field
    f_date = Application._meta.get_field("received_on")
    f_dt = Application._meta.get_field("submitted_at")
    beijing = ZoneInfo("Asia/Shanghai")
    n_days = (LAST - FIRST).days + 1
    day = [FIRST + timedelta(days=i) for i in range(n_days + 200)]
    db_day = [f_date.get_db_prep_save(d, connection) for d in day]
    db_at = [
        f_dt.get_db_prep_save(datetime(d.year, d.month, d.day, 9, 30, tzinfo=beijing), connection)
        for d in day
    ]
    a_keys, a_cum = cumulative(APPLICANTS)
    o_keys, o_cum = cumulative(OUTCOMES)
    c_keys, c_cum = cumulative(CHANNELS)
    a_tot, o_tot, c_tot = a_cum[-1], o_cum[-1], c_cum[-1]
    late_start = n_days - 61  # the still-open ones were received in the last two months

    i_uuid, i_num, i_ag, i_st = pos["public_id"], pos["number"], pos["agency_id"], pos["status"]
    i_col, i_name, i_desc, i_ch = (
        pos["applicant_column"],
        pos["applicant_name"],
        pos["description"],
        pos["channel"],
    )
    i_sub, i_rec, i_out, i_con = pos["submitted_at"], pos["received_on"], pos["outcome"], pos["concluded_on"]
    template = list(constants)
    template[i_ag] = agency_id
    template[i_name] = "某申请人"
    template[i_desc] = "申请公开某地块征地批复文件及附图"

    done = 0
    while done < n:
        size = min(BATCH, n - done)
        batch = []
        for k in range(done, done + size):
            row = template.copy()
            bits = rng.getrandbits(128)
            row[i_uuid] = uuid.UUID(int=bits) if native_uuid else f"{bits:032x}"
            row[i_num] = f"B{k:08d}"
            row[i_col] = a_keys[bisect(a_cum, rand() * a_tot)]
            row[i_ch] = c_keys[bisect(c_cum, rand() * c_tot)] if rand() < 0.98 else "fax"
            u = rand()
            if u < P_QUICK + P_LATE:
                r = rint(0, n_days - 1)
                days = rint(0, 40) if u < P_QUICK else rint(41, 200)
                outcome = o_keys[bisect(o_cum, rand() * o_tot)]
                row[i_st] = "closed" if outcome in ("other.no_supplement", "other.fee_unpaid") else "replied"
                row[i_out] = outcome
                row[i_con] = db_day[r + days]
            elif u < P_QUICK + P_LATE + P_OPEN:
                r = rint(late_start, n_days - 1)
                row[i_st] = OPEN_STATUSES[rint(0, len(OPEN_STATUSES) - 1)]
            else:  # an online submission that was never accepted: no receipt date, never counted
                r = rint(0, n_days - 1)
                row[i_st] = "discarded"
                row[i_ch] = "online"
                row[i_sub] = db_at[r]
                batch.append(tuple(row))
                continue
            row[i_sub] = db_at[r]
            row[i_rec] = db_day[r]
            batch.append(tuple(row))
        done += size
        yield batch


def load(n: int, seed: int, agency_id: int) -> None:
    from django.db import connection, transaction

    names, _, _ = column_plan()
    table = "applications_application"
    cols = ", ".join(connection.ops.quote_name(c) for c in names)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for batch in generate(n, seed, agency_id):
                with transaction.atomic(), cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            cur.execute(f"VACUUM ANALYZE {table}")
        else:
            # a larger page cache while loading only (random UUIDs in a unique index), then the default
            cur.execute("PRAGMA cache_size = -262144")
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
            for batch in generate(n, seed, agency_id):
                with transaction.atomic():
                    cur.executemany(sql, batch)
            cur.execute("PRAGMA cache_size = -2000")


# --------------------------------------------------------------------------------------------------------
# the two ways of counting section 三
# --------------------------------------------------------------------------------------------------------


def gongkai_path(agency: Any, year: int) -> Any:
    from gongkai.reports import counts, formats

    fmt = formats.format_for_year(year)
    report = formats.build(fmt, {"section3": counts.section3_counts([agency], year)})
    checks = formats.check(report)
    assert all(c.ok for c in checks), [c.message for c in checks if not c.ok]
    return report.section3


def python_loop(agency: Any, year: int) -> Any:
    from gongkai.applications.models import Application
    from gongkai.reports import formats

    rows = (
        Application.objects.filter(agency=agency)
        .exclude(status="discarded")
        .order_by()
        .values_list("pk", "applicant_column", "received_on", "concluded_on", "outcome")
        .iterator(chunk_size=10_000)
    )
    fact = formats.CaseFact
    facts = (
        fact(col, rec.year, con.year if con else None, out or None, pk) for pk, col, rec, con, out in rows
    )
    return formats.count_cases(facts, year)


def explain(agency: Any, year: int) -> str:
    from django.db import connection

    from gongkai.reports import counts

    captured: list[tuple[str, Any]] = []

    def grab(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(grab):
        counts.section3_counts([agency], year)
    sql, params = captured[-1]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return "\n".join(r[0] for r in cur.fetchall())
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(r[-1]) for r in cur.fetchall())


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    result = fn()  # warm-up, not timed
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        again = fn()
        times.append((time.perf_counter() - t0) * 1e3)
        assert again == result
    return times, result


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def index_exists() -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        return INDEX_NAME in connection.introspection.get_constraints(cur, "applications_application")


def set_index(present: bool) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if present:
            cols = ", ".join(INDEX_COLUMNS)
            cur.execute(f"CREATE INDEX {INDEX_NAME} ON applications_application ({cols})")
        else:
            cur.execute(f"DROP INDEX {INDEX_NAME}")
        if connection.vendor == "postgresql":
            cur.execute("VACUUM ANALYZE applications_application")
    connection.close()  # a fresh connection: SQLite's cached statements kept the old plan in a test


def index_experiment(agency: Any, args: argparse.Namespace, expected: Any, a50: float, b50: float) -> None:
    """Measure (a) with the covering index toggled (dropped if the migrations made it, else created),
    then toggled back (a control for caching and for the load of the machine); on PostgreSQL, when the
    planner does not use the index, also with ``enable_seqscan = off``."""
    from django.db import connection

    def measure(label: str) -> float:
        times, table = timed(lambda: gongkai_path(agency, args.year), args.repeat)
        assert table == expected
        p50, p95 = pct(times, 50), pct(times, 95)
        print(f"{label:<33}p50 {p50:9.1f} ms   p95 {p95:9.1f} ms   ({args.repeat} runs)")
        return p50

    first = index_exists()
    p50s: dict[bool, float] = {}
    for present in (not first, first):
        t0 = time.perf_counter()
        set_index(present)
        what = "created" if present else "dropped"
        print(f"\nindex {INDEX_NAME} {what} ({time.perf_counter() - t0:.1f} s); query plan of (a):")
        plan = explain(agency, args.year)
        print(plan)
        if present:
            print(f"index used by the planner        {'yes' if INDEX_NAME in plan else 'no'}")
        p50s[present] = measure(f"(a) {'with' if present else 'without'} the index")
        if present and INDEX_NAME not in plan and connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET enable_seqscan = off")
                scans = [ln.strip() for ln in explain(agency, args.year).splitlines() if "Scan" in ln]
                print("  plan with enable_seqscan = off: " + "; ".join(scans))
                measure("(a) with enable_seqscan = off")
                cur.execute("RESET enable_seqscan")
    print(
        f"\nspeed-up from the index (p50)    {p50s[False] / p50s[True]:.2f}x (without / with, same run); "
        f"ratio b/a with the index {b50 / p50s[True]:.1f}x"
    )


# --------------------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="applications of the agency (default 1,000,000)")
    ap.add_argument("--repeat", type=int, default=7, help="timed repetitions of each path (default 7)")
    ap.add_argument("--year", type=int, default=2021, help="report year (default 2021, the 2021 format)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument(
        "--database-url",
        help=f"a PostgreSQL server, postgres://user@host:port/…; database {PG_NAME} is created and dropped",
    )
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database at the end")
    ap.add_argument(
        "--index", action="store_true", help=f"then measure (a) without and with the index {INDEX_NAME}"
    )
    args = ap.parse_args()

    in_throwaway_database(args, "gk_bench_report_", run)


def in_throwaway_database(
    args: argparse.Namespace,
    prefix: str,
    run: Callable[[argparse.Namespace], None],
    name: str = PG_NAME,
    env: dict[str, str] | None = None,
) -> None:
    """``run(args)`` with Django set up on a fresh, migrated database (:func:`setup_django`; ``env`` are
    further variables, a temporary directory's path in place of ``{tmp}``), removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    cleanup = setup_django(args, tmp, name)
    for key, value in (env or {}).items():
        os.environ.setdefault(key, value.replace("{tmp}", str(tmp)))
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        run(args)
    finally:
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    import django
    from django.db import connection

    from gongkai.applications.models import Application

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            db = f"PostgreSQL {cur.fetchone()[0]} (database {PG_NAME}, fresh)"
        else:
            import sqlite3

            db = f"SQLite {sqlite3.sqlite_version} (temporary file, WAL)"
    print(
        f"Python {platform.python_version()}, Django {django.get_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f}); {db}"
    )

    tree = make_tree()
    agency = tree["province"]
    t0 = time.perf_counter()
    load(args.n, args.seed, agency.pk)
    gen_s = time.perf_counter() - t0
    total = Application.objects.filter(agency=agency).count()
    assert total == args.n, (total, args.n)
    counted = Application.objects.filter(agency=agency).exclude(status="discarded").count()
    print(
        f"generated {args.n:,} applications for {agency.code} {agency.name} in {gen_s:.1f} s "
        f"(not part of the result; {counted:,} counted, {args.n - counted:,} discarded submissions)"
    )

    idx = "with" if index_exists() else "without"
    print(f"\nquery plan of (a) ({idx} index {INDEX_NAME}):\n{explain(agency, args.year)}\n")

    a_times, a_table = timed(lambda: gongkai_path(agency, args.year), args.repeat)
    b_times, b_table = timed(lambda: python_loop(agency, args.year), args.repeat)
    same = a_table == b_table
    if not same:
        diff = {
            (r, c): (a_table[r][c], b_table[r][c])
            for r in b_table
            for c in b_table[r]
            if a_table.get(r, {}).get(c) != b_table[r][c]
        }
        print(f"TABLES DIFFER: {diff}")

    tracemalloc.start()
    python_loop(agency, args.year)  # once more, untimed: the loop's peak Python heap (it streams)
    loop_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    a50, a95, b50, b95 = pct(a_times, 50), pct(a_times, 95), pct(b_times, 50), pct(b_times, 95)
    t = a_table
    print(f"report year {args.year}: section 三 总计 column")
    for row in (
        "new_received",
        "carried_in",
        "disclosed",
        "partially_disclosed",
        "results_total",
        "carried_out",
    ):
        print(f"  {row:<22}{t[row]['total']:>10,}")
    print()
    print(f"N (applications of the agency)   {args.n:,}")
    print(f"database                         {db}")
    print(f"generation (untimed)             {gen_s:.1f} s")
    print(f"(a) Gongkai: SQL + build + check p50 {a50:9.1f} ms   p95 {a95:9.1f} ms   ({args.repeat} runs)")
    print(f"(b) Python loop over the rows    p50 {b50:9.1f} ms   p95 {b95:9.1f} ms   ({args.repeat} runs)")
    print(f"ratio b/a (p50)                  {b50 / a50:.1f}x")
    print(f"identical tables                 {'yes' if same else 'NO'}")
    print(f"target (a) p95 < {TARGET_S:.0f} s             {'met' if a95 < TARGET_S * 1e3 else 'NOT met'}")
    print(f"peak Python heap of loop (b)     {loop_peak:.1f} MB (tracemalloc, one extra run)")
    note = " (includes SQLite's 256 MB page cache while loading)" if connection.vendor == "sqlite" else ""
    print(f"peak RSS of the process          {rss_mb():.0f} MB{note}")

    if args.index:
        index_experiment(agency, args, b_table, a50, b50)

    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
