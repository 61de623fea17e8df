"""The pure land rules: due dates with the working-day clock, states, quarters and the quarterly score."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core import clock
from gongkai.land import rules
from gongkai.land.rules import Anchor, ObligationFacts, ProjectFacts, Quarter, Requirement, State

CAL = clock.WorkingCalendar.from_chinese_calendar()
NOTICE = Requirement("expropriation_notice", Anchor.AFTER_APPROVAL, limit_days=15)
PRE = Requirement("pre_notice", Anchor.BEFORE_APPROVAL, posting_min_days=10)
COMP = Requirement(
    "comp_notice", Anchor.BEFORE_APPROVAL, posting_min_days=30, posting_unit=rules.Unit.CALENDAR
)
APPROVAL = Requirement("approval", Anchor.AFTER_APPROVAL)


def test_expropriation_notice_statutory_limit_is_15_working_days_over_the_national_holiday():
    # Received Fri 2025-09-26: Sun 09-28 and Sat 10-11 are make-up days, 10-01..10-08 holidays.
    assert rules.statutory_due(CAL, NOTICE, date(2025, 9, 26)) == date(2025, 10, 23)


def test_notice_issued_on_the_last_day_is_on_time_and_one_day_later_is_late():
    kw = {"approval": date(2025, 9, 20), "received": date(2025, 9, 26), "today": date(2026, 3, 1)}
    ok = rules.assess(CAL, NOTICE, issued=date(2025, 10, 23), published=date(2025, 10, 24), **kw)
    assert ok.state is State.ON_TIME and not ok.statutory_late
    late = rules.assess(CAL, NOTICE, issued=date(2025, 10, 24), published=date(2025, 10, 24), **kw)
    assert late.state is State.LATE and late.statutory_late


def test_online_deadline_is_20_working_days_after_issue():
    kw = {"approval": date(2025, 9, 20), "received": date(2025, 9, 26), "today": date(2026, 3, 1)}
    issued = date(2025, 10, 9)
    due = clock.add_working_days(CAL, issued, 20)
    assert rules.assess(CAL, NOTICE, issued=issued, published=due, **kw).state is State.ON_TIME
    after = due + timedelta(days=1)
    assert rules.assess(CAL, NOTICE, issued=issued, published=after, **kw).state is State.LATE


def test_unpublished_is_due_then_missing():
    received = date(2025, 9, 26)
    online_due = clock.add_working_days(CAL, date(2025, 10, 23), 20)
    kw = {"approval": received, "received": received, "issued": None, "published": None}
    assert rules.assess(CAL, NOTICE, today=online_due, **kw).state is State.DUE
    missing = rules.assess(CAL, NOTICE, today=online_due + timedelta(days=1), **kw)
    assert missing.state is State.MISSING and missing.online_due == online_due


def test_publication_after_today_counts_as_not_yet_published():
    a = rules.assess(
        CAL,
        APPROVAL,
        approval=date(2025, 1, 6),
        received=date(2025, 1, 6),
        issued=date(2025, 1, 6),
        published=date(2025, 6, 1),
        today=date(2025, 3, 31),
    )
    assert a.state is State.MISSING and a.published_on is None


def test_pre_approval_notice_issued_after_approval_is_statutorily_late():
    kw = {"approval": date(2025, 5, 10), "received": date(2025, 5, 12), "today": date(2025, 12, 1)}
    before = rules.assess(CAL, PRE, issued=date(2025, 3, 3), published=date(2025, 3, 4), **kw)
    assert before.state is State.ON_TIME
    after = rules.assess(CAL, PRE, issued=date(2025, 5, 10), published=date(2025, 5, 11), **kw)
    assert after.state is State.LATE and after.statutory_late


def test_posting_periods_working_and_calendar_days():
    kw = {"approval": date(2025, 12, 1), "received": date(2025, 12, 1), "today": date(2026, 1, 1)}
    kw.update(issued=date(2025, 9, 1), published=date(2025, 9, 1))
    # 10 WD after Mon 2025-09-01 is Mon 2025-09-15
    ok = rules.assess(CAL, PRE, posting_start=date(2025, 9, 1), posting_end=date(2025, 9, 15), **kw)
    short = rules.assess(CAL, PRE, posting_start=date(2025, 9, 1), posting_end=date(2025, 9, 12), **kw)
    assert ok.posting_ok is True and short.posting_ok is False
    # 30 calendar days after 2025-09-05 is Sun 10-05 (holiday): the period runs to Thu 10-09
    assert rules.period_end(CAL, date(2025, 9, 5), 30, rules.Unit.CALENDAR) == date(2025, 10, 9)
    comp = rules.assess(CAL, COMP, posting_start=date(2025, 9, 5), posting_end=date(2025, 10, 8), **kw)
    assert comp.posting_ok is False


def test_not_applicable():
    a = rules.assess(
        CAL,
        NOTICE,
        approval=None,
        received=None,
        issued=None,
        published=None,
        today=date(2026, 1, 1),
        not_applicable=True,
    )
    assert a.state is State.NOT_APPLICABLE


@given(
    received=st.dates(date(2021, 9, 1), date(2026, 10, 1)),
    issue_lag=st.integers(0, 40),
    publish_lag=st.integers(0, 40),
)
def test_state_agrees_with_the_two_deadlines(received, issue_lag, publish_lag):
    issued = received + timedelta(days=issue_lag)
    published = issued + timedelta(days=publish_lag)
    a = rules.assess(
        CAL,
        NOTICE,
        approval=received,
        received=received,
        issued=issued,
        published=published,
        today=date(2027, 6, 1),
    )
    s_due = clock.add_working_days(CAL, received, 15)
    o_due = clock.add_working_days(CAL, issued, 20)
    assert a.statutory_due == s_due and a.online_due == o_due
    assert (a.state is State.ON_TIME) == (issued <= s_due and published <= o_due)
    assert a.state in (State.ON_TIME, State.LATE)


@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)))
def test_quarter_of_a_date_contains_it(d):
    q = Quarter.of(d)
    assert d in q and q.start <= d <= q.end
    assert q.next().start == q.end + timedelta(days=1)
    assert q.next().previous() == q


def test_quarter_parse_and_label():
    assert Quarter.parse("2025q4") == Quarter(2025, 4)
    assert Quarter(2025, 4).label == "2025年第四季度"
    assert [str(q) for q in rules.quarters_between(Quarter(2025, 4), Quarter(2026, 3))] == [
        "2025Q4",
        "2026Q1",
        "2026Q2",
        "2026Q3",
    ]
    with pytest.raises(ValueError):
        Quarter.parse("2025")


def test_regime_from_dates():
    assert rules.propose_regime(date(2019, 12, 31)) is rules.Regime.PRE2020
    assert rules.propose_regime(date(2021, 3, 1)) is rules.Regime.TRANSITION_2020
    assert rules.propose_regime(date(2022, 3, 1), pre_notice=date(2021, 8, 1)) is rules.Regime.TRANSITION_2020
    assert rules.propose_regime(date(2022, 3, 1)) is rules.Regime.REG2021


def test_combine_rescales_missing_ratios_and_grades():
    assert rules.combine({"batch_rate": 1.0, "timeliness": 0.5, "completeness": None}) == pytest.approx(
        100 * (0.3 + 0.1) / 0.5
    )
    assert rules.combine({"completeness": None}) is None
    assert [rules.grade(s) for s in (95, 85, 70, 59.9)] == ["优秀", "良好", "合格", "不合格"]
    assert rules.grade(99, veto=True) == "不合格"


def _ob(key, due, published=None, **kw):
    return ObligationFacts(key=key, online_due=due, published=published, **kw)


Q4 = Quarter(2025, 4)


def test_quarter_score_on_a_constructed_set():
    """Two projects approved in 2025Q4, one fully on time, one with a late notice and a missing document;
    one older project with a document still missing (carried backlog)."""
    good = ProjectFacts(
        "430121",
        date(2025, 10, 9),
        date(2025, 10, 10),
        (
            _ob("approval", date(2025, 11, 7), date(2025, 10, 15), issued=date(2025, 10, 9)),
            _ob(
                "expropriation_notice",
                date(2025, 11, 20),
                date(2025, 10, 24),
                issued=date(2025, 10, 23),
                posting_end=date(2025, 11, 10),
                posting_ok=True,
            ),
        ),
        label="甲",
    )
    poor = ProjectFacts(
        "430121",
        date(2025, 10, 20),
        date(2025, 10, 20),
        (
            _ob("approval", date(2025, 11, 17), date(2025, 11, 3), issued=date(2025, 10, 20)),
            _ob(
                "expropriation_notice",
                date(2025, 12, 10),
                date(2025, 12, 15),
                issued=date(2025, 11, 20),
                statutory_late=True,
            ),
            _ob("payment_status", date(2025, 12, 1)),
        ),
        label="乙",
    )
    old = ProjectFacts(
        "430121",
        date(2025, 5, 6),
        date(2025, 5, 6),
        (
            _ob("approval", date(2025, 6, 4), date(2025, 6, 1), issued=date(2025, 5, 6)),
            _ob("expropriation_notice", date(2025, 6, 20), date(2025, 6, 10), issued=date(2025, 5, 20)),
            _ob("payment_status", date(2025, 9, 1)),
        ),
        label="丙",
    )
    s = rules.quarter_stats(CAL, "430121", [good, poor, old], Q4)
    assert (s.approved, s.due, s.on_time, s.late, s.missing, s.obligations) == (2, 5, 3, 1, 2, 6)
    assert s.ratios["batch_rate"] == 1.0  # both new batches have approval + notice online by the end
    assert s.ratios["timeliness"] == pytest.approx(3 / 5)
    assert s.ratios["statutory_timeliness"] == pytest.approx(1 / 2)
    assert s.ratios["coverage"] == pytest.approx(4 / 6)
    assert s.ratios["posting_compliance"] == 1.0
    assert s.ratios["completeness"] is None
    expected = 100 * (0.30 * 1 + 0.20 * 0.6 + 0.15 * 0.5 + 0.15 * (4 / 6) + 0.10 * 1) / 0.90
    assert s.score == round(expected, 1) and s.deductions == 0 and not s.veto
    assert s.grade == rules.grade(s.score)
    assert {(p[0], p[1], p[2]) for p in s.problems} == {
        ("乙", "expropriation_notice", "逾期公开"),
        ("乙", "payment_status", "逾期未公开"),
        ("丙", "payment_status", "逾期未公开"),
    }


def test_stale_project_is_deducted_and_vetoed():
    silent = ProjectFacts(
        "430181",
        date(2025, 8, 1),
        date(2025, 8, 1),
        (_ob("approval", date(2025, 8, 29)), _ob("expropriation_notice", date(2025, 9, 30))),
    )
    s = rules.quarter_stats(CAL, "430181", [silent], Q4)
    assert s.deductions == 2 and s.veto and s.grade == "不合格"
    assert s.ratios["batch_rate"] == 0 and s.ratios["coverage"] == 0


def test_empty_quarter_is_not_scored_and_ranked_last():
    empty = rules.quarter_stats(CAL, "430182", [], Q4)
    assert empty.empty and empty.grade == ""
    a = rules.UnitQuarter("430121", Q4, score=90.0)
    b = rules.UnitQuarter("430181", Q4, score=90.0)
    c = rules.UnitQuarter("430281", Q4, score=70.0)
    assert [(pos, r.unit) for pos, r in rules.rank([c, empty, b, a])] == [
        (1, "430121"),
        (1, "430181"),
        (3, "430281"),
        (None, "430182"),
    ]


def test_project_approved_after_the_quarter_is_ignored():
    later = ProjectFacts("430121", date(2026, 1, 5), date(2026, 1, 5), (_ob("approval", date(2026, 2, 3)),))
    assert rules.quarter_stats(CAL, "430121", [later], Q4).empty
