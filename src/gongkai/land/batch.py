"""Import expropriation projects and their documents from XLSX or CSV (first row = headers).

One row per project. Columns (headers in Chinese, order free):

项目名称 · 批准文号 · 批准日期 · 收到批准文件日期 · 批准机关（国务院/省人民政府） · 县市区代码
· 乡镇 · 村（以“、”分隔） · 征收面积（公顷） · 其中耕地（公顷） · 征收目的
· and, for each required document, ``<名称>发布日期`` and
``<名称>公开日期`` (e.g. ``征收土地公告发布日期``).

Every row is checked first; errors are reported in Chinese by row and column and nothing is written if any
row is wrong. A project that already exists (same agency and name, or same 批准文号) is skipped, so running
the same file twice creates nothing new. Documents imported this way record the dates only (published
elsewhere, before Gongkai); townships and villages not yet known get local codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.core import spreadsheets
from gongkai.land import services
from gongkai.land.models import Authority, ExpropriationProject, Place, PlaceLevel, RequiredDisclosure
from gongkai.orgs.models import Agency

REQUIRED = ("项目名称", "批准日期", "县市区代码", "征收面积（公顷）", "征收目的")
OPTIONAL = ("批准文号", "收到批准文件日期", "批准机关", "乡镇", "村", "其中耕地（公顷）")
AUTHORITIES = {
    "国务院": Authority.STATE_COUNCIL,
    "省人民政府": Authority.PROVINCE,
    "省政府": Authority.PROVINCE,
}


@dataclass
class Result:
    created: int = 0
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: int = 0


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"“{text}”不是数字") from exc
    if value < 0 or not value.is_finite():
        raise ValueError(f"“{text}”不能为负数")
    return value.quantize(Decimal("0.0001"))


def _norm(header: str) -> str:
    return header.strip().replace("(", "（").replace(")", "）")


def parse(name: str, data: bytes, agency: Agency) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows as clean values, and the errors (Chinese, by row and column)."""
    services.ensure_requirements()
    try:
        table = spreadsheets.read_table(name, data)
    except spreadsheets.SpreadsheetError as exc:
        return [], [str(exc)]
    if not table:
        return [], ["文件是空的。"]
    headers = [_norm(h) for h in table[0]]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        return [], [f"第1行缺少列：{'、'.join(missing)}。"]
    docs = {r.name: r for r in RequiredDisclosure.objects.filter(active=True)}
    today = timezone.localdate()
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(table[1:], start=2):
        cells = dict(zip(headers, [c.strip() for c in raw], strict=False))
        if not any(cells.values()):
            continue
        row: dict[str, Any] = {"line": number, "documents": {}}

        def err(column: str, message: str, line: int = number) -> None:
            errors.append(f"第{line}行“{column}”：{message}")

        for column in REQUIRED:
            if not cells.get(column):
                err(column, "不能为空。")
        row["name"] = cells.get("项目名称", "")[:120]
        if row["name"] in seen:
            err("项目名称", "与前面的行重复。")
        seen.add(row["name"])
        row["approval_number"] = cells.get("批准文号", "")[:60]
        for column, key in (("批准日期", "approval_date"), ("收到批准文件日期", "approval_received_date")):
            row[key] = None
            if cells.get(column):
                try:
                    row[key] = spreadsheets.parse_date(cells[column])
                    if row[key] > today:
                        err(column, "不能晚于今天。")
                except ValueError as exc:
                    err(column, str(exc))
        received, approved = row["approval_received_date"], row["approval_date"]
        if approved and received and received < approved:
            err("收到批准文件日期", "不能早于批准日期。")
        authority = cells.get("批准机关", "") or "省人民政府"
        if authority not in AUTHORITIES:
            err("批准机关", "应填写“国务院”或“省人民政府”。")
        row["approving_authority"] = AUTHORITIES.get(authority, Authority.PROVINCE)
        code = cells.get("县市区代码", "")
        county = Place.objects.filter(code=code, level=PlaceLevel.COUNTY).first()
        if code and county is None:
            err("县市区代码", f"未知的县级区划代码 {code}。")
        elif county is not None and not services.county_within(agency, county.code):
            err("县市区代码", f"{county.name}不在{agency.name}的辖区内。")
        row["county"] = county
        for column, key in (("征收面积（公顷）", "area_ha"), ("其中耕地（公顷）", "farmland_ha")):
            row[key] = Decimal(0)
            if cells.get(column):
                try:
                    row[key] = _decimal(cells[column])
                except ValueError as exc:
                    err(column, str(exc) + "。")
        if row["farmland_ha"] > row["area_ha"]:
            err("其中耕地（公顷）", "不能大于征收面积。")
        row["purpose"] = cells.get("征收目的", "")[:200]
        row["township"] = cells.get("乡镇", "")[:60]
        row["villages"] = [v.strip() for v in cells.get("村", "").replace(",", "、").split("、") if v.strip()]
        if row["villages"] and not row["township"]:
            err("村", "填写村时须同时填写乡镇。")
        for doc_name, req in docs.items():
            issued_text, online_text = (
                cells.get(f"{doc_name}发布日期", ""),
                cells.get(f"{doc_name}公开日期", ""),
            )
            dates = []
            for column, text in ((f"{doc_name}发布日期", issued_text), (f"{doc_name}公开日期", online_text)):
                try:
                    dates.append(spreadsheets.parse_date(text) if text else None)
                except ValueError as exc:
                    err(column, str(exc))
                    dates.append(None)
            if any(dates):
                row["documents"][req.key] = tuple(dates)
        out.append(row)
    return out, errors


def _places(row: dict[str, Any]) -> list[Place]:
    return services.places_from_names(row["county"], row["township"], row["villages"])


def import_file(*, name: str, data: bytes, agency: Agency, by: Any, dry_run: bool = False) -> Result:
    rows, errors = parse(name, data, agency)
    result = Result(rows=len(rows), errors=errors)
    if errors:
        return result
    with transaction.atomic():
        for row in rows:
            exists = ExpropriationProject.objects.filter(
                Q(agency=agency, name=row["name"])
                | (Q(approval_number=row["approval_number"]) if row["approval_number"] else Q(pk__in=[]))
            ).exists()
            if exists:
                result.skipped.append(f"第{row['line']}行：{row['name']}已存在，跳过。")
                continue
            if dry_run:
                result.created += 1
                continue
            project = services.project_create(
                agency=agency,
                data={k: row[k] for k in services.PROJECT_FIELDS if k in row},
                places=_places(row),
                by=by,
            )
            for disclosure in project.disclosures.select_related("requirement"):
                dates = row["documents"].get(disclosure.requirement.key)
                if dates:
                    services.disclosure_update(
                        disclosure=disclosure,
                        data={"issued_on": dates[0], "published_on": dates[1], "item": None},
                        by=by,
                    )
            result.created += 1
    return result
