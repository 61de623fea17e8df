"""Applications through the browser's eyes (Django client): intake, queue, case page, actions, access."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.applications.workflow import Status
from gongkai.orgs.models import Role
from tests.factories import PASSWORD, ApplicantFactory, staff

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def apply_online(client: Client, applicant, agency, **extra):
    url = reverse("applications_public:apply", args=[agency.code])
    page = client.get(url)
    token = page.context["form"].initial["token"]
    data = {
        "applicant": applicant.pk,
        "description": "黄花镇2018年征地批复",
        "delivery_form": "electronic",
        "delivery_method": "email",
        "token": token,
        **extra,
    }
    return client.post(url, data), data


def test_applicant_files_online_once_even_when_posting_twice(tree):
    identity = ApplicantFactory(email="a@example.com")
    c = login(identity.account)
    first, data = apply_online(c, identity, tree["province"])
    assert first.status_code == 302
    again = c.post(reverse("applications_public:apply", args=[tree["province"].code]), data)
    assert again["Location"] == first["Location"]
    application = Application.objects.get()
    assert application.status == Status.SUBMITTED and application.received_on is None
    assert application.applicant_name == identity.name and application.id_number == identity.id_number
    receipt = c.get(first["Location"]).content.decode()
    assert application.number in receipt and "请记下申请编号" in receipt
    from django.core import mail

    assert len(mail.outbox) == 0  # sent on commit; the test transaction never commits


def test_online_form_keeps_input_on_error(tree):
    identity = ApplicantFactory()
    c = login(identity.account)
    r, _data = apply_online(
        c,
        identity,
        tree["province"],
        description="",
        document_title="某批复",
        document_number="湘政土批〔2018〕12号",
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "这个字段是必填项" in body or "必填" in body
    assert 'value="某批复"' in body and "湘政土批〔2018〕12号" in body
    assert not Application.objects.exists()


def test_applicant_without_identity_is_sent_to_register_one(tree):
    from tests.factories import applicant_account

    account = applicant_account()
    r = login(account).get(reverse("applications_public:apply", args=[tree["province"].code]))
    assert r.status_code == 302 and r["Location"] == reverse("portal:applicant_new")


def test_applicant_sees_only_own_applications(tree):
    mine, other = ApplicantFactory(), ApplicantFactory()
    app_other = services.application_submit_online(
        applicant=other, agency=tree["province"], data={"description": "x"}
    )
    app_mine = services.application_submit_online(
        applicant=mine, agency=tree["province"], data={"description": "y"}
    )
    c = login(mine.account)
    assert c.get(reverse("applications_public:detail", args=[app_mine.public_id])).status_code == 200
    assert c.get(reverse("applications_public:detail", args=[app_other.public_id])).status_code == 404
    listing = c.get(reverse("applications_public:list")).content.decode()
    assert app_mine.number in listing and app_other.number not in listing
    # Nor can an applicant open the staff case page.
    assert c.get(reverse("applications_staff:detail", args=[app_mine.public_id])).status_code == 404


def test_staff_of_another_county_cannot_open_or_act(tree):
    clerk_a1 = staff(tree["county_a1"], Role.CLERK)
    clerk_a2 = staff(tree["county_a2"], Role.CLERK)
    supervisor = staff(tree["city_a"], Role.SUPERVISOR)
    app = services.application_register(
        agency=tree["county_a1"],
        channel="in_person",
        event_date=timezone.localdate(),
        applicant={"applicant_column": "natural_person", "applicant_name": "甲", "phone": "13800000000"},
        data={"description": "x"},
        by=clerk_a1,
    )
    detail = reverse("applications_staff:detail", args=[app.public_id])
    assert login(clerk_a1).get(detail).status_code == 200
    assert login(clerk_a2).get(detail).status_code == 404
    act = reverse("applications_staff:act", args=[app.public_id, "withdraw"])
    assert login(clerk_a2).post(act, {"withdraw-on": "2026-01-05"}).status_code == 404
    # The supervisor above reads but may not act.
    sup = login(supervisor)
    assert sup.get(detail).status_code == 200
    assert sup.post(act, {"withdraw-on": "2026-01-05"}).status_code == 404
    app.refresh_from_db()
    assert app.status == Status.REGISTERED
    queue = login(clerk_a2).get(reverse("applications_staff:queue")).content.decode()
    assert app.number not in queue


def test_counter_registration_form(tree):
    clerk = staff(tree["province"], Role.CLERK)
    c = login(clerk)
    url = reverse("applications_staff:register")
    data = {
        "channel": "in_person",
        "event_date": "2025-09-26",
        "applicant_column": "natural_person",
        "applicant_name": "李秀英",
        "id_type": "resident_id",
        "id_number": "430121196803150031",
        "phone": "13907390003",
        "description": "征地补偿安置方案",
        "delivery_form": "paper",
        "delivery_method": "post",
    }
    bad = c.post(url, data)
    assert (
        bad.status_code == 200
        and "校验位" in bad.content.decode()
        and 'value="李秀英"' in bad.content.decode()
    )
    data["id_number"] = "430121196803150032"
    ok = c.post(url, data)
    app = Application.objects.get()
    assert ok["Location"] == reverse("applications_staff:detail", args=[app.public_id])
    assert app.received_on == date(2025, 9, 26) and app.due_on == date(2025, 10, 30)
    page = c.get(ok["Location"]).content.decode()
    assert "2025年10月30日" in page and "第三十三条第二款" in page  # due date and the trail's basis
    assert "430121196803150032" not in page  # masked


def test_stored_xss_is_inert_in_the_back_office(tree):
    clerk = staff(tree["province"], Role.CLERK)
    identity = ApplicantFactory(name="<script>alert(1)</script>")
    app = services.application_submit_online(
        applicant=identity, agency=tree["province"], data={"description": "<img src=x onerror=window.__x=1>"}
    )
    body = login(clerk).get(reverse("applications_staff:detail", args=[app.public_id])).content.decode()
    assert "<img src=x" not in body and "&lt;img src=x onerror=window.__x=1&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_actions_walk_a_case_to_its_reply(tree):
    province = tree["province"]
    from tests.factories import UnitFactory

    unit = UnitFactory(agency=province, name="耕地保护监督处")
    clerk, head = staff(province, Role.CLERK), staff(province, Role.HEAD)
    identity = ApplicantFactory()
    app = services.application_submit_online(
        applicant=identity, agency=province, data={"description": "征地批复"}
    )
    c, h = login(clerk), login(head)

    def act(client, name, data, expect=302):
        app.refresh_from_db()
        r = client.post(
            reverse("applications_staff:act", args=[app.public_id, name]), {"version": app.version, **data}
        )
        assert r.status_code == expect
        app.refresh_from_db()

    today = timezone.localdate().isoformat()
    act(c, "accept", {"accept-on": today})
    assert app.status == Status.REGISTERED and app.received_on == timezone.localdate()
    act(c, "assign", {"assign-units": [unit.pk]})
    assert app.status == Status.PROCESSING
    act(c, "draft", {"draft-outcome": "unavailable.not_held", "draft-text": "经检索，本机关未制作该信息。"})
    assert app.status == Status.PENDING_APPROVAL
    act(c, "approve", {"approve-on": today}, expect=404)  # the clerk may not approve
    assert app.status == Status.PENDING_APPROVAL
    act(h, "approve", {"approve-on": today})
    assert app.status == Status.REPLIED and app.outcome == "unavailable.not_held"
    mine = (
        login(identity.account)
        .get(reverse("applications_public:detail", args=[app.public_id]))
        .content.decode()
    )
    assert "本机关不掌握相关政府信息" in mine and "经检索，本机关未制作该信息。" in mine


def test_stale_form_is_refused(tree):
    clerk = staff(tree["province"], Role.CLERK)
    identity = ApplicantFactory()
    app = services.application_submit_online(
        applicant=identity, agency=tree["province"], data={"description": "x"}
    )
    c = login(clerk)
    url = reverse("applications_staff:act", args=[app.public_id, "accept"])
    c.post(url, {"version": app.version, "accept-on": timezone.localdate().isoformat()})
    r = c.post(
        reverse("applications_staff:act", args=[app.public_id, "discard"]),
        {"version": app.version, "discard-on": "2026-01-01", "discard-reason": "x"},
        follow=True,
    )
    assert "已被他人修改" in r.content.decode()
    app.refresh_from_db()
    assert app.status == Status.REGISTERED


def test_dashboard_and_queue_count_urgency(tree):
    clerk = staff(tree["province"], Role.CLERK)
    services.application_register(
        agency=tree["province"],
        channel="in_person",
        event_date=date(2025, 1, 6),
        applicant={"applicant_column": "natural_person", "applicant_name": "甲", "phone": "1"},
        data={"description": "x"},
        by=clerk,
    )
    c = login(clerk)
    queue = c.get(reverse("applications_staff:queue") + "?urgency=overdue")
    assert queue.context["buckets"][0] == ("overdue", "已超期", 1)
    assert len(queue.context["rows"]) == 1
    dash = c.get(reverse("staff:dashboard"))
    assert dash.context["urgency"][0]["overdue"] == 1
