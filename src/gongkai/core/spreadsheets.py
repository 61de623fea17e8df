"""Reading spreadsheets people upload (XLSX, CSV): hardened once, used by every import.

The ledger import (applications) and the credit-publicity batch import read their files here: the
extension must match the content, zip bombs are refused before openpyxl opens a workbook, CSV is read
as UTF-8 (with or without BOM) or GB18030, and every cell comes back as stripped text (Excel dates as
``YYYY-MM-DD``). Errors are :class:`SpreadsheetError` with a Chinese message.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from typing import Any

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_ROWS = 100_000
YES, NO = "是", "否"


class SpreadsheetError(ValueError):
    """The file cannot be used; the message is Chinese."""


def read_table(name: str, data: bytes) -> list[list[str]]:
    """All rows of the first sheet (XLSX) or of the file (CSV), as lists of stripped strings."""
    return read_xlsx(data) if file_kind(name, data) == "xlsx" else read_csv(data)


def file_kind(name: str, data: bytes) -> str:
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix in ("xlsx", "xlsm"):
        if not is_zip:
            raise SpreadsheetError("文件扩展名是 .xlsx，但内容不是 XLSX 工作簿。")
        return "xlsx"
    if suffix in ("csv", "txt"):
        if is_zip or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise SpreadsheetError("文件扩展名是 .csv，但内容是 Excel 工作簿，请改用 .xlsx 扩展名。")
        return "csv"
    if suffix == "xls":
        raise SpreadsheetError("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 或 .csv（UTF-8）。")
    raise SpreadsheetError("只能导入 .xlsx 或 .csv 文件。")


def check_zip(data: bytes) -> None:
    """Refuse a zip bomb before openpyxl opens it: count the entries and add up their unpacked sizes.

    ``zipfile`` never returns more than an entry's declared size, so the declared sizes bound what
    openpyxl can unpack."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError("文件不是有效的 XLSX 工作簿（无法解压）。") from exc
    if len(entries) > MAX_ENTRIES:
        raise SpreadsheetError(f"XLSX 文件包含 {len(entries)} 个部件，超过 {MAX_ENTRIES} 个，拒绝打开。")
    total = sum(e.file_size for e in entries)
    if total >= MAX_UNCOMPRESSED:
        raise SpreadsheetError(
            f"XLSX 文件解压后约 {total // (1024 * 1024)} MB，超过 100 MB（疑似压缩炸弹），拒绝打开。"
        )


def read_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl  # a heavy import, only needed here

    check_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise SpreadsheetError("无法打开 XLSX 工作簿，文件可能已损坏。") from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("XLSX 工作簿中没有工作表。")
        sheet = workbook.worksheets[0]
        table: list[list[str]] = []
        try:
            for values in sheet.iter_rows(values_only=True):
                table.append([cell_text(v) for v in values])
                if len(table) > MAX_ROWS + 1:
                    raise SpreadsheetError(f"表格超过 {MAX_ROWS} 行，请拆分后分批导入。")
        except SpreadsheetError:
            raise
        except Exception as exc:
            raise SpreadsheetError("无法读取 XLSX 工作表，文件可能已损坏。") from exc
        return table
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(str(value))


def clean_cell(text: str) -> str:
    return text.replace("\ufeff", "").replace("\u200b", "").strip()


def read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError("无法识别 CSV 文件的编码，请另存为 UTF-8 编码的 CSV。") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        table = []
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            table.append([clean_cell(c) for c in record])
            if len(table) > MAX_ROWS + 1:
                raise SpreadsheetError(f"表格超过 {MAX_ROWS} 行，请拆分后分批导入。")
    except csv.Error as exc:
        raise SpreadsheetError(f"CSV 文件格式有误：{exc}") from exc
    return table


# --- writing: every export goes through these, so user text never becomes a formula ----------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run: text beginning with ``= + - @``, tab or CR gets a
    leading apostrophe (bad-inputs.md 11); the imports remove it again (:func:`unescape_cell`)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """Undo :func:`csv_cell`'s guard: ``'=…`` → ``=…``."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def write_csv(headers: list[str], rows: Any) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens it as UTF-8), CRLF line ends, formula-safe cells."""
    import unicodedata

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([unicodedata.normalize("NFC", csv_cell(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(sheet_name: str, headers: list[str], rows: Any, widths: list[int] | None = None) -> bytes:
    """One sheet: bold frozen headers, then ``rows``. Text is always a string cell (``data_type = "s"``),
    so ``=HYPERLINK(…)`` in a title is never a formula; numbers stay numbers; dates are written as text
    ``YYYY-MM-DD``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [], 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)

    def cell(value: object, font: Font | None = None) -> WriteOnlyCell:
        if isinstance(value, date):
            value = value.isoformat()
        if value is None:
            value = ""
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        c = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            c.data_type = "s"
        if font is not None:
            c.font = font
        return c

    sheet.append([cell(h, bold) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_date(text: str) -> date:
    """``2025-09-26``, ``2025/9/26``, ``2025.9.26`` or ``2025年9月26日``; ``ValueError`` in Chinese."""
    import re
    import unicodedata

    t = unicodedata.normalize("NFKC", text).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", t)
    shown = text if len(text) <= 30 else text[:29] + "…"
    if not m:
        raise ValueError(f"“{shown}”不是有效日期，请写成 2025-09-26（也可写 2025/9/26 或 2025年9月26日）。")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"“{shown}”不是有效日期（没有这一天）。") from exc


def table_to_dicts(
    table: list[list[str]],
    *,
    columns: Any,
    key_for: Any,
) -> list[dict[str, str]]:
    """The data rows below the header row as ``{key: text}`` (every known key present, blank rows kept
    so that ``index + 2`` is the spreadsheet row). ``columns``: objects with ``key``, ``header`` and
    ``required``; ``key_for(header text)``: the key of a header (accepting variants) or None.

    Refused, with a Chinese message: no data, an unknown or repeated header, a missing required
    column, data in a column without a header.
    """
    from openpyxl.utils import get_column_letter

    while table and not any(table[-1]):
        table.pop()
    if not table:
        raise SpreadsheetError("文件中没有数据：第 1 行应为表头。")
    header, body = table[0], table[1:]
    keys: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for text in header:
        if not text:
            keys.append(None)
            continue
        key = key_for(text)
        if key is None:
            unknown.append(text)
        elif key in seen:
            raise SpreadsheetError(f"表头“{text}”与“{seen[key]}”重复。")
        else:
            seen[key] = text
        keys.append(key)
    if unknown:
        raise SpreadsheetError(
            f"未知的表头：{'、'.join(unknown)}。第 1 行必须是表头，可用的表头为："
            + "、".join(c.header for c in columns)
            + "。"
        )
    missing = [c.header for c in columns if c.required and c.key not in seen]
    if missing:
        raise SpreadsheetError(f"缺少必填列：{'、'.join(missing)}。")
    width = max(len(r) for r in table)
    for index in range(width):
        if (index >= len(keys) or keys[index] is None) and any(index < len(r) and r[index] for r in body):
            raise SpreadsheetError(f"第 {get_column_letter(index + 1)} 列有数据但没有表头。")
    all_keys = [c.key for c in columns]
    rows = []
    for record in body:
        row = dict.fromkeys(all_keys, "")
        for index, key in enumerate(keys):
            if key is not None and index < len(record):
                row[key] = record[index]
        rows.append(row)
    return rows
