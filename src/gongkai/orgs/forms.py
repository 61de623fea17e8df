from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongkai.orgs import services, throttle
from gongkai.orgs.models import ID_TYPE_CHOICES, Applicant, ApplicantKind, OrganisationKind, UserKind


class KindAuthenticationForm(AuthenticationForm):
    """Log in only accounts of one kind: the staff login refuses public accounts and vice versa.

    The refusal reads exactly like a wrong password, so the form does not reveal which accounts exist.
    Attempts are throttled per (client address, user name) and per address (:mod:`gongkai.orgs.throttle`):
    a throttled attempt is refused before the password is checked, with the time to try again; every
    failure is recorded in the audit trail (ids only).
    """

    kind: str = UserKind.APPLICANT

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.kind != self.kind:
            raise self.get_invalid_login_error()

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if self.request is None or not username or not password:
            return super().clean()
        until = throttle.blocked_until(self.request, username)
        if until is not None:
            raise ValidationError(throttle.message(until), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            reached = throttle.failed(self.request, username)
            services.record_login_failure(self.request, username, step="password", throttled=reached)
            raise
        throttle.succeeded(self.request, username)
        return cleaned


class StaffAuthenticationForm(KindAuthenticationForm):
    kind = UserKind.STAFF


class ApplicantAuthenticationForm(KindAuthenticationForm):
    kind = UserKind.APPLICANT


class ApplicantForm(forms.ModelForm):
    """The identity part of Art. 29: who applies and how to reach them."""

    class Meta:
        model = Applicant
        fields = [
            "kind",
            "organisation_kind",
            "name",
            "id_type",
            "id_number",
            "legal_representative",
            "contact_name",
            "phone",
            "email",
            "address",
            "postcode",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "id_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation_kind"].required = False
        self.fields["address"].required = False
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = list(ApplicantKind.choices)  # two radio buttons, no empty one
        for name, choices in (("organisation_kind", OrganisationKind.choices), ("id_type", ID_TYPE_CHOICES)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("请选择")), *choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned = services.clean_applicant_data(cleaned)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def _post_clean(self) -> None:
        # The service validates and saves; skip ModelForm's instance validation (the account is set there).
        pass


class RegisterForm(forms.Form):
    contact = forms.CharField(
        label=_("手机号或电子邮箱"), max_length=120, help_text=_("用于登录和接收验证码、办理进度通知。")
    )
    display_name = forms.CharField(label=_("姓名"), max_length=60)
    password1 = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 10 位，不要只用数字或常见密码。"),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned


class VerifyForm(forms.Form):
    username = forms.CharField(label=_("手机号或电子邮箱"), max_length=120)
    code = forms.RegexField(
        label=_("验证码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("验证码为 6 位数字。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class SecondStepForm(forms.Form):
    """The second step of the staff login: a code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("验证码或恢复码"),
        max_length=20,
        help_text=_("输入身份验证器应用显示的 6 位验证码；手机丢失时可输入一个恢复码（每个只能用一次）。"),
        widget=forms.TextInput(
            attrs={
                "inputmode": "text",
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "autofocus": True,
            }
        ),
    )


class EnrolForm(forms.Form):
    code = forms.RegexField(
        label=_("验证码"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=12,
        error_messages={"invalid": _("验证码为 6 位数字。")},
        help_text=_("输入应用中显示的 6 位验证码，确认绑定成功。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
