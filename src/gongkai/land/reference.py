# ruff: noqa: E501  (long Chinese legal citations and demo rows read better unbroken)
"""The documents every expropriation project must show, as seeded reference data (land.md §2.2).

Staff (administrators) edit the rows afterwards in the admin: a province may lengthen a period or add a
document, never go below the national floor. Tags: V verified against the primary text, S secondary
sources, M unverified, P proposed by this system (see land.md §0).
"""

from __future__ import annotations

from typing import Any

REG = "《中华人民共和国土地管理法实施条例》（国务院令第743号，2021年9月1日起施行）"
LAL = "《中华人民共和国土地管理法》（2019年修正，2020年1月1日起施行）"
OGI = "《中华人民共和国政府信息公开条例》第二十六条"

REQUIREMENTS: list[dict[str, Any]] = [
    {
        "key": "pre_notice",
        "name": "征收土地预公告",
        "anchor": "before_approval",
        "posting_min_days": 10,
        "posting_unit": "wd",
        "basis": f"{REG}第二十六条第一款、第二款：预公告内容包括征收范围、征收目的、开展土地现状调查的安排等，"
        f"预公告时间不少于十个工作日。网上公开时限：{OGI}（形成之日起20个工作日）。",
        "source_tag": "V",
        "regimes": "reg2021",
    },
    {
        "key": "comp_notice",
        "name": "征地补偿安置公告",
        "anchor": "before_approval",
        "posting_min_days": 30,
        "posting_unit": "cd",
        "basis": f"{LAL}第四十七条第二款（公告至少三十日）；{REG}第二十七条、第二十八条（公告时间不少于三十日，"
        f"载明办理补偿登记的方式和期限、异议反馈渠道等）。",
        "source_tag": "V",
        "regimes": "transition_2020,reg2021",
    },
    {
        "key": "registration",
        "name": "征地补偿登记结果",
        "anchor": "before_approval",
        "basis": f"{LAL}第四十七条第四款（拟征收土地的所有权人、使用权人在公告规定期限内办理补偿登记）。"
        "公开登记结果（汇总）为本系统的建议做法，不含个人信息。",
        "source_tag": "P",
        "regimes": "reg2021",
    },
    {
        "key": "agreement_stats",
        "name": "征地补偿安置协议签订情况",
        "anchor": "before_approval",
        "basis": f"{REG}第二十九条（签订征地补偿安置协议）。只公开汇总数字（已签订/应签订），个人协议含个人信息不上网。",
        "source_tag": "P",
        "regimes": "transition_2020,reg2021",
    },
    {
        "key": "approval",
        "name": "农用地转用和土地征收批准文件（批复）",
        "anchor": "after_approval",
        "basis": f"{LAL}第四十六条、第四十七条第一款。网上公开时限参照四川、安徽2017年做法（省政府批准的，批准之日起"
        "20个工作日内），来源为二手资料。",
        "source_tag": "S",
        "regimes": "pre2020,transition_2020,reg2021",
    },
    {
        "key": "expropriation_notice",
        "name": "征收土地公告",
        "anchor": "after_approval",
        "limit_days": 15,
        "limit_unit": "wd",
        "basis": f"{LAL}第四十七条第一款；{REG}第三十一条：自收到批准文件之日起十五个工作日内在拟征收土地所在的"
        "乡（镇）和村、村民小组范围内发布征收土地公告，公布征收范围、征收时间等具体工作安排。",
        "source_tag": "V",
        "regimes": "reg2021",
    },
    {
        "key": "pre2020_notice",
        "name": "征收土地方案公告",
        "anchor": "after_approval",
        "limit_days": 10,
        "limit_unit": "wd",
        "basis": "《征收土地公告办法》（国土资源部令第10号）第四条：收到批准文件之日起10个工作日内公告（二手资料）。",
        "source_tag": "S",
        "regimes": "pre2020",
    },
    {
        "key": "pre2020_comp_notice",
        "name": "征地补偿安置方案公告（2020年以前）",
        "anchor": "after_approval",
        "basis": "《征收土地公告办法》（国土资源部令第10号）。具体期限未核实。",
        "source_tag": "M",
        "regimes": "pre2020",
    },
    {
        "key": "payment_status",
        "name": "征地补偿费用支付情况",
        "anchor": "after_approval",
        "basis": f"{LAL}第四十八条第二款；{REG}第三十二条（依法及时足额支付）。国家层面无天数；起算日（足额支付之日）"
        "尚未记录，暂不纳入检查。",
        "source_tag": "V",
        "regimes": "pre2020,transition_2020,reg2021",
        "active": False,
    },
]


def seed(model: Any) -> int:
    """Create the rows that do not exist yet (by key); edited rows are left as they are."""
    made = 0
    for position, row in enumerate(REQUIREMENTS, start=1):
        _obj, created = model.objects.get_or_create(
            key=row["key"], defaults={**row, "position": position * 10}
        )
        made += created
    return made
