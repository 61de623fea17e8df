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


# --- the old 15-digit resident ID (GB 11643-1989): a document type of its own (bad-inputs 3) ---------


@st.composite
def old_resident_ids(draw: st.DrawFn) -> str:
    from datetime import date

    province = draw(st.sampled_from(["11", "31", "43", "44", "65"]))
    rest = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)))
    seq = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    return f"{province}{rest}{born:%y%m%d}{seq}"


@given(old_resident_ids())
def test_valid_old_resident_ids_pass_and_survive_what_people_type(number: str) -> None:
    assert validate(IdType.OLD_RESIDENT_ID, number) == number
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    spaced = f" {full_width[:6]} {full_width[6:12]}-{full_width[12:]} "
    assert validate(IdType.OLD_RESIDENT_ID, spaced) == number


@given(old_resident_ids(), st.integers(min_value=8, max_value=11), digits)
def test_an_old_id_whose_birth_date_is_changed_is_valid_only_if_the_date_is_real(
    number: str, position: int, new: str
) -> None:
    from datetime import date

    changed = number[:position] + new + number[position + 1 :]
    try:
        date(1900 + int(changed[6:8]), int(changed[8:10]), int(changed[10:12]))
    except ValueError:
        with pytest.raises(InvalidIdentity, match="出生日期"):
            validate(IdType.OLD_RESIDENT_ID, changed)
    else:
        assert validate(IdType.OLD_RESIDENT_ID, changed) == changed


@pytest.mark.parametrize(
    "number",
    [
        "110105491231002",  # the GB 11643-1989 example: born 1949-12-31
        "430521720101002",  # 邵东县, born 1972
        "440301800229001",  # 1980-02-29, a leap day
        "650102991231999",  # born 1999-12-31
        "430102000101001",  # born 1900-01-01
    ],
)
def test_known_good_old_resident_ids(number: str) -> None:
    assert validate(IdType.OLD_RESIDENT_ID, number) == number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("11010549123100", "15 位"),  # 14 digits
        ("1101054912310021", "15 位"),  # 16 digits
        ("11010549123100X", "15 位"),  # no check character in the old form
        ("110105491331002", "出生日期"),  # month 13
        ("110105490230002", "出生日期"),  # 30 February
        ("110105000229002", "出生日期"),  # 1900 was not a leap year
        ("990105491231002", "省级地区码"),
        ("", "请填写"),
    ],
)
def test_old_resident_id_errors_are_clear_chinese(number: str, message: str) -> None:
    with pytest.raises(InvalidIdentity, match=message):
        validate(IdType.OLD_RESIDENT_ID, number)


def test_old_resident_id_digits_of_other_scripts_are_refused_and_the_18_digit_form_is_not_old() -> None:
    arabic_indic = "".join(chr(0x0660 + int(c)) for c in "110105491231002")
    with pytest.raises(InvalidIdentity):
        validate(IdType.OLD_RESIDENT_ID, arabic_indic)
    with pytest.raises(InvalidIdentity, match="15 位"):
        validate(IdType.OLD_RESIDENT_ID, "11010519491231002X")
    with pytest.raises(InvalidIdentity, match="18 位"):
        validate(IdType.RESIDENT_ID, "110105491231002")


def test_old_resident_id_birth_date_in_the_future_is_refused() -> None:
    from datetime import date

    from gongkai.core.identity import validate_old_resident_id

    with pytest.raises(InvalidIdentity, match="出生日期"):
        validate_old_resident_id("110105491231002", today=date(1949, 12, 30))
    assert validate_old_resident_id("110105491231002", today=date(1949, 12, 31)) == "110105491231002"


def test_old_resident_id_is_masked_like_the_others() -> None:
    assert mask("110105491231002") == "110********1002"
