"""Export (national headers, string cells, formula-safe) and import (per-row Chinese errors, nothing
imported on error unless --valid-only, idempotent), through the services and the `gongkai credit` command."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from gongkai.core.models import AuditEvent
from gongkai.credit import batch, records, services
from gongkai.credit.models import Decision, Status
from tests.credit.conftest import AUTHORITY_CODE, COMPANY, COMPANY_CODE, PERSON, PERSON_ID, TODAY

pytestmark = pytest.mark.django_db


def read_xlsx(data: bytes) -> list[list[openpyxl.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


def test_xlsx_export_has_national_headers_and_only_string_cells(make, office):
    make("penalty", publish=True, content='=HYPERLINK("http://evil.example","点击")', party=PERSON)
    make("penalty", number="湘自然资罚〔2025〕10号")  # a draft: not exported
    data, count = services.export_file(
        agency=office["agency"], kind="penalty", year=2025, fmt="xlsx", masked=False, by=office["publisher"]
    )
    assert count == 1
    rows = read_xlsx(data)
    assert [c.value for c in rows[0]] == records.headers("penalty")
    assert rows[0][0].font.b
    assert len(rows) == 2
    assert all(c.data_type == "s" for row in rows for c in row if c.value is not None)
    row = {h: c.value for h, c in zip(records.headers("penalty"), rows[1], strict=True)}
    assert row["处罚内容"].startswith("=HYPERLINK")  # text, not a formula
    assert row["证件号码"] == PERSON_ID  # the platform needs it for matching
    assert row["罚款金额（万元）"] == "1.36"
    assert row["处罚机关统一社会信用代码"] == AUTHORITY_CODE
    event = AuditEvent.objects.get(verb="credit.export")
    assert event.data["rows"] == 1 and event.data["masked"] is False


def test_masked_export_and_year_filter(make, office):
    make("penalty", publish=True, party=PERSON)
    rows = services.export_rows(office["agency"], "penalty", 2025, masked=True)
    row = dict(zip(records.headers("penalty"), rows[0], strict=True))
    assert row["行政相对人名称"] == "张**" and PERSON_ID not in row["证件号码"]
    assert services.export_rows(office["agency"], "penalty", 2024) == []


def test_csv_export_is_utf8_with_bom_and_formula_safe(make, office):
    make("licensing", publish=True, content="+1 准予", remarks="@SUM(A1)")
    data, _n = services.export_file(
        agency=office["agency"], kind="licensing", year=None, fmt="csv", masked=False, by=None
    )
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == records.headers("licensing")
    row = dict(zip(table[0], table[1], strict=True))
    assert row["许可内容"] == "'+1 准予" and row["备注"] == "'@SUM(A1)"
    assert row["当前状态"] == "有效" and row["许可类别"] == "特许" and row["有效期至"] == "2031-02-25"
    # The guard is undone on import.
    rows = batch.read_rows("licensing", "x.csv", data)
    assert rows[0]["content"] == "+1 准予"


def csv_file(tmp_path: Path, kind: str, rows: list[dict[str, str]], name: str = "batch.csv") -> Path:
    headers = records.headers(kind)
    keys = [f.key for f in records.fields_for(kind)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(k, "") for k in keys])
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


GOOD_ROW = {
    "party_name": "长沙某置业有限公司",
    "party_type": "法人及非法人组织",
    "uscc": COMPANY_CODE,
    "legal_rep": "邓某",
    "number": "湘自然资罚〔2025〕30号",
    "violation_type": "非法占用土地",
    "facts": "擅自占用集体土地。",
    "basis": "《中华人民共和国土地管理法》第七十七条",
    "penalty_types": "限期拆除、罚款",
    "content": "责令退还，限期拆除，并处罚款。",
    "fine": "1.36",
    "decision_date": "2025/5/27",
    "authority_name": "湖南省自然资源厅",
    "authority_code": AUTHORITY_CODE,
    "source_name": "湖南省自然资源厅",
    "source_code": AUTHORITY_CODE,
}


def test_import_with_errors_imports_nothing_and_reports_each_row(tmp_path, office):
    bad_id = {
        **GOOD_ROW,
        "number": "湘自然资罚〔2025〕31号",
        "party_type": "自然人",
        "party_name": "王某",
        "uscc": "",
        "legal_rep": "",
        "id_type": "身份证",
        "id_number": "110105194912310021",
    }
    bad_code = {
        **GOOD_ROW,
        "number": "湘自然资罚〔2025〕32号",
        "uscc": "91350100M000100Y44",
        "penalty_types": "罚金",
    }
    path = csv_file(tmp_path, "penalty", [GOOD_ROW, bad_id, bad_code])
    out = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("credit", "import", str(path), "--agency", "430S00", "--kind", "penalty", stdout=out)
    text = out.getvalue()
    assert "共 3 行，无误 1 行，有错误 2 行" in text
    assert "第 3 行【证件号码】证件号码：居民身份证号码的校验位不正确" in text
    assert "第 4 行【行政相对人代码_1(统一社会信用代码)】" in text and "第 4 行【处罚类别】" in text
    assert not Decision.objects.exists()


def test_import_valid_only_dry_run_and_idempotence(tmp_path, office):
    second = {
        **GOOD_ROW,
        "number": "湘自然资罚〔2025〕33号",
        "party_type": "自然人",
        "party_name": "王某某",
        "uscc": "",
        "legal_rep": "",
        "id_type": "身份证",
        "id_number": PERSON_ID.lower(),
    }
    bad = {**GOOD_ROW, "number": "湘自然资罚〔2025〕34号", "decision_date": "2025-02-30"}
    path = csv_file(tmp_path, "penalty", [GOOD_ROW, second, bad])
    out = io.StringIO()
    call_command(
        "credit",
        "import",
        str(path),
        "--agency",
        "430S00",
        "--kind",
        "penalty",
        "--valid-only",
        "--dry-run",
        stdout=out,
    )
    assert "将导入 2 条" in out.getvalue() and not Decision.objects.exists()
    out = io.StringIO()
    call_command(
        "credit",
        "import",
        str(path),
        "--agency",
        "430S00",
        "--kind",
        "penalty",
        "--valid-only",
        "--publish",
        stdout=out,
    )
    assert "已导入 2 条" in out.getvalue() and "已公示 2 条" in out.getvalue()
    person = Decision.objects.get(party_name="王某某")
    assert person.id_number == PERSON_ID and person.status == Status.PUBLISHED
    assert Decision.objects.get(party_name=GOOD_ROW["party_name"]).fine_yuan == 13600
    out = io.StringIO()
    call_command(
        "credit", "import", str(path), "--agency", "430S00", "--kind", "penalty", "--valid-only", stdout=out
    )
    assert "已导入 0 条，已存在而跳过 2 条" in out.getvalue()
    assert Decision.objects.count() == 2
    assert AuditEvent.objects.filter(verb="credit.import").count() == 2
    assert AuditEvent.objects.filter(verb="credit.import_batch").count() == 2


def test_import_rejects_unknown_headers_and_repeated_rows(tmp_path, office):
    path = tmp_path / "wrong.csv"
    path.write_text("行政相对人名称,罚单号\n某公司,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未知的表头：罚单号"):
        call_command(
            "credit", "import", str(path), "--agency", "430S00", "--kind", "penalty", stdout=io.StringIO()
        )
    twice = csv_file(tmp_path, "penalty", [GOOD_ROW, GOOD_ROW], name="twice.csv")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("credit", "import", str(twice), "--agency", "430S00", "--kind", "penalty", stdout=out)
    assert "第 3 行【行政处罚决定书文号】" in out.getvalue() and "与第 2 行重复" in out.getvalue()


def test_export_command_and_round_trip_through_xlsx(tmp_path, make, office, tree):
    make("licensing", publish=True, party={**COMPANY, "org_code": COMPANY_CODE[8:17]})
    out_file = tmp_path / "licensing.xlsx"
    out = io.StringIO()
    call_command(
        "credit",
        "export",
        "--agency",
        "430S00",
        "--kind",
        "licensing",
        "--year",
        "2025",
        "-o",
        str(out_file),
        stdout=out,
    )
    assert "行政许可信息 1 条" in out.getvalue()
    # The exported workbook imports cleanly into another agency (same headers, same values).
    call_command(
        "credit", "import", str(out_file), "--agency", "4301S0", "--kind", "licensing", stdout=io.StringIO()
    )
    copy = Decision.objects.get(agency=tree["city_a"])
    original = Decision.objects.get(agency=office["agency"])
    for key in ("party_name", "uscc", "org_code", "number", "licence_number", "valid_to", "licensing_action"):
        assert getattr(copy, key) == getattr(original, key), key
    assert copy.status == Status.DRAFT
    with pytest.raises(CommandError, match="扩展名"):
        call_command(
            "credit", "export", "--agency", "430S00", "--kind", "penalty", "-o", str(tmp_path / "x.txt")
        )


def test_xlsx_import_reads_dates_written_by_excel(tmp_path, office):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    keys = [f.key for f in records.fields_for("penalty")]
    sheet.append(records.headers("penalty"))
    sheet.append([date(2025, 5, 27) if k == "decision_date" else GOOD_ROW.get(k, "") for k in keys])
    path = tmp_path / "excel.xlsx"
    workbook.save(path)
    call_command(
        "credit", "import", str(path), "--agency", "430S00", "--kind", "penalty", stdout=io.StringIO()
    )
    assert Decision.objects.get().decision_date == date(2025, 5, 27)


def test_validate_rows_reports_warnings_without_blocking():
    row = {**GOOD_ROW, "party_type": "个体工商户"}
    valid, errors, warnings = batch.validate_rows("penalty", [row], today=TODAY)
    assert len(valid) == 1 and not errors
    assert warnings and "92" in warnings[0].message and warnings[0].warning
