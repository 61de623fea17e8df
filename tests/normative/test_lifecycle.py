"""The pure validity rules: dates, numbers, states on any day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.normative import lifecycle
from gongkai.normative.lifecycle import Status, Validity


def test_default_validity_is_five_years_and_two_for_provisional_documents():
    assert lifecycle.default_expiry(date(2020, 3, 1), "湖南省征地补偿办法") == date(2025, 2, 28)
    assert lifecycle.default_expiry(date(2020, 3, 1), "湖南省征地补偿暂行办法") == date(2022, 2, 28)
    assert lifecycle.default_expiry(date(2020, 3, 1), "不动产登记操作规范（试行）") == date(2022, 2, 28)
    assert lifecycle.default_expiry(date(2020, 3, 1), "湖南省国土资源行政处罚办法", is_rule=True) is None


def test_leap_day_anniversary():
    assert lifecycle.add_years(date(2020, 2, 29), 5) == date(2025, 2, 28)
    assert lifecycle.default_expiry(date(2020, 2, 29), "某办法") == date(2025, 2, 27)


def test_states_by_date():
    v = Validity(effective_on=date(2020, 3, 1), expires_on=date(2025, 2, 28))
    assert v.status_on(date(2020, 2, 29)) is Status.NOT_YET_IN_FORCE
    assert v.status_on(date(2020, 3, 1)) is Status.IN_FORCE
    assert v.status_on(date(2025, 2, 28)) is Status.IN_FORCE
    assert v.status_on(date(2025, 3, 1)) is Status.EXPIRED
    assert v.in_force_on(date(2025, 2, 28)) and not v.in_force_on(date(2025, 3, 1))


def test_states_by_decision():
    v = Validity(
        effective_on=date(2020, 3, 1),
        expires_on=date(2025, 2, 28),
        amended_on=date(2021, 6, 1),
        ended_on=date(2023, 1, 1),
        ended_as=Status.REPEALED,
    )
    assert v.status_on(date(2021, 5, 31)) is Status.IN_FORCE
    assert v.status_on(date(2021, 6, 1)) is Status.AMENDED
    assert v.in_force_on(date(2022, 12, 31))
    assert v.status_on(date(2023, 1, 1)) is Status.REPEALED
    assert v.status_on(date(2030, 1, 1)) is Status.REPEALED  # repealed before it would have expired


def test_expiry_before_a_later_repeal_stays_expired():
    v = Validity(
        effective_on=date(2015, 1, 1),
        expires_on=date(2019, 12, 31),
        ended_on=date(2021, 1, 1),
        ended_as=Status.REPEALED,
    )
    assert v.status_on(date(2020, 6, 1)) is Status.EXPIRED


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=4000),
    ended_after=st.one_of(st.none(), st.integers(min_value=0, max_value=4000)),
    probe=st.integers(min_value=-400, max_value=5000),
)
def test_in_force_is_exactly_the_in_force_states(start, length, ended_after, probe):
    v = Validity(
        effective_on=start,
        expires_on=start + timedelta(days=length),
        ended_on=None if ended_after is None else start + timedelta(days=ended_after),
        ended_as=None if ended_after is None else Status.REPEALED,
    )
    day = start + timedelta(days=probe)
    assert v.in_force_on(day) == (v.status_on(day) in lifecycle.IN_FORCE)


def test_numbers():
    assert lifecycle.document_number("湘自然资规", 2020, 1) == "湘自然资规〔2020〕1号"
    assert lifecycle.registration_number("HNZRZY", 2020, 7) == "HNZRZY-2020-007"
    assert lifecycle.normalise_document_number("湘政发[2020]第05号") == "湘政发〔2020〕5号"
    assert lifecycle.normalise_document_number("湘自然资规（2019）3号") == "湘自然资规〔2019〕3号"
    assert lifecycle.normalise_document_number("无文号") == "无文号"
    assert lifecycle.parse_registration_number("HNZRZY-2020-007") == ("HNZRZY", 2020, 7)
    with pytest.raises(ValueError):
        lifecycle.document_number("湘自然资规", 2020, 0)


def test_ended_documents_take_no_further_decision():
    assert lifecycle.can_decide(Status.IN_FORCE) and lifecycle.can_decide(Status.AMENDED)
    assert not lifecycle.can_decide(Status.REPEALED) and not lifecycle.can_decide(Status.EXPIRED)
