"""The pure rules: kinds and results as people write them, deadlines, the result at a year end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.appeals import rules


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("行政复议", "reconsideration"),
        (" 未经复议直接起诉 ", "litigation_direct"),
        ("复议后起诉", "litigation_after_reconsideration"),
        ("行政诉讼（复议后起诉）", "litigation_after_reconsideration"),
        ("行政诉讼(未经复议直接起诉)", "litigation_direct"),
        ("litigation_direct", "litigation_direct"),
    ],
)
def test_kinds_as_written(text, kind):
    assert rules.parse_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("维持", "upheld"),
        ("结果纠正", "corrected"),
        ("其他", "other"),
        ("", "pending"),
        ("尚未审结", "pending"),
    ],
)
def test_results_as_written(text, result):
    assert rules.parse_result(text) == result


def test_unknown_words_are_explained_in_chinese():
    with pytest.raises(ValueError, match="应为 行政复议、未经复议直接起诉 或 复议后起诉"):
        rules.parse_kind("仲裁")
    with pytest.raises(ValueError, match="应为 维持、纠正、其他 或 尚未审结"):
        rules.parse_result("驳回")


def test_reconsideration_due_in_60_days_extendable_by_30():
    assert rules.deadline("reconsideration", date(2020, 3, 5)).due == date(2020, 5, 4)
    extended = rules.deadline("reconsideration", date(2020, 3, 5), extended=True)
    assert extended.due == date(2020, 6, 3) and "第六十二条" in extended.basis


def test_first_instance_judgment_due_in_six_months():
    assert rules.deadline("litigation_direct", date(2020, 3, 15)).due == date(2020, 9, 15)
    assert rules.deadline("litigation_after_reconsideration", date(2020, 8, 31)).due == date(2021, 2, 28)
    assert rules.deadline("litigation_direct", date(2020, 3, 15), extended=True).due is None
    assert "第八十一条" in rules.deadline("litigation_direct", date(2020, 3, 15)).basis


def test_overdue_only_while_pending():
    filed = date(2020, 3, 5)
    assert not rules.is_overdue("reconsideration", filed, "pending", date(2020, 5, 4))
    assert rules.is_overdue("reconsideration", filed, "pending", date(2020, 5, 5))
    assert not rules.is_overdue("reconsideration", filed, "pending", date(2020, 5, 5), extended=True)
    assert not rules.is_overdue("reconsideration", filed, "upheld", date(2021, 1, 1))
    assert not rules.is_overdue("litigation_direct", filed, "pending", date(2030, 1, 1), extended=True)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 40))
def test_add_months_is_the_same_day_or_the_months_last(day, months):
    later = rules.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + timedelta(days=1)).day == 1)


@given(
    st.sampled_from(["upheld", "corrected", "other"]),
    st.dates(min_value=date(2019, 1, 1), max_value=date(2023, 12, 31)),
    st.integers(2019, 2023),
)
def test_result_as_of_a_year_end(result, concluded, year):
    end = date(year, 12, 31)
    expected = result if concluded <= end else "pending"
    assert rules.result_as_of(result, concluded, end) == expected
    assert rules.result_as_of("pending", None, end) == "pending"


def test_date_rules():
    today = date(2026, 11, 25)
    assert rules.check_dates("pending", date(2020, 1, 1), None, today) == []
    assert rules.check_dates("upheld", date(2020, 1, 1), None, today)[0][0] == "concluded_on"
    assert rules.check_dates("pending", date(2020, 1, 1), date(2020, 2, 1), today)[0][0] == "concluded_on"
    assert "不能早于立案日期" in rules.check_dates("upheld", date(2020, 2, 1), date(2020, 1, 1), today)[0][1]
    assert "不能晚于今天" in rules.check_dates("pending", date(2027, 1, 1), None, today)[0][1]
