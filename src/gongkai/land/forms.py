"""The staff forms of land expropriation. They only read input (dates in the forms people write them, see
:func:`gongkai.core.spreadsheets.parse_date`); the rules are in :mod:`gongkai.land.services`, whose errors
the views put back on the fields, so that a refused form comes back with everything as it was typed."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongkai.core.spreadsheets import parse_date
from gongkai.core.text import parse_int
from gongkai.land import rules
from gongkai.land.models import Authority, Place, PlaceLevel, ProjectKind
from gongkai.orgs.models import Agency

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateOrTextInput(forms.DateInput):
    """A date picker, except when the value is not an ISO date (something typed that was refused): a
    browser's date picker would show such a value as empty, so it is shown as text to be corrected."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["value"]
        if shown and not _is_iso_date(str(shown)):
            context["widget"]["type"] = "text"
        return context


def _is_iso_date(text: str) -> bool:
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class LooseDateField(forms.CharField):
    """A date as ``2025-09-26``, ``2025/9/26`` or ``2025年9月26日``; blank is None."""

    widget = DateOrTextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)  # the text's own checks (length, NUL) first
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


class DisclosureForm(forms.Form):
    """One required document of a project: the publishing item that fulfils it, its dates, 不适用."""

    item = forms.CharField(label=_("公开信息"), required=False, max_length=12)
    issued_on = LooseDateField(label=_("发布（形成）日期"))
    published_on = LooseDateField(label=_("网上公开日期（未关联信息时）"))
    posting_start = LooseDateField(label=_("张贴开始"))
    posting_end = LooseDateField(label=_("张贴结束"))
    not_applicable = forms.BooleanField(label=_("不适用"), required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def clean_item(self) -> int | None:
        text = self.cleaned_data.get("item", "")
        if not text:
            return None
        pk = parse_int(text)
        if pk is None:
            raise ValidationError(gettext("请从列表中选择公开信息。"))
        return pk


class LinkForm(forms.Form):
    number = forms.CharField(label=_("申请编号"), max_length=40)


class NoticeForm(forms.Form):
    remarks = forms.CharField(label=_("检查意见（写入通报）"), required=False, max_length=5000, strip=False)


class ProjectForm(forms.Form):
    """A new expropriation project, typed by the responsible county's staff."""

    agency = forms.ModelChoiceField(label=_("责任机关"), queryset=Agency.objects.none(), empty_label=None)
    name = forms.CharField(label=_("项目（批次）名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=ProjectKind.choices, initial=ProjectKind.BATCH)
    approving_authority = forms.ChoiceField(
        label=_("批准机关"), choices=Authority.choices, initial=Authority.PROVINCE
    )
    approval_number = forms.CharField(label=_("批准文号"), max_length=60, required=False)
    approval_date = LooseDateField(label=_("批准日期"))
    approval_received_date = LooseDateField(
        label=_("收到批准文件日期"), help_text=_("征收土地公告的15个工作日自此日起算；空白时按批准日期。")
    )
    regime = forms.ChoiceField(
        label=_("适用程序"),
        required=False,
        choices=[("", _("按批准日期确定")), *((r.value, label) for r, label in rules.REGIME_LABELS.items())],
    )
    county = forms.ModelChoiceField(
        label=_("所在县市区"), queryset=Place.objects.filter(level=PlaceLevel.COUNTY), empty_label="—"
    )
    township = forms.CharField(label=_("涉及乡镇"), max_length=60, required=False)
    villages = forms.CharField(
        label=_("涉及村"), max_length=600, required=False, help_text=_("多个村以“、”分隔；须同时填写乡镇。")
    )
    village_groups = forms.CharField(label=_("涉及村民小组"), max_length=300, required=False)
    area_ha = forms.DecimalField(
        label=_("征收面积（公顷）"), max_digits=12, decimal_places=4, min_value=Decimal(0)
    )
    farmland_ha = forms.DecimalField(
        label=_("其中耕地（公顷）"),
        max_digits=12,
        decimal_places=4,
        min_value=Decimal(0),
        required=False,
        initial=Decimal(0),
    )
    purpose = forms.CharField(label=_("征收目的（用途）"), max_length=200)
    withheld = forms.BooleanField(label=_("不予公开"), required=False)
    withheld_reason = forms.CharField(label=_("不予公开的理由和依据"), max_length=200, required=False)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["agency"]
        field.queryset = agencies
        if len(agencies) == 1:
            field.widget = forms.HiddenInput()
            field.initial = agencies[0].pk
        counties: Any = self.fields["county"]
        counties.queryset = Place.objects.filter(level=PlaceLevel.COUNTY).order_by("code")

    def clean_villages(self) -> list[str]:
        text = self.cleaned_data.get("villages", "")
        return [v.strip() for v in re.split(r"[、，,;；\s]+", text) if v.strip()]

    def clean_farmland_ha(self) -> Decimal:
        value = self.cleaned_data.get("farmland_ha")
        return Decimal(0) if value is None else value
