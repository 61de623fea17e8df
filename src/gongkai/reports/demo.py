"""Demonstration: the department's application ledgers of 2018–2021, imported as an agency moving its
earlier years into Gongkai would do, and its annual reports for 2020 (2019 format) and 2021 (2021 format).

The 2020 ledger is generated to reproduce the figures the seed report quotes for 2020: 689 applications
(319 of them on-site consultations of records), 336 about land, with 长沙 38.4 % of those and 长沙, 株洲,
邵阳 the three regions with most; 81 % asking for information from 2008–2019; 78.5 % from farmers whose
land was expropriated; no late reply; and 2,708 applications over 2018–2020. The applicant columns are
those of the spec's JSON example (640 natural persons, 30 companies, 1 research institution, 15 legal
service organisations, 3 others). Names are placeholders (某). Deterministic (fixed seed); idempotent.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gongkai.applications import ledger
from gongkai.applications.models import Application
from gongkai.orgs.models import Agency, Role, User
from gongkai.reports import services
from gongkai.reports.models import AnnualReport

BEIJING = ZoneInfo("Asia/Shanghai")
PREFIX = "TZ"  # 台账: the numbers of imported ledger rows

# year: (received, of which on-site, land-related)
VOLUME = {2018: (1065, 620, 520), 2019: (954, 573, 470), 2020: (689, 319, 336), 2021: (702, 301, 342)}
COLUMNS_2020 = [("自然人", 640), ("商业企业", 30), ("科研机构", 1), ("法律服务机构", 15), ("其他", 3)]
# land applications by region (share of the year's land-related ones): 长沙 38.4 %, then 株洲, 邵阳 …
LAND_REGIONS = [
    ("430121", 0.20),
    ("430181", 0.114),
    ("430104", 0.07),  # 长沙: 38.4 %
    ("430211", 0.08),
    ("430281", 0.05),  # 株洲: 13 %
    ("430582", 0.06),
    ("430522", 0.04),  # 邵阳: 10 %
    ("430621", 0.0772),
    ("430703", 0.0772),
    ("431003", 0.0772),
    ("430902", 0.0772),
    ("431102", 0.0772),
]
OUTCOMES = [
    ("disclosed", 40),
    ("partially_disclosed", 9),
    ("withheld.third_party_rights", 3),
    ("withheld.process_information", 2),
    ("withheld.internal_affairs", 1),
    ("withheld.state_secret", 1),
    ("unavailable.not_held", 22),
    ("unavailable.unclear_after_supplement", 3),
    ("unavailable.needs_creation", 2),
    ("not_processed.petition_complaint", 4),
    ("not_processed.repeated", 3),
    ("not_processed.publication", 3),
    ("other.other", 2),
    ("other.no_supplement", 2),
]
SUBJECTS_NOT_LAND = ["矿业权", "其他"]
LAND_TEXT = [
    "{place}征收土地的批复文件",
    "{place}征地补偿安置方案及公告",
    "{place}征收土地公告及征地补偿登记结果",
    "{place}集体土地征收的“一书四方案”",
    "{place}房屋拆迁补偿标准",
]
OTHER_TEXT = [
    "某矿区采矿权出让合同",
    "某地块国有建设用地使用权出让结果",
    "某地块规划条件",
    "某宗地不动产登记资料",
]
PLACE = {
    "430121": "长沙县黄花镇某村",
    "430181": "浏阳市集里街道某社区",
    "430104": "长沙市岳麓区含浦街道某村",
    "430211": "株洲市天元区群丰镇某村",
    "430281": "醴陵市浦口镇某村",
    "430582": "邵东市两市塘街道某村",
    "430522": "新邵县酿溪镇某村",
    "430621": "岳阳县荣家湾镇某村",
    "430703": "常德市鼎城区灌溪镇某村",
    "431003": "郴州市苏仙区白露塘镇某村",
    "430902": "益阳市资阳区某村",
    "431102": "永州市零陵区某村",
}
SURNAMES = (
    "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)


def _spread(total: int, shares: list[tuple[str, float]], rng: random.Random) -> list[str]:
    """``total`` labels in the given shares (largest remainders), shuffled."""
    raw = [(label, total * share) for label, share in shares]
    counts = {label: int(x) for label, x in raw}
    rest = total - sum(counts.values())
    for label, _x in sorted(raw, key=lambda p: p[1] - int(p[1]), reverse=True)[:rest]:
        counts[label] += 1
    out = [label for label, n in counts.items() for _ in range(n)]
    rng.shuffle(out)
    return out


def ledger_rows(year: int, agency: Agency, rng: random.Random) -> list[dict[str, str]]:
    """The year's ledger rows, as the import reads them (Chinese headers' keys)."""
    total, on_site, land = VOLUME[year]
    columns = (
        [c for c, n in COLUMNS_2020 for _ in range(n)]
        if year == 2020
        else _spread(
            total, [("自然人", 0.92), ("商业企业", 0.045), ("法律服务机构", 0.025), ("其他", 0.01)], rng
        )
    )
    rng.shuffle(columns)
    land_flags = [True] * land + [False] * (total - land)
    rng.shuffle(land_flags)
    regions = _spread(land, [(c, s / sum(s for _c, s in LAND_REGIONS)) for c, s in LAND_REGIONS], rng)
    on_site_flags = [True] * on_site + [False] * (total - on_site)
    rng.shuffle(on_site_flags)
    farmers = round(total * 0.785)
    old_info = round(total * 0.81)  # information from 2008–2019
    keys, weights = zip(*OUTCOMES, strict=True)
    rows = []
    start = date(year, 1, 1)
    for n in range(total):
        received = start + timedelta(days=int(rng.random() * 365) if year % 4 else int(rng.random() * 366))
        column = columns[n]
        is_land = land_flags[n]
        region = regions.pop() if is_land else ""
        place = PLACE.get(region, "某地")
        natural = column == "自然人"
        farmer = natural and farmers > 0
        farmers -= farmer
        if n < old_info:
            info_from = rng.randint(2008, 2016)
            info_to = rng.randint(info_from, min(2019, year - 1))
        else:
            info_from = rng.randint(1995, 2007) if rng.random() < 0.6 else year
            info_to = max(info_from, rng.randint(info_from, min(year, info_from + 3)))
        done = received + timedelta(days=rng.randint(1, 25))
        if received >= date(year, 12, 10) and rng.random() < 0.55:  # answered in the next January
            done = date(year + 1, 1, 1) + timedelta(days=rng.randint(3, 15))
        outcome = rng.choices(keys, weights)[0]
        if year <= 2019 and outcome == "other.no_supplement":
            outcome = "other.other"
        text = (rng.choice(LAND_TEXT) if is_land else rng.choice(OTHER_TEXT)).format(place=place)
        rows.append(
            {
                "number": f"{PREFIX}{year}-{n + 1:04d}",
                "agency": agency.code,
                "received_on": received.isoformat(),
                "channel": "当面" if on_site_flags[n] else rng.choice(["网络", "网络", "邮寄", "平常信函"]),
                "applicant_kind": column,
                "applicant_name": (rng.choice(SURNAMES) + "某某") if natural else f"某{column}",
                "description": "申请公开" + text,
                "outcome": outcome,
                "concluded_on": done.isoformat(),
                "on_site": "是" if on_site_flags[n] else "否",
                "subject": "征地拆迁" if is_land else rng.choice(SUBJECTS_NOT_LAND),
                "region": region,
                "info_year_from": str(info_from),
                "info_year_to": str(info_to),
                "applicant_group": "被征地农民"
                if farmer
                else ("律师" if column == "法律服务机构" else "其他"),
            }
        )
    return rows


TEXT = {
    2020: (
        "2020年，本厅以《中华人民共和国政府信息公开条例》为依据，全方面做好政府信息主动公开和依申请公开工作。",
        "一是征地信息公开还不够全面，部分市县公开不及时。二是政策解读形式有待丰富。下一步，本厅将按季度检查各市州、"
        "县市区征地信息公开情况并通报结果，进一步完善政府信息公开内容。",
        "本厅认真落实《2020年政务公开工作要点》，人大代表建议和政协提案办理结果已按要求公开。",
    ),
    2021: (
        "2021年，本厅继续推进征地信息公开、规范性文件“三统一”管理和依申请公开规范化建设。",
        "一是部分依申请公开答复说理不够充分。二是规范性文件清理后的公开更新需要加快。下一步，本厅将加强答复文书审核，"
        "并在文件库中及时标注文件效力。",
        "本厅认真落实《2021年政务公开工作要点》，人大代表建议和政协提案办理结果已按要求公开。",
    ),
}
TEXT_RECENT = (
    "{year}年，本机关在本平台办理政府信息公开全部工作：主动公开、依申请公开、规范性文件管理和征地信息公开。",
    "一是部分信息公开不够及时。二是答复文书说理有待加强。下一步，将按季度检查并通报，加强答复文书审核。",
    "认真落实{year}年政务公开工作要点。",
)
# cells Gongkai keeps no records for (2019 format columns), entered by hand from the paper records
HAND = {
    2020: [
        ("section2.art20_5.licensing.previous_items", "126", "2019年行政许可事项清单"),
        ("section2.art20_5.licensing.change", "-4", "2020年行政许可事项清单调整"),
        ("section2.art20_5.other_services.previous_items", "38", "2019年其他对外管理服务事项清单"),
        ("section2.art20_5.other_services.change", "0", "2020年无调整"),
        ("section2.art20_6.penalty.previous_items", "412", "行政处罚事项清单"),
        ("section2.art20_6.penalty.change", "0", "2020年无调整"),
        ("section2.art20_6.coercion.previous_items", "9", "行政强制事项清单"),
        ("section2.art20_6.coercion.change", "0", "2020年无调整"),
        ("section2.art20_8.fees.previous_items", "3", "行政事业性收费目录"),
        ("section2.art20_8.fees.change", "-1", "取消一项收费"),
        (
            "section2.art20_5.licensing.decisions",
            "1203",
            "2020年双公示信息未在本系统录入，按信用平台报送记录统计",
        ),
        (
            "section2.art20_6.penalty.decisions",
            "57",
            "2020年双公示信息未在本系统录入，按信用平台报送记录统计",
        ),
        ("section2.art20_6.coercion.decisions", "0", "2020年无行政强制决定"),
        ("section2.art20_9.procurement.projects", "12", "财务处政府采购台账"),
        ("section2.art20_9.procurement.amount_yuan", "2792220.80", "财务处政府采购台账"),
    ],
    2021: [
        (
            "section2.art20_5.licensing.decisions",
            "1326",
            "2021年双公示信息未在本系统录入，按信用平台报送记录统计",
        ),
        (
            "section2.art20_6.penalty.decisions",
            "61",
            "2021年双公示信息未在本系统录入，按信用平台报送记录统计",
        ),
        ("section2.art20_8.fees.amount_10k_yuan", "0", "财务处：本年度未收取行政事业性收费"),
    ],
}


# Published as the seed was (2021-01-29 16:25) and on time in the other years.
PUBLISHED_AT = {2020: (2021, 1, 29, 16, 25), 2021: (2022, 1, 28, 10, 0), 2025: (2026, 1, 27, 9, 30)}


def _report(agency: Agency, year: int, by: Any) -> None:
    report = services.draft(agency=agency, year=year, by=by)
    section1, section5, section6 = TEXT.get(year, TEXT_RECENT)
    section1, section5, section6 = (t.format(year=year) for t in (section1, section5, section6))
    from gongkai.reports import narrative

    # The demo keeps no 2020–2021 items, letters or 双公示 records (those figures are hand-entered in the
    # tables), so their sentences are left out of the demo text.
    stats = [
        s
        for s in narrative.all_statistics([agency], year)
        if year >= 2024 or s.key not in ("publications", "consultations", "credit")
    ]
    section1 = "\n\n".join([section1, *(s.sentence for s in stats if s.section == "一")])
    section6 = "\n\n".join([*(s.sentence for s in stats if s.section == "六"), section6])
    services.save_text(report=report, by=by, section1=section1, section5=section5, section6=section6)
    for path, value, reason in HAND.get(year, []):
        services.enter_cell(report=report, path=path, value=value, reason=reason, by=by)
    failing = services.blocking(report)
    for check in failing:  # the demo explains nothing away: a failing check is a bug in the demo data
        raise RuntimeError(f"演示年报校验未通过：{check.message}")
    services.review(report=report, by=by)
    y, m, d, hh, mm = PUBLISHED_AT[year]
    services.publish(report=report, by=by, at=datetime(y, m, d, hh, mm, tzinfo=BEIJING))


def load(out: Any) -> list[tuple[str, str, str]]:
    agency = Agency.objects.filter(code="430S00").first()
    if agency is None:
        return []
    made = []
    if not Application.objects.filter(agency=agency, number__startswith=PREFIX).exists():
        by = User.objects.filter(memberships__agency=agency, memberships__role=Role.HEAD).first()
        rng = random.Random(2020)
        for year in sorted(VOLUME):
            rows = ledger_rows(year, agency, rng)
            valid, errors = ledger.validate(rows, agency=agency)
            if errors:
                raise RuntimeError("演示台账有误：" + ledger.format_errors(errors[:5]))
            ledger.import_rows(agency=agency, valid=valid, by=by, source_name=f"{year}年依申请公开台账.xlsx")
        made.append(f"历年依申请公开台账 {sum(v[0] for v in VOLUME.values())} 件")
    for code, year in (("430S00", 2020), ("430S00", 2021), ("430S00", 2025), ("4301S0", 2025)):
        reporter = Agency.objects.filter(code=code).first()
        if reporter is None or AnnualReport.objects.filter(agency=reporter, year=year).exists():
            continue
        head = User.objects.filter(memberships__agency=reporter, memberships__role=Role.HEAD).first()
        _report(reporter, year, head)
        made.append(f"{reporter.short_name}{year}年度报告")
    out.write(
        f"年度报告 {AnnualReport.objects.count()} 份"
        + (f"（本次新建：{'、'.join(made)}）" if made else "")
        + "。"
    )
    return []
