"""The 双公示 pages in a real Chromium: axe-core finds no serious WCAG 2.1 AA problem, the party-type
switch hides the other type's fields without a script, and no full ID number reaches the public page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from gongkai.credit import services
from tests.credit.conftest import PERSON, PERSON_ID
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_credit_pages_pass_axe_and_hide_personal_data(make, office, page):
    person = make("penalty", party=PERSON, publish=True)
    make("licensing", publish=True)
    withdrawn = make("coercion", publish=True)
    services.decision_withdraw(withdrawn, by=office["publisher"], reason="已解除并撤销公示。")
    axe = Axe()
    problems = {}
    code = office["agency"].code
    public = [
        f"/gk/{code}/credit/",
        f"/gk/{code}/credit/?kind=penalty&q=罚",
        f"/gk/{code}/credit/{person.public_id}/",
        f"/gk/{code}/credit/{withdrawn.public_id}/",
    ]
    for path in public:
        assert page.goto(page.base + path).status == 200, path
        assert PERSON_ID not in page.content()
        found = serious(axe.run(page, options=WCAG))
        if found:
            problems[path] = found

    page.goto(page.base + "/staff/login/")
    page.fill("#id_username", office["publisher"].username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/**")
    for path in ("/staff/credit/", "/staff/credit/new/penalty/", f"/staff/credit/{person.public_id}/"):
        assert page.goto(page.base + path).status == 200, path
        found = serious(axe.run(page, options=WCAG))
        if found:
            problems[path] = found
    assert problems == {}


def test_party_type_switch_hides_fields_without_script(office, page):
    page.goto(page.base + "/staff/login/")
    page.fill("#id_username", office["clerk"].username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/**")
    page.goto(page.base + "/staff/credit/new/licensing/")
    assert page.is_visible("#id_uscc") and not page.is_visible("#id_id_number")
    page.check("input[name=party_type][value=natural]")
    assert page.is_visible("#id_id_number") and not page.is_visible("#id_uscc")
