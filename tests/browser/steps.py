"""What people do in the browser, step by step: log in, submit a form, download a file, keep a screenshot.

Shared by the end-to-end browser tests. Everything waits explicitly for the navigation a click causes, so a
step never reads the page it is leaving.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class Shots:
    """Numbered full-page screenshots of one scenario: ``test-artifacts/<name>/NN-step.png``."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.iterdir():  # a rerun never mixes its pictures with an older run's
            if old.is_file():
                old.unlink()
        self.count = 0

    def path(self, step: str, suffix: str = ".png") -> Path:
        self.count += 1
        return self.folder / f"{self.count:02d}-{step}{suffix}"

    def __call__(self, page: Page, step: str) -> Path:
        target = self.path(step)
        page.screenshot(path=str(target), full_page=True)
        return target


class Watch:
    """What a hostile payload would leave on a page: dialogs, script errors, a request for its image."""

    def __init__(self, page: Page, probe_url: Callable[[str], bool]) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.probe_requests: list[str] = []

        def on_dialog(dialog: object) -> None:
            self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
            dialog.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda r: self.probe_requests.append(r.url) if probe_url(r.url) else None)

    def assert_quiet(self) -> None:
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        assert self.errors == [], f"script errors: {self.errors}"
        assert self.probe_requests == [], f"the probe's image was requested: {self.probe_requests}"


def new_page(browser: Browser, base: str) -> Page:
    """Another person at another computer: a fresh browser context (no shared cookies), like the fixture."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = base  # type: ignore[attr-defined]
    return page


def log_in(
    page: Page, path: str, account_label: str, username: str, *, landing: str, totp: str | None = None
) -> None:
    """Log in with the password; with ``totp`` (the secret of the user's authenticator, see
    ``tests.factories.totp_device``) also pass the second step with the current code."""
    page.goto(page.base + path)  # type: ignore[attr-defined]
    main = page.get_by_role("main")
    main.get_by_label(account_label).fill(username)
    main.get_by_label("密码").fill(PASSWORD)
    main.get_by_role("button", name="登录").click()
    if totp is not None:
        import pyotp

        page.wait_for_url("**/staff/login/otp/")
        main.get_by_label("验证码或恢复码").fill(pyotp.TOTP(totp).now())
        main.get_by_role("button", name="验证并登录").click()
    page.wait_for_url(landing)


def log_out(page: Page, landing: str) -> None:
    page.get_by_role("navigation", name="账户").get_by_role("button", name="退出").click()
    page.wait_for_url(landing)


def act(page: Page, form_id: str, button: str) -> None:
    """Submit one action form of the staff case page; the answer redirects back to ``…/#<form_id>``.

    Every action form carries the version of the case it was rendered from (a stale form is refused).
    """
    form = page.locator(f"form#{form_id}")
    expect(form.locator("input[type=hidden][name=version]")).to_have_value(re.compile(r"^\d+$"))
    form.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(rf"/staff/applications/[0-9a-f-]+/#{form_id}$"))


def expect_saved(page: Page) -> None:
    status = page.get_by_role("status")
    expect(status).to_contain_text("已完成")
    expect(status.locator(".message.error")).to_have_count(0)


def download(page: Page, link: object, target: Path) -> bytes:
    with page.expect_download() as info:
        link.click()  # type: ignore[attr-defined]
    info.value.save_as(str(target))
    return target.read_bytes()


def pdf_text(path: Path) -> str | None:
    """The PDF's text without white space (lines break anywhere in Chinese); None without poppler."""
    if not shutil.which("pdftotext"):
        return None
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def pdf_first_page_png(pdf: Path, target: Path) -> Path | None:
    """Render page 1 at 50 dpi next to the other screenshots (pdftoppm appends ``-1``; it is renamed)."""
    if not shutil.which("pdftoppm"):
        return None
    prefix = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    made = sorted(prefix.parent.glob(prefix.name + "-*.png"))
    assert made, f"pdftoppm wrote nothing for {pdf}"
    made[0].replace(target)
    return target


def axe_serious(page: Page) -> list[str]:
    """Serious and critical WCAG 2.1 A/AA violations here, as ``rule (impact): help — targets``."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
