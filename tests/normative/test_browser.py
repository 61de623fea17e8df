"""The public library in a real Chromium: find a repealed document through the filters, read its status,
follow the link to what replaced it; axe-core finds no serious WCAG 2.1 AA problem on the list and the
document pages (staff pages checked too). Screenshots: ``test-artifacts/normative-*.png``."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.steps import ARTIFACTS, axe_serious
from tests.factories import PASSWORD
from tests.normative.test_views import build_library

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"normative-{name}.png"), full_page=True)


def test_find_a_repealed_document_and_follow_it_to_its_replacement(province, clerk, page):
    library = build_library(province, clerk)
    repealed, new = library["repealed"], library["new"]
    problems: dict[str, list[str]] = {}

    page.goto(f"{page.base}/gk/{province.code}/normative/")
    expect(page.locator("h1")).to_have_text("规范性文件库")
    expect(page.locator(".column-nav a[aria-current=page]")).to_have_text("规范性文件库")
    problems["list"] = axe_serious(page)
    shot(page, "list")

    page.select_option("#f-status", "repealed")
    page.select_option("#f-topic", "土地管理")
    with page.expect_navigation():
        page.click("form.normative-filters button[type=submit]")
    assert "status=repealed" in page.url
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".status-tag")).to_have_text("废止")
    problems["list-filtered"] = axe_serious(page)
    shot(page, "list-filtered")

    with page.expect_navigation():
        rows.first.get_by_role("link", name=repealed.title).click()
    expect(page.locator("h1")).to_have_text(repealed.title)
    expect(page.locator(".validity-banner .status-tag")).to_have_text("废止")
    expect(page.locator(".validity-banner")).to_contain_text("本文件已被废止，请查看")
    problems["detail"] = axe_serious(page)
    shot(page, "detail-repealed")

    with page.expect_navigation():
        page.locator(".validity-banner .replacement a").click()
    expect(page.locator("h1")).to_have_text(new.title)
    expect(page.locator(".validity-banner .status-tag")).to_have_text("有效")
    expect(page.locator("#h-relations + ul")).to_contain_text(repealed.title)
    problems["replacement"] = axe_serious(page)
    shot(page, "detail-replacement")

    # a phone: the list's cells carry their column names
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base}/gk/{province.code}/normative/?status=expired")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    problems["list-phone"] = axe_serious(page)
    shot(page, "list-phone")

    assert {k: v for k, v in problems.items() if v} == {}


def test_staff_pages_pass_axe(province, clerk, page):
    library = build_library(province, clerk)
    page.goto(page.base + "/staff/login/")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/**")
    problems = {}
    for path in (
        "/staff/normative/",
        "/staff/normative/new/",
        f"/staff/normative/{library['new'].pk}/",
        f"/staff/normative/{library['draft'].pk}/",
        f"/staff/normative/{library['new'].pk}/edit/",
        "/staff/normative/cleanups/",
    ):
        assert page.goto(page.base + path).status == 200, path
        found = axe_serious(page)
        if found:
            problems[path] = found
    page.goto(page.base + "/staff/normative/cleanups/")
    page.fill("#id_name", "2026 年度清理")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    expect(page.locator("h1")).to_contain_text("2026 年度清理")
    found = axe_serious(page)
    if found:
        problems["cleanup"] = found
    shot(page, "staff-cleanup")
    assert problems == {}
