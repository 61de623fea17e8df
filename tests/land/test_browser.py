"""In a real Chromium: a visitor picks city → county → township → village (no script needed), sees the
village's projects with their documents, opens a published document, and opens the quarterly notice;
axe-core finds no serious WCAG 2.1 AA problem on the lookup page. Screenshots: test-artifacts/land-*.png."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gongkai.land import rules, services
from gongkai.orgs.models import Role
from gongkai.publishing import services as publishing
from tests.browser.steps import axe_serious
from tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TZ = ZoneInfo("Asia/Shanghai")


def _publish(agency, disclosure, issued: date, online: date) -> None:
    people = staff(agency, Role.CLERK, Role.REVIEWER, Role.PUBLISHER)
    item = publishing.item_create(
        agency=agency,
        by=people,
        data={
            "node": services.land_node(agency),
            "title": f"{disclosure.project.name}{disclosure.requirement.name}",
            "formed_on": issued,
            "body": "<p>征收范围：永安镇永安村。</p>",
        },
    )
    publishing.item_submit(item=item, by=people)
    publishing.item_review(item=item, approve=True, note="同意", by=people)
    publishing.item_publish(item=item, by=people, published_at=datetime.combine(online, time(10), TZ))
    services.disclosure_update(disclosure=disclosure, data={"item": item}, by=people)


def test_visitor_finds_the_projects_of_a_village_and_opens_a_notice(tree, places, make_project, page):
    project = make_project(approval_date=date(2025, 10, 20))
    notice_doc = project.disclosures.get(requirement__key="expropriation_notice")
    _publish(tree["county_a2"], notice_doc, date(2025, 10, 24), date(2025, 10, 27))
    head = staff(tree["province"], Role.HEAD, Role.REVIEWER, Role.PUBLISHER)
    notice = services.notice_save(
        agency=tree["province"], quarter=rules.Quarter(2025, 4), remarks="请整改。", by=head
    )
    item = services.notice_issue(notice=notice, by=head)
    publishing.item_review(item=item, approve=True, note="同意", by=head)
    publishing.item_publish(item=item, by=head)
    services.notice_sync(notice)

    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(page.base + "/land/")
    for name, value in (
        ("city", "430100"),
        ("county", "430181"),
        ("township", "430181104"),
        ("village", "430181104200"),
    ):
        page.select_option(f"#f-{name}", value)
        with page.expect_navigation():
            page.click("form.land-filters button[type=submit]")
    assert page.locator("h2#h-projects").inner_text().startswith("长沙市浏阳市永安镇永安村")
    assert page.locator(".land-project h3").inner_text() == project.name
    assert axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "land-lookup-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "land-lookup-phone.png"), full_page=True)
    assert axe_serious(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_navigation():
        page.click("a:text('征收土地公告')")
    assert "征收范围：永安镇永安村" in page.content()

    page.goto(page.base + "/land/?q=ly")
    with page.expect_navigation():
        page.click("a:text('长沙市浏阳市')")
    assert project.name in page.content()

    page.goto(page.base + "/land/")
    with page.expect_navigation():
        page.click(f"a:text('{notice}')")
    assert page.locator("h1").first.inner_text() == str(notice)
    assert "浏阳市" in page.content()
    page.screenshot(path=str(ARTIFACTS / "land-notice-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "land-notice-phone.png"), full_page=True)
    response = page.request.get(page.base + "/land/notices/2025/4.pdf")
    assert response.status == 200 and response.body()[:4] == b"%PDF"
