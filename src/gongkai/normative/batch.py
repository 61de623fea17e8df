"""Import an existing library from XLSX/CSV, and export the published library.

The import reads with the hardened reader (:mod:`gongkai.core.spreadsheets`), checks every row first and
reports per row, in Chinese, what is wrong; nothing is written while there is an error unless the operator
asks for the valid rows only. The 文号 identifies a document: importing the same file again creates
nothing. Imported 登记号 and 文号 that follow the agency's numbering scheme move its sequences forward, so
that a later registration never issues a number that was already used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from gongkai.core import audit, spreadsheets
from gongkai.core.models import Sequence as SequenceRow
from gongkai.core.text import clean_text
from gongkai.normative import lifecycle
from gongkai.normative.lifecycle import LABELS, Status
from gongkai.normative.models import Document, Kind, NumberingScheme, Stage, StatusChange
from gongkai.orgs.models import Agency


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 14


COLUMNS = [
    Column("title", "标题", True, 50),
    Column("kind", "文件类型", False, 14),
    Column("document_number", "文号", True, 22),
    Column("registration_number", "登记号", False, 18),
    Column("index_number", "索引号", False, 22),
    Column("co_issuers", "联合发文机关", False, 20),
    Column("formed_on", "成文日期", True, 12),
    Column("published_on", "发布日期", True, 12),
    Column("effective_on", "施行日期", False, 12),
    Column("expires_on", "有效期至", False, 12),
    Column("status", "效力状态", False, 10),
    Column("ended_on", "失效或废止日期", False, 14),
    Column("amended_on", "修改日期", False, 12),
    Column("topic", "主题分类", False, 16),
    Column("keywords", "主题词", False, 20),
    Column("summary", "内容概述", False, 40),
    Column("legality_reviewed_on", "合法性审核日期", False, 14),
    Column("filed_on", "备案日期", False, 12),
    Column("filed_with", "备案机关", False, 16),
    Column("filing_number", "备案号", False, 16),
]
HEADERS = (
    {c.header: c.key for c in COLUMNS}
    | {c.key: c.key for c in COLUMNS}
    | {
        "发文字号": "document_number",
        "名称": "title",
        "文件名称": "title",
        "有效性": "status",
        "状态": "status",
        "实施日期": "effective_on",
        "废止日期": "ended_on",
        "分类": "topic",
        "关键词": "keywords",
    }
)
LABEL_OF = {c.key: c.header for c in COLUMNS}
KIND_WORDS = {
    "行政规范性文件": Kind.NORMATIVE,
    "规范性文件": Kind.NORMATIVE,
    "规章": Kind.RULE,
    "": Kind.NORMATIVE,
}
STATUS_WORDS = {label: status for status, label in LABELS.items()} | {"现行有效": Status.IN_FORCE}
DATE_KEYS = (
    "formed_on",
    "published_on",
    "effective_on",
    "expires_on",
    "ended_on",
    "amended_on",
    "legality_reviewed_on",
    "filed_on",
)
LIMITS = {
    "title": 200,
    "document_number": 60,
    "registration_number": 60,
    "index_number": 40,
    "co_issuers": 300,
    "topic": 60,
    "keywords": 200,
    "filed_with": 100,
    "filing_number": 60,
}


class BatchError(ValueError):
    """The file as a whole cannot be used; the message is Chinese."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行【{self.column}】{self.message}"


@dataclass
class Row:
    row: int
    values: dict[str, Any] = field(default_factory=dict)


def read_rows(name: str, data: bytes) -> list[dict[str, str]]:
    if not data:
        raise BatchError("文件是空的。")
    try:
        table = spreadsheets.read_table(name, data)
    except spreadsheets.SpreadsheetError as exc:
        raise BatchError(str(exc)) from exc
    try:
        rows = spreadsheets.table_to_dicts(table, columns=COLUMNS, key_for=lambda t: HEADERS.get(t.strip()))
    except spreadsheets.SpreadsheetError as exc:
        raise BatchError(str(exc)) from exc
    return [{k: spreadsheets.unescape_cell(clean_text(v)) for k, v in row.items()} for row in rows]


def validate(rows: Sequence[dict[str, str]], *, today: date) -> tuple[list[Row], list[RowError]]:
    """Check every row; returns the valid rows (with parsed values) and every error."""
    valid: list[Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        if not any(v.strip() for v in raw.values()):
            continue
        number = index + 2
        row_errors: list[RowError] = []

        def error(
            key: str, message: str, number: int = number, row_errors: list[RowError] = row_errors
        ) -> None:
            row_errors.append(RowError(number, LABEL_OF[key], message))

        values: dict[str, Any] = {}
        for col in COLUMNS:
            text = raw.get(col.key, "").strip()
            if col.required and not text:
                error(col.key, "不能为空。")
                continue
            if col.key in DATE_KEYS:
                try:
                    values[col.key] = spreadsheets.parse_date(text) if text else None
                except ValueError as exc:
                    error(col.key, str(exc))
                continue
            if col.key in LIMITS and len(text) > LIMITS[col.key]:
                error(col.key, f"超过 {LIMITS[col.key]} 个字。")
                continue
            values[col.key] = text
        kind_text = raw.get("kind", "").strip()
        if kind_text not in KIND_WORDS:
            error("kind", f"“{kind_text}”应为“行政规范性文件”或“规章”。")
        values["kind"] = KIND_WORDS.get(kind_text, Kind.NORMATIVE)
        status_text = raw.get("status", "").strip()
        if status_text and status_text not in STATUS_WORDS:
            error("status", f"“{status_text}”应为 有效、尚未施行、已修改、失效 或 废止。")
        values["status"] = STATUS_WORDS.get(status_text)
        if values.get("document_number"):
            values["document_number"] = lifecycle.normalise_document_number(values["document_number"])
            if values["document_number"] in seen:
                error("document_number", f"与第 {seen[values['document_number']]} 行的文号重复。")
            else:
                seen[values["document_number"]] = number
        if not row_errors:
            _check_dates(values, today, error)
        if row_errors:
            errors += row_errors
        else:
            valid.append(Row(number, values))
    return valid, errors


def _check_dates(values: dict[str, Any], today: date, error: Any) -> None:
    formed, published = values["formed_on"], values["published_on"]
    if published < formed:
        error("published_on", "发布日期不能早于成文日期。")
    if published > today:
        error("published_on", "发布日期不能晚于今天。")
    effective = values["effective_on"] = values.get("effective_on") or published
    if values.get("expires_on") is None:
        values["expires_on"] = lifecycle.default_expiry(
            effective, values["title"], is_rule=values["kind"] == Kind.RULE
        )
    elif values["expires_on"] < effective:
        error("expires_on", "有效期至不能早于施行日期。")
    status, ended = values["status"], values.get("ended_on")
    if ended and status not in (Status.EXPIRED, Status.REPEALED):
        error("ended_on", "只有“失效”或“废止”的文件填写失效或废止日期。")
    if status == Status.REPEALED and not ended:
        error("ended_on", "废止的文件请填写废止日期。")
    if ended and ended < effective:
        error("ended_on", "失效或废止日期不能早于施行日期。")
    if ended and ended > today:
        error("ended_on", "失效或废止日期不能晚于今天。")
    if status == Status.AMENDED and not values.get("amended_on"):
        error("amended_on", "已修改的文件请填写修改日期。")
    validity = lifecycle.Validity(
        effective_on=effective,
        expires_on=values["expires_on"],
        ended_on=ended,
        ended_as=status if ended else None,
        amended_on=values.get("amended_on"),
    )
    computed = validity.status_on(today)
    values["computed"] = computed
    if status is not None and status != computed:
        error("status", f"填写为“{LABELS[status]}”，但按所填日期今天应为“{LABELS[computed]}”，请核对日期。")


def existing_numbers(numbers: Iterable[str]) -> set[str]:
    return set(
        Document.objects.filter(document_number__in=list(numbers)).values_list("document_number", flat=True)
    )


def _bump(scope: str, year: int, serial: int) -> None:
    row, _created = SequenceRow.objects.get_or_create(scope=scope, year=year)
    if row.last < serial:
        SequenceRow.objects.filter(pk=row.pk, last__lt=serial).update(last=serial)


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0


@transaction.atomic
def import_rows(*, agency: Agency, valid: Sequence[Row], by: Any, source: str) -> ImportResult:
    """Write the valid rows as published documents; skip 文号 already in the library."""
    result = ImportResult()
    existing = existing_numbers(r.values["document_number"] for r in valid)
    schemes = {s.kind: s for s in NumberingScheme.objects.filter(agency=agency)}
    for row in valid:
        v = row.values
        if v["document_number"] in existing:
            result.skipped += 1
            continue
        status = v["computed"]
        document = Document.objects.create(
            agency=agency,
            kind=v["kind"],
            stage=Stage.PUBLISHED,
            title=v["title"],
            document_number=v["document_number"],
            registration_number=v.get("registration_number", ""),
            index_number=v.get("index_number", ""),
            co_issuers=v.get("co_issuers", ""),
            formed_on=v["formed_on"],
            published_on=v["published_on"],
            effective_on=v["effective_on"],
            expires_on=v["expires_on"],
            status=status,
            ended_on=v.get("ended_on"),
            ended_as=v["status"] if v.get("ended_on") else "",
            amended_on=v.get("amended_on"),
            topic=v.get("topic", ""),
            keywords=v.get("keywords", ""),
            summary=v.get("summary", ""),
            legality_reviewed_on=v.get("legality_reviewed_on"),
            filed_on=v.get("filed_on"),
            filed_with=v.get("filed_with", ""),
            filing_number=v.get("filing_number", ""),
            source="import",
            created_by=by if getattr(by, "pk", None) else None,
        )
        StatusChange.objects.create(
            document=document,
            on=v["published_on"],
            before="",
            after=status,
            by=by if getattr(by, "pk", None) else None,
            reason=f"从 {source} 第 {row.row} 行导入",
        )
        scheme = schemes.get(v["kind"])
        if scheme is not None:
            parsed = lifecycle.parse_document_number(document.document_number)
            if parsed and parsed[0] == scheme.document_prefix:
                _bump(f"normative-num:{agency.code}:{v['kind']}", parsed[1], parsed[2])
            reg = lifecycle.parse_registration_number(document.registration_number)
            if reg and reg[0] == scheme.registration_prefix:
                _bump(f"normative-reg:{agency.code}:{v['kind']}", reg[1], reg[2])
        existing.add(document.document_number)
        result.created += 1
    audit.record(by, "normative.import", agency, agency=agency, reason=source, data=result.__dict__)
    return result


# --- export --------------------------------------------------------------------------------------------


def export_rows(agency: Agency) -> Iterable[list[Any]]:
    qs = Document.objects.filter(agency=agency, stage=Stage.PUBLISHED).order_by("published_on", "id")
    for d in qs.iterator(chunk_size=500):
        yield [
            d.title,
            str(Kind(d.kind).label),
            d.document_number,
            d.registration_number,
            d.index_number,
            d.co_issuers,
            d.formed_on,
            d.published_on,
            d.effective_on,
            d.expires_on,
            LABELS[Status(d.status)] if d.status else "",
            d.ended_on,
            d.amended_on,
            d.topic,
            d.keywords,
            d.summary,
            d.legality_reviewed_on,
            d.filed_on,
            d.filed_with,
            d.filing_number,
        ]


def export(agency: Agency, fmt: str) -> bytes:
    headers = [c.header for c in COLUMNS]
    rows = export_rows(agency)
    if fmt == "csv":
        return spreadsheets.write_csv(headers, ([("" if x is None else x) for x in r] for r in rows))
    return spreadsheets.write_xlsx("规范性文件", headers, rows, [c.width for c in COLUMNS])
