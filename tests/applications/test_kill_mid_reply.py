"""Bad inputs 18 with a real kill: a gunicorn worker ``kill -9``-ed while it saves a reply's attachment.

The case and a staff session are made in the test database; gunicorn serves that database (SQLite: a
copy in a file, made with the online backup API; PostgreSQL: the test database itself) with the pause
hook of ``gunicorn_pause.py`` (a gunicorn configuration file: nothing in the application changes). The
officer uploads a disclosed file on the case page; once the worker has written the file and inserted the
row, inside the ``services.attach`` transaction, the hook writes a marker and waits; the test sends
SIGKILL to that worker. Then: no attachment row and no case event were committed, the case is as it
was, ``gongkai files check`` lists the written file as unreferenced, a retry through the respawned
worker stores the file once, and ``gongkai files sweep`` removes the orphan and nothing else. Marked
``slow`` (two gunicorn starts and two ``gongkai`` commands: about half a minute).
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application, Attachment, CaseEvent
from tests.applications.test_concurrency import _drafted
from tests.core.test_backup import alias

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOOK = Path(__file__).with_name("gunicorn_pause.py")


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(72, 72)
    writer.write(out)
    return out.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_database(tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(DATABASE_URL for the server, a SQLite file to read afterwards or None: read the test database)."""
    current = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(path)
        try:
            connection.connection.backup(dest)
        finally:
            dest.close()
        yield f"sqlite:///{path}", str(path)
        return
    password = f":{current['PASSWORD']}" if current.get("PASSWORD") else ""
    host, port = current["HOST"] or "127.0.0.1", current["PORT"] or 5432
    yield f"postgres://{current['USER']}{password}@{host}:{port}/{current['NAME']}", None


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "gongkai.wsgi:application",
                "--config",
                str(HOOK),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "300",
                "--graceful-timeout",
                "5",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(proc, port, log)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def wait_until_serving(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text(errors='replace')}")


class Browser:
    """Just enough of a browser: cookies by hand (urllib's jar is not needed for one host)."""

    def __init__(self, base: str, cookies: dict[str, str]) -> None:
        self.base, self.cookies = base, dict(cookies)

    def _remember(self, headers: Any) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            self.cookies.update({k: m.value for k, m in jar.items()})

    def request(self, path: str, data: bytes | None = None, content_type: str = "") -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 - http://127.0.0.1
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if content_type:
            request.add_header("Content-Type", content_type)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=60) as r:
                self._remember(r.headers)
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as r:
            self._remember(r.headers)
            return r.code, r.read().decode("utf-8", "replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def gongkai(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "gongkai"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_worker_killed_while_saving_a_reply_attachment_commits_nothing(office, tmp_path):
    media = tmp_path / "media"
    pause_dir = tmp_path / "pause"
    pause_dir.mkdir()
    app = _drafted(office)
    before = (app.status, app.version, app.updated_at, app.events.count())
    client = Client()
    client.force_login(office["officer"])  # a session row in the database the server reads
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    detail = reverse("applications_staff:detail", args=[app.public_id])
    attach = reverse("applications_staff:act", args=[app.public_id, "attach"])
    pdf = _pdf()

    with served_database(tmp_path) as (database_url, sqlite_file):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "GONGKAI_MEDIA_ROOT": str(media),
            "GONGKAI_DATA_DIR": str(tmp_path / "data"),
            "GONGKAI_PAUSE_DIR": str(pause_dir),
            "GONGKAI_LOG_LEVEL": "WARNING",
        }
        port = free_port()
        with gunicorn(env, port, tmp_path / "gunicorn.log") as master:
            browser = Browser(f"http://127.0.0.1:{port}", {settings.SESSION_COOKIE_NAME: session})
            status, page = browser.request(detail)
            assert status == 200, page[:500]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            assert token is not None and settings.CSRF_COOKIE_NAME in browser.cookies

            def post() -> tuple[int, str]:
                body, content_type = multipart(
                    {"csrfmiddlewaretoken": token[1], "version": str(app.version), "kind": "disclosed"},
                    {"attach-file": ("批复.pdf", pdf, "application/pdf")},
                )
                return browser.request(attach, body, content_type)

            outcome: dict[str, Any] = {}

            def killed_request() -> None:
                try:
                    outcome["answer"] = post()
                except OSError as exc:  # the connection dies with the worker
                    outcome["error"] = exc

            thread = threading.Thread(target=killed_request)
            thread.start()
            marker = pause_dir / "paused"
            deadline = time.monotonic() + 60
            while not marker.exists() and time.monotonic() < deadline and thread.is_alive():
                time.sleep(0.05)
            assert marker.exists(), (outcome, (tmp_path / "gunicorn.log").read_text(errors="replace"))
            pid_text, written = marker.read_text().split()
            pid = int(pid_text)
            assert (media / written).read_bytes() == pdf  # the file is on disk, the row not committed
            assert parent_of(pid) == master.pid  # a worker of the gunicorn this test started
            os.kill(pid, signal.SIGKILL)
            thread.join(timeout=60)
            assert not thread.is_alive()
            assert "answer" not in outcome or outcome["answer"][0] >= 500, outcome

            def state(db: str) -> tuple[Any, ...]:
                case = Application.objects.using(db).get(pk=app.pk)
                return (
                    (
                        case.status,
                        case.version,
                        case.updated_at,
                        CaseEvent.objects.using(db).filter(application=case).count(),
                    ),
                    Attachment.objects.using(db).filter(application=case).count(),
                    CaseEvent.objects.using(db).filter(application=case, verb="attached").count(),
                )

            def read() -> tuple[Any, ...]:
                if sqlite_file is None:
                    return state("default")
                with alias({**connection.settings_dict, "NAME": sqlite_file}) as db:
                    return state(db)

            assert read() == (before, 0, 0)  # nothing of the killed transaction was committed

            checked = gongkai(env, "files", "check", "--no-progress")
            assert checked.returncode == 0, checked.stderr
            assert "无记录引用的文件：1 个" in checked.stdout and written in checked.stdout

            # The retry, through the worker gunicorn started in place of the killed one, stores it once.
            wait_until_serving(master, port, tmp_path / "gunicorn.log")
            status, _page = post()
            assert status == 302
            after = read()
            assert after[1:] == (1, 1) and after[0][:2] == before[:2]  # same status and version
            if sqlite_file is None:
                stored = Attachment.objects.get(application=app).file.name
            else:
                with alias({**connection.settings_dict, "NAME": sqlite_file}) as db:
                    stored = Attachment.objects.using(db).get(application_id=app.pk).file.name
            assert stored != written and (media / stored).read_bytes() == pdf

        # The sweeper removes the orphan and nothing a row refers to (the grace period, here none, is
        # tested in core/test_files_reconcile.py).
        swept = gongkai(env, "files", "sweep", "--older-than", "0s", "--no-progress")
        assert swept.returncode == 0 and "已删除 1 个无记录引用的文件" in swept.stdout, swept.stderr
        assert written in swept.stdout and not (media / written).exists() and (media / stored).exists()
