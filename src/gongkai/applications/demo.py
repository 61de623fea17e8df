"""Demonstration applications: about a year of cases for the department and two city bureaus.

Mostly land expropriation, mostly from farmers whose land was taken (as in the seed report), in every
state and every outcome row. Built through the service layer, so every case has its real timeline.
Deterministic (fixed random seed) and idempotent (skipped when the agency already has applications).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from stdnum.cn import ric

from gongkai.applications import outcomes, services
from gongkai.applications.models import ApplicantGroup, Application, Subject
from gongkai.applications.workflow import Status
from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from gongkai.orgs.models import Agency, Applicant, Unit, User

SUBJECTS = [
    ("征地拆迁", True),
    ("不动产登记", True),
    ("国土空间规划", True),
    ("矿业权", False),
    ("其他", False),
]
GROUPS = ["被征地农民", "企业", "律师", "其他"]

VILLAGES = [
    ("430121", "长沙县黄花镇"),
    ("430121", "长沙县安沙镇"),
    ("430181", "浏阳市集里街道"),
    ("430182", "宁乡市玉潭街道"),
    ("430104", "长沙市岳麓区含浦街道"),
    ("430211", "株洲市天元区群丰镇"),
    ("430281", "醴陵市浦口镇"),
    ("430582", "邵东市两市塘街道"),
    ("430522", "新邵县酿溪镇"),
    ("430621", "岳阳县荣家湾镇"),
    ("430703", "常德市鼎城区灌溪镇"),
    ("431003", "郴州市苏仙区白露塘镇"),
]
LAND_REQUESTS = [
    "{v}{y}年第{n}批次建设用地征收土地的批复文件",
    "{v}{y}年征地补偿安置方案及公告",
    "{v}{y}年土地征收成果报告（勘测定界图、地类面积）",
    "{v}{y}年征收土地的社会稳定风险评估报告",
    "{v}{y}年农用地转用和土地征收审批单",
]
OTHER_REQUESTS = [
    ("不动产登记", "{v}某小区{y}年不动产首次登记的依据材料"),
    ("国土空间规划", "{v}{y}年控制性详细规划调整的批复"),
    ("矿业权", "{v}某采石场{y}年采矿权延续登记的审批结果"),
    ("其他", "{y}年本厅政府信息公开工作年度报告所涉统计数据的说明"),
]
SURNAMES = (
    "张王李刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
    "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = [
    "建国",
    "秀英",
    "桂兰",
    "德明",
    "志强",
    "海燕",
    "春生",
    "玉梅",
    "国华",
    "小平",
    "冬梅",
    "永红",
    "卫东",
    "金凤",
]

OUTCOME_WEIGHTS = {
    "disclosed": 40,
    "partially_disclosed": 6,
    "withheld.state_secret": 1,
    "withheld.prohibited_by_law": 1,
    "withheld.security_stability": 1,
    "withheld.third_party_rights": 3,
    "withheld.internal_affairs": 1,
    "withheld.process_information": 4,
    "withheld.enforcement_files": 1,
    "withheld.query_matters": 3,
    "unavailable.not_held": 22,
    "unavailable.needs_creation": 3,
    "unavailable.unclear_after_supplement": 1,
    "not_processed.petition_complaint": 3,
    "not_processed.repeated": 2,
    "not_processed.publication": 1,
    "not_processed.excessive": 1,
    "not_processed.confirm_or_reissue": 1,
}


def _person(rng: random.Random, region: str) -> dict[str, Any]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
    body = f"{region}{born:%Y%m%d}{rng.randrange(0, 999):03d}"
    return {
        "applicant_column": "natural_person",
        "applicant_name": name,
        "id_type": "resident_id",
        "id_number": body + ric.calc_check_digit(body + "0"),
        "phone": f"139{rng.randrange(10**7, 10**8)}",
        "address": f"湖南省{rng.choice(VILLAGES)[1]}某村",
    }


def _organisation(rng: random.Random) -> dict[str, Any]:
    column, name = rng.choice(
        [
            ("legal_service_org", "湖南某律师事务所"),
            ("commercial_enterprise", "湖南某置业有限公司"),
            ("commercial_enterprise", "某矿业有限公司"),
            ("research_institution", "某大学土地研究所"),
            ("public_interest_org", "某环保公益协会"),
            ("other_org", "某村民委员会"),
        ]
    )
    return {
        "applicant_column": column,
        "applicant_name": name,
        "phone": f"0731-8{rng.randrange(10**6, 10**7)}",
    }


def _working_after(cal: clock.WorkingCalendar, day: date, n: int) -> date:
    return clock.add_working_days(cal, day, n)


def _cases_for(agency: Agency, count: int, seed: int, today: date) -> int:
    rng = random.Random(seed)
    cal = working_calendar()
    clerk = User.objects.filter(memberships__agency=agency, memberships__role="clerk").first()
    head = User.objects.filter(memberships__agency=agency, memberships__role="head").first()
    officer = User.objects.filter(memberships__agency=agency, memberships__role="officer").first()
    units = list(Unit.objects.filter(agency=agency, is_disclosure_office=False)[:3]) or list(
        agency.units.all()[:1]
    )
    if not (clerk and head and units):
        return 0
    subjects = {s.name: s for s in Subject.objects.all()}
    groups = {g.name: g for g in ApplicantGroup.objects.all()}
    keys, weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    unused = list(reversed(keys))  # every outcome row appears at least once
    start = today - timedelta(days=400)
    made = 0
    for i in range(count):
        if i < count * 0.8:
            received = start + timedelta(days=int(i * 370 / (count * 0.8)) + rng.randrange(0, 3))
        else:  # the last fifth arrived in the past six weeks: still open in every state
            received = today - timedelta(days=rng.randrange(0, 42))
        while not cal.is_working_day(received):
            received += timedelta(days=1)
        if received > today:
            break
        land = rng.random() < 0.6
        region, village = rng.choice(VILLAGES)
        year = rng.choice(range(2008, 2020)) if rng.random() < 0.81 else rng.choice(range(2020, 2025))
        if land:
            subject, text = (
                "征地拆迁",
                rng.choice(LAND_REQUESTS).format(v=village, y=year, n=rng.randrange(1, 12)),
            )
        else:
            subject, pattern = rng.choice(OTHER_REQUESTS)
            text = pattern.format(v=village, y=year)
        farmer = land and rng.random() < 0.785
        applicant = _person(rng, region) if farmer or rng.random() < 0.7 else _organisation(rng)
        group = (
            "被征地农民"
            if farmer
            else (
                "律师"
                if applicant["applicant_column"] == "legal_service_org"
                else "企业"
                if applicant["applicant_column"] == "commercial_enterprise"
                else "其他"
            )
        )
        on_site = rng.random() < (0.46 if (today - received).days > 42 else 0.1)
        channel = (
            "in_person" if on_site else rng.choice(["in_person", "registered_post", "registered_post", "fax"])
        )
        app = services.application_register(
            agency=agency,
            channel=channel,
            event_date=received,
            applicant=applicant,
            by=clerk,
            data={
                "description": text,
                "subject": subjects.get(subject),
                "region_code": region,
                "info_year_from": year,
                "info_year_to": year,
                "applicant_group": groups.get(group),
                "on_site": on_site,
                "delivery_method": "on_site" if on_site else "post",
            },
        )
        made += 1
        age = (today - received).days
        if age < 3:
            continue  # just registered
        services.application_assign(application=app, units=[rng.choice(units)], by=clerk)
        if on_site:  # read at the counter: answered the same or the next working day
            _reply(
                app,
                "disclosed",
                "已安排申请人现场查阅相关资料。",
                min(_working_after(cal, received, 1), today),
                officer or clerk,
                head,
            )
            continue
        roll = rng.random()
        recent = age <= 42
        if roll < (0.06 if not recent else 0.15):
            services.application_request_clarification(
                application=app,
                sent_on=_working_after(cal, received, 3),
                days=15,
                text="请补充说明所需信息的批次名称或文号。",
                by=clerk,
            )
            if age > 40:
                if rng.random() < 0.5:
                    services.application_receive_supplement(
                        application=app, received_on=_working_after(cal, received, 8), by=clerk
                    )
                else:
                    services.application_close_no_supplement(
                        application=app, closed_on=_working_after(cal, received, 25), by=clerk
                    )
                    continue
            else:
                continue
        elif roll < (0.10 if not recent else 0.30) and age > 8:
            pause = services.application_consult(
                application=app,
                kind="third_party",
                party="被征收土地所在村民委员会",
                sent_on=_working_after(cal, received, 4),
                by=officer or clerk,
            )
            if age > 30:
                services.application_consultation_answered(
                    application=app,
                    pause=pause,
                    answered_on=_working_after(cal, received, 10),
                    by=officer or clerk,
                )
            else:
                continue
        elif roll < (0.12 if not recent else 0.38) and age > 10:
            services.application_fee_notice(
                application=app,
                received_on=_working_after(cal, received, 5),
                method="per_volume",
                pages=40,
                by=clerk,
            )
            if recent:
                continue
            if rng.random() < 0.5:
                services.application_fee_paid(
                    application=app, paid_on=_working_after(cal, received, 8), by=clerk
                )
            else:
                services.application_close_fee_unpaid(
                    application=app, closed_on=_working_after(cal, received, 27), by=clerk
                )
                continue
        elif roll < 0.14:
            services.application_withdraw(
                application=app, withdrawn_on=_working_after(cal, received, 2), reason="申请人撤回", by=clerk
            )
            continue
        if app.due_on is None:
            continue
        if rng.random() < 0.08 and app.due_on > today:
            services.application_extend(
                application=app,
                days=rng.choice([10, 15, 20]),
                notified_on=min(today, app.due_on),
                reason="需调取档案并征求相关处室意见",
                by=head,
            )
        replied_on = _working_after(cal, received, rng.randrange(5, 19))
        if app.status != Status.PROCESSING:
            continue
        if replied_on >= today - timedelta(days=1):
            if rng.random() < 0.4:
                services.application_draft_reply(
                    application=app, outcome="disclosed", text="拟予以公开。", by=officer or clerk
                )
            continue
        outcome = unused.pop() if unused else rng.choices(keys, weights)[0]
        _reply(
            app, outcome, outcomes.get(outcome).letter, min(replied_on, app.due_on), officer or clerk, head
        )
    return made


def _reply(app: Application, outcome: str, text: str, on: date, drafter: Any, head: Any) -> None:
    services.application_draft_reply(application=app, outcome=outcome, text=text, by=drafter)
    services.application_approve_reply(application=app, replied_on=on, by=head)


def load(out: Any) -> list[tuple[str, str, str]]:
    for order, (name, is_land) in enumerate(SUBJECTS):
        Subject.objects.get_or_create(name=name, defaults={"is_land": is_land, "sort_order": order})
    for order, name in enumerate(GROUPS):
        ApplicantGroup.objects.get_or_create(name=name, defaults={"sort_order": order})
    from django.utils import timezone

    today = timezone.localdate()
    made = 0
    for code, count, seed in (("430S00", 180, 1), ("4301S0", 40, 2)):
        agency = Agency.objects.filter(code=code).first()
        if agency is None or Application.objects.filter(agency=agency).exists():
            continue
        made += _cases_for(agency, count, seed, today)
    # Two online applications from the demo citizen, waiting for the department to accept them.
    citizen = Applicant.objects.filter(account__username="13807310001").first()
    province = Agency.objects.filter(code="430S00").first()
    if citizen and province and not Application.objects.filter(account=citizen.account).exists():
        for text in (
            "长沙县黄花镇2018年第3批次建设用地征收土地的批复文件",
            "黄花镇某村2018年征地补偿安置方案",
        ):
            services.application_submit_online(applicant=citizen, agency=province, data={"description": text})
            made += 1
    out.write(f"申请 {Application.objects.count()} 件（本次新建 {made} 件）。")
    return []
