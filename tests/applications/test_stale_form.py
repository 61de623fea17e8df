"""bad-inputs 14 on the case page: when a form arrives after someone else changed the case, nothing is
done, and the page comes back (409) showing what the other person changed since the page was opened
(state, units, outcome and draft reply, deadline …), the steps they took, and what this person typed."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import conflicts, services
from gongkai.applications.workflow import Status
from gongkai.orgs.models import Role
from tests.factories import PASSWORD, staff

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _open(client: Client, app) -> tuple[int, str]:
    """The version and the signed summary the case page puts into its forms."""
    page = client.get(reverse("applications_staff:detail", args=[app.public_id]))
    body = page.content.decode()
    assert f'name="loaded" value="{page.context["loaded"]}"' in body
    return app.version, page.context["loaded"]


def _act(client: Client, app, action: str, data: dict[str, str]):
    return client.post(reverse("applications_staff:act", args=[app.public_id, action]), data)


def test_the_refused_draft_shows_the_others_draft_and_keeps_mine(register, office):
    app = register()
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    app.refresh_from_db()
    mine = login(office["clerk"])
    version, loaded = _open(mine, app)
    # meanwhile the officer drafts the reply
    services.application_draft_reply(
        application=app,
        outcome="disclosed",
        text="经审查，现向您提供2019年征地批复的复印件。",
        by=office["officer"],
    )
    typed = "经检索，本机关未制作该信息，特此告知。"
    r = _act(
        mine,
        app,
        "draft",
        {
            "version": str(version),
            "loaded": loaded,
            "draft-outcome": "unavailable.not_held",
            "draft-text": typed,
        },
    )
    body = r.content.decode()
    assert r.status_code == 409
    assert "该申请已被他人修改，请查看最新情况后再操作。" in body and "您的操作没有执行" in body
    changes = {c.label: (c.before, c.after) for c in r.context["conflict"]["changes"]}
    assert changes["状态"] == ("办理中", "答复待审批")
    assert changes["答复内容"][0] == "—" and changes["答复内容"][1].startswith("23 字：经审查，现向您提供")
    assert "本机关不掌握" not in changes["拟定的办理结果"][0] and "予以公开" in changes["拟定的办理结果"][1]
    # the steps in between, with who took them
    events = r.context["conflict"]["events"]
    assert [(e.verb, e.actor) for e in events] == [("reply_drafted", office["officer"])]
    assert "拟定答复" in body and str(office["officer"]) in body
    # what I typed is listed (drafting is no longer offered in the new state, so the form is not shown)
    assert ("答复内容", typed) in r.context["conflict"]["typed"] and typed in body
    assert ("办理结果", "（四）无法提供 / 1.本机关不掌握相关政府信息") in r.context["conflict"]["typed"]
    app.refresh_from_db()
    assert (
        app.reply_text.startswith("经审查")
        and app.version == version + 1
        and app.status == Status.PENDING_APPROVAL
    )


def test_units_and_deadline_changes_are_listed(register, office, tree):
    app = register()  # received 2025-09-26, due 2025-10-30
    mine = login(office["clerk"])
    version, loaded = _open(mine, app)
    services.application_assign(application=app, units=[office["unit"]], by=office["officer"])
    app.refresh_from_db()
    services.application_extend(
        application=app, days=10, notified_on=date(2025, 10, 20), reason="需调取档案", by=office["head"]
    )
    r = _act(
        mine,
        app,
        "clarify",
        {
            "version": str(version),
            "loaded": loaded,
            "clarify-on": "2025-10-08",
            "clarify-days": "15",
            "clarify-reason": "请说明地块位置",
        },
    )
    assert r.status_code == 409
    changes = {c.label: (c.before, c.after) for c in r.context["conflict"]["changes"]}
    assert changes["状态"] == ("已受理", "办理中")
    assert changes["承办处室"] == ("—", "耕地保护监督处")
    assert changes["延期（工作日）"] == ("0", "10")
    assert changes["答复期限"][0] == "2025-10-30" and changes["答复期限"][1] > "2025-10-30"
    assert {e.verb for e in r.context["conflict"]["events"]} == {"assigned", "extended"}
    assert ("需要补正的事项", "请说明地块位置") in r.context["conflict"]["typed"]
    app.refresh_from_db()
    assert app.clarification_sent_on is None


def test_sending_the_kept_form_again_goes_through(register, office):
    app = register()
    mine = login(office["clerk"])
    version, loaded = _open(mine, app)
    services.application_assign(application=app, units=[office["unit"]], by=office["officer"])
    data = {"version": str(version), "loaded": loaded, "note-text": "已电话联系申请人"}
    r = _act(mine, app, "note", data)
    now = str(version + 1)
    body = r.content.decode()
    assert r.status_code == 409 and f'name="version" value="{now}"' in body
    assert "已电话联系申请人</textarea>" in body and r.context["forms"]["note"].is_bound  # filled in as typed
    data["version"], data["loaded"] = now, r.context["loaded"]  # what the page now carries
    assert _act(mine, app, "note", data).status_code == 302
    assert app.events.filter(verb="note", reason="已电话联系申请人").exists()


def test_a_form_without_a_summary_or_with_an_altered_one_still_gets_the_latest_steps(register, office):
    app = register()
    mine = login(office["clerk"])
    version, loaded = _open(mine, app)
    services.application_assign(application=app, units=[office["unit"]], by=office["officer"])
    for bad in ("", loaded[:-3] + "abc"):
        r = _act(mine, app, "note", {"version": str(version), "loaded": bad, "note-text": "备注"})
        body = r.content.decode()
        assert r.status_code == 409 and r.context["conflict"]["changes"] is None
        assert "无法确定您打开页面时的情况" in body and "分办" in body
    assert not app.events.filter(verb="note").exists()


def test_a_change_between_the_check_and_the_write_is_answered_the_same_way(register, office, monkeypatch):
    app = register()
    mine = login(office["clerk"])
    version, loaded = _open(mine, app)
    real = services.application_request_clarification

    def someone_first(*, application, **kwargs):  # the other person's write lands in between
        fresh = type(application).objects.get(pk=application.pk)
        services.application_assign(application=fresh, units=[office["unit"]], by=office["officer"])
        return real(application=application, **kwargs)

    monkeypatch.setattr(services, "application_request_clarification", someone_first)
    data = {"clarify-on": "2025-10-08", "clarify-days": "15", "clarify-reason": "请说明地块位置"}
    r = _act(mine, app, "clarify", {"version": str(version), "loaded": loaded, **data})
    assert r.status_code == 409
    assert {c.label for c in r.context["conflict"]["changes"]} >= {"状态", "承办处室"}
    app.refresh_from_db()
    assert app.status == Status.PROCESSING and app.clarification_sent_on is None


def test_the_summary_holds_no_personal_data_of_the_applicant(register):
    app = register()
    state = conflicts.state_of(app)
    text = str(state)
    assert app.applicant_name not in text and app.phone not in text and app.id_number not in text
    token = conflicts.snapshot_token(app)
    assert conflicts.load_snapshot(token, app)["status"] == app.status
    assert conflicts.load_snapshot(token + "x", app) is None and conflicts.load_snapshot("", app) is None
    other = register()  # a summary taken from another case's page is not this case's
    assert conflicts.load_snapshot(token, other) is None


def test_supervisors_who_cannot_act_get_no_summary(register, tree):
    app = register()
    page = login(staff(tree["province"], Role.SUPERVISOR)).get(
        reverse("applications_staff:detail", args=[app.public_id])
    )
    assert (
        page.status_code == 200
        and page.context["loaded"] == ""
        and 'name="loaded"' not in page.content.decode()
    )
