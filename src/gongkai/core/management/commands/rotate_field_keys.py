"""``gongkai rotate_field_keys``: re-encrypt every personal-data field under the newest key.

Key rotation: put a new key first in ``GONGKAI_FIELD_KEYS`` (``gongkai generate_field_key``), keep the
old ones after it, run this command, then remove the old keys. Values are read and written as stored
(raw SQL on each table's encrypted columns, in batches, one transaction per batch), so no clear text is
ever logged or held longer than one batch; an interrupted run can simply be started again (a value
already under the newest key is re-encrypted harmlessly). ``--check`` only counts the values and
confirms every one decrypts with the configured keys.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from tqdm import tqdm

from gongkai.core import audit, crypto

BATCH = 500


def encrypted_columns() -> list[tuple[Any, list[str]]]:
    """(model, [column names]) of every model with EncryptedTextField fields."""
    out = []
    for model in apps.get_models():
        columns = [
            str(f.column) for f in model._meta.local_fields if isinstance(f, crypto.EncryptedTextField)
        ]
        if columns and not model._meta.proxy:
            out.append((model, columns))
    return out


def _new_tokens(label: str, pk: Any, tokens: tuple[Any, ...], check: bool) -> list[Any]:
    """The row's values under the newest key (or as they are, with ``check``); refuses a value that the
    configured keys cannot decrypt."""
    out = []
    for token in tokens:
        if not token or not str(token).startswith(crypto.PREFIX):
            out.append(token)
            continue
        try:
            crypto.decrypt(token)
        except Exception as exc:
            raise CommandError(
                f"{label} 第 {pk} 行的加密字段无法用现有密钥解密，"
                "请检查 GONGKAI_FIELD_KEYS（旧密钥须保留在列表中）。"
            ) from exc
        out.append(token if check else crypto.rotate(token))
    return out


class Command(BaseCommand):
    help = "用最新的密钥重新加密全部个人信息字段（密钥轮换）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只检查能否全部解密，不改写")

    def handle(self, *args: Any, **opts: Any) -> None:
        check = opts["check"]
        quote = connection.ops.quote_name
        total = rotated = 0
        for model, columns in encrypted_columns():
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            cols = ", ".join(quote(c) for c in columns)
            sets = ", ".join(f"{quote(c)} = %s" for c in columns)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - names from the model
                count = cursor.fetchone()[0]
            last: Any = None
            with tqdm(total=count, desc=model._meta.label, disable=count < BATCH, unit="行") as bar:
                while True:
                    with transaction.atomic(), connection.cursor() as cursor:
                        after = "" if last is None else f"WHERE {pk} > %s"
                        cursor.execute(
                            f"SELECT {pk}, {cols} FROM {table} {after} ORDER BY {pk} LIMIT {BATCH}",  # noqa: S608
                            [] if last is None else [last],
                        )
                        rows = cursor.fetchall()
                        for row in rows:
                            last, old = row[0], tuple(row[1:])
                            total += sum(1 for t in old if t and str(t).startswith(crypto.PREFIX))
                            new = _new_tokens(model._meta.label, last, old, check)
                            if new != list(old):
                                cursor.execute(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*new, last])  # noqa: S608
                                rotated += sum(1 for a, b in zip(new, old, strict=True) if a != b)
                    if not rows:
                        break
                    bar.update(len(rows))
        if check:
            self.stdout.write(self.style.SUCCESS(f"共 {total} 个加密值，均可用现有密钥解密。"))
            return
        audit.record(
            None, "system.rotate_field_keys", audit.chain_head(), data={"values": rotated, "total": total}
        )
        self.stdout.write(self.style.SUCCESS(f"已用最新密钥重新加密 {rotated} 个值（共 {total} 个）。"))
