"""Take the README's screenshots from a running server: ``python scripts/screenshots.py [BASE_URL]``."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(f"{BASE}/")
        page.screenshot(path=OUT / "portal-home.png", full_page=True)
        page.goto(f"{BASE}/gk/430S00/guide/")
        page.screenshot(path=OUT / "portal-guide.png", full_page=True)
        page.goto(f"{BASE}/staff/login/")
        page.fill("#id_username", "hn.supervisor")
        page.fill("#id_password", "gongkai-demo")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{BASE}/staff/")
        page.screenshot(path=OUT / "staff-dashboard.png", full_page=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        staff = context.new_page()
        staff.goto(f"{BASE}/staff/login/")
        staff.fill("#id_username", "hn.clerk")
        staff.fill("#id_password", "gongkai-demo")
        staff.click("main button[type=submit]")
        staff.wait_for_url(f"{BASE}/staff/")
        staff.goto(f"{BASE}/staff/applications/")
        staff.screenshot(path=OUT / "staff-applications.png", full_page=False)
        staff.goto(f"{BASE}/staff/applications/?status=pending_approval")
        staff.locator("tbody a").first.click()
        staff.wait_for_load_state()
        staff.screenshot(path=OUT / "staff-application.png", full_page=True)
        # the normative library: a replaced document and its successor
        page.goto(f"{BASE}/gk/430S00/normative/?status=expired")
        page.screenshot(path=OUT / "normative-library.png", full_page=False)
        page.goto(f"{BASE}/gk/430S00/normative/?q=宅基地")
        page.get_by_role("link", name="湖南省国土资源厅农村宅基地审批管理办法").first.click()
        page.wait_for_load_state()
        page.screenshot(path=OUT / "normative-document.png", full_page=False)
        # the annual report on the portal, desktop and phone
        page.goto(f"{BASE}/gk/430S00/reports/2020/")
        page.screenshot(path=OUT / "report-2020.png", full_page=False)
        phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        phone.goto(f"{BASE}/gk/430S00/reports/2021/")
        phone.locator("section.ar-section-3 h2").scroll_into_view_if_needed()
        phone.screenshot(path=OUT / "report-2021-phone.png", full_page=False)
        phone.goto(f"{BASE}/gk/430S00/proactive/")
        phone.screenshot(path=OUT / "portal-proactive-phone.png", full_page=False)
        phone.goto(f"{BASE}/land/")
        phone.screenshot(path=OUT / "land-lookup-phone.png", full_page=False)
        page.goto(f"{BASE}/land/notices/")
        page.locator("main a").filter(has_text="通报").first.click()
        page.wait_for_load_state()
        page.screenshot(path=OUT / "land-notice.png", full_page=False)
        # the report in the back office: every figure links to its cases
        clerk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        clerk.goto(f"{BASE}/staff/login/")
        clerk.fill("#id_username", "hn.clerk")
        clerk.fill("#id_password", "gongkai-demo")
        clerk.click("main button[type=submit]")
        clerk.wait_for_url(f"{BASE}/staff/")
        clerk.goto(f"{BASE}/staff/reports/")
        clerk.get_by_role("link", name="已发布").first.click()
        clerk.wait_for_load_state()
        clerk.locator("section.ar-section-3 h2").scroll_into_view_if_needed()
        clerk.screenshot(path=OUT / "staff-report.png", full_page=False)
        page.goto(f"{BASE}/search/?q=zhengdi")
        page.screenshot(path=OUT / "search.png", full_page=False)
        browser.close()


if __name__ == "__main__":
    main()
