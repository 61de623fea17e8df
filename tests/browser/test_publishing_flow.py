"""Proactive disclosure in a real browser: one item from the writer's draft to the portal and back out.

A writer drafts an item (with a ``<script>`` probe in the body) and sends it to the confidentiality review,
the reviewer approves, the publisher publishes; the public then finds it in the catalogue, on its page (with
its 索引号), in the Atom feed and in the open-data API. The publisher withdraws it: it leaves the list, the
feed and the API, and its page answers 410 with the reason. Every public page type passes axe-core (WCAG 2.1
A/AA, no serious or critical violations); the elder-friendly mode is checked too. The main reading pages
fit a phone's width. Screenshots, axe details and phone measurements go to
``test-artifacts/publishing-flow/{e2e,axe,axe-elder,phone}/``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from gongkai.core.calendar import working_calendar
from gongkai.mailbox.models import Box, BoxKind
from gongkai.orgs.models import Role
from gongkai.publishing import services
from gongkai.publishing.models import CatalogueNode, Item
from tests.browser.steps import WCAG_TAGS, Shots, Watch, log_in, log_out, new_page
from tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "430S00"
NODE = "征地信息"
TITLE = "关于长沙县2026年度第5批次城镇建设用地征收土地的批复"
PARAGRAPH = "经省人民政府批准，同意征收长沙县黄花镇集体农用地12.5公顷，用于城镇建设。"
PROBE = "<script>window.__x=1</script>"
BODY = f"<p>{PARAGRAPH}</p>{PROBE}"
REVIEW_NOTE = "不涉及国家秘密、工作秘密和个人隐私，同意公开。"
REASON = "批复文号有误，更正后重新发布"
STAFF_HOME = "**/staff/"
STAFF_ITEM = re.compile(r"/staff/publishing/\d+/$")
ATOM = "{http://www.w3.org/2005/Atom}"
PHONE = {"width": 390, "height": 844}


def recent_working_day() -> date:
    """The last working day before today (the 成文日期 of a document signed a few days ago)."""
    calendar = working_calendar()
    day = timezone.localdate() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def feed_entries(page: Page, path: str) -> dict[str, str]:
    """The Atom feed's entries, as ``{id: title}`` (fetched like a feed reader, outside the page)."""
    response = page.request.get(page.base + path)  # type: ignore[attr-defined]
    assert response.status == 200, path
    assert "atom" in response.headers["content-type"]
    root = ET.fromstring(response.body())  # noqa: S314 - our own server's feed
    return {e.findtext(f"{ATOM}id", ""): e.findtext(f"{ATOM}title", "") for e in root.iter(f"{ATOM}entry")}


def api_items(page: Page, agency: str) -> dict[str, str]:
    """The open-data API's items of one agency, as ``{index_number: title}``."""
    response = page.request.get(page.base + f"/api/v1/items/?agency={agency}")  # type: ignore[attr-defined]
    assert response.status == 200
    return {row["index_number"]: row["title"] for row in response.json()["results"]}


def open_staff_item(page: Page, status_label: str) -> None:
    """From the staff menu to the item, through the list filtered by its state, as a colleague would."""
    page.get_by_role("navigation", name="账户").get_by_role("link", name="主动公开").click()
    page.wait_for_url("**/staff/publishing/")
    page.get_by_role("main").get_by_label("状态").select_option(label=status_label)
    page.get_by_role("main").get_by_role("button", name="筛选").click()
    page.wait_for_url("**/staff/publishing/?status=*")
    page.get_by_role("row").filter(has_text=TITLE).get_by_role("link", name=TITLE).click()
    page.wait_for_url(STAFF_ITEM)


def expect_state(page: Page, label: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(f"当前状态：{label}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(label)


def test_item_from_draft_to_portal_and_withdrawn(tree, page, browser, live_server):
    province = tree["province"]
    services.catalogue_seed(province)
    node = CatalogueNode.objects.get(agency=province, name=NODE)
    writer = staff(province, Role.CLERK)
    reviewer = staff(province, Role.REVIEWER)
    publisher = staff(province, Role.PUBLISHER)
    formed = recent_working_day()
    shot = Shots("publishing-flow/e2e")
    pages = [page]
    node_path = f"/gk/{CODE}/proactive/{node.pk}/"

    try:
        # --- 1. the writer drafts the item and sends it to the confidentiality review ----------------
        writer_watch = Watch(page, lambda url: False)
        log_in(page, "/staff/login/", "用户名", writer.username, landing=STAFF_HOME)
        page.get_by_role("navigation", name="账户").get_by_role("link", name="主动公开").click()
        page.wait_for_url("**/staff/publishing/")
        shot(page, "writer-list")
        page.get_by_role("main").get_by_role("link", name="新建信息").click()
        page.wait_for_url("**/staff/publishing/new/")
        form = page.get_by_role("main")
        form.get_by_label("目录").select_option(label=NODE)
        form.get_by_label("标题").fill(TITLE)
        form.get_by_label("成文日期").fill(formed.isoformat())
        form.get_by_label("正文").fill(BODY)
        shot(page, "writer-new-item")
        form.get_by_role("button", name="保存").click()
        page.wait_for_url(STAFF_ITEM)
        expect(page.get_by_role("status")).to_contain_text("已保存")
        expect(page.get_by_role("heading", level=1)).to_contain_text("草稿")
        item = Item.objects.get(title=TITLE)
        assert "script" not in item.body and PARAGRAPH in item.body  # sanitised on save
        assert item.formed_on == formed and item.node == node
        assert page.evaluate("typeof window.__x") == "undefined"
        shot(page, "writer-saved-draft")
        page.get_by_role("main").get_by_role("button", name="送保密审查").click()
        page.wait_for_url(STAFF_ITEM)
        expect_state(page, "待保密审查")
        writer_watch.assert_quiet()
        shot(page, "writer-submitted")
        log_out(page, "**/staff/login/")

        # --- 2. the reviewer approves ----------------------------------------------------------------
        page = new_page(browser, live_server.url)
        pages.append(page)
        log_in(page, "/staff/login/", "用户名", reviewer.username, landing=STAFF_HOME)
        open_staff_item(page, "待保密审查")
        expect(page.get_by_role("main")).to_contain_text(PARAGRAPH)
        assert page.evaluate("typeof window.__x") == "undefined"
        page.get_by_role("main").get_by_label("意见或理由").fill(REVIEW_NOTE)
        shot(page, "reviewer-item")
        page.get_by_role("main").get_by_role("button", name="审查通过").click()
        page.wait_for_url(STAFF_ITEM)
        expect_state(page, "审查通过，待发布")
        expect(page.get_by_role("main")).to_contain_text(REVIEW_NOTE)
        shot(page, "reviewer-approved")
        log_out(page, "**/staff/login/")

        # --- 3. the publisher publishes ----------------------------------------------------------------
        page = new_page(browser, live_server.url)
        pages.append(page)
        publisher_page = page
        log_in(page, "/staff/login/", "用户名", publisher.username, landing=STAFF_HOME)
        open_staff_item(page, "审查通过，待发布")
        shot(page, "publisher-item")
        page.get_by_role("main").get_by_role("button", name="发布", exact=True).click()
        page.wait_for_url(STAFF_ITEM)
        expect_state(page, "已发布")
        index_number = f"{CODE}/{timezone.localdate().year}-000001"
        expect(page.get_by_role("main")).to_contain_text(index_number)
        shot(page, "publisher-published")

        # --- 4. the public finds it: catalogue, list, page, feed, API --------------------------------
        public = new_page(browser, live_server.url)
        pages.append(public)
        page = public
        public_watch = Watch(public, lambda url: False)
        public.goto(public.base + f"/gk/{CODE}/proactive/")
        catalogue_row = public.get_by_role("row").filter(
            has=public.get_by_role("link", name=NODE, exact=True)
        )
        expect(catalogue_row.locator("td.num")).to_have_text("1")
        shot(public, "public-catalogue")
        catalogue_row.get_by_role("link", name=NODE, exact=True).click()
        public.wait_for_url(f"**{node_path}")
        row = public.get_by_role("row").filter(has_text=TITLE)
        expect(row).to_contain_text(index_number)
        expect(row).to_contain_text(formed.isoformat())
        shot(public, "public-node-list")
        row.get_by_role("link", name=TITLE).click()
        public.wait_for_url(f"**/gk/{CODE}/info/{item.pk}/")
        main = public.get_by_role("main")
        expect(main.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(main.get_by_role("row").filter(has_text="索引号")).to_contain_text(index_number)
        expect(main.get_by_text(PARAGRAPH)).to_be_visible()
        assert public.locator("main script").count() == 0
        assert public.evaluate("typeof window.__x") == "undefined"
        public_watch.assert_quiet()
        shot(public, "public-item")

        assert feed_entries(public, f"/gk/{CODE}/feed.atom").get(index_number) == TITLE
        assert api_items(public, CODE) == {index_number: TITLE}

        # --- 5. the publisher withdraws it with a reason -----------------------------------------------
        page = publisher_page
        page.reload()
        page.get_by_role("main").get_by_label("意见或理由").fill(REASON)
        shot(page, "publisher-withdrawing")
        page.get_by_role("main").get_by_role("button", name="撤回").click()
        page.wait_for_url(STAFF_ITEM)
        expect_state(page, "已撤回")
        shot(page, "publisher-withdrawn")

        # --- 6. the public no longer finds it; its page says why (HTTP 410) ---------------------------
        page = public
        public.goto(public.base + node_path)
        expect(public.get_by_role("row").filter(has_text=TITLE)).to_have_count(0)
        expect(public.get_by_role("main")).to_contain_text("本栏目暂无信息")
        shot(public, "public-node-list-after-withdrawal")
        assert index_number not in feed_entries(public, f"/gk/{CODE}/feed.atom")
        assert api_items(public, CODE) == {}
        response = public.goto(public.base + f"/gk/{CODE}/info/{item.pk}/")
        assert response is not None and response.status == 410
        alert = public.get_by_role("main").get_by_role("alert")
        expect(alert).to_have_text(re.compile(rf"已于 \d{{4}}年\d{{1,2}}月\d{{1,2}}日 撤回：{REASON}"))
        expect(public.get_by_role("main")).to_contain_text(index_number)  # the number is never reissued
        assert public.evaluate("typeof window.__x") == "undefined"
        public_watch.assert_quiet()
        shot(public, "public-item-withdrawn")
    except Exception:
        shot(page, "FAILED")
        raise
    finally:
        for other in pages[1:]:
            other.context.close()


# --- every public page type, with some content ------------------------------------------------------


def axe_serious_nodes(page: Page) -> list[dict[str, object]]:
    """Serious and critical WCAG 2.1 A/AA violations, one row per element, with axe's own explanation.

    Like ``steps.axe_serious`` but keeps every element and why it failed (e.g. the colours and the contrast
    ratio), for the JSON report next to the screenshots.
    """
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "target": node["target"],
            "html": node["html"][:200],
            "why": node.get("failureSummary", ""),
            "data": [check.get("data") for check in node.get("any", []) if check.get("data")][:1],
        }
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def seed_content(tree) -> dict[str, object]:
    """Demo-like data through the services: the catalogue, two published items, one withdrawn, a mailbox."""
    province = tree["province"]
    services.catalogue_seed(province)
    node = CatalogueNode.objects.get(agency=province, name=NODE)
    writer = staff(province, Role.CLERK)
    reviewer = staff(province, Role.REVIEWER)
    publisher = staff(province, Role.PUBLISHER)
    formed = recent_working_day()

    def publish(title: str, body: str) -> Item:
        item = services.item_create(
            agency=province,
            by=writer,
            data={"node": node, "title": title, "formed_on": formed, "body": body, "document_number": ""},
        )
        services.item_submit(item=item, by=writer)
        services.item_review(item=item, approve=True, note=REVIEW_NOTE, by=reviewer)
        return services.item_publish(item=item, by=publisher)

    first = publish(
        TITLE,
        f"<p>{PARAGRAPH}</p><h2>征收范围</h2><ul><li>黄花镇新安村</li><li>黄花镇花园村</li></ul>"
        '<table><caption>征收土地面积</caption><thead><tr><th scope="col">地类</th>'
        '<th scope="col">面积（公顷）</th></tr></thead><tbody><tr><td>耕地</td><td>8.2</td></tr>'
        "<tr><td>其他农用地</td><td>4.3</td></tr></tbody></table>",
    )
    second = publish("长沙县2026年度第6批次建设用地征地补偿安置方案公告", f"<p>{PARAGRAPH}</p>")
    withdrawn = publish("关于某地块征收土地预公告（已更正）", "<p>预公告正文。</p>")
    services.item_withdraw(item=withdrawn, reason=REASON, by=publisher)
    Box.objects.create(
        agency=province, kind=BoxKind.CONSULTATION, intro="受理自然资源领域政策和业务咨询。", reply_days=10
    )
    return {"node": node, "item": first, "second": second, "withdrawn": withdrawn}


def public_pages(content: dict[str, object]) -> dict[str, tuple[str, int]]:
    """Every public page type, by name: (path, expected HTTP status)."""
    node, item, withdrawn = content["node"], content["item"], content["withdrawn"]
    return {
        "home": ("/", 200),
        "column index": (f"/gk/{CODE}/", 200),
        "guide": (f"/gk/{CODE}/guide/", 200),
        "rules": (f"/gk/{CODE}/rules/", 200),
        "proactive catalogue": (f"/gk/{CODE}/proactive/", 200),
        "node list": (f"/gk/{CODE}/proactive/{node.pk}/", 200),  # type: ignore[attr-defined]
        "item detail": (f"/gk/{CODE}/info/{item.pk}/", 200),  # type: ignore[attr-defined]
        "withdrawn item": (f"/gk/{CODE}/info/{withdrawn.pk}/", 410),  # type: ignore[attr-defined]
        "reports": (f"/gk/{CODE}/reports/", 200),
        "apply": (f"/gk/{CODE}/apply/", 200),
        "mailbox": (f"/gk/{CODE}/mailbox/", 200),
        "credit list": (f"/gk/{CODE}/credit/", 200),
        "public login": ("/accounts/login/", 200),
        "register": ("/accounts/register/", 200),
    }


def audit_pages(page: Page, shot: Shots, pages: dict[str, tuple[str, int]], *, elder: bool = False) -> None:
    """Visit each page, run axe, keep a screenshot; assert nothing serious (details in a JSON file)."""
    found: dict[str, list[dict[str, object]]] = {}
    report = shot.folder / "axe-serious.json"
    try:
        for name, (path, status) in pages.items():
            response = page.goto(page.base + path)  # type: ignore[attr-defined]
            assert response is not None and response.status == status, (name, path, response)
            expect(page.get_by_role("main")).to_be_visible()
            if elder:
                expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
            found[name] = axe_serious_nodes(page)
            shot(page, re.sub(r"[^\w]+", "-", name).strip("-"))
    except Exception:
        shot(page, "FAILED")
        raise
    finally:
        report.write_text(json.dumps(found, ensure_ascii=False, indent=2), encoding="utf-8")
    summary = {
        where: sorted({f"{row['rule']} ({row['impact']}): {row['target']}" for row in rows})
        for where, rows in found.items()
        if rows
    }
    assert summary == {}, f"axe found serious or critical violations (details in {report})"


def test_public_pages_pass_axe(tree, page):
    audit_pages(page, Shots("publishing-flow/axe"), public_pages(seed_content(tree)))


def test_public_pages_pass_axe_in_elder_mode(tree, page):
    pages = public_pages(seed_content(tree))
    response = page.goto(page.base + "/display/elder/?on=1&next=/")  # type: ignore[attr-defined]
    assert response is not None and response.status == 200
    page.wait_for_url(page.base + "/")  # type: ignore[attr-defined]
    elder = {f"{name} (elder)": pages[name] for name in ("home", "item detail")}
    audit_pages(page, Shots("publishing-flow/axe-elder"), elder, elder=True)


def test_reading_pages_fit_a_phone(tree, browser, live_server):
    content = seed_content(tree)
    node, item = content["node"], content["item"]
    shot = Shots("publishing-flow/phone")
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    measured: dict[str, dict[str, object]] = {}
    try:
        for name, path in [
            ("home", "/"),
            ("proactive-catalogue", f"/gk/{CODE}/proactive/"),
            ("node-list", f"/gk/{CODE}/proactive/{node.pk}/"),  # type: ignore[attr-defined]
            ("item", f"/gk/{CODE}/info/{item.pk}/"),  # type: ignore[attr-defined]
        ]:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            size = page.evaluate(
                """() => ({
                    scrollWidth: document.documentElement.scrollWidth,
                    innerWidth: window.innerWidth,
                    widest: [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                        .slice(0, 5)
                        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')),
                    h1Top: Math.round(document.querySelector('main h1').getBoundingClientRect().top),
                })"""
            )
            measured[name] = size
            shot(page, name)
    except Exception:
        shot(page, "FAILED")
        raise
    finally:
        context.close()
        # Where each page's heading starts (CSS px from the top) helps to judge the first screen.
        (shot.folder / "layout.json").write_text(json.dumps(measured, indent=2), encoding="utf-8")

    # A phone browser could zoom out to fit a too-wide page, so the window must also stay the phone's width.
    wide = {
        name: size
        for name, size in measured.items()
        if size["scrollWidth"] > size["innerWidth"] + 1 or size["innerWidth"] > PHONE["width"] + 1  # type: ignore[operator]
    }
    assert wide == {}, f"pages scroll sideways at {PHONE['width']}px: {wide}"
