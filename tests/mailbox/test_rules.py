"""The pure rules: statuses and query codes (no database)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.mailbox import rules
from gongkai.mailbox.rules import Status, StepRefused


@given(st.randoms(use_true_random=False))
def test_new_codes_are_valid_codes(rnd: random.Random):
    code = rules.new_code(rnd.choice)
    assert len(code) == 8 and rules.normalise_code(code) == code


@pytest.mark.parametrize(
    "typed", ["ABCD-EFGH", "abcd efgh", " abcdefgh ", "ＡＢＣＤ－ＥＦＧＨ", "abcd-efgh\n"]
)
def test_codes_are_read_forgivingly(typed):
    assert rules.normalise_code(typed) == "ABCDEFGH"


@pytest.mark.parametrize("typed", ["", "ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGI", "ABC<EFGH", "'; drop"])
def test_what_cannot_be_a_code_is_none(typed):
    assert rules.normalise_code(typed) is None


def test_format_code():
    assert rules.format_code("ABCDEFGH") == "ABCD-EFGH"


def test_replied_and_closed_letters_are_final():
    rules.check(Status.SUBMITTED, Status.ROUTED)
    rules.check(Status.ROUTED, Status.ROUTED)  # routed again, to another unit
    rules.check(Status.ROUTED, Status.REPLIED)
    rules.check(Status.SUBMITTED, Status.CLOSED)
    for final in (Status.REPLIED, Status.CLOSED):
        for to in Status:
            with pytest.raises(StepRefused):
                rules.check(final, to)


def test_publishing_needs_the_answer_and_the_consent():
    assert rules.may_publish(Status.REPLIED, True)
    assert not rules.may_publish(Status.REPLIED, False)
    assert not rules.may_publish(Status.ROUTED, True)
