"""A password validator that refuses the account's own identifiers inside the password.

Django's ``UserAttributeSimilarityValidator`` compares the whole password with the user name and email
by similarity; it lets through ``13807310001abc`` for the account ``13807310001``. This one refuses any
password that *contains* (ignoring case, spaces and punctuation) the user name (for public accounts a
mobile number or an email address), the email address, or the identity number or phone of one of the
account's applicant identities.
Values shorter than 5 characters are ignored (they would refuse too much).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 5


def _normal(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


def personal_values(user: Any) -> list[str]:
    values = [getattr(user, "username", "") or "", getattr(user, "email", "") or ""]
    if getattr(user, "pk", None):
        from gongkai.orgs.models import Applicant

        for applicant in Applicant.objects.filter(account_id=user.pk):
            values += [applicant.id_number or "", applicant.phone or ""]
    return [n for n in {_normal(v) for v in values} if len(n) >= MIN_LENGTH]


class PersonalDataPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        text = _normal(password)
        if any(value in text for value in personal_values(user)):
            raise ValidationError(
                _("密码不能包含您的账号、手机号、电子邮箱或证件号码。"), code="password_personal_data"
            )

    def get_help_text(self) -> str:
        return _("密码不能包含您的账号、手机号、电子邮箱或证件号码。")
