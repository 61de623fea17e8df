"""Import of an existing library: per-row Chinese errors, dry run, no duplicates, sequences moved on."""
# ruff: noqa: E501  (spreadsheet rows are easier to read whole)

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from openpyxl import load_workbook

from gongkai.core import sequences
from gongkai.normative import batch, selectors, services
from gongkai.normative.lifecycle import Status
from gongkai.normative.models import Document
from tests.normative.conftest import make

pytestmark = pytest.mark.django_db

HEAD = "标题,文件类型,文号,登记号,成文日期,发布日期,施行日期,有效期至,效力状态,失效或废止日期,主题分类\n"
GOOD = (
    HEAD
    + "湖南省征地补偿标准管理办法,行政规范性文件,湘自然资规[2019]第3号,HNZRZY-2019-003,2019-05-06,2019-05-10,2019-06-10,2030-06-09,有效,,国土资源、能源\\土地\n"
    + "关于农村宅基地审批的暂行规定,规范性文件,湘自然资规〔2018〕2号,HNZRZY-2018-002,2018/3/1,2018/3/5,,,失效,,国土资源、能源\\土地\n"
    + "湖南省土地整治项目管理办法,行政规范性文件,湘自然资规〔2017〕1号,,2017年1月3日,2017年1月6日,2017-02-06,2030-01-01,废止,2020-06-30,国土资源、能源\\土地\n"
)


def write(tmp_path, text: str, name: str = "library.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_reports_each_bad_row_in_chinese():
    bad = (
        HEAD
        + ",行政规范性文件,湘自然资规〔2019〕1号,,2019-05-06,2019-05-10,,,,,\n"
        + "某办法,文件,湘自然资规〔2019〕2号,,2019-13-01,2019-05-10,,,,,\n"
        + "某办法二,,湘自然资规〔2019〕3号,,2019-05-06,2019-05-01,,,有效,,\n"
        + "某办法三,,湘自然资规〔2019〕4号,,2019-05-06,2019-05-10,2019-06-01,2030-01-01,废止,,\n"
        + "某办法四,,湘自然资规〔2019〕5号,,2019-05-06,2019-05-10,2019-06-01,2020-01-01,有效,,\n"
        + "某办法五,,湘自然资规（2019）5号,,2019-05-06,2019-05-10,2019-06-01,2030-01-01,有效,,\n"
    )
    rows = batch.read_rows("x.csv", bad.encode())
    valid, errors = batch.validate(rows, today=date(2026, 11, 25))
    text = [str(e) for e in errors]
    assert valid == []
    assert "第 2 行【标题】不能为空。" in text
    assert any(t.startswith("第 3 行【文件类型】") for t in text)
    assert "第 3 行【成文日期】“2019-13-01”不是有效日期（没有这一天）。" in text
    assert "第 4 行【发布日期】发布日期不能早于成文日期。" in text
    assert "第 5 行【失效或废止日期】废止的文件请填写废止日期。" in text
    assert "第 7 行【文号】与第 6 行的文号重复。" in text
    assert any(t.startswith("第 6 行【效力状态】") and "今天应为“失效”" in t for t in text)


def test_unknown_headers_are_named():
    with pytest.raises(batch.BatchError, match="未知的表头：名字"):
        batch.read_rows("x.csv", "名字,文号\n".encode())
    with pytest.raises(batch.BatchError, match="缺少必填列：标题"):
        batch.read_rows("x.csv", "文号,成文日期,发布日期\n".encode())


def test_import_dry_run_then_import_then_reimport(province, clerk, tmp_path):
    path = write(tmp_path, GOOD)
    out = io.StringIO()
    call_command("normative", "import", str(path), "--agency", "430S00", "--dry-run", stdout=out)
    assert "将导入 3 件" in out.getvalue() and Document.objects.count() == 0
    call_command("normative", "import", str(path), "--agency", "430S00", stdout=out)
    assert Document.objects.count() == 3
    first = Document.objects.get(document_number="湘自然资规〔2019〕3号")  # normalised on the way in
    assert first.status == Status.IN_FORCE and first.stage == "published"
    provisional = Document.objects.get(document_number="湘自然资规〔2018〕2号")
    assert provisional.expires_on == date(2020, 3, 4)  # 暂行: two years from 施行 (= 发布)
    repealed = Document.objects.get(document_number="湘自然资规〔2017〕1号")
    assert (repealed.status, repealed.ended_on) == (Status.REPEALED, date(2020, 6, 30))
    out = io.StringIO()
    call_command("normative", "import", str(path), "--agency", "430S00", stdout=out)
    assert "已导入 0 件，文号已存在而跳过 3 件" in out.getvalue()
    assert Document.objects.count() == 3
    # the imported numbers are not issued again
    doc = make(province, clerk, "新文件", published_on=None, year=2019, formed_on=date(2019, 8, 1))
    assert (doc.document_number, doc.registration_number) == ("湘自然资规〔2019〕4号", "HNZRZY-2019-004")
    counts = selectors.section2_counts([province], 2020)["normative_documents"]
    assert counts["repealed"] == 2  # the 暂行 one expired on 2020-03-05, the other was repealed


def test_a_file_with_errors_imports_nothing_unless_asked(province, tmp_path):
    path = write(tmp_path, GOOD + "坏行,,湘自然资规〔2016〕1号,,2016-01-01,,,,,,\n")
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("normative", "import", str(path), "--agency", "430S00", stdout=io.StringIO())
    assert Document.objects.count() == 0
    call_command("normative", "import", str(path), "--agency", "430S00", "--valid-only", stdout=io.StringIO())
    assert Document.objects.count() == 3


def test_export_is_formula_safe_and_reads_back(province, clerk, tmp_path):
    make(province, clerk, '=HYPERLINK("http://evil")关于某事的通知', effective_on=date(2020, 4, 1))
    out = tmp_path / "lib.xlsx"
    call_command("normative", "export", "--agency", "430S00", "-o", str(out), stdout=io.StringIO())
    sheet = load_workbook(out).active
    assert sheet.cell(1, 1).value == "标题"
    assert sheet.cell(2, 1).data_type == "s" and sheet.cell(2, 1).value.startswith("=HYPERLINK")
    csv_out = tmp_path / "lib.csv"
    call_command("normative", "export", "--agency", "430S00", "-o", str(csv_out), stdout=io.StringIO())
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    # the export imports back into an empty library unchanged (round trip)
    Document.objects.all().delete()
    rows = batch.read_rows("lib.csv", csv_out.read_bytes())
    valid, errors = batch.validate(rows, today=date(2026, 11, 25))
    assert errors == [] and valid[0].values["title"].startswith("=HYPERLINK")


def test_update_status_command_is_idempotent(province, clerk):
    doc = make(province, clerk, "某办法", effective_on=date(2020, 4, 1), expires_on=date(2022, 3, 31))
    Document.objects.filter(pk=doc.pk).update(status=Status.IN_FORCE)  # as it was before 2022-04-01
    out = io.StringIO()
    call_command("normative", "update-status", "--date", "2022-04-01", stdout=out)
    call_command("normative", "update-status", "--date", "2022-04-01", stdout=out)
    assert "1 件" in out.getvalue().splitlines()[0] and "0 件" in out.getvalue().splitlines()[1]
    assert Document.objects.get(pk=doc.pk).status == Status.EXPIRED


def test_sequences_after_import_stay_gap_free(province):
    with transaction.atomic():
        assert sequences.next_value("normative-reg:430S00:normative", 2031) == 1
    assert services  # imported for the fixture's side effects
