"""The holiday schedule in the database: entering a year makes it known, re-dates open records, is audited."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from gongkai.core import calendar as workcal
from gongkai.core import clock
from gongkai.core.models import AuditEvent, CalendarYear
from gongkai.core.schedule import parse_lines
from gongkai.orgs.models import Role
from tests.factories import PASSWORD, staff

pytestmark = pytest.mark.django_db

# An example schedule for 2027 (test data; the official one is entered when the notice is out).
SCHEDULE_2027 = """
2027-01-01..2027-01-03 元旦 休
2027-02-05..2027-02-11 春节 休
2027-02-13 春节 班
"""


def call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_year_becomes_known_once_entered_completely():
    before = clock.reply_deadline(workcal.working_calendar(), date(2026, 12, 31))
    assert before.provisional and before.missing_years == (2027,)
    workcal.calendar_save_year(year=2027, days=parse_lines(SCHEDULE_2027), notice="测试通知")
    cal = workcal.working_calendar()
    assert 2027 in cal.known_years
    assert not cal.is_working_day(date(2027, 2, 8))  # a Monday in the Spring Festival holiday
    assert cal.is_working_day(date(2027, 2, 13))  # a make-up Saturday
    after = clock.reply_deadline(cal, date(2026, 12, 31))
    assert not after.provisional
    assert after.due != before.due  # the entered holidays move the date


def test_an_incomplete_year_stays_provisional():
    workcal.calendar_save_year(year=2027, days=parse_lines(SCHEDULE_2027), notice="测试通知", complete=False)
    assert 2027 not in workcal.working_calendar().known_years


def test_saving_recomputes_registered_records_and_records_it(monkeypatch):
    seen = []

    def recompute(calendar, actor):
        seen.append((2027 in calendar.known_years, actor))
        return 3

    monkeypatch.setattr(workcal, "_recomputers", {})
    workcal.register_recompute("applications", recompute)
    result = workcal.calendar_save_year(year=2027, days=parse_lines(SCHEDULE_2027), notice="通知")
    assert seen == [(True, None)]  # the recompute saw the new schedule
    assert result.recomputed == {"applications": 3}
    event = AuditEvent.objects.get(verb="calendar.create")
    assert event.data["recomputed"] == {"applications": 3}
    assert "2027-02-13 班" in event.data["added"]
    # Changing one day is recorded as such.
    changed = SCHEDULE_2027.replace("2027-02-13 春节 班", "2027-02-14 春节 班")
    workcal.calendar_save_year(year=2027, days=parse_lines(changed), notice="通知", reason="更正")
    update = AuditEvent.objects.get(verb="calendar.update")
    assert update.data["added"] == ["2027-02-14 班"] and update.data["removed"] == ["2027-02-13 班"]
    assert update.reason == "更正"


def test_days_of_another_year_are_refused():
    with pytest.raises(ValueError, match="不属于 2028 年"):
        workcal.calendar_save_year(year=2028, days=parse_lines(SCHEDULE_2027), notice="通知")


def test_missing_next_year_from_first_of_november():
    assert workcal.missing_next_year(date(2026, 10, 31)) is None
    assert workcal.missing_next_year(date(2026, 11, 1)) == 2027
    workcal.calendar_save_year(year=2027, days=parse_lines(SCHEDULE_2027), notice="通知")
    assert workcal.missing_next_year(date(2026, 11, 1)) is None


# --- the staff pages -------------------------------------------------------------------------------


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_dashboard_warns_when_next_year_is_missing(tree, monkeypatch):
    from gongkai.staff import views

    admin = staff(tree["province"], Role.ADMIN)
    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2026, 11, 25))
    body = login(admin).get(reverse("staff:dashboard")).content.decode()
    assert "2027 年节假日安排尚未录入" in body and reverse("staff:calendar_edit", args=[2027]) in body
    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2026, 10, 25))
    assert "节假日安排尚未录入" not in login(admin).get(reverse("staff:dashboard")).content.decode()


def test_administrator_enters_a_year_in_the_form(tree):
    admin = staff(tree["province"], Role.ADMIN)
    c = login(admin)
    url = reverse("staff:calendar_edit", args=[2027])
    bad = c.post(
        url,
        {
            "notice": "国务院办公厅关于2027年部分节假日安排的通知",
            "days": "2027-02-30 春节 休",
            "complete": "on",
        },
    )
    assert bad.status_code == 200
    body = bad.content.decode()
    assert (
        "不存在" in body
        and "2027-02-30 春节 休" in body
        and "国务院办公厅关于2027年部分节假日安排的通知" in body
    )
    assert not CalendarYear.objects.exists()
    ok = c.post(
        url, {"notice": "国务院办公厅关于2027年部分节假日安排的通知", "days": SCHEDULE_2027, "complete": "on"}
    )
    assert ok.status_code == 302
    saved = CalendarYear.objects.get(year=2027)
    assert saved.complete and saved.updated_by == admin and saved.days.count() == 11
    # The form shows what was entered, merged into ranges.
    assert "2027-02-05..2027-02-11 春节 休" in c.get(url).content.decode()


def test_only_top_level_administrators_change_the_schedule(tree):
    for user in (staff(tree["province"], Role.CLERK, Role.HEAD), staff(tree["city_a"], Role.ADMIN)):
        c = login(user)
        assert c.get(reverse("staff:calendar_edit", args=[2027])).status_code == 404
        assert (
            c.post(
                reverse("staff:calendar_edit", args=[2027]), {"notice": "x", "days": SCHEDULE_2027}
            ).status_code
            == 404
        )
        assert c.get(reverse("staff:calendar")).status_code == 200  # everyone may read it
    assert not CalendarYear.objects.exists()


# --- the command line ------------------------------------------------------------------------------


def test_cli_answers_the_worked_example():
    out = call("deadline", "2025-09-26")
    assert "答复期限：2025-10-30" in out
    data = json.loads(call("deadline", "2025-09-26", "--json"))
    assert data["received"] == "2025-09-26" and data["due"] == "2025-10-30" and data["provisional"] is False
    assert sum(step["days"] for step in data["trail"]) == 20


def test_cli_channel_clarify_consult_fee_extend():
    data = json.loads(
        call(
            "deadline",
            "2025-03-03",
            "--channel",
            "online",
            "--clarify",
            "2025-03-05:2025-03-10",
            "--consult",
            "2025-03-12:2025-03-14",
            "--fee",
            "2025-03-20:2025-03-21",
            "--extend",
            "5",
            "--json",
        )
    )
    assert data["channel"] == "online" and data["start"] == "2025-03-10"
    # 20 + 2 (consultation 03-13, 03-14) + 1 (fee 03-21) + 5 (extension) working days after 03-10
    expected = clock.add_working_days(workcal.working_calendar(), date(2025, 3, 10), 28)
    assert data["due"] == expected.isoformat()


def test_cli_unknown_year_is_provisional_not_a_crash():
    data = json.loads(call("deadline", "2031-06-02", "--json"))
    assert data["provisional"] is True and data["missing_years"] == [2031]
    assert "暂定" in call("deadline", "2031-06-02")


def test_cli_rejects_bad_dates_in_chinese():
    with pytest.raises(CommandError, match="不是有效日期"):
        call("deadline", "2026-02-30")
    with pytest.raises(CommandError, match="1至20"):
        call("deadline", "2026-03-02", "--extend", "21")


def test_cli_calendar_load_and_show(tmp_path: Path):
    csv_file = tmp_path / "2027.csv"
    csv_file.write_text(
        "日期,类型,名称\n2027-10-01,休,国庆节\n2027-10-04,休,国庆节\n2027-10-09,班,国庆节\n", "utf-8"
    )
    assert "检查通过" in call("calendar", "load", str(csv_file), "--notice", "通知", "--dry-run")
    assert not CalendarYear.objects.exists()
    out = call("calendar", "load", str(csv_file), "--notice", "通知")
    assert "2027 年节假日安排已录入" in out
    shown = call("calendar", "show", "2027")
    assert "管理员录入" in shown and " 9班" in shown and " 4休" in shown
    assert "尚未录入" in call("calendar", "show", "2028")
    bad = tmp_path / "bad.txt"
    bad.write_text("2027-13-01 x 休", "utf-8")
    with pytest.raises(CommandError, match=r"bad\.txt"):
        call("calendar", "load", str(bad), "--notice", "通知")
