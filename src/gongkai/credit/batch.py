"""Files for the credit platform: reading a CSV/XLSX batch of records, writing the export.

Reading uses the hardened spreadsheet reader :mod:`gongkai.core.spreadsheets` (size limit, zip-bomb check,
UTF-8 or GB 18030 CSV, Excel dates as ``YYYY-MM-DD``); headers are the national field names of
:mod:`gongkai.credit.records` (the keys and a few variants are accepted too). :func:`validate_rows`
checks every row first and returns the valid ones and every error (row, Chinese header, Chinese
message); the caller imports nothing when there is an error unless the operator asks for the valid rows.

Writing: every cell is a string cell (XLSX ``data_type = "s"``), so ``=HYPERLINK(…)`` in a text is never
a formula (``bad-inputs.md`` 11); in CSV a cell that begins with ``=``, ``+``, ``-``, ``@``, tab or CR is
prefixed with ``'`` (and the prefix is removed again on import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from gongkai.core import spreadsheets, uploads
from gongkai.core.text import clean_text
from gongkai.credit import records

MAX_BYTES = spreadsheets.MAX_BYTES
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


class BatchError(ValueError):
    """The file as a whole cannot be used; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # as the spreadsheet shows it: header = 1
    column: str  # the Chinese header
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "提示：" if self.warning else ""
        return f"第 {self.row} 行【{self.column}】{prefix}{self.message}"


def display_name(name: str) -> str:
    return uploads.display_name(name)


# --- reading ------------------------------------------------------------------------------------------


def read_rows(kind: str, name: str, data: bytes) -> list[dict[str, str]]:
    """The data rows of a CSV/XLSX file, one ``{key: text}`` per row below the header (blank rows kept
    so that ``index + 2`` is the spreadsheet row). Raises :class:`BatchError` for an unusable file."""
    if len(data) > MAX_BYTES:
        raise BatchError("文件超过 10 MB，请拆分后分批导入。")
    if not data:
        raise BatchError("文件是空的。")
    try:
        table = spreadsheets.read_table(name, data)
    except spreadsheets.SpreadsheetError as exc:
        raise BatchError(str(exc)) from exc
    return _to_dicts(kind, table)


def _to_dicts(kind: str, table: list[list[str]]) -> list[dict[str, str]]:
    from openpyxl.utils import get_column_letter

    while table and not any(table[-1]):
        table.pop()
    if not table:
        raise BatchError("文件中没有数据：第 1 行应为表头。")
    head, body = table[0], table[1:]
    keys: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for text in head:
        if not text:
            keys.append(None)
            continue
        key = records.header_key(kind, text)
        if key is None:
            unknown.append(text)
        elif key in seen:
            raise BatchError(f"表头“{text}”与“{seen[key]}”重复。")
        else:
            seen[key] = text
        keys.append(key)
    kind_name = records.KIND_NAMES[records.Kind(kind)]
    if unknown:
        raise BatchError(
            f"未知的表头：{'、'.join(unknown)}。{kind_name}信息的表头为："
            + "、".join(records.headers(kind))
            + "。"
        )
    missing = [f.header for f in records.import_required(kind) if f.key not in seen]
    if missing:
        raise BatchError(f"缺少{kind_name}信息的必填列：{'、'.join(missing)}。")
    width = max(len(r) for r in table)
    for index in range(width):
        if (index >= len(keys) or keys[index] is None) and any(index < len(r) and r[index] for r in body):
            raise BatchError(f"第 {get_column_letter(index + 1)} 列有数据但没有表头。")
    rows = []
    for record in body:
        row: dict[str, str] = {}
        for index, key in enumerate(keys):
            if key is not None and index < len(record):
                row[key] = spreadsheets.unescape_cell(record[index])
        rows.append(row)
    return rows


# --- checking -----------------------------------------------------------------------------------------


def validate_rows(
    kind: str, rows: Sequence[dict[str, str]], *, today: date
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError], list[RowError]]:
    """Check every row: ``(valid rows as (row number, values), errors, warnings)``. Nothing is written.

    A 文书号 with the same 行政相对人名称 twice in the file is an error on the second row."""
    valid: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    warnings: list[RowError] = []
    first_seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(rows):
        if not any((v or "").strip() for v in raw.values()):
            continue
        row = index + 2
        values, problems = records.parse_row(kind, {k: clean_text(v or "") for k, v in raw.items()})
        checked = records.check(kind, values, today=today)
        row_errors = [RowError(row, records.header(kind, p.key), p.message) for p in problems]
        # A value that could not be read is reported once (not again as "missing").
        unreadable = {p.key for p in problems}
        row_errors += [
            RowError(row, records.header(kind, p.key), p.message)
            for p in checked.errors
            if p.key not in unreadable
        ]
        warnings += [RowError(row, records.header(kind, p.key), p.message, True) for p in checked.warnings]
        key = (checked.values.get("number", ""), checked.values.get("party_name", ""))
        if all(key):
            if key in first_seen:
                row_errors.append(
                    RowError(
                        row,
                        records.header(kind, "number"),
                        f"文书号“{key[0]}”和行政相对人名称与第 {first_seen[key]} 行重复。",
                    )
                )
            else:
                first_seen[key] = row
        if row_errors:
            errors += row_errors
        else:
            valid.append((row, checked.values))
    return valid, errors, warnings


def format_errors(errors: Sequence[RowError]) -> str:
    return "\n".join(str(e) for e in errors)


# --- writing ------------------------------------------------------------------------------------------

_SHEET_NAMES = {"licensing": "行政许可", "penalty": "行政处罚", "coercion": "行政强制"}


def to_xlsx(kind: str, rows: Sequence[Sequence[str]]) -> bytes:
    """The national headers (bold, frozen) and ``rows``; every cell a string cell (leading zeros of
    codes survive; nothing becomes a formula)."""
    return spreadsheets.write_xlsx(
        _SHEET_NAMES[kind], records.headers(kind), rows, [f.width for f in records.fields_for(kind)]
    )


def to_csv(kind: str, rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens it as UTF-8), CRLF line ends, formula-safe cells."""
    return spreadsheets.write_csv(records.headers(kind), rows)


def file_name(agency_code: str, kind: str, year: int | None, fmt: str) -> str:
    safe = re.sub(r"[^0-9A-Za-z]", "", agency_code)
    return f"credit-{safe}-{kind}-{year or 'all'}.{fmt}"
