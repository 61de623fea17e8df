"""The 双公示 pages through Django's client: public list and detail (masked), staff list, form, actions,
export, and access by URL."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.credit import services
from gongkai.credit.models import Decision, Status
from gongkai.orgs.models import Role
from tests.credit.conftest import AUTHORITY, COMPANY, COMPANY_CODE, PERSON, PERSON_ID
from tests.factories import PASSWORD, UnitFactory, applicant_account, staff

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def public_list(agency, **params) -> str:
    r = Client().get(reverse("credit_public:list", args=[agency.code]), params)
    assert r.status_code == 200
    return r.content.decode()


def public_detail(decision) -> Client:
    return Client().get(reverse("credit_public:detail", args=[decision.agency.code, decision.public_id]))


# --- public pages -------------------------------------------------------------------------------------


def test_public_list_shows_published_records_with_the_person_masked(make, office):
    person = make(
        "penalty",
        party={**PERSON, "contact_phone": "13907311234"},
        publish=True,
        facts=f"当事人张三丰（身份证号{PERSON_ID}）擅自占用土地。",
    )
    company = make("licensing", publish=True)
    draft = make("penalty", number="湘自然资罚〔2025〕99号")
    body = public_list(office["agency"])
    assert '<html lang="zh-Hans">' in body
    assert "张**" in body and "张三丰" not in body
    assert COMPANY["party_name"] in body and company.number in body
    assert draft.number not in body
    assert '<th scope="col">' in body
    page = public_detail(person).content.decode()
    assert PERSON_ID not in page and "张三丰" not in page and "13907311234" not in page
    assert "1101" not in page or PERSON_ID[:4] + "**" in page
    assert "张**" in page and "罚款金额" in page and "1.36 万元" in page
    assert public_detail(draft).status_code == 404


def test_full_id_never_in_any_public_html(make, office):
    decision = make("penalty", party=PERSON, publish=True, content=f"对{PERSON_ID}的处罚")
    for html in (public_list(office["agency"]), public_detail(decision).content.decode()):
        assert PERSON_ID not in html
    # Searching for the number finds nothing (the page only echoes what was typed).
    assert "没有符合条件的公示信息" in public_list(office["agency"], q=PERSON_ID)


def test_a_persons_name_cannot_be_searched(make, office):
    make("penalty", party=PERSON, publish=True)
    make("licensing", publish=True)
    assert "没有符合条件的公示信息" in public_list(office["agency"], q="张三丰")
    assert COMPANY["party_name"] in public_list(office["agency"], q="置业")
    assert COMPANY["party_name"] in public_list(office["agency"], q=COMPANY_CODE)


def test_public_filters_and_paging(make, office):
    for n in range(23):
        make("penalty", number=f"湘自然资罚〔2025〕{n + 100}号", publish=True)
    make("licensing", publish=True, decision_date=date(2024, 3, 1), valid_from=date(2024, 3, 1))
    body = public_list(office["agency"])
    assert "共 24 条" in body and 'aria-current="page"' in body and "下一页" in body
    page2 = public_list(office["agency"], page=2)
    assert len(re.findall(r"<tr>", page2)) == 1 + 4
    assert "共 1 条" in public_list(office["agency"], kind="licensing")
    assert "共 23 条" in public_list(office["agency"], year="2025")
    assert "共 1 条" in public_list(office["agency"], q="湘自然资罚〔2025〕105号")
    assert public_list(office["agency"], page="999")  # out of range: the last page, not an error


def test_withdrawn_record_leaves_the_list_and_its_page_says_why(make, office):
    decision = make("penalty", publish=True)
    services.decision_withdraw(decision, by=office["publisher"], reason="该处罚决定已被行政复议决定撤销。")
    assert decision.number not in public_list(office["agency"])
    page = public_detail(decision).content.decode()
    assert "已撤销公示" in page and "该处罚决定已被行政复议决定撤销。" in page
    assert "违法事实" not in page and COMPANY["party_name"] not in page


def test_unknown_agency_is_404(tree):
    assert Client().get(reverse("credit_public:list", args=["NOPE00"])).status_code == 404


# --- access ------------------------------------------------------------------------------------------


def staff_urls(decision) -> dict[str, str]:
    return {
        name: reverse(f"credit_staff:{name}", args=[decision.public_id])
        for name in ("detail", "edit", "publish", "withdraw", "delete", "reveal")
    }


def test_other_agencies_staff_and_public_accounts_get_404(make, tree):
    decision = make("penalty")
    urls = staff_urls(decision)
    outsiders = [
        staff(tree["county_a1"], Role.CLERK),  # another county
        staff(tree["city_b"], Role.SUPERVISOR),  # a supervisor of another branch
        staff(tree["city_a"], Role.PUBLISHER),  # below, not above
    ]
    for user in outsiders:
        c = login(user)
        for name, url in urls.items():
            r = c.post(url) if name in ("publish", "withdraw", "delete", "reveal") else c.get(url)
            assert r.status_code == 404, (user, name)
        assert decision.number not in c.get(reverse("credit_staff:list")).content.decode()
        export = c.get(reverse("credit_staff:export"), {"agency": "430S00", "kind": "penalty"})
        assert export.status_code == 404
    citizen = Client()
    account = applicant_account()
    assert citizen.login(username=account.username, password=PASSWORD)
    assert citizen.get(urls["detail"]).status_code == 404
    anonymous = Client().get(urls["detail"])
    assert anonymous.status_code == 302 and "/staff/login/" in anonymous["Location"]
    decision.refresh_from_db()
    assert decision.status == Status.DRAFT


def test_supervisor_above_and_other_roles_may_view_but_not_change(make, tree):
    decision = make("penalty", agency=tree["city_a"], party=PERSON)
    officer = staff(tree["city_a"], Role.OFFICER, unit=UnitFactory(agency=tree["city_a"]))
    for user in (staff(tree["province"], Role.SUPERVISOR), officer):
        c = login(user)
        page = c.get(staff_urls(decision)["detail"])
        assert page.status_code == 200
        html = page.content.decode()
        assert PERSON_ID not in html and PERSON_ID[:4] + "**********" + PERSON_ID[-4:] in html
        assert "显示完整证件号码" not in html and "公示</button>" not in html
        assert c.get(staff_urls(decision)["edit"]).status_code == 404
        assert c.post(staff_urls(decision)["publish"]).status_code == 404
        assert c.post(staff_urls(decision)["reveal"]).status_code == 404
        export = c.get(
            reverse("credit_staff:export"), {"agency": "4301S0", "kind": "penalty", "year": "2025"}
        )
        assert export.status_code == 200  # masked: they may not have the full numbers


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.CLERK, Role.HEAD, Role.ADMIN])
def test_change_roles_of_the_agency_may_publish(make, office, role):
    decision = make("penalty")
    c = login(staff(office["agency"], role))
    r = c.post(staff_urls(decision)["publish"], {"version": decision.version})
    assert r.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Status.PUBLISHED
    assert decision.number in public_list(office["agency"])


# --- staff pages --------------------------------------------------------------------------------------


def form_data(**extra) -> dict[str, str]:
    data = {
        "party_type": "natural",
        "party_name": "张三丰",
        "id_type": "resident_id",
        "id_number": PERSON_ID,
        "uscc": "91350100M000100Y43",  # typed before switching to 自然人: dropped, not an error
        "number": "湘自然资罚〔2025〕50号",
        "violation_type": "非法占用土地",
        "facts": "擅自占用土地。",
        "basis": "《中华人民共和国土地管理法》第七十七条",
        "penalty_types": ["fine", "demolish"],
        "content": "限期拆除并处罚款。",
        "fine": "13600",
        "decision_date": "2025-05-27",
        "contact_phone": "139 0731 1234",
        **AUTHORITY,
    }
    data.update(extra)
    return data


def test_form_keeps_input_on_error_and_creates_a_draft(office):
    c = login(office["clerk"])
    url = reverse("credit_staff:create", args=["penalty"])
    page = c.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'for="id_party_name"' in html and "行政相对人名称" in html and "处罚类别" in html
    r = c.post(
        url, form_data(id_number="110105194912310021", fine="", violation_type="", decision_date="2025-2-30")
    )
    assert r.status_code == 200
    html = r.content.decode()
    # Every problem in one pass: a bad ID number, a missing amount, a missing field, an impossible date.
    assert "校验位不正确" in html and "请填写罚款金额" in html and "请填写违法行为类型。" in html
    assert html.count('role="alert"') >= 4
    assert "擅自占用土地。" in html and "湘自然资罚〔2025〕50号" in html  # kept
    assert not Decision.objects.exists()
    r = c.post(url, form_data())
    assert r.status_code == 302
    decision = Decision.objects.get()
    assert decision.status == Status.DRAFT and decision.uscc == "" and decision.contact_phone == "13907311234"
    assert decision.fine_yuan == 13600 and decision.penalty_types == ["fine", "demolish"]


def test_edit_never_sends_the_full_id_and_keeps_it(make, office):
    decision = make("penalty", party=PERSON)
    c = login(office["publisher"])
    url = staff_urls(decision)["edit"]
    html = c.get(url).content.decode()
    assert PERSON_ID not in html and "留空则保持不变" in html
    r = c.post(
        url, form_data(number=decision.number, id_number="", version=str(decision.version), content="改")
    )
    assert r.status_code == 302
    decision.refresh_from_db()
    assert decision.id_number == PERSON_ID and decision.content == "改"
    stale = c.post(url, form_data(number=decision.number, id_number="", version="1"))
    assert stale.status_code == 302
    decision.refresh_from_db()
    assert decision.content == "改"


def test_staff_list_filters_and_finds_a_person_by_id_number(make, office, tree):
    make("penalty", party=PERSON)
    make("licensing")
    make("penalty", agency=tree["city_a"], number="长自然资规罚〔2025〕1号")
    c = login(office["publisher"])
    html = c.get(reverse("credit_staff:list")).content.decode()
    assert "湘自然资采延〔2025〕2号" in html and "湘自然资罚〔2025〕9号" in html
    assert "长自然资规罚" not in html  # not the publisher's agency
    found = c.get(reverse("credit_staff:list"), {"q": PERSON_ID.lower()}).content.decode()
    assert "湘自然资罚〔2025〕9号" in found and "湘自然资采延" not in found
    only = c.get(reverse("credit_staff:list"), {"kind": "licensing"}).content.decode()
    assert "湘自然资罚" not in only


def test_reveal_is_logged_and_withdraw_through_the_page(make, office):
    decision = make("penalty", party=PERSON, publish=True)
    c = login(office["publisher"])
    html = c.post(staff_urls(decision)["reveal"]).content.decode()
    assert PERSON_ID in html
    assert AuditEvent.objects.filter(verb="credit.reveal", actor=office["publisher"]).count() == 1
    assert PERSON_ID not in c.get(staff_urls(decision)["detail"]).content.decode()
    r = c.post(staff_urls(decision)["withdraw"], {"reason": "", "version": decision.version})
    decision.refresh_from_db()
    assert r.status_code == 302 and decision.status == Status.PUBLISHED
    c.post(staff_urls(decision)["withdraw"], {"reason": "复议撤销", "version": decision.version})
    decision.refresh_from_db()
    assert decision.status == Status.WITHDRAWN
    assert "撤销公示" in c.get(staff_urls(decision)["detail"]).content.decode()


def test_export_download(make, office, tree):
    make("penalty", party=PERSON, publish=True)
    c = login(office["publisher"])
    r = c.get(reverse("credit_staff:export"), {"agency": "430S00", "kind": "penalty", "year": "2025"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="credit-430S00-penalty-2025.xlsx"' in r["Content-Disposition"]
    csv = c.get(reverse("credit_staff:export"), {"agency": "430S00", "kind": "penalty", "format": "csv"})
    assert PERSON_ID in csv.content.decode("utf-8-sig")
    masked = c.get(
        reverse("credit_staff:export"),
        {"agency": "430S00", "kind": "penalty", "format": "csv", "masked": "1"},
    )
    assert PERSON_ID not in masked.content.decode("utf-8-sig")
    supervisor = login(staff(tree["province"], Role.SUPERVISOR))
    theirs = supervisor.get(
        reverse("credit_staff:export"), {"agency": "430S00", "kind": "penalty", "format": "csv"}
    )
    assert theirs.status_code == 200 and PERSON_ID not in theirs.content.decode("utf-8-sig")


def test_delete_draft(make, office):
    decision = make("coercion")
    c = login(office["publisher"])
    assert c.post(staff_urls(decision)["delete"]).status_code == 302
    assert not Decision.objects.exists()
