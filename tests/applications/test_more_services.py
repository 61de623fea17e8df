"""Reminders, duplicates, Art. 35, delivery, notes and year-end carry-over."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from gongkai.applications import selectors, services
from gongkai.applications.models import Application, Reminder
from gongkai.applications.workflow import Status

pytestmark = pytest.mark.django_db


def test_reminders_are_sent_once_per_due_date(register, office, django_capture_on_commit_callbacks):
    for user in (office["clerk"], office["head"]):
        user.email = f"{user.username}@example.cn"
        user.save()
    app = register(date(2025, 9, 26))  # due 2025-10-30
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_reminders(today=date(2025, 10, 27), days_before=3)
    assert sent == [app] and len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([office["clerk"].email, office["head"].email])
    assert "430S00-2025-00001" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(today=date(2025, 10, 28), days_before=3) == []
    assert len(mail.outbox) == 1 and Reminder.objects.count() == 1
    # A moved due date earns a new reminder.
    services.application_extend(
        application=app, days=5, notified_on=date(2025, 10, 28), reason="x", by=office["head"]
    )
    assert services.send_reminders(today=date(2025, 11, 4), days_before=3) == [app]


def test_not_yet_due_and_concluded_get_no_reminder(register, office):
    register(date(2025, 9, 26))
    assert services.send_reminders(today=date(2025, 10, 1), days_before=3) == []
    done = register(date(2025, 9, 26))
    services.application_withdraw(application=done, withdrawn_on=date(2025, 9, 29), reason="", by=None)
    assert [a.pk for a in services.send_reminders(today=date(2025, 10, 27), days_before=3)] != [done.pk]


def test_similar_earlier_applications_are_found(register, office):
    first = register(date(2025, 3, 3), description="长沙县黄花镇2019年第3批次建设用地征收土地的批复文件")
    register(date(2025, 3, 4), description="浏阳市集里街道2012年征地补偿安置方案")
    again = register(date(2025, 4, 7), description="长沙县黄花镇2019年第3批次建设用地征收土地批复文件。")
    found = services.similar_earlier(again)
    assert [a for a, _score in found] == [first]
    assert found[0][1] > 0.8


def test_other_applicants_are_not_duplicates(register, office):
    from tests.applications.conftest import COUNTER_APPLICANT

    register(date(2025, 3, 3))
    other = services.application_register(
        agency=office["agency"],
        channel="in_person",
        event_date=date(2025, 3, 5),
        applicant={**COUNTER_APPLICANT, "id_number": "430121196803150040", "applicant_name": "李四"},
        data={"description": "长沙县黄花镇2019年征地批复及征地补偿安置方案"},
        by=office["clerk"],
    )
    assert services.similar_earlier(other) == []


def test_art35_unreasonable_goes_to_the_head_as_not_processed(register, office):
    app = register(date(2025, 3, 3))
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_ask_reasons(
        application=app, sent_on=date(2025, 3, 5), text="一日内提交 100 件申请", by=None
    )
    assert app.status == Status.AWAITING_REASONS
    services.application_decide_art35(
        application=app, reasonable=False, due=None, text="未说明理由", by=office["head"]
    )
    assert app.status == Status.PENDING_APPROVAL and app.outcome == "not_processed.excessive"


def test_art35_reasonable_fixes_a_later_deadline(register, office):
    app = register(date(2025, 3, 3))
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_ask_reasons(application=app, sent_on=date(2025, 3, 5), text="x", by=None)
    with pytest.raises(ValidationError, match="不能早于"):
        services.application_decide_art35(
            application=app, reasonable=True, due=date(2025, 3, 10), text="x", by=None
        )
    services.application_decide_art35(
        application=app, reasonable=True, due=date(2025, 6, 30), text="数量大", by=None
    )
    assert app.status == Status.PROCESSING and app.due_on == date(2025, 6, 30)


def test_delivery_is_recorded_after_the_reply(register, office):
    app = register(date(2025, 3, 3))
    with pytest.raises(ValidationError, match="答复后"):
        services.application_delivered(application=app, delivered_on=date(2025, 3, 20), note="EMS", by=None)
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_draft_reply(application=app, outcome="disclosed", text="x", by=office["officer"])
    services.application_approve_reply(application=app, replied_on=date(2025, 3, 20), by=office["head"])
    services.application_delivered(
        application=app, delivered_on=date(2025, 3, 21), note="EMS 1234", by=office["clerk"]
    )
    assert app.delivered_on == date(2025, 3, 21) and app.delivery_note == "EMS 1234"


def test_notes_stay_internal_messages_reach_the_applicant(register, office):
    app = register()
    services.application_note(
        application=app, text="内部：需查档案室", to_applicant=False, by=office["clerk"]
    )
    services.application_note(application=app, text="请于周三前来查阅", to_applicant=True, by=office["clerk"])
    visible = list(app.events.filter(visible_to_applicant=True).values_list("reason", flat=True))
    assert "请于周三前来查阅" in visible and "内部：需查档案室" not in visible


def test_carry_over_at_year_end(register, office):
    open_case = register(date(2024, 12, 20))
    concluded_in_time = register(date(2024, 12, 2))
    concluded_next_year = register(date(2024, 12, 16))
    services.application_withdraw(
        application=concluded_in_time, withdrawn_on=date(2024, 12, 10), reason="", by=None
    )
    services.application_withdraw(
        application=concluded_next_year, withdrawn_on=date(2025, 1, 6), reason="", by=None
    )
    register(date(2025, 1, 2))
    carried = set(selectors.carried_over(Application.objects.all(), 2024))
    assert carried == {open_case, concluded_next_year}


def test_fee_amount_comes_from_the_measures(register, office):
    apps = [register(date(2025, 3, 3)) for _ in range(12)]
    twelfth = apps[-1]
    assert services.monthly_position(twelfth) == 12
    services.application_assign(application=twelfth, units=[office["unit"]], by=office["clerk"])
    pause = services.application_fee_notice(
        application=twelfth, received_on=date(2025, 3, 5), method="per_item", by=office["clerk"]
    )
    assert pause.amount == 100 and "第 12 件" in pause.note
    first = apps[0]
    services.application_assign(application=first, units=[office["unit"]], by=office["clerk"])
    with pytest.raises(ValidationError, match="不收费"):
        services.application_fee_notice(
            application=first, received_on=date(2025, 3, 5), method="per_item", by=None
        )
