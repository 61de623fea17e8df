"""One application from the citizen's form to the citizen's reply letter, every step done in a real browser.

The applicant files online (with an XSS probe in the description), the disclosure clerk accepts and routes it,
the handling officer drafts the reply, the head reads the draft letter and approves, and the applicant
downloads the final letter. Each step leaves a screenshot in ``test-artifacts/application-flow/``; the
applicant-facing pages pass axe-core (WCAG 2.1 A/AA, no serious or critical violations).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongkai.applications.models import Application
from gongkai.orgs.models import Role
from tests.browser.steps import (
    Shots,
    Watch,
    act,
    axe_serious,
    download,
    expect_saved,
    log_in,
    log_out,
    new_page,
    pdf_first_page_png,
    pdf_text,
)
from tests.factories import UnitFactory, applicant_account, resident_id, staff, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROBE = "<img src=x onerror=window.__x=1>"
DESCRIPTION = f"请公开长沙县黄花镇2019年土地征收批复及征地补偿安置方案。{PROBE}"
TITLE = "关于长沙县2019年度第3批次城镇建设用地的批复"
NUMBER = "湘政土批〔2019〕123号"
APPLICANT = "李秀英"
REPLY = "现将湘政土批〔2019〕123号批复及征地补偿安置方案的电子文本提供给您，请查收。"
UNIT = "耕地保护监督处"

APPLICANT_HOME = "**/accounts/"
STAFF_HOME = "**/staff/"
CASE_URL = re.compile(r"/accounts/applications/[0-9a-f-]{36}/$")


def probe_image(url: str) -> bool:
    return url.split("?")[0].endswith("/x")


def assert_probe_inert(page, watch) -> None:
    """The probe is shown as the text it is; no <img> was made, nothing ran, nothing was fetched."""
    expect(page.get_by_text(PROBE, exact=False).first).to_be_visible()
    assert page.locator("main img[src=x]").count() == 0
    assert page.evaluate("typeof window.__x") == "undefined"
    watch.assert_quiet()


def test_application_from_online_form_to_reply_letter(tree, page, browser, live_server):
    province = tree["province"]
    unit = UnitFactory(agency=province, name=UNIT)
    account = applicant_account()
    clerk = staff(province, Role.CLERK)
    officer = staff(province, Role.OFFICER, unit=unit)
    head = staff(province, Role.HEAD)
    head_totp = totp_device(head)  # heads must use two-factor authentication
    shot = Shots("application-flow")
    axe: dict[str, list[str]] = {}
    pages = [page]
    today = timezone.localdate().isoformat()

    try:
        # --- 1. the applicant registers an identity and files online ----------------------------------
        applicant = Watch(page, probe_image)
        log_in(page, "/accounts/login/", "账号", account.username, landing=APPLICANT_HOME)
        shot(page, "applicant-logged-in")

        page.get_by_role("main").get_by_role("link", name="登记申请人信息").click()
        page.wait_for_url("**/accounts/applicants/new/")
        form = page.get_by_role("main")
        form.get_by_role("radio", name="自然人").check()
        form.get_by_label("姓名或名称").fill(APPLICANT)
        form.get_by_label("证件类型").select_option("resident_id")
        form.get_by_label("证件号码").fill(resident_id("43012119900101002"))
        form.get_by_label("联系电话").fill("13807310002")
        form.get_by_label("通信地址").fill("湖南省长沙县黄花镇某村8号")
        shot(page, "identity-form")
        form.get_by_role("button", name="保存").click()
        page.wait_for_url("**/accounts/applicants/*/")
        expect(page.get_by_role("heading", level=1)).to_have_text(APPLICANT)
        shot(page, "identity-saved")

        page.goto(page.base + f"/gk/{province.code}/apply/")
        shot(page, "apply-page")
        page.get_by_role("main").get_by_role("link", name="在线申请", exact=True).click()
        page.wait_for_url(f"**/gk/{province.code}/apply/online/")
        form = page.get_by_role("main")
        expect(form.get_by_label("申请人")).to_contain_text(APPLICANT)
        form.get_by_label("所需信息的内容描述").fill(DESCRIPTION)
        form.get_by_label("信息名称").fill(TITLE)
        form.get_by_label("文号").fill(NUMBER)
        form.get_by_label("提供形式").select_option(label="电子")
        form.get_by_label("获取方式").select_option(label="网上获取")
        axe["online form"] = axe_serious(page)
        shot(page, "online-form")
        form.get_by_role("button", name="提交申请").click()
        page.wait_for_url(CASE_URL)

        application = Application.objects.get()
        number = application.number
        assert application.description == DESCRIPTION  # stored as typed; escaping is the template's job
        expect(page.get_by_role("heading", level=1)).to_have_text(f"申请编号 {number}")
        expect(page.get_by_role("main")).to_contain_text("您的申请已提交给湖南省自然资源厅")
        expect(page.get_by_role("main")).to_contain_text("待受理")
        assert_probe_inert(page, applicant)
        axe["receipt page"] = axe_serious(page)
        shot(page, "receipt")
        log_out(page, page.base + "/")

        # --- 2. the disclosure clerk accepts the online application and routes it to the unit ---------
        page = new_page(browser, live_server.url)
        pages.append(page)
        clerk_watch = Watch(page, probe_image)
        log_in(page, "/staff/login/", "用户名", clerk.username, landing=STAFF_HOME)
        page.get_by_role("navigation", name="账户").get_by_role("link", name="依申请公开").click()
        page.wait_for_url("**/staff/applications/")
        page.get_by_role("list", name="按紧急程度").get_by_role(
            "link", name=re.compile("网上申请待受理")
        ).click()
        page.wait_for_url("**/staff/applications/?urgency=to_accept")
        row = page.get_by_role("row").filter(has_text=number)
        expect(row).to_contain_text(APPLICANT)
        expect(row).to_contain_text("待受理")
        assert page.evaluate("typeof window.__x") == "undefined"
        shot(page, "clerk-queue-to-accept")
        row.get_by_role("link", name=number).click()
        page.wait_for_url(f"**/staff/applications/{application.public_id}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("待受理")
        assert_probe_inert(page, clerk_watch)
        shot(page, "clerk-case-submitted")

        accept = page.locator("form#accept")
        # The date should come filled in with today; under zh-hans Django renders value="YYYY/MM/DD", which
        # <input type=date> rejects, so the box is empty and the clerk types the date (see the report).
        accept.get_by_label("日期").fill(today)
        act(page, "accept", "受理（以此日为收到申请之日）")
        expect_saved(page)
        expect(page.get_by_role("heading", level=1)).to_contain_text("已受理")
        shot(page, "clerk-accepted")

        assign = page.locator("form#assign")
        assign.get_by_label(UNIT).check()
        act(page, "assign", "分办")
        expect_saved(page)
        expect(page.get_by_role("heading", level=1)).to_contain_text("办理中")
        expect(page.get_by_role("region", name="承办与中止")).to_contain_text(UNIT)
        assert_probe_inert(page, clerk_watch)
        shot(page, "clerk-assigned")
        log_out(page, "**/staff/login/")

        # --- 3. the handling officer drafts the reply ------------------------------------------------
        page = new_page(browser, live_server.url)
        pages.append(page)
        officer_watch = Watch(page, probe_image)
        log_in(page, "/staff/login/", "用户名", officer.username, landing=STAFF_HOME)
        page.get_by_role("navigation", name="账户").get_by_role("link", name="依申请公开").click()
        page.wait_for_url("**/staff/applications/")
        page.get_by_role("row").filter(has_text=number).get_by_role("link", name=number).click()
        page.wait_for_url(f"**/staff/applications/{application.public_id}/")
        draft = page.locator("form#draft")
        draft.get_by_label("办理结果").select_option(label="（一）予以公开")
        draft.get_by_label("答复内容").fill(REPLY)
        shot(page, "officer-draft")
        act(page, "draft", "提交负责人审批")
        expect_saved(page)
        expect(page.get_by_role("heading", level=1)).to_contain_text("答复待审批")
        expect(page.get_by_role("region", name="申请内容")).to_contain_text(REPLY)
        assert_probe_inert(page, officer_watch)
        shot(page, "officer-submitted-for-approval")
        log_out(page, "**/staff/login/")

        # --- 4. the head reads the draft letter and approves -----------------------------------------
        page = new_page(browser, live_server.url)
        pages.append(page)
        head_watch = Watch(page, probe_image)
        log_in(page, "/staff/login/", "用户名", head.username, landing=STAFF_HOME, totp=head_totp)
        page.goto(page.base + f"/staff/applications/{application.public_id}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("答复待审批")
        letter = page.get_by_role("link", name="政府信息公开申请答复告知书（PDF）")
        draft_pdf = shot.path("draft-reply-letter", ".pdf")
        data = download(page, letter, draft_pdf)
        assert data.startswith(b"%PDF")
        text = pdf_text(draft_pdf)
        if text is not None:
            assert "审批稿" in text
            assert APPLICANT in text
        pdf_first_page_png(draft_pdf, shot.path("draft-reply-letter-page1"))
        page.locator("form#approve").get_by_label("日期").fill(today)  # empty for the same reason
        shot(page, "head-case-pending-approval")
        act(page, "approve", "同意并答复")
        expect_saved(page)
        expect(page.get_by_role("heading", level=1)).to_contain_text("已答复")
        assert_probe_inert(page, head_watch)
        shot(page, "head-approved")
        log_out(page, "**/staff/login/")

        # --- 5. the applicant reads the reply and downloads the letter -------------------------------
        page = pages[0]
        log_in(page, "/accounts/login/", "账号", account.username, landing=APPLICANT_HOME)
        page.get_by_role("navigation", name="账户").get_by_role("link", name="我的申请", exact=True).click()
        page.wait_for_url("**/accounts/applications/")
        row = page.get_by_role("row").filter(has_text=number)
        expect(row).to_contain_text("已答复")
        axe["my applications"] = axe_serious(page)
        shot(page, "my-applications")
        row.get_by_role("link", name=number).click()
        page.wait_for_url(CASE_URL)
        main = page.get_by_role("main")
        expect(main).to_contain_text("已答复")
        expect(main).to_contain_text("予以公开")
        expect(main).to_contain_text(REPLY)
        assert_probe_inert(page, applicant)
        axe["case page"] = axe_serious(page)
        shot(page, "applicant-case-replied")

        letter = main.get_by_role("listitem").filter(has_text="政府信息公开申请答复告知书")
        final_pdf = shot.path("reply-letter", ".pdf")
        data = download(page, letter.get_by_role("link", name="PDF", exact=True), final_pdf)
        assert data.startswith(b"%PDF")
        text = pdf_text(final_pdf)
        if text is not None:
            assert "审批稿" not in text
            assert APPLICANT in text
            assert re.sub(r"\s+", "", PROBE) in text  # quoted as text, not read as markup
            assert re.sub(r"\s+", "", REPLY) in text
        pdf_first_page_png(final_pdf, shot.path("reply-letter-page1"))
    except Exception:
        shot(page, "FAILED")  # what the person saw when the test gave up
        raise
    finally:
        for other in pages[1:]:
            other.context.close()

    assert {where: found for where, found in axe.items() if found} == {}
