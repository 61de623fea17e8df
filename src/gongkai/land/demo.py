# ruff: noqa: E501  (long Chinese legal citations and demo rows read better unbroken)
"""Demonstration land-expropriation data: places down to villages in six counties of three cities, twelve
projects approved from 2025Q3 to 2026Q3 (some complete, some late, some with documents missing), every
document published as a 征地信息 item through the publishing workflow, and the 2026Q3 通报 published.

Township and village codes here are *local* codes (flagged), not checked against the NBS tables."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from gongkai.land import rules, services
from gongkai.land.models import Disclosure, ExpropriationProject, Place, PlaceLevel, QuarterlyNotice
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Agency, Role, User, UserKind
from gongkai.publishing import services as publishing

TZ = ZoneInfo("Asia/Shanghai")

CITIES = [("430100", "长沙市"), ("430200", "株洲市"), ("430500", "邵阳市")]
COUNTIES = [
    ("430100", "430121", "长沙县"),
    ("430100", "430181", "浏阳市"),
    ("430100", "430182", "宁乡市"),
    ("430200", "430281", "醴陵市"),
    ("430200", "430223", "攸县"),
    ("430500", "430582", "邵东市"),
    ("430500", "430522", "新邵县"),
]
# county code → [(township code suffix, township name, [village names])]
TOWNSHIPS: dict[str, list[tuple[str, str, list[str]]]] = {
    "430121": [("104", "黄花镇", ["黄花村", "新桥村", "龙塘村"]), ("108", "果园镇", ["浔龙河村", "双河村"])],
    "430181": [("104", "永安镇", ["永安村", "湘丰村"]), ("110", "柏加镇", ["柏铃村", "浏河村"])],
    "430182": [("107", "金洲镇", ["关山村", "龙桥村"])],
    "430281": [("105", "白兔潭镇", ["白兔潭村", "大石村"])],
    "430223": [("104", "网岭镇", ["罗家坪村"])],
    "430582": [("202", "周官桥乡", ["周官桥村", "新建村"])],
}

# name, county, township, villages, approval date, area, farmland, purpose, scenario
PROJECTS: list[tuple[str, str, str, list[str], date, str, str, str, str]] = [
    (
        "长沙县2025年第3批次",
        "430121",
        "黄花镇",
        ["黄花村", "新桥村"],
        date(2025, 9, 15),
        "12.4500",
        "6.1200",
        "城市建设（临空经济示范区道路）",
        "complete",
    ),
    (
        "长沙县2025年第5批次",
        "430121",
        "果园镇",
        ["浔龙河村"],
        date(2025, 11, 12),
        "8.3000",
        "3.0500",
        "乡村振兴配套设施",
        "complete",
    ),
    (
        "长沙县2026年第1批次",
        "430121",
        "黄花镇",
        ["龙塘村"],
        date(2026, 3, 10),
        "5.6000",
        "2.2000",
        "保障性安居工程",
        "late_notice",
    ),
    (
        "长沙县2026年第4批次",
        "430121",
        "果园镇",
        ["双河村"],
        date(2026, 8, 3),
        "9.8000",
        "4.4000",
        "城市基础设施（供水）",
        "complete",
    ),
    (
        "浏阳市2025年第2批次",
        "430181",
        "永安镇",
        ["永安村", "湘丰村"],
        date(2025, 10, 20),
        "15.2000",
        "8.7000",
        "产业园区道路",
        "missing_notice",
    ),
    (
        "浏阳市2026年第2批次",
        "430181",
        "柏加镇",
        ["柏铃村"],
        date(2026, 4, 21),
        "6.9000",
        "3.3000",
        "学校建设",
        "late_online",
    ),
    (
        "浏阳市2026年第3批次",
        "430181",
        "柏加镇",
        ["浏河村"],
        date(2026, 7, 15),
        "4.2000",
        "1.9000",
        "防洪排涝设施",
        "complete",
    ),
    (
        "宁乡市2026年第1批次",
        "430182",
        "金洲镇",
        ["关山村", "龙桥村"],
        date(2026, 1, 14),
        "11.0000",
        "5.0000",
        "城市建设",
        "complete",
    ),
    (
        "醴陵市2025年第4批次",
        "430281",
        "白兔潭镇",
        ["白兔潭村"],
        date(2025, 12, 9),
        "7.5000",
        "3.1000",
        "陶瓷产业园配套",
        "late_notice",
    ),
    (
        "醴陵市2026年第2批次",
        "430281",
        "白兔潭镇",
        ["大石村"],
        date(2026, 6, 8),
        "3.8000",
        "1.2000",
        "乡镇卫生院",
        "missing_several",
    ),
    (
        "攸县2026年第1批次",
        "430223",
        "网岭镇",
        ["罗家坪村"],
        date(2026, 2, 24),
        "5.1000",
        "2.6000",
        "农村公路",
        "complete",
    ),
    (
        "邵东市2026年第2批次",
        "430582",
        "周官桥乡",
        ["周官桥村", "新建村"],
        date(2026, 5, 18),
        "10.6000",
        "4.9000",
        "工业园区",
        "late_online",
    ),
]
NOTICE_QUARTER = rules.Quarter(2026, 3)
REMARKS = (
    "本季度各地总体能够按照《中华人民共和国土地管理法实施条例》第三十一条的规定发布征收土地公告。\n"
    "醴陵市2026年第2批次征收土地公告、补偿登记结果等信息至今未公开，请醴陵市自然资源局在10个工作日内整改到位。\n"
    "请各地对照通报所列问题逐项整改，并在下一季度检查前报送整改情况。"
)
BODY = (
    "<p>根据《中华人民共和国土地管理法》《中华人民共和国土地管理法实施条例》等有关规定，现将{name}{doc}有关事项公告如下：</p>"
    "<h3>一、征收范围</h3><p>{places}，面积 {area} 公顷（其中耕地 {farmland} 公顷）。</p>"
    "<h3>二、征收目的</h3><p>{purpose}。</p>"
    "<h3>三、其他事项</h3><p>对本公告有异议的，可在公告期内向{agency}反映。</p>"
)


def _places() -> dict[str, Place]:
    made: dict[str, Place] = {}
    province = services.place_ensure(code="430000", name="湖南省", level=PlaceLevel.PROVINCE, parent=None)
    for code, name in CITIES:
        made[code] = services.place_ensure(code=code, name=name, level=PlaceLevel.CITY, parent=province)
    for city, code, name in COUNTIES:
        county = services.place_ensure(code=code, name=name, level=PlaceLevel.COUNTY, parent=made[city])
        made[code] = county
        for suffix, township_name, villages in TOWNSHIPS.get(code, []):
            township = services.place_ensure(
                code=code + suffix, name=township_name, level=PlaceLevel.TOWNSHIP, parent=county, local=True
            )
            made[code + township_name] = township
            for n, village in enumerate(villages):
                made[code + village] = services.place_ensure(
                    code=f"{township.code}{200 + n:03d}",
                    name=village,
                    level=PlaceLevel.VILLAGE,
                    parent=township,
                    local=True,
                )
    return made


def _staff(agency: Agency) -> dict[str, User]:
    """A writer, reviewer and publisher for the agency (the demo counties have only a clerk)."""
    people: dict[str, User] = {}
    prefix = f"land.{agency.code.lower()}"
    for role in (Role.CLERK, Role.REVIEWER, Role.PUBLISHER):
        existing = User.objects.filter(memberships__agency=agency, memberships__role=role).first()
        if existing is None:
            existing, created = User.objects.get_or_create(
                username=f"{prefix}.{role}",
                defaults={"kind": UserKind.STAFF, "display_name": f"{agency.short_name}{role.label}"},
            )
            if created:
                existing.set_password("gongkai-demo")
                existing.save()
            org_services.membership_grant(user=existing, agency=agency, role=role)
        people[role] = existing
    return people


def _publish(
    agency: Agency, project: ExpropriationProject, disclosure: Disclosure, issued: date, online: date
) -> None:
    people = _staff(agency)
    names = "、".join(p.full_name for p in project.places.all())
    item = publishing.item_create(
        agency=agency,
        by=people[Role.CLERK],
        data={
            "node": services.land_node(agency),
            "title": f"{project.name}{disclosure.requirement.name}",
            "formed_on": issued,
            "document_number": project.approval_number if disclosure.requirement.key == "approval" else "",
            "topic": "国土资源、能源",
            "genre": "公告公示",
            "body": BODY.format(
                name=project.name,
                doc=disclosure.requirement.name,
                places=names,
                area=project.area_ha,
                farmland=project.farmland_ha,
                purpose=project.purpose,
                agency=project.agency.name,
            ),
        },
    )
    publishing.item_submit(item=item, by=people[Role.CLERK])
    publishing.item_review(
        item=item, approve=True, note="经审查，不涉及国家秘密和个人信息", by=people[Role.REVIEWER]
    )
    publishing.item_publish(
        item=item, by=people[Role.PUBLISHER], published_at=datetime.combine(online, time(10), TZ)
    )
    services.disclosure_update(
        disclosure=disclosure, data={"item": item, "issued_on": issued}, by=people[Role.CLERK]
    )


def _documents(project: ExpropriationProject, scenario: str, province: Agency) -> None:
    cal = working_calendar()
    approval = project.approval_date
    assert approval is not None
    received = project.received or approval
    wd = lambda d, n: clock.add_working_days(cal, d, n)  # noqa: E731
    plan: dict[str, tuple[date, date] | None] = {
        "pre_notice": (approval - timedelta(days=120), approval - timedelta(days=118)),
        "comp_notice": (approval - timedelta(days=80), approval - timedelta(days=79)),
        "registration": (approval - timedelta(days=40), approval - timedelta(days=38)),
        "agreement_stats": (approval - timedelta(days=25), approval - timedelta(days=22)),
        "approval": (approval, wd(approval, 6)),
        "expropriation_notice": (wd(received, 8), wd(received, 9)),
    }
    if scenario == "late_notice":
        plan["expropriation_notice"] = (wd(received, 19), wd(received, 20))  # REG 31: 15 WD
    elif scenario == "late_online":
        plan["registration"] = (approval - timedelta(days=60), wd(approval - timedelta(days=60), 28))
        plan["expropriation_notice"] = (wd(received, 10), wd(wd(received, 10), 24))
    elif scenario == "missing_notice":
        plan["expropriation_notice"] = None
    elif scenario == "missing_several":
        plan["expropriation_notice"] = None
        plan["registration"] = None
        plan["agreement_stats"] = None
    today = timezone.localdate()
    for d in project.disclosures.select_related("requirement"):
        dates = plan.get(d.requirement.key)
        if d.requirement.key in ("pre_notice", "comp_notice"):
            posting = 12 if d.requirement.key == "pre_notice" else 32
            services.disclosure_update(
                disclosure=d,
                data={
                    "posting_start": dates[0] if dates else None,
                    "posting_end": (dates[0] + timedelta(days=posting + 4)) if dates else None,
                },
                by=None,
            )
        if dates is None or dates[1] > today:
            continue
        agency = province if d.requirement.key == "approval" else project.agency
        _publish(agency, project, d, *dates)


def load(out: Any) -> list[tuple[str, str, str]]:
    province = Agency.objects.filter(code="430S00").first()
    if province is None:
        return []
    services.ensure_requirements()
    places = _places()
    made = 0
    for name, county, _township, villages, approval, area, farmland, purpose, scenario in PROJECTS:
        agency = Agency.objects.filter(division_code=county, level="county").first()
        if agency is None or ExpropriationProject.objects.filter(agency=agency, name=name).exists():
            continue
        number = f"湘政土批〔{approval.year}〕{100 + made + approval.month}号"
        project = services.project_create(
            agency=agency,
            data={
                "name": name,
                "approval_number": number,
                "approval_date": approval,
                "approval_received_date": clock.add_working_days(working_calendar(), approval, 2),
                "area_ha": Decimal(area),
                "farmland_ha": Decimal(farmland),
                "purpose": purpose,
                "county": places[county],
                "village_groups": "",
            },
            places=[places[county + v] for v in villages],
            by=None,
        )
        _documents(project, scenario, province)
        made += 1
    notice = QuarterlyNotice.objects.filter(
        agency=province, year=NOTICE_QUARTER.year, quarter=NOTICE_QUARTER.number
    ).first()
    if notice is None and made:
        people = _staff(province)
        head = (
            User.objects.filter(memberships__agency=province, memberships__role=Role.HEAD).first()
            or people[Role.CLERK]
        )
        notice = services.notice_save(agency=province, quarter=NOTICE_QUARTER, remarks=REMARKS, by=head)
        item = services.notice_issue(notice=notice, by=head)
        publishing.item_review(item=item, approve=True, note="经审查，可以公开", by=people[Role.REVIEWER])
        publishing.item_publish(item=item, by=people[Role.PUBLISHER])
        notice.refresh_from_db()
        services.notice_sync(notice)
    out.write(
        f"征地项目 {ExpropriationProject.objects.count()} 个（本次新增 {made} 个），地区 {Place.objects.count()} 个，"
        f"季度通报 {QuarterlyNotice.objects.count()} 份。"
    )
    return []
