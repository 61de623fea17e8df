"""A citizen and a clerk use the portal in a real browser; public pages pass axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from gongkai.orgs.models import Applicant, Role
from tests.factories import PASSWORD, UnitFactory, applicant_account, resident_id, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PATHS = [
    "/",
    "/gk/430S00/",
    "/gk/430S00/guide/",
    "/gk/430S00/rules/",
    "/gk/430S00/proactive/",
    "/gk/430S00/reports/",
    "/gk/4301S0/apply/",
    "/accounts/login/",
    "/staff/login/",
]


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_public_pages_pass_axe(tree, page):
    axe = Axe()
    problems = {}
    for path in PUBLIC_PATHS:
        response = page.goto(page.base + path)
        assert response.status == 200, path
        found = serious(
            axe.run(
                page,
                options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}},
            )
        )
        if found:
            problems[path] = found
    assert problems == {}


def test_citizen_logs_in_and_registers_identity_without_losing_input(tree, page):
    account = applicant_account()
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", account.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/")
    page.get_by_role("link", name="登记申请人信息").click()
    page.check("input[value=natural_person]")
    page.fill("#id_name", "张三")
    page.select_option("#id_id_type", "resident_id")
    good = resident_id("43012119680315003")
    page.fill("#id_id_number", good[:-1] + ("1" if good[-1] != "1" else "2"))
    page.fill("#id_phone", "13800001111")
    page.fill("#id_address", "湖南省长沙县某村")
    page.click("main button[type=submit]")
    assert page.locator("text=校验位不正确").is_visible()
    assert page.input_value("#id_name") == "张三"
    assert page.input_value("#id_phone") == "13800001111"
    assert page.input_value("#id_address") == "湖南省长沙县某村"
    page.fill("#id_id_number", good)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/applicants/*/")
    assert page.locator("h1").inner_text() == "张三"
    assert Applicant.objects.get().account == account


def test_clerk_sees_own_agency_and_is_refused_another(tree, page):
    clerk = staff(tree["county_a1"], Role.CLERK)
    UnitFactory(agency=tree["county_a1"], name="政务公开办公室", is_disclosure_office=True)
    page.goto(page.base + "/staff/login/")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")
    assert tree["county_a1"].name in page.content()
    page.click(f"text={tree['county_a1'].name}")
    assert page.locator("text=政务公开办公室").is_visible()
    response = page.goto(page.base + f"/staff/agencies/{tree['county_a2'].code}/")
    assert response.status == 404
