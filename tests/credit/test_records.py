"""The pure rules of 双公示 records: checks, masks, periods, cells. No database."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from gongkai.credit import records
from tests.credit.conftest import AUTHORITY, COERCION, COMPANY, LICENCE, PENALTY, PERSON, TODAY, person_id

GOOD_USCC = ["91350100M000100Y43", "11441700007280420Y", "11420000MB15291767", "91430100MA4L0000T0"]
BAD_USCC = {
    "91350100M000100Y4Z": "18 位数字或大写字母",  # Z is not in the 31-character set
    "91350100M000100Y44": "校验码不正确",
    "91350100M000100Y4": "18 位",
}
GOOD_IDS = ["11010519491231002X", "440524188001010014", "11010519491231002x"]
BAD_IDS = {
    "110105194912310021": "校验位不正确",
    "11010519491231002Y": "18 位",
    "110105202602300012": "出生日期无效",
    "99010519491231002X": "省级地区码",
    "1101051949123100": "18 位",
}


def checked(kind: str, **values):
    base = {"licensing": LICENCE, "penalty": PENALTY, "coercion": COERCION}[kind]
    data = {**COMPANY, **base, **values}
    if data.get("fine") is not None and not isinstance(data["fine"], Decimal):
        data["fine"] = Decimal(str(data["fine"]))
    return records.check(kind, data, today=TODAY)


def messages(result) -> str:
    return " ".join(p.message for p in result.errors)


@pytest.mark.parametrize("code", GOOD_USCC)
def test_good_credit_codes(code):
    assert records.check_uscc(code)[0] == code
    result = checked("licensing", uscc=code)
    assert "uscc" not in result.by_key()


@pytest.mark.parametrize(("code", "message"), BAD_USCC.items())
def test_bad_credit_codes_name_the_field(code, message):
    result = checked("licensing", uscc=code)
    assert message in " ".join(result.by_key()["uscc"])
    assert "统一社会信用代码" in result.by_key()["uscc"][0]


def test_credit_code_is_normalised():
    result = checked("penalty", uscc=" 9135 0100-M000 100Y43 ")
    assert result.ok and result.values["uscc"] == "91350100M000100Y43"
    full_width = checked("penalty", uscc="９１３５０１００Ｍ０００１００Ｙ４３")
    assert full_width.values["uscc"] == "91350100M000100Y43"


def test_organisation_code_inside_the_credit_code_is_only_a_warning():
    # A valid credit-code check character over an organisation code whose own check is wrong.
    from stdnum.cn import uscc

    body = "91430100MA4L00012"  # the organisation code's own check of MA4L0001 is 1, not 2
    assert records.org_code_check("MA4L0001") == "1"
    code = body + uscc.calc_check_digit(body)
    result = checked("penalty", uscc=code)
    assert result.ok
    assert any("组织机构代码" in w.message for w in result.warnings)


@pytest.mark.parametrize("number", GOOD_IDS)
def test_good_resident_ids(number):
    result = checked("penalty", **PERSON | {"id_number": number, "uscc": "", "legal_rep": ""})
    assert result.ok, messages(result)
    assert result.values["id_number"] == number.upper()


@pytest.mark.parametrize(("number", "message"), BAD_IDS.items())
def test_bad_resident_ids(number, message):
    result = checked("penalty", **PERSON | {"id_number": number, "uscc": "", "legal_rep": ""})
    errors = result.by_key()["id_number"]
    assert message in errors[0] and errors[0].startswith("证件号码")


def test_legacy_fifteen_digit_id_is_converted():
    assert records.check_resident_id("110105491231002") == "11010519491231002X"


def test_natural_person_needs_id_and_no_organisation_codes():
    result = checked("penalty", party_type="natural", party_name="张三丰", uscc="", legal_rep="")
    keys = result.by_key()
    assert "行政相对人为自然人时请填写证件类型。" in keys["id_type"]
    assert "行政相对人为自然人时请填写证件号码。" in keys["id_number"]
    with_code = checked("penalty", **PERSON)  # COMPANY's uscc and legal_rep still there
    assert "行政相对人为自然人时不填写行政相对人代码_1(统一社会信用代码)。" in with_code.by_key()["uscc"]
    assert "legal_rep" in with_code.by_key()


def test_organisation_needs_code_and_representative_and_no_person_id():
    result = checked(
        "licensing", uscc="", legal_rep="", id_type="resident_id", id_number=person_id("43012119700312001")
    )
    keys = result.by_key()
    assert "统一社会信用代码" in keys["uscc"][0]
    assert "法定代表人" in keys["legal_rep"][0]
    assert "不填写证件类型和证件号码" in keys["id_number"][0]


def test_individual_business_code_prefix_is_a_warning():
    result = checked("penalty", party_type="individual")
    assert result.ok
    assert any("92" in w.message for w in result.warnings)


def test_required_fields_of_each_kind():
    for kind, key, header in (
        ("licensing", "document_title", "行政许可决定文书名称"),
        ("licensing", "valid_to", "有效期至"),
        ("penalty", "violation_type", "违法行为类型"),
        ("penalty", "basis", "处罚依据"),
        ("coercion", "coercion_state", "当前状态"),
    ):
        result = checked(kind, **{key: None if key == "valid_to" else ""})
        assert f"请填写{header}。" in result.by_key()[key], (kind, key)


def test_dates_in_order():
    assert (
        "有效期至不能早于有效期自。" in checked("licensing", valid_to=date(2024, 1, 1)).by_key()["valid_to"]
    )
    future = checked("penalty", decision_date=date(2026, 12, 1))
    assert "处罚决定日期不能晚于今天。" in future.by_key()["decision_date"]
    long_seal = checked("coercion", term_to=date(2025, 6, 10))
    assert "三十日" in long_seal.by_key()["term_to"][0]
    lifted = checked("coercion", coercion_state="lifted")
    assert "解除日期" in lifted.by_key()["lifted_on"][0]
    early = checked("penalty", effective_until=date(2025, 1, 1))
    assert "处罚有效期不能早于处罚决定日期。" in early.by_key()["effective_until"]


def test_cancelled_licence_may_have_expired_before_the_decision():
    result = checked(
        "licensing", licensing_action="cancel", valid_from=date(2012, 1, 1), valid_to=date(2024, 10, 8)
    )
    assert result.ok, messages(result)
    assert result.values["licence_state"] == "invalid"
    granted = checked(
        "licensing", licensing_action="grant", valid_from=date(2012, 1, 1), valid_to=date(2024, 10, 8)
    )
    assert "valid_to" in granted.by_key()


def test_licence_category_other_needs_a_remark():
    assert "remarks" in checked("licensing", licence_category="other").by_key()
    assert checked("licensing", licence_category="other", remarks="备案类").ok


def test_penalty_types_are_parsed_and_checked():
    assert records.parse_penalty_types("罚款、没收违法所得；警告") == ["warning", "fine", "confiscate_gains"]
    assert records.parse_penalty_types("fine|other") == ["fine", "other"]
    assert records.parse_penalty_types("没收违法所得、没收非法财物") == [
        "confiscate_gains",
        "confiscate_property",
    ]
    with pytest.raises(ValueError, match="处罚类别“罚金”无法识别"):
        records.parse_penalty_types("罚款、罚金")
    assert "请填写处罚类别。" in checked("penalty", penalty_types=[]).by_key()["penalty_types"]
    assert "请填写罚款金额" in checked("penalty", fine=None).by_key()["fine"][0]
    no_fine_type = checked("penalty", penalty_types=["demolish"])
    assert "应包含“罚款”" in no_fine_type.by_key()["penalty_types"][0]
    revoked = checked("penalty", penalty_types=["fine", "revoke_licence"])
    assert "licence_affected" in revoked.by_key()
    assert (
        "处罚类别代码无效" in checked("penalty", penalty_types=["fine", "bogus"]).by_key()["penalty_types"][0]
    )


def test_penalty_defaults_come_from_the_rule_in_force():
    result = checked("penalty")
    assert result.ok
    assert result.values["credit_class"] == "general"
    # 2025-05-27 is under L58: at most 3 years.
    assert result.values["publicity_until"] == date(2028, 5, 27)
    assert result.values["effective_until"] == result.values["publicity_until"]
    serious = checked("penalty", penalty_types=["fine", "revoke_licence"], licence_affected="采矿许可证 C1")
    assert serious.values["credit_class"] == "serious"


def test_publicity_periods_and_month_arithmetic():
    assert records.add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert records.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert records.publicity_period(date(2026, 1, 31), "general") == (date(2026, 4, 30), date(2029, 1, 31))
    assert records.publicity_period(date(2026, 4, 1), "general") == (date(2026, 7, 1), date(2027, 4, 1))
    assert records.publicity_period(date(2026, 5, 1), "serious") == (date(2027, 5, 1), date(2029, 5, 1))
    assert records.publicity_period(date(2026, 5, 1), "minor") == (None, date(2026, 8, 1))
    assert records.publicity_period(date(2020, 3, 1), "serious") == (date(2020, 9, 1), date(2023, 3, 1))
    assert records.suggested_credit_class(["warning"]) == "minor"
    assert records.suggested_credit_class(["warning", "fine"]) == "general"


def test_coercion_type_must_belong_to_its_category():
    result = checked("coercion", coercion_category="execution", coercion_type="seal")
    assert "行政强制执行的强制种类应为" in result.by_key()["coercion_type"][0]


def test_parse_row_reads_dates_amounts_and_words():
    values, problems = records.parse_row(
        "penalty",
        {
            "party_type": "法人和其他组织",
            "decision_date": "2025年5月27日",
            "fine": "1.36",
            "penalty_types": "限期拆除、罚款",
            "id_type": "其他-军官证",
        },
    )
    assert not problems
    assert values["party_type"] == "legal" and values["decision_date"] == date(2025, 5, 27)
    assert values["fine"] == Decimal("13600.00")
    assert values["penalty_types"] == ["fine", "demolish"]
    assert values["id_type"] == "other" and values["id_type_note"] == "军官证"
    values, problems = records.parse_row("licensing", {"valid_to": "长期", "decision_date": "2025-02-30"})
    assert values["valid_to"] == date(2099, 12, 31)
    assert [p.key for p in problems] == ["decision_date"] and "没有这一天" in problems[0].message
    _values, problems = records.parse_row("penalty", {"fine": "1.1234567"})
    assert "6 位小数" in problems[0].message


def test_masks():
    assert records.mask_name("张三丰") == "张**"
    assert records.mask_name("欧阳明") == "欧**"  # compound surnames are not detected (known limitation)
    assert records.mask_name("𠀀明") == "𠀀*"  # Extension B counts as one character
    assert records.mask_id("11010519491231002X") == "1101**********002X"
    text = "当事人张三丰（身份证号11010519491231002X，电话13907311234）占用土地；单位代码91350100M000100Y43。"
    public = records.redact_text(text, names=["张三丰"])
    assert "11010519491231002X" not in public and "13907311234" not in public and "张三丰" not in public
    assert "1101**********002X" in public and "139****1234" in public and "张**" in public
    assert "91350100M000100Y43" in public  # a credit code is public


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)), st.integers(0, 999))
def test_redaction_never_leaves_a_resident_id(born, sequence):
    body = f"430121{born:%Y%m%d}{sequence:03d}"
    number = body + ric.calc_check_digit(body + "0")
    public = records.redact_text(f"号码{number}。", names=())
    assert number not in public
    assert records.mask_id(number) in public


def test_export_cells_in_national_order_and_masked():
    values = records.check("penalty", {**PERSON, **PENALTY, "fine": Decimal("13600")}, today=TODAY).values
    cells = records.export_cells("penalty", values, today=TODAY)
    headers = records.headers("penalty")
    row = dict(zip(headers, cells, strict=True))
    assert row["行政相对人名称"] == "张三丰" and row["证件号码"] == PERSON["id_number"]
    assert row["证件类型"] == "身份证" and row["行政相对人类别"] == "自然人"
    assert row["罚款金额（万元）"] == "1.36"
    assert row["处罚类别"] == "罚款、限期拆除"
    assert row["处罚决定日期"] == "2025-05-27"
    masked = dict(
        zip(headers, records.export_cells("penalty", values, today=TODAY, masked=True), strict=True)
    )
    assert masked["行政相对人名称"] == "张**" and PERSON["id_number"] not in masked["证件号码"]


def test_national_headers_and_order():
    subject = records.headers("licensing")[:13]
    assert subject[0] == "行政相对人名称" and subject[2] == "行政相对人代码_1(统一社会信用代码)"
    assert subject[12] == "证件号码"
    assert records.headers("penalty")[:13] == subject == records.headers("coercion")[:13]
    licensing = [f.header for f in records.fields_for("licensing") if f.national]
    assert len(licensing) == 28 and licensing[13] == "行政许可决定文书名称" and licensing[-1] == "备注"
    penalty = [f.header for f in records.fields_for("penalty") if f.national]
    assert len(penalty) == 30 and penalty[13] == "行政处罚决定书文号" and penalty[19] == "罚款金额（万元）"
    assert records.header_key("penalty", " 罚款金额(万元) ") == "fine"
    assert records.header_key("penalty", "法定代表人证件号码") == "legal_rep_id_number"
    assert records.header_key("licensing", "处罚类别") is None


def test_wan_yuan():
    assert records.wan_yuan(Decimal("370368")) == "37.0368"
    assert records.wan_yuan(Decimal("50000")) == "5"
    assert records.wan_yuan(Decimal("0.05")) == "0.000005"
    assert records.wan_yuan(None) == ""


def test_records_module_imports_no_django():
    code = (
        "import sys; import gongkai.credit.records; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_authority_codes_are_checked():
    result = checked("penalty", authority_code="11430000006140055F")
    assert "处罚机关统一社会信用代码" in result.by_key()["authority_code"][0]
    assert AUTHORITY["authority_code"] == result.values["source_code"]
