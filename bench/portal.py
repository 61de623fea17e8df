"""Load benchmark of the public portal under gunicorn (trust issue, item 10).

Builds a throwaway installation in a temp directory (SQLite database, STATIC_ROOT, MEDIA_ROOT), runs
``migrate``, ``gongkai demo --quiet-accounts`` and ``collectstatic``, starts gunicorn on 127.0.0.1 at a
free port with production-like settings (a secret key, DEBUG off, ALLOWED_HOSTS 127.0.0.1, test field
and lookup keys, whitenoise with the manifest storage; no HTTPS redirect since there is no proxy), and
drives it for a bounded time per page (default 10 s) with wrk when it is installed (`apt install wrk`;
C, epoll, 1 thread, so the client takes little of the 2 CPUs), otherwise with a bounded asyncio client
(N requests per page, default 2,000), at C concurrent clients (default 50). A static file served by
the same server (whitenoise) is the baseline, measured in the same run. Pages: the home page, an agency
column, the normative list, a proactive (catalogue) list, one normative document, one proactive item, a
search and the 2020 annual report — anonymous visits, so the public page cache (core/pagecache.py)
answers after the warm-up.

    .venv/bin/python bench/portal.py [--seconds 10] [--clients 50] [--workers 2] [--warmup 50]
    .venv/bin/python bench/portal.py --page-cache redis://127.0.0.1:6379/13   # Redis as in production
    .venv/bin/python bench/portal.py --page-cache off --seconds 5             # every page rendered
    .venv/bin/python bench/portal.py --client python --requests 1000          # without wrk

Per page: the answer's size, req/s, p50 and p95 latency (from the client), errors (non-200 answers or
failed connections), the workers' CPU per request (user + system time of the gunicorn workers from /proc
over the page's run, divided by the requests), the ratio of req/s to the static baseline, and whether
the targets hold (ratio >= 0.5 and p95 < 50 ms).

The client runs on the same machine and takes CPU from the server; gunicorn's sync workers close the
connection after each answer, so every request opens a new TCP connection.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
AGENCY = "430S00"
TARGET_RATIO = 0.5
TARGET_P95_MS = 50.0


# --------------------------------------------------------------------------------------------------------
# the installation
# --------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp: Path, page_cache: str = "local") -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    for key in list(env):
        if key.startswith("GONGKAI_") or key in ("DATABASE_URL", "REDIS_URL"):
            del env[key]
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'gongkai.sqlite3'}",
            "GONGKAI_SECRET_KEY": secrets.token_urlsafe(50),
            "GONGKAI_DEBUG": "0",
            "GONGKAI_ALLOWED_HOSTS": "127.0.0.1",
            "GONGKAI_FIELD_KEYS": Fernet.generate_key().decode(),
            "GONGKAI_LOOKUP_KEY": secrets.token_urlsafe(48),
            "GONGKAI_SECURE_SSL_REDIRECT": "0",  # no TLS proxy in front in this benchmark
            "GONGKAI_DATA_DIR": str(tmp / "data"),
            "GONGKAI_STATIC_ROOT": str(tmp / "static"),
            "GONGKAI_MEDIA_ROOT": str(tmp / "media"),
            "GONGKAI_LOG_LEVEL": "WARNING",
        }
    )
    if page_cache == "off":
        env["GONGKAI_PAGE_CACHE_SECONDS"] = "0"
    elif page_cache.startswith("redis://"):
        import redis

        redis.Redis.from_url(page_cache).flushdb()  # nothing left from an earlier run
        env["GONGKAI_CACHE_URL"] = page_cache
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> str:
    done = subprocess.run(  # noqa: S603 - our own executable, fixed arguments
        [str(VENV_BIN / "gongkai"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if check and done.returncode != 0:
        sys.exit(f"gongkai {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def start_gunicorn(env: dict[str, str], port: int, workers: int, tmp: Path) -> subprocess.Popen:
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(  # noqa: S603 - our own executable, fixed arguments
        [
            str(VENV_BIN / "gunicorn"),
            "gongkai.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited:\n{(tmp / 'gunicorn.log').read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / tick


# --------------------------------------------------------------------------------------------------------
# the pages
# --------------------------------------------------------------------------------------------------------


def fetch(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=30) as r:  # noqa: S310 - http://127.0.0.1 only
        return r.read().decode("utf-8", "replace")


def discover(base: str, static_root: Path) -> list[tuple[str, str]]:
    """(label, path) for every page, found by following the demo's own links."""
    import json

    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    css = sorted(v for k, v in manifest.items() if k.endswith(".css"))
    static = "/static/" + (css[0] if css else next(iter(manifest.values())))

    proactive = fetch(base, f"/gk/{AGENCY}/proactive/")
    item_path = list_path = None
    most = 0
    for node in dict.fromkeys(re.findall(rf"/gk/{AGENCY}/proactive/\d+/", proactive)):
        items = re.findall(rf"/gk/{AGENCY}/info/\d+/", fetch(base, node))
        if len(items) > most:  # the catalogue node with the longest list
            most, list_path, item_path = len(items), node, items[0]
    normative = fetch(base, f"/gk/{AGENCY}/normative/")
    docs = re.findall(rf"/gk/{AGENCY}/normative/\d+/", normative)
    if not (list_path and item_path and docs):
        sys.exit("the demo has no proactive item or normative document for " + AGENCY)
    return [
        ("static file (baseline)", static),
        ("home", "/"),
        ("agency column", f"/gk/{AGENCY}/"),
        ("normative list", f"/gk/{AGENCY}/normative/"),
        ("proactive list", list_path),
        ("normative document", docs[0]),
        ("proactive item", item_path),
        ("search 征地", "/search/?q=" + urllib.parse.quote("征地")),
        ("annual report 2020", f"/gk/{AGENCY}/reports/2020/"),
    ]


# --------------------------------------------------------------------------------------------------------
# the load generator
# --------------------------------------------------------------------------------------------------------


async def one_request(port: int, raw: bytes) -> tuple[float, int]:
    t0 = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        head = await reader.readline()
        # Connection: close — the answer ends at EOF
        while await reader.read(65536):
            pass
    finally:
        writer.close()
    status = int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    return time.perf_counter() - t0, status


async def drive(port: int, path: str, requests: int, clients: int) -> tuple[list[float], int, float]:
    raw = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: gongkai-bench\r\n"
        "Accept-Language: zh-hans\r\nConnection: close\r\n\r\n"
    ).encode()
    remaining = requests
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal remaining, errors
        while remaining > 0:
            remaining -= 1
            try:
                elapsed, status = await one_request(port, raw)
            except OSError:
                errors += 1
                continue
            latencies.append(elapsed)
            if status != 200:
                errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - t0


WRK_SCRIPT = """
wrk.headers["Accept-Language"] = "zh-hans"
wrk.headers["User-Agent"] = "gongkai-bench"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout + e.status, latency:percentile(50), latency:percentile(95),
    summary.bytes))
end
"""


def drive_wrk(
    base: str, path: str, seconds: float, clients: int, tmp: Path
) -> tuple[int, float, float, float, int, float]:
    """wrk (C, epoll) as the client: (requests, wall s, p50 ms, p95 ms, errors, bytes per answer)."""
    script = tmp / "report.lua"
    script.write_text(WRK_SCRIPT)
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("wrk") or "wrk",
            "-t1",
            f"-c{clients}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
    requests, duration_us, errors, p50_us, p95_us, size = (int(v) for v in line.split()[1:])
    return requests, duration_us / 1e6, p50_us / 1000, p95_us / 1000, errors, size / max(1, requests)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=fmt)
    parser.add_argument("--requests", type=int, default=2000, help="requests per page (default 2000)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests per page first")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="the load generator: wrk when installed (apt install wrk), else the Python asyncio client",
    )
    parser.add_argument("--seconds", type=float, default=10, help="with wrk: seconds per page (default 10)")
    parser.add_argument(
        "--page-cache",
        default="local",
        help="'local' (no Redis: pages in each worker's memory, the generation in a stamp file; the "
        "default), 'off' (every page rendered), or a redis:// URL used as the default cache as in "
        "production (the generation also in Redis)",
    )
    args = parser.parse_args()

    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    if args.client == "wrk" and shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="gk_bench_portal_"))
    env = environment(tmp, args.page_cache)
    proc = None
    try:
        t0 = time.perf_counter()
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "demo", "--quiet-accounts")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        deploy = manage(env, "check", "--deploy", check=False)
        setup = time.perf_counter() - t0
        port = free_port()
        proc = start_gunicorn(env, port, args.workers, tmp)
        base = f"http://127.0.0.1:{port}"
        pages = discover(base, tmp / "static")
        workers = worker_pids(proc.pid)

        print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()}")
        checked = deploy.strip().splitlines()[-1]
        print(f"setup (migrate, demo, collectstatic): {setup:.1f} s; check --deploy: {checked}")
        bound = f"{args.seconds:g} s per page (wrk)" if use_wrk else f"{args.requests} requests per page"
        print(
            f"gunicorn {args.workers} sync workers on {base}; {bound}, "
            f"{args.clients} concurrent clients, {args.warmup} warm-up requests, page cache "
            f"{args.page_cache} ("
            + ("wrk, 1 thread" if use_wrk else "Python asyncio client")
            + ", one connection per request: sync workers close it)\n"
        )
        rows = []
        for label, path in pages:
            asyncio.run(drive(port, path, args.warmup, min(args.clients, args.warmup)))
            cpu0 = cpu_seconds(workers)
            if use_wrk:
                done, wall, p50, p95, errors, size = drive_wrk(base, path, args.seconds, args.clients, tmp)
            else:
                lat, errors, wall = asyncio.run(drive(port, path, args.requests, args.clients))
                done, p50, p95 = args.requests, pct(lat, 0.50), pct(lat, 0.95)
                size = float(len(fetch(base, path).encode()))  # the body only
            rps = done / wall
            cpu_ms = (cpu_seconds(workers) - cpu0) / done * 1000
            rows.append((label, path, size / 1024, rps, p50, p95, errors, cpu_ms))

        base_rps = rows[0][3]
        header: tuple[str, ...] = ("page", "path", "KB", "req/s", "p50 ms", "p95 ms", "errors")
        header += ("CPU ms/req", "ratio", "target")
        table = [header]
        for label, path, kb, rps, p50, p95, errors, cpu_ms in rows:
            ratio = rps / base_rps
            baseline = label.endswith("(baseline)")
            ok = "-" if baseline else ("met" if ratio >= TARGET_RATIO and p95 < TARGET_P95_MS else "missed")
            figures = (
                f"{kb:.1f}",
                f"{rps:,.0f}",
                f"{p50:.1f}",
                f"{p95:.1f}",
                str(errors),
                f"{cpu_ms:.1f}",
                f"{ratio:.2f}",
            )
            table.append((label, path, *figures, ok))
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
        print("| " + " | ".join("-" * w for w in widths) + " |")
        for r in table[1:]:
            print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        print(
            f"\ntargets: ratio to the static baseline >= {TARGET_RATIO} and p95 < {TARGET_P95_MS:.0f} ms; "
            f"load average after the run {os.getloadavg()}"
        )
        if statistics.fmean(r[6] for r in rows):
            print(f"some requests failed; gunicorn log: {tmp / 'gunicorn.log'} (kept with --keep)")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
