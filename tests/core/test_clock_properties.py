"""Property tests of the statutory clock against naive day-by-day reference implementations."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.core.clock import (
    Clarification,
    Consultation,
    Deadline,
    FeeNotice,
    WorkingCalendar,
    add_working_days,
    is_on_time,
    remaining_working_days,
    reply_deadline,
    working_days_between,
)

D = date
TD = timedelta
CAL = WorkingCalendar.from_chinese_calendar()
PKG = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)

# CLOCK_EXAMPLES=5000 for a long run; the default keeps the suite at about 20 s
_N = int(os.environ.get("CLOCK_EXAMPLES", "300"))
PROPS = settings(deadline=None, database=None, max_examples=_N, suppress_health_check=[HealthCheck.too_slow])
HEAVY = settings(
    deadline=None, database=None, max_examples=max(20, _N // 5), suppress_health_check=[HealthCheck.too_slow]
)

IsWorking = Callable[[date], bool]


# ---------------------------------------------------------------------------------------------------------
# naive references: one day at a time, no precomputation
# ---------------------------------------------------------------------------------------------------------


def naive_plain(non_working: set[date], working: set[date], known: set[int]) -> IsWorking:
    def is_working(d: date) -> bool:
        if d.year in known:
            if d in working:
                return True
            if d in non_working:
                return False
        return d.weekday() < 5

    return is_working


def naive_package(overrides: dict[date, bool], complete: set[int]) -> IsWorking:
    known = set(PKG) | complete

    def is_working(d: date) -> bool:
        if d.year in known:
            if d in overrides:
                return overrides[d]
            if d.year in PKG:
                return chinese_calendar.is_workday(d)
        return d.weekday() < 5

    return is_working


def naive_add(is_working: IsWorking, day0: date, n: int) -> date:
    d, k = day0, 0
    while k < n:
        d += TD(days=1)
        if is_working(d):
            k += 1
    return d


def naive_between(is_working: IsWorking, a: date, b: date) -> int:
    n, d = 0, a
    while d < b:
        d += TD(days=1)
        n += is_working(d)
    return n


def naive_due(is_working: IsWorking, case: dict) -> date | None:
    """clock.md rules 1–7 literally: start, union of pause days after start, 20 + excluded + extension."""
    start = case["receipt"]
    stopped = False
    clar = case["clarification"]
    if clar is not None:
        if clar.supplement_received is None:
            stopped = True
        else:
            start = clar.supplement_received
    intervals = []
    for k in case["consultations"]:
        end = k.answered
        if end is None and k.recipient_received is not None:
            end = naive_add(is_working, k.recipient_received, 15)
        if end is None:
            stopped = True
        else:
            intervals.append((k.sent, end))
    for f in case["fees"]:
        if f.paid is None:
            stopped = True
        else:
            intervals.append((f.received, f.paid))
    paused = set()
    for a, b in intervals:
        d = a
        while d < b:
            d += TD(days=1)
            if d > start and is_working(d):
                paused.add(d)
    if case["art35_due"] is not None:
        return case["art35_due"]
    if stopped:
        return None
    return naive_add(is_working, start, 20 + len(paused) + case["extension_days"])


REAL = naive_package({}, set())


# ---------------------------------------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------------------------------------

WIDE = st.dates(D(1995, 1, 1), D(2035, 12, 31))


@st.composite
def plain_calendars(draw: st.DrawFn) -> tuple[WorkingCalendar, IsWorking]:
    known = draw(st.sets(st.integers(2001, 2031), max_size=8))
    days = st.dates(D(2000, 1, 1), D(2032, 12, 31))
    off = draw(st.sets(days, max_size=60))
    on = draw(st.sets(days, max_size=60)) - off
    return WorkingCalendar(non_working=off, working=on, known_years=known), naive_plain(off, on, known)


@st.composite
def package_calendars(draw: st.DrawFn) -> tuple[WorkingCalendar, IsWorking]:
    overrides = draw(st.dictionaries(st.dates(D(2003, 1, 1), D(2029, 12, 31)), st.booleans(), max_size=40))
    complete = draw(st.sets(st.integers(2027, 2029), max_size=3))
    return (
        WorkingCalendar.from_chinese_calendar(overrides, complete_years=complete),
        naive_package(overrides, complete),
    )


def _gap(draw: st.DrawFn, hi: int) -> timedelta:
    return TD(days=draw(st.integers(0, hi)))


@st.composite
def cases(draw: st.DrawFn, *, allow_open: bool = True, allow_art35: bool = True) -> dict:
    r = draw(st.dates(D(2004, 1, 1), D(2028, 6, 30)))
    clarification = None
    if draw(st.integers(0, 3)) == 0:
        sent = r + _gap(draw, 15)
        supp: date | None = sent + _gap(draw, 30)
        if allow_open and draw(st.integers(0, 5)) == 0:
            supp = None
        clarification = Clarification(sent, supp, draw(st.integers(1, 25)))
    consultations = []
    for _ in range(draw(st.integers(0, 3))):
        sent = r + _gap(draw, 60)
        kind = draw(st.integers(0, 9 if allow_open else 8))
        if kind <= 5:
            consultations.append(Consultation(sent, sent + _gap(draw, 40)))
        elif kind <= 8:
            consultations.append(Consultation(sent, None, sent + _gap(draw, 6)))
        else:
            consultations.append(Consultation(sent))
    fees = []
    for _ in range(draw(st.integers(0, 2))):
        got = r + _gap(draw, 60)
        paid = None if allow_open and draw(st.integers(0, 6)) == 0 else got + _gap(draw, 40)
        fees.append(FeeNotice(got, paid))
    extension = draw(st.integers(0, 20))
    art35 = None
    if allow_art35 and draw(st.integers(0, 9)) == 0:
        start = (
            clarification.supplement_received if clarification and clarification.supplement_received else r
        )
        art35 = start + TD(days=draw(st.integers(1, 200)))
    return {
        "receipt": r,
        "clarification": clarification,
        "consultations": consultations,
        "fees": fees,
        "extension_days": extension,
        "art35_due": art35,
    }


def run(case: dict, cal: WorkingCalendar = CAL, **kw: object) -> Deadline:
    args = {**case, **kw}
    return reply_deadline(cal, args.pop("receipt"), **args)


# ---------------------------------------------------------------------------------------------------------
# the counting primitives against the naive loop
# ---------------------------------------------------------------------------------------------------------


@PROPS
@given(plain_calendars(), WIDE, st.integers(0, 80), WIDE)
def test_primitives_agree_with_naive_on_random_calendars(
    cal_ref: tuple[WorkingCalendar, IsWorking], d0: date, n: int, b: date
) -> None:
    cal, ref = cal_ref
    assert add_working_days(cal, d0, n) == naive_add(ref, d0, n)
    if abs((b - d0).days) < 3000:
        assert working_days_between(cal, d0, b) == naive_between(ref, d0, b)
    assert cal.is_working_day(d0) == ref(d0)
    assert cal.is_working_day(b) == ref(b)


@HEAVY
@given(package_calendars(), st.dates(D(2003, 6, 1), D(2029, 12, 31)), st.integers(0, 60), st.integers(0, 400))
def test_primitives_agree_with_naive_on_package_plus_overrides(
    cal_ref: tuple[WorkingCalendar, IsWorking], d0: date, n: int, span: int
) -> None:
    cal, ref = cal_ref
    b = d0 + TD(days=span)
    assert add_working_days(cal, d0, n) == naive_add(ref, d0, n)
    assert working_days_between(cal, d0, b) == naive_between(ref, d0, b)
    assert cal.is_working_day(d0) == ref(d0)


@PROPS
@given(st.dates(D(2004, 1, 1), D(2028, 12, 31)), st.integers(0, 80))
def test_primitives_agree_with_naive_on_the_real_calendar(d0: date, n: int) -> None:
    due = add_working_days(CAL, d0, n)
    assert due == naive_add(REAL, d0, n)
    assert working_days_between(CAL, d0, due) == n
    if n:
        assert CAL.is_working_day(due)


@PROPS
@given(plain_calendars(), WIDE, WIDE)
def test_unknown_years_in_names_exactly_the_unknown_years_touched(
    cal_ref: tuple[WorkingCalendar, IsWorking], a: date, b: date
) -> None:
    cal, _ = cal_ref
    touched = {(a + TD(days=i)).year for i in range(1, (b - a).days + 1)}
    assert cal.unknown_years_in(a, b) == tuple(sorted(y for y in touched if y not in cal.known_years))


# ---------------------------------------------------------------------------------------------------------
# the reply deadline
# ---------------------------------------------------------------------------------------------------------


@PROPS
@given(cases())
def test_reply_deadline_matches_the_naive_rules(case: dict) -> None:
    assert run(case).due == naive_due(REAL, case)


@HEAVY
@given(package_calendars(), cases())
def test_reply_deadline_matches_the_naive_rules_with_overrides(
    cal_ref: tuple[WorkingCalendar, IsWorking], case: dict
) -> None:
    cal, ref = cal_ref
    assert run(case, cal).due == naive_due(ref, case)


@PROPS
@given(cases(allow_art35=False))
def test_due_is_a_working_day(case: dict) -> None:
    d = run(case)
    if d.due is not None:
        assert CAL.is_working_day(d.due)
        assert d.due > d.start


@PROPS
@given(cases())
def test_trail_adds_up(case: dict) -> None:
    d = run(case)
    if d.due is not None:
        assert working_days_between(CAL, d.start, d.due) == sum(s.days for s in d.trail)
        assert d.trail[-1].date == d.due
    assert d.trail[0].date == d.receipt
    assert (
        sum(s.days for s in d.trail if s.date < d.start and s.until is not None and s.until <= d.start) == 0
    )


@PROPS
@given(st.dates(D(2004, 1, 1), D(2028, 6, 30)), st.dates(D(2004, 1, 1), D(2028, 6, 30)), st.integers(0, 20))
def test_later_receipt_never_gives_an_earlier_due(r1: date, r2: date, ext: int) -> None:
    r1, r2 = min(r1, r2), max(r1, r2)
    assert reply_deadline(CAL, r1, extension_days=ext).due <= reply_deadline(CAL, r2, extension_days=ext).due  # type: ignore[operator]


@PROPS
@given(cases(allow_open=False, allow_art35=False), st.integers(0, 60), st.integers(0, 40))
def test_a_pause_never_shortens(case: dict, after: int, length: int) -> None:
    before = run(case).due
    sent = case["receipt"] + TD(days=after)
    more = [*case["consultations"], Consultation(sent, sent + TD(days=length))]
    with_pause = run(case, consultations=more).due
    assert before is not None and with_pause is not None
    assert with_pause >= before
    fees = [*case["fees"], FeeNotice(sent, sent + TD(days=length))]
    with_fee = run(case, fees=fees).due
    assert with_fee is not None and with_fee >= before


@PROPS
@given(cases(allow_open=False, allow_art35=False), st.integers(1, 20))
def test_an_extension_of_k_adds_exactly_k_working_days(case: dict, k: int) -> None:
    base = run(case, extension_days=0).due
    extended = run(case, extension_days=k).due
    assert base is not None and extended is not None
    assert working_days_between(CAL, base, extended) == k


@PROPS
@given(
    st.dates(D(2004, 1, 1), D(2028, 6, 30)),
    st.integers(0, 10),
    st.integers(1, 40),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30), st.booleans()), max_size=4),
    st.integers(0, 20),
)
def test_restart_ignores_earlier_pauses(
    r: date, notice_after: int, supp_after: int, raw: list[tuple[int, int, bool]], ext: int
) -> None:
    notice = r + TD(days=notice_after)
    s = notice + TD(days=supp_after)
    consultations, fees = [], []
    for a, length, is_fee in raw:
        # every pause ends on or before the supplement day S
        end = min(r + TD(days=a + length), s)
        start = min(r + TD(days=a), end)
        if is_fee:
            fees.append(FeeNotice(start, end))
        else:
            consultations.append(Consultation(start, end))
    d = reply_deadline(
        CAL,
        r,
        clarification=Clarification(notice, s),
        consultations=consultations,
        fees=fees,
        extension_days=ext,
    )
    assert d.due == add_working_days(CAL, s, 20 + ext)
    assert d.start == s


@PROPS
@given(cases(allow_art35=False))
def test_provisional_exactly_when_the_count_reaches_an_unknown_year(case: dict) -> None:
    d = run(case)
    if d.due is not None:
        counted = {(d.start + TD(days=i)).year for i in range(1, (d.due - d.start).days + 1)}
        assert {y for y in counted if y not in PKG} <= set(d.missing_years)
    if not d.provisional:
        assert d.missing_years == ()
        if d.due is not None:
            assert d.due.year <= 2026
    assert d.provisional == bool(d.missing_years)
    assert all(y >= 2027 for y in d.missing_years)


@PROPS
@given(st.dates(D(2004, 1, 1), D(2028, 6, 30)), st.integers(-150, 150))
def test_remaining_working_days_sign_and_meaning(today: date, offset: int) -> None:
    due = today + TD(days=offset)
    left = remaining_working_days(CAL, today, due)
    assert (left >= 0) == is_on_time(today, due)
    if left >= 0:
        assert left == naive_between(REAL, today, due)
        if CAL.is_working_day(due):
            assert add_working_days(CAL, today, left) == due
    else:
        nxt = today if CAL.is_working_day(today) else add_working_days(CAL, today, 1)
        assert -left == naive_between(REAL, due, nxt)
