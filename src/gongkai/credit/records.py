"""双公示 records: the national fields, their checks and the public masks. Pure rules: no Django.

Specification: ``credit-publicity.md`` §3 (the record layouts, 2018-12 onwards), §3.5 (penalty types),
§3.6 (formats), §4 (masking), §5 (check algorithms; the checks themselves are python-stdnum's, through
:mod:`gongkai.core.identity`), §6 (coercion) and §2.4 (publicity periods).

Values travel between the form, the import, the database and the export as one ``dict`` per record,
keyed by the field keys of :data:`FIELDS` and typed: dates are :class:`datetime.date`, money is a
:class:`~decimal.Decimal` in **yuan** (the national layout writes 万元; :func:`export_cells` converts),
``penalty_types`` is a list of codes of :data:`PENALTY_TYPES`, everything else is text ("" = empty).

* :func:`parse_row` turns the text cells of an imported row (national headers) into such a dict;
* :func:`check` validates a dict (required fields per kind and party type, identifiers, date order,
  penalty types and amounts) and returns the canonical values, the errors and the warnings, each with a
  Chinese message naming the field;
* :func:`export_cells` turns a dict back into the national cells, masked on request;
* :func:`mask_name`, :func:`mask_id` and :func:`redact_text` are the §4 masks of the public pages.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from gongkai.core import identity

# --- enumerations -------------------------------------------------------------------------------------


class Kind(StrEnum):
    LICENSING = "licensing"  # 行政许可
    PENALTY = "penalty"  # 行政处罚
    COERCION = "coercion"  # 行政强制


KIND_NAMES: dict[str, str] = {Kind.LICENSING: "行政许可", Kind.PENALTY: "行政处罚", Kind.COERCION: "行政强制"}


class PartyType(StrEnum):
    LEGAL = "legal"  # 法人及非法人组织
    NATURAL = "natural"  # 自然人
    INDIVIDUAL = "individual"  # 个体工商户


PARTY_TYPE_NAMES: dict[str, str] = {
    PartyType.LEGAL: "法人及非法人组织",
    PartyType.NATURAL: "自然人",
    PartyType.INDIVIDUAL: "个体工商户",
}

# 证件类型 (fields 10 and 12): the national wording; "其他" is written 其他-<名称> in the file.
ID_TYPE_NAMES: dict[str, str] = {
    "resident_id": "身份证",
    "passport": "护照号",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreign_permanent": "外国人永久居留身份证",
    "other": "其他",
}

LICENCE_CATEGORIES: dict[str, str] = {
    "ordinary": "普通",
    "franchise": "特许",
    "approval": "认可",
    "verification": "核准",
    "registration": "登记",
    "other": "其他",
}

# What the decision did (not a national field; the annual report counts all of them, §7 item 2).
LICENSING_ACTIONS: dict[str, str] = {
    "grant": "准予",
    "change": "变更",
    "renew": "延续",
    "refuse": "不予许可",
    "withdraw": "撤回",
    "revoke": "撤销",
    "cancel": "注销",
}
ACTIONS_IN_FORCE = frozenset({"grant", "change", "renew"})
"""Licensing decisions whose licence is 有效 while its term runs; the others are 无效 (§3.3, D)."""

LICENCE_STATES: dict[str, str] = {"valid": "有效", "invalid": "无效"}

# §3.5: the 13 atomic types of 行政处罚法 art 9, two natural-resources measures, and 其他.
PENALTY_TYPES: dict[str, str] = {
    "warning": "警告",
    "circulated_criticism": "通报批评",
    "fine": "罚款",
    "confiscate_gains": "没收违法所得",
    "confiscate_property": "没收非法财物",
    "suspend_licence": "暂扣许可证件",
    "lower_qualification": "降低资质等级",
    "revoke_licence": "吊销许可证件",
    "restrict_business": "限制开展生产经营活动",
    "suspend_business": "责令停产停业",
    "close": "责令关闭",
    "restrict_practice": "限制从业",
    "detention": "行政拘留",
    "confiscate_buildings": "没收违法用地上的建筑物和设施",
    "demolish": "限期拆除",
    "other": "其他（注明）",
}
_PENALTY_ALIASES = {
    "其他": "other",
    "其它": "other",
    "没收违法用地上的新建建筑物和其他设施": "confiscate_buildings",
    "限期拆除在非法占用土地上的新建建筑物和其他设施": "demolish",
    "暂扣许可证": "suspend_licence",
    "吊销许可证": "revoke_licence",
}

CREDIT_CLASSES: dict[str, str] = {"minor": "轻微", "general": "一般", "serious": "严重"}
_SERIOUS_TYPES = {"revoke_licence", "restrict_business", "suspend_business", "close", "restrict_practice"}
_MINOR_ONLY_TYPES = {"warning", "circulated_criticism"}

COERCION_CATEGORIES: dict[str, str] = {"measure": "行政强制措施", "execution": "行政强制执行"}
# 行政强制法 art 9 (measures; 限制人身自由 is not offered, §6) and art 12 (execution).
COERCION_TYPES: dict[str, str] = {
    "seal": "查封",
    "seize": "扣押",
    "freeze": "冻结",
    "measure_other": "其他行政强制措施",
    "additional_fine": "加处罚款或者滞纳金",
    "transfer_deposit": "划拨存款、汇款",
    "auction": "拍卖或者依法处理查封、扣押的场所、设施或者财物",
    "restore": "排除妨碍、恢复原状",
    "substitute": "代履行",
    "execution_other": "其他强制执行方式",
}
COERCION_TYPES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "measure": ("seal", "seize", "freeze", "measure_other"),
    "execution": (
        "additional_fine",
        "transfer_deposit",
        "auction",
        "restore",
        "substitute",
        "execution_other",
    ),
}
TERMED_MEASURES = frozenset({"seal", "seize", "freeze"})
"""Measures with a term: 30 days, extendable once by 30 (行政强制法 arts 25, 32)."""
MAX_TERM_DAYS = 60

COERCION_STATES: dict[str, str] = {
    "active": "实施中",
    "lifted": "已解除",
    "done": "已执行完毕",
    "revoked": "已撤销",
}

LONG_TERM = date(2099, 12, 31)
"""有效期至 of a licence without end (the filling notes' 2099/12/31)."""


# --- the fields ---------------------------------------------------------------------------------------

SUBJECT, LIC, PEN, COE = "subject", Kind.LICENSING, Kind.PENALTY, Kind.COERCION
ALL_KINDS = (Kind.LICENSING, Kind.PENALTY, Kind.COERCION)


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    header: str  # the national field name (the export header), Chinese
    kinds: tuple[str, ...]
    required: str = "O"  # R required, C conditional, O optional (§3)
    type: str = "text"  # text, date, money, types, choice
    max_length: int = 0
    width: int = 14
    national: bool = True  # False: a column Gongkai adds after the national ones


def _f(key: str, header: str, kinds: Iterable[str], required: str = "O", **kw: Any) -> Field:
    return Field(key, header, tuple(kinds), required, **kw)


FIELDS: tuple[Field, ...] = (
    # §3.2 the subject block (fields 1–13 of every record)
    _f("party_name", "行政相对人名称", ALL_KINDS, "R", max_length=200, width=30),
    _f("party_type", "行政相对人类别", ALL_KINDS, "R", type="choice", width=16),
    _f("uscc", "行政相对人代码_1(统一社会信用代码)", ALL_KINDS, "C", width=22),
    _f("reg_no", "行政相对人代码_2(工商注册号)", ALL_KINDS, width=18),
    _f("org_code", "行政相对人代码_3(组织机构代码)", ALL_KINDS, width=14),
    _f("tax_no", "行政相对人代码_4(税务登记号)", ALL_KINDS, width=22),
    _f("institution_no", "行政相对人代码_5(事业单位证书号)", ALL_KINDS, width=16),
    _f("social_org_no", "行政相对人代码_6(社会组织登记证号)", ALL_KINDS, max_length=40, width=18),
    _f("legal_rep", "法定代表人", ALL_KINDS, "C", max_length=60, width=12),
    _f("legal_rep_id_type", "法定代表人证件类型", ALL_KINDS, type="choice", width=12),
    _f("legal_rep_id_number", "法定代表人身份证号", ALL_KINDS, width=22),
    _f("id_type", "证件类型", ALL_KINDS, "C", type="choice", width=12),
    _f("id_number", "证件号码", ALL_KINDS, "C", width=22),
    # §3.3 licensing, fields 14–28
    _f("document_title", "行政许可决定文书名称", [LIC], "R", max_length=200, width=30),
    _f("number", "行政许可决定文书号", [LIC], "R", max_length=100, width=26),
    _f("licence_category", "许可类别", [LIC], "R", type="choice", width=10),
    _f("licence_name", "许可证书名称", [LIC], max_length=100, width=16),
    _f("licence_number", "许可编号", [LIC], max_length=100, width=22),
    _f("content", "许可内容", [LIC], "R", max_length=4000, width=40),
    _f("decision_date", "许可决定日期", [LIC], "R", type="date", width=12),
    _f("valid_from", "有效期自", [LIC], "R", type="date", width=12),
    _f("valid_to", "有效期至", [LIC], "R", type="date", width=12),
    _f("authority_name", "许可机关", [LIC], "R", max_length=100, width=24),
    _f("authority_code", "许可机关统一社会信用代码", [LIC], "R", width=22),
    _f("licence_state", "当前状态", [LIC], "R", type="choice", width=10),
    _f("source_name", "数据来源单位", [LIC], "R", max_length=100, width=24),
    _f("source_code", "数据来源单位统一社会信用代码", [LIC], "R", width=22),
    _f("remarks", "备注", [LIC], max_length=1000, width=20),
    _f("licensing_action", "许可决定类型", [LIC], type="choice", width=12, national=False),
    # §3.4 penalty, fields 14–30
    _f("number", "行政处罚决定书文号", [PEN], "R", max_length=100, width=26),
    _f("violation_type", "违法行为类型", [PEN], "R", max_length=200, width=24),
    _f("facts", "违法事实", [PEN], "R", max_length=4000, width=40),
    _f("basis", "处罚依据", [PEN], "R", max_length=2000, width=30),
    _f("penalty_types", "处罚类别", [PEN], "R", type="types", width=18),
    _f("content", "处罚内容", [PEN], "R", max_length=4000, width=40),
    _f("fine", "罚款金额（万元）", [PEN], "C", type="money", width=14),
    _f("confiscation", "没收违法所得、没收非法财物的金额（万元）", [PEN], "C", type="money", width=16),
    _f("licence_affected", "暂扣或吊销证照名称及编号", [PEN], "C", max_length=200, width=22),
    _f("decision_date", "处罚决定日期", [PEN], "R", type="date", width=12),
    _f("effective_until", "处罚有效期", [PEN], "R", type="date", width=12),
    _f("publicity_until", "公示截止期", [PEN], type="date", width=12),
    _f("authority_name", "处罚机关", [PEN], "R", max_length=100, width=24),
    _f("authority_code", "处罚机关统一社会信用代码", [PEN], "R", width=22),
    _f("source_name", "数据来源单位", [PEN], "R", max_length=100, width=24),
    _f("source_code", "数据来源单位统一社会信用代码", [PEN], "R", width=22),
    _f("remarks", "备注", [PEN], max_length=1000, width=20),
    _f("credit_class", "失信行为等级", [PEN], type="choice", width=12, national=False),
    # §6 coercion (no national standard: the fields of the decision documents, QZF arts 24, 31, 37)
    _f("number", "行政强制决定书文号", [COE], "R", max_length=100, width=26),
    _f("coercion_category", "强制类别", [COE], "R", type="choice", width=14),
    _f("coercion_type", "强制种类", [COE], "R", type="choice", width=16),
    _f("facts", "强制理由", [COE], "R", max_length=4000, width=36),
    _f("basis", "强制依据", [COE], "R", max_length=2000, width=30),
    _f("content", "强制对象", [COE], "R", max_length=4000, width=36),
    _f("term_from", "强制期限自", [COE], "C", type="date", width=12),
    _f("term_to", "强制期限至", [COE], "C", type="date", width=12),
    _f("decision_date", "决定日期", [COE], "R", type="date", width=12),
    _f("execution_date", "执行日期", [COE], type="date", width=12),
    _f("authority_name", "实施机关", [COE], "R", max_length=100, width=24),
    _f("authority_code", "实施机关统一社会信用代码", [COE], "R", width=22),
    _f("coercion_state", "当前状态", [COE], "R", type="choice", width=10),
    _f("lifted_on", "解除日期", [COE], "C", type="date", width=12),
    _f("result", "处理结果", [COE], max_length=2000, width=24),
    _f("source_name", "数据来源单位", [COE], "R", max_length=100, width=24),
    _f("source_code", "数据来源单位统一社会信用代码", [COE], "R", width=22),
    _f("remarks", "备注", [COE], max_length=1000, width=20),
)

KEYS: tuple[str, ...] = tuple(dict.fromkeys(f.key for f in FIELDS))
"""Every value key, once."""
DATE_KEYS = frozenset(f.key for f in FIELDS if f.type == "date")
MONEY_KEYS = frozenset(f.key for f in FIELDS if f.type == "money")


def fields_for(kind: str) -> tuple[Field, ...]:
    """The columns of one kind of record, in the national order (Gongkai's extra columns last)."""
    k = Kind(kind)
    own = [f for f in FIELDS if k in f.kinds]
    return tuple([f for f in own if f.national] + [f for f in own if not f.national])


def headers(kind: str) -> list[str]:
    return [f.header for f in fields_for(kind)]


def header(kind: str, key: str) -> str:
    """The Chinese name of ``key`` in a record of ``kind`` (errors name the field by it)."""
    for f in fields_for(kind):
        if f.key == key:
            return f.header
    return {"contact_phone": "联系电话", "involves_minor": "涉及未成年人"}.get(key, key)


_CHOICE_NAMES: dict[str, dict[str, str]] = {
    "party_type": PARTY_TYPE_NAMES,
    "id_type": ID_TYPE_NAMES,
    "legal_rep_id_type": ID_TYPE_NAMES,
    "licence_category": LICENCE_CATEGORIES,
    "licence_state": LICENCE_STATES,
    "licensing_action": LICENSING_ACTIONS,
    "credit_class": CREDIT_CLASSES,
    "coercion_category": COERCION_CATEGORIES,
    "coercion_type": COERCION_TYPES,
    "coercion_state": COERCION_STATES,
}
_CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "party_type": {
        "法人和其他组织": "legal",
        "法人及其他组织": "legal",
        "法人": "legal",
        "非法人组织": "legal",
        "法人或其他组织": "legal",
    },
    "id_type": {"居民身份证": "resident_id", "护照": "passport"},
    "legal_rep_id_type": {"居民身份证": "resident_id", "护照": "passport"},
    "licence_state": {"1": "valid", "2": "invalid", "0": "valid", "正常": "valid"},
    "licensing_action": {"准予许可": "grant", "不予": "refuse", "不予行政许可": "refuse"},
    "coercion_type": {
        "其他": "measure_other",
        "划拨存款汇款": "transfer_deposit",
        "拍卖或者依法处理": "auction",
        "排除妨碍恢复原状": "restore",
        "加处罚款": "additional_fine",
        "滞纳金": "additional_fine",
    },
}


def choice_name(key: str, value: str) -> str:
    """The national wording of a coded value (``party_type`` ``natural`` → 自然人)."""
    return _CHOICE_NAMES.get(key, {}).get(value, value)


def _norm(text: str) -> str:
    """Matching form: NFKC (full-width = half-width), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_choice(key: str, text: str) -> str:
    """The code of a value written as its national wording, an accepted variant or the code itself.
    Raises ``ValueError`` with a Chinese message."""
    names = _CHOICE_NAMES[key]
    t = _norm(text)
    for code, name in names.items():
        if t in (_norm(name), code):
            return code
    alias = _CHOICE_ALIASES.get(key, {}).get(t)
    if alias:
        return alias
    raise ValueError(f"“{_short(text, 30)}”不是有效的取值，应为：{'、'.join(names.values())}。")


def parse_penalty_types(text: str) -> list[str]:
    """处罚类别 written as one or more names (or codes) separated by 、 ; , or |; in the order of
    :data:`PENALTY_TYPES`, without repeats. Raises ``ValueError`` (Chinese) for an unknown name."""
    by_name = {_norm(name): code for code, name in PENALTY_TYPES.items()}
    by_name |= {_norm(k): v for k, v in _PENALTY_ALIASES.items()}
    found: set[str] = set()
    unknown: list[str] = []
    for part in re.split(r"[、;；,，|/]", text):
        p = _norm(part)
        if not p:
            continue
        code = p if p in PENALTY_TYPES else by_name.get(p)
        if code is None:
            unknown.append(part.strip())
        else:
            found.add(code)
    if unknown:
        raise ValueError(
            f"处罚类别“{'、'.join(unknown)}”无法识别，应为：{'、'.join(PENALTY_TYPES.values())}（可填多项，用“、”分隔）。"
        )
    return [c for c in PENALTY_TYPES if c in found]


def penalty_type_names(codes: Iterable[str]) -> str:
    return "、".join(PENALTY_TYPES.get(c, c) for c in codes)


# --- problems -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    key: str
    message: str  # Chinese, names the field

    def __str__(self) -> str:
        return self.message


@dataclass
class Checked:
    values: dict[str, Any]
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_key(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p in self.errors:
            out.setdefault(p.key, []).append(p.message)
        return out


# --- parsing text (the import) ------------------------------------------------------------------------

_DATE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2})?)?"
)
_MONEY = re.compile(r"[0-9]+(?:\.[0-9]+)?")
TEN_THOUSAND = Decimal(10000)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_date(text: str) -> date:
    """``2025-09-26``, ``2025/9/26``, ``2025.09.26`` or ``2025年9月26日`` (§3.6); ``长期`` = 2099-12-31."""
    t = unicodedata.normalize("NFKC", text).strip()
    if t in ("长期", "长期有效", "永久"):
        return LONG_TERM
    m = _DATE.fullmatch(t)
    if not m:
        raise ValueError(
            f"“{_short(text, 30)}”不是有效日期，请写成 2025-09-26（也可写 2025/9/26 或 2025.9.26）。"
        )
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"“{_short(text, 30)}”不是有效日期（没有这一天）。") from exc


def parse_wan_yuan(text: str) -> Decimal:
    """An amount in 万元 (up to 6 decimals) → yuan (2 decimals). ``ValueError`` (Chinese) otherwise."""
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "").removesuffix("万元")
    if not _MONEY.fullmatch(t):
        raise ValueError(f"“{_short(text, 30)}”不是有效金额，请填写以万元为单位的数字，如 1.5。")
    wan = Decimal(t)
    if wan.as_tuple().exponent < -6:  # type: ignore[operator]
        raise ValueError("金额以万元为单位，最多 6 位小数。")
    return (wan * TEN_THOUSAND).quantize(Decimal("0.01"))


def parse_row(kind: str, raw: Mapping[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Typed values of one imported row (``raw``: key → cell text) and the problems of reading them.

    Only reading is done here (dates, amounts, coded values); :func:`check` does the rules."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for f in fields_for(kind):
        text = (raw.get(f.key) or "").strip()
        if f.type == "text":
            values[f.key] = text
            continue
        if not text:
            values[f.key] = [] if f.type == "types" else None if f.type in ("date", "money") else ""
            continue
        try:
            if f.type == "date":
                values[f.key] = parse_date(text)
            elif f.type == "money":
                values[f.key] = parse_wan_yuan(text)
            elif f.type == "types":
                values[f.key] = parse_penalty_types(text)
            elif f.key in ("id_type", "legal_rep_id_type") and _norm(text).startswith("其他"):
                values[f.key] = "other"
                values[f"{f.key}_note"] = _norm(text).removeprefix("其他").lstrip("-－:：")
            else:
                values[f.key] = parse_choice(f.key, text)
        except ValueError as exc:
            problems.append(Problem(f.key, f"{f.header}：{exc}"))
            values[f.key] = [] if f.type == "types" else None if f.type in ("date", "money") else ""
    return values, problems


# --- identifiers --------------------------------------------------------------------------------------

_ORG_CODE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")
_ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)
_FOREIGN_PERMANENT = re.compile(r"^(?:[A-Z]{3}\d{12}|9\d{16}[\dX])$")


def org_code_check(first8: str) -> str:
    """GB 11714 check character of an organisation code (§5.2)."""
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, _ORG_W, strict=True))
    v = 11 - s % 11
    return {10: "X", 11: "0"}.get(v, str(v))


def normalise_code(value: str) -> str:
    return identity.normalise(value or "")


def check_uscc(value: str) -> tuple[str, str]:
    """(canonical code, warning or "") of a 统一社会信用代码; ``InvalidIdentity`` (Chinese) when wrong."""
    code = identity.validate(identity.IdType.USCC, value)
    warning = ""
    org = code[8:17]
    if _ORG_CODE.match(org) and org_code_check(org[:8]) != org[8]:
        warning = "其中第 9–17 位的组织机构代码校验码不符（GB 11714），请核对。"
    return code, warning


def check_resident_id(value: str) -> str:
    """A 居民身份证号码 in canonical form; the 15-digit numbers of GB 11643-1989 are converted (§5.3)."""
    v = identity.normalise(value)
    if re.fullmatch(r"[0-9]{15}", v):
        body = v[:6] + "19" + v[6:]
        v = body + _id_check(body)
    return identity.validate(identity.IdType.RESIDENT_ID, v)


def _id_check(first17: str) -> str:
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def check_id_number(id_type: str, value: str) -> str:
    """The canonical number for a 证件类型 code; ``InvalidIdentity`` with a Chinese message."""
    if id_type == "resident_id":
        return check_resident_id(value)
    if id_type == "foreign_permanent":
        v = identity.normalise(value)
        if not _FOREIGN_PERMANENT.match(v):
            raise identity.InvalidIdentity(
                "外国人永久居留身份证号码应为 3 位字母加 12 位数字，或以 9 开头的 18 位。"
            )
        return v
    kind = {
        "passport": identity.IdType.PASSPORT,
        "hk_macao_permit": identity.IdType.HK_MACAO_PERMIT,
        "taiwan_permit": identity.IdType.TAIWAN_PERMIT,
    }.get(id_type, identity.IdType.OTHER)
    return identity.validate(kind, value)


def birth_date(resident_id: str) -> date | None:
    try:
        return date(int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14]))
    except (ValueError, IndexError):
        return None


def is_minor_on(resident_id: str, day: date) -> bool:
    """True when the holder of a (valid) resident ID was under 18 on ``day``."""
    born = birth_date(resident_id)
    if born is None:
        return False
    try:
        adult = born.replace(year=born.year + 18)
    except ValueError:  # 29 February
        adult = date(born.year + 18, 3, 1)
    return day < adult


# --- publicity periods (§2.4) -------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the last valid day: 2026-01-31 + 3 months → 2026-04-30."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


L36_FROM = date(2026, 4, 1)  # 信用修复管理办法 (国家发展改革委令第36号)
L58_FROM = date(2023, 5, 1)  # 失信行为纠正后的信用信息修复管理办法（试行） (令第58号)
N527_FROM = date(2019, 7, 1)  # 发改办财金〔2019〕527号 (month known, day: choice)


def suggested_credit_class(penalty_types: Iterable[str]) -> str:
    """轻微 / 一般 / 严重 suggested from the penalty types (the L36 draft mapping, §2.4; the case officer
    decides): the most serious type wins; 警告 and 通报批评 alone are 轻微."""
    codes = set(penalty_types)
    if codes & _SERIOUS_TYPES:
        return "serious"
    if codes and codes <= _MINOR_ONLY_TYPES:
        return "minor"
    return "general"


def publicity_period(decision_date: date, credit_class: str) -> tuple[date | None, date]:
    """(earliest end, latest end) of a penalty's publicity on credit websites under the rule in force on
    the decision date (§2.4, **choice**); the latest end is the 公示截止期."""
    cls = credit_class or "general"
    if decision_date >= L36_FROM:
        months = {"minor": (None, 3), "general": (3, 12), "serious": (12, 36)}[cls]
    elif decision_date >= L58_FROM:
        months = (3, 36)
    elif decision_date >= N527_FROM:
        months = (6, 36) if cls == "serious" else (3, 12)
    else:
        months = (None, 36) if cls == "serious" else (None, 12)
    low, high = months
    return (add_months(decision_date, low) if low else None), add_months(decision_date, high)


# --- the check ----------------------------------------------------------------------------------------


class _Collector:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, key: str, message: str) -> None:
        self.errors.append(Problem(key, message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(Problem(key, message))

    def name(self, key: str) -> str:
        return header(self.kind, key)


def _text(values: Mapping[str, Any], key: str) -> str:
    v = values.get(key)
    return "" if v is None else str(v).strip()


def check(kind: str, values: Mapping[str, Any], *, today: date) -> Checked:
    """Validate one record; return canonical values with every error and warning (Chinese, naming the
    field). Values of keys the kind does not have are dropped."""
    k = Kind(kind)
    c = _Collector(k)
    own = fields_for(k)
    v: dict[str, Any] = {}
    for f in own:
        raw = values.get(f.key)
        if f.type == "text" or f.type == "choice":
            v[f.key] = _text(values, f.key)
        elif f.type == "types":
            v[f.key] = list(raw or [])
        else:
            v[f.key] = raw if raw not in ("", None) else None
    for extra in ("id_type_note", "legal_rep_id_type_note"):
        v[extra] = _text(values, extra)

    # Required fields (R) of the kind; derived ones are filled below instead.
    derived = {"licence_state", "effective_until"}
    if k is Kind.LICENSING and _text(values, "licensing_action") == "refuse":
        derived |= {"valid_from", "valid_to", "licence_category"}  # a refusal grants no licence
    for f in own:
        if f.required == "R" and f.key not in derived and v[f.key] in ("", None, []):
            c.error(f.key, f"请填写{f.header}。")
        if f.max_length and isinstance(v[f.key], str) and len(v[f.key]) > f.max_length:
            c.error(f.key, f"{f.header}不能超过 {f.max_length} 个字。")

    # Coded values must be known codes.
    for f in own:
        if f.type == "choice" and v[f.key] and v[f.key] not in _CHOICE_NAMES[f.key]:
            c.error(f.key, f"{f.header}的取值“{_short(v[f.key], 20)}”无效。")
            v[f.key] = ""

    _check_subject(c, v, today)
    if k is Kind.LICENSING:
        _check_licensing(c, v, today)
    elif k is Kind.PENALTY:
        _check_penalty(c, v, today)
    else:
        _check_coercion(c, v, today)

    for key in ("authority_code", "source_code"):
        if v[key]:
            try:
                v[key], warning = check_uscc(v[key])
                if warning:
                    c.warn(key, f"{c.name(key)}：{warning}")
            except identity.InvalidIdentity as exc:
                c.error(key, f"{c.name(key)}：{exc}")
    decided = v.get("decision_date")
    if isinstance(decided, date) and decided > today:
        c.error("decision_date", f"{c.name('decision_date')}不能晚于今天。")
    if isinstance(decided, date) and decided.year < 1990:
        c.error("decision_date", f"{c.name('decision_date')}早于 1990 年，请核对。")
    return Checked(v, c.errors, c.warnings)


def _check_subject(c: _Collector, v: dict[str, Any], today: date) -> None:
    party = v["party_type"]
    org = party in (PartyType.LEGAL, PartyType.INDIVIDUAL)
    if party == PartyType.NATURAL:
        for key in ("uscc", "reg_no", "org_code", "tax_no", "institution_no", "social_org_no", "legal_rep"):
            if v[key]:
                c.error(key, f"行政相对人为自然人时不填写{c.name(key)}。")
        if v["legal_rep_id_type"] or v["legal_rep_id_number"]:
            c.error("legal_rep_id_number", "行政相对人为自然人时不填写法定代表人的证件。")
        if not v["id_type"]:
            c.error("id_type", "行政相对人为自然人时请填写证件类型。")
        if not v["id_number"]:
            c.error("id_number", "行政相对人为自然人时请填写证件号码。")
    elif org:
        if not v["uscc"]:
            c.error("uscc", f"行政相对人为{PARTY_TYPE_NAMES[party]}时请填写统一社会信用代码。")
        if not v["legal_rep"]:
            who = "经营者" if party == PartyType.INDIVIDUAL else "法定代表人或负责人"
            c.error("legal_rep", f"行政相对人为{PARTY_TYPE_NAMES[party]}时请填写法定代表人（{who}）。")
        if v["id_type"] or v["id_number"]:
            c.error("id_number", "行政相对人为法人、非法人组织或个体工商户时不填写证件类型和证件号码。")

    if v["uscc"] and org:
        try:
            v["uscc"], warning = check_uscc(v["uscc"])
        except identity.InvalidIdentity as exc:
            c.error("uscc", f"{c.name('uscc')}：{exc}")
        else:
            if warning:
                c.warn("uscc", f"统一社会信用代码：{warning}")
            if party == PartyType.INDIVIDUAL and not v["uscc"].startswith("92"):
                c.warn("uscc", "个体工商户的统一社会信用代码通常以 92 开头，请核对行政相对人类别。")
            if party == PartyType.LEGAL and v["uscc"].startswith("92"):
                c.warn("uscc", "以 92 开头的统一社会信用代码属于个体工商户，请核对行政相对人类别。")

    if v["reg_no"]:
        v["reg_no"] = normalise_code(v["reg_no"])
        if not re.fullmatch(r"[0-9]{15}", v["reg_no"]):
            c.error("reg_no", "工商注册号应为 15 位数字。")
    if v["org_code"]:
        v["org_code"] = normalise_code(v["org_code"])
        if not _ORG_CODE.match(v["org_code"]):
            c.error("org_code", "组织机构代码应为 8 位数字或大写字母加 1 位校验码，共 9 位。")
        elif org_code_check(v["org_code"][:8]) != v["org_code"][8]:
            c.warn("org_code", "组织机构代码的校验码不符（GB 11714），请核对。")
        elif v["uscc"] and len(v["uscc"]) == 18 and v["uscc"][8:17] != v["org_code"]:
            c.warn("org_code", "组织机构代码与统一社会信用代码第 9–17 位不一致。")
    if v["tax_no"]:
        v["tax_no"] = normalise_code(v["tax_no"])
        if len(v["tax_no"]) not in (15, 17, 18, 20) or not v["tax_no"].isalnum():
            c.error("tax_no", "税务登记号应为 15、17、18 或 20 位数字或字母。")
    if v["institution_no"]:
        v["institution_no"] = normalise_code(v["institution_no"])
        if len(v["institution_no"]) != 12 or not v["institution_no"].isalnum():
            c.error("institution_no", "事业单位证书号应为 12 位。")
    if v["social_org_no"]:
        v["social_org_no"] = normalise_code(v["social_org_no"])

    for type_key, number_key in (("id_type", "id_number"), ("legal_rep_id_type", "legal_rep_id_number")):
        if v[number_key] and not v[type_key] and not any(p.key == type_key for p in c.errors):
            c.error(type_key, f"填写了{c.name(number_key)}时请选择{c.name(type_key)}。")
        if v[type_key] == "other" and v[number_key] and not v[f"{type_key}_note"]:
            c.error(type_key, f"{c.name(type_key)}为“其他”时请注明证件名称。")
        if len(v[f"{type_key}_note"]) > 20:
            c.error(type_key, f"{c.name(type_key)}的证件名称不能超过 20 个字。")
        if v[type_key] != "other":
            v[f"{type_key}_note"] = ""
        if v[number_key] and v[type_key]:
            try:
                v[number_key] = check_id_number(v[type_key], v[number_key])
            except identity.InvalidIdentity as exc:
                c.error(number_key, f"{c.name(number_key)}：{exc}")


def _check_licensing(c: _Collector, v: dict[str, Any], today: date) -> None:
    action = v["licensing_action"] or "grant"
    v["licensing_action"] = action
    if v["licence_category"] == "other" and not v["remarks"]:
        c.error("remarks", "许可类别为“其他”时，请在备注中注明实际类别。")
    start, end, decided = v["valid_from"], v["valid_to"], v["decision_date"]
    if start and end and start > end:
        c.error("valid_to", "有效期至不能早于有效期自。")
    if action in ACTIONS_IN_FORCE and end and decided and end < decided:
        c.error("valid_to", "准予、变更或延续的许可，有效期至不能早于许可决定日期。")
    state = v["licence_state"]
    if action not in ACTIONS_IN_FORCE:
        if state == "valid":
            c.warn("licence_state", f"{LICENSING_ACTIONS[action]}决定的当前状态为“无效”，已按无效处理。")
        v["licence_state"] = "invalid"
    elif not state:
        v["licence_state"] = "valid"


def _check_penalty(c: _Collector, v: dict[str, Any], today: date) -> None:
    types = list(v["penalty_types"])
    unknown = [t for t in types if t not in PENALTY_TYPES]
    if unknown:
        c.error("penalty_types", f"处罚类别代码无效：{'、'.join(unknown)}。")
    types = [t for t in PENALTY_TYPES if t in types]
    v["penalty_types"] = types
    for key in ("fine", "confiscation"):
        amount = v[key]
        if amount is not None:
            try:
                amount = Decimal(amount)
            except (InvalidOperation, TypeError, ValueError):
                c.error(key, f"{c.name(key)}不是有效金额。")
                v[key] = None
                continue
            if amount < 0:
                c.error(key, f"{c.name(key)}不能为负数。")
            v[key] = amount.quantize(Decimal("0.01"))
    if "fine" in types and not v["fine"]:
        c.error("fine", "处罚类别含“罚款”时请填写罚款金额。")
    if v["fine"] and "fine" not in types:
        c.error("penalty_types", "填写了罚款金额时，处罚类别应包含“罚款”。")
    confiscating = {"confiscate_gains", "confiscate_property"} & set(types)
    if confiscating and v["confiscation"] is None:
        c.error("confiscation", "处罚类别含没收违法所得或没收非法财物时请填写没收金额（可填 0）。")
    if v["confiscation"] and not confiscating:
        c.error("penalty_types", "填写了没收金额时，处罚类别应包含“没收违法所得”或“没收非法财物”。")
    if {"suspend_licence", "revoke_licence"} & set(types) and not v["licence_affected"]:
        c.error("licence_affected", "处罚类别含暂扣或吊销许可证件时请填写证照名称及编号。")

    decided = v["decision_date"]
    if not v["credit_class"]:
        v["credit_class"] = suggested_credit_class(types)
    if decided:
        _low, high = publicity_period(decided, v["credit_class"])
        if v["publicity_until"] is None:
            v["publicity_until"] = high
        if v["effective_until"] is None:
            v["effective_until"] = v["publicity_until"]
        for key in ("effective_until", "publicity_until"):
            if v[key] is not None and v[key] < decided:
                c.error(key, f"{c.name(key)}不能早于处罚决定日期。")
    elif v["effective_until"] is None:
        c.error("effective_until", "请填写处罚有效期。")


def _check_coercion(c: _Collector, v: dict[str, Any], today: date) -> None:
    category, ctype = v["coercion_category"], v["coercion_type"]
    if category and ctype and ctype not in COERCION_TYPES_BY_CATEGORY[category]:
        allowed = "、".join(COERCION_TYPES[t] for t in COERCION_TYPES_BY_CATEGORY[category])
        c.error("coercion_type", f"{COERCION_CATEGORIES[category]}的强制种类应为：{allowed}。")
    start, end, decided = v["term_from"], v["term_to"], v["decision_date"]
    if ctype in TERMED_MEASURES:
        if not start:
            c.error("term_from", f"{COERCION_TYPES[ctype]}须填写强制期限自。")
        if not end:
            c.error("term_to", f"{COERCION_TYPES[ctype]}须填写强制期限至。")
    if start and end:
        if start > end:
            c.error("term_to", "强制期限至不能早于强制期限自。")
        elif ctype in TERMED_MEASURES and (end - start).days + 1 > MAX_TERM_DAYS:
            c.error(
                "term_to",
                "查封、扣押、冻结的期限不得超过三十日，延长不得超过三十日（行政强制法第二十五条、第三十二条）。",
            )
    if start and decided and start < decided:
        c.error("term_from", "强制期限自不能早于决定日期。")
    if v["execution_date"] and decided and v["execution_date"] < decided:
        c.error("execution_date", "执行日期不能早于决定日期。")
    if v["execution_date"] and v["execution_date"] > today:
        c.error("execution_date", "执行日期不能晚于今天。")
    state = v["coercion_state"]
    if state == "lifted" and not v["lifted_on"]:
        c.error("lifted_on", "当前状态为“已解除”时请填写解除日期。")
    if v["lifted_on"]:
        if state != "lifted":
            c.error("lifted_on", "只有当前状态为“已解除”时才填写解除日期。")
        elif decided and v["lifted_on"] < decided:
            c.error("lifted_on", "解除日期不能早于决定日期。")
        elif v["lifted_on"] > today:
            c.error("lifted_on", "解除日期不能晚于今天。")


# --- masks (§4) ---------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """A natural person's name on public pages: the first character kept, each other one ``*``
    (张三丰 → 张**; a one-character name stays as it is). Compound surnames are not detected (§4 rule 2)."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1)


def mask_id(number: str) -> str:
    """What staff outside the case see: first 4 and last 4 kept (``1101**********002X``, §4 rule 1)."""
    if not number:
        return ""
    if len(number) <= 8:
        return number[:1] + "*" * (len(number) - 1)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _looks_like_resident_id(text: str) -> bool:
    try:
        identity.validate_resident_id(text.upper())
    except identity.InvalidIdentity:
        return False
    return True


def redact_text(text: str, *, names: Sequence[str] = (), numbers: Sequence[str] = ()) -> str:
    """A text fit for a public page: resident ID numbers and mobile phone numbers written in it are
    masked, as are the given numbers and the given natural persons' names (§4 rules 1–3).

    A safety net under the reviewer's redaction, not a replacement for it: names of third parties are
    not recognised. 统一社会信用代码 (public) are left alone: only numbers that pass the resident-ID check
    are masked."""
    if not text:
        return text
    for number in numbers:
        if number:
            text = text.replace(number, mask_id(number))
    for name in names:
        if name and len(name.strip()) > 1:
            text = text.replace(name.strip(), mask_name(name))
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m[0]) if _looks_like_resident_id(m[0]) else m[0], text)
    return _MOBILE_IN_TEXT.sub(lambda m: identity.mask_phone(m[0]), text)


# --- export cells -------------------------------------------------------------------------------------


def wan_yuan(yuan: Decimal | None) -> str:
    """Yuan → 万元 text, rounded half-up to 6 decimals, without trailing zeros: 50000 → ``5``."""
    if yuan is None:
        return ""
    wan = (Decimal(yuan) / TEN_THOUSAND).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    text = format(wan.normalize(), "f")
    return text


def current_licence_state(values: Mapping[str, Any], today: date) -> str:
    """有效 while an in-force decision's term runs; 无效 otherwise (expired, withdrawn, revoked…)."""
    if values.get("licence_state") == "invalid":
        return "invalid"
    if values.get("licensing_action", "grant") not in ACTIONS_IN_FORCE:
        return "invalid"
    end = values.get("valid_to")
    if isinstance(end, date) and end < today:
        return "invalid"
    return "valid"


def export_cells(kind: str, values: Mapping[str, Any], *, today: date, masked: bool = False) -> list[str]:
    """One record as the national cells of ``kind`` (all text). ``masked``: ID numbers masked and a
    natural person's name masked, as a file that leaves the agency for anyone but the credit platform."""
    cells: list[str] = []
    natural = values.get("party_type") == PartyType.NATURAL
    for f in fields_for(kind):
        value = values.get(f.key)
        if f.key == "licence_state":
            text = LICENCE_STATES[current_licence_state(values, today)]
        elif f.key in ("id_type", "legal_rep_id_type") and value == "other":
            note = values.get(f"{f.key}_note") or "证件"
            text = f"其他-{note}"
        elif f.type == "choice":
            text = choice_name(f.key, value or "")
        elif f.type == "date":
            text = value.isoformat() if isinstance(value, date) else ""
        elif f.type == "money":
            text = wan_yuan(value)
        elif f.type == "types":
            text = penalty_type_names(value or [])
        else:
            text = "" if value is None else str(value)
        if masked and f.key in ("id_number", "legal_rep_id_number"):
            text = mask_id(text)
        if masked and natural and f.key == "party_name":
            text = mask_name(text)
        cells.append(text)
    return cells


# --- headers of an imported file ----------------------------------------------------------------------

_HEADER_ALIASES: dict[str, str] = {
    "统一社会信用代码": "uscc",
    "行政相对人代码_1": "uscc",
    "工商注册号": "reg_no",
    "组织机构代码": "org_code",
    "税务登记号": "tax_no",
    "事业单位证书号": "institution_no",
    "社会组织登记证号": "social_org_no",
    "法定代表人证件号码": "legal_rep_id_number",
    "法定代表人身份证号码": "legal_rep_id_number",
    "罚款金额": "fine",
    "没收违法所得、没收非法财物的金额": "confiscation",
    "没收金额": "confiscation",
}


def header_key(kind: str, text: str) -> str | None:
    """The value key of an imported column header (national name, its key, or a known variant)."""
    t = re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", text))
    for f in fields_for(kind):
        if t in (re.sub(r"\s", "", unicodedata.normalize("NFKC", f.header)), f.key):
            return f.key
    key = _HEADER_ALIASES.get(t) or _HEADER_ALIASES.get(re.sub(r"\(万元\)$", "", t))
    if key and any(f.key == key for f in fields_for(kind)):
        return key
    return None


def import_required(kind: str) -> list[Field]:
    """Columns an imported file must have (the R fields that are not derived)."""
    return [
        f for f in fields_for(kind) if f.required == "R" and f.key not in ("licence_state", "effective_until")
    ]
