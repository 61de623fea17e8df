"""The validity of a normative document (规范性文件) or rule (规章): pure rules, no Django.

A published document is, on a given day, in exactly one of these states (glossary.md):

- ``not_yet_in_force`` 尚未施行 — published, its 施行日期 is still ahead;
- ``in_force``        有效     — in force;
- ``amended``         已修改   — amended by a later document and in force in its amended form;
- ``expired``         失效     — its 有效期 ran out, or a later document replaced it (superseded);
- ``repealed``        废止     — formally repealed by a decision.

Two things move a document between states:

1. **Dates.** On its 施行日期 it comes into force; the day after its 有效期至 it expires. A daily job
   applies these (idempotently: running it twice changes nothing the second time).
2. **Decisions.** A later document (or a clean-up decision, 清理决定) amends, replaces or repeals it.
   The decision takes effect on its date; both documents are linked.

``ended_on`` is the first day on which a document is no longer in force (the day of a repeal or
replacement, or the day after its 有效期至). A document is in force on day *d* when it has been
published, ``effective_on <= d``, it has not ended by *d*, and *d* is within its validity period. The
annual report's figures (二 (一)) follow from these dates alone, so they can be computed for any year.

Validity periods: 5 years by default, 2 years for 暂行 / 试行 documents (common provincial practice, see
regulation.md §6.1); both configurable. 规章 have no fixed validity period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Status(StrEnum):
    NOT_YET_IN_FORCE = "not_yet_in_force"
    IN_FORCE = "in_force"
    AMENDED = "amended"
    EXPIRED = "expired"
    REPEALED = "repealed"


LABELS: dict[Status, str] = {
    Status.NOT_YET_IN_FORCE: "尚未施行",
    Status.IN_FORCE: "有效",
    Status.AMENDED: "已修改",
    Status.EXPIRED: "失效",
    Status.REPEALED: "废止",
}

IN_FORCE = frozenset({Status.IN_FORCE, Status.AMENDED})
"""States in which a document binds: counted as 现行有效."""

ENDED = frozenset({Status.EXPIRED, Status.REPEALED})
"""Terminal states: nothing moves a document out of them (a new document is made instead)."""


class Relation(StrEnum):
    """How a later document acts on an earlier one (source → target)."""

    AMENDS = "amends"  # 修改
    REPEALS = "repeals"  # 废止
    REPLACES = "replaces"  # 代替 (the earlier one 失效)
    INTERPRETS = "interprets"  # 解读 (no effect on validity)


RELATION_LABELS: dict[Relation, tuple[str, str]] = {
    # (what the source does, what the target shows)
    Relation.AMENDS: ("修改", "被修改"),
    Relation.REPEALS: ("废止", "被废止"),
    Relation.REPLACES: ("代替", "被代替"),
    Relation.INTERPRETS: ("解读", "解读文件"),
}

RELATION_EFFECT: dict[Relation, Status | None] = {
    Relation.AMENDS: Status.AMENDED,
    Relation.REPEALS: Status.REPEALED,
    Relation.REPLACES: Status.EXPIRED,
    Relation.INTERPRETS: None,
}
"""The state a decision puts the target document in."""


class Decision(StrEnum):
    """A clean-up campaign's (清理) decision on one document."""

    KEEP = "keep"  # 继续有效
    AMEND = "amend"  # 拟修改
    REPEAL = "repeal"  # 废止
    DECLARE_EXPIRED = "expire"  # 宣布失效


DECISION_LABELS: dict[Decision, str] = {
    Decision.KEEP: "继续有效",
    Decision.AMEND: "拟修改",
    Decision.REPEAL: "废止",
    Decision.DECLARE_EXPIRED: "宣布失效",
}

DECISION_EFFECT: dict[Decision, Status | None] = {
    Decision.KEEP: None,
    Decision.AMEND: None,  # the amendment itself comes later, as a new document that amends this one
    Decision.REPEAL: Status.REPEALED,
    Decision.DECLARE_EXPIRED: Status.EXPIRED,
}

DEFAULT_VALIDITY_YEARS = 5
PROVISIONAL_VALIDITY_YEARS = 2
EXPIRY_NOTICE_DAYS = 90
"""Documents expiring within this many days are listed for their owners."""

_PROVISIONAL = re.compile(r"暂行|试行")


def is_provisional(title: str) -> bool:
    """暂行 / 试行 documents have the shorter validity period."""
    return bool(_PROVISIONAL.search(title))


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_expiry(
    effective_on: date,
    title: str,
    *,
    is_rule: bool = False,
    years: int = DEFAULT_VALIDITY_YEARS,
    provisional_years: int = PROVISIONAL_VALIDITY_YEARS,
) -> date | None:
    """有效期至 when none is given: the day before the anniversary of 施行日期, ``years`` later.

    A document in force from 2020-03-01 for five years is valid up to and including 2025-02-28.
    规章 have no validity period (``None``).
    """
    if is_rule:
        return None
    span = provisional_years if is_provisional(title) else years
    return add_years(effective_on, span) - timedelta(days=1)


@dataclass(frozen=True)
class Validity:
    """The dates that decide a document's state on any day."""

    effective_on: date
    expires_on: date | None = None
    ended_on: date | None = None  # set by a repeal, replacement or declared expiry
    ended_as: Status | None = None  # REPEALED or EXPIRED, with ended_on
    amended_on: date | None = None  # the first amendment's date, if any

    def end(self) -> date | None:
        """The first day on which the document is no longer in force."""
        by_date = self.expires_on + timedelta(days=1) if self.expires_on else None
        candidates = [d for d in (self.ended_on, by_date) if d is not None]
        return min(candidates) if candidates else None

    def in_force_on(self, day: date) -> bool:
        end = self.end()
        return self.effective_on <= day and (end is None or day < end)

    def status_on(self, day: date) -> Status:
        end = self.end()
        if end is not None and day >= end:
            if self.ended_on is not None and self.ended_on == end and self.ended_as is not None:
                return self.ended_as
            return Status.EXPIRED
        if day < self.effective_on:
            return Status.NOT_YET_IN_FORCE
        if self.amended_on is not None and self.amended_on <= day:
            return Status.AMENDED
        return Status.IN_FORCE


def can_decide(current: Status) -> bool:
    """A repeal, replacement or amendment acts only on a document that has not already ended."""
    return current not in ENDED


def registration_number(prefix: str, year: int, serial: int, width: int = 3) -> str:
    """登记号 (三统一 number), e.g. ``HNZRZY-2020-001`` (惠州: HFGS—2017—9; 杨凌: 杨管规〔2012〕001)."""
    if serial < 1:
        raise ValueError("serial numbers start at 1")
    return f"{prefix}-{year}-{serial:0{width}d}"


def document_number(prefix: str, year: int, serial: int) -> str:
    """文号 in the GB/T 9704-2012 shape: 机关代字〔年份〕序号号, year in full, no leading zeros.

    >>> document_number("湘自然资规", 2020, 1)
    '湘自然资规〔2020〕1号'
    """
    if serial < 1:
        raise ValueError("serial numbers start at 1")
    return f"{prefix}〔{year}〕{serial}号"


_DOC_NUMBER = re.compile(r"^(?P<prefix>.+?)[〔\[［(（](?P<year>\d{4})[〕\]］)）]第?(?P<serial>\d+)号?$")
_REG_NUMBER = re.compile(r"^(?P<prefix>.+?)[-—－](?P<year>\d{4})[-—－](?P<serial>\d+)$")


def parse_document_number(text: str) -> tuple[str, int, int] | None:
    """(prefix, year, serial) of a 文号, accepting the common bracket variants; None if not one."""
    m = _DOC_NUMBER.match(text.strip())
    if not m:
        return None
    return m["prefix"], int(m["year"]), int(m["serial"])


def normalise_document_number(text: str) -> str:
    """The canonical 文号: six-corner brackets 〔〕, no 第, no leading zeros (湘政发[2020]第05号 →
    湘政发〔2020〕5号). Text that is not a 文号 is returned stripped."""
    parsed = parse_document_number(text)
    if parsed is None:
        return text.strip()
    return document_number(*parsed)


def parse_registration_number(text: str) -> tuple[str, int, int] | None:
    m = _REG_NUMBER.match(text.strip())
    if not m:
        return None
    return m["prefix"], int(m["year"]), int(m["serial"])
