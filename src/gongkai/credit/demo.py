"""Demonstration 双公示 records: licences, penalties and coercive measures of the department (430S00)
over 2024–2026, and a few of the 长沙 bureau (4301S0).

Every name is a placeholder (``某``): no real company is said to have broken the law. Credit codes and ID
numbers are synthetic but pass their checks. Built through the services (validated, audited, published
on a date a few working days after the decision). Deterministic (fixed data, no randomness) and
idempotent (an agency that already has records is skipped).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from stdnum.cn import ric, uscc

from gongkai.credit import records, services
from gongkai.credit.models import Decision, Kind
from gongkai.orgs.models import Agency, Role, User

BEIJING = ZoneInfo("Asia/Shanghai")


def _org(prefix8: str, body8: str) -> str:
    """A synthetic credit code: division prefix + organisation code (with its GB 11714 check) + check."""
    code17 = prefix8 + body8 + records.org_code_check(body8)
    return code17 + uscc.calc_check_digit(code17)


def _person_id(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


DEPARTMENT = {"code": _org("11430000", "00614005"), "name": "湖南省自然资源厅"}
CHANGSHA = {"code": _org("11430100", "MB1D2736"), "name": "长沙市自然资源和规划局"}


def _company(
    n: int, name: str, rep: str, division: str = "430100", individual: bool = False
) -> dict[str, Any]:
    prefix = ("92" if individual else "91") + division
    return {
        "party_type": "individual" if individual else "legal",
        "party_name": name,
        "uscc": _org(prefix, f"MA4L{n:04d}"),
        "legal_rep": rep,
    }


def _person(name: str, prefix17: str, phone: str = "") -> dict[str, Any]:
    return {
        "party_type": "natural",
        "party_name": name,
        "id_type": "resident_id",
        "id_number": _person_id(prefix17),
        "contact_phone": phone,
    }


def _authority(agency: dict[str, str]) -> dict[str, str]:
    return {
        "authority_name": agency["name"],
        "authority_code": agency["code"],
        "source_name": agency["name"],
        "source_code": agency["code"],
    }


# (decision date, party, fields, state) — state: "published", "draft", "withdrawn:<reason>"
LICENCES: list[tuple[date, dict[str, Any], dict[str, Any], str]] = [
    (
        date(2024, 1, 18),
        _company(11, "郴州市某锡业有限公司", "王某明", "431000"),
        {
            "document_title": "湖南省自然资源厅采矿权延续登记审批",
            "number": "湘自然资采延〔2024〕3号",
            "licence_category": "franchise",
            "licensing_action": "renew",
            "licence_name": "采矿许可证",
            "licence_number": "C4300002009036120011021",
            "content": (
                "准予采矿权延续登记。开采矿种：锡矿；开采方式：地下开采；生产规模：9.00万吨/年；矿区面积："
                "2.1467平方公里。"
            ),
            "valid_from": date(2024, 1, 18),
            "valid_to": date(2030, 1, 17),
        },
        "published",
    ),
    (
        date(2024, 3, 7),
        _company(12, "衡阳某石材有限公司", "李某华", "430400"),
        {
            "document_title": "湖南省自然资源厅采矿权新立登记审批",
            "number": "湘自然资采新〔2024〕5号",
            "licence_category": "franchise",
            "licensing_action": "grant",
            "licence_name": "采矿许可证",
            "licence_number": "C4300002024036110000512",
            "content": (
                "准予新立采矿权。开采矿种：建筑用花岗岩；开采方式：露天开采；生产规模：100.00万吨/年；矿区面积"
                "：0.3125平方公里。"
            ),
            "valid_from": date(2024, 3, 7),
            "valid_to": date(2034, 3, 6),
        },
        "published",
    ),
    (
        date(2024, 5, 20),
        _company(13, "湖南某地质勘查有限公司", "周某", "430100"),
        {
            "document_title": "湖南省自然资源厅探矿权延续登记审批",
            "number": "湘自然资探延〔2024〕12号",
            "licence_category": "franchise",
            "licensing_action": "renew",
            "licence_name": "矿产资源勘查许可证",
            "licence_number": "T4300002008124010030611",
            "content": "准予探矿权延续登记，勘查矿种：金矿；勘查面积：18.36平方公里，扣减面积25%。",
            "valid_from": date(2024, 5, 20),
            "valid_to": date(2029, 5, 19),
        },
        "published",
    ),
    (
        date(2024, 8, 2),
        _company(14, "湖南某高速公路建设开发有限公司", "陈某", "430100"),
        {
            "document_title": "建设项目用地预审与选址意见书核发",
            "number": "用字第430000202400046号",
            "licence_category": "ordinary",
            "licensing_action": "grant",
            "licence_name": "建设项目用地预审与选址意见书",
            "licence_number": "用字第430000202400046号",
            "content": (
                "某高速公路某段建设项目，拟用地总面积 312.4567 公顷"
                "（其中农用地 280.1234 公顷、耕地 96.5432 公顷），选址符合国土空间规划。"
            ),
            "valid_from": date(2024, 8, 2),
            "valid_to": date(2027, 8, 1),
        },
        "published",
    ),
    (
        date(2024, 10, 15),
        _company(15, "湖南某测绘科技有限公司", "刘某", "430100"),
        {
            "document_title": "测绘资质审批（乙级）",
            "number": "湘测资字〔2024〕第0871号",
            "licence_category": "approval",
            "licensing_action": "grant",
            "licence_name": "测绘资质证书",
            "licence_number": "乙测资字43501234",
            "content": "准予乙级测绘资质，专业类别：工程测量、界线与不动产测绘。",
            "valid_from": date(2024, 10, 15),
            "valid_to": date(2029, 10, 14),
        },
        "published",
    ),
    (
        date(2024, 12, 9),
        _company(16, "岳阳某砂石有限公司", "吴某", "430600"),
        {
            "document_title": "湖南省自然资源厅采矿权注销登记",
            "number": "湘自然资采注〔2024〕9号",
            "licence_category": "registration",
            "licensing_action": "cancel",
            "licence_name": "采矿许可证",
            "licence_number": "C4306002012106130128765",
            "content": "采矿许可证有效期届满未申请延续，依法办理采矿权注销登记。",
            "valid_from": date(2012, 10, 9),
            "valid_to": date(2024, 10, 8),
        },
        "published",
    ),
    (
        date(2025, 2, 26),
        _company(17, "浏阳市某磷矿有限公司", "黄某强", "430181"),
        {
            "document_title": "湖南省自然资源厅采矿权延续登记审批",
            "number": "湘自然资采延〔2025〕2号",
            "licence_category": "franchise",
            "licensing_action": "renew",
            "licence_name": "采矿许可证",
            "licence_number": "C4300002010057120065432",
            "content": (
                "准予采矿权延续登记。开采矿种：磷矿；开采方式：地下开采；生产规模：15.00万吨/年；矿区面积："
                "1.0821平方公里。"
            ),
            "valid_from": date(2025, 2, 26),
            "valid_to": date(2031, 2, 25),
        },
        "published",
    ),
    (
        date(2025, 4, 11),
        _company(18, "湖南某新能源有限公司", "赵某", "430100"),
        {
            "document_title": "建设项目用地预审与选址意见书核发",
            "number": "用字第430000202500112号",
            "licence_category": "ordinary",
            "licensing_action": "grant",
            "licence_name": "建设项目用地预审与选址意见书",
            "licence_number": "用字第430000202500112号",
            "content": "某抽水蓄能电站建设项目，拟用地总面积 465.2100 公顷，不占用永久基本农田。",
            "valid_from": date(2025, 4, 11),
            "valid_to": date(2028, 4, 10),
        },
        "published",
    ),
    (
        date(2025, 6, 30),
        _company(19, "常德某矿业有限公司", "孙某", "430700"),
        {
            "document_title": "湖南省自然资源厅采矿权变更登记审批",
            "number": "湘自然资采变〔2025〕7号",
            "licence_category": "franchise",
            "licensing_action": "change",
            "licence_name": "采矿许可证",
            "licence_number": "C4300002011046130098123",
            "content": "准予变更采矿权人名称，其他登记事项不变。",
            "valid_from": date(2021, 4, 2),
            "valid_to": date(2031, 4, 1),
        },
        "published",
    ),
    (
        date(2025, 9, 17),
        _company(20, "娄底某煤业有限公司", "郑某", "431300"),
        {
            "document_title": "湖南省自然资源厅采矿权延续登记审批",
            "number": "湘自然资采延〔2025〕15号",
            "licence_category": "franchise",
            "licensing_action": "refuse",
            "licence_name": "采矿许可证",
            "licence_number": "C4300002008116120054321",
            "content": "申请延续的矿区范围与生态保护红线重叠，不予延续登记。",
        },
        "draft",
    ),
    (
        date(2026, 1, 13),
        _company(21, "郴州某氟化工矿业有限公司", "钱某", "431000"),
        {
            "document_title": "湖南省自然资源厅采矿权新立登记审批",
            "number": "湘自然资采新〔2026〕1号",
            "licence_category": "franchise",
            "licensing_action": "grant",
            "licence_name": "采矿许可证",
            "licence_number": "C4300002026016110001234",
            "content": (
                "准予新立采矿权。开采矿种：萤石；开采方式：地下开采；生产规模：6.00万吨/年；矿区面积：0.8760平"
                "方公里。"
            ),
            "valid_from": date(2026, 1, 13),
            "valid_to": date(2036, 1, 12),
        },
        "published",
    ),
    (
        date(2026, 3, 24),
        _company(22, "湖南某空间信息有限公司", "冯某", "430100"),
        {
            "document_title": "测绘资质审批（甲级）",
            "number": "湘测资字〔2026〕第0112号",
            "licence_category": "approval",
            "licensing_action": "grant",
            "licence_name": "测绘资质证书",
            "licence_number": "甲测资字43100876",
            "content": "准予甲级测绘资质，专业类别：摄影测量与遥感、地理信息系统工程。",
            "valid_from": date(2026, 3, 24),
            "valid_to": date(2031, 3, 23),
        },
        "published",
    ),
    (
        date(2026, 6, 8),
        _company(23, "湘潭某锰业有限公司", "何某", "430300"),
        {
            "document_title": "湖南省自然资源厅采矿权延续登记审批",
            "number": "湘自然资采延〔2026〕6号",
            "licence_category": "franchise",
            "licensing_action": "renew",
            "licence_name": "采矿许可证",
            "licence_number": "C4300002010087120076543",
            "content": "准予采矿权延续登记。开采矿种：锰矿；开采方式：地下开采；生产规模：12.00万吨/年。",
            "valid_from": date(2026, 6, 8),
            "valid_to": date(2032, 6, 7),
        },
        "published",
    ),
    (
        date(2026, 9, 2),
        _company(24, "湖南某城市建设投资有限公司", "罗某", "430100"),
        {
            "document_title": "建设项目用地预审与选址意见书核发",
            "number": "用字第430000202600087号",
            "licence_category": "ordinary",
            "licensing_action": "grant",
            "licence_name": "建设项目用地预审与选址意见书",
            "licence_number": "用字第430000202600087号",
            "content": "某城际铁路建设项目，拟用地总面积 128.7300 公顷。",
            "valid_from": date(2026, 9, 2),
            "valid_to": date(2029, 9, 1),
        },
        "published",
    ),
    (
        date(2026, 11, 18),
        _company(25, "永州某矿业有限公司", "唐某", "431100"),
        {
            "document_title": "湖南省自然资源厅采矿权延续登记审批",
            "number": "湘自然资采延〔2026〕14号",
            "licence_category": "franchise",
            "licensing_action": "renew",
            "licence_name": "采矿许可证",
            "licence_number": "C4300002012117120087123",
            "content": "准予采矿权延续登记。开采矿种：钨矿；开采方式：地下开采；生产规模：5.00万吨/年。",
            "valid_from": date(2026, 11, 18),
            "valid_to": date(2032, 11, 17),
        },
        "draft",
    ),
]

LAND_LAW_77 = "《中华人民共和国土地管理法》第七十七条第一款，《中华人民共和国土地管理法实施条例》第五十七条"
MINING_LAW = "《中华人民共和国矿产资源法》第三十九条，《中华人民共和国矿产资源法实施细则》第四十二条第一项"

PENALTIES: list[tuple[date, dict[str, Any], dict[str, Any], str]] = [
    (
        date(2024, 2, 27),
        _company(31, "长沙某置业有限公司", "邓某", "430121"),
        {
            "number": "湘自然资罚〔2024〕2号",
            "violation_type": "非法占用土地",
            "facts": (
                "当事人未经批准，于2023年5月擅自占用长沙县某镇某村集体土地12345.6平方米（其中耕地3210.5平方米"
                "）建设厂房及硬化场地，不符合国土空间规划。"
            ),
            "basis": LAND_LAW_77,
            "penalty_types": ["confiscate_buildings", "fine"],
            "content": (
                "责令退还非法占用的土地，没收在非法占用的土地上新建的建筑物和其他设施，并处罚款人民币370368元"
                "。"
            ),
            "fine": Decimal("370368.00"),
        },
        "published",
    ),
    (
        date(2024, 4, 16),
        _company(32, "邵东某采石场", "曾某", "430582", individual=True),
        {
            "number": "湘自然资罚〔2024〕7号",
            "violation_type": "未取得采矿许可证擅自采矿",
            "facts": (
                "当事人未取得采矿许可证，于2023年8月至12月在邵东市某镇某村擅自开采建筑用石灰岩约8650吨。"
            ),
            "basis": MINING_LAW,
            "penalty_types": ["confiscate_gains", "fine"],
            "content": "责令停止开采，没收违法所得人民币86500元，并处罚款人民币43250元。",
            "fine": Decimal("43250.00"),
            "confiscation": Decimal("86500.00"),
        },
        "published",
    ),
    (
        date(2024, 6, 5),
        _person("张某军", "43012119700312001", "13907311234"),
        {
            "number": "湘自然资罚〔2024〕11号",
            "violation_type": "农村村民未经批准非法占用土地建住宅",
            "facts": "当事人未经批准，擅自占用长沙县某镇某村耕地186平方米建设住宅。",
            "basis": "《中华人民共和国土地管理法》第七十八条第一款",
            "penalty_types": ["demolish"],
            "content": "责令退还非法占用的土地，限期十五日内拆除在非法占用的土地上新建的房屋。",
        },
        "published",
    ),
    (
        date(2024, 7, 23),
        _company(33, "湖南某建材有限公司", "彭某", "430200"),
        {
            "number": "湘自然资罚〔2024〕15号",
            "violation_type": "超越批准的矿区范围采矿",
            "facts": "当事人超越采矿许可证批准的矿区范围开采建筑用砂岩，越界开采量约21000吨。",
            "basis": (
                "《中华人民共和国矿产资源法》第四十条，《中华人民共和国矿产资源法实施细则》第四十二条第二项"
            ),
            "penalty_types": ["confiscate_gains", "fine"],
            "content": (
                "责令退回本矿区范围内开采，没收越界开采的违法所得人民币315000元，并处罚款人民币94500元。"
            ),
            "fine": Decimal("94500.00"),
            "confiscation": Decimal("315000.00"),
        },
        "withdrawn:该处罚决定已被湖南省人民政府行政复议决定撤销，责令重新作出。",
    ),
    (
        date(2024, 9, 10),
        _company(34, "湖南某地理信息有限公司", "蒋某", "430100"),
        {
            "number": "湘自然资罚〔2024〕19号",
            "violation_type": "未按照测绘成果资料的保管制度管理测绘成果资料",
            "facts": "当事人未按照规定建立测绘成果资料保管制度，涉密测绘成果存放于非涉密计算机。",
            "basis": "《中华人民共和国测绘法》第六十二条",
            "penalty_types": ["warning", "fine"],
            "content": "给予警告，责令改正，并处罚款人民币20000元。",
            "fine": Decimal("20000.00"),
        },
        "published",
    ),
    (
        date(2024, 11, 28),
        _company(35, "株洲某陶瓷原料有限公司", "蔡某", "430200"),
        {
            "number": "湘自然资罚〔2024〕23号",
            "violation_type": "破坏耕地",
            "facts": "当事人在某村耕地内挖土取土，破坏耕地种植条件，面积4800平方米。",
            "basis": "《中华人民共和国土地管理法》第七十五条，《中华人民共和国土地管理法实施条例》第五十六条",
            "penalty_types": ["fine"],
            "content": "责令限期改正，恢复种植条件，并处罚款人民币48000元。",
            "fine": Decimal("48000.00"),
        },
        "published",
    ),
    (
        date(2025, 1, 21),
        _company(36, "郴州某铅锌矿业有限公司", "贾某", "431000"),
        {
            "number": "湘自然资罚〔2025〕1号",
            "violation_type": "超越批准的矿区范围采矿，拒不退回",
            "facts": "当事人经责令退回后仍在批准的矿区范围外开采铅锌矿，情节严重。",
            "basis": (
                "《中华人民共和国矿产资源法》第四十条，《中华人民共和国矿产资源法实施细则》第四十二条第二项"
            ),
            "penalty_types": ["confiscate_gains", "fine", "revoke_licence"],
            "content": "没收违法所得人民币1268000元，并处罚款人民币380400元，吊销采矿许可证。",
            "fine": Decimal("380400.00"),
            "confiscation": Decimal("1268000.00"),
            "licence_affected": "采矿许可证 C4300002009106120045678",
            "credit_class": "serious",
        },
        "published",
    ),
    (
        date(2025, 3, 18),
        _company(37, "益阳某砂石开发有限公司", "丁某", "430900"),
        {
            "number": "湘自然资罚〔2025〕4号",
            "violation_type": "未取得采矿许可证擅自采矿",
            "facts": "当事人未取得采矿许可证，在资江某河段擅自开采河砂约5200立方米。",
            "basis": MINING_LAW,
            "penalty_types": ["confiscate_gains", "confiscate_property", "fine"],
            "content": "责令停止开采，没收采砂船一艘及违法所得人民币182000元，并处罚款人民币91000元。",
            "fine": Decimal("91000.00"),
            "confiscation": Decimal("212000.00"),
        },
        "published",
    ),
    (
        date(2025, 5, 27),
        _person("李某国", "43030219650818003", "13574001122"),
        {
            "number": "湘自然资罚〔2025〕9号",
            "violation_type": "非法占用土地",
            "facts": "当事人未经批准擅自占用湘潭市某区某村集体土地680平方米堆放建筑材料并硬化地面。",
            "basis": LAND_LAW_77,
            "penalty_types": ["demolish", "fine"],
            "content": "责令退还非法占用的土地，限期拆除硬化地面、恢复土地原状，并处罚款人民币13600元。",
            "fine": Decimal("13600.00"),
        },
        "published",
    ),
    (
        date(2025, 8, 14),
        _company(38, "湖南某房地产开发有限公司", "魏某", "430100"),
        {
            "number": "湘自然资罚〔2025〕14号",
            "violation_type": "非法占用永久基本农田",
            "facts": "当事人未经批准擅自占用永久基本农田2130平方米建设临时售楼部及停车场。",
            "basis": LAND_LAW_77,
            "penalty_types": ["demolish", "fine"],
            "content": (
                "责令退还非法占用的土地，限期拆除新建的建筑物和其他设施，恢复土地原状，并处罚款人民币106500元"
                "。"
            ),
            "fine": Decimal("106500.00"),
        },
        "published",
    ),
    (
        date(2025, 10, 22),
        _company(39, "怀化某石英砂有限公司", "薛某", "431200"),
        {
            "number": "湘自然资罚〔2025〕18号",
            "violation_type": "不按期提交年度报告、拒绝接受监督检查",
            "facts": "当事人拒绝自然资源主管部门对其矿产资源开发利用情况的监督检查。",
            "basis": "《矿产资源开采登记管理办法》第十八条",
            "penalty_types": ["warning"],
            "content": "给予警告，责令限期改正。",
        },
        "published",
    ),
    (
        date(2026, 2, 10),
        _company(40, "长沙某物流园开发有限公司", "叶某", "430100"),
        {
            "number": "湘自然资罚〔2026〕2号",
            "violation_type": "非法占用土地",
            "facts": "当事人未经批准擅自占用某村集体土地25600平方米建设仓储设施，其中耕地8700平方米。",
            "basis": LAND_LAW_77,
            "penalty_types": ["confiscate_buildings", "fine"],
            "content": (
                "责令退还非法占用的土地，没收在非法占用的土地上新建的建筑物和其他设施，并处罚款人民币768000元"
                "。"
            ),
            "fine": Decimal("768000.00"),
        },
        "published",
    ),
    (
        date(2026, 4, 21),
        _company(41, "衡阳某矿产品有限公司", "阎某", "430400"),
        {
            "number": "湘自然资罚〔2026〕6号",
            "violation_type": "未取得采矿许可证擅自采矿",
            "facts": "当事人未取得采矿许可证擅自开采萤石矿约1300吨。",
            "basis": "《中华人民共和国矿产资源法》第六十五条",
            "penalty_types": ["confiscate_gains", "fine"],
            "content": "责令停止开采，没收违法所得人民币156000元，并处罚款人民币78000元。",
            "fine": Decimal("78000.00"),
            "confiscation": Decimal("156000.00"),
        },
        "published",
    ),
    (
        date(2026, 7, 9),
        _person("王某华", "43018119780606002", ""),
        {
            "number": "湘自然资罚〔2026〕11号",
            "violation_type": "非法转让土地",
            "facts": "当事人将其承包经营的集体土地非法转让用于非农业建设，面积1150平方米。",
            "basis": "《中华人民共和国土地管理法》第七十四条",
            "penalty_types": ["confiscate_gains", "fine"],
            "content": "没收违法所得人民币46000元，并处罚款人民币23000元。",
            "fine": Decimal("23000.00"),
            "confiscation": Decimal("46000.00"),
        },
        "published",
    ),
    (
        date(2026, 9, 24),
        _company(42, "岳阳某港口开发有限公司", "余某", "430600"),
        {
            "number": "湘自然资罚〔2026〕15号",
            "violation_type": "非法占用土地",
            "facts": "当事人未经批准擅自占用某村林地和其他农用地9800平方米建设堆场。",
            "basis": LAND_LAW_77,
            "penalty_types": ["demolish", "fine"],
            "content": (
                "责令退还非法占用的土地，限期拆除新建的建筑物和其他设施，恢复土地原状，并处罚款人民币294000元"
                "。"
            ),
            "fine": Decimal("294000.00"),
        },
        "published",
    ),
    (
        date(2026, 11, 16),
        _company(43, "张家界某旅游开发有限公司", "潘某", "430800"),
        {
            "number": "湘自然资罚〔2026〕19号",
            "violation_type": "非法占用土地",
            "facts": "当事人未经批准擅自占用某村集体土地3400平方米建设停车场。",
            "basis": LAND_LAW_77,
            "penalty_types": ["demolish", "fine"],
            "content": "责令退还非法占用的土地，限期拆除停车场设施，恢复土地原状，并处罚款人民币68000元。",
            "fine": Decimal("68000.00"),
        },
        "draft",
    ),
]

COERCIONS: list[tuple[date, dict[str, Any], dict[str, Any], str]] = [
    (
        date(2024, 4, 2),
        _company(32, "邵东某采石场", "曾某", "430582", individual=True),
        {
            "number": "湘自然资强〔2024〕1号",
            "coercion_category": "measure",
            "coercion_type": "seal",
            "facts": "当事人涉嫌未取得采矿许可证擅自采矿，为防止证据损毁，对开采设备实施查封。",
            "basis": "《中华人民共和国矿产资源法》，《中华人民共和国行政强制法》第九条第（二）项、第二十二条",
            "content": "挖掘机2台、破碎机1台、装载机1台（详见查封清单）。",
            "term_from": date(2024, 4, 2),
            "term_to": date(2024, 5, 1),
            "coercion_state": "lifted",
            "lifted_on": date(2024, 4, 17),
            "result": "作出行政处罚决定后解除查封。",
        },
        "published",
    ),
    (
        date(2025, 11, 4),
        _company(37, "益阳某砂石开发有限公司", "丁某", "430900"),
        {
            "number": "湘自然资强〔2025〕3号",
            "coercion_category": "execution",
            "coercion_type": "additional_fine",
            "facts": "当事人到期不缴纳罚款人民币91000元，依法加处罚款。",
            "basis": (
                "《中华人民共和国行政处罚法》第七十二条第一款第（一）项，《中华人民共和国行政强制法》第四十五"
                "条"
            ),
            "content": "每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款本数。",
            "execution_date": date(2025, 11, 4),
            "coercion_state": "done",
        },
        "published",
    ),
    (
        date(2026, 8, 18),
        _company(41, "衡阳某矿产品有限公司", "阎某", "430400"),
        {
            "number": "湘自然资强〔2026〕2号",
            "coercion_category": "measure",
            "coercion_type": "seize",
            "facts": "当事人涉嫌非法开采萤石矿，为防止违法所得的矿产品被转移，依法扣押。",
            "basis": "《中华人民共和国行政强制法》第九条第（三）项、第二十二条",
            "content": "萤石原矿约320吨（详见扣押清单）。",
            "term_from": date(2026, 8, 18),
            "term_to": date(2026, 9, 16),
            "coercion_state": "lifted",
            "lifted_on": date(2026, 9, 10),
            "result": "依法没收。",
        },
        "published",
    ),
]

CHANGSHA_RECORDS: list[tuple[str, date, dict[str, Any], dict[str, Any], str]] = [
    (
        Kind.LICENSING,
        date(2025, 3, 12),
        _company(51, "长沙某科技园开发有限公司", "任某", "430100"),
        {
            "document_title": "建设用地规划许可证核发",
            "number": "地字第430100202500031号",
            "licence_category": "ordinary",
            "licensing_action": "grant",
            "licence_name": "建设用地规划许可证",
            "licence_number": "地字第430100202500031号",
            "content": "某科技园二期项目，用地面积 56789.1 平方米，用地性质：工业用地。",
            "valid_from": date(2025, 3, 12),
            "valid_to": date(2026, 3, 11),
        },
        "published",
    ),
    (
        Kind.LICENSING,
        date(2025, 9, 3),
        _company(52, "长沙某教育投资有限公司", "姜某", "430100"),
        {
            "document_title": "建设用地规划许可证核发",
            "number": "地字第430100202500208号",
            "licence_category": "ordinary",
            "licensing_action": "grant",
            "licence_name": "建设用地规划许可证",
            "licence_number": "地字第430100202500208号",
            "content": "某中学新建项目，用地面积 43210.5 平方米，用地性质：中小学用地。",
            "valid_from": date(2025, 9, 3),
            "valid_to": date(2026, 9, 2),
        },
        "published",
    ),
    (
        Kind.LICENSING,
        date(2026, 5, 19),
        _person("周某平", "43012119800214005"),
        {
            "document_title": "乡村建设规划许可证核发",
            "number": "乡字第430121202600057号",
            "licence_category": "ordinary",
            "licensing_action": "grant",
            "licence_name": "乡村建设规划许可证",
            "licence_number": "乡字第430121202600057号",
            "content": "村民住宅新建，占地面积 120 平方米，建筑层数 3 层。",
            "valid_from": date(2026, 5, 19),
            "valid_to": date(2028, 5, 18),
        },
        "published",
    ),
    (
        Kind.PENALTY,
        date(2025, 7, 8),
        _company(53, "长沙某混凝土有限公司", "方某", "430100"),
        {
            "number": "长自然资规罚〔2025〕21号",
            "violation_type": "非法占用土地",
            "facts": "当事人未经批准擅自占用集体土地4500平方米建设搅拌站。",
            "basis": LAND_LAW_77,
            "penalty_types": ["demolish", "fine"],
            "content": "责令退还非法占用的土地，限期拆除新建的建筑物和其他设施，并处罚款人民币135000元。",
            "fine": Decimal("135000.00"),
        },
        "published",
    ),
    (
        Kind.PENALTY,
        date(2026, 10, 13),
        _company(54, "长沙某建设工程有限公司", "石某", "430100"),
        {
            "number": "长自然资规罚〔2026〕33号",
            "violation_type": "未取得建设工程规划许可证进行建设",
            "facts": "当事人未取得建设工程规划许可证擅自建设临时厂房，建筑面积1800平方米。",
            "basis": "《中华人民共和国城乡规划法》第六十四条",
            "penalty_types": ["fine"],
            "content": "责令停止建设，限期改正，并处建设工程造价百分之八的罚款人民币57600元。",
            "fine": Decimal("57600.00"),
        },
        "published",
    ),
]


def _publish_at(decision_date: date, days: int = 3) -> datetime:
    """A publication a few days after the decision, on a weekday, at 10:00 Beijing time."""
    day = decision_date + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=BEIJING)


def _make(
    agency: Agency,
    kind: str,
    when: date,
    party: dict[str, Any],
    fields: dict[str, Any],
    state: str,
    authority: dict[str, str],
    by: Any,
    today: date,
) -> bool:
    if when > today:
        return False
    data = {**party, **fields, **_authority(authority), "decision_date": when}
    decision = services.decision_save(agency=agency, kind=kind, data=data, by=by, today=today).decision
    if state == "draft" or decision.blocks_publication:
        return True
    published = _publish_at(when)
    services.decision_publish(decision, by=by, at=min(published, timezone.now()), today=today)
    if state.startswith("withdrawn:"):
        services.decision_withdraw(
            decision,
            by=by,
            reason=state.split(":", 1)[1],
            basis="湘政复决字〔2024〕第318号",
            at=min(_publish_at(when, 75), timezone.now()),
        )
    return True


def load(out: Any) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    made = 0
    province = Agency.objects.filter(code="430S00").first()
    if province is not None and not Decision.objects.filter(agency=province).exists():
        by = User.objects.filter(memberships__agency=province, memberships__role=Role.PUBLISHER).first()
        for kind, rows in ((Kind.LICENSING, LICENCES), (Kind.PENALTY, PENALTIES), (Kind.COERCION, COERCIONS)):
            for when, party, fields, state in rows:
                made += _make(province, kind, when, party, fields, state, DEPARTMENT, by, today)
    changsha = Agency.objects.filter(code="4301S0").first()
    if changsha is not None and not Decision.objects.filter(agency=changsha).exists():
        by = User.objects.filter(memberships__agency=changsha, memberships__role=Role.CLERK).first()
        for record_kind, when, party, fields, state in CHANGSHA_RECORDS:
            made += _make(changsha, record_kind, when, party, fields, state, CHANGSHA, by, today)
    out.write(f"双公示信息 {Decision.objects.count()} 条（本次新建 {made} 条）。")
    return []
