"""Demonstration reconsideration and litigation cases: the department (``430S00``) in 2020 and 2021 —
every kind, every result, a reconsideration and a lawsuit concluded in the following year (pending for
the report of their filing year), two lawsuits after a reconsideration linked to it — one recent open
case, and two cases of the 长沙市 bureau. Each case is linked to a demo application of the same agency
received shortly before it, where one exists. Built through the service layer (every case has its
history); idempotent (a case whose number exists is left alone).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from gongkai.appeals import services
from gongkai.appeals.models import AppealCase
from gongkai.applications.models import Application
from gongkai.orgs.models import Agency, User

PROVINCE_GOVERNMENT = "湖南省人民政府"
MINISTRY = "自然资源部"
COURT = "长沙铁路运输法院"
CITY_GOVERNMENT = "长沙市人民政府"

# number, kind, body, filed, result, concluded, related number, summary
Case = tuple[str, str, str, date, str, date | None, str, str]
DEPARTMENT: list[Case] = [
    (
        "湘政复〔2020〕58号",
        "reconsideration",
        PROVINCE_GOVERNMENT,
        date(2020, 4, 13),
        "upheld",
        date(2020, 6, 5),
        "",
        "申请人认为本厅对征收土地批复文件的答复不完整，申请行政复议；复议机关维持原答复。",
    ),
    (
        "自然资复议〔2020〕301号",
        "reconsideration",
        MINISTRY,
        date(2020, 7, 20),
        "corrected",
        date(2020, 9, 14),
        "",
        "申请人对“本机关不掌握相关政府信息”的答复不服；复议机关责令重新答复。",
    ),
    (
        "湘政复〔2020〕187号",
        "reconsideration",
        PROVINCE_GOVERNMENT,
        date(2020, 12, 10),
        "upheld",
        date(2021, 1, 25),
        "",
        "申请人对不予公开（内部事务信息）的答复不服。2021 年审结，计入 2020 年度报告的“尚未审结”。",
    ),
    (
        "（2020）湘8601行初172号",
        "litigation_direct",
        COURT,
        date(2020, 5, 18),
        "upheld",
        date(2020, 10, 30),
        "",
        "原告认为本厅逾期答复，直接提起行政诉讼；法院判决驳回诉讼请求。",
    ),
    (
        "（2020）湘8601行初309号",
        "litigation_after_reconsideration",
        COURT,
        date(2020, 7, 2),
        "other",
        date(2020, 8, 20),
        "湘政复〔2020〕58号",
        "复议决定维持后原告起诉，后申请撤诉，法院裁定准许。",
    ),
    (
        "湘政复〔2021〕36号",
        "reconsideration",
        PROVINCE_GOVERNMENT,
        date(2021, 3, 8),
        "upheld",
        date(2021, 4, 28),
        "",
        "申请人对征地补偿安置方案的公开范围有异议；复议机关维持。",
    ),
    (
        "湘政复〔2021〕142号",
        "reconsideration",
        PROVINCE_GOVERNMENT,
        date(2021, 9, 6),
        "other",
        date(2021, 9, 30),
        "",
        "申请人撤回行政复议申请，复议机关决定终止。",
    ),
    (
        "（2021）湘8601行初88号",
        "litigation_after_reconsideration",
        COURT,
        date(2021, 2, 8),
        "corrected",
        date(2021, 7, 16),
        "湘政复〔2020〕187号",
        "法院判决撤销原答复，责令本厅重新答复。",
    ),
    (
        "（2021）湘8601行初260号",
        "litigation_direct",
        COURT,
        date(2021, 11, 22),
        "upheld",
        date(2022, 4, 15),
        "",
        "2022 年判决驳回诉讼请求，计入 2021 年度报告的“尚未审结”。",
    ),
]
CHANGSHA: list[Case] = [
    (
        "长政复〔2021〕19号",
        "reconsideration",
        CITY_GOVERNMENT,
        date(2021, 5, 10),
        "corrected",
        date(2021, 6, 30),
        "",
        "复议机关认为答复未说明理由，责令重新答复。",
    ),
    (
        "（2021）湘8601行初131号",
        "litigation_direct",
        COURT,
        date(2021, 6, 15),
        "upheld",
        date(2021, 12, 2),
        "",
        "法院判决驳回诉讼请求。",
    ),
]


def _application_before(agency: Agency, filed: date) -> Application | None:
    """A replied application of ``agency`` received 15 to 150 days before ``filed``, not linked yet."""
    return (
        Application.objects.filter(
            agency=agency,
            status="replied",
            received_on__gte=filed - timedelta(days=150),
            received_on__lte=filed - timedelta(days=15),
            appeal_cases__isnull=True,
        )
        .order_by("received_on", "number")
        .first()
    )


def _make(agency: Agency, case: Case, by: Any, today: date) -> int:
    number, kind, body, filed, result, concluded, related, summary = case
    if AppealCase.objects.filter(agency=agency, number=number).exists():
        return 0
    application = _application_before(agency, filed)
    created = services.appeal_create(
        agency=agency,
        data={
            "number": number,
            "kind": kind,
            "body": body,
            "filed_on": filed,
            "application_number": application.number if application else "",
            "related_number": related,
            "summary": summary,
        },
        by=by,
        reason="演示数据",
        today=today,
    )
    if result != "pending":
        services.appeal_conclude(created, result=result, concluded_on=concluded, by=by, today=today)
    return 1


def load(out: Any) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    made = 0
    for code, cases in (("430S00", DEPARTMENT), ("4301S0", CHANGSHA)):
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            continue
        by = User.objects.filter(memberships__agency=agency, memberships__role="clerk").first()
        for case in cases:
            made += _make(agency, case, by, today)
        if code == "430S00":
            # One open case about a recent demo application, to show the deadline.
            recent = _application_before(agency, today - timedelta(days=20))
            number = f"湘政复〔{today.year}〕7号"
            if recent is not None and not AppealCase.objects.filter(agency=agency, number=number).exists():
                made += _make(
                    agency,
                    (
                        number,
                        "reconsideration",
                        PROVINCE_GOVERNMENT,
                        today - timedelta(days=20),
                        "pending",
                        None,
                        "",
                        "申请人对部分公开的答复不服，申请行政复议，尚在审理。",
                    ),
                    by,
                    today,
                )
    out.write(f"行政复议、行政诉讼案件 {AppealCase.objects.count()} 件（本次新建 {made} 件）。")
    return []
