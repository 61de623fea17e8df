"""ID-number and credit-code checks and masks (pure, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from gongkai.core.identity import (
    IdType,
    InvalidIdentity,
    mask,
    mask_phone,
    normalise,
    validate,
    validate_phone,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(["11", "31", "43", "44", "65"]))
    rest = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    born = draw(
        st.dates(
            min_value=__import__("datetime").date(1900, 1, 1),
            max_value=__import__("datetime").date(2020, 12, 31),
        )
    )
    seq = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    body = f"{province}{rest}{born:%Y%m%d}{seq}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = (
        draw(st.sampled_from(["11", "12", "31", "51", "52", "91", "92", "93"]))
        + draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
        + draw(st.text(alphabet=alphabet, min_size=9, max_size=9))
    )
    return body + uscc.calc_check_digit(body)


@given(resident_ids())
def test_valid_resident_ids_pass(number: str) -> None:
    assert validate(IdType.RESIDENT_ID, number) == number


@given(resident_ids(), st.integers(min_value=0, max_value=17), digits)
def test_changing_any_character_of_a_resident_id_is_caught(number: str, position: int, new: str) -> None:
    if number[position] == new:
        return
    changed = number[:position] + new + number[position + 1 :]
    with pytest.raises(InvalidIdentity):
        validate(IdType.RESIDENT_ID, changed)


@given(credit_codes())
def test_valid_credit_codes_pass(code: str) -> None:
    assert validate(IdType.USCC, code) == code


@given(credit_codes(), st.integers(min_value=0, max_value=17))
def test_a_changed_credit_code_is_caught(code: str, position: int) -> None:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    new = alphabet[(alphabet.index(code[position]) + 1) % len(alphabet)]
    changed = code[:position] + new + code[position + 1 :]
    with pytest.raises(InvalidIdentity):
        validate(IdType.USCC, changed)


def test_older_holder_of_a_code_assigned_after_birth_is_accepted() -> None:
    """430521 (邵东县) was assigned in 1983; a farmer born in 1972 registered there holds a valid card."""
    body = "43052119720101002"
    number = body + ric.calc_check_digit(body + "0")
    assert validate("resident_id", number) == number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("43052119720101002", "18 位"),
        ("430521197213010020", "出生日期"),
        ("990521197201010020", "省级地区码"),
        ("110105194912310021", "校验位"),
        ("", "请填写"),
    ],
)
def test_resident_id_errors_are_clear_chinese(number: str, message: str) -> None:
    with pytest.raises(InvalidIdentity, match=message):
        validate(IdType.RESIDENT_ID, number)


def test_digits_of_other_scripts_are_refused() -> None:
    arabic_indic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in "11010519491231002X")
    with pytest.raises(InvalidIdentity):
        validate("resident_id", arabic_indic)


def test_what_people_type_is_normalised() -> None:
    assert normalise("1101 0519-4912 3100 2x") == "11010519491231002X"
    assert normalise(" １１０１０５１９４９１２３１００２ｘ ") == "11010519491231002X"
    assert validate("resident_id", "11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("id_type", "good", "bad"),
    [
        (IdType.PASSPORT, "E12345678", "E1"),
        (IdType.HK_MACAO_PERMIT, "H12345678", "X12345678"),
        (IdType.TAIWAN_PERMIT, "12345678", "1234"),
    ],
)
def test_other_documents(id_type: IdType, good: str, bad: str) -> None:
    assert validate(id_type, good) == good
    with pytest.raises(InvalidIdentity):
        validate(id_type, bad)


def test_masks_hide_the_middle() -> None:
    assert mask("430121196803150032") == "430***********0032"
    assert mask_phone("13807310001") == "138****0001"
    assert mask("") == ""


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("+86 138 0013 8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("0731-82213813", "0731-82213813"),
        ("(0731) 8221 3813", "0731-82213813"),
        ("010 12345678", "010-12345678"),
        ("+852 2123 4567", "+852 2123 4567"),
        ("+1 650 253 0000", "+1 650-253-0000"),
    ],
)
def test_phones_are_normalised(typed: str, canonical: str) -> None:
    assert validate_phone(typed) == canonical


@pytest.mark.parametrize("bad", ["", "12345", "1380013800", "abc", "138OO138000", "+1 000", "+999 123"])
def test_bad_phones_get_a_chinese_message(bad: str) -> None:
    with pytest.raises(InvalidIdentity, match="电话"):
        validate_phone(bad)


def test_clean_text_drops_controls_keeps_rare_characters() -> None:
    from gongkai.core.text import clean_text

    assert clean_text("王𠀀明\x00\u202e·😀\r\n第二行\x0b") == "王𠀀明·😀\n第二行"
