"""The annual report in a real Chromium: the portal's list and report pages pass axe-core (desktop and
phone), and a staff member follows a figure to the applications behind it."""

from __future__ import annotations

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from gongkai.orgs.models import Role
from gongkai.reports import services
from tests.factories import PASSWORD, staff
from tests.reports.test_counts import create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_report_pages_and_provenance(tree, page):
    province = tree["province"]
    create(province, 1, "natural_person", date(2021, 3, 1), 10, "disclosed")
    create(province, 2, "commercial_enterprise", date(2021, 6, 1), 20, "partially_disclosed")
    head, clerk = staff(province, Role.HEAD), staff(province, Role.CLERK)
    report = services.draft(agency=province, year=2021, by=head)
    services.save_text(
        report=report, by=head, section1="（一）主动公开\n本年度……", section5="无", section6="无"
    )
    services.review(report=report, by=head)
    services.publish(report=report, by=head)

    axe = Axe()
    problems = {}
    for path in ("/gk/430S00/reports/", "/gk/430S00/reports/2021/"):
        assert page.goto(page.base + path).status == 200, path
        if found := serious(axe.run(page, options=WCAG)):
            problems[path] = found
    page.screenshot(path="test-artifacts/report-portal-desktop.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.base + "/gk/430S00/reports/2021/")
    if found := serious(axe.run(page, options=WCAG)):
        problems["phone"] = found
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    )  # the page itself never scrolls sideways
    page.screenshot(path="test-artifacts/report-portal-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(page.base + "/staff/login/")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/**")
    page.goto(page.base + f"/staff/reports/{report.pk}/")
    if found := serious(axe.run(page, options=WCAG)):
        problems["staff"] = found
    page.click('a[href$="?path=section3.new_received.natural_person"]')
    page.wait_for_url("**/cell/**")
    assert "T00001" in page.content() and "T00002" not in page.content()
    page.screenshot(path="test-artifacts/report-provenance.png", full_page=True)
    assert problems == {}
