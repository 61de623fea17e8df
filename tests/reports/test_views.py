"""Staff and public pages of the annual report: provenance links, hand entry, checks, the workflow,
downloads, the supervisor's roll-up, and 404 for anyone outside."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from gongkai.orgs.models import Role
from gongkai.reports import services
from gongkai.reports.models import AnnualReport, Stage
from tests.factories import PASSWORD, staff
from tests.reports.test_counts import create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    province = tree["province"]
    create(province, 1, "natural_person", date(2021, 3, 1), 10, "disclosed")
    create(province, 2, "legal_service_org", date(2021, 12, 28), None, "")
    create(tree["city_a"], 3, "natural_person", date(2021, 5, 1), 5, "unavailable.not_held")
    return {
        "province": province,
        "head": staff(province, Role.HEAD, Role.CLERK),
        "clerk": staff(province, Role.CLERK),
        "supervisor": staff(province, Role.SUPERVISOR),
        "county": staff(tree["county_a1"], Role.CLERK, Role.HEAD),
    }


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_prepare_review_publish_and_read_on_the_portal(client, world):
    login(client, world["clerk"])
    assert client.get(reverse("reports_staff:list")).status_code == 200
    response = client.post(reverse("reports_staff:start"), {"agency": "430S00", "year": "2021"})
    report = AnnualReport.objects.get()
    assert response.url == reverse("reports_staff:detail", args=[report.pk])
    page = client.get(response.url).content.decode()
    cell = reverse("reports_staff:cell", args=[report.pk]) + "?path=section3.new_received.natural_person"
    assert f'href="{cell}"' in page  # every count links to the cases behind it
    cases = client.get(cell).content.decode()
    assert "T00001" in cases and "T00003" not in cases  # the other agency's case is not behind it
    client.post(
        reverse("reports_staff:enter_cell", args=[report.pk]),
        {"path": "section2.art20_8.fees.amount_10k_yuan", "value": "0.12", "reason": "财务处统计"},
    )
    client.post(
        reverse("reports_staff:text", args=[report.pk]),
        {"section1": "总体情况", "section5": "无", "section6": "无"},
    )
    report.refresh_from_db()
    assert report.section1 == "总体情况" and report.entries.count() == 1
    # the clerk may not review; the head may
    assert client.post(reverse("reports_staff:action", args=[report.pk, "review"])).status_code == 404
    login(client, world["head"])
    client.post(reverse("reports_staff:action", args=[report.pk, "review"]))
    client.post(reverse("reports_staff:action", args=[report.pk, "publish"]))
    report.refresh_from_db()
    assert report.stage == Stage.PUBLISHED
    client.logout()
    listing = client.get(reverse("portal:reports", args=["430S00"])).content.decode()
    assert reverse("reports_public:detail", args=["430S00", 2021]) in listing
    public = client.get(reverse("reports_public:detail", args=["430S00", 2021])).content.decode()
    assert "湖南省自然资源厅2021年政府信息公开工作年度报告" in public and "0.1200" in public
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK"), ("json", b"{")):
        r = client.get(reverse("reports_public:download", args=["430S00", 2021, fmt]))
        assert r.status_code == 200 and r.content.startswith(magic)


def test_failing_checks_are_shown_and_block_review(client, world):
    report = services.draft(agency=world["province"], year=2021, by=world["head"])
    services.enter_cell(
        report=report,
        path="section3.disclosed.natural_person",
        value="5",
        reason="纸质台账",
        by=world["head"],
    )
    login(client, world["head"])
    page = client.get(reverse("reports_staff:detail", args=[report.pk])).content.decode()
    assert "balance:natural_person" in page
    client.post(reverse("reports_staff:action", args=[report.pk, "review"]))
    report.refresh_from_db()
    assert report.stage == Stage.DRAFT


def test_drafts_are_not_public_and_other_agencies_see_nothing(client, world):
    report = services.draft(agency=world["province"], year=2021, by=world["head"])
    assert client.get(reverse("reports_public:detail", args=["430S00", 2021])).status_code == 404
    login(client, world["county"])
    assert client.get(reverse("reports_staff:detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports_staff:download", args=[report.pk, "json"])).status_code == 404
    assert client.get(reverse("reports_staff:rollup", args=["430S00", 2021])).status_code == 404


def test_supervisor_rollup_sums_the_subtree_with_a_breakdown(client, world):
    login(client, world["supervisor"])
    page = client.get(reverse("reports_staff:rollup", args=["430S00", 2021])).content.decode()
    assert "长沙市自然资源和规划局" in page and "未发布" in page
    assert "湖南省自然资源厅（含下级机关）2021年政府信息公开工作年度报告" in page


def test_dashboard_says_the_report_is_due_in_january(world):
    from gongkai.reports.selectors import reports_due

    head = world["head"]
    assert reports_due(head, date(2022, 2, 1)) is None
    due = reports_due(head, date(2022, 1, 5))
    assert due == {"year": 2021, "due": date(2022, 1, 31), "agencies": ["省厅"]}
    report = services.draft(agency=world["province"], year=2021, by=head)
    services.review(report=report, by=head)
    services.publish(report=report, by=head)
    assert reports_due(head, date(2022, 1, 5)) is None


def test_a_refused_hand_entry_keeps_what_was_typed(client, world):
    report = services.draft(agency=world["province"], year=2021, by=world["head"])
    login(client, world["clerk"])
    response = client.post(
        reverse("reports_staff:enter_cell", args=[report.pk]),
        {"path": "section2.art20_8.fees.amount_10k_yuan", "value": "十二", "reason": "财务处的统计表"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "不是数字" in page
    assert 'value="十二"' in page and 'value="财务处的统计表"' in page
    assert 'value="section2.art20_8.fees.amount_10k_yuan" selected' in page
