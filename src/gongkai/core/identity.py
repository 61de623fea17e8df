"""Identity numbers and text masks: pure rules, no Django.

Checks are delegated to python-stdnum, which implements the national standards:
- 居民身份证号码, GB 11643-1999 (ISO 7064 MOD 11-2 check digit): ``stdnum.cn.ric``;
- 统一社会信用代码, GB 32100-2015 (MOD 31 check character): ``stdnum.cn.uscc``.
This module only adds the Chinese messages a citizen reads and the masks used on screens and exports.

The old 15-digit 居民身份证号码 (GB 11643-1989: address code, birth date ``YYMMDD`` of 19YY, sequence; no
check digit) is a document type of its own: python-stdnum's ``cn.ric`` knows only the 18-digit form, so
its few rules are written out here (:func:`validate_old_resident_id`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    OLD_RESIDENT_ID = "resident_id_15"  # 旧版十五位身份证 (GB 11643-1989)
    PASSPORT = "passport"  # 护照
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证 / 居住证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    USCC = "uscc"  # 统一社会信用代码 (organisations)
    OTHER = "other"


class InvalidIdentity(ValueError):
    """Raised with a message in Chinese that can be shown to the person who typed the number."""


_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")
# 港澳居民来往内地通行证: H/M + 8 digits (older cards 10 digits); 港澳台居民居住证 numbers start 81/82.
_HK_MACAO = re.compile(r"^(?:[HM]\d{8}(?:\d{2})?|8[12]\d{15}[\dX])$")
# 台湾居民来往大陆通行证: 8 digits (older cards 10 with a letter); 居住证 numbers start 83.
_TAIWAN = re.compile(r"^(?:\d{8}|\d{10}[A-Z]?|83\d{15}[\dX])$")


# GB/T 2260 province-level codes: the first two digits of every resident ID.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)


def validate_resident_id(value: str) -> str:
    """居民身份证号码 (GB 11643-1999): 6-digit address code, birth date, sequence, check character.

    The check digit and birth date come from python-stdnum. Its county check is deliberately not used:
    it rejects an address code that was not yet assigned in the year of birth, but the code is the one
    of the place of first registration, so a farmer born in 1972 whose number starts 430521 (邵东县,
    code assigned 1983) holds a valid card. Only the province part is checked here.
    """
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        raise InvalidIdentity("居民身份证号码应为 18 位（最后一位可以是 X）。")
    if value[:2] not in PROVINCE_CODES:
        raise InvalidIdentity("居民身份证号码的前两位（省级地区码）无效。")
    try:
        born = ric.get_birth_date(value)
    except stdnum_exceptions.ValidationError as exc:
        raise InvalidIdentity("居民身份证号码中的出生日期无效。") from exc
    if born.year < 1880 or born > date.today():
        raise InvalidIdentity("居民身份证号码中的出生日期无效。")
    if ric.calc_check_digit(value) != value[17]:
        raise InvalidIdentity("居民身份证号码的校验位不正确，请核对最后一位。")
    return value


def validate_old_resident_id(value: str, *, today: date | None = None) -> str:
    """旧版十五位居民身份证号码 (GB 11643-1989): 6-digit address code, birth date ``YYMMDD`` (all in the
    1900s), 3-digit sequence, no check digit. The birth date must be a real date, not in the future."""
    if not re.fullmatch(r"[0-9]{15}", value):
        raise InvalidIdentity("旧版身份证号码应为 15 位数字。")
    if value[:2] not in PROVINCE_CODES:
        raise InvalidIdentity("旧版身份证号码的前两位（省级地区码）无效。")
    try:
        born = date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError as exc:
        raise InvalidIdentity("旧版身份证号码中的出生日期无效。") from exc
    if born > (today or date.today()):
        raise InvalidIdentity("旧版身份证号码中的出生日期无效。")
    return value


def normalise(value: str) -> str:
    """What people type → canonical form: NFKC (full-width digits and letters become ASCII), separators
    (spaces, dashes) removed, letters upper-cased. Digits of other scripts stay as they are and fail the
    ASCII-only patterns below."""
    value = unicodedata.normalize("NFKC", value)
    return re.sub(r"[\s\-‐‑–—]", "", value).upper()


def validate(id_type: IdType | str, value: str) -> str:
    """Return the canonical form of ``value`` or raise :class:`InvalidIdentity` with a Chinese message."""
    kind = IdType(id_type)
    value = normalise(value)
    if not value:
        raise InvalidIdentity("请填写证件号码。")
    if kind is IdType.RESIDENT_ID:
        return validate_resident_id(value)
    if kind is IdType.OLD_RESIDENT_ID:
        return validate_old_resident_id(value)
    if kind is IdType.USCC:
        try:
            return str(uscc.validate(value))
        except stdnum_exceptions.InvalidChecksum as exc:
            raise InvalidIdentity("统一社会信用代码的校验码不正确，请核对最后一位。") from exc
        except stdnum_exceptions.ValidationError as exc:
            raise InvalidIdentity("统一社会信用代码应为 18 位数字或大写字母。") from exc
    if kind is IdType.PASSPORT:
        if not _PASSPORT.match(value):
            raise InvalidIdentity("护照号码应为 5–17 位字母或数字。")
        return value
    if kind is IdType.HK_MACAO_PERMIT:
        if not _HK_MACAO.match(value):
            raise InvalidIdentity("港澳居民来往内地通行证号码应为 H 或 M 加 8 位数字（或居住证号码）。")
        return value
    if kind is IdType.TAIWAN_PERMIT:
        if not _TAIWAN.match(value):
            raise InvalidIdentity("台湾居民来往大陆通行证号码应为 8 位数字（或居住证号码）。")
        return value
    if len(value) > 40:
        raise InvalidIdentity("证件号码过长。")
    return value


def mask(value: str, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """Mask the middle of an identifier: ``430102199001011234`` → ``430***********1234``."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return value[:1] + "*" * (len(value) - 1)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    digits = value.strip()
    if len(digits) < 7:
        return mask(digits, keep_start=1, keep_end=1)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (province/city/county), hide the rest."""
    value = value.strip()
    return value[:6] + ("****" if len(value) > 6 else "")


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_phone(value: str) -> str:
    """A Chinese mobile or landline number in canonical form: ``13812345678`` or ``0731-82213813``.

    Accepts what people type: ``+86 138 0013 8000``, full-width digits, dashes and spaces, a landline with
    its area code. Parsed with ``phonenumbers`` (libphonenumber's metadata for CN); messages in Chinese.
    """
    import phonenumbers

    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise InvalidIdentity("请填写联系电话。")
    if re.search(r"[^\d\s+\-()（）]", text):
        raise InvalidIdentity("联系电话只能包含数字、空格、括号和连字符。")
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if international and not re.match(r"^(\+|00)\s*86", text):
        try:  # an applicant abroad (passport, HK/Macao/Taiwan permit): keep the international form
            foreign = phonenumbers.parse("+" + text.lstrip("+").removeprefix("00"), None)
        except phonenumbers.NumberParseException as exc:
            raise InvalidIdentity("境外电话请以 + 和国家或地区代码开头，如 +852 2123 4567。") from exc
        if not phonenumbers.is_valid_number(foreign):
            raise InvalidIdentity("境外电话号码无效，请核对国家或地区代码和号码。")
        return phonenumbers.format_number(foreign, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits):
        return digits
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentity("联系电话格式不正确：手机号为 11 位，座机请带区号，如 0731-82213813。") from exc
    if not phonenumbers.is_valid_number(number) or number.country_code != 86:
        raise InvalidIdentity("联系电话格式不正确：手机号为 11 位，座机请带区号，如 0731-82213813。")
    national = "0" + str(number.national_number)
    if _MOBILE.match(national[1:]):
        return national[1:]
    return _landline(national)


def _landline(digits: str) -> str:
    """0 + area code (2–3 digits after 0) + local number: 010/02x are 3 digits, others 4."""
    area = digits[:3] if digits[1] in "12" else digits[:4]
    return f"{area}-{digits[len(area) :]}"
