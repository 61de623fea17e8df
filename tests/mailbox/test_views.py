"""The mailbox through the browser's eyes (Django client): writing, receipt, lookup, Q&A, staff pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.mailbox import services
from gongkai.mailbox.models import Box, BoxKind, Letter
from gongkai.mailbox.rules import Status
from gongkai.orgs.models import Role
from tests.factories import PASSWORD, applicant_account, staff
from tests.mailbox.conftest import LETTER

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def write_url(box: Box) -> str:
    return reverse("mailbox_public:write", args=[box.agency.code, box.pk])


def form_data(client: Client, box: Box, **changes) -> dict:
    page = client.get(write_url(box))
    assert page.status_code == 200
    return {**LETTER, "agrees_to_publish": "on", "token": page.context["form"].initial["token"], **changes}


# --- writing ----------------------------------------------------------------------------------------


def test_write_and_get_a_receipt_with_the_code(office):
    c = Client()
    r = c.post(write_url(office["box"]), form_data(c, office["box"]))
    assert r.status_code == 302
    letter = Letter.objects.get()
    assert r["Location"] == reverse("mailbox_public:receipt", args=[letter.public_id])
    receipt = c.get(r["Location"])
    assert letter.query_code_display in receipt.content.decode()
    assert "no-store" in receipt["Cache-Control"]
    assert letter.agrees_to_publish and letter.account is None
    # The receipt is shown only in the session that wrote the letter.
    assert Client().get(r["Location"]).status_code == 404


def test_errors_keep_everything_typed(office):
    c = Client()
    data = form_data(c, office["box"], body="", phone="12345", title="关于不动产登记的咨询")
    r = c.post(write_url(office["box"]), data)
    assert r.status_code == 200
    body = r.content.decode()
    assert 'value="关于不动产登记的咨询"' in body and 'value="张建国"' in body
    assert 'value="zhang@example.com"' in body and 'value="12345"' in body
    assert re.search(r'<input[^>]*name="agrees_to_publish"[^>]*checked', body)
    assert "您填写的内容都保留在表单中" in body
    assert not Letter.objects.exists()
    # The same token still works once the mistakes are corrected.
    r = c.post(write_url(office["box"]), {**data, "body": "请问需要哪些材料？", "phone": "0731-82213813"})
    assert r.status_code == 302 and Letter.objects.get().phone == "0731-82213813"


def test_a_double_submit_makes_one_letter(office):
    c = Client()
    data = form_data(c, office["box"])
    first = c.post(write_url(office["box"]), data)
    second = c.post(write_url(office["box"]), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Letter.objects.count() == 1


def test_the_daily_limit_per_address_keeps_the_input(office, settings):
    settings.GONGKAI_MAILBOX_DAILY_LIMIT = 2
    c = Client()
    for _ in range(2):
        assert c.post(write_url(office["box"]), form_data(c, office["box"])).status_code == 302
    r = c.post(write_url(office["box"]), form_data(c, office["box"], title="第三封信"))
    assert r.status_code == 429 and 'value="第三封信"' in r.content.decode()
    assert Letter.objects.count() == 2
    # Another address may still write.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(write_url(office["box"]), form_data(other, office["box"])).status_code == 302


def test_letters_sent_at_the_same_instant_cannot_pass_the_limit_together(office, settings, monkeypatch):
    """All pass the early check before any is counted (here: that check switched off); the use each takes
    before filing is one atomic step, so the one over the limit still gets 429 with its text."""
    from gongkai.mailbox import limits
    from gongkai.orgs.throttle import daily_used

    settings.GONGKAI_MAILBOX_DAILY_LIMIT = 2
    monkeypatch.setattr(limits, "reached", lambda kind, ip: False)
    c = Client()
    for _ in range(2):
        assert c.post(write_url(office["box"]), form_data(c, office["box"])).status_code == 302
    r = c.post(write_url(office["box"]), form_data(c, office["box"], title="同一时刻的第三封信"))
    assert r.status_code == 429 and 'value="同一时刻的第三封信"' in r.content.decode()
    assert 0 < int(r["Retry-After"]) <= 86401
    assert Letter.objects.count() == 2 and daily_used("mailbox-submit", "127.0.0.1") == 2


def test_a_refused_letter_gives_its_use_back(office, settings, monkeypatch):
    from django.core.exceptions import ValidationError

    from gongkai.mailbox import services
    from gongkai.orgs.throttle import daily_used

    settings.GONGKAI_MAILBOX_DAILY_LIMIT = 1

    def refuse(**kwargs):
        raise ValidationError("该信箱暂停受理来信。")

    monkeypatch.setattr(services, "letter_submit", refuse)
    c = Client()
    r = c.post(write_url(office["box"]), form_data(c, office["box"], title="被退回的信"))
    assert r.status_code == 200 and "该信箱暂停受理来信。" in r.content.decode()
    assert daily_used("mailbox-submit", "127.0.0.1") == 0
    monkeypatch.undo()
    assert c.post(write_url(office["box"]), form_data(c, office["box"])).status_code == 302


def test_a_signed_in_citizen_gets_the_form_prefilled_and_the_letter_linked(office):
    citizen = applicant_account()
    citizen.display_name, citizen.email = "李秀英", "li@example.com"
    citizen.save()
    c = login(citizen)
    page = c.get(write_url(office["box"])).content.decode()
    assert 'value="李秀英"' in page and 'value="li@example.com"' in page
    c.post(write_url(office["box"]), form_data(c, office["box"]))
    assert Letter.objects.get().account == citizen


def test_a_closed_box_or_another_agencys_box_is_not_found(office, tree):
    city_box = Box.objects.create(agency=tree["city_a"], kind=BoxKind.CONSULTATION)
    assert Client().get(reverse("mailbox_public:write", args=["430S00", city_box.pk])).status_code == 404
    office["box"].is_active = False
    office["box"].save()
    assert Client().get(write_url(office["box"])).status_code == 404


# --- lookup -----------------------------------------------------------------------------------------


def _lookup(code: str, client: Client | None = None):
    return (client or Client()).post(reverse("mailbox_public:lookup"), {"code": code})


def _result_part(response) -> str:
    """The page without what legitimately differs per request (CSRF token, the echoed input)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    return re.sub(r'(name="code"[^>]*?) value="[^"]*"', r"\1", text)


def test_lookup_shows_status_and_reply(office, write):
    letter = write()
    r = _lookup(letter.query_code_display.lower())
    assert r.status_code == 200 and "待分办" in r.content.decode()
    services.letter_reply(letter=letter, text="按区片综合地价补偿。", by=office["clerk"])
    page = _lookup(letter.query_code).content.decode()
    assert "按区片综合地价补偿。" in page and letter.title in page
    assert "13807310001" not in page


def test_a_wrong_code_gets_the_same_answer_as_an_unknown_one(write):
    letter = write()
    code = letter.query_code
    wrong = code[:-1] + ("2" if code[-1] != "2" else "3")
    answers = [_result_part(_lookup(typed)) for typed in (wrong, "ZZZZZZZZ", "abc", "x" * 200)]
    assert all(a == answers[0] for a in answers)
    assert "未找到与该查询码对应的来信" in answers[0] and letter.title not in answers[0]


def test_lookups_are_limited_per_address(write, settings):
    settings.GONGKAI_MAILBOX_LOOKUP_LIMIT = 3
    letter = write()
    c = Client()
    for _ in range(3):
        assert _lookup("ZZZZZZZZ", c).status_code == 200
    r = _lookup(letter.query_code, c)
    assert r.status_code == 429 and letter.title not in r.content.decode()


def test_a_limit_of_0_means_no_limit(office, write, settings):
    settings.GONGKAI_MAILBOX_DAILY_LIMIT = 0
    settings.GONGKAI_MAILBOX_LOOKUP_LIMIT = 0
    letter = write()
    c = Client()
    for _ in range(3):
        assert c.post(write_url(office["box"]), form_data(c, office["box"])).status_code == 302
    assert [_lookup("ZZZZZZZZ", c).status_code for _ in range(3)] == [200, 200, 200]
    assert letter.title in _lookup(letter.query_code, c).content.decode()


def test_lookups_at_the_same_instant_cannot_pass_the_limit_together(write, settings, monkeypatch):
    from gongkai.mailbox import limits

    settings.GONGKAI_MAILBOX_LOOKUP_LIMIT = 2
    monkeypatch.setattr(limits, "reached", lambda kind, ip: False)
    letter = write()
    c = Client()
    assert [_lookup("ZZZZZZZZ", c).status_code for _ in range(2)] == [200, 200]
    r = _lookup(letter.query_code, c)
    assert r.status_code == 429 and letter.title not in r.content.decode()


# --- the public Q&A ---------------------------------------------------------------------------------


def _published(office, write, n: int, **changes) -> list[Letter]:
    letters = []
    for i in range(n):
        letter = write(title=f"问答{i:02d}", **changes)
        letter = services.letter_reply(letter=letter, text=f"答复{i:02d}", by=office["clerk"])
        letters.append(services.letter_publish(letter=letter, by=office["clerk"]))
    return letters


def test_the_mailbox_page_lists_boxes_and_published_qa_with_search_and_paging(office, write, tree):
    _published(office, write, 12)
    hidden = write(title="未同意公开的来信", agrees_to_publish=False)
    services.letter_reply(letter=hidden, text="答复", by=office["clerk"])
    write(title="尚未答复的来信")
    url = reverse("mailbox_public:index", args=["430S00"])
    page = Client().get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "网上咨询" in body and "厅长信箱" in body and write_url(office["box"]) in body
    assert "未同意公开的来信" not in body and "尚未答复的来信" not in body
    assert page.context["page"].paginator.count == 12 and len(page.context["page"]) == 10
    second = Client().get(url, {"page": 2})
    assert len(second.context["page"]) == 2
    found = Client().get(url, {"q": "问答03"})
    assert found.context["page"].paginator.count == 1 and "问答03" in found.content.decode()
    by_kind = Client().get(url, {"kind": "director"})
    assert by_kind.context["page"].paginator.count == 0
    # Another agency's page shows none of them.
    other = Client().get(reverse("mailbox_public:index", args=[tree["city_a"].code]))
    assert other.status_code == 200 and other.context["page"].paginator.count == 0


def test_qa_detail_shows_only_the_published_version(office, write, tree):
    letter = write(body="我是张建国，电话13807310001。请问补偿标准？")
    letter = services.letter_reply(letter=letter, text="答复内容", by=office["clerk"])
    url = reverse("mailbox_public:qa", args=["430S00", letter.public_id])
    assert Client().get(url).status_code == 404  # not published yet
    services.letter_publish(letter=letter, by=office["clerk"], question="请问补偿标准？")
    page = Client().get(url).content.decode()
    assert "请问补偿标准？" in page and "答复内容" in page
    assert "张建国" not in page and "13807310001" not in page
    assert (
        Client().get(reverse("mailbox_public:qa", args=[tree["city_a"].code, letter.public_id])).status_code
        == 404
    )


# --- staff ------------------------------------------------------------------------------------------


def test_staff_access_by_url(office, write, tree):
    letter = write()
    detail = reverse("mailbox_staff:detail", args=[letter.public_id])
    act = reverse("mailbox_staff:act", args=[letter.public_id, "reply"])
    own = login(office["clerk"])
    page = own.get(detail)
    assert page.status_code == 200 and page.context["can_handle"]
    # Another agency's staff: not found, for reading and acting alike.
    for outsider in (
        staff(tree["city_a"], Role.CLERK),
        staff(tree["city_a"], Role.SUPERVISOR),  # a supervisor below, not above
        staff(tree["province"], Role.REVIEWER),  # a role that does not handle letters
    ):
        c = login(outsider)
        assert c.get(detail).status_code == 404
        assert c.post(act, {"reply-text": "答复"}).status_code == 404
    # A public account: not found either; anonymous visitors are sent to the staff login.
    assert login(applicant_account()).get(detail).status_code == 404
    assert Client().get(detail).status_code == 302
    # A supervisor above reads but may not act.
    city_box = Box.objects.create(agency=tree["county_a1"], kind=BoxKind.CONSULTATION)
    county_letter = write(box=city_box)
    supervisor = login(staff(tree["city_a"], Role.SUPERVISOR))
    page = supervisor.get(reverse("mailbox_staff:detail", args=[county_letter.public_id]))
    assert page.status_code == 200 and not page.context["can_handle"] and 'action="' not in _actions(page)
    r = supervisor.post(
        reverse("mailbox_staff:act", args=[county_letter.public_id, "reply"]), {"reply-text": "答复"}
    )
    assert r.status_code == 404
    assert Letter.objects.get(pk=county_letter.pk).status == Status.SUBMITTED
    assert Letter.objects.get(pk=letter.pk).status == Status.SUBMITTED


def _actions(response) -> str:
    text = response.content.decode()
    start = text.find('id="h-actions"')
    return text[start : text.find('id="h-trail"')] if start >= 0 else ""


def test_the_queue_lists_own_letters_by_due_date_and_marks_overdue(office, write, tree):
    from tests.mailbox.conftest import at

    old = write(title="很久以前的来信", when=at(2025, 3, 3, 9, 0))
    new = write(title="刚收到的来信")
    city_box = Box.objects.create(agency=tree["city_a"], kind=BoxKind.CONSULTATION)
    write(box=city_box, title="市局的来信")
    page = login(office["clerk"]).get(reverse("mailbox_staff:queue"))
    body = page.content.decode()
    assert [r.pk for r in page.context["rows"]] == [old.pk, new.pk]
    assert "市局的来信" not in body
    assert "已超期" in body and 'class="tag overdue"' in body
    # The province's supervisor sees the city's letters too.
    sup = login(staff(tree["province"], Role.SUPERVISOR)).get(reverse("mailbox_staff:queue"))
    assert "市局的来信" in sup.content.decode()


def test_staff_route_reply_publish_through_the_page(office, write):
    letter = write()
    c = login(office["clerk"])

    def act(action, **data):
        return c.post(reverse("mailbox_staff:act", args=[letter.public_id, action]), data)

    assert act("route", **{"route-unit": office["unit"].pk, "route-note": ""}).status_code == 302
    r = act("reply", **{"reply-text": ""})
    assert r.status_code == 200 and "未能完成操作" in r.content.decode()
    assert act("reply", **{"reply-text": "按区片综合地价补偿。"}).status_code == 302
    r = act(
        "publish", **{"publish-title": "补偿标准", "publish-question": "请问补偿标准？", "publish-answer": ""}
    )
    assert r.status_code == 200 and 'value="补偿标准"' in r.content.decode()  # what was typed is kept
    r = act(
        "publish",
        **{
            "publish-title": "补偿标准",
            "publish-question": "请问补偿标准？",
            "publish-answer": "按区片综合地价。",
        },
    )
    assert r.status_code == 302
    letter.refresh_from_db()
    assert (
        letter.status == Status.REPLIED and letter.published and letter.published_answer == "按区片综合地价。"
    )
    assert c.post(reverse("mailbox_staff:act", args=[letter.public_id, "nonsense"])).status_code == 404


def test_publishing_without_consent_is_refused_on_the_page(office, write):
    letter = write(agrees_to_publish=False)
    services.letter_reply(letter=letter, text="答复", by=office["clerk"])
    c = login(office["clerk"])
    page = c.get(reverse("mailbox_staff:detail", args=[letter.public_id]))
    assert "写信人未同意公开" in page.content.decode() and "/do/publish/" not in page.content.decode()
    r = c.post(
        reverse("mailbox_staff:act", args=[letter.public_id, "publish"]),
        {"publish-title": "t", "publish-question": "q", "publish-answer": "a"},
    )
    assert r.status_code == 200 and "写信人未同意公开" in r.content.decode()
    assert not Letter.objects.get(pk=letter.pk).published


def test_close_through_the_page(office, write):
    letter = write()
    c = login(office["clerk"])
    r = c.post(
        reverse("mailbox_staff:act", args=[letter.public_id, "close"]), {"close-reason": "属于信访事项。"}
    )
    assert r.status_code == 302 and Letter.objects.get(pk=letter.pk).status == Status.CLOSED
    page = _lookup(letter.query_code).content.decode()
    assert "不予受理" in page and "属于信访事项。" in page


# --- script in a letter is inert everywhere ---------------------------------------------------------


def test_script_in_a_letter_is_inert_on_staff_and_public_pages(office):
    c = Client()
    r = c.post(write_url(office["box"]), form_data(c, office["box"], title=XSS[:90], body=XSS))
    assert r.status_code == 302
    letter = Letter.objects.get()
    assert letter.body == XSS  # stored as typed, escaped when shown
    services.letter_reply(letter=letter, text=XSS, by=office["clerk"])
    services.letter_publish(letter=letter, by=office["clerk"])
    clerk = login(office["clerk"])
    pages = [
        c.get(r["Location"]),
        clerk.get(reverse("mailbox_staff:queue"), {"show": "all"}),
        clerk.get(reverse("mailbox_staff:detail", args=[letter.public_id])),
        _lookup(letter.query_code),
        Client().get(reverse("mailbox_public:index", args=["430S00"])),
        Client().get(reverse("mailbox_public:qa", args=["430S00", letter.public_id])),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(" in body
