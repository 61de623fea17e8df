"""Reading holiday schedules from text, CSV and iCalendar (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.schedule import ScheduleDay, ScheduleError, format_lines, parse_csv, parse_ics, parse_lines

TEXT = """
# 2027 (example)
2027-01-01..2027-01-03 元旦 休
2027-02-06～2027-02-13 春节 休
2027年2月14日 春节 班
"""


def test_lines_with_ranges_and_both_date_styles():
    days = parse_lines(TEXT, year=2027)
    assert len(days) == 12
    assert days[0] == ScheduleDay(date(2027, 1, 1), False, "元旦")
    assert ScheduleDay(date(2027, 2, 14), True, "春节") in days
    assert sum(1 for d in days if d.name == "春节" and not d.is_working) == 8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-02-30 错 休", "不存在"),
        ("2027-01-01 元旦", "休"),
        ("2027/13/01 x 休", "不存在"),
        ("20270101 元旦 休", "无法识别日期"),
        ("2027-01-01 元旦 放", "应为“休”"),
        ("2027-01-05..2027-01-01 x 休", "早于"),
        ("2027-01-01..2027-03-01 x 休", "超过"),
        ("2027-01-01 x 休\n2027-01-01 x 班", "同时"),
        ("2026-12-31 x 休", "不属于 2027 年"),
    ],
)
def test_line_errors_say_what_and_where(text, message):
    with pytest.raises(ScheduleError, match=message):
        parse_lines(text, year=2027)


def test_csv_with_header_and_bom():
    text = "\ufeffdate,kind,name\n2027-10-01,休,国庆节\n2027-09-26,班,国庆节\n"
    assert parse_csv(text) == [
        ScheduleDay(date(2027, 9, 26), True, "国庆节"),
        ScheduleDay(date(2027, 10, 1), False, "国庆节"),
    ]


def test_csv_row_error_names_the_line():
    with pytest.raises(ScheduleError, match="第 3 行"):
        parse_csv("date,kind,name\n2027-10-01,休,国庆节\n2027-10-02,maybe,国庆节\n")


ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:1
DTSTART;VALUE=DATE:20271001
DTEND;VALUE=DATE:20271008
SUMMARY:\xe5\x9b\xbd\xe5\xba\x86\xe8\x8a\x82 \xe4\xbc\x91
END:VEVENT
BEGIN:VEVENT
UID:2
DTSTART;VALUE=DATE:20270926
DTEND;VALUE=DATE:20270927
SUMMARY:\xe5\x9b\xbd\xe5\xba\x86\xe8\x8a\x82 \xe7\x8f\xad
END:VEVENT
BEGIN:VEVENT
UID:3
DTSTART;VALUE=DATE:20270501
SUMMARY:note
END:VEVENT
END:VCALENDAR
"""


def test_ics_all_day_events_with_exclusive_end():
    days = parse_ics(ICS, year=2027)
    off = [d.day for d in days if not d.is_working]
    assert off == [date(2027, 10, 1) + timedelta(days=i) for i in range(7)]  # DTEND 10-08 is exclusive
    assert [d for d in days if d.is_working] == [ScheduleDay(date(2027, 9, 26), True, "国庆节")]


def test_bad_ics_is_a_clear_error():
    with pytest.raises(ScheduleError, match="iCalendar"):
        parse_ics(b"this is not a calendar")


@given(
    st.dictionaries(
        st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)),
        st.tuples(st.booleans(), st.sampled_from(["", "元旦", "春节", "国庆节"])),
        max_size=40,
    )
)
def test_format_lines_round_trips(entries):
    days = sorted((ScheduleDay(d, w, n) for d, (w, n) in entries.items()), key=lambda e: e.day)
    assert parse_lines(format_lines(days), year=2027) == days
