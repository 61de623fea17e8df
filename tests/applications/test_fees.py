"""The information processing fee (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.applications.fees import explain, fee, per_item_fee, per_volume_fee


@pytest.mark.parametrize(
    ("n", "amount"), [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (51, 400)]
)
def test_per_item_bands(n, amount):
    assert per_item_fee(n) == Decimal(amount)


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)],
)
def test_per_volume_bands(pages, amount):
    assert per_volume_fee(pages) == Decimal(amount)


@given(st.integers(min_value=1, max_value=500))
def test_per_item_never_decreases(n):
    assert per_item_fee(n + 1) >= per_item_fee(n)


@given(st.integers(min_value=0, max_value=5000))
def test_each_extra_page_costs_its_band_rate(p):
    step = per_volume_fee(p + 1) - per_volume_fee(p)
    assert step == (0 if p < 30 else 10 if p < 100 else 20 if p < 200 else 40)


def test_one_method_per_application_and_explanations():
    assert fee("per_item", nth_in_month=12, pages=500) == Decimal(100)
    assert fee("per_volume", nth_in_month=99, pages=31) == Decimal(10)
    assert "第 12 件" in explain("per_item", nth_in_month=12)
    with pytest.raises(ValueError):
        per_item_fee(0)
