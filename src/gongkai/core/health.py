"""Health check (bad input 26): ``/healthz`` and ``gongkai health``.

Each check is cheap and touches what a request or an upload needs:

- ``database``: a trivial query;
- ``cache``: a value set and read back (the login throttle's counters live there);
- ``storage``: a small file written to and deleted from the private upload area (``private/`` of the
  default storage, where ``core/uploads.py`` stores attachments), so a read-only or missing media
  directory is seen before an applicant's upload fails;
- ``disk``: free space on the filesystems of ``MEDIA_ROOT`` and ``DATA_DIR`` at least
  ``GONGKAI_HEALTH_MIN_FREE_MB`` (100) and ``GONGKAI_HEALTH_MIN_FREE_PERCENT`` (1);
- ``search``: the search index directory (``gongkai.search``) exists and can be read;
- ``audit``: the head of the audit chain exists and agrees with the entry it names.

``database``, ``cache``, ``storage`` and ``disk`` are critical (503: take this server out); ``search``
and ``audit`` only degrade the service (200 with ``"status": "degraded"``); ``gongkai health`` exits 1
on any failure.

The answer names each check ``ok`` or gives a short reason in plain English (an error class or errno
name, never a path, a message from the database or a stack trace): it is public, for load balancers and
monitoring, and holds no personal data.
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

PRIVATE_AREA = "private"


class CheckFailed(Exception):
    """The reason a check failed, in plain English; safe to show to anyone."""


# Without these the site cannot serve (a load balancer should take the server out); the others degrade
# it (search falls back on the database; an audit chain mismatch is an integrity alarm for the
# administrators, the same on every server) and are reported with 200 "degraded".
CRITICAL = frozenset({"database", "cache", "storage", "disk"})


@dataclass(frozen=True)
class Report:
    checks: dict[str, str]  # name → "ok" or the reason it failed

    @property
    def ok(self) -> bool:
        return all(v == "ok" for v in self.checks.values())

    @property
    def serving(self) -> bool:
        """Every critical check passed: the server can answer requests."""
        return not any(name in CRITICAL for name in self.failing)

    @property
    def failing(self) -> list[str]:
        return [name for name, v in self.checks.items() if v != "ok"]

    def as_dict(self) -> dict[str, object]:
        status = "ok" if self.ok else ("degraded" if self.serving else "fail")
        data: dict[str, object] = {"status": status, "checks": self.checks}
        if not self.ok:
            data["failing"] = self.failing
        return data


def _reason(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno is not None and exc.errno in errno.errorcode:
        return f"{type(exc).__name__} ({errno.errorcode[exc.errno]})"
    return type(exc).__name__


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("unexpected answer to SELECT 1")


def check_cache() -> None:
    key, value = f"gongkai:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("value written was not read back")
    finally:
        cache.delete(key)


def check_storage() -> None:
    try:
        name = default_storage.save(f"{PRIVATE_AREA}/.health-{uuid.uuid4().hex}", ContentFile(b"ok"))
    except OSError as exc:
        raise CheckFailed(f"cannot write to the upload storage: {_reason(exc)}") from exc
    try:
        with default_storage.open(name, "rb") as f:
            if f.read() != b"ok":
                raise CheckFailed("file written to the upload storage reads back different")
    finally:
        default_storage.delete(name)


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent (free space is a property of the filesystem)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk() -> None:
    min_bytes = int(getattr(settings, "GONGKAI_HEALTH_MIN_FREE_MB", 100)) * 1024 * 1024
    min_percent = float(getattr(settings, "GONGKAI_HEALTH_MIN_FREE_PERCENT", 1))
    seen: set[int] = set()
    for what, configured in (("media", settings.MEDIA_ROOT), ("data", settings.DATA_DIR)):
        path = _existing(Path(configured))
        device = path.stat().st_dev
        if device in seen:
            continue
        seen.add(device)
        usage = shutil.disk_usage(path)
        percent = 100 * usage.free / usage.total if usage.total else 0.0
        if usage.free < min_bytes or percent < min_percent:
            raise CheckFailed(
                f"low free space for {what}: {usage.free // (1024 * 1024)} MB ({percent:.1f}%) free, "
                f"at least {min_bytes // (1024 * 1024)} MB and {min_percent:g}% wanted"
            )


def check_search() -> None:
    if not apps.is_installed("gongkai.search"):
        return
    from gongkai.search.engine import index_directory

    directory = index_directory()
    if not directory.is_dir():
        raise CheckFailed("search index directory missing")
    if not os.access(directory, os.R_OK | os.X_OK):
        raise CheckFailed("search index directory not readable")
    for entry in os.scandir(directory):  # each schema version's directory too
        if entry.is_dir() and not os.access(entry.path, os.R_OK | os.X_OK):
            raise CheckFailed("search index directory not readable")


def check_audit() -> None:
    from gongkai.core.models import AuditChain, AuditEvent

    head = AuditChain.objects.filter(pk=1).values("last_seq", "last_hash").first()
    if head is None:
        raise CheckFailed("audit chain head missing")
    if not head["last_seq"]:
        return
    # The entry the head names, not "the newest entry": entries are append-only, so this holds while
    # staff keep writing (an entry added between two reads would otherwise look like a mismatch).
    named = AuditEvent.objects.filter(seq=head["last_seq"]).values_list("hash", flat=True).first()
    if named is not None and named != head["last_hash"]:
        raise CheckFailed("audit chain head does not match the last entry (run gongkai audit verify)")
    if AuditEvent.objects.filter(seq__gt=head["last_seq"]).exists():
        # written after our read of the head? read it again before calling it a mismatch
        again = AuditChain.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0
        if AuditEvent.objects.filter(seq__gt=again).exists():
            raise CheckFailed("audit chain head does not match the last entry (run gongkai audit verify)")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "disk": check_disk,
    "search": check_search,
    "audit": check_audit,
}


def run(checks: dict[str, Callable[[], None]] | None = None) -> Report:
    """Run every check (each on its own: one failing does not hide another)."""
    results: dict[str, str] = {}
    for name, check in (checks or CHECKS).items():
        try:
            check()
        except Exception as exc:  # a health check reports every failure, it never raises
            results[name] = _reason(exc)
        else:
            results[name] = "ok"
    return Report(results)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``/healthz``: 200 when every critical check passes ("ok", or "degraded" naming the others that
    failed), else 503 naming the failing ones; never cached."""
    report = run()
    response = JsonResponse(report.as_dict(), status=200 if report.serving else 503)
    response["Cache-Control"] = "no-store"
    return response
