"""The portal's search in a real Chromium: a pinyin query typed into the search box of the home page
finds the traditional-character notice and opens it; axe-core finds no serious WCAG 2.1 AA problem on
the results page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_pinyin_query_in_the_search_box_opens_the_result(corpus, page):
    notice = corpus["notice"]
    assert page.goto(page.base + "/").status == 200
    box = page.get_by_role("search", name="站内搜索").get_by_role("searchbox")
    box.fill("zhengdi")
    box.press("Enter")
    page.wait_for_url("**/search/?q=zhengdi")
    assert page.get_by_text("您是不是要找").is_visible()  # 征地
    page.screenshot(path="test-artifacts/search-results.png", full_page=True)
    problems = serious(Axe().run(page, options=WCAG))
    assert problems == []
    page.get_by_role("link", name="长沙县黄花镇征地拆迁补偿安置方案公告").click()
    page.wait_for_url(f"**/gk/430S00/info/{notice.pk}/")
    assert page.get_by_role("heading", name="長沙縣黃花鎮徵地拆遷補償安置方案公告").is_visible()


def test_suggestions_under_the_box_and_axe_on_the_page(corpus, page):
    page.goto(page.base + "/search/?q=征地&year=2025")
    assert serious(Axe().run(page, options=WCAG)) == []
    box = page.locator("#site-search-q")
    box.fill("zhengd")
    suggestion = page.locator("#site-search-suggestions a", has_text="征地").first
    suggestion.wait_for()
    suggestion.click()
    page.wait_for_url("**/search/?q=*")
    assert "共找到" in page.content()
