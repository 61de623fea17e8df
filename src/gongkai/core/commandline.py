"""What every ``gongkai`` import command shares: the operator named with ``--user`` and the file to read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from gongkai.core import spreadsheets


def staff_user(username: str | None) -> Any:
    """The staff account recorded as the operator (None when no ``--user`` was given)."""
    if not username:
        return None
    from gongkai.orgs.models import User, UserKind

    user = User.objects.filter(username=username, kind=UserKind.STAFF).first()
    if user is None:
        raise CommandError(f"找不到工作人员用户“{username}”。")
    return user


def read_import_file(name: str, max_bytes: int = spreadsheets.MAX_BYTES) -> tuple[Path, bytes]:
    """The file's path and bytes; a file over the limit or one that cannot be read is refused in Chinese."""
    path = Path(name)
    try:
        if path.stat().st_size > max_bytes:
            raise CommandError(f"{path.name}：文件超过 {max_bytes // (1024 * 1024)} MB，请拆分后分批导入。")
        return path, path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
