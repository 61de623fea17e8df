"""Forms of the mailbox: they validate input only; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.identity import InvalidIdentity, validate_phone
from gongkai.orgs.models import Agency, Unit


class LetterForm(forms.Form):
    writer_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("仅供工作人员联系您，不会公开。"),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("可选。填写后，答复时将通过电子邮件通知您。"),
    )
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("来信内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("请写明具体事项、时间、地点，不超过 5000 字。"),
    )
    agrees_to_publish = forms.BooleanField(
        label=_("同意在答复后将来信和答复公开为问答（公开前将删除姓名、电话等个人信息）"), required=False
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def clean_phone(self) -> str:
        try:
            return validate_phone(self.cleaned_data["phone"])
        except InvalidIdentity as exc:
            raise forms.ValidationError(str(exc)) from exc


class LookupForm(forms.Form):
    # No max_length: whatever is typed that is not a code gets the same answer as an unknown code.
    code = forms.CharField(
        label=_("查询码"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "maxlength": 20,
            }
        ),
        help_text=_("提交来信后获得的 8 位查询码，例如 ABCD-EFGH。"),
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RouteForm(forms.Form):
    unit = UnitChoiceField(label=_("承办处室"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(agency=agency).order_by("sort_order", "name")


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("答复内容"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))


class PublishForm(forms.Form):
    title = forms.CharField(label=_("公开标题"), max_length=100)
    question = forms.CharField(label=_("公开的来信内容"), widget=forms.Textarea(attrs={"rows": 6}))
    answer = forms.CharField(label=_("公开的答复内容"), widget=forms.Textarea(attrs={"rows": 6}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
