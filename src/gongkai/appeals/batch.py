"""Importing reconsideration and litigation cases from a spreadsheet (XLSX or CSV, first row = headers).

Columns (``annual-report.md``, "Appeals import"; the English keys are accepted as headers too):

- 案件编号 (``number``, required): unique within the agency; identifies the row.
- 受理机关 (``body``, required): the 复议机关 or court that accepted the case. **Choice:** the
  respondent agency is the one given with ``--agency``, so this column names the body, not the agency.
- 类型 (``kind``, required): 行政复议 / 未经复议直接起诉 / 复议后起诉.
- 关联申请编号 (``application_number``): the number of an application of the agency.
- 立案日期 (``filed_on``, required): YYYY-MM-DD (also 2020/3/5, 2020年3月5日).
- 结果 (``result``): 维持 / 纠正 / 其他 / 尚未审结 (empty = 尚未审结).
- 结案日期 (``concluded_on``, with a result): not before 立案日期, not after today.

The same steps and rules as the application ledger (:mod:`gongkai.applications.ledger`): :func:`read_rows`
reads the file with the hardened reader :mod:`gongkai.core.spreadsheets` (:class:`BatchError` for a file
that cannot be used); :func:`validate` checks every row and returns the valid rows and every error (row,
Chinese header, Chinese message), writing nothing; :func:`import_rows` writes the valid rows in one
transaction, skipping a number that already exists for the agency, so importing a file twice creates
nothing the second time (an existing case is not updated by a later file: its changes go through the
staff pages, with a reason).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.appeals import rules
from gongkai.appeals.models import AppealCase
from gongkai.applications.ledger import RowError
from gongkai.applications.models import Application
from gongkai.core import audit, spreadsheets, uploads
from gongkai.core.text import clean_text
from gongkai.orgs.models import Agency

__all__ = [
    "COLUMNS",
    "BatchError",
    "Column",
    "ImportResult",
    "ImportRow",
    "RowError",
    "count_existing",
    "import_rows",
    "read_rows",
    "validate",
]

MAX_BYTES = spreadsheets.MAX_BYTES


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("number", "案件编号", True),
    Column("body", "受理机关", True),
    Column("kind", "类型", True),
    Column("application_number", "关联申请编号"),
    Column("filed_on", "立案日期", True),
    Column("result", "结果"),
    Column("concluded_on", "结案日期"),
)
HEADER = {c.key: c.header for c in COLUMNS}
_BY_NAME = {c.header: c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS}


class BatchError(ValueError):
    """The file as a whole cannot be used; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One valid row, in the model's terms."""

    row: int
    number: str
    body: str
    kind: str
    application_id: int | None
    filed_on: date
    result: str
    concluded_on: date | None


@dataclass
class ImportResult:
    created: int = 0
    skipped_existing: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


# --- reading ------------------------------------------------------------------------------------------


def read_rows(name: str, data: bytes) -> list[dict[str, str]]:
    """The data rows, one ``{key: text}`` per row below the header (every key present; blank rows kept
    so that ``index + 2`` is the spreadsheet row number). :class:`BatchError` for an unusable file."""
    if len(data) > MAX_BYTES:
        raise BatchError("文件超过 10 MB，请拆分后分批导入。")
    if not data:
        raise BatchError("文件是空的。")
    try:
        table = spreadsheets.read_table(name, data)
    except spreadsheets.SpreadsheetError as exc:
        raise BatchError(str(exc)) from exc
    return _to_dicts(table)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _number(text: str) -> str:
    """A case or application number as the staff form stores it (full-width brackets kept: court case
    numbers are written （2020）湘8601行初5号, and the same number must match however it was entered)."""
    return "".join(clean_text(text).split())


def _header_key(text: str) -> str | None:
    t = re.sub(r"[\s*＊]", "", _nfkc(text))
    return _BY_NAME.get(t) or _BY_NAME.get(t.lower())


def _to_dicts(table: list[list[str]]) -> list[dict[str, str]]:
    try:
        return spreadsheets.table_to_dicts(table, columns=COLUMNS, key_for=_header_key)
    except spreadsheets.SpreadsheetError as exc:
        raise BatchError(str(exc)) from exc


# --- validating ---------------------------------------------------------------------------------------

_DATE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)


def _parse_date(text: str) -> date:
    m = _DATE.fullmatch(_nfkc(text))
    if not m:
        raise ValueError(f"“{text[:20]}”不是有效日期，请写成 2020-03-05（也可写 2020/3/5 或 2020年3月5日）。")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"“{text[:20]}”不是有效日期（没有这一天）。") from exc


def validate(
    rows: Sequence[dict[str, str]], *, agency: Agency, today: date | None = None
) -> tuple[list[ImportRow], list[RowError]]:
    """Check every row; return the valid rows and every error (row, Chinese header, Chinese message).

    A number that already exists for the agency is valid here and skipped by :func:`import_rows` (see
    :func:`count_existing`); a number repeated inside the file is an error on its later rows. The linked
    applications are looked up in one query."""
    today = today or timezone.localdate()
    wanted = {_number(r.get("application_number") or "") for r in rows} - {""}
    applications = {
        number: (pk, received)
        for pk, number, received in Application.objects.filter(agency=agency, number__in=wanted).values_list(
            "pk", "number", "received_on"
        )
    }
    valid: list[ImportRow] = []
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        if not any((v or "").strip() for v in raw.values()):
            continue
        row_number = index + 2
        before = len(errors)

        def error(key: str, message: str, row: int = row_number) -> None:
            errors.append(RowError(row, HEADER[key], message))

        v = {k: (raw.get(k) or "").strip() for k in HEADER}
        for col in COLUMNS:
            if col.required and not v[col.key]:
                error(col.key, f"{col.header}为必填项。")

        number = _number(v["number"])
        if number:
            if len(number) > 60:
                error("number", "案件编号不能超过 60 个字符。")
            elif number in first_seen:
                error("number", f"案件编号“{number}”与第 {first_seen[number]} 行重复。")
            else:
                first_seen[number] = row_number

        body = " ".join(clean_text(v["body"]).split())
        if len(body) > 100:
            error("body", "受理机关（复议机关或人民法院）不能超过 100 个字。")
        elif body and {_nfkc(body), _nfkc(body).upper()} & {agency.code.upper(), _nfkc(agency.name)}:
            error(
                "body",
                f"受理机关应填写受理本案的复议机关或人民法院，而不是本机关（{agency.code}）；"
                "本机关是被申请人（被告），由 --agency 指定。",
            )

        kind: rules.Kind | None = None
        if v["kind"]:
            try:
                kind = rules.parse_kind(v["kind"])
            except ValueError as exc:
                error("kind", str(exc))

        filed_on: date | None = None
        if v["filed_on"]:
            try:
                filed_on = _parse_date(v["filed_on"])
            except ValueError as exc:
                error("filed_on", str(exc))

        result = rules.Result.PENDING
        result_ok = True
        try:
            result = rules.parse_result(v["result"])
        except ValueError as exc:
            error("result", str(exc))
            result_ok = False

        concluded_on: date | None = None
        concluded_ok = True
        if v["concluded_on"]:
            try:
                concluded_on = _parse_date(v["concluded_on"])
            except ValueError as exc:
                error("concluded_on", str(exc))
                concluded_ok = False
        if result_ok and concluded_ok:
            for key, message in rules.check_dates(result, filed_on, concluded_on, today):
                error(key, message)
        elif filed_on is not None:
            for key, message in rules.check_dates(rules.Result.PENDING, filed_on, None, today):
                error(key, message)

        application_id = None
        application_number = _number(v["application_number"])
        if application_number:
            found = applications.get(application_number)
            if found is None:
                error(
                    "application_number", f"本机关（{agency.code}）没有编号为“{application_number}”的申请。"
                )
            else:
                application_id, received = found
                if received and filed_on and filed_on < received:
                    error(
                        "filed_on",
                        f"立案日期早于关联申请的收到日期（{received.isoformat()}），请核对。",
                    )

        if len(errors) > before or kind is None or filed_on is None:
            continue
        valid.append(
            ImportRow(
                row=row_number,
                number=number,
                body=body,
                kind=kind.value,
                application_id=application_id,
                filed_on=filed_on,
                result=result.value,
                concluded_on=concluded_on,
            )
        )
    return valid, errors


# --- importing ----------------------------------------------------------------------------------------


def count_existing(*, agency: Agency, valid: Iterable[ImportRow]) -> int:
    """How many of ``valid`` :func:`import_rows` would skip because the number already exists."""
    existing = set(AppealCase.objects.filter(agency=agency).values_list("number", flat=True))
    return sum(1 for r in valid if r.number in existing)


@transaction.atomic
def import_rows(
    *,
    agency: Agency,
    valid: Sequence[ImportRow],
    by: Any,
    source_name: str,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create the cases of ``valid`` (from :func:`validate`) in one transaction, each with an
    ``appeals.import`` audit event, and one ``appeals.import_batch`` event with the counts. A number that
    already exists for the agency is skipped (idempotent re-import)."""
    result = ImportResult()
    existing = set(AppealCase.objects.filter(agency=agency).values_list("number", flat=True))
    source_name = uploads.display_name(source_name)
    reason = f"从 {source_name} 导入"
    actor = by if getattr(by, "pk", None) else None
    for index, r in enumerate(valid, 1):
        if r.number in existing:
            result.skipped_existing += 1
            continue
        existing.add(r.number)
        case = AppealCase.objects.create(
            agency=agency,
            number=r.number,
            kind=r.kind,
            body=r.body,
            application_id=r.application_id,
            filed_on=r.filed_on,
            result=r.result,
            concluded_on=r.concluded_on,
            created_by=actor,
            updated_by=actor,
        )
        audit.record(
            by,
            "appeals.import",
            case,
            agency=agency,
            reason=reason,
            data={"source": source_name, "row": r.row, "number": r.number, "result": r.result},
        )
        result.created += 1
        result.by_kind[r.kind] = result.by_kind.get(r.kind, 0) + 1
        if progress is not None and index % 100 == 0:
            progress(100)
    audit.record(
        by,
        "appeals.import_batch",
        agency,
        agency=agency,
        reason=reason,
        data={
            "source": source_name,
            "rows": len(valid),
            "created": result.created,
            "skipped_existing": result.skipped_existing,
            "by_kind": result.by_kind,
        },
    )
    return result
