from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from stdnum.cn import ric, uscc

from gongkai.credit import records, services
from gongkai.credit.models import Decision
from gongkai.orgs.models import Role
from tests.factories import staff

TODAY = date(2026, 11, 25)


def org_code(prefix8: str, body8: str) -> str:
    code17 = prefix8 + body8 + records.org_code_check(body8)
    return code17 + uscc.calc_check_digit(code17)


def person_id(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


AUTHORITY_CODE = org_code("11430000", "00614005")
COMPANY_CODE = org_code("91430100", "MA4L0001")
PERSON_ID = person_id("43012119700312001")  # born 1970-03-12

AUTHORITY = {
    "authority_name": "湖南省自然资源厅",
    "authority_code": AUTHORITY_CODE,
    "source_name": "湖南省自然资源厅",
    "source_code": AUTHORITY_CODE,
}
COMPANY = {
    "party_type": "legal",
    "party_name": "长沙某置业有限公司",
    "uscc": COMPANY_CODE,
    "legal_rep": "邓某",
}
PERSON = {"party_type": "natural", "party_name": "张三丰", "id_type": "resident_id", "id_number": PERSON_ID}

LICENCE = {
    "document_title": "湖南省自然资源厅采矿权延续登记审批",
    "number": "湘自然资采延〔2025〕2号",
    "licence_category": "franchise",
    "licensing_action": "renew",
    "licence_name": "采矿许可证",
    "licence_number": "C4300002010057120065432",
    "content": "准予采矿权延续登记。",
    "decision_date": date(2025, 2, 26),
    "valid_from": date(2025, 2, 26),
    "valid_to": date(2031, 2, 25),
    **AUTHORITY,
}
PENALTY = {
    "number": "湘自然资罚〔2025〕9号",
    "violation_type": "非法占用土地",
    "facts": "当事人未经批准擅自占用集体土地680平方米。",
    "basis": "《中华人民共和国土地管理法》第七十七条第一款",
    "penalty_types": ["demolish", "fine"],
    "content": "责令退还非法占用的土地，限期拆除，并处罚款人民币13600元。",
    "fine": "13600",
    "decision_date": date(2025, 5, 27),
    **AUTHORITY,
}
COERCION = {
    "number": "湘自然资强〔2025〕1号",
    "coercion_category": "measure",
    "coercion_type": "seal",
    "facts": "涉嫌非法采矿，查封开采设备。",
    "basis": "《中华人民共和国行政强制法》第九条第（二）项",
    "content": "挖掘机2台。",
    "term_from": date(2025, 4, 2),
    "term_to": date(2025, 5, 1),
    "decision_date": date(2025, 4, 2),
    "coercion_state": "active",
    **AUTHORITY,
}
DATA = {"licensing": LICENCE, "penalty": PENALTY, "coercion": COERCION}


@pytest.fixture
def office(tree) -> dict[str, Any]:
    province = tree["province"]
    return {
        "agency": province,
        "publisher": staff(province, Role.PUBLISHER),
        "clerk": staff(province, Role.CLERK),
        "officer_free": staff(province, Role.REVIEWER),
    }


@pytest.fixture
def make(office):
    def make_decision(
        kind: str = "penalty", *, agency=None, publish: bool = False, **fields: Any
    ) -> Decision:
        party = fields.pop("party", COMPANY)
        data = {**party, **DATA[kind], **fields}
        decision = services.decision_save(
            agency=agency or office["agency"], kind=kind, data=data, by=office["publisher"], today=TODAY
        ).decision
        if publish:
            decision = services.decision_publish(decision, by=office["publisher"], today=TODAY)
        return decision

    return make_decision
