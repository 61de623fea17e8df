"""Table and scenario tests of the statutory clock (gongkai.core.clock).

Every expected date below was counted by hand from the official schedules (State Council notices as
reproduced in regulation.md §5.1 and the chinese_calendar 1.11.0 data), working day by working day; the
counting is written next to the harder ones. 2025: 元旦 1-1; 春节 1-28..2-4 (make-up Sun 1-26, Sat 2-8);
清明 4-4..4-6; 劳动节 5-1..5-5 (make-up Sun 4-27); 端午 5-31..6-2; 国庆·中秋 10-1..10-8 (make-up Sun 9-28,
Sat 10-11). 2026: 元旦 1-1..1-3 (make-up Sun 1-4); 春节 2-15..2-23 (make-up Sat 2-14, Sat 2-28); 清明
4-4..4-6; 劳动节 5-1..5-5 (make-up Sat 5-9); 端午 6-19..6-21; 中秋 9-25..9-27; 国庆 10-1..10-7 (make-up Sun
9-20, Sat 10-10). 2027: unknown to chinese_calendar 1.11.0.
"""

from __future__ import annotations

from datetime import date, datetime

import chinese_calendar
import pytest

from gongkai.core.clock import (
    Channel,
    Clarification,
    Consultation,
    ConsultationParty,
    Deadline,
    FeeNotice,
    WorkingCalendar,
    add_working_days,
    annual_report_deadline,
    clarification_notice_deadline,
    consultation_answer_deadline,
    fee_payment_deadline,
    is_on_time,
    publication_deadline,
    receipt_date,
    remaining_working_days,
    reply_deadline,
    supplement_deadline,
    working_days_between,
)

D = date
CAL = WorkingCalendar.from_chinese_calendar()


def trail_adds_up(cal: WorkingCalendar, d: Deadline) -> bool:
    assert d.due is not None
    return working_days_between(cal, d.start, d.due) == sum(s.days for s in d.trail)


def flag_codes(d: Deadline) -> set[str]:
    return {f.code for f in d.flags}


# ---------------------------------------------------------------------------------------------------------
# the calendar
# ---------------------------------------------------------------------------------------------------------


def test_package_range_is_read_from_its_data() -> None:
    assert CAL.package_years == tuple(range(2004, 2027))
    assert CAL.known_years == frozenset(range(2004, 2027))
    assert CAL.is_known(D(2026, 12, 31))
    assert not CAL.is_known(D(2027, 1, 1))
    assert not CAL.is_known(D(2003, 12, 31))
    # and the package itself really refuses 2027 (which is why it is never called per date)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 28), True),  # Sunday, make-up working day (调休上班)
        (D(2025, 10, 11), True),  # Saturday, make-up
        (D(2025, 10, 1), False),
        (D(2025, 10, 6), False),  # 中秋 inside 国庆
        (D(2025, 10, 8), False),  # Wednesday, last holiday
        (D(2025, 10, 9), True),
        (D(2025, 1, 26), True),  # Sunday make-up before 春节
        (D(2025, 2, 8), True),  # Saturday make-up after 春节
        (D(2025, 1, 28), False),  # 除夕 (a public holiday from 2025)
        (D(2025, 5, 2), False),
        (D(2026, 1, 4), True),  # Sunday make-up
        (D(2026, 2, 14), True),  # Saturday make-up
        (D(2026, 2, 23), False),  # Monday, last day of 春节
        (D(2026, 2, 28), True),  # Saturday make-up
        (D(2026, 9, 20), True),  # Sunday make-up
        (D(2026, 9, 25), False),  # Friday, 中秋
        (D(2026, 10, 7), False),  # Wednesday, last day of 国庆
        (D(2026, 10, 10), True),  # Saturday make-up
        (D(2026, 10, 17), False),  # ordinary Saturday
        (D(2026, 12, 31), True),
        (D(2027, 1, 1), True),  # unknown year: provisionally Monday–Friday (it is a Friday)
        (D(2027, 1, 2), False),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_calendar_matches_the_package_on_every_day_it_covers() -> None:
    d = D(2004, 1, 1).toordinal()
    end = D(2026, 12, 31).toordinal()
    wrong = [
        date.fromordinal(o)
        for o in range(d, end + 1)
        if CAL.is_working_day(date.fromordinal(o)) != chinese_calendar.is_workday(date.fromordinal(o))
    ]
    assert wrong == []


def test_find_workday_pitfall_is_avoided() -> None:
    # regulation.md §5.3: find_workday counts one day too many when day0 is not a working day
    assert chinese_calendar.find_workday(1, D(2025, 10, 4)) == D(2025, 10, 10)
    assert add_working_days(CAL, D(2025, 10, 4), 1) == D(2025, 10, 9)


def test_overrides_win_over_the_package() -> None:
    # hypothetical correction: 2025-10-09 declared a day off
    cal = WorkingCalendar.from_chinese_calendar({D(2025, 10, 9): False, D(2025, 10, 12): True})
    assert not cal.is_working_day(D(2025, 10, 9))
    assert cal.is_working_day(D(2025, 10, 12))
    assert add_working_days(cal, D(2025, 10, 4), 1) == D(2025, 10, 10)
    assert add_working_days(CAL, D(2025, 10, 4), 1) == D(2025, 10, 9)  # the shared calendar is untouched


def test_partial_overrides_for_an_undeclared_year_are_not_used() -> None:
    cal = WorkingCalendar.from_chinese_calendar({D(2027, 1, 1): False})
    assert cal.partial_override_years == (2027,)
    assert not cal.is_known(D(2027, 1, 1))
    assert cal.is_working_day(D(2027, 1, 1))  # still provisional Monday–Friday
    d = reply_deadline(cal, D(2026, 12, 31))
    assert (d.due, d.provisional, d.missing_years) == (D(2027, 1, 28), True, (2027,))


def test_plain_constructor_and_validation() -> None:
    cal = WorkingCalendar(non_working={D(2030, 1, 1)}, working={D(2030, 1, 5)}, known_years={2030})
    assert not cal.is_working_day(D(2030, 1, 1))  # Tuesday off
    assert cal.is_working_day(D(2030, 1, 5))  # Saturday on
    assert cal.is_working_day(D(2030, 1, 2))
    assert add_working_days(cal, D(2029, 12, 31), 1) == D(2030, 1, 2)
    assert cal.unknown_years_in(D(2029, 12, 30), D(2030, 1, 2)) == (2029,)
    with pytest.raises(ValueError, match="同时"):
        WorkingCalendar(non_working={D(2030, 1, 1)}, working={D(2030, 1, 1)}, known_years={2030})
    with pytest.raises(TypeError):
        WorkingCalendar(non_working={datetime(2030, 1, 1, 8)}, known_years={2030})


def test_calendar_is_immutable() -> None:
    with pytest.raises(AttributeError):
        CAL._cum = ()
    with pytest.raises(AttributeError):
        CAL.known_years = frozenset()  # type: ignore[misc]


def test_empty_calendar_is_monday_to_friday_and_unknown() -> None:
    cal = WorkingCalendar()
    assert add_working_days(cal, D(2025, 9, 26), 20) == D(2025, 10, 24)
    assert working_days_between(cal, D(2025, 9, 26), D(2025, 10, 24)) == 20
    assert cal.unknown_years_in(D(2025, 9, 26), D(2025, 10, 24)) == (2025,)


def test_unknown_years_in() -> None:
    assert CAL.unknown_years_in(D(2026, 12, 31), D(2027, 1, 28)) == (2027,)
    assert CAL.unknown_years_in(D(2026, 12, 30), D(2026, 12, 31)) == ()
    assert CAL.unknown_years_in(D(2026, 12, 31), D(2026, 12, 31)) == ()
    assert CAL.unknown_years_in(D(2027, 1, 5), D(2026, 1, 5)) == ()
    assert CAL.unknown_years_in(D(2025, 1, 1), D(2030, 1, 1)) == (2027, 2028, 2029, 2030)
    assert CAL.unknown_years_in(D(2003, 12, 31), D(2004, 1, 5)) == ()  # 2003-12-31 itself is not counted
    assert CAL.unknown_years_in(D(2003, 12, 30), D(2004, 1, 5)) == (2003,)


def test_add_working_days_edges() -> None:
    assert add_working_days(CAL, D(2025, 10, 4), 0) == D(2025, 10, 4)
    with pytest.raises(ValueError):
        add_working_days(CAL, D(2025, 10, 4), -1)
    # far outside the table: closed-form Monday–Friday
    assert add_working_days(CAL, D(1999, 12, 31), 1) == D(2000, 1, 3)
    assert add_working_days(CAL, D(2100, 12, 31), 5) == D(2101, 1, 7)
    # across the start of the table: 2003-12-31 (Wed) -> 2004-01-01 is a holiday
    assert add_working_days(CAL, D(2003, 12, 31), 1) == D(2004, 1, 2)


def test_working_days_between() -> None:
    assert working_days_between(CAL, D(2025, 9, 26), D(2025, 10, 30)) == 20
    assert working_days_between(CAL, D(2025, 10, 4), D(2025, 10, 9)) == 1
    assert working_days_between(CAL, D(2025, 10, 1), D(2025, 10, 8)) == 0
    assert working_days_between(CAL, D(2025, 10, 9), D(2025, 10, 9)) == 0
    assert working_days_between(CAL, D(2025, 10, 30), D(2025, 9, 26)) == 0


# ---------------------------------------------------------------------------------------------------------
# receipt date (Art. 31)
# ---------------------------------------------------------------------------------------------------------


def test_receipt_date_per_channel() -> None:
    a, b, c, e = D(2025, 3, 3), D(2025, 3, 4), D(2025, 3, 5), D(2025, 3, 6)
    kw = {"submitted": a, "signed_for": b, "confirmed": c, "accepted": e}
    assert receipt_date(Channel.in_person, **kw) == a
    assert receipt_date(Channel.registered_post, **kw) == b
    assert receipt_date(Channel.ordinary_letter, **kw) == c
    assert receipt_date(Channel.online, **kw) == e
    assert receipt_date(Channel.fax, **kw) == e
    assert receipt_date("online", accepted=e) == e
    assert [ch.value for ch in Channel] == [
        "in_person",
        "registered_post",
        "ordinary_letter",
        "online",
        "fax",
    ]


@pytest.mark.parametrize(
    ("channel", "needle"),
    [
        (Channel.in_person, "提交日期"),
        (Channel.registered_post, "签收"),
        (Channel.ordinary_letter, "确认"),
        (Channel.online, "受理"),
        (Channel.fax, "传真"),
    ],
)
def test_receipt_date_missing_date_is_explained_in_chinese(channel: Channel, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        receipt_date(channel, submitted=None)
    with pytest.raises(ValueError, match="第三十一条"):
        receipt_date(channel)


def test_receipt_date_rejects_unknown_channel_and_datetimes() -> None:
    with pytest.raises(ValueError):
        receipt_date("pigeon", submitted=D(2025, 1, 2))
    with pytest.raises(TypeError):
        receipt_date(Channel.in_person, submitted=datetime(2025, 1, 2, 9))


# ---------------------------------------------------------------------------------------------------------
# the basic 20 working days on real edges
# ---------------------------------------------------------------------------------------------------------

REPLY_TABLE = [
    # clock.md worked example: 9-28 (Sun) and 10-11 (Sat) count, 10-1..10-8 do not
    (D(2025, 9, 26), D(2025, 10, 30)),
    # just before National Day 2025: 10-9, 10-10, 10-11, 10-13..17, 10-20..24, 10-27..31, 11-3, 11-4
    (D(2025, 9, 30), D(2025, 11, 4)),
    (D(2025, 10, 3), D(2025, 11, 4)),  # during the holiday
    (D(2025, 10, 8), D(2025, 11, 4)),  # last holiday day
    (D(2025, 10, 9), D(2025, 11, 5)),  # first working day after
    (D(2025, 9, 28), D(2025, 10, 31)),  # on the make-up Sunday: 9-29, 9-30, 10-9, 10-10, 10-11, ... 10-31
    (D(2025, 10, 11), D(2025, 11, 7)),  # on the make-up Saturday
    # Spring Festival 2025: 1-26 Sun (1), 1-27 (2), 2-5..2-7 (3-5), 2-8 Sat (6), 2-10..14, 2-17..21, 2-24..27
    (D(2025, 1, 24), D(2025, 2, 27)),
    (D(2025, 1, 27), D(2025, 3, 3)),  # last working day before: 2-5, 2-6, 2-7, 2-8, ... 3-3
    (D(2025, 1, 29), D(2025, 3, 3)),  # 春节初一
    # New Year into 2025: 1-2, 1-3, 1-6..10, 1-13..17, 1-20..24, 1-26 (Sun), 1-27, 2-5
    (D(2024, 12, 31), D(2025, 2, 5)),
    # Spring Festival 2026: 2-14 Sat (1), 2-24..27 (2-5), 2-28 Sat (6), 3-2..6, 3-9..13, 3-16..19
    (D(2026, 2, 13), D(2026, 3, 19)),
    (D(2026, 2, 14), D(2026, 3, 20)),  # on the make-up Saturday itself
    (D(2026, 2, 17), D(2026, 3, 20)),  # during the holiday: 2-24..27, 2-28, 3-2..6, 3-9..13, 3-16..20
    # 中秋 + National Day 2026: 9-28..30 (1-3), 10-8, 10-9, 10-10 Sat (4-6), 10-12..16, 10-19..23, 10-26..29
    (D(2026, 9, 24), D(2026, 10, 29)),
    (D(2026, 9, 20), D(2026, 10, 23)),  # make-up Sunday: 9-21..24, 9-28..30, 10-8..10, 10-12..16, 10-19..23
    (D(2026, 9, 30), D(2026, 11, 3)),
    (
        D(2026, 10, 5),
        D(2026, 11, 3),
    ),  # holiday: 10-8, 10-9, 10-10, 10-12..16, 10-19..23, 10-26..30, 11-2, 11-3
    # end of 2026, still inside the known range
    (D(2026, 12, 1), D(2026, 12, 29)),
    (D(2026, 12, 3), D(2026, 12, 31)),
]


@pytest.mark.parametrize(("receipt", "due"), REPLY_TABLE)
def test_reply_deadline_table(receipt: date, due: date) -> None:
    d = reply_deadline(CAL, receipt)
    assert d.due == due
    assert not d.provisional
    assert d.missing_years == ()
    assert d.start == d.receipt == receipt
    assert CAL.is_working_day(d.due)
    assert trail_adds_up(CAL, d)
    assert add_working_days(CAL, receipt, 20) == due


def test_worked_example_one_working_day_after_a_holiday() -> None:
    assert add_working_days(CAL, D(2025, 10, 4), 1) == D(2025, 10, 9)


def test_trail_of_the_plain_case() -> None:
    d = reply_deadline(CAL, D(2025, 9, 26))
    assert [(s.date, s.days) for s in d.trail] == [
        (D(2025, 9, 26), 0),
        (D(2025, 9, 26), 20),
        (D(2025, 10, 30), 0),
    ]
    assert d.trail[1].basis == "《政府信息公开条例》第三十三条第二款"
    assert d.trail[0].basis.startswith("《政府信息公开条例》第三十一条")


# ---------------------------------------------------------------------------------------------------------
# unknown years: 31 December 2026 runs into 2027
# ---------------------------------------------------------------------------------------------------------


def test_31_december_2026_is_provisional() -> None:
    # 2027 counted Monday–Friday: 1-1 (Fri), 1-4..8, 1-11..15, 1-18..22, 1-25..28
    d = reply_deadline(CAL, D(2026, 12, 31))
    assert d.due == D(2027, 1, 28)
    assert d.provisional
    assert d.missing_years == (2027,)


def test_4_december_2026_lands_on_a_provisional_1_january() -> None:
    d = reply_deadline(CAL, D(2026, 12, 4))
    assert (d.due, d.missing_years) == (D(2027, 1, 1), (2027,))


def test_31_december_2026_is_firm_once_2027_is_entered() -> None:
    # a hypothetical 2027 schedule for the test: 1-1 (Fri) is a holiday
    cal = WorkingCalendar.from_chinese_calendar({D(2027, 1, 1): False}, complete_years={2027})
    assert 2027 in cal.known_years
    d = reply_deadline(cal, D(2026, 12, 31))
    # 1-4..8 (1-5), 1-11..15, 1-18..22, 1-25..29 (16-20)
    assert (d.due, d.provisional, d.missing_years) == (D(2027, 1, 29), False, ())
    d = reply_deadline(cal, D(2026, 12, 4))
    assert (d.due, d.provisional) == (D(2027, 1, 4), False)


def test_complete_year_without_exceptions_is_firm_monday_to_friday() -> None:
    cal = WorkingCalendar.from_chinese_calendar(complete_years=[2027])
    d = reply_deadline(cal, D(2026, 12, 31))
    assert (d.due, d.provisional, d.missing_years) == (D(2027, 1, 28), False, ())


def test_derived_limits_are_provisional_too_while_the_clock_is_stopped() -> None:
    # received Sun 2026-12-20; notice by 12-29 (firm); supplement period of 15 runs into 2027
    d = reply_deadline(CAL, D(2026, 12, 20), clarification=Clarification(D(2026, 12, 22)))
    assert d.due is None
    assert d.waiting == ("awaiting_supplement",)
    assert d.clarification_notice_by == D(2026, 12, 29)
    assert d.supplement_by == D(2027, 1, 12)  # 12-23..25, 12-28..31, 1-1, 1-4..8, 1-11, 1-12
    assert d.provisional and d.missing_years == (2027,)


# ---------------------------------------------------------------------------------------------------------
# clarification (Art. 30)
# ---------------------------------------------------------------------------------------------------------


def test_clarification_restarts_the_clock() -> None:
    # received Mon 2025-09-01; notice by 9-10; notice Fri 9-05, 15 working days -> 9-26
    c = Clarification(D(2025, 9, 5), D(2025, 9, 26))
    d = reply_deadline(CAL, D(2025, 9, 1), clarification=c)
    assert d.clarification_notice_by == D(2025, 9, 10) == clarification_notice_deadline(CAL, D(2025, 9, 1))
    assert d.supplement_by == D(2025, 9, 26) == supplement_deadline(CAL, D(2025, 9, 5))
    assert d.start == D(2025, 9, 26)
    assert d.due == D(2025, 10, 30)
    assert d.flags == ()
    assert trail_adds_up(CAL, d)


def test_late_clarification_notice_and_late_supplement_are_flagged() -> None:
    c = Clarification(D(2025, 9, 11), D(2025, 10, 9), time_limit_days=10)
    d = reply_deadline(CAL, D(2025, 9, 1), clarification=c)
    # notice 9-11 > 9-10; supplement limit 9-11 + 10 = 9-25 < 10-9
    assert d.supplement_by == D(2025, 9, 25)
    assert flag_codes(d) == {"late_clarification_notice", "late_supplement"}
    assert d.due == D(2025, 11, 5)  # restart from 10-9 anyway: the date is never changed by a flag


def test_awaiting_supplement_stops_the_clock() -> None:
    d = reply_deadline(CAL, D(2025, 9, 1), clarification=Clarification(D(2025, 9, 5)))
    assert d.due is None
    assert d.waiting == ("awaiting_supplement",)
    assert d.supplement_by == D(2025, 9, 26)


def test_clarification_input_validation() -> None:
    with pytest.raises(ValueError, match="补正"):
        Clarification(D(2025, 9, 5), D(2025, 9, 4))
    with pytest.raises(ValueError):
        Clarification(D(2025, 9, 5), time_limit_days=0)
    with pytest.raises(ValueError, match="早于收到申请"):
        reply_deadline(CAL, D(2025, 9, 5), clarification=Clarification(D(2025, 9, 4)))


# ---------------------------------------------------------------------------------------------------------
# consultations (Art. 32, 34; Art. 33 para 3)
# ---------------------------------------------------------------------------------------------------------

R = D(2025, 11, 3)  # Monday; base due: 11-4..7, 11-10..14, 11-17..21, 11-24..28, 12-1 -> Mon 2025-12-01


def test_base_due_for_the_consultation_examples() -> None:
    assert reply_deadline(CAL, R).due == D(2025, 12, 1)


def test_consultation_excludes_its_working_days() -> None:
    # sent Mon 11-10, answered Fri 11-14: (11-10, 11-14] = 11, 12, 13, 14 -> 4 days; due = 20+4 -> Fri 12-05
    d = reply_deadline(CAL, R, consultations=[Consultation(D(2025, 11, 10), D(2025, 11, 14))])
    assert d.due == D(2025, 12, 5)
    assert [s.days for s in d.trail if s.until is not None] == [4]
    assert trail_adds_up(CAL, d)


def test_overlapping_consultations_exclude_each_day_once() -> None:
    # second: sent Wed 11-12, answered Tue 11-18: 13, 14, 17, 18; union with the first: 11..14, 17, 18 = 6
    cons = [
        Consultation(D(2025, 11, 12), D(2025, 11, 18), party=ConsultationParty.agency),
        Consultation(D(2025, 11, 10), D(2025, 11, 14)),
    ]
    d = reply_deadline(CAL, R, consultations=cons)
    assert d.due == D(2025, 12, 9)  # 20 + 6: 12-2 .. 12-9
    assert [s.days for s in d.trail if s.until is not None] == [4, 2]
    assert "重叠" in d.trail[-2].label
    assert trail_adds_up(CAL, d)


def test_unanswered_consultation_ends_15_working_days_after_receipt_by_the_third_party() -> None:
    # received by the third party Wed 11-12 -> limit: 11-13, 14, 17..21, 24..28, 12-1, 2, 3 = Wed 12-03
    k = Consultation(D(2025, 11, 10), None, D(2025, 11, 12))
    d = reply_deadline(CAL, R, consultations=[k])
    assert (
        d.consultation_answer_by == (D(2025, 12, 3),) == (consultation_answer_deadline(CAL, D(2025, 11, 12)),)
    )
    # excluded (11-10, 12-03]: 11-11..14 (4), 17..21 (9), 24..28 (14), 12-1..3 (17) -> 20 + 17 = 37
    assert d.due == D(2025, 12, 24)
    assert trail_adds_up(CAL, d)


def test_open_consultation_stops_the_clock() -> None:
    d = reply_deadline(CAL, R, consultations=[Consultation(D(2025, 11, 10))])
    assert d.due is None
    assert d.waiting == ("awaiting_consultation",)


def test_late_answer_counts_until_the_answer_and_is_flagged() -> None:
    k = Consultation(D(2025, 11, 10), D(2025, 12, 5), D(2025, 11, 12))
    d = reply_deadline(CAL, R, consultations=[k])
    assert "late_consultation_answer" in flag_codes(d)
    # (11-10, 12-05]: 11-11..14, 17..21, 24..28, 12-1..5 = 19 -> 20 + 19 = 39 -> 12-1 + 19 = 12-26
    assert d.due == D(2025, 12, 26)


def test_pause_begun_after_the_deadline_is_flagged() -> None:
    # sent Wed 12-03 when the deadline (12-01) had passed; answered Fri 12-05: 12-04, 12-05
    d = reply_deadline(CAL, R, consultations=[Consultation(D(2025, 12, 3), D(2025, 12, 5))])
    assert "pause_after_due" in flag_codes(d)
    assert d.due == D(2025, 12, 3)  # clock.md rule 7 applied literally; the flag shows the irregularity


def test_consultation_validation() -> None:
    with pytest.raises(ValueError):
        Consultation(D(2025, 11, 10), D(2025, 11, 9))
    with pytest.raises(ValueError):
        Consultation(D(2025, 11, 10), recipient_received=D(2025, 11, 9))
    with pytest.raises(ValueError):
        Consultation(D(2025, 11, 10), D(2025, 11, 11), D(2025, 11, 12))
    with pytest.raises(ValueError, match="征求意见书"):
        reply_deadline(CAL, R, consultations=[Consultation(D(2025, 11, 1))])
    assert Consultation(D(2025, 11, 10), party="agency").party is ConsultationParty.agency  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# fees (信息处理费管理办法)
# ---------------------------------------------------------------------------------------------------------


def test_fee_pause_default_on() -> None:
    # notice received Thu 11-06, paid Mon 11-10: (11-06, 11-10] = 11-07, 11-10 -> 2 -> Wed 12-03
    f = FeeNotice(D(2025, 11, 6), D(2025, 11, 10))
    d = reply_deadline(CAL, R, fees=[f])
    assert d.due == D(2025, 12, 3)
    assert d.fee_payment_by == (D(2025, 12, 4),) == (fee_payment_deadline(CAL, D(2025, 11, 6)),)
    assert trail_adds_up(CAL, d)


def test_fee_pause_can_be_switched_off() -> None:
    d = reply_deadline(CAL, R, fees=[FeeNotice(D(2025, 11, 6), D(2025, 11, 10))], fee_pause=False)
    assert d.due == D(2025, 12, 1)
    assert trail_adds_up(CAL, d)
    assert any("计入答复期限" in s.label for s in d.trail)


def test_unpaid_fee_stops_the_clock_and_late_payment_is_flagged() -> None:
    d = reply_deadline(CAL, R, fees=[FeeNotice(D(2025, 11, 6))])
    assert (d.due, d.waiting, d.fee_payment_by) == (None, ("awaiting_payment",), (D(2025, 12, 4),))
    d = reply_deadline(CAL, R, fees=[FeeNotice(D(2025, 11, 6))], fee_pause=False)
    assert d.due == D(2025, 12, 1)
    d = reply_deadline(CAL, R, fees=[FeeNotice(D(2025, 11, 6), D(2025, 12, 5))])
    assert "late_payment" in flag_codes(d)
    with pytest.raises(ValueError):
        FeeNotice(D(2025, 11, 6), D(2025, 11, 5))


def test_fee_and_consultation_overlap_once() -> None:
    # consultation (11-10, 11-14] and fee (11-12, 11-17]: union 11, 12, 13, 14, 17 = 5 -> 12-01 + 5 = 12-08
    d = reply_deadline(
        CAL,
        R,
        consultations=[Consultation(D(2025, 11, 10), D(2025, 11, 14))],
        fees=[FeeNotice(D(2025, 11, 12), D(2025, 11, 17))],
    )
    assert d.due == D(2025, 12, 8)
    assert [s.days for s in d.trail if s.until is not None] == [4, 1]


# ---------------------------------------------------------------------------------------------------------
# extension (Art. 33 para 2)
# ---------------------------------------------------------------------------------------------------------


def test_extension_adds_working_days() -> None:
    # 20 + 20: 12-1 (20), 12-2..5, 12-8..12, 12-15..19, 12-22..26, 12-29 (40)
    d = reply_deadline(CAL, R, extension_days=20)
    assert d.due == D(2025, 12, 29)
    assert trail_adds_up(CAL, d)
    d = reply_deadline(CAL, R, extension_days=1, extension_notified=D(2025, 12, 1))
    assert d.due == D(2025, 12, 2)
    assert d.flags == ()


def test_extension_notified_after_the_deadline_is_flagged() -> None:
    d = reply_deadline(CAL, R, extension_days=5, extension_notified=D(2025, 12, 2))
    assert "late_extension_notice" in flag_codes(d)
    assert d.due == D(2025, 12, 8)


@pytest.mark.parametrize("bad", [21, -1, 100])
def test_extension_range(bad: int) -> None:
    with pytest.raises(ValueError, match="1至20"):
        reply_deadline(CAL, R, extension_days=bad)


def test_extension_must_be_an_int() -> None:
    with pytest.raises(TypeError):
        reply_deadline(CAL, R, extension_days=True)
    with pytest.raises(TypeError):
        reply_deadline(CAL, R, extension_days=2.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# restart: what happened before the supplement no longer counts (clock.md rule 3 and 7)
# ---------------------------------------------------------------------------------------------------------


def test_restart_drops_pauses_before_the_supplement() -> None:
    # notice 11-05, supplement Mon 11-10 -> start 11-10; consultation (11-04, 11-06] is all before it
    d = reply_deadline(
        CAL,
        R,
        clarification=Clarification(D(2025, 11, 5), D(2025, 11, 10)),
        consultations=[Consultation(D(2025, 11, 4), D(2025, 11, 6))],
    )
    # 11-11..14 (4), 17..21 (9), 24..28 (14), 12-1..5 (19), 12-8 (20)
    assert d.due == D(2025, 12, 8) == reply_deadline(CAL, D(2025, 11, 10)).due
    assert [s.days for s in d.trail if s.until is not None] == [0]
    assert trail_adds_up(CAL, d)


def test_restart_keeps_pause_days_after_the_supplement() -> None:
    # consultation (11-06, 11-13]: 7, 10, 11, 12, 13; only 11, 12, 13 are after the start 11-10 -> 20 + 3
    d = reply_deadline(
        CAL,
        R,
        clarification=Clarification(D(2025, 11, 5), D(2025, 11, 10)),
        consultations=[Consultation(D(2025, 11, 6), D(2025, 11, 13))],
    )
    assert d.due == D(2025, 12, 11)
    step = next(s for s in d.trail if s.until is not None)
    assert step.days == 3 and "重新起算" in step.label
    assert trail_adds_up(CAL, d)


def test_extension_notified_before_the_restart_lapses() -> None:
    d = reply_deadline(
        CAL,
        R,
        clarification=Clarification(D(2025, 11, 5), D(2025, 11, 10)),
        extension_days=5,
        extension_notified=D(2025, 11, 6),
    )
    assert d.due == D(2025, 12, 8)
    assert "extension_before_restart" in flag_codes(d)
    assert trail_adds_up(CAL, d)


# ---------------------------------------------------------------------------------------------------------
# Art. 35, on-time, remaining days, other deadlines
# ---------------------------------------------------------------------------------------------------------


def test_art35_date_replaces_the_computed_one() -> None:
    d = reply_deadline(CAL, R, extension_days=5, art35_due=D(2026, 1, 31))  # a Saturday, as decided
    assert d.due == D(2026, 1, 31)
    assert trail_adds_up(CAL, d)
    assert d.trail[-1].basis == "《政府信息公开条例》第三十五条"
    d = reply_deadline(CAL, R, art35_due=D(2025, 11, 20))
    assert "art35_earlier" in flag_codes(d)
    assert d.due == D(2025, 11, 20)
    with pytest.raises(ValueError):
        reply_deadline(CAL, R, art35_due=R)


def test_art35_date_applies_even_while_the_clock_is_stopped() -> None:
    d = reply_deadline(CAL, R, fees=[FeeNotice(D(2025, 11, 6))], art35_due=D(2026, 2, 27))
    assert d.due == D(2026, 2, 27)
    assert d.waiting == ("awaiting_payment",)
    assert trail_adds_up(CAL, d)


def test_reply_deadline_rejects_datetimes() -> None:
    with pytest.raises(TypeError):
        reply_deadline(CAL, datetime(2025, 11, 3, 10))
    with pytest.raises(TypeError):
        Clarification(datetime(2025, 11, 3, 10))


def test_is_on_time() -> None:
    due = D(2025, 10, 30)
    assert is_on_time(D(2025, 10, 30), due)
    assert is_on_time(D(2025, 10, 1), due)
    assert not is_on_time(D(2025, 10, 31), due)


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        (D(2025, 10, 10), D(2025, 10, 17), 6),  # 10-11 is a make-up Saturday
        (D(2025, 10, 16), D(2025, 10, 17), 1),
        (D(2025, 10, 17), D(2025, 10, 17), 0),
        (D(2025, 10, 18), D(2025, 10, 17), -1),  # Saturday after a Friday due date
        (D(2025, 10, 19), D(2025, 10, 17), -1),
        (D(2025, 10, 20), D(2025, 10, 17), -1),
        (D(2025, 10, 21), D(2025, 10, 17), -2),
        (D(2025, 10, 1), D(2025, 9, 30), -1),  # holiday after the due date
        (D(2025, 10, 9), D(2025, 9, 30), -1),
        (D(2025, 10, 10), D(2025, 9, 30), -2),
        (D(2025, 9, 26), D(2025, 10, 30), 20),
    ],
)
def test_remaining_working_days(today: date, due: date, left: int) -> None:
    assert remaining_working_days(CAL, today, due) == left


def test_publication_and_annual_report_deadlines() -> None:
    assert publication_deadline(CAL, D(2025, 9, 26)) == D(2025, 10, 30)  # Art. 26
    assert publication_deadline(CAL, D(2026, 12, 31)) == D(2027, 1, 28)
    assert CAL.unknown_years_in(D(2026, 12, 31), publication_deadline(CAL, D(2026, 12, 31))) == (2027,)
    assert annual_report_deadline(2025) == D(2026, 1, 31)  # Art. 49 para 1: calendar date
    assert annual_report_deadline(2026) == D(2027, 1, 31)  # a Sunday: still 31 January
    assert annual_report_deadline(2025, government=True) == D(2026, 3, 31)  # Art. 49 para 2


def test_module_imports_no_django() -> None:
    import ast
    import inspect

    import gongkai.core.clock as clock

    tree = ast.parse(inspect.getsource(clock))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(n == "django" or n.startswith("django.") for n in names)
