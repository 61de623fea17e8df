"""``gongkai import appeals``: every row checked first, errors in Chinese by row and column, nothing
imported on error unless --valid-only, dry run, re-import creates nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.appeals import batch
from gongkai.appeals.models import AppealCase
from gongkai.core.models import AuditEvent
from tests.appeals.helpers import application

pytestmark = pytest.mark.django_db

HEADER = "案件编号,受理机关,类型,关联申请编号,立案日期,结果,结案日期"
GOOD = [
    "湘政复〔2020〕1号,湖南省人民政府,行政复议,430S00-2020-00001,2020-03-02,维持,2020-04-28",
    "（2020）湘8601行初5号,长沙铁路运输法院,未经复议直接起诉,,2020/6/1,尚未审结,",
    "（2020）湘8601行初9号,长沙铁路运输法院,复议后起诉,,2020年12月1日,纠正,2021-02-03",
]


def write(tmp_path, lines, name="appeals.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(path, *args):
    out = io.StringIO()
    call_command("import", "appeals", str(path), "--agency", "430S00", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def linked(tree):
    return application(tree["province"], "430S00-2020-00001", date(2020, 1, 6))


def test_import_and_reimport(tree, tmp_path, linked):
    path = write(tmp_path, [HEADER, *GOOD])
    out = run(path)
    assert "已导入 3 件，已存在而跳过 0 件" in out
    first = AppealCase.objects.get(number="湘政复〔2020〕1号")
    assert first.application == linked and first.result == "upheld" and first.body == "湖南省人民政府"
    later = AppealCase.objects.get(number="（2020）湘8601行初9号")
    assert (later.kind, later.filed_on, later.concluded_on) == (
        "litigation_after_reconsideration",
        date(2020, 12, 1),
        date(2021, 2, 3),
    )
    assert AuditEvent.objects.filter(verb="appeals.import").count() == 3
    assert "已导入 0 件，已存在而跳过 3 件" in run(path)
    assert AppealCase.objects.count() == 3


def test_english_headers_and_dry_run(tree, tmp_path, linked):
    header = "number,body,kind,application_number,filed_on,result,concluded_on"
    out = run(write(tmp_path, [header, *GOOD]), "--dry-run")
    assert "将导入 3 件" in out and "未导入任何数据" in out
    assert AppealCase.objects.count() == 0


def test_errors_listed_in_chinese_and_nothing_imported(tree, tmp_path, linked):
    bad = [
        HEADER,
        GOOD[0],
        "湘政复〔2020〕1号,湖南省人民政府,行政复议,,2020-03-02,,",  # row 3: repeated number
        "X-2,湖南省人民政府,仲裁,,2020-02-30,维持,",  # row 4
        "X-3,,行政复议,NOPE,2020-05-01,纠正,2020-04-01",  # row 5
        "X-4,长沙铁路运输法院,未经复议直接起诉,,2020-05-01,尚未审结,2020-06-01",  # row 6
        "X-5,长沙铁路运输法院,未经复议直接起诉,,2020-05-01,驳回,2020-06-01",  # row 7
        "X-6,长沙铁路运输法院,未经复议直接起诉,,2020-05-01,,",  # row 8: fine
        "X-7,430S00,行政复议,,2020-05-01,,",  # row 9: the agency itself
    ]
    path = write(tmp_path, bad)
    with pytest.raises(CommandError, match="未导入任何数据"):
        run(path)
    assert AppealCase.objects.count() == 0
    rows = batch.read_rows("x.csv", path.read_bytes())
    valid, errors = batch.validate(rows, agency=tree["province"], today=date(2026, 11, 25))
    text = [str(e) for e in errors]
    assert "第 3 行【案件编号】案件编号“湘政复〔2020〕1号”与第 2 行重复。" in text
    assert any(t.startswith("第 4 行【类型】类型“仲裁”无效") for t in text)
    assert any(t.startswith("第 4 行【立案日期】") and "没有这一天" in t for t in text)
    assert "第 5 行【受理机关】受理机关为必填项。" in text
    assert any(t.startswith("第 5 行【关联申请编号】本机关（430S00）没有编号为“NOPE”的申请") for t in text)
    assert any(t.startswith("第 5 行【结案日期】结案日期不能早于立案日期") for t in text)
    assert "第 6 行【结案日期】尚未审结的案件不应填写结案日期。" in text
    assert any(t.startswith("第 7 行【结果】结果“驳回”无效") for t in text)
    assert any(t.startswith("第 9 行【受理机关】受理机关应填写受理本案的复议机关或人民法院") for t in text)
    assert [r.row for r in valid] == [2, 8]

    out = run(path, "--valid-only")
    assert "已导入 2 件" in out and "有错误的 6 行未导入" in out
    assert set(AppealCase.objects.values_list("number", flat=True)) == {"湘政复〔2020〕1号", "X-6"}


def test_filed_before_the_application_was_received(tree, tmp_path, linked):
    path = write(tmp_path, [HEADER, "A-1,湖南省人民政府,行政复议,430S00-2020-00001,2019-12-30,,"])
    with pytest.raises(CommandError):
        run(path)
    _valid, errors = batch.validate(batch.read_rows("a.csv", path.read_bytes()), agency=tree["province"])
    assert "早于关联申请的收到日期（2020-01-06）" in errors[0].message


def test_unusable_files(tree, tmp_path):
    with pytest.raises(CommandError, match="缺少必填列：立案日期"):
        run(write(tmp_path, ["案件编号,受理机关,类型", "A,B,行政复议"]))
    with pytest.raises(CommandError, match="未知的表头：法院"):
        run(write(tmp_path, [HEADER + ",法院", GOOD[0] + ",x"]))
    with pytest.raises(CommandError, match="不是 XLSX 工作簿"):
        run(write(tmp_path, [HEADER], name="a.xlsx"))
    with pytest.raises(CommandError, match="找不到机关"):
        call_command("import", "appeals", "x.csv", "--agency", "999999")


def test_xlsx(tree, tmp_path, linked):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(
        ["湘政复〔2020〕1号", "湖南省人民政府", "行政复议", "", date(2020, 3, 2), "维持", date(2020, 4, 28)]
    )
    path = tmp_path / "a.xlsx"
    wb.save(path)
    assert "已导入 1 件" in run(path)
    assert AppealCase.objects.get().concluded_on == date(2020, 4, 28)
