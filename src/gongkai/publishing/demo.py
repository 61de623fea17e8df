"""Demonstration publications: every catalogue category of the department and the Changsha bureau,
over three years, published through the real workflow (draft → review → publish)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from gongkai.orgs.models import Agency, User
from gongkai.publishing import services
from gongkai.publishing.models import CatalogueNode, Item

TZ = ZoneInfo("Asia/Shanghai")
PLACES = [
    "长沙县",
    "浏阳市",
    "宁乡市",
    "株洲市天元区",
    "醴陵市",
    "邵东市",
    "岳阳县",
    "常德市鼎城区",
    "郴州市苏仙区",
]

TITLES: dict[str, list[str]] = {
    "征地信息": [
        "关于{p}{y}年第{n}批次建设用地征收土地的批复",
        "{p}{y}年第{n}批次征收土地公告",
        "{p}{y}年征地补偿安置方案公告",
    ],
    "政务新闻": [
        "省自然资源厅召开{y}年全省自然资源工作会议",
        "全省耕地保护督察工作部署会在长沙召开",
        "省自然资源厅开展{p}不动产登记便民服务调研",
    ],
    "公告": ["关于{y}年度地质灾害防治工作的公告", "{p}土地利用总体规划调整方案听证公告"],
    "法律法规": ["湖南省实施《中华人民共和国土地管理法》办法（{y}年修订）", "湖南省征地补偿标准管理办法"],
    "热点专题": ["{y}年“世界地球日”主题宣传活动", "自然资源领域营商环境优化专题"],
    "交易信息公告": ["{p}{y}年第{n}宗国有建设用地使用权挂牌出让公告", "{p}采矿权出让公告（{y}-{n}号）"],
    "审批结果": ["{p}{y}年第{n}批次农用地转用和土地征收审批结果", "{p}建设项目用地预审意见（{y}）"],
    "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名": ["{a}机构职能与联系方式"],
    "财政预算、决算信息": ["{a}{y}年部门预算", "{a}{y}年部门决算"],
}
BODY = (
    "<p>根据《中华人民共和国土地管理法》《中华人民共和国政府信息公开条例》等有关规定，现将有关事项公开如下：</p>"
    "<h3>一、基本情况</h3><p>{title}，详见附件及有关说明（{p}）。</p>"
    "<h3>二、有关要求</h3><ol><li>相关权利人可在公告之日起规定期限内提出意见。</li>"
    "<li>咨询电话：0731-82213813。</li></ol>"
)


def _staff(agency: Agency, role: str) -> User | None:
    return User.objects.filter(memberships__agency=agency, memberships__role=role).first()


def _publish_history(agency: Agency, per_category: int, seed: int) -> int:
    writer = _staff(agency, "clerk") or _staff(agency, "publisher")
    reviewer, publisher = _staff(agency, "reviewer"), _staff(agency, "publisher")
    if not (writer and reviewer and publisher):
        return 0
    rng = random.Random(seed)
    cal = working_calendar()
    now = datetime.now(TZ)
    plan: list[tuple[datetime, CatalogueNode, str, Any]] = []
    nodes = {n.name: n for n in CatalogueNode.objects.filter(agency=agency)}
    for name, patterns in TITLES.items():
        node = nodes.get(name)
        if node is None:
            continue
        count = per_category if len(patterns) > 1 else 1
        for i in range(count):
            formed = (now - timedelta(days=rng.randrange(5, 1000))).date()
            lag = rng.choice([1, 2, 3, 5, 8, 12, 15, 19]) if rng.random() < 0.97 else 24  # a few late ones
            published = datetime.combine(clock.add_working_days(cal, formed, lag), time(10 + i % 6, 0), TZ)
            if published > now:
                continue
            title = rng.choice(patterns).format(
                p=rng.choice(PLACES), y=formed.year, n=rng.randrange(1, 30), a=agency.name
            )
            plan.append((published, node, title, formed))
    made = 0
    for published, node, title, formed in sorted(plan, key=lambda p: p[0]):
        item = services.item_create(
            agency=agency,
            by=writer,
            data={
                "node": node,
                "title": title,
                "formed_on": formed,
                "topic": "国土资源、能源",
                "genre": "公告公示" if "公告" in title else "其他",
                "document_number": "",
                "body": BODY.format(title=title, p=rng.choice(PLACES)),
            },
        )
        services.item_submit(item=item, by=writer)
        services.item_review(item=item, approve=True, note="经审查，不涉及国家秘密", by=reviewer)
        services.item_publish(item=item, by=publisher, published_at=published)
        made += 1
    # One item updated after publication (two versions) and one withdrawn.
    updated = Item.objects.filter(agency=agency, node__name="公告").first()
    if updated:
        services.item_update(
            item=updated,
            data={
                "title": updated.title + "（更正）",
                "body": updated.body + "<p>更正：咨询时间调整为工作日。</p>",
            },
            by=writer,
        )
        services.item_submit(item=updated, by=writer)
        services.item_review(item=updated, approve=True, note="同意", by=reviewer)
        services.item_publish(item=updated, by=publisher, note="更正咨询时间")
    withdrawn = Item.objects.filter(agency=agency, node__name="交易信息公告").first()
    if withdrawn:
        services.item_withdraw(item=withdrawn, reason="该宗地出让已终止，原公告撤回", by=publisher)
    # Two drafts waiting: one in review, one close to its Art. 26 limit.
    node = nodes.get("征地信息")
    if node:
        draft = services.item_create(
            agency=agency,
            by=writer,
            data={
                "node": node,
                "title": "长沙县2026年第12批次建设用地征收土地的批复",
                "formed_on": now.date() - timedelta(days=24),
                "body": BODY.format(title="长沙县2026年第12批次建设用地征收土地的批复", p="长沙县"),
            },
        )
        services.item_submit(item=draft, by=writer)
    return made


def load(out: Any) -> list[tuple[str, str, str]]:
    for agency in Agency.objects.all():
        services.catalogue_seed(agency)
    made = 0
    for code, per_category, seed in (("430S00", 12, 11), ("4301S0", 4, 12)):
        target = Agency.objects.filter(code=code).first()
        if target and not Item.objects.filter(agency=target).exists():
            made += _publish_history(target, per_category, seed)
    out.write(f"主动公开信息 {Item.objects.count()} 条（本次发布 {made} 条）。")
    return []
