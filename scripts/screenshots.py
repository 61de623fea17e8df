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
        staff.fill("#id_username", "hn.head")
        staff.fill("#id_password", "gongkai-demo")
        staff.click("main button[type=submit]")
        staff.wait_for_url(f"{BASE}/staff/")
        staff.goto(f"{BASE}/staff/applications/")
        staff.screenshot(path=OUT / "staff-applications.png", full_page=False)
        staff.goto(f"{BASE}/staff/applications/?status=pending_approval")
        staff.locator("tbody a").first.click()
        staff.wait_for_load_state()
        staff.screenshot(path=OUT / "staff-application.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
