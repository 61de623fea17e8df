"""The application ledger (台账): read, validate, import, export, and the two commands.

Every file is built in the test with openpyxl or csv; the spec is annual-report.md ("The application
ledger (台账) import") and bad-inputs.md rows 1–3, 8 and 11.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from stdnum.cn import uscc

from gongkai import cli
from gongkai.applications import ledger, outcomes
from gongkai.applications.models import ApplicantGroup, Application, CaseEvent, Subject
from gongkai.applications.workflow import Status
from gongkai.core.models import AuditEvent, Sequence
from tests.factories import resident_id, staff

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in ledger.COLUMNS]
PERSON_ID = resident_id("43012119680315003")
COMPANY_ID = "91430100MA4L0000" + "0" + uscc.calc_check_digit("91430100MA4L00000")
BAD_CHECK_ID = PERSON_ID[:-1] + ("0" if PERSON_ID[-1] != "0" else "1")


def row(number: str, **values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "申请编号": number,
        "受理机关": "430S00",
        "收到日期": "2025-03-03",
        "申请方式": "当面",
        "申请人类型": "自然人",
        "申请人": "张建国",
        "申请内容": "长沙县黄花镇2019年征地批复",
    }
    base.update(values)
    return base


def xlsx(rows: list[dict[str, object]], headers: list[str] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    headers = headers or HEADERS
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(
    rows: list[dict[str, object]], encoding: str = "utf-8-sig", headers: list[str] | None = None
) -> bytes:
    headers = headers or HEADERS
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    for r in rows:
        writer.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return buf.getvalue().encode(encoding)


# ~10 rows: every kind of outcome, open cases, an on-site consultation, every channel and applicant kind.
VALID_ROWS = [
    row(
        "430S00-2025-00007",
        证件号码=PERSON_ID,
        联系电话="13807310001",
        办理结果="予以公开",
        答复日期="2025-03-20",
        涉及领域="征地拆迁",
        涉及地区="430121",
        信息年份起=2019,
        信息年份止="2020",
        申请人群体="被征地农民",
    ),
    row(
        "430S00-2025-00003",
        收到日期="2025/3/5",
        申请方式="邮寄",
        申请人类型="商业企业",
        申请人="湖南某建设有限公司",
        证件号码=COMPANY_ID,
        办理结果="（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        答复日期="2025年3月28日",
    ),
    row(
        "TZ-2025-003",
        收到日期=datetime(2025, 3, 6),  # an Excel date cell
        申请方式="网络",
        申请人类型="科研机构",
        申请人="某大学土地研究所",
        办理结果="不予公开/1.属于国家秘密",
        答复日期=date(2025, 4, 1),
    ),
    row(
        "TZ-2025-004",
        申请方式="传真",
        申请人类型="社会公益组织",
        申请人="某环保协会",
        办理结果="(四)无法提供 / 本机关不掌握相关政府信息",
        答复日期="2025-03-31",
    ),
    row(
        "TZ-2025-005",
        申请方式="平常信函",
        申请人类型="法律服务机构",
        申请人="某律师事务所",
        办理结果="不予处理/重复申请",
        答复日期="2025-04-15",
        延期天数=10,
        申请人群体="律师",
    ),
    row("TZ-2025-006", 办理结果="other.no_supplement", 答复日期="2025-04-30"),
    row(
        "TZ-2025-007",
        申请人类型="其他",
        申请人="某村民委员会",
        办理结果="其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        答复日期="2025-05-06",
    ),
    row("TZ-2025-008", 办理结果="其他处理/其他", 答复日期="2025-03-04"),
    row("TZ-2025-009", 收到日期="2025-09-26", 证件号码="430***********1234", 联系电话="138****0001"),
    row(
        "TZ-2025-010",
        现场查询="是",
        办理结果="予以公开",
        答复日期="2025-03-03",
        涉及领域="不动产登记",
    ),
    row("TZ-2025-011", 收到日期="2025-10-09", 现场查询="否", 涉及领域="征地拆迁"),
]


def load(rows: list[dict[str, object]], agency, name: str = "台账.xlsx"):
    data = xlsx(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return ledger.validate(ledger.read_rows(name, data), agency=agency)


def write(tmp_path, rows: list[dict[str, object]], name: str = "台账.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(xlsx(rows) if name.endswith(".xlsx") else csv_bytes(rows))
    return str(path)


# --- import -------------------------------------------------------------------------------------------


def test_valid_ledger_imports_every_outcome_in_its_final_state(tree):
    agency = tree["province"]
    clerk = staff(agency, "clerk")
    valid, errors = load(VALID_ROWS, agency)
    assert errors == []
    assert len(valid) == len(VALID_ROWS)

    result = ledger.import_rows(agency=agency, valid=valid, by=clerk, source_name="2025台账.xlsx")
    assert (result.created, result.skipped_existing) == (11, 0)
    assert (result.subjects_created, result.groups_created) == (2, 2)
    assert set(Subject.objects.values_list("name", flat=True)) == {"征地拆迁", "不动产登记"}
    assert set(ApplicantGroup.objects.values_list("name", flat=True)) == {"被征地农民", "律师"}

    apps = {a.number: a for a in Application.objects.filter(agency=agency)}
    expected = {
        "430S00-2025-00007": (Status.REPLIED, "disclosed"),
        "430S00-2025-00003": (Status.REPLIED, "partially_disclosed"),
        "TZ-2025-003": (Status.REPLIED, "withheld.state_secret"),
        "TZ-2025-004": (Status.REPLIED, "unavailable.not_held"),
        "TZ-2025-005": (Status.REPLIED, "not_processed.repeated"),
        "TZ-2025-006": (Status.CLOSED, "other.no_supplement"),
        "TZ-2025-007": (Status.CLOSED, "other.fee_unpaid"),
        "TZ-2025-008": (Status.WITHDRAWN, "other.other"),
        "TZ-2025-009": (Status.PROCESSING, ""),
        "TZ-2025-010": (Status.REPLIED, "disclosed"),
        "TZ-2025-011": (Status.PROCESSING, ""),
    }
    assert {n: (a.status, a.outcome) for n, a in apps.items()} == expected

    first = apps["430S00-2025-00007"]
    assert first.applicant_column == "natural_person" and first.channel == "in_person"
    assert first.id_type == "resident_id" and first.id_number == PERSON_ID
    assert first.phone == "13807310001"
    assert first.received_on == date(2025, 3, 3) and first.concluded_on == date(2025, 3, 20)
    assert first.submitted_at.astimezone(ZoneInfo("Asia/Shanghai")) == datetime(
        2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert first.subject.name == "征地拆迁" and first.applicant_group.name == "被征地农民"
    assert (first.region_code, first.info_year_from, first.info_year_to) == ("430121", 2019, 2020)

    company = apps["430S00-2025-00003"]
    assert company.applicant_column == "commercial_enterprise" and company.channel == "registered_post"
    assert company.id_type == "uscc" and company.id_number == COMPANY_ID
    assert company.received_on == date(2025, 3, 5) and company.concluded_on == date(2025, 3, 28)
    assert apps["TZ-2025-003"].received_on == date(2025, 3, 6)
    assert apps["TZ-2025-003"].concluded_on == date(2025, 4, 1)
    assert apps["TZ-2025-003"].applicant_column == "research_institution"
    assert apps["TZ-2025-003"].channel == "online"
    assert apps["TZ-2025-004"].channel == "fax"
    assert apps["TZ-2025-004"].applicant_column == "public_interest_org"
    assert apps["TZ-2025-005"].channel == "ordinary_letter"
    assert apps["TZ-2025-005"].applicant_column == "legal_service_org"
    assert apps["TZ-2025-005"].extension_days == 10
    assert apps["TZ-2025-007"].applicant_column == "other_org"
    assert apps["TZ-2025-010"].on_site is True and apps["TZ-2025-011"].on_site is False

    open_case = apps["TZ-2025-009"]
    assert open_case.concluded_on is None and open_case.due_on == date(2025, 10, 30)  # clock.md example
    assert (
        open_case.id_number == "" and open_case.id_type == "" and open_case.phone == ""
    )  # masked → not given

    events = CaseEvent.objects.filter(application__agency=agency)
    assert events.count() == 11
    assert set(events.values_list("verb", "reason")) == {("imported", "从台账 2025台账.xlsx 导入")}
    assert events.get(application=first).to_status == "replied" and events.first().actor == clerk

    # Numbers in the system's own format move the sequence: the next registration is 00008.
    assert Sequence.objects.get(scope="application:430S00", year=2025).last == 7
    audit = AuditEvent.objects.get(verb="ledger.import")
    assert audit.agency == agency and audit.actor == clerk
    assert audit.data["created"] == 11 and audit.data["skipped_existing"] == 0


def test_reimport_creates_nothing(tree):
    agency = tree["province"]
    valid, _ = load(VALID_ROWS, agency)
    ledger.import_rows(agency=agency, valid=valid, by=None, source_name="a.xlsx")
    again = ledger.import_rows(agency=agency, valid=valid, by=None, source_name="a.xlsx")
    assert (again.created, again.skipped_existing) == (0, 11)
    assert (again.subjects_created, again.groups_created) == (0, 0)
    assert Application.objects.count() == 11 and CaseEvent.objects.count() == 11
    assert ledger.count_existing(agency=agency, valid=valid) == 11


def test_sequence_is_never_lowered(tree, register):
    register(date(2025, 9, 26))
    Sequence.objects.filter(scope="application:430S00", year=2025).update(last=42)
    valid, _ = load([row("430S00-2025-00007")], tree["province"])
    ledger.import_rows(agency=tree["province"], valid=valid, by=None, source_name="a.xlsx")
    assert Sequence.objects.get(scope="application:430S00", year=2025).last == 42


def test_csv_utf8_bom_and_gb18030_and_english_headers(tree):
    agency = tree["province"]
    rows = VALID_ROWS[:3]
    for encoding in ("utf-8-sig", "utf-8", "gb18030"):
        valid, errors = ledger.validate(
            ledger.read_rows("台账.csv", csv_bytes(rows, encoding)), agency=agency
        )
        assert errors == [] and [r.number for r in valid] == [r["申请编号"] for r in rows]
        assert valid[2].received_on == date(2025, 3, 6)
    keys = [c.key for c in ledger.COLUMNS]
    english = [{c.key: r.get(c.header) for c in ledger.COLUMNS} for r in rows]
    valid, errors = ledger.validate(
        ledger.read_rows("a.csv", csv_bytes(english, headers=keys)), agency=agency
    )
    assert errors == [] and len(valid) == 3


def test_blank_rows_are_skipped_but_counted(tree):
    data = xlsx([row("A-1"), {}, row("A-2", 收到日期="bad")])
    rows = ledger.read_rows("a.xlsx", data)
    valid, errors = ledger.validate(rows, agency=tree["province"])
    assert [r.row for r in valid] == [2]
    assert [(e.row, e.column) for e in errors] == [(4, "收到日期")]


# --- invalid files ------------------------------------------------------------------------------------

INVALID_ROWS = [
    row("X-1", 证件号码=BAD_CHECK_ID),  # row 2
    row("X-2", 收到日期="2025-13-45"),  # row 3
    row("X-3", 办理结果="已经办好了", 答复日期="2025-03-10"),  # row 4
    row("X-4", 办理结果="予以公开", 答复日期="2025-03-01"),  # row 5: reply before receipt
    row("X-5", 受理机关="4301S0"),  # row 6: another agency
    row("X-1"),  # row 7: duplicate number
    row("X-7"),  # row 8: valid
    row("X-8", 申请人="", 办理结果="予以公开"),  # row 9: missing name, missing reply date
]
EXPECTED_ERRORS = [
    (2, "证件号码", "校验位"),
    (3, "收到日期", "不是有效日期"),
    (4, "办理结果", "无法识别的办理结果"),
    (5, "答复日期", "不能早于收到日期"),
    (6, "受理机关", "不是本机关"),
    (7, "申请编号", "与第 2 行重复"),
    (9, "申请人", "必填"),
    (9, "答复日期", "必须填写答复日期"),
]


def test_invalid_rows_each_reported_with_row_and_column(tree):
    valid, errors = load(INVALID_ROWS, tree["province"])
    assert [r.number for r in valid] == ["X-7"]
    assert len(errors) == len(EXPECTED_ERRORS)
    for error, (number, column, text) in zip(errors, EXPECTED_ERRORS, strict=True):
        assert (error.row, error.column) == (number, column)
        assert text in error.message, error
    assert str(errors[0]).startswith("第 2 行【证件号码】")


@pytest.mark.parametrize(
    ("values", "column", "text"),
    [
        ({"申请方式": "电话"}, "申请方式", "申请方式“电话”无效"),
        ({"申请人类型": "个人"}, "申请人类型", "申请人类型“个人”无效"),
        ({"申请人类型": "商业企业", "证件号码": "91430100MA4L000001"}, "证件号码", "统一社会信用代码"),
        ({"证件号码": "43012119680315003"}, "证件号码", "18 位"),
        ({"证件号码": "430121202602300012"}, "证件号码", "出生日期"),
        ({"现场查询": "也许"}, "现场查询", "是"),
        ({"延期天数": "25"}, "延期天数", "0–20"),
        ({"涉及地区": "长沙县"}, "涉及地区", "请填写6位行政区划代码"),
        ({"信息年份起": "2020", "信息年份止": "2019"}, "信息年份止", "不能早于"),
        ({"信息年份起": "19"}, "信息年份起", "4 位年份"),
        ({"信息年份止": "2999"}, "信息年份止", "晚于今年"),
        ({"收到日期": "2999-01-01"}, "收到日期", "晚于今天"),
        ({"答复日期": "2025-03-10"}, "答复日期", "未填写办理结果"),
        ({"办理结果": "不予公开", "答复日期": "2025-03-10"}, "办理结果", "须写明具体情形"),
        ({"办理结果": "其他处理", "答复日期": "2025-03-10"}, "办理结果", "2021 年起"),
    ],
)
def test_field_rules(tree, values, column, text):
    valid, errors = load([row("N-1", **values)], tree["province"])
    assert valid == []
    assert [(e.row, e.column) for e in errors] == [(2, column)]
    assert text in errors[0].message


def test_accepted_spellings(tree):
    rows = [
        row("S-1", 受理机关="湖南省自然资源厅", 证件号码=PERSON_ID[:-1] + PERSON_ID[-1].lower()),
        row("S-2", 收到日期="2025年3月3日", 办理结果="withheld.state_secret", 答复日期="2025/3/9"),
        row("S-3", 办理结果="（三）不予公开／属于国家秘密", 答复日期="2025-03-09"),
        row("S-4", 办理结果='不予公开/危及"三安全一稳定"', 答复日期="2025-03-09"),
        row("S-5", 申请人类型="商业企业", 证件号码="HK12345"),  # an organisation's other document
        row("S-6", 证件号码="H12345678"),  # 港澳居民来往内地通行证
        row("S-7", 证件号码="４３０１２１６８０３１５００３"),  # old 15-digit ID, full-width digits
        row("S-8", 延期天数="", 现场查询="", 涉及地区="４３０１２１"),
    ]
    valid, errors = load(rows, tree["province"])
    assert errors == []
    by = {r.number: r for r in valid}
    assert by["S-1"].id_number == PERSON_ID.upper()
    assert by["S-3"].outcome == by["S-2"].outcome == "withheld.state_secret"
    assert by["S-4"].outcome == "withheld.security_stability"
    assert (by["S-5"].id_type, by["S-6"].id_type, by["S-7"].id_type) == ("other", "hk_macao_permit", "other")
    assert by["S-8"].region_code == "430121"


def test_every_full_label_is_accepted():
    for o in outcomes.OUTCOMES:
        assert ledger.parse_outcome(outcomes.full_label(o.key), 2025) == o.key
        assert ledger.parse_outcome(o.key, 2025) == o.key


def test_2020_ledger_accepts_other_processing_alone(tree):
    rows = [row("2020-1", 收到日期="2020-06-01", 办理结果="其他处理", 答复日期="2020-06-20")]
    valid, errors = load(rows, tree["province"])
    assert errors == [] and valid[0].outcome == "other.other"
    ledger.import_rows(agency=tree["province"], valid=valid, by=None, source_name="2020.xlsx")
    app = Application.objects.get(number="2020-1")
    assert app.status == Status.WITHDRAWN and app.outcome == "other.other"


def test_unknown_header_is_named(tree):
    data = xlsx([row("A-1")], headers=[*HEADERS, "备注", "经办人"])
    with pytest.raises(ledger.LedgerError, match="未知的表头：备注、经办人"):
        ledger.read_rows("a.xlsx", data)


def test_missing_required_column(tree):
    data = xlsx([row("A-1")], headers=[h for h in HEADERS if h != "收到日期"])
    with pytest.raises(ledger.LedgerError, match="缺少必填列：收到日期"):
        ledger.read_rows("a.xlsx", data)


def test_header_only_and_optional_columns_may_be_absent(tree):
    required = [c.header for c in ledger.COLUMNS if c.required]
    valid, errors = ledger.validate(
        ledger.read_rows("a.xlsx", xlsx([row("A-1")], headers=required)), agency=tree["province"]
    )
    assert errors == [] and valid[0].outcome == ""
    assert ledger.read_rows("a.csv", csv_bytes([], headers=required)) == []


# --- hostile files ------------------------------------------------------------------------------------


def test_zip_bomb_is_refused_before_opening():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(101):
                entry.write(chunk)
    data = buf.getvalue()
    assert len(data) < 1024 * 1024  # small on disk
    with pytest.raises(ledger.LedgerError, match="超过 100 MB（疑似压缩炸弹）"):
        ledger.read_rows("bomb.xlsx", data)


def test_zip_with_too_many_entries_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for i in range(ledger.MAX_ENTRIES + 1):
            archive.writestr(f"x/{i}.xml", "")
    with pytest.raises(ledger.LedgerError, match="部件"):
        ledger.read_rows("many.xlsx", buf.getvalue())


@pytest.mark.parametrize(
    ("name", "data", "text"),
    [
        ("big.csv", b"a" * (ledger.MAX_BYTES + 1), "超过 10 MB"),
        ("fake.xlsx", b"MZ\x90\x00 not a workbook", "不是 XLSX"),
        ("broken.xlsx", b"PK\x03\x04 truncated", "无法解压"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "不支持旧版 .xls"),
        ("a.exe", b"MZ", "只能导入"),
        ("empty.csv", b"", "空"),
        ("latin.csv", "申请编号".encode("utf-16"), "编码"),
    ],
)
def test_other_unusable_files(name, data, text):
    with pytest.raises(ledger.LedgerError, match=text):
        ledger.read_rows(name, data)


# --- the import command -------------------------------------------------------------------------------


def test_command_imports_and_reports(tree, tmp_path):
    path = write(tmp_path, VALID_ROWS)
    out = io.StringIO()
    call_command("import", "ledger", path, "--agency", "430S00", stdout=out)
    assert Application.objects.filter(agency=tree["province"]).count() == 11
    text = out.getvalue()
    assert "共 11 行，无误 11 行" in text and "已导入 11 件" in text and "新增涉及领域 2 个" in text
    out = io.StringIO()
    call_command("import", "ledger", path, "--agency", "湖南省自然资源厅", stdout=out)
    assert "已导入 0 件，已存在而跳过 11 件" in out.getvalue()
    assert Application.objects.count() == 11


def test_command_with_errors_imports_nothing(tree, tmp_path):
    path = write(tmp_path, INVALID_ROWS)
    out = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import", "ledger", path, "--agency", "430S00", stdout=out)
    assert Application.objects.count() == 0 and not AuditEvent.objects.filter(verb="ledger.import").exists()
    text = out.getvalue()
    for number, column, message in EXPECTED_ERRORS:
        assert f"第 {number} 行【{column}】" in text and message in text


def test_command_valid_only_imports_the_valid_rows(tree, tmp_path):
    path = write(tmp_path, INVALID_ROWS)
    out = io.StringIO()
    call_command("import", "ledger", path, "--agency", "430S00", "--valid-only", stdout=out)
    assert list(Application.objects.values_list("number", flat=True)) == ["X-7"]
    assert "已导入 1 件" in out.getvalue() and "有错误的 7 行未导入" in out.getvalue()


def test_command_dry_run_imports_nothing(tree, tmp_path):
    path = write(tmp_path, VALID_ROWS, name="台账.csv")
    out = io.StringIO()
    call_command("import", "ledger", path, "--agency", "430S00", "--dry-run", stdout=out)
    assert Application.objects.count() == 0 and Subject.objects.count() == 0
    text = out.getvalue()
    assert "将导入 11 件" in text and "将新增涉及领域：不动产登记、征地拆迁" in text and "--dry-run" in text
    bad = write(tmp_path, INVALID_ROWS)
    with pytest.raises(CommandError):
        call_command("import", "ledger", bad, "--agency", "430S00", "--dry-run", stdout=io.StringIO())
    call_command(
        "import", "ledger", bad, "--agency", "430S00", "--dry-run", "--valid-only", stdout=io.StringIO()
    )
    assert Application.objects.count() == 0


def test_command_refuses_unknown_agency_and_file(tree, tmp_path):
    with pytest.raises(CommandError, match="找不到机关"):
        call_command(
            "import", "ledger", write(tmp_path, VALID_ROWS), "--agency", "NOPE", stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import", "ledger", str(tmp_path / "missing.xlsx"), "--agency", "430S00")
    bad = tmp_path / "h.xlsx"
    bad.write_bytes(xlsx([row("A")], headers=[*HEADERS, "备注"]))
    with pytest.raises(CommandError, match=r"h\.xlsx：未知的表头：备注"):
        call_command("import", "ledger", str(bad), "--agency", "430S00")


def test_cli_exit_status(tree, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test transaction's connection
    bad = write(tmp_path, INVALID_ROWS)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["import", "--skip-checks", "ledger", bad, "--agency", "430S00"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "第 2 行【证件号码】" in captured.out and "未导入任何数据" in captured.err
    good = write(tmp_path, VALID_ROWS)
    cli.main(["import", "--skip-checks", "ledger", good, "--agency", "430S00"])  # returns: exit status 0
    assert Application.objects.count() == 11


def test_large_import_shows_progress(tree, tmp_path):
    rows = [row(f"L-{i:04d}", 办理结果="予以公开", 答复日期="2025-03-10") for i in range(501)]
    path = write(tmp_path, rows, name="large.csv")
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "ledger", path, "--agency", "430S00", stdout=out, stderr=err)
    assert Application.objects.count() == 501 and "已导入 501 件" in out.getvalue()
    assert "501/501" in err.getvalue()


# --- export -------------------------------------------------------------------------------------------


def exported(agency, year=None) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(ledger.export_xlsx(agency=agency, year=year))).worksheets[0]


def test_export_writes_formulas_as_text_and_masks_ids(tree, register):
    app = register(date(2025, 9, 26), description='=HYPERLINK("http://x","y")')
    sheet = exported(tree["province"])
    header = [c.value for c in sheet[1]]
    assert header == HEADERS and all(c.font.b for c in sheet[1]) and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["I"].width == 50
    values = dict(zip(header, sheet[2], strict=True))
    cell = values["申请内容"]
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"
    assert values["证件号码"].value == app.id_number_masked == "430***********0032"
    assert "430121196803150032" not in ledger.export_xlsx(agency=tree["province"]).decode("latin-1")
    assert values["联系电话"].value == "138****0001"
    assert values["收到日期"].value == "2025-09-26" and values["收到日期"].data_type == "s"
    assert values["受理机关"].value == "湖南省自然资源厅" and values["办理结果"].value is None


def test_export_by_year(tree, register):
    register(date(2024, 12, 30))
    register(date(2025, 1, 2))
    assert exported(tree["province"], 2025).max_row == 2
    assert exported(tree["province"]).max_row == 3
    assert exported(tree["city_a"]).max_row == 1


def test_export_round_trip_into_another_agency(tree, tmp_path):
    province, city = tree["province"], tree["city_a"]
    valid, _ = load(VALID_ROWS, province)
    ledger.import_rows(agency=province, valid=valid, by=None, source_name="a.xlsx")
    sheet = exported(province)
    assert sheet.max_row == 12
    header = [c.value for c in sheet[1]]
    full_labels = {r[header.index("办理结果")] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert "（三）不予公开 / 1.属于国家秘密" in full_labels

    wb = openpyxl.load_workbook(io.BytesIO(ledger.export_xlsx(agency=province)))
    ws = wb.worksheets[0]
    for cells in ws.iter_rows(min_row=2):
        cells[header.index("受理机关")].value = "4301S0"
    buf = io.BytesIO()
    wb.save(buf)

    rows = ledger.read_rows("export.xlsx", buf.getvalue())
    again, errors = ledger.validate(rows, agency=city)
    assert errors == [] and len(again) == 11
    result = ledger.import_rows(agency=city, valid=again, by=None, source_name="export.xlsx")
    assert result.created == 11
    key = (
        "number",
        "status",
        "outcome",
        "applicant_column",
        "channel",
        "received_on",
        "concluded_on",
        "on_site",
    )
    assert sorted(Application.objects.filter(agency=city).values_list(*key)) == sorted(
        Application.objects.filter(agency=province).values_list(*key)
    )
    # The masked ID and phone numbers did not travel.
    assert set(Application.objects.filter(agency=city).values_list("id_type", flat=True)) == {""}
    assert not Sequence.objects.filter(scope="application:4301S0").exists()


def test_export_leaves_a_draft_outcome_out(tree, register, office):
    from gongkai.applications import services

    app = register(date(2025, 9, 26))
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_draft_reply(application=app, outcome="disclosed", text="x", by=office["officer"])
    app.refresh_from_db()
    assert app.status == Status.PENDING_APPROVAL and app.outcome == "disclosed"
    sheet = exported(tree["province"])
    values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert values["办理结果"] is None and values["答复日期"] is None
    rows = ledger.read_rows("x.xlsx", ledger.export_xlsx(agency=tree["province"]))
    assert ledger.validate(rows, agency=tree["province"])[1] == []


def test_source_name_is_sanitised_and_user_recorded(tree, tmp_path):
    clerk = staff(tree["province"], "clerk")
    valid, _ = load([row("A-1")], tree["province"])
    ledger.import_rows(
        agency=tree["province"], valid=valid, by=clerk, source_name="../../x/\u202efdp.xlsx\x00"
    )
    assert CaseEvent.objects.get().reason == "从台账 fdp.xlsx 导入"
    path = write(tmp_path, [row("A-2")])
    call_command(
        "import", "ledger", path, "--agency", "430S00", "--user", clerk.username, stdout=io.StringIO()
    )
    assert AuditEvent.objects.filter(verb="ledger.import", actor=clerk).count() == 2
    with pytest.raises(CommandError, match="找不到工作人员用户"):
        call_command("import", "ledger", path, "--agency", "430S00", "--user", "nobody")
