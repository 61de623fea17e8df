"""A demonstration normative-document library for the department (430S00) and the 长沙 bureau (4301S0).

The documents the former 国土资源厅 issued before 2019 come in through the import (as an agency moving
its existing library into Gongkai would do); those from 2019 on are drafted, reviewed, registered and
published through the services, so they carry 三统一 numbers and index numbers. Then later documents
replace, amend and repeal earlier ones, a 2021 clean-up campaign repeals and declares expired several at
once, and the 暂行 ones lapse after two years. Titles are modelled on the kind of documents such a
department issues; they are illustrations, not the real documents. Deterministic and idempotent (an
agency that already has documents is skipped).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gongkai.normative import batch, services
from gongkai.normative.lifecycle import Decision, Relation
from gongkai.normative.models import Cleanup, Document, Kind, NumberingScheme
from gongkai.orgs.models import Agency, Role, User

LAND = "国土资源、能源\\土地"
SURVEY = "国土资源、能源\\测绘"
MINES = "国土资源、能源\\矿产"
OPEN = "综合政务\\政务公开"

# title, 文号, 登记号, formed, published, effective, expires ("" = default), topic, keywords
LEGACY = [
    (
        "湖南省国土资源厅关于做好征地信息公开工作的通知",
        "湘国土资规〔2015〕2号",
        "HNGTZY-2015-002",
        "2015-04-10",
        "2015-04-16",
        "2015-05-16",
        "2020-05-15",
        LAND,
        "征地 信息公开",
    ),
    (
        "湖南省国土资源厅农村宅基地审批管理办法",
        "湘国土资规〔2016〕1号",
        "HNGTZY-2016-001",
        "2016-02-22",
        "2016-03-01",
        "2016-04-01",
        "2021-03-31",
        LAND,
        "宅基地 审批",
    ),
    (
        "湖南省国土资源厅关于规范土地储备管理的通知",
        "湘国土资规〔2016〕4号",
        "HNGTZY-2016-004",
        "2016-08-09",
        "2016-08-15",
        "2016-09-15",
        "2021-09-14",
        LAND,
        "土地储备",
    ),
    (
        "湖南省国土资源厅矿业权出让收益征收管理暂行办法",
        "湘国土资规〔2017〕3号",
        "HNGTZY-2017-003",
        "2017-10-20",
        "2017-10-27",
        "2017-11-27",
        "",
        MINES,
        "矿业权 出让收益",
    ),
    (
        "湖南省国土资源厅关于加强耕地占补平衡管理的通知",
        "湘国土资规〔2018〕1号",
        "HNGTZY-2018-001",
        "2018-01-15",
        "2018-01-22",
        "2018-02-22",
        "2023-02-21",
        LAND,
        "耕地 占补平衡",
    ),
    (
        "湖南省国土资源厅测绘成果管理实施细则",
        "湘国土资规〔2018〕5号",
        "HNGTZY-2018-005",
        "2018-06-04",
        "2018-06-12",
        "2018-07-12",
        "2023-07-11",
        SURVEY,
        "测绘成果",
    ),
]

# title, formed, published, effective (None = 30 days after publication), topic, keywords, summary
ISSUED = [
    (
        "湖南省自然资源厅征地信息公开规定",
        "2019-03-11",
        "2019-03-18",
        "2019-04-18",
        LAND,
        "征地 信息公开",
        "规定征收土地预公告、征地补偿安置方案公告、征收土地公告等信息的公开内容、时限和方式。",
    ),
    (
        "湖南省自然资源厅关于进一步规范不动产登记信息查询的通知",
        "2019-06-03",
        "2019-06-10",
        None,
        "国土资源、能源\\不动产登记",
        "不动产登记 查询",
        "明确不动产登记信息查询的主体、范围和程序。",
    ),
    (
        "湖南省自然资源厅建设用地审查报批管理暂行办法",
        "2019-09-02",
        "2019-09-09",
        "2019-10-09",
        LAND,
        "建设用地 报批",
        "规范建设用地审查报批材料、程序和时限（暂行两年）。",
    ),
    (
        "湖南省自然资源厅关于推进政府信息主动公开的实施意见",
        "2020-02-17",
        "2020-02-24",
        "2020-03-24",
        OPEN,
        "政务公开 主动公开",
        "明确主动公开目录、公开时限和保密审查程序。",
    ),
    (
        "湖南省自然资源厅农村宅基地审批管理办法",
        "2020-04-20",
        "2020-04-27",
        "2020-05-27",
        LAND,
        "宅基地 审批",
        "代替原湘国土资规〔2016〕1号，按新土地管理法调整审批程序。",
    ),
    (
        "湖南省自然资源厅关于修改《湖南省自然资源厅征地信息公开规定》的决定",
        "2020-07-06",
        "2020-07-13",
        "2020-07-13",
        LAND,
        "征地 信息公开 修改",
        "增加征地补偿登记结果公开的要求。",
    ),
    (
        "湖南省自然资源厅矿业权出让收益征收管理办法",
        "2020-09-14",
        "2020-09-21",
        "2020-10-21",
        MINES,
        "矿业权 出让收益",
        "原暂行办法于2019年11月期满失效后重新制定。",
    ),
    (
        "湖南省自然资源厅关于规范土地征收程序的通知",
        "2020-12-07",
        "2020-12-14",
        "2021-01-14",
        LAND,
        "土地征收 程序",
        "落实新土地管理法实施条例，规范征收程序。",
    ),
    (
        "湖南省自然资源厅国土空间规划编制管理办法",
        "2021-03-22",
        "2021-03-29",
        "2021-04-29",
        "城乡建设、环境保护\\城市规划",
        "国土空间规划",
        "规范市县国土空间总体规划的编制和审查。",
    ),
    (
        "湖南省自然资源厅关于加强耕地保护和占补平衡管理的通知",
        "2021-05-10",
        "2021-05-17",
        "2021-06-17",
        LAND,
        "耕地保护 占补平衡",
        "代替原湘国土资规〔2018〕1号。",
    ),
    (
        "湖南省自然资源厅测绘地理信息成果管理办法",
        "2021-08-02",
        "2021-08-09",
        "2021-09-09",
        SURVEY,
        "测绘 地理信息",
        "代替原测绘成果管理实施细则。",
    ),
    (
        "湖南省自然资源厅土地征收成片开发方案审查办法（试行）",
        "2021-10-11",
        "2021-10-18",
        "2021-11-18",
        LAND,
        "成片开发 土地征收",
        "试行两年。",
    ),
    (
        "湖南省自然资源厅建设用地审查报批管理办法",
        "2022-03-07",
        "2022-03-14",
        "2022-04-14",
        LAND,
        "建设用地 报批",
        "在暂行办法期满后重新制定。",
    ),
    (
        "湖南省自然资源厅征地补偿安置争议协调裁决办法",
        "2023-05-15",
        "2023-05-22",
        "2023-06-22",
        LAND,
        "征地补偿 争议",
        "规定征地补偿安置争议的协调和裁决程序。",
    ),
    (
        "湖南省自然资源厅征地信息公开规定",
        "2024-03-04",
        "2024-03-11",
        "2024-04-11",
        LAND,
        "征地 信息公开",
        "在2019年规定有效期届满前重新制定，并入征收土地成片开发信息。",
    ),
    (
        "湖南省自然资源厅政府信息依申请公开工作规程",
        "2024-04-08",
        "2024-04-15",
        "2024-05-15",
        OPEN,
        "依申请公开 工作规程",
        "依条例规定申请的受理、办理、答复和送达。",
    ),
    (
        "湖南省自然资源厅农村宅基地审批管理办法",
        "2025-04-07",
        "2025-04-14",
        "2025-05-14",
        LAND,
        "宅基地 审批",
        "在2020年办法有效期届满前重新制定。",
    ),
    (
        "湖南省自然资源厅关于修改《湖南省自然资源厅政府信息依申请公开工作规程》的决定",
        "2026-06-01",
        "2026-06-08",
        "2026-06-08",
        OPEN,
        "依申请公开 修改",
        "调整网络申请的受理时间和答复送达方式。",
    ),
    (
        "湖南省自然资源厅国土空间规划实施监督管理办法",
        "2026-10-19",
        "2026-10-26",
        "2026-12-26",
        "城乡建设、环境保护\\城市规划",
        "国土空间规划 监督",
        "尚未施行：自2026年12月26日起施行。",
    ),
]

# (source index in ISSUED, target: index in ISSUED or "legacy:<i>", relation)
RELATIONS: list[tuple[int, int | str, Relation]] = [
    (0, "legacy:0", Relation.REPLACES),
    (4, "legacy:1", Relation.REPLACES),
    (5, 0, Relation.AMENDS),
    (9, "legacy:4", Relation.REPLACES),
    (10, "legacy:5", Relation.REPLACES),
    (14, 0, Relation.REPLACES),
    (16, 4, Relation.REPLACES),
    (17, 15, Relation.AMENDS),
]

CHANGSHA = [
    (
        "长沙市自然资源和规划局征地信息公开实施细则",
        "2020-05-06",
        "2020-05-12",
        "2020-06-12",
        LAND,
        "征地 信息公开",
        "细化省厅规定在本市的实施。",
    ),
    (
        "长沙市自然资源和规划局关于规范临时用地管理的通知",
        "2021-07-05",
        "2021-07-12",
        "2021-08-12",
        LAND,
        "临时用地",
        "规范临时用地的审批和复垦。",
    ),
    (
        "长沙市自然资源和规划局不动产登记便民服务规定",
        "2024-09-02",
        "2024-09-09",
        "2024-10-09",
        "国土资源、能源\\不动产登记",
        "不动产登记 便民",
        "推行不动产登记一网通办。",
    ),
]


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _issue(agency: Agency, by: Any, row: tuple[Any, ...]) -> Document:
    title, formed, published, effective, topic, keywords, summary = row
    doc = services.create(
        agency=agency,
        data={
            "title": title,
            "formed_on": _d(formed),
            "effective_on": _d(effective) if effective else None,
            "topic": topic,
            "keywords": keywords,
            "summary": summary,
            "body": f"<p>{summary}</p><p>本文件自施行之日起执行。</p>",
            "legality_reviewed_on": _d(formed),
            "legality_review_note": "经厅法规处合法性审核，同意印发。",
            "filed_on": _d(published),
            "filed_with": "湖南省司法厅",
        },
        by=by,
    )
    doc = services.register(document=doc, by=by, year=_d(formed).year)
    return services.publish(document=doc, by=by, published_on=_d(published), as_of=_d(published))


def _legacy(agency: Agency, by: Any) -> list[Document]:
    rows = [
        {
            "title": t,
            "kind": "行政规范性文件",
            "document_number": num,
            "registration_number": reg,
            "formed_on": f,
            "published_on": p,
            "effective_on": e,
            "expires_on": x,
            "topic": topic,
            "keywords": kw,
        }
        for t, num, reg, f, p, e, x, topic, kw in LEGACY
    ]
    valid, errors = batch.validate(rows, today=START)  # the library as it stood when Gongkai took it over
    if errors:
        raise RuntimeError(batch.RowError.__name__ + ": " + "; ".join(map(str, errors)))
    batch.import_rows(agency=agency, valid=valid, by=by, source="原国土资源厅文件库.xlsx")
    return [Document.objects.get(document_number=num) for _t, num, *_rest in LEGACY]


START = date(2019, 1, 1)
CLEANUP_DAY = date(2021, 6, 30)


def _cleanup(agency: Agency, by: Any, legacy: list[Document], issued: dict[int, Document]) -> None:
    """The 2021 clean-up: the land-reserve notice is repealed, the 2019 不动产 notice declared expired,
    the 2020 主动公开 opinion kept."""
    cleanup = services.cleanup_start(
        agency=agency,
        name="2021年度规范性文件清理",
        documents=[legacy[2], issued[1], issued[3]],
        by=by,
    )
    services.cleanup_decide(
        cleanup=cleanup,
        decisions={
            legacy[2].pk: (Decision.REPEAL, "上位法已修改，内容已被新规定涵盖"),
            issued[1].pk: (Decision.DECLARE_EXPIRED, "调整对象已消失"),
            issued[3].pk: (Decision.KEEP, ""),
        },
        by=by,
    )
    services.cleanup_apply(
        cleanup=cleanup,
        decision_number="湘自然资发〔2021〕12号",
        decided_on=CLEANUP_DAY,
        by=by,
        as_of=CLEANUP_DAY,
    )


def _province(agency: Agency) -> int:
    by = User.objects.filter(memberships__agency=agency, memberships__role=Role.CLERK).first()
    NumberingScheme.objects.get_or_create(
        agency=agency,
        kind=Kind.NORMATIVE,
        defaults={"document_prefix": "湘自然资规", "registration_prefix": "HNZRZY"},
    )
    legacy = _legacy(agency, by)
    # History is entered in the order it happened: publications, decisions, and the daily job between.
    events: list[tuple[date, int, Any]] = [(_d(row[2]), 0, ("issue", n)) for n, row in enumerate(ISSUED)]
    events += [
        (_d(ISSUED[source][3] or ISSUED[source][2]), 1, ("relate", source, target, kind))
        for source, target, kind in RELATIONS
    ]
    events.append((CLEANUP_DAY, 2, ("cleanup",)))
    issued: dict[int, Document] = {}
    for day, _order, event in sorted(events, key=lambda e: (e[0], e[1])):
        services.apply_dates(day)
        if event[0] == "issue":
            issued[event[1]] = _issue(agency, by, ISSUED[event[1]])
        elif event[0] == "relate":
            _tag, source, target, kind = event
            other = legacy[int(target.split(":")[1])] if isinstance(target, str) else issued[target]
            services.relate(
                source=issued[source], target=Document.objects.get(pk=other.pk), kind=kind, by=by, as_of=day
            )
        else:
            _cleanup(agency, by, legacy, issued)
    services.apply_dates()
    return len(legacy) + len(issued)


def _changsha(agency: Agency) -> int:
    by = User.objects.filter(memberships__agency=agency, memberships__role=Role.CLERK).first()
    NumberingScheme.objects.get_or_create(
        agency=agency,
        kind=Kind.NORMATIVE,
        defaults={"document_prefix": "长自然资规", "registration_prefix": "CSZRZY"},
    )
    return len([_issue(agency, by, row) for row in CHANGSHA])


def load(out: Any) -> list[tuple[str, str, str]]:
    made = 0
    province = Agency.objects.filter(code="430S00").first()
    if province is not None and not Document.objects.filter(agency=province).exists():
        made += _province(province)
    changsha = Agency.objects.filter(code="4301S0").first()
    if changsha is not None and not Document.objects.filter(agency=changsha).exists():
        made += _changsha(changsha)
    services.apply_dates()
    out.write(
        f"规范性文件 {Document.objects.count()} 件（本次新建 {made} 件），清理 {Cleanup.objects.count()} 次。"
    )
    return []
