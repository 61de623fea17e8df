"""The life of an application through the service layer: every step guarded, timed and recorded."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gongkai.applications import outcomes, services
from gongkai.applications.models import Application, CaseEvent
from gongkai.applications.workflow import Status, TransitionError
from gongkai.core import calendar as workcal
from gongkai.core.schedule import parse_lines

pytestmark = pytest.mark.django_db


def reply(app, office, outcome, on=date(2025, 10, 20)):
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_draft_reply(application=app, outcome=outcome, text="答复正文", by=office["officer"])
    return services.application_approve_reply(application=app, replied_on=on, by=office["head"])


def test_counter_registration_fixes_receipt_and_due_date(register):
    app = register(date(2025, 9, 26))
    assert app.status == Status.REGISTERED and app.received_on == date(2025, 9, 26)
    assert app.due_on == date(2025, 10, 30)  # the worked example of clock.md
    assert app.number == "430S00-2025-00001"
    assert register(date(2025, 9, 29)).number == "430S00-2025-00002"
    event = CaseEvent.objects.filter(application=app).get()
    assert event.verb == "registered" and event.to_status == Status.REGISTERED


@pytest.mark.parametrize("outcome", [o.key for o in outcomes.OUTCOMES if o.group != "other"])
def test_each_reply_outcome(register, office, outcome):
    app = reply(register(), office, outcome)
    assert app.status == Status.REPLIED and app.outcome == outcome and app.concluded_on == date(2025, 10, 20)
    verbs = list(app.events.values_list("verb", flat=True))
    assert verbs == ["registered", "assigned", "reply_drafted", "replied"]
    assert app.events.last().data == {"outcome": outcome, "on_time": True}


def test_other_outcomes_come_from_their_own_steps(register, office):
    with pytest.raises(ValidationError, match="其他处理"):
        services.application_draft_reply(
            application=register(), outcome="other.other", text="x", by=office["officer"]
        )


def test_only_the_head_approves(register, office):
    app = register()
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_draft_reply(application=app, outcome="disclosed", text="x", by=office["officer"])
    with pytest.raises(ValidationError, match="负责人审批"):
        services.application_approve_reply(application=app, replied_on=date(2025, 10, 20), by=office["clerk"])
    services.application_return_draft(application=app, reason="请补充依据", by=office["head"])
    app.refresh_from_db()
    assert app.status == Status.PROCESSING and app.outcome == ""


def test_no_state_change_outside_the_workflow(register, office):
    app = register()
    with pytest.raises(TransitionError):
        services.application_approve_reply(application=app, replied_on=date(2025, 10, 20), by=office["head"])
    assert Application.objects.get(pk=app.pk).status == Status.REGISTERED


def test_stale_copy_cannot_overwrite(register, office):
    app = register()
    stale = Application.objects.get(pk=app.pk)
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    with pytest.raises(services.StaleApplication, match="已被他人修改"):
        services.application_withdraw(application=stale, withdrawn_on=date(2025, 10, 1), reason="", by=None)


def test_clarification_restarts_the_clock(register, office):
    app = register(date(2025, 9, 26))
    services.application_request_clarification(
        application=app,
        sent_on=date(2025, 9, 29),
        days=15,
        text="请说明所需征地批复的批次名称",
        by=office["clerk"],
    )
    assert app.status == Status.AWAITING_SUPPLEMENT and app.due_on is None  # clock stopped
    with pytest.raises(ValidationError, match="一次性"):
        services.application_request_clarification(
            application=app, sent_on=date(2025, 9, 30), days=15, text="x", by=None
        )
    services.application_receive_supplement(
        application=app, received_on=date(2025, 10, 13), by=office["clerk"]
    )
    assert app.status == Status.PROCESSING
    # 20 working days from Mon 2025-10-13 (exclusive): 2025-11-10
    assert app.due_on == date(2025, 11, 10)


def test_no_supplement_closes_as_other_1(register, office):
    app = register(date(2025, 3, 3))
    services.application_request_clarification(
        application=app, sent_on=date(2025, 3, 4), days=15, text="x", by=None
    )
    with pytest.raises(ValidationError, match="才届满"):
        services.application_close_no_supplement(
            application=app, closed_on=date(2025, 3, 10), by=office["clerk"]
        )
    services.application_close_no_supplement(application=app, closed_on=date(2025, 3, 26), by=office["clerk"])
    assert app.status == Status.CLOSED and app.outcome == "other.no_supplement"


def test_consultation_excludes_its_days(register, office):
    app = register(date(2025, 3, 3))
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    before = app.due_on
    pause = services.application_consult(
        application=app, kind="third_party", party="某公司", sent_on=date(2025, 3, 10), by=office["officer"]
    )
    assert app.status == Status.CONSULTING
    services.application_consultation_answered(
        application=app, pause=pause, answered_on=date(2025, 3, 14), by=office["officer"]
    )
    assert app.status == Status.PROCESSING
    assert app.due_on == services.clock.add_working_days(workcal.working_calendar(), before, 4)


def test_fee_pause_and_unpaid_closure(register, office):
    app = register(date(2025, 3, 3))
    services.application_assign(application=app, units=[office["unit"]], by=office["clerk"])
    services.application_fee_notice(
        application=app, received_on=date(2025, 3, 5), method="per_volume", pages=40, by=None
    )
    assert app.status == Status.AWAITING_FEE and app.due_on is None
    services.application_close_fee_unpaid(application=app, closed_on=date(2025, 4, 3), by=office["clerk"])
    assert app.status == Status.CLOSED and app.outcome == "other.fee_unpaid"


def test_extension_once_by_the_head_before_the_deadline(register, office):
    app = register(date(2025, 9, 26))
    with pytest.raises(ValidationError, match="负责人同意"):
        services.application_extend(
            application=app, days=10, notified_on=date(2025, 10, 20), reason="x", by=office["clerk"]
        )
    with pytest.raises(ValidationError, match="届满前"):
        services.application_extend(
            application=app, days=10, notified_on=date(2025, 10, 31), reason="x", by=office["head"]
        )
    services.application_extend(
        application=app, days=10, notified_on=date(2025, 10, 20), reason="需调取档案", by=office["head"]
    )
    assert app.due_on == date(2025, 11, 13)
    with pytest.raises(ValidationError, match="一次"):
        services.application_extend(
            application=app, days=5, notified_on=date(2025, 10, 21), reason="x", by=office["head"]
        )


def test_withdrawal_is_other_3(register, office):
    app = services.application_withdraw(
        application=register(), withdrawn_on=date(2025, 10, 1), reason="", by=None
    )
    assert app.status == Status.WITHDRAWN and app.outcome == "other.other"


def test_entering_a_schedule_redates_open_applications(register, office):
    app = register(date(2026, 11, 24))
    services.application_extend(
        application=app, days=20, notified_on=date(2026, 11, 25), reason="x", by=office["head"]
    )
    assert app.due_provisional and app.due_on.year == 2027
    provisional_due = app.due_on
    done = register(date(2026, 11, 24))
    services.application_extend(
        application=done, days=20, notified_on=date(2026, 11, 25), reason="x", by=office["head"]
    )
    services.application_withdraw(application=done, withdrawn_on=date(2026, 11, 25), reason="", by=None)
    result = workcal.calendar_save_year(
        year=2027,
        days=parse_lines("2027-01-01..2027-01-03 元旦 休\n2027-01-18..2027-01-22 测试 休"),
        notice="测试",
    )
    assert result.recomputed["applications"] == 1  # the concluded one is not touched
    app.refresh_from_db()
    assert not app.due_provisional and app.due_on > provisional_due
    event = app.events.get(verb="deadline.recomputed")
    assert event.data == {"from": provisional_due.isoformat(), "to": app.due_on.isoformat()}
