"""The rules of reconsideration and litigation records, pure (no Django: an import-linter contract).

- **Kinds** (section 四 of the annual report): 行政复议 (``reconsideration``), 行政诉讼 without an earlier
  reconsideration (``litigation_direct``), 行政诉讼 after a reconsideration
  (``litigation_after_reconsideration``).
- **Results**: 维持 (``upheld``), 纠正 (``corrected``), 其他 (``other``), 尚未审结 (``pending``). A case
  has a conclusion date exactly when its result is not pending; the date is not before the filing date.
- **Deadlines shown** (the body's, not the agency's): a reconsideration decision is due 60 days after
  the case was filed (《行政复议法》(2023) 第六十二条, extendable by at most 30 days when the case is
  complex); a first-instance judgment 6 months after filing (《行政诉讼法》第八十一条; an extension
  needs the approval of a higher court and has no fixed length). Periods are counted as the 民法典
  counts them (第二百零一条: from the next day; a month period ends on the same-numbered day, or the
  month's last day when there is none). **Choice:** the end is not moved past a public holiday — the
  date is a reminder for staff, not a legal computation.
- **Result as of a day** (the counting rule of ``annual-report.md`` for section 四): a case concluded
  after the day counts as pending on that day.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Kind(StrEnum):
    RECONSIDERATION = "reconsideration"
    LITIGATION_DIRECT = "litigation_direct"
    LITIGATION_AFTER_RECONSIDERATION = "litigation_after_reconsideration"


class Result(StrEnum):
    UPHELD = "upheld"
    CORRECTED = "corrected"
    OTHER = "other"
    PENDING = "pending"


KIND_WORDS: dict[Kind, str] = {
    Kind.RECONSIDERATION: "行政复议",
    Kind.LITIGATION_DIRECT: "未经复议直接起诉",
    Kind.LITIGATION_AFTER_RECONSIDERATION: "复议后起诉",
}
RESULT_WORDS: dict[Result, str] = {
    Result.UPHELD: "维持",
    Result.CORRECTED: "纠正",
    Result.OTHER: "其他",
    Result.PENDING: "尚未审结",
}
# Other ways people write them (the report's own labels among them).
_KIND_ALIASES: dict[str, Kind] = {
    **{w: k for k, w in KIND_WORDS.items()},
    **{k.value: k for k in Kind},
    "复议": Kind.RECONSIDERATION,
    "行政诉讼/未经复议直接起诉": Kind.LITIGATION_DIRECT,
    "行政诉讼（未经复议直接起诉）": Kind.LITIGATION_DIRECT,
    "直接起诉": Kind.LITIGATION_DIRECT,
    "行政诉讼/复议后起诉": Kind.LITIGATION_AFTER_RECONSIDERATION,
    "行政诉讼（复议后起诉）": Kind.LITIGATION_AFTER_RECONSIDERATION,
    "经复议后起诉": Kind.LITIGATION_AFTER_RECONSIDERATION,
}
_RESULT_ALIASES: dict[str, Result] = {
    **{w: r for r, w in RESULT_WORDS.items()},
    **{r.value: r for r in Result},
    "结果维持": Result.UPHELD,
    "结果纠正": Result.CORRECTED,
    "其他结果": Result.OTHER,
    "未审结": Result.PENDING,
    "审理中": Result.PENDING,
}

RECONSIDERATION_DAYS = 60
RECONSIDERATION_EXTENSION_DAYS = 30
LITIGATION_MONTHS = 6


def _key(text: str) -> str:
    """Matching form: NFKC (full-width = half-width), no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


_KIND_FORMS = {_key(k): v for k, v in _KIND_ALIASES.items()}
_RESULT_FORMS = {_key(k): v for k, v in _RESULT_ALIASES.items()}


def parse_kind(text: str) -> Kind:
    """The kind written as 行政复议 / 未经复议直接起诉 / 复议后起诉 (or its key); ``ValueError`` (Chinese)."""
    kind = _KIND_FORMS.get(_key(text))
    if kind is None:
        raise ValueError(f"类型“{text[:20]}”无效，应为 行政复议、未经复议直接起诉 或 复议后起诉。")
    return kind


def parse_result(text: str) -> Result:
    """The result written as 维持 / 纠正 / 其他 / 尚未审结 (or its key); empty = 尚未审结."""
    if not text.strip():
        return Result.PENDING
    result = _RESULT_FORMS.get(_key(text))
    if result is None:
        raise ValueError(f"结果“{text[:20]}”无效，应为 维持、纠正、其他 或 尚未审结。")
    return result


def add_months(day: date, months: int) -> date:
    """The same-numbered day ``months`` later, or that month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Deadline:
    due: date | None  # None: extended by a higher court, no fixed end
    basis: str  # the article, in Chinese
    extended: bool


def deadline(kind: str, filed_on: date, *, extended: bool = False) -> Deadline:
    """When the 复议机关 must decide, or the court give its first-instance judgment."""
    if Kind(kind) is Kind.RECONSIDERATION:
        days = RECONSIDERATION_DAYS + (RECONSIDERATION_EXTENSION_DAYS if extended else 0)
        basis = "《中华人民共和国行政复议法》第六十二条：自受理申请之日起六十日内作出行政复议决定"
        if extended:
            basis += "，经批准延长三十日"
        return Deadline(filed_on + timedelta(days=days), basis, extended)
    basis = "《中华人民共和国行政诉讼法》第八十一条：自立案之日起六个月内作出第一审判决"
    if extended:
        return Deadline(None, basis + "，经上级人民法院批准延长", True)
    return Deadline(add_months(filed_on, LITIGATION_MONTHS), basis, False)


def is_overdue(kind: str, filed_on: date, result: str, today: date, *, extended: bool = False) -> bool:
    """Still pending after the deadline."""
    if Result(result) is not Result.PENDING:
        return False
    due = deadline(kind, filed_on, extended=extended).due
    return due is not None and today > due


def result_as_of(result: str, concluded_on: date | None, day: date) -> Result:
    """The result a case had at the end of ``day``: pending when it was concluded later."""
    if Result(result) is Result.PENDING or concluded_on is None or concluded_on > day:
        return Result.PENDING
    return Result(result)


def check_dates(
    result: str, filed_on: date | None, concluded_on: date | None, today: date
) -> list[tuple[str, str]]:
    """Errors ``(field, Chinese message)`` of the dates of a case (the database enforces the same)."""
    errors: list[tuple[str, str]] = []
    if filed_on is not None:
        if filed_on > today:
            errors.append(("filed_on", "立案日期不能晚于今天。"))
        elif filed_on.year < 2000:
            errors.append(("filed_on", "立案日期早于 2000 年，请核对。"))
    pending = Result(result) is Result.PENDING
    if pending and concluded_on is not None:
        errors.append(("concluded_on", "尚未审结的案件不应填写结案日期。"))
    elif not pending and concluded_on is None:
        errors.append(("concluded_on", "填写了结果（维持、纠正或其他）时必须填写结案日期。"))
    elif concluded_on is not None:
        if concluded_on > today:
            errors.append(("concluded_on", "结案日期不能晚于今天。"))
        elif filed_on is not None and concluded_on < filed_on:
            errors.append(("concluded_on", f"结案日期不能早于立案日期（{filed_on.isoformat()}）。"))
    return errors
