"""The application ledger (台账): import from XLSX/CSV, export to XLSX.

Specification: ``annual-report.md`` ("The application ledger (台账) import"), ``bad-inputs.md`` rows 1–3
(identity numbers), 8 (zip bombs) and 11 (formula injection), ``toolchain.md`` (openpyxl).

Three steps, called in this order by the ``gongkai import ledger`` command and by the staff UI:

1. :func:`read_rows` turns an uploaded file into one ``{key: text}`` dict per data row. Problems with the
   file as a whole (too large, zip bomb, unreadable, unknown or missing headers) raise
   :class:`LedgerError` with a Chinese message.
2. :func:`validate` checks every row and returns the valid rows (:class:`LedgerRow`) and every error
   (:class:`RowError`: spreadsheet row number, Chinese column header, Chinese message). Nothing is
   written. The caller decides: import nothing when there are errors (the default), or import only the
   valid rows when the operator asks for it.
3. :func:`import_rows` writes the valid rows in one transaction; a number that already exists for the
   agency is skipped, so importing the same file twice creates nothing the second time.

:func:`export_xlsx` writes the same columns, so a ledger exported from one agency validates when imported
into another (after changing 受理机关).

Decisions:

* **Masked identifiers.** The export never contains a full ID number or phone number: it writes
  ``Application.id_number_masked`` and ``phone_masked`` (``430***********1234``). On import, a 证件号码 or
  联系电话 that contains ``*`` is taken as *not given* (stored empty, no check) instead of being an error,
  so an exported ledger re-imports cleanly; the identifiers themselves do not travel.
* **Subjects and applicant groups** (涉及领域, 申请人群体) are configurable lists. A name in the file that
  is not in the list yet is created on import (whitespace collapsed) and counted in
  :class:`ImportResult`; :func:`new_list_entries` tells the operator beforehand which names would be
  added, so a typo can be fixed in the file first.
* **Identity numbers.** A natural person's 18-character number is a resident ID (check digit, birth date);
  an organisation's 18-character number is a 统一社会信用代码 (check character). Other forms are kept as
  the document type they look like (港澳/台湾 permits, passport, the old 15-digit ID as "other").
* **Export of open cases.** 办理结果 and 答复日期 are written only for concluded applications (replied,
  closed, withdrawn); an application waiting for approval of a draft reply is exported as open. Only the
  ledger columns travel: clock pauses, assignments, letters and the reply text do not.
* **Row numbers** are those the spreadsheet shows: the header is row 1, blank rows are skipped but
  still counted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gongkai.applications import outcomes
from gongkai.applications.models import (
    ApplicantGroup,
    Application,
    CaseEvent,
    DeliveryMethod,
    Subject,
)
from gongkai.applications.workflow import CONCLUDED, Status
from gongkai.core import audit, identity, spreadsheets, uploads
from gongkai.core.clock import Channel
from gongkai.core.models import Sequence as NumberSequence
from gongkai.orgs.models import Agency

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "Column",
    "ImportResult",
    "LedgerError",
    "LedgerRow",
    "RowError",
    "count_existing",
    "export_queryset",
    "export_xlsx",
    "find_agency",
    "format_errors",
    "import_rows",
    "new_list_entries",
    "parse_outcome",
    "read_rows",
    "status_for",
    "validate",
]

BEIJING = ZoneInfo("Asia/Shanghai")

MAX_BYTES = spreadsheets.MAX_BYTES
"""Largest file accepted (XLSX or CSV)."""
MAX_ENTRIES = spreadsheets.MAX_ENTRIES


# --- the columns --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column("number", "申请编号", True, 20),
    Column("agency", "受理机关", True, 26),
    Column("received_on", "收到日期", True, 12),
    Column("channel", "申请方式", True, 10),
    Column("applicant_kind", "申请人类型", True, 12),
    Column("applicant_name", "申请人", True, 20),
    Column("id_number", "证件号码", False, 22),
    Column("phone", "联系电话", False, 15),
    Column("description", "申请内容", True, 50),
    Column("outcome", "办理结果", False, 40),
    Column("concluded_on", "答复日期", False, 12),
    Column("on_site", "现场查询", False, 10),
    Column("subject", "涉及领域", False, 14),
    Column("region", "涉及地区", False, 10),
    Column("info_year_from", "信息年份起", False, 11),
    Column("info_year_to", "信息年份止", False, 11),
    Column("applicant_group", "申请人群体", False, 14),
    Column("extension_days", "延期天数", False, 10),
)
HEADER = {c.key: c.header for c in COLUMNS}
_BY_NAME = {c.header: c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS}

CHANNELS: dict[str, Channel] = {
    "当面": Channel.in_person,
    "邮寄": Channel.registered_post,
    "平常信函": Channel.ordinary_letter,
    "网络": Channel.online,
    "传真": Channel.fax,
}
CHANNEL_WORD = {v: k for k, v in CHANNELS.items()}
_CHANNEL_ALIASES = (
    CHANNELS
    | {c.value: c for c in Channel}
    | {c.label: c for c in Channel}
    | {"当面提交": Channel.in_person, "互联网": Channel.online, "网上申请": Channel.online}
)

KINDS: dict[str, str] = {
    "自然人": "natural_person",
    "商业企业": "commercial_enterprise",
    "科研机构": "research_institution",
    "社会公益组织": "public_interest_org",
    "法律服务机构": "legal_service_org",
    "其他": "other_org",
}
KIND_WORD = {v: k for k, v in KINDS.items()}
_KIND_ALIASES = KINDS | {v: v for v in KINDS.values()} | {"其他组织": "other_org"}

YES, NO = spreadsheets.YES, spreadsheets.NO


# --- results ------------------------------------------------------------------------------------------


class LedgerError(ValueError):
    """The file as a whole cannot be read; the message is Chinese, for staff."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # as the spreadsheet shows it: header = 1
    column: str  # the Chinese header
    message: str  # Chinese

    def __str__(self) -> str:
        return f"第 {self.row} 行【{self.column}】{self.message}"


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One valid row, with values in the model's terms."""

    row: int
    number: str
    received_on: date
    channel: str  # Channel value
    applicant_column: str
    applicant_name: str
    id_type: str  # IdType value or ""
    id_number: str  # canonical clear text or ""
    phone: str
    description: str
    outcome: str  # outcome key or "" (open)
    concluded_on: date | None
    on_site: bool
    subject: str
    region_code: str
    info_year_from: int | None
    info_year_to: int | None
    applicant_group: str
    extension_days: int

    @property
    def status(self) -> Status:
        return status_for(self.outcome)


@dataclass
class ImportResult:
    created: int = 0
    skipped_existing: int = 0
    subjects_created: int = 0
    groups_created: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def format_errors(errors: Iterable[RowError]) -> str:
    """The per-row error report, one line per error, in Chinese."""
    return "\n".join(str(e) for e in errors)


# --- reading ------------------------------------------------------------------------------------------


def read_rows(name: str, data: bytes) -> list[dict[str, str]]:
    """The data rows of an XLSX or CSV ledger, one ``{key: text}`` dict per row below the header.

    Every column key of :data:`COLUMNS` is present in every dict ("" where the file has no such
    column or the cell is empty); values are stripped strings and Excel dates become ``YYYY-MM-DD``.
    Blank rows stay in the list (as all-empty dicts) so that ``index + 2`` is the spreadsheet row number;
    trailing blank rows are dropped. Raises :class:`LedgerError` for a file that cannot be used.
    """
    if len(data) > MAX_BYTES:
        raise LedgerError("文件超过 10 MB，请拆分后分批导入。")
    if not data:
        raise LedgerError("文件是空的。")
    try:
        table = spreadsheets.read_table(name, data)
    except spreadsheets.SpreadsheetError as exc:
        raise LedgerError(str(exc).replace("表格", "台账")) from exc
    return _to_dicts(table)


def _header_key(text: str) -> str | None:
    t = re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", text))
    return _BY_NAME.get(t) or _BY_NAME.get(t.lower())


def _to_dicts(table: list[list[str]]) -> list[dict[str, str]]:
    try:
        return spreadsheets.table_to_dicts(table, columns=COLUMNS, key_for=_header_key)
    except spreadsheets.SpreadsheetError as exc:
        raise LedgerError(str(exc)) from exc


# --- validating ---------------------------------------------------------------------------------------

_DATE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_GROUP_PREFIX = re.compile(r"^\([一二三四五六七]\)")
_PARENTHETICAL = re.compile(r"\(.*\)$")
_NUMBERED = re.compile(r"^(\d+)[.、]")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _label_key(text: str) -> str:
    """Matching form of an outcome label: NFKC (full-width = half-width), no spaces or quotes."""
    return re.sub(r"[\s\"'“”‘’「」『』]", "", unicodedata.normalize("NFKC", text)).lower()


def _outcome_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """(label form → outcome key, group label form → group) for every accepted way of writing it."""
    forms: dict[str, str] = {}
    groups: dict[str, str] = {}
    for group, label in outcomes.GROUPS.items():
        full = _label_key(label)
        bare = _GROUP_PREFIX.sub("", full)
        short = _PARENTHETICAL.sub("", bare)
        prefix = full[: len(full) - len(bare)]
        for form in {full, bare, short, prefix + short}:
            groups[form] = group
    for o in outcomes.OUTCOMES:
        forms[o.key] = o.key
        group_forms = [g for g, name in groups.items() if name == o.group]
        if o.group in ("disclosed", "partially_disclosed"):
            for g in group_forms:
                forms[g] = o.key
            continue
        label = _label_key(o.label)
        n = outcomes.number_in_group(o.key)
        for g in group_forms:
            for sub in (label, f"{n}.{label}", f"{n}、{label}"):
                forms[f"{g}/{sub}"] = o.key
    return forms, groups


_OUTCOME_FORMS, _GROUP_FORMS = _outcome_aliases()


def parse_outcome(text: str, report_year: int) -> str:
    """The outcome key written as a key (``withheld.state_secret``) or a label (``不予公开/属于国家秘密``,
    ``（三）不予公开 / 1.属于国家秘密``, ``其他处理/其他`` …); "" for an empty cell (still open).

    In 2019-format years (``report_year`` ≤ 2020) ``其他处理`` alone is accepted as ``other.other``.
    Raises ``ValueError`` with a Chinese message."""
    if not text.strip():
        return ""
    form = _label_key(text)
    if form in _OUTCOME_FORMS:
        return _OUTCOME_FORMS[form]
    group = _GROUP_FORMS.get(form)
    if group == "other":
        if report_year <= 2020:
            return "other.other"
        raise ValueError(
            "2021 年起“其他处理”须写明具体情形：其他处理/申请人无正当理由逾期不补正、行政机关不再处理其"
            "政府信息公开申请，其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息"
            "公开申请，或 其他处理/其他。"
        )
    if group is not None:
        first = next(o for o in outcomes.OUTCOMES if o.group == group)
        bare = _GROUP_PREFIX.sub("", _label_key(outcomes.GROUPS[group]))
        raise ValueError(f"“{text}”须写明具体情形，如 {bare}/{first.label}。")
    raise ValueError(
        f"无法识别的办理结果“{text}”。请填写年报第三部分的办理结果，如 予以公开、部分公开、"
        "不予公开/属于国家秘密、无法提供/本机关不掌握相关政府信息、其他处理/其他，"
        "或其键名，如 withheld.state_secret；尚在办理的留空。"
    )


def status_for(outcome: str) -> Status:
    """The state an imported application is created in."""
    if not outcome:
        return Status.PROCESSING
    if outcome == "other.other":
        return Status.WITHDRAWN
    if outcome in ("other.no_supplement", "other.fee_unpaid"):
        return Status.CLOSED
    outcomes.get(outcome)
    return Status.REPLIED


def _parse_date(text: str) -> date:
    m = _DATE.fullmatch(_nfkc(text))
    if not m:
        raise ValueError(f"“{text}”不是有效日期，请写成 2025-09-26（也可写 2025/9/26 或 2025年9月26日）。")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"“{text}”不是有效日期（没有这一天）。") from exc


def _parse_year(text: str, today: date) -> int:
    t = _nfkc(text).removesuffix("年")
    if not re.fullmatch(r"[0-9]{4}", t):
        raise ValueError(f"“{text}”不是 4 位年份。")
    year = int(t)
    if year < 1900:
        raise ValueError(f"年份 {year} 过早，请核对。")
    if year > today.year:
        raise ValueError(f"年份 {year} 晚于今年。")
    return year


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _identity(kind: str, value: str) -> tuple[str, str]:
    """(id_type, canonical number) for a ledger 证件号码; raises ``InvalidIdentity``."""
    v = identity.normalise(value)
    if not v:
        return "", ""
    if len(v) == 18:
        id_type = identity.IdType.RESIDENT_ID if kind == "natural_person" else identity.IdType.USCC
        return id_type.value, identity.validate(id_type, v)
    if kind == "natural_person":
        if re.fullmatch(r"[0-9]{15}", v):  # the old 15-digit card: no check digit to verify
            return identity.IdType.OTHER.value, v
        if re.fullmatch(r"[0-9]{16,17}X?|[0-9]{19,}X?", v):  # a resident ID with digits missing or extra
            raise identity.InvalidIdentity("居民身份证号码应为 18 位（最后一位可以是 X）。")
        for id_type in (
            identity.IdType.HK_MACAO_PERMIT,
            identity.IdType.TAIWAN_PERMIT,
            identity.IdType.PASSPORT,
        ):
            try:
                return id_type.value, identity.validate(id_type, v)
            except identity.InvalidIdentity:
                continue
        raise identity.InvalidIdentity(
            "证件号码无法识别：居民身份证应为 18 位，护照、港澳台通行证请按证件上的号码填写。"
        )
    return identity.IdType.OTHER.value, identity.validate(identity.IdType.OTHER, v)


class _Checker:
    """Collects the errors of one row."""

    def __init__(self, row: int, errors: list[RowError]) -> None:
        self.row = row
        self.errors = errors
        self.ok = True

    def error(self, key: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.row, HEADER[key], message))


def validate(
    rows: Sequence[dict[str, str]], *, agency: Agency, today: date | None = None
) -> tuple[list[LedgerRow], list[RowError]]:
    """Check every row; return the valid rows and every error (row, Chinese header, Chinese message).

    Does not look at the database: a number that already exists for the agency is valid here and is
    skipped by :func:`import_rows` (see :func:`count_existing`). A number repeated inside the file is an
    error on its second and later rows.
    """
    today = today or timezone.localdate()
    agency_names = {_nfkc(agency.code).upper(), _nfkc(agency.name)}
    valid: list[LedgerRow] = []
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        if not any(v.strip() for v in raw.values()):
            continue
        row_number = index + 2
        c = _Checker(row_number, errors)
        v = {k: (raw.get(k) or "").strip() for k in HEADER}

        for col in COLUMNS:
            if col.required and not v[col.key]:
                c.error(col.key, f"{col.header}为必填项。")

        number = _nfkc(v["number"])
        if number:
            if len(number) > 40:
                c.error("number", "申请编号不能超过 40 个字符。")
            elif number in first_seen:
                c.error("number", f"申请编号“{number}”与第 {first_seen[number]} 行重复。")
            else:
                first_seen[number] = row_number

        if v["agency"] and not {_nfkc(v["agency"]), _nfkc(v["agency"]).upper()} & agency_names:
            c.error(
                "agency",
                f"受理机关“{_short(v['agency'], 40)}”不是本机关，应填写 {agency.code} 或 {agency.name}。",
            )

        received: date | None = None
        if v["received_on"]:
            try:
                received = _parse_date(v["received_on"])
            except ValueError as exc:
                c.error("received_on", str(exc))
            else:
                if received > today:
                    c.error("received_on", "收到日期不能晚于今天。")
                    received = None
                elif received.year < 2000:
                    c.error("received_on", "收到日期早于 2000 年，请核对。")
                    received = None

        channel = None
        if v["channel"]:
            channel = _CHANNEL_ALIASES.get(_nfkc(v["channel"]))
            if channel is None:
                c.error(
                    "channel",
                    f"申请方式“{_short(v['channel'], 20)}”无效，应为 当面、邮寄、平常信函、网络 或 传真。",
                )

        column = None
        if v["applicant_kind"]:
            column = _KIND_ALIASES.get(_nfkc(v["applicant_kind"]))
            if column is None:
                c.error(
                    "applicant_kind",
                    f"申请人类型“{_short(v['applicant_kind'], 20)}”无效，应为 自然人、商业企业、科研机构、"
                    "社会公益组织、法律服务机构 或 其他。",
                )

        if len(v["applicant_name"]) > 100:
            c.error("applicant_name", "申请人不能超过 100 个字。")

        id_type, id_number = "", ""
        if v["id_number"] and "*" not in v["id_number"] and column is not None:
            try:
                id_type, id_number = _identity(column, v["id_number"])
            except identity.InvalidIdentity as exc:
                c.error("id_number", str(exc))

        phone = "" if "*" in v["phone"] else _nfkc(v["phone"])
        if len(phone) > 40:
            c.error("phone", "联系电话不能超过 40 个字符。")

        concluded: date | None = None
        if v["concluded_on"]:
            try:
                concluded = _parse_date(v["concluded_on"])
            except ValueError as exc:
                c.error("concluded_on", str(exc))
            else:
                if concluded > today:
                    c.error("concluded_on", "答复日期不能晚于今天。")
                elif received is not None and concluded < received:
                    c.error("concluded_on", f"答复日期不能早于收到日期（{received.isoformat()}）。")

        outcome = ""
        if v["outcome"]:
            report_year = (concluded or received or today).year
            try:
                outcome = parse_outcome(v["outcome"], report_year)
            except ValueError as exc:
                c.error("outcome", str(exc))
            if not v["concluded_on"]:
                c.error("concluded_on", "填写了办理结果时必须填写答复日期。")
        elif v["concluded_on"]:
            c.error("concluded_on", "未填写办理结果（尚在办理）时不应填写答复日期。")

        on_site = False
        if v["on_site"]:
            word = _nfkc(v["on_site"])
            if word not in (YES, NO):
                c.error("on_site", "现场查询应填写“是”或“否”。")
            on_site = word == YES

        subject = " ".join(v["subject"].split())
        if len(subject) > 40:
            c.error("subject", "涉及领域不能超过 40 个字。")
        group = " ".join(v["applicant_group"].split())
        if len(group) > 40:
            c.error("applicant_group", "申请人群体不能超过 40 个字。")

        region = _nfkc(v["region"])
        if region and not re.fullmatch(r"[0-9]{6}", region):
            c.error("region", "请填写6位行政区划代码（如 430121）。")

        years: dict[str, int | None] = {"info_year_from": None, "info_year_to": None}
        for key in years:
            if v[key]:
                try:
                    years[key] = _parse_year(v[key], today)
                except ValueError as exc:
                    c.error(key, str(exc))
        y_from, y_to = years["info_year_from"], years["info_year_to"]
        if y_from is not None and y_to is not None and y_from > y_to:
            c.error("info_year_to", "信息年份止不能早于信息年份起。")

        extension = 0
        if v["extension_days"]:
            text = _nfkc(v["extension_days"]).removesuffix("个工作日").removesuffix("天")
            if re.fullmatch(r"[0-9]{1,2}", text) and int(text) <= 20:
                extension = int(text)
            else:
                c.error("extension_days", "延期天数应为 0–20 的整数（工作日）。")

        if not c.ok or received is None or channel is None or column is None:
            continue
        valid.append(
            LedgerRow(
                row=row_number,
                number=number,
                received_on=received,
                channel=channel.value,
                applicant_column=column,
                applicant_name=v["applicant_name"],
                id_type=id_type,
                id_number=id_number,
                phone=phone,
                description=v["description"],
                outcome=outcome,
                concluded_on=concluded if outcome else None,
                on_site=on_site,
                subject=subject,
                region_code=region,
                info_year_from=y_from,
                info_year_to=y_to,
                applicant_group=group,
                extension_days=extension,
            )
        )
    return valid, errors


# --- importing ----------------------------------------------------------------------------------------


def find_agency(text: str) -> Agency | None:
    """The agency named by its code (``430S00``) or full name, as the commands and 受理机关 take it."""
    text = _nfkc(text)
    return Agency.objects.filter(Q(code=text.upper()) | Q(name=text)).first()


def count_existing(*, agency: Agency, valid: Iterable[LedgerRow]) -> int:
    """How many of ``valid`` :func:`import_rows` would skip because the number already exists."""
    existing = set(Application.objects.filter(agency=agency).values_list("number", flat=True))
    return sum(1 for r in valid if r.number in existing)


def new_list_entries(valid: Iterable[LedgerRow]) -> tuple[list[str], list[str]]:
    """(subjects, applicant groups) named in ``valid`` that :func:`import_rows` would create."""
    rows = list(valid)
    subjects = {r.subject for r in rows if r.subject}
    groups = {r.applicant_group for r in rows if r.applicant_group}
    have_s = set(Subject.objects.filter(name__in=subjects).values_list("name", flat=True))
    have_g = set(ApplicantGroup.objects.filter(name__in=groups).values_list("name", flat=True))
    return sorted(subjects - have_s), sorted(groups - have_g)


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=BEIJING)


def _bump_sequences(agency: Agency, numbers: Iterable[str]) -> None:
    """Numbers in the system's own format move the agency's sequence past them, so a registration never
    hands out a number that was imported."""
    own = re.compile(rf"{re.escape(agency.code)}-([0-9]{{4}})-([0-9]{{5}})")
    highest: dict[int, int] = {}
    for number in numbers:
        m = own.fullmatch(number)
        if m:
            year, serial = int(m[1]), int(m[2])
            highest[year] = max(highest.get(year, 0), serial)
    scope = f"application:{agency.code}"
    for year, serial in highest.items():
        NumberSequence.objects.get_or_create(scope=scope, year=year)
        NumberSequence.objects.filter(scope=scope, year=year, last__lt=serial).update(last=serial)


@transaction.atomic
def import_rows(
    *,
    agency: Agency,
    valid: Sequence[LedgerRow],
    by: Any,
    source_name: str,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create the applications of ``valid`` (from :func:`validate`) in one transaction.

    Imported applications are created directly in their final state — ``replied``, ``closed``,
    ``withdrawn`` or ``processing`` (:func:`status_for`) — with one ``imported`` :class:`CaseEvent` each,
    instead of walking the workflow through ``services.transition``. **This is the only place in Gongkai
    that creates an application in a state other than submitted/registered**: it records history that
    happened outside the system. ``submitted_at`` is the receipt date at 09:00 Beijing time. A number that
    already exists for the agency is skipped (idempotent re-import). Subjects and applicant groups are
    created when missing. The reply deadline of open applications is computed by the clock. One
    ``ledger.import`` audit event records the counts. ``progress(n)`` is called after every n rows.
    """
    from gongkai.applications import services
    from gongkai.core.calendar import working_calendar

    result = ImportResult()
    existing = set(Application.objects.filter(agency=agency).values_list("number", flat=True))
    todo = []
    for r in valid:
        if r.number in existing:
            result.skipped_existing += 1
        else:
            existing.add(r.number)
            todo.append(r)

    subjects: dict[str, Subject] = {}
    for name in {r.subject for r in todo if r.subject}:
        subjects[name], created = Subject.objects.get_or_create(name=name)
        result.subjects_created += created
    groups: dict[str, ApplicantGroup] = {}
    for name in {r.applicant_group for r in todo if r.applicant_group}:
        groups[name], created = ApplicantGroup.objects.get_or_create(name=name)
        result.groups_created += created

    # First, so that the sequence row is locked (UPDATE) while the numbers are inserted.
    _bump_sequences(agency, (r.number for r in todo))

    source_name = uploads.display_name(source_name)
    actor = by if getattr(by, "pk", None) else None
    reason = f"从台账 {source_name} 导入"
    calendar = working_calendar() if any(not r.outcome for r in todo) else None
    for index, r in enumerate(todo, 1):
        status = r.status
        application = Application.objects.create(
            agency=agency,
            number=r.number,
            status=status,
            channel=r.channel,
            submitted_at=_at_nine(r.received_on),
            received_on=r.received_on,
            applicant_column=r.applicant_column,
            applicant_name=r.applicant_name,
            id_type=r.id_type,
            id_number=r.id_number,
            phone=r.phone,
            description=r.description,
            on_site=r.on_site,
            delivery_method=DeliveryMethod.ON_SITE if r.on_site else DeliveryMethod.POST,
            subject=subjects.get(r.subject),
            region_code=r.region_code,
            info_year_from=r.info_year_from,
            info_year_to=r.info_year_to,
            applicant_group=groups.get(r.applicant_group),
            extension_days=r.extension_days,
            outcome=r.outcome,
            concluded_on=r.concluded_on,
        )
        CaseEvent.objects.create(
            application=application,
            actor=actor,
            verb="imported",
            to_status=status.value,
            reason=reason,
            visible_to_applicant=False,
            data={"source": source_name, "row": r.row},
        )
        if calendar is not None and not r.outcome:
            services.recompute_deadline(application, calendar)
        result.created += 1
        result.by_status[status.value] = result.by_status.get(status.value, 0) + 1
        if progress is not None and index % 100 == 0:
            progress(100)
    if progress is not None and len(todo) % 100:
        progress(len(todo) % 100)

    audit.record(
        by,
        "ledger.import",
        agency,
        agency=agency,
        reason=reason,
        data={
            "source": source_name,
            "rows": len(valid),
            "created": result.created,
            "skipped_existing": result.skipped_existing,
            "subjects_created": result.subjects_created,
            "groups_created": result.groups_created,
            "by_status": result.by_status,
        },
    )
    return result


# --- exporting ----------------------------------------------------------------------------------------


def export_queryset(*, agency: Agency, year: int | None = None) -> QuerySet[Application]:
    """The applications a ledger export contains: received (in ``year``, if given), never the online
    submissions that were not accepted."""
    qs = (
        Application.objects.filter(agency=agency, received_on__isnull=False)
        .exclude(Q(status=Status.SUBMITTED) | Q(status=Status.DISCARDED))
        .select_related("subject", "applicant_group")
        .order_by("received_on", "number", "id")
    )
    if year is not None:
        qs = qs.filter(received_on__year=year)
    return qs


def _export_values(application: Application, agency: Agency) -> list[str | int]:
    """One ledger row. 办理结果 and 答复日期 only for a concluded application: an open one may carry the
    outcome of a draft reply awaiting approval, which is not yet its result."""
    a = application
    concluded = Status(a.status) in CONCLUDED and a.concluded_on is not None
    return [
        a.number,
        agency.name,
        a.received_on.isoformat() if a.received_on else "",
        CHANNEL_WORD.get(Channel(a.channel), a.channel) if a.channel in set(Channel) else a.channel,
        KIND_WORD.get(a.applicant_column, a.applicant_column),
        a.applicant_name,
        a.id_number_masked,
        a.phone_masked if a.phone else "",
        a.description,
        a.outcome_label if concluded else "",
        a.concluded_on.isoformat() if concluded and a.concluded_on else "",
        YES if a.on_site else NO,
        a.subject.name if a.subject else "",
        a.region_code,
        a.info_year_from if a.info_year_from is not None else "",
        a.info_year_to if a.info_year_to is not None else "",
        a.applicant_group.name if a.applicant_group else "",
        a.extension_days,
    ]


def export_xlsx(*, agency: Agency, year: int | None = None) -> bytes:
    """The ledger as an XLSX workbook: the import columns with their Chinese headers (bold, frozen), one
    row per application received in ``year`` (or all). Text is always written as a string cell
    (``data_type = "s"``), so ``=HYPERLINK(…)`` in a description is never a formula; dates are text
    ``YYYY-MM-DD``; 办理结果 is the full row label; ID and phone numbers are masked."""
    rows = (
        _export_values(a, agency) for a in export_queryset(agency=agency, year=year).iterator(chunk_size=500)
    )
    return spreadsheets.write_xlsx(
        f"{year}年台账" if year else "台账",
        [col.header for col in COLUMNS],
        rows,
        [col.width for col in COLUMNS],
    )
